package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

const coverageQuery = `query($q: String, $f: SearchFilter) { coverage(query: $q, filter: $f) {
  k documentCount contributorCount tooFewContributors
  dimensions { id label labels { en } retired undeclaredShare undeclaredCount undeclaredSuppressed
    values { id label(lang: en) retired status contributors documents suppressed absent } } } }`

// coverageWorld: six contributors p0–p5 each write a public note on
// gardens ("jardin"); p0 and p1 also write one on cooking ("cuisine"),
// together. Declarations: gender woman PUBLIC for p0–p4; generation 25-34
// AGGREGATE for p0–p4 (k of them); language french AGGREGATE for p0 only;
// disability PRIVATE for p5.
func coverageWorld(t *testing.T, cfg func(*api.Config)) (*env, *search.Index) {
	t.Helper()
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	e := newEnvWith(t, envOptions{config: func(c *api.Config) {
		c.Index = ix
		if cfg != nil {
			cfg(c)
		}
	}})
	for i := range 6 {
		id := fmt.Sprint("p", i)
		e.contributor(id, "Personne "+id)
		e.doc(graph.Document{ID: "jardin-" + id, Title: "Jardin de " + id, Body: "Un jardin partagé."}, id)
	}
	e.doc(graph.Document{ID: "cuisine", Title: "Cuisine collective", Body: "La cuisine."}, "p0", "p1")
	for i := range 5 {
		id := fmt.Sprint("p", i)
		e.declare(id, "gender", "woman", graph.DeclPublic)
		e.declare(id, "generation", "25-34", graph.DeclAggregate)
	}
	e.declare("p0", "language", "french", graph.DeclAggregate)
	e.declare("p5", "disability", "living-with-disability", graph.DeclPrivate)
	catchUp(t, e, ix)
	return e, ix
}

func (e *env) declare(id, dim, value string, vis graph.DeclarationVisibility) {
	e.t.Helper()
	ctx := graph.WithViewer(e.t.Context(), graph.Viewer{Role: graph.RoleContributor, ContributorID: id})
	_, err := e.store.DeclareStandpoint(ctx, graph.Declaration{ContributorID: id, Dimension: dim, Value: value, Visibility: vis})
	e.must(err, "declare "+id+" "+dim+":"+value)
}

// valueStatus returns "dimension:value" → "STATUS n/m" of a coverage.
func valueStatus(r *response) map[string]string {
	out := map[string]string{}
	for _, d := range r.list("coverage.dimensions") {
		dm := d.(map[string]any)
		for _, v := range dm["values"].([]any) {
			vm := v.(map[string]any)
			out[dm["id"].(string)+":"+vm["id"].(string)] = fmt.Sprintf("%s %v/%v", vm["status"], vm["contributors"], vm["documents"])
		}
	}
	return out
}

func dimension(r *response, id string) map[string]any {
	for _, d := range r.list("coverage.dimensions") {
		if dm := d.(map[string]any); dm["id"] == id {
			return dm
		}
	}
	r.t.Fatalf("no dimension %s in %s", id, r.Raw)
	return nil
}

func TestCoverageOfTheCommons(t *testing.T) {
	e, _ := coverageWorld(t, nil)
	r := e.query("", coverageQuery, nil).ok()
	if r.num("coverage.k") != 5 || r.num("coverage.documentCount") != 7 || r.num("coverage.contributorCount") != 6 || r.get("coverage.tooFewContributors") != false {
		t.Fatalf("totals: %s", r.Raw)
	}
	tax := graph.DefaultTaxonomy()
	dims := r.list("coverage.dimensions")
	if len(dims) != len(tax.Dimensions) {
		t.Fatalf("%d dimensions, want every one of the taxonomy (%d)", len(dims), len(tax.Dimensions))
	}
	for i, d := range tax.Dimensions {
		dm := dims[i].(map[string]any)
		if dm["id"] != d.ID || len(dm["values"].([]any)) != len(d.Values) || dm["retired"] != false || dm["label"] != d.Label.FR {
			t.Errorf("dimension %d: %v, want %s with its %d values in taxonomy order", i, dm["id"], d.ID, len(d.Values))
		}
	}
	st := valueStatus(r)
	for key, want := range map[string]string{
		"gender:woman":                      "PRESENT 5/6",            // five PUBLIC, on their notes and the cooking one
		"gender:man":                        "ABSENT 0/0",             // nobody
		"generation:25-34":                  "PRESENT 5/6",            // five AGGREGATE: k of them
		"language:french":                   "SUPPRESSED <nil>/<nil>", // one AGGREGATE
		"disability:living-with-disability": "ABSENT 0/0",             // PRIVATE counts nothing
	} {
		if st[key] != want {
			t.Errorf("%s: %s, want %s", key, st[key], want)
		}
	}
	if r.str("coverage.dimensions.0.values.0.label") != "Woman" {
		t.Errorf("label(lang: en): %s", r.Raw)
	}
	// Undeclared: gender 1 of 6 (p5); language is withheld (p0 alone
	// declares it, through AGGREGATE); disability has no one (PRIVATE).
	if g := dimension(r, "gender"); g["undeclaredCount"] != 1.0 || g["undeclaredShare"] != 1.0/6 || g["undeclaredSuppressed"] != false {
		t.Errorf("gender undeclared: %v", g)
	}
	if l := dimension(r, "language"); l["undeclaredCount"] != nil || l["undeclaredShare"] != nil || l["undeclaredSuppressed"] != true {
		t.Errorf("language undeclared: %v", l)
	}
	if d := dimension(r, "disability"); d["undeclaredCount"] != 6.0 || d["undeclaredShare"] != 1.0 {
		t.Errorf("disability undeclared: %v", d)
	}
}

func TestCoverageOfATopic(t *testing.T) {
	e, _ := coverageWorld(t, nil)
	// The cooking note: p0 and p1, fewer than k: totals only, every value
	// withheld, absent ones too.
	r := e.query("", coverageQuery, vars{"q": "cuisine"}).ok()
	if r.num("coverage.documentCount") != 1 || r.num("coverage.contributorCount") != 2 || r.get("coverage.tooFewContributors") != true {
		t.Fatalf("totals: %s", r.Raw)
	}
	for key, s := range valueStatus(r) {
		if s != "SUPPRESSED <nil>/<nil>" {
			t.Errorf("%s: %s, want SUPPRESSED with too few contributors", key, s)
		}
	}
	for _, d := range r.list("coverage.dimensions") {
		if dm := d.(map[string]any); dm["undeclaredSuppressed"] != true || dm["undeclaredShare"] != nil {
			t.Errorf("dimension %v: undeclared shown with too few contributors", dm["id"])
		}
	}
	// Gardens: six contributors, as the commons minus the cooking note.
	r = e.query("", coverageQuery, vars{"q": "jardin"}).ok()
	if r.num("coverage.documentCount") != 6 || r.num("coverage.contributorCount") != 6 || valueStatus(r)["gender:woman"] != "PRESENT 5/5" {
		t.Errorf("gardens: %s", r.Raw)
	}
	// A filter alone (no text) scopes too.
	r = e.query("", coverageQuery, vars{"f": map[string]any{"authors": []string{gid(graph.KindContributor, "p0"), gid(graph.KindContributor, "p1")}}}).ok()
	if r.num("coverage.documentCount") != 3 || r.get("coverage.tooFewContributors") != true {
		t.Errorf("authors filter: %s", r.Raw)
	}
	// A blank text is the whole commons.
	if r := e.query("", coverageQuery, vars{"q": "  "}).ok(); r.num("coverage.documentCount") != 7 {
		t.Errorf("blank query: %s", r.Raw)
	}
	// Nothing matches: zero everywhere, all absent, no share.
	r = e.query("", coverageQuery, vars{"q": "astronomie"}).ok()
	if r.num("coverage.contributorCount") != 0 || r.get("coverage.tooFewContributors") != false || valueStatus(r)["gender:woman"] != "ABSENT 0/0" ||
		dimension(r, "gender")["undeclaredShare"] != nil {
		t.Errorf("no match: %s", r.Raw)
	}
}

func TestCoverageCountsWhatTheViewerReads(t *testing.T) {
	e, ix := coverageWorld(t, nil)
	// A private note of p5 on gardens: p5's own coverage counts it,
	// others' does not.
	e.doc(graph.Document{ID: "secret", Title: "Jardin secret", Body: "Un jardin.", Visibility: graph.VisibilityPrivate}, "p5")
	catchUp(t, e, ix)
	p5 := e.token(graph.RoleContributor, "p5")
	for _, c := range []struct {
		who, token string
		want       int
	}{{"anonymous", "", 6}, {"p0", e.token(graph.RoleContributor, "p0"), 6}, {"p5", p5, 7}, {"admin", e.token(graph.RoleAdmin, ""), 7}} {
		if r := e.query(c.token, coverageQuery, vars{"q": "jardin"}).ok(); r.num("coverage.documentCount") != c.want {
			t.Errorf("%s: %d documents, want %d", c.who, r.num("coverage.documentCount"), c.want)
		}
	}
}

func TestCoverageRetiredValues(t *testing.T) {
	e, _ := coverageWorld(t, nil)
	// Remove "woman" and the whole "generation" dimension from the taxonomy.
	tax := graph.DefaultTaxonomy()
	g := tax.Dimension("gender")
	g.Values = slices.DeleteFunc(g.Values, func(v graph.StandpointValue) bool { return v.ID == "woman" })
	tax.Dimensions = slices.DeleteFunc(tax.Dimensions, func(d graph.StandpointDimension) bool { return d.ID == "generation" })
	srv := e.serve(e.store, tax)
	r := e.queryAt(srv, "", coverageQuery, nil).ok()
	dims := r.list("coverage.dimensions")
	last := dims[len(dims)-1].(map[string]any)
	if last["id"] != "generation" || last["retired"] != true || last["label"] != nil || last["labels"] != nil {
		t.Errorf("retired dimension: %v", last)
	}
	st := valueStatus(r)
	if st["gender:woman"] != "PRESENT 5/6" || st["generation:25-34"] != "PRESENT 5/6" {
		t.Errorf("retired values keep their counts: %v", st)
	}
	gender := dimension(r, "gender")["values"].([]any)
	woman := gender[len(gender)-1].(map[string]any)
	if woman["id"] != "woman" || woman["retired"] != true || woman["label"] != nil {
		t.Errorf("retired value, listed after the taxonomy's: %v", woman)
	}
}

func TestCoverageBadInput(t *testing.T) {
	e, _ := coverageWorld(t, nil)
	for _, f := range []map[string]any{
		{"standpoints": []any{map[string]any{"dimension": "gender", "value": "nope"}}},
		{"standpoints": []any{map[string]any{"dimension": "nope", "value": "woman"}}},
		{"authors": []string{"not a global id"}},
	} {
		r := e.query("", coverageQuery, vars{"f": f}).wantCode(graph.EINVALID)
		if r.get("coverage") != nil {
			t.Errorf("filter %v: data returned with the error: %s", f, r.Raw)
		}
	}
	e.query("", coverageQuery, vars{"q": "-seulement"}).wantCode(graph.EINVALID)
	// A filter on a PUBLIC standpoint scopes to the authors who declare it.
	r := e.query("", coverageQuery, vars{"f": map[string]any{"standpoints": []any{map[string]any{"dimension": "gender", "value": "woman"}}}}).ok()
	if r.num("coverage.contributorCount") != 5 || r.num("coverage.documentCount") != 6 {
		t.Errorf("public standpoint filter: %s", r.Raw)
	}
	// A filter on a value someone holds through AGGREGATE only matches
	// nothing: the index knows PUBLIC declarations only.
	r = e.query("", coverageQuery, vars{"f": map[string]any{"standpoints": []any{map[string]any{"dimension": "generation", "value": "25-34"}}}}).ok()
	if r.num("coverage.documentCount") != 0 {
		t.Errorf("AGGREGATE standpoint filter matched: %s", r.Raw)
	}
}

func TestCoverageThresholdConfig(t *testing.T) {
	// k = 2: two AGGREGATE holders show.
	e, _ := coverageWorld(t, func(c *api.Config) { c.CoverageK = 2 })
	e.declare("p5", "language", "french", graph.DeclAggregate)
	r := e.query("", coverageQuery, nil).ok()
	if r.num("coverage.k") != 2 || valueStatus(r)["language:french"] != "PRESENT 2/3" {
		t.Errorf("k = 2: %s", r.Raw)
	}
	// k = 7: more than the contributors counted, so nothing shows.
	e7, _ := coverageWorld(t, func(c *api.Config) { c.CoverageK = 7 })
	if r := e7.query("", coverageQuery, nil).ok(); r.get("coverage.tooFewContributors") != true || !strings.Contains(valueStatus(r)["gender:woman"], "SUPPRESSED") {
		t.Errorf("k = 7: %s", r.Raw)
	}
	for _, k := range []int{1, -1} {
		func() {
			defer func() {
				if p := recover(); p == nil {
					t.Errorf("NewHandler with CoverageK %d: no panic", k)
				}
			}()
			api.NewHandler(api.Config{Store: e.store, CoverageK: k})
		}()
	}
}
