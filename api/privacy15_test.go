package api_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// TestIssue15ProfileRegion replays issue #15 item 3: anonymous
// `contributors { nodes { name region } }` showed the region of people who
// declared it AGGREGATE, and one for someone who declared none, because the
// profile kept a region of its own. The profile field can no longer be
// written, and Contributor.region is the PUBLIC region declaration or null.
func TestIssue15ProfileRegion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("agg", "Agrégée")
	e.contributor("none", "Sans déclaration")
	e.contributor("pub", "Publique")
	e.declare("agg", "region", "estrie", graph.DeclAggregate)
	e.declare("pub", "region", "outaouais", graph.DeclPublic)
	// Each fills the profile's region, as clients did before.
	for id, region := range map[string]string{"agg": "estrie", "none": "mauricie"} {
		r := e.query(e.token(graph.RoleContributor, id),
			`mutation($id: ID!, $region: String) { updateContributor(input: {id: $id, version: 1, region: $region}) { contributor { id } } }`,
			vars{"id": gid(graph.KindContributor, id), "region": region})
		r.wantCode("BAD_USER_INPUT")
	}
	r := e.query(e.token(graph.RoleAdmin, ""), `mutation { createContributor(input: {name: "Nouvelle", region: "estrie"}) { contributor { id } } }`, nil)
	r.wantCode("BAD_USER_INPUT")
	want := map[string]any{gid(graph.KindContributor, "agg"): nil, gid(graph.KindContributor, "none"): nil,
		gid(graph.KindContributor, "pub"): "outaouais"}
	for _, tok := range []string{"", e.token(graph.RoleContributor, "pub"), e.token(graph.RoleContributor, "agg"), e.token(graph.RoleAdmin, "")} {
		r := e.query(tok, `{ contributors { nodes { id name region } } }`, nil).ok()
		got := map[string]any{}
		for i := range r.list("contributors.nodes") {
			got[r.str(fmt.Sprintf("contributors.nodes.%d.id", i))] = r.get(fmt.Sprintf("contributors.nodes.%d.region", i))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("token %q: regions %v, want %v", tok, got, want)
		}
	}
}

// TestIssue15CarnetPositions replays issue #15 item 4: positions showed
// gaps where hidden entries sit, and a new entry's position counted them.
func TestIssue15CarnetPositions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("a", "Autrice")
	e.contributor("x", "Autre")
	_, err := e.store.Carnets().Create(e.sys(), graph.Carnet{ID: "k", Title: "Carnet"})
	e.must(err, "carnet")
	for _, d := range []struct {
		id  string
		vis graph.Visibility
	}{{"p1", graph.VisibilityPublic}, {"h1", graph.VisibilityPrivate}, {"h2", graph.VisibilityPrivate}, {"p2", graph.VisibilityPublic}} {
		e.doc(graph.Document{ID: d.id, Title: "Note " + d.id, Visibility: d.vis}, "a")
		e.link(graph.RelInCarnet, d.id, "k")
	}
	const q = `query($id: ID!) { node(id: $id) { ... on Carnet { documents { edges { position node { id } } } } } }`
	positions := func(tok string) []int {
		r := e.query(tok, q, vars{"id": gid(graph.KindCarnet, "k")}).ok()
		var out []int
		for i := range r.list("node.documents.edges") {
			out = append(out, r.num(fmt.Sprintf("node.documents.edges.%d.position", i)))
		}
		return out
	}
	if got := positions(""); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("anonymous sees positions %v, want [1 2]", got)
	}
	if got := positions(e.token(graph.RoleContributor, "a")); !slices.Equal(got, []int{1, 2, 3, 4}) {
		t.Errorf("the author sees positions %v, want [1 2 3 4]", got)
	}
	e.doc(graph.Document{ID: "mine", Title: "La mienne"}, "x")
	r := e.query(e.token(graph.RoleContributor, "x"),
		`mutation($d: ID!, $k: ID!) { addToCarnet(documentId: $d, carnetId: $k) { link { position } } }`,
		vars{"d": gid(graph.KindNote, "mine"), "k": gid(graph.KindCarnet, "k")}).ok()
	if p := r.num("addToCarnet.link.position"); p != 3 {
		t.Errorf("another contributor's new entry is at position %d, want 3 (two hidden entries counted?)", p)
	}
	r = e.query("", `query($id: ID!) { node(id: $id) { ... on Note { carnets { position } } } }`, vars{"id": gid(graph.KindNote, "p2")}).ok()
	if p := r.num("node.carnets.0.position"); p != 2 {
		t.Errorf("anonymous sees p2 at position %d in its carnet, want 2", p)
	}
}

// TestIssue15DraftHistory replays issue #15 item 6: text written while a
// note was PRIVATE became public history once the note was made PUBLIC.
func TestIssue15DraftHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("a", "Autrice")
	e.contributor("x", "Autre")
	e.doc(graph.Document{ID: "n", Title: "Brouillon", Body: "Premier jet.", Visibility: graph.VisibilityPrivate}, "a")
	author := e.token(graph.RoleContributor, "a")
	e.query(author, `mutation($id: ID!) { updateNote(input: {id: $id, version: 1, body: "Secret de brouillon."}) { note { version } } }`,
		vars{"id": gid(graph.KindNote, "n")}).ok()
	e.query(author, `mutation($id: ID!) { updateNote(input: {id: $id, version: 2, visibility: PUBLIC, body: "Texte public."}) { note { version } } }`,
		vars{"id": gid(graph.KindNote, "n")}).ok()
	const revs = `query($id: ID!) { node(id: $id) { ... on Note { revisions { totalCount nodes { version body } } } } }`
	for _, c := range []struct {
		name, tok string
		want      int
	}{{"anonymous", "", 1}, {"another contributor", e.token(graph.RoleContributor, "x"), 1}, {"the author", author, 3}} {
		r := e.query(c.tok, revs, vars{"id": gid(graph.KindNote, "n")}).ok()
		if n := r.num("node.revisions.totalCount"); n != c.want || len(r.list("node.revisions.nodes")) != c.want {
			t.Errorf("%s reads %d revisions, want %d: %s", c.name, n, c.want, r.Raw)
		}
		if c.want == 1 && r.str("node.revisions.nodes.0.body") != "Texte public." {
			t.Errorf("%s reads %s", c.name, r.Raw)
		}
		for _, from := range []int{1, 2} {
			d := e.query(c.tok, diffQuery, vars{"id": gid(graph.KindNote, "n"), "from": from, "to": 3})
			if c.want == 1 {
				d.wantCode("NOT_FOUND")
			} else {
				d.ok()
			}
		}
	}
}
