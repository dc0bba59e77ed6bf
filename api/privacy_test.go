package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// privacyWorld has a public note linked from a PRIVATE note, a COMMUNITY
// note and another public note, all by alice; bob is a member of the
// community, carol is not.
type privacyWorld struct {
	*env
	tokens map[string]string // "" is anonymous
}

func newPrivacyWorld(t *testing.T) *privacyWorld {
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.contributor("bob", "Bob")
	e.contributor("carol", "Carol")
	_, err := e.store.Communities().Create(e.sys(), graph.Community{ID: "c1", Name: "Cercle"})
	e.must(err, "community")
	e.link(graph.RelMemberOf, "bob", "c1")
	e.doc(graph.Document{ID: "pub", Title: "Public"}, "alice")
	e.doc(graph.Document{ID: "pub2", Title: "Public aussi"}, "alice")
	e.doc(graph.Document{ID: "priv", Title: "Secret d'Alice", Visibility: graph.VisibilityPrivate}, "alice")
	e.doc(graph.Document{ID: "comm", Title: "Entre nous", Visibility: graph.VisibilityCommunity}, "alice")
	e.link(graph.RelOfCommunity, "comm", "c1")
	for _, from := range []string{"priv", "comm", "pub2"} {
		e.link(graph.RelLinksTo, from, "pub")
	}
	return &privacyWorld{env: e, tokens: map[string]string{
		"anonymous": "",
		"carol":     e.token(graph.RoleContributor, "carol"),
		"bob":       e.token(graph.RoleContributor, "bob"),
		"alice":     e.token(graph.RoleContributor, "alice"),
		"admin":     e.token(graph.RoleAdmin, ""),
		"research":  e.token(graph.RoleResearcher, ""),
	}}
}

func TestHiddenDocumentsAreAbsentEverywhere(t *testing.T) {
	t.Parallel()
	w := newPrivacyWorld(t)
	want := map[string][]string{
		"anonymous": {"Public", "Public aussi"},
		"research":  {"Public", "Public aussi"},
		"carol":     {"Public", "Public aussi"},
		"bob":       {"Entre nous", "Public", "Public aussi"},
		"alice":     {"Entre nous", "Public", "Public aussi", "Secret d'Alice"},
		"admin":     {"Entre nous", "Public", "Public aussi", "Secret d'Alice"},
	}
	q := `query($priv: ID!, $comm: ID!, $pub: ID!, $alice: ID!, $c1: ID!) {
		notes { totalCount nodes { title } }
		documents { totalCount }
		priv: node(id: $priv) { id }
		comm: node(id: $comm) { id }
		both: nodes(ids: [$priv, $comm]) { id }
		pub: node(id: $pub) { ... on Note { backlinks { totalCount nodes { title } } } }
		alice: node(id: $alice) { ... on Contributor { documents { totalCount nodes { title } } } }
		c1: node(id: $c1) { ... on Community { documents { totalCount nodes { title } } } } }`
	v := vars{
		"priv": gid(graph.KindNote, "priv"), "comm": gid(graph.KindNote, "comm"), "pub": gid(graph.KindNote, "pub"),
		"alice": gid(graph.KindContributor, "alice"), "c1": gid(graph.KindCommunity, "c1"),
	}
	for who, titles := range want {
		t.Run(who, func(t *testing.T) {
			r := w.query(w.tokens[who], q, v).ok()
			seesPriv, seesComm := slices.Contains(titles, "Secret d'Alice"), slices.Contains(titles, "Entre nous")

			if got := sortedTitles(r, "notes.nodes"); !slices.Equal(got, titles) {
				t.Errorf("notes %v, want %v", got, titles)
			}
			if r.num("notes.totalCount") != len(titles) || r.num("documents.totalCount") != len(titles) {
				t.Errorf("counts notes %d documents %d, want %d", r.num("notes.totalCount"), r.num("documents.totalCount"), len(titles))
			}
			if (r.get("priv") != nil) != seesPriv || (r.get("comm") != nil) != seesComm {
				t.Errorf("node(): priv %v comm %v", r.get("priv"), r.get("comm"))
			}
			if (r.get("both.0") != nil) != seesPriv || (r.get("both.1") != nil) != seesComm {
				t.Errorf("nodes(): %v", r.get("both"))
			}
			// Backlinks of the public note: from the hidden notes too, for
			// those who may read them, and from nobody else's view.
			wantBack := slices.DeleteFunc(slices.Clone(titles), func(s string) bool { return s == "Public" })
			if got := sortedTitles(r, "pub.backlinks.nodes"); !slices.Equal(got, wantBack) || r.num("pub.backlinks.totalCount") != len(wantBack) {
				t.Errorf("backlinks %v (total %d), want %v", got, r.num("pub.backlinks.totalCount"), wantBack)
			}
			if got := sortedTitles(r, "alice.documents.nodes"); !slices.Equal(got, titles) || r.num("alice.documents.totalCount") != len(titles) {
				t.Errorf("author's documents %v (total %d), want %v", got, r.num("alice.documents.totalCount"), titles)
			}
			if (r.num("c1.documents.totalCount") == 1) != seesComm {
				t.Errorf("community documents: %v", r.get("c1.documents"))
			}
			raw := string(r.Raw)
			if !seesPriv && strings.Contains(raw, "Secret") || !seesComm && strings.Contains(raw, "Entre nous") {
				t.Errorf("a hidden title shows in the response: %s", raw)
			}
		})
	}
}

func sortedTitles(r *response, path string) []string {
	var out []string
	for _, n := range r.list(path) {
		out = append(out, n.(map[string]any)["title"].(string))
	}
	slices.Sort(out)
	return out
}

func TestStandpointsThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newPrivacyWorld(t)
	alice := w.tokens["alice"]
	declare := `mutation($d: String!, $v: String!, $vis: DeclarationVisibility!) {
		declareStandpoint(dimension: $d, value: $v, visibility: $vis) { declaration { dimension value visibility retired } } }`
	for _, d := range [][3]string{{"gender", "woman", "PUBLIC"}, {"region", "montreal", "PRIVATE"}, {"generation", "25-34", "AGGREGATE"}} {
		r := w.query(alice, declare, vars{"d": d[0], "v": d[1], "vis": d[2]}).ok()
		if r.str("declareStandpoint.declaration.visibility") != d[2] {
			t.Errorf("declared: %s", r.Raw)
		}
	}
	q := `query($a: ID!) { node(id: $a) { ... on Contributor { standpoints {
		dimension value visibility declaredAt retired label labels { fr en } dimensionLabel(lang: en) contributor { name } } } } }`
	aliceID := vars{"a": gid(graph.KindContributor, "alice")}

	// The owner sees all of their own.
	r := w.query(alice, q, aliceID).ok()
	if got := declared(r); !slices.Equal(got, []string{"gender:woman:PUBLIC", "generation:25-34:AGGREGATE", "region:montreal:PRIVATE"}) {
		t.Errorf("owner sees %v", got)
	}
	if r.str("node.standpoints.0.label") != "Femme" || r.str("node.standpoints.0.labels.en") != "Woman" ||
		r.str("node.standpoints.0.dimensionLabel") != "Gender" || r.get("node.standpoints.0.retired") != false ||
		r.str("node.standpoints.0.declaredAt") == "" || r.str("node.standpoints.0.contributor.name") != "Alice" {
		t.Errorf("declaration fields: %s", r.Raw)
	}
	r = w.query(alice, `{ viewer { standpoints { value } } }`, nil).ok()
	if len(r.list("viewer.standpoints")) != 3 {
		t.Errorf("viewer standpoints: %s", r.Raw)
	}

	// Everyone else, administrators included, sees the PUBLIC one only.
	for _, who := range []string{"anonymous", "carol", "bob", "admin", "research"} {
		r := w.query(w.tokens[who], q, aliceID).ok()
		if got := declared(r); !slices.Equal(got, []string{"gender:woman:PUBLIC"}) {
			t.Errorf("%s sees %v", who, got)
		}
		if strings.Contains(string(r.Raw), "montreal") || strings.Contains(string(r.Raw), "25-34") {
			t.Errorf("%s: a non-public value shows: %s", who, r.Raw)
		}
	}

	// Changing a visibility, then withdrawing.
	w.query(alice, declare, vars{"d": "region", "v": "montreal", "vis": "PUBLIC"}).ok()
	if got := declared(w.query(w.tokens["carol"], q, aliceID).ok()); !slices.Equal(got, []string{"gender:woman:PUBLIC", "region:montreal:PUBLIC"}) {
		t.Errorf("after making region public, carol sees %v", got)
	}
	r = w.query(alice, `mutation { withdrawStandpoint(dimension: "region", value: "montreal") { dimension value contributor { standpoints { value } } } }`, nil).ok()
	if len(r.list("withdrawStandpoint.contributor.standpoints")) != 2 {
		t.Errorf("after withdrawal: %s", r.Raw)
	}
	w.query(alice, `mutation { withdrawStandpoint(dimension: "region", value: "montreal") { value } }`, nil).wantCode(graph.ENOTFOUND)

	// A token of no contributor declares nothing.
	w.query(w.tokens["admin"], declare, vars{"d": "gender", "v": "man", "vis": "PUBLIC"}).wantCode(graph.EFORBIDDEN)

	// A value removed from the taxonomy shows as retired, without labels.
	tax := graph.DefaultTaxonomy()
	g := tax.Dimension("gender")
	g.Values = slices.DeleteFunc(g.Values, func(v graph.StandpointValue) bool { return v.ID == "woman" })
	srv := w.serve(w.store, tax)
	r = w.queryAt(srv, "", q, aliceID).ok()
	if r.str("node.standpoints.0.value") != "woman" || r.get("node.standpoints.0.retired") != true ||
		r.get("node.standpoints.0.label") != nil || r.get("node.standpoints.0.labels") != nil {
		t.Errorf("retired value: %s", r.Raw)
	}
	// And can no longer be declared.
	w.queryAt(srv, w.tokens["bob"], declare, vars{"d": "gender", "v": "woman", "vis": "PUBLIC"}).wantCode(graph.EINVALID)
}

func declared(r *response) []string {
	var out []string
	for _, s := range r.list("node.standpoints") {
		m := s.(map[string]any)
		out = append(out, m["dimension"].(string)+":"+m["value"].(string)+":"+m["visibility"].(string))
	}
	slices.Sort(out)
	return out
}

func TestStandpointDimensions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.query("", `{ standpointDimensions { id label fr: label(lang: fr) en: label(lang: en) labels { fr en } description(lang: en) descriptions { fr }
		values { id label(lang: en) labels { fr } } } }`, nil).ok()
	tax := graph.DefaultTaxonomy()
	dims := r.list("standpointDimensions")
	if len(dims) != len(tax.Dimensions) {
		t.Fatalf("%d dimensions, want %d", len(dims), len(tax.Dimensions))
	}
	d0 := tax.Dimensions[0]
	if r.str("standpointDimensions.0.id") != d0.ID || r.str("standpointDimensions.0.label") != d0.Label.FR ||
		r.str("standpointDimensions.0.en") != d0.Label.EN || r.str("standpointDimensions.0.labels.fr") != d0.Label.FR ||
		r.str("standpointDimensions.0.description") != d0.Description.EN ||
		r.str("standpointDimensions.0.values.0.label") != d0.Values[0].Label.EN ||
		len(r.list("standpointDimensions.0.values")) != len(d0.Values) {
		t.Errorf("dimension 0: %s", r.Raw)
	}
}
