package search

import (
	"fmt"
	"testing"

	"github.com/encommun/maillage/graph"
)

// TestFacetCodesSurvive checks that facet values decode the same after a
// restart, after writes that add values, and after a rebuild (which starts
// a new index part with the same code dictionary).
func TestFacetCodesSurvive(t *testing.T) {
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.declare("ana", "region", "estrie", graph.DeclPublic)
	w.carnet("k1")
	w.carnet("k2")
	w.doc(graph.Document{ID: "a", Title: "Marché public"}, "ana")
	w.link(graph.RelInCarnet, "a", "k1")
	dir := t.TempDir()
	ix := openIndex(t, dir, nil)
	ok(t, ix.CatchUp(t.Context(), s))

	curator := graph.Viewer{Role: graph.RoleCurator}
	facetsOf := func(ix *Index) string {
		t.Helper()
		res := search(t, ix, Request{Query: "marché", Viewer: curator, Facets: true})
		return fmt.Sprint(facetMap(res.Facets))
	}
	want := fmt.Sprint(map[string]map[string]int{
		FacetKind: {"Note": 1}, FacetCarnet: {"k1": 1}, FacetCommunity: {}, FacetTerm: {},
		FacetOrganisation: {}, FacetLanguage: {"fr": 1}, FacetStandpoint: {"region:estrie": 1},
	})
	if got := facetsOf(ix); got != want {
		t.Fatalf("facets %s\nwant %s", got, want)
	}

	ok(t, ix.Close())
	ix = openIndex(t, dir, nil)
	if got := facetsOf(ix); got != want {
		t.Fatalf("after restart: facets %s\nwant %s", got, want)
	}

	w.doc(graph.Document{ID: "b", Title: "Marché fermier", Language: "en"}, "ana")
	w.link(graph.RelInCarnet, "b", "k2")
	ok(t, ix.CatchUp(t.Context(), s))
	want = fmt.Sprint(map[string]map[string]int{
		FacetKind: {"Note": 2}, FacetCarnet: {"k1": 1, "k2": 1}, FacetCommunity: {}, FacetTerm: {},
		FacetOrganisation: {}, FacetLanguage: {"en": 1, "fr": 1}, FacetStandpoint: {"region:estrie": 2},
	})
	if got := facetsOf(ix); got != want {
		t.Fatalf("after a write: facets %s\nwant %s", got, want)
	}
	ok(t, ix.Rebuild(t.Context(), s))
	if got := facetsOf(ix); got != want {
		t.Fatalf("after a rebuild: facets %s\nwant %s", got, want)
	}
	ok(t, ix.Close())
	ix = openIndex(t, dir, nil)
	if got := facetsOf(ix); got != want {
		t.Fatalf("after a rebuild and a restart: facets %s\nwant %s", got, want)
	}
}

func TestFacetSize(t *testing.T) {
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	for i := range 5 {
		w.carnet(fmt.Sprintf("k%d", i))
		for j := range i + 1 {
			id := fmt.Sprintf("d%d-%d", i, j)
			w.doc(graph.Document{ID: id, Title: "Fiche"}, "ana")
			w.link(graph.RelInCarnet, id, fmt.Sprintf("k%d", i))
		}
	}
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))
	res := search(t, ix, Request{Query: "fiche", Facets: true, FacetSize: 3})
	got := fmt.Sprint(res.Facets[1])
	if want := fmt.Sprint(Facet{Field: FacetCarnet, Buckets: []Bucket{{"k4", 5}, {"k3", 4}, {"k2", 3}}}); got != want {
		t.Errorf("carnet facet %s, want %s", got, want)
	}
}
