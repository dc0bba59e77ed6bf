package api_test

import (
	"strconv"
	"testing"

	"github.com/encommun/maillage/graph"
)

// A subgraph edge names its relation `relation`, as a network edge and a
// link suggestion do; the older `type` still answers, the same value, and
// introspection marks it deprecated.
func TestSubgraphEdgeRelation(t *testing.T) {
	t.Parallel()
	e, _ := exploreWorld(t)
	for _, q := range []string{
		`query($id: ID!) { neighbourhood(id: $id) { edges { relation type from to } } }`,
		`query($id: ID!) { path(from: $id, to: "` + gid(graph.KindNote, "c") + `") { edges { relation type from to } } }`,
	} {
		r := e.query("", q, vars{"id": gid(graph.KindNote, "a")}).ok()
		root := "neighbourhood"
		if r.get("path") != nil {
			root = "path"
		}
		edges := r.list(root + ".edges")
		if len(edges) == 0 {
			t.Fatalf("%s: no edges: %s", root, r.Raw)
		}
		rels := map[string]bool{}
		for i := range edges {
			p := root + ".edges." + strconv.Itoa(i)
			if r.str(p+".relation") == "" || r.str(p+".relation") != r.str(p+".type") {
				t.Errorf("%s: relation %q, type %q", p, r.str(p+".relation"), r.str(p+".type"))
			}
			rels[r.str(p+".relation")] = true
		}
		if !rels["LINKS_TO"] {
			t.Errorf("%s: relations %v, want LINKS_TO among them", root, rels)
		}
	}

	r := e.query("", `{ __type(name: "SubgraphEdge") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`, nil).ok()
	seen := map[string]bool{}
	for i := range r.list("__type.fields") {
		p := "__type.fields." + strconv.Itoa(i)
		name := r.str(p + ".name")
		seen[name] = true
		deprecated := r.get(p+".isDeprecated") == true
		if deprecated != (name == "type") {
			t.Errorf("SubgraphEdge.%s: deprecated %v", name, deprecated)
		}
		if name == "type" && r.str(p+".deprecationReason") == "" {
			t.Error("SubgraphEdge.type: no deprecation reason")
		}
	}
	if !seen["relation"] || !seen["type"] {
		t.Errorf("SubgraphEdge fields %v: want relation and type", seen)
	}
}
