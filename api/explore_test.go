package api_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// exploreWorld: public notes a → b → c written by nobody in particular
// (so that no contributor joins them), a mentions term t, and a links to
// alice's PRIVATE note secret, which links to d (reachable only through
// secret).
func exploreWorld(t *testing.T) (*env, map[string]string) {
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.contributor("carol", "Carol")
	for _, id := range []string{"a", "b", "c", "d"} {
		e.doc(graph.Document{ID: id, Title: "Note " + strings.ToUpper(id)})
	}
	e.doc(graph.Document{ID: "secret", Title: "Secret", Visibility: graph.VisibilityPrivate}, "alice")
	e.doc(graph.Document{ID: "t", Kind: graph.KindTerm, Title: "Maillage"})
	_, err := e.store.Communities().Create(e.sys(), graph.Community{ID: "c1", Name: "Cercle"})
	e.must(err, "community")
	e.link(graph.RelLinksTo, "a", "b")
	e.link(graph.RelLinksTo, "b", "c")
	e.link(graph.RelLinksTo, "a", "secret")
	e.link(graph.RelLinksTo, "secret", "d")
	e.link(graph.RelMentions, "a", "t")
	return e, map[string]string{
		"anonymous": "",
		"carol":     e.token(graph.RoleContributor, "carol"),
		"alice":     e.token(graph.RoleContributor, "alice"),
	}
}

const neighbourhoodQuery = `query($id: ID!, $depth: Int, $rels: [Relation!], $first: Int) {
	neighbourhood(id: $id, depth: $depth, relations: $rels, first: $first) {
		truncated
		nodes { id kind label degree node { __typename ... on Note { title } } }
		edges { type from to }
	}
}`

func TestNeighbourhoodAPI(t *testing.T) {
	t.Parallel()
	e, tok := exploreWorld(t)
	v := vars{"id": gid(graph.KindNote, "a"), "depth": 2, "rels": []string{"LINKS_TO", "MENTIONS"}}
	for who, want := range map[string][]string{
		"anonymous": {"Note A", "Note B", "Maillage", "Note C"},
		"carol":     {"Note A", "Note B", "Maillage", "Note C"},
		"alice":     {"Note A", "Note B", "Secret", "Maillage", "Note C", "Note D"},
	} {
		t.Run(who, func(t *testing.T) {
			r := e.query(tok[who], neighbourhoodQuery, v).ok()
			var labels []string
			for i := range r.list("neighbourhood.nodes") {
				p := "neighbourhood.nodes." + strconv.Itoa(i)
				labels = append(labels, r.str(p+".label"))
				if r.str(p+".kind") == "NOTE" && r.str(p+".node.title") != r.str(p+".label") {
					t.Errorf("node %d: label %q, node title %q", i, r.str(p+".label"), r.str(p+".node.title"))
				}
			}
			if !slices.Equal(labels, want) {
				t.Errorf("labels %v, want %v", labels, want)
			}
			if r.str("neighbourhood.nodes.0.id") != gid(graph.KindNote, "a") || r.str("neighbourhood.nodes.2.kind") != map[bool]string{true: "NOTE", false: "TERM"}[who == "alice"] {
				t.Errorf("root or kinds wrong: %s", r.Raw)
			}
			wantDegree := 2 // b and t
			if who == "alice" {
				wantDegree = 3
			}
			if d := r.num("neighbourhood.nodes.0.degree"); d != wantDegree {
				t.Errorf("degree of a: %d, want %d", d, wantDegree)
			}
			edges := r.list("neighbourhood.edges")
			if len(edges) != len(want)-1 {
				t.Errorf("%d edges, want %d (the subgraph is a tree here)", len(edges), len(want)-1)
			}
			if strings.Contains(string(r.Raw), gid(graph.KindNote, "secret")) != (who == "alice") {
				t.Errorf("the private note's id shows (or not) wrongly: %s", r.Raw)
			}
		})
	}
}

func TestNeighbourhoodAPIErrors(t *testing.T) {
	t.Parallel()
	e, tok := exploreWorld(t)
	hidden := e.query("", neighbourhoodQuery, vars{"id": gid(graph.KindNote, "secret")}).wantCode(graph.ENOTFOUND)
	missing := e.query("", neighbourhoodQuery, vars{"id": gid(graph.KindNote, "nope")}).wantCode(graph.ENOTFOUND)
	if h, m := strings.ReplaceAll(hidden.Errors[0].Message, gid(graph.KindNote, "secret"), "<id>"),
		strings.ReplaceAll(missing.Errors[0].Message, gid(graph.KindNote, "nope"), "<id>"); h != m {
		t.Errorf("hidden %q and missing %q differ", h, m)
	}
	e.query(tok["alice"], neighbourhoodQuery, vars{"id": gid(graph.KindNote, "secret")}).ok()
	// A note's store id under another kind is missing, not the note.
	e.query("", neighbourhoodQuery, vars{"id": gid(graph.KindTerm, "a")}).wantCode(graph.ENOTFOUND)
	for name, v := range map[string]vars{
		"depth 4":          {"id": gid(graph.KindNote, "a"), "depth": 4},
		"depth 0":          {"id": gid(graph.KindNote, "a"), "depth": 0},
		"first 501":        {"id": gid(graph.KindNote, "a"), "first": 501},
		"unknown relation": {"id": gid(graph.KindNote, "a"), "rels": []string{"LINKED"}},
		"malformed id":     {"id": "not-an-id"},
	} {
		t.Run(name, func(t *testing.T) { e.query("", neighbourhoodQuery, v).wantCode(graph.EINVALID) })
	}
	// Community and carnet roots work: any kind of node.
	r := e.query("", neighbourhoodQuery, vars{"id": gid(graph.KindCommunity, "c1")}).ok()
	if r.str("neighbourhood.nodes.0.label") != "Cercle" || r.str("neighbourhood.nodes.0.kind") != "COMMUNITY" {
		t.Errorf("community root: %s", r.Raw)
	}
}

const pathQuery = `query($from: ID!, $to: ID!, $max: Int, $first: Int) {
	path(from: $from, to: $to, maxDepth: $max) { nodes { id label } edges { type from to } }
	paths(from: $from, to: $to, maxDepth: $max, first: $first) { nodes { label } }
}`

func TestPathAPI(t *testing.T) {
	t.Parallel()
	e, tok := exploreWorld(t)
	r := e.query("", pathQuery, vars{"from": gid(graph.KindNote, "c"), "to": gid(graph.KindTerm, "t")}).ok()
	var labels []string
	for i := range r.list("path.nodes") {
		labels = append(labels, r.str("path.nodes."+strconv.Itoa(i)+".label"))
	}
	if want := []string{"Note C", "Note B", "Note A", "Maillage"}; !slices.Equal(labels, want) {
		t.Errorf("path c→t: %v, want %v", labels, want)
	}
	if r.str("path.edges.0.from") != gid(graph.KindNote, "b") || r.str("path.edges.0.to") != gid(graph.KindNote, "c") || r.str("path.edges.0.type") != "LINKS_TO" {
		t.Errorf("first edge keeps the link's own direction b→c: %s", r.Raw)
	}
	if len(r.list("paths")) != 1 {
		t.Errorf("paths: %s", r.Raw)
	}
	// d is reachable only through alice's private note; a hidden end is
	// null exactly like a missing one.
	for _, to := range []string{"d", "secret", "nope"} {
		for _, who := range []string{"anonymous", "carol"} {
			r := e.query(tok[who], pathQuery, vars{"from": gid(graph.KindNote, "c"), "to": gid(graph.KindNote, to)}).ok()
			if r.get("path") != nil || len(r.list("paths")) != 0 {
				t.Errorf("%s: c→%s: %s; want null and []", who, to, r.Raw)
			}
		}
	}
	r = e.query(tok["alice"], pathQuery, vars{"from": gid(graph.KindNote, "c"), "to": gid(graph.KindNote, "d")}).ok()
	if n := len(r.list("path.nodes")); n != 5 {
		t.Errorf("alice: c→d has %d nodes, want 5: %s", n, r.Raw)
	}
	if r := e.query(tok["alice"], pathQuery, vars{"from": gid(graph.KindNote, "c"), "to": gid(graph.KindNote, "d"), "max": 3}).ok(); r.get("path") != nil {
		t.Errorf("alice: c→d within 3 links: %s", r.Raw)
	}
	for name, v := range map[string]vars{
		"maxDepth 7":     {"from": gid(graph.KindNote, "a"), "to": gid(graph.KindNote, "b"), "max": 7},
		"first 11":       {"from": gid(graph.KindNote, "a"), "to": gid(graph.KindNote, "b"), "first": 11},
		"community end":  {"from": gid(graph.KindCommunity, "c1"), "to": gid(graph.KindNote, "b")},
		"malformed id":   {"from": "x", "to": gid(graph.KindNote, "b")},
		"maxDepth 0 too": {"from": gid(graph.KindNote, "a"), "to": gid(graph.KindNote, "b"), "max": 0},
	} {
		t.Run(name, func(t *testing.T) { e.query("", pathQuery, v).wantCode(graph.EINVALID) })
	}
}
