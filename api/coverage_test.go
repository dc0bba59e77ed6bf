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
  k minContributors documentCount contributorCount tooFewContributors
  dimensions { id label labels { en } retired undeclaredShare undeclaredCount undeclaredSuppressed
    values { id label(lang: en) retired status contributors documents suppressed absent } } } }`

// coverageWorld: six contributors p0–p5 each write a public note on
// gardens ("jardin"); p0 and p1 also write one on cooking ("cuisine"),
// together. Declarations: gender woman PUBLIC for p0–p4; generation 25-34
// AGGREGATE for p0–p4 (k of them); language french AGGREGATE for p0 only;
// disability PRIVATE for p5.
func coverageWorld(t *testing.T, cfg func(*api.Config)) (*env, *search.Index) {
	t.Helper()
	e, ix := searchEnvWith(t, cfg)
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

// releasedWorld is coverageWorld with six more contributors, p6–p11, who
// each write a note on gardens and declare nothing: twelve contributors,
// past the floor of 2k = 10, so that values are released. Its key is
// fixed, so that answers are reproducible.
func releasedWorld(t *testing.T, cfg func(*api.Config)) (*env, *search.Index) {
	t.Helper()
	e, ix := coverageWorld(t, func(c *api.Config) {
		withCoverage(t, fixedKey(t.Name()))(c)
		if cfg != nil {
			cfg(c)
		}
	})
	for i := 6; i < 12; i++ {
		id := fmt.Sprint("p", i)
		e.contributor(id, "Personne "+id)
		e.doc(graph.Document{ID: "jardin-" + id, Title: "Jardin de " + id, Body: "Un jardin partagé."}, id)
	}
	catchUp(t, e, ix)
	return e, ix
}

// checkReleased checks the shape every released coverage has: every
// value of the taxonomy, in its order, with a contributor count rounded
// to 5, no document count, ABSENT exactly when released as 0, and each
// dimension's undeclared share from the counts shown.
func checkReleased(t *testing.T, r *response) {
	t.Helper()
	if r.get("coverage.tooFewContributors") != false {
		t.Fatalf("not released: %s", r.Raw)
	}
	n := float64(r.num("coverage.contributorCount"))
	tax := graph.DefaultTaxonomy()
	dims := r.list("coverage.dimensions")
	if len(dims) != len(tax.Dimensions) {
		t.Fatalf("%d dimensions, want the taxonomy's %d (and no retired one)", len(dims), len(tax.Dimensions))
	}
	for i, d := range tax.Dimensions {
		dm := dims[i].(map[string]any)
		vals := dm["values"].([]any)
		if dm["id"] != d.ID || len(vals) != len(d.Values) || dm["retired"] != false || dm["undeclaredSuppressed"] != false {
			t.Errorf("dimension %d: %v, want %s with its %d values", i, dm, d.ID, len(d.Values))
			continue
		}
		if u, ok := dm["undeclaredCount"].(float64); n > 0 && (!ok || u < 0 || u > n || dm["undeclaredShare"] != u/n) {
			t.Errorf("%s: undeclared %v of %v, share %v", d.ID, dm["undeclaredCount"], n, dm["undeclaredShare"])
		}
		for j, v := range d.Values {
			vm := vals[j].(map[string]any)
			c, _ := vm["contributors"].(float64)
			absent := c == 0
			if vm["id"] != v.ID || vm["documents"] != nil || vm["suppressed"] != false || vm["contributors"] == nil ||
				int(c)%graph.CoverageBase != 0 || vm["absent"] != absent || (vm["status"] == "ABSENT") != absent ||
				(!absent && vm["status"] != "PRESENT") {
				t.Errorf("%s:%s: %v", d.ID, v.ID, vm)
			}
		}
	}
}

func TestCoverageOfTheCommons(t *testing.T) {
	t.Parallel()
	e, _ := releasedWorld(t, nil)
	r := e.query("", coverageQuery, nil).ok()
	if r.num("coverage.k") != 5 || r.num("coverage.minContributors") != 10 || r.num("coverage.documentCount") != 13 || r.num("coverage.contributorCount") != 12 {
		t.Fatalf("totals: %s", r.Raw)
	}
	checkReleased(t, r)
	st := valueStatus(r)
	// True counts of 5 (woman PUBLIC, 25-34 AGGREGATE) are released within
	// one base: the noise passes 4 about one time in 2 000.
	for _, key := range []string{"gender:woman", "generation:25-34"} {
		if s := st[key]; s != "ABSENT 0/<nil>" && s != "PRESENT 5/<nil>" && s != "PRESENT 10/<nil>" {
			t.Errorf("%s: %s, want 0, 5 or 10", key, s)
		}
	}
	// Values nobody declares (PRIVATE counts for nothing) show as present
	// about one time in 25.
	present := 0
	for key, s := range st {
		if !slices.Contains([]string{"gender:woman", "generation:25-34", "language:french"}, key) && s != "ABSENT 0/<nil>" {
			present++
		}
	}
	if present > 6 {
		t.Errorf("%d values nobody declares are shown as present: %v", present, st)
	}
	if r.str("coverage.dimensions.0.values.0.label") != "Woman" {
		t.Errorf("label(lang: en): %s", r.Raw)
	}
	// The same question, the same answer: asking again averages nothing.
	for range 3 {
		if again := e.query("", coverageQuery, nil).ok(); string(again.Raw) != string(r.Raw) {
			t.Fatalf("asked again, another answer:\n%s\n%s", r.Raw, again.Raw)
		}
	}
}

func TestCoverageOfATopic(t *testing.T) {
	t.Parallel()
	e, _ := releasedWorld(t, nil)
	// The cooking note: p0 and p1, under the floor: totals only, every
	// value withheld, absent ones too.
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
	// Gardens: the twelve contributors of the commons, without the
	// cooking note; the same people, so the same released values.
	r = e.query("", coverageQuery, vars{"q": "jardin"}).ok()
	if r.num("coverage.documentCount") != 12 || r.num("coverage.contributorCount") != 12 {
		t.Errorf("gardens: %s", r.Raw)
	}
	checkReleased(t, r)
	if all := e.query("", coverageQuery, nil).ok(); fmt.Sprint(valueStatus(all)) != fmt.Sprint(valueStatus(r)) {
		t.Errorf("the same contributors, other values:\n%v\n%v", valueStatus(all), valueStatus(r))
	}
	// Nine authors: one short of 2k.
	var nine []string
	for i := range 9 {
		nine = append(nine, gid(graph.KindContributor, fmt.Sprint("p", i)))
	}
	r = e.query("", coverageQuery, vars{"f": map[string]any{"authors": nine}}).ok()
	if r.num("coverage.contributorCount") != 9 || r.get("coverage.tooFewContributors") != true {
		t.Errorf("nine authors: %s", r.Raw)
	}
	// A blank text is the whole commons.
	if r := e.query("", coverageQuery, vars{"q": "  "}).ok(); r.num("coverage.documentCount") != 13 {
		t.Errorf("blank query: %s", r.Raw)
	}
	// Nothing matches: nobody to protect, so every value is absent, and
	// there is no share.
	r = e.query("", coverageQuery, vars{"q": "astronomie"}).ok()
	if r.num("coverage.contributorCount") != 0 || r.get("coverage.tooFewContributors") != false || valueStatus(r)["gender:woman"] != "ABSENT 0/<nil>" ||
		dimension(r, "gender")["undeclaredShare"] != nil {
		t.Errorf("no match: %s", r.Raw)
	}
}

func TestCoverageCountsWhatTheViewerReads(t *testing.T) {
	t.Parallel()
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

// TestCoverageRetiredValues: values and dimensions that left the taxonomy
// are not released, since listing one only when someone holds it would
// say that someone does.
func TestCoverageRetiredValues(t *testing.T) {
	t.Parallel()
	e, _ := releasedWorld(t, nil)
	tax := graph.DefaultTaxonomy()
	g := tax.Dimension("gender")
	g.Values = slices.DeleteFunc(g.Values, func(v graph.StandpointValue) bool { return v.ID == "woman" })
	tax.Dimensions = slices.DeleteFunc(tax.Dimensions, func(d graph.StandpointDimension) bool { return d.ID == "generation" })
	srv := e.serve(e.store, tax)
	r := e.queryAt(srv, "", coverageQuery, nil).ok()
	dims := r.list("coverage.dimensions")
	if len(dims) != len(tax.Dimensions) {
		t.Errorf("%d dimensions, want the taxonomy's %d", len(dims), len(tax.Dimensions))
	}
	if strings.Contains(string(r.Raw), `"retired":true`) || strings.Contains(string(r.Raw), `"generation"`) || strings.Contains(string(r.Raw), `"woman"`) {
		t.Errorf("a retired value or dimension is listed: %s", r.Raw)
	}
}

func TestCoverageBadInput(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	// k = 2: six contributors pass the floor of 4.
	e, _ := coverageWorld(t, func(c *api.Config) { c.CoverageK = 2 })
	r := e.query("", coverageQuery, nil).ok()
	if r.num("coverage.k") != 2 {
		t.Errorf("k = 2: %s", r.Raw)
	}
	checkReleased(t, r)
	// k = 7: a floor of 14, past the twelve contributors.
	e7, _ := releasedWorld(t, func(c *api.Config) { c.CoverageK = 7 })
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
