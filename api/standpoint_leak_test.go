package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

// Tests that try to break standpoint privacy. Xavier declares one value of
// each visibility on dimensions nobody else declares: indigeneity:inuit
// AGGREGATE, disability:living-with-disability PRIVATE, and
// gender:non-binary PUBLIC. Six others write with him and declare other
// values. Every read path is asked, by every kind of viewer, and must not
// tell Xavier's PRIVATE or AGGREGATE value per person: profiles, search
// filters, facets, coverage, the network (GraphQL and files) and errors.

// leakMarkers are the ids of Xavier's non-public values. Only coverage
// may name them, as taxonomy rows, without a count of one.
var leakMarkers = []string{"inuit", "living-with-disability"}

type leakWorld struct {
	*env
	ix     *search.Index
	tokens map[string]string // viewer name → token ("" anonymous)
}

func newLeakWorld(t *testing.T) *leakWorld {
	e, ix := searchEnv(t)
	e.contributor("xavier", "Xavier")
	e.declare("xavier", "indigeneity", "inuit", graph.DeclAggregate)
	e.declare("xavier", "disability", "living-with-disability", graph.DeclPrivate)
	e.declare("xavier", "gender", "non-binary", graph.DeclPublic)
	e.doc(graph.Document{ID: "x-seul", Title: "Zygomar", Body: "Un mot que Xavier seul emploie : zygomar."}, "xavier")
	e.doc(graph.Document{ID: "x-prive", Title: "Carnet intime", Body: "Jardin.", Visibility: graph.VisibilityPrivate}, "xavier")
	for i := range 6 {
		id := fmt.Sprint("o", i)
		e.contributor(id, "Autre "+id)
		e.declare(id, "gender", "woman", graph.DeclPublic)
		e.declare(id, "generation", "35-49", graph.DeclAggregate)
		e.doc(graph.Document{ID: "jardin-" + id, Title: "Jardin " + id, Body: "Un jardin partagé avec Xavier."}, id, "xavier")
	}
	e.doc(graph.Document{ID: "x-o3", Title: "Zygomar à deux", Body: "Zygomar, encore."}, "xavier", "o3")
	_, err := e.store.Communities().Create(e.sys(), graph.Community{ID: "cercle", Name: "Cercle"})
	e.must(err, "community")
	e.link(graph.RelMemberOf, "xavier", "cercle")
	catchUp(t, e, ix)
	return &leakWorld{env: e, ix: ix, tokens: map[string]string{
		"anonymous":        "",
		"contributor":      e.token(graph.RoleContributor, "o0"),
		"researcher":       e.token(graph.RoleResearcher, ""),
		"curator":          e.token(graph.RoleCurator, ""),
		"admin":            e.token(graph.RoleAdmin, ""),
		"admin_as_o1":      e.token(graph.RoleAdmin, "o1"),
		"researcher_as_o2": e.token(graph.RoleResearcher, "o2"),
	}}
}

// noMarker fails when raw names one of Xavier's non-public values.
func noMarker(t *testing.T, raw []byte, format string, args ...any) {
	t.Helper()
	for _, m := range leakMarkers {
		if bytes.Contains(raw, []byte(m)) {
			t.Errorf("%s: %q leaks: %s", fmt.Sprintf(format, args...), m, raw)
		}
	}
}

func TestLeakProfiles(t *testing.T) {
	t.Parallel()
	w := newLeakWorld(t)
	x := vars{"x": gid(graph.KindContributor, "xavier")}
	queries := []string{
		`query($x: ID!) { node(id: $x) { ... on Contributor { standpoints { dimension value visibility } } } }`,
		`query($x: ID!) { nodes(ids: [$x]) { ... on Contributor { standpoints { value label } } } }`,
		`{ contributors(first: 100) { nodes { id standpoints { dimension value visibility retired } } } }`,
		`{ notes(first: 100) { nodes { authors { standpoints { value } } } } }`,
	}
	for who, tok := range w.tokens {
		for _, q := range queries {
			r := w.query(tok, q, x).ok()
			noMarker(t, r.Raw, "%s: %s", who, q)
			if !strings.Contains(string(r.Raw), "non-binary") {
				t.Errorf("%s: Xavier's PUBLIC value is missing, so this check proves nothing: %s", who, r.Raw)
			}
		}
	}
	// Xavier sees his own, PRIVATE included: the markers are live.
	r := w.query(w.token(graph.RoleContributor, "xavier"), queries[0], x).ok()
	for _, m := range leakMarkers {
		if !strings.Contains(string(r.Raw), m) {
			t.Errorf("Xavier does not see his own %s: %s", m, r.Raw)
		}
	}
}

func TestLeakSearchFiltersAndFacets(t *testing.T) {
	t.Parallel()
	w := newLeakWorld(t)
	q := `query($q: String!, $f: SearchFilter) { search(query: $q, filter: $f) { totalCount edges { node { id } }
		facets { field buckets { value label count } } } }`
	for who, tok := range w.tokens {
		for _, f := range []map[string]any{
			{"standpoints": []any{map[string]any{"dimension": "indigeneity", "value": "inuit"}}},
			{"standpoints": []any{map[string]any{"dimension": "disability", "value": "living-with-disability"}}},
		} {
			r := w.query(tok, q, vars{"q": "jardin", "f": f}).ok()
			if r.num("search.totalCount") != 0 {
				t.Errorf("%s: filtering on a non-public value finds %d documents: %s", who, r.num("search.totalCount"), r.Raw)
			}
		}
		// The PUBLIC value does filter: the check above can fail.
		r := w.query(tok, q, vars{"q": "jardin", "f": map[string]any{"standpoints": []any{map[string]any{"dimension": "gender", "value": "non-binary"}}}}).ok()
		if r.num("search.totalCount") < 6 {
			t.Errorf("%s: filtering on Xavier's PUBLIC value finds %d documents, want his 6 on gardens", who, r.num("search.totalCount"))
		}
		// Facets count PUBLIC declarations only.
		r = w.query(tok, q, vars{"q": "jardin"}).ok()
		noMarker(t, r.Raw, "%s: search facets", who)
		if !strings.Contains(string(r.Raw), "gender:non-binary") {
			t.Errorf("%s: the standpoint facet lacks the PUBLIC value: %s", who, r.Raw)
		}
		if strings.Contains(string(r.Raw), "generation:35-49") {
			t.Errorf("%s: an AGGREGATE value is a facet: %s", who, r.Raw)
		}
	}
}

// inuitRow is the coverage row of Xavier's AGGREGATE value.
func inuitRow(r *response) map[string]any {
	for _, v := range dimension(r, "indigeneity")["values"].([]any) {
		if vm := v.(map[string]any); vm["id"] == "inuit" {
			return vm
		}
	}
	r.t.Fatalf("no inuit row: %s", r.Raw)
	return nil
}

func TestLeakCoverage(t *testing.T) {
	t.Parallel()
	w := newLeakWorld(t)
	for who, tok := range w.tokens {
		// The whole commons: seven contributors, under the floor of 2k:
		// nothing is said of any value, for any viewer.
		r := w.query(tok, coverageQuery, nil).ok()
		if r.num("coverage.contributorCount") != 7 || r.get("coverage.tooFewContributors") != true {
			t.Fatalf("%s: %s", who, r.Raw)
		}
		for key, s := range valueStatus(r) {
			if s != "SUPPRESSED <nil>/<nil>" {
				t.Errorf("%s: %s %s, want SUPPRESSED", who, key, s)
			}
		}
		if d := dimension(r, "indigeneity"); d["undeclaredSuppressed"] != true || d["undeclaredCount"] != nil {
			t.Errorf("%s: indigeneity undeclared %v", who, d)
		}
	}
	// With k = 2 (a floor of 4) the seven are released: Xavier's
	// AGGREGATE row is a rounded noisy count like any other, with no
	// document count.
	srv := w.serveWith(func(c *api.Config) { c.CoverageK = 2 })
	r := w.queryAt(srv, "", coverageQuery, nil).ok()
	checkReleased(t, r)
	if row := inuitRow(r); row["documents"] != nil || row["suppressed"] != false {
		t.Errorf("inuit %v", row)
	}
}

// TestLeakCoverageDifferencing asks coverage with and without filters that
// isolate Xavier, and checks that what comes back does not depend on his
// AGGREGATE value: the answers are the same whether he declares inuit,
// métis or nothing.
func TestLeakCoverageDifferencing(t *testing.T) {
	t.Parallel()
	w := newLeakWorld(t)
	// A word only he and o3 use: two contributors, fewer than k.
	isolating := []vars{
		{"q": "zygomar"},
		{"q": "zygomar", "f": map[string]any{"authors": []string{gid(graph.KindContributor, "xavier")}}},
		{"q": "zygomar", "f": map[string]any{"standpoints": []any{map[string]any{"dimension": "gender", "value": "non-binary"}}}},
		{"q": "zygomar encore", "f": map[string]any{"authors": []string{gid(graph.KindContributor, "o3")}}},
	}
	answers := func() []string {
		var out []string
		for _, v := range isolating {
			for _, tok := range []string{"", w.tokens["researcher"], w.tokens["admin"]} {
				r := w.query(tok, coverageQuery, v).ok()
				if r.get("coverage.tooFewContributors") != true {
					t.Errorf("%v: not too few: %s", v, r.Raw)
				}
				out = append(out, string(r.Raw))
			}
		}
		return out
	}
	declaresInuit := answers()
	// The same questions after Xavier changes his AGGREGATE value, then
	// withdraws it: the answers must not move.
	xavier := graph.WithViewer(t.Context(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "xavier"})
	w.must(w.store.WithdrawStandpoint(xavier, "xavier", "indigeneity", "inuit"), "withdraw")
	w.declare("xavier", "indigeneity", "metis", graph.DeclAggregate)
	catchUp(t, w.env, w.ix)
	declaresMetis := answers()
	w.must(w.store.WithdrawStandpoint(xavier, "xavier", "indigeneity", "metis"), "withdraw")
	catchUp(t, w.env, w.ix)
	declaresNothing := answers()
	for i := range declaresInuit {
		if declaresInuit[i] != declaresMetis[i] || declaresInuit[i] != declaresNothing[i] {
			t.Errorf("question %d: the answer depends on Xavier's AGGREGATE value:\n inuit:   %s\n metis:   %s\n nothing: %s",
				i, declaresInuit[i], declaresMetis[i], declaresNothing[i])
		}
	}
	// The whole commons is under the floor too: once it went from
	// SUPPRESSED to ABSENT when he withdrew (issue #15); now it says
	// nothing either way. Past the floor, see TestCoverageAttackRemoval.
	r := w.query("", coverageQuery, nil).ok()
	if row := inuitRow(r); row["status"] != "SUPPRESSED" {
		t.Errorf("after withdrawal, inuit is %v", row)
	}
}

// TestLeakCoverageAggregatePart: with k contributors holding a value, one
// of them through AGGREGATE, an exact count would tell the PUBLIC holders
// from that one by subtraction. Released counts depend on how many hold a
// value, not on how: the answer is the same whether Xavier holds it
// AGGREGATE or PUBLIC, so it cannot tell which.
func TestLeakCoverageAggregatePart(t *testing.T) {
	t.Parallel()
	w := newLeakWorld(t)
	srv := w.serveWith(func(c *api.Config) { c.CoverageK = 2 })
	for i := range 5 {
		w.declare(fmt.Sprint("o", i), "indigeneity", "inuit", graph.DeclPublic)
	}
	aggregate := w.queryAt(srv, "", coverageQuery, nil).ok()
	checkReleased(t, aggregate)
	w.declare("xavier", "indigeneity", "inuit", graph.DeclPublic)
	public := w.queryAt(srv, "", coverageQuery, nil).ok()
	if string(aggregate.Raw) != string(public.Raw) {
		t.Errorf("the answer tells Xavier's AGGREGATE value from his PUBLIC one:\n%s\n%s", aggregate.Raw, public.Raw)
	}
}

// serveWith starts a server on the world's store with cfg on top of its
// configuration, and a fixed coverage key.
func (w *leakWorld) serveWith(cfg func(*api.Config)) *httptest.Server {
	old := w.config
	defer func() { w.config = old }()
	w.config = func(c *api.Config) {
		old(c)
		withCoverage(w.t, fixedKey("leak"))(c)
		cfg(c)
	}
	return w.serve(w.store, nil)
}

func TestLeakNetworkAndExports(t *testing.T) {
	t.Parallel()
	w := newLeakWorld(t)
	// Xavier as a researcher: his own PRIVATE and AGGREGATE values must not
	// reach the network either, where others would read them.
	w.tokens["xavier_researcher"] = w.token(graph.RoleResearcher, "xavier")
	for _, who := range []string{"researcher", "curator", "admin", "admin_as_o1", "researcher_as_o2", "xavier_researcher"} {
		tok := w.tokens[who]
		r := w.query(tok, networkQuery, nil).ok()
		noMarker(t, r.Raw, "%s: contributorNetwork", who)
		if !strings.Contains(string(r.Raw), "non-binary") {
			t.Errorf("%s: Xavier's PUBLIC value is missing from the network: %s", who, r.Raw)
		}
		for _, path := range []string{"/export/network.graphml", "/export/network.gexf", "/export/network-nodes.csv", "/export/network-edges.csv",
			"/export/network?query=zygomar", "/export/network?filter=" + url.QueryEscape(`{"standpoints":[{"dimension":"indigeneity","value":"inuit"}]}`)} {
			status, _, body := w.get(path, tok)
			if status != 200 {
				t.Errorf("%s: GET %s: %d %s", who, path, status, body)
			}
			noMarker(t, body, "%s: GET %s", who, path)
		}
	}
	// The filter on the AGGREGATE value matched nothing: an empty network.
	status, _, body := w.get("/export/network-nodes.csv?filter="+url.QueryEscape(`{"standpoints":[{"dimension":"indigeneity","value":"inuit"}]}`), w.tokens["researcher"])
	if status != 200 || strings.Count(string(body), "\n") != 1 {
		t.Errorf("network filtered on an AGGREGATE value: %d %q, want the header only", status, body)
	}
}

// TestLeakErrors: no error message depends on someone else's declarations.
// Withdrawing, declaring and filtering on Xavier's values from another
// account fails or succeeds exactly as for values nobody holds.
func TestLeakErrors(t *testing.T) {
	t.Parallel()
	w := newLeakWorld(t)
	o0 := w.tokens["contributor"]
	withdraw := `mutation($d: String!, $v: String!) { withdrawStandpoint(dimension: $d, value: $v) { value } }`
	held := w.query(o0, withdraw, vars{"d": "indigeneity", "v": "inuit"}).wantCode(graph.ENOTFOUND)
	free := w.query(o0, withdraw, vars{"d": "indigeneity", "v": "metis"}).wantCode(graph.ENOTFOUND)
	if strings.ReplaceAll(held.Errors[0].Message, "inuit", "X") != strings.ReplaceAll(free.Errors[0].Message, "metis", "X") {
		t.Errorf("withdrawing a value another holds reads %q, one nobody holds %q", held.Errors[0].Message, free.Errors[0].Message)
	}
	// Refused reads name nothing of anyone's values.
	for _, c := range []struct {
		token, query string
		v            vars
	}{
		{"", networkQuery, nil},
		{o0, networkQuery, vars{"f": map[string]any{"standpoints": []any{map[string]any{"dimension": "indigeneity", "value": "inuit"}}}}},
		{"", coverageQuery, vars{"f": map[string]any{"standpoints": []any{map[string]any{"dimension": "indigeneity", "value": "nope"}}}}},
	} {
		r := w.query(c.token, c.query, c.v)
		if len(r.Errors) == 0 {
			t.Fatalf("no error: %s", r.Raw)
		}
		raw, _ := json.Marshal(r.Errors)
		noMarker(t, raw, "error of %s", c.query)
		if strings.Contains(string(raw), "xavier") {
			t.Errorf("an error names Xavier: %s", raw)
		}
	}
	// The search index itself holds PUBLIC declarations only: searched as
	// the system, which sees every document, a filter on Xavier's other
	// values matches nothing.
	for _, sp := range []search.Standpoint{{Dimension: "indigeneity", Value: "inuit"}, {Dimension: "disability", Value: "living-with-disability"}} {
		res, err := w.ix.Search(t.Context(), search.Request{Query: "jardin", Viewer: graph.Viewer{Role: graph.RoleSystem},
			Filter: search.Filter{Standpoints: []search.Standpoint{sp}}, Facets: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.TotalCount != 0 {
			t.Errorf("the index matches %s:%s", sp.Dimension, sp.Value)
		}
	}
	ids, err := w.ix.Scope(t.Context(), search.ScopeRequest{Viewer: graph.Viewer{Role: graph.RoleSystem},
		Filter: search.Filter{Standpoints: []search.Standpoint{{Dimension: "indigeneity", Value: "inuit"}}}})
	if err != nil || len(ids) != 0 {
		t.Errorf("Scope on an AGGREGATE value: %q %v", ids, err)
	}
	// Declaring a value someone else holds PRIVATE or AGGREGATE works as
	// any other, and says nothing of them.
	declare := `mutation($d: String!, $v: String!) { declareStandpoint(dimension: $d, value: $v, visibility: PUBLIC) { declaration { contributor { id } value } } }`
	r := w.query(o0, declare, vars{"d": "disability", "v": "living-with-disability"}).ok()
	if strings.Contains(string(r.Raw), gid(graph.KindContributor, "xavier")) || !strings.Contains(string(r.Raw), gid(graph.KindContributor, "o0")) {
		t.Errorf("declaring: %s", r.Raw)
	}
}
