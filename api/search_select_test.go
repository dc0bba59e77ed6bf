package api_test

import (
	"strconv"
	"testing"

	"github.com/encommun/maillage/graph"
)

// Facets are counted only when the query selects them, however it does
// (alias, fragment, directive); a query without them gets the same hits
// and total, and a private document counts in neither shape.
func TestSearchCountsFacetsOnlyWhenSelected(t *testing.T) {
	t.Parallel()
	e, ix := searchEnv(t)
	e.contributor("ana", "Ana")
	k, err := e.store.Carnets().Create(e.sys(), graph.Carnet{ID: "potagers", Title: "Potagers"})
	e.must(err, "carnet")
	for _, d := range []graph.Document{
		{ID: "a", Title: "Potager de quartier", Body: "Un potager collectif."},
		{ID: "b", Title: "Potager d'école", Body: "Un potager scolaire."},
		{ID: "secret", Title: "Potager secret", Body: "Un potager privé.", Visibility: graph.VisibilityPrivate},
	} {
		e.doc(d, "ana")
		e.link(graph.RelInCarnet, d.ID, k.ID)
	}
	catchUp(t, e, ix)

	plain := e.query("", `{ search(query: "potager") { totalCount edges { node { id } } } }`, nil).ok()
	if plain.num("search.totalCount") != 2 || len(plain.list("search.edges")) != 2 {
		t.Fatalf("without facets: %s", plain.Raw)
	}
	for name, q := range map[string]string{
		"field":     `{ search(query: "potager") { totalCount facets { field buckets { value count } } } }`,
		"alias":     `{ search(query: "potager") { totalCount f: facets { field buckets { value count } } } }`,
		"fragment":  `{ search(query: "potager") { totalCount ...F } } fragment F on SearchResult { facets { field buckets { value count } } }`,
		"inline":    `{ search(query: "potager") { totalCount ... on SearchResult { facets { field buckets { value count } } } } }`,
		"directive": `query($on: Boolean!) { search(query: "potager") { totalCount facets @include(if: $on) { field buckets { value count } } } }`,
	} {
		r := e.query("", q, vars{"on": true}).ok()
		if r.num("search.totalCount") != 2 {
			t.Errorf("%s: totalCount %d, want 2: %s", name, r.num("search.totalCount"), r.Raw)
		}
		facets := "search.facets"
		if name == "alias" {
			facets = "search.f"
		}
		carnet := -1
		for i, f := range r.list(facets) {
			if f.(map[string]any)["field"] == "carnet" {
				carnet = i
			}
		}
		if carnet < 0 {
			t.Errorf("%s: no carnet facet: %s", name, r.Raw)
			continue
		}
		// The private note is in the carnet too: it must not count.
		if got := r.num(facets + "." + strconv.Itoa(carnet) + ".buckets.0.count"); got != 2 {
			t.Errorf("%s: carnet bucket counts %d, want 2: %s", name, got, r.Raw)
		}
	}
	off := e.query("", `query($on: Boolean!) { search(query: "potager") { totalCount facets @include(if: $on) { field } } }`, vars{"on": false}).ok()
	if off.num("search.totalCount") != 2 || off.get("search.facets") != nil {
		t.Errorf("facets skipped by @include(if: false): %s", off.Raw)
	}
}

// Totals are exact up to exactTotalUpTo, then that bound with
// totalCountIsExact false; a private document counts in neither; facets
// count every match, so their total stays exact; a bound out of range is
// BAD_USER_INPUT.
func TestSearchTotalsExactUpToABound(t *testing.T) {
	t.Parallel()
	e, ix := searchEnv(t)
	e.contributor("ana", "Ana")
	for _, d := range []graph.Document{
		{ID: "a", Title: "Potager de quartier", Body: "Un potager collectif."},
		{ID: "b", Title: "Potager d'école", Body: "Un potager scolaire."},
		{ID: "c", Title: "Potager partagé", Body: "Un potager ouvert."},
		{ID: "secret", Title: "Potager secret", Body: "Un potager privé.", Visibility: graph.VisibilityPrivate},
	} {
		e.doc(d, "ana")
	}
	catchUp(t, e, ix)
	const q = `query($n: Int) { search(query: "potager", exactTotalUpTo: $n) { totalCount totalCountIsExact edges { node { id } } } }`
	for _, c := range []struct {
		upTo  any
		total int
		exact bool
	}{{nil, 3, true}, {3, 3, true}, {4, 3, true}, {2, 2, false}, {1, 1, false}} {
		r := e.query("", q, vars{"n": c.upTo}).ok()
		if r.num("search.totalCount") != c.total || r.get("search.totalCountIsExact") != c.exact || len(r.list("search.edges")) != 3 {
			t.Errorf("exactTotalUpTo %v: %s, want total %d exact %v and 3 hits", c.upTo, r.Raw, c.total, c.exact)
		}
	}
	r := e.query("", `{ search(query: "potager", exactTotalUpTo: 1) { totalCount totalCountIsExact facets { field } } }`, nil).ok()
	if r.num("search.totalCount") != 3 || r.get("search.totalCountIsExact") != true {
		t.Errorf("with facets: %s, want an exact total of 3", r.Raw)
	}
	for _, n := range []int{0, -1, 1000001} {
		e.query("", q, vars{"n": n}).wantCode(graph.EINVALID)
	}
}
