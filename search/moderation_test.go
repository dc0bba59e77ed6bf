package search

import (
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// TestHiddenDocumentIsNotSearchable: a document a curator hid pending
// review is PRIVATE to the index too (hits, totals, facets), for everyone
// but its authors and curators, and searchable again once shown.
func TestHiddenDocumentIsNotSearchable(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("c0")
	w.carnet("k0")
	w.doc(graph.Document{ID: "hidden", Title: "Jardin partagé", Body: "Un jardin de quartier."}, "c0")
	w.doc(graph.Document{ID: "shown", Title: "Jardin collectif", Body: "Un autre jardin."}, "c0")
	w.link(graph.RelInCarnet, "hidden", "k0")
	ix := openIndex(t, t.TempDir(), nil)
	curator := graph.WithViewer(t.Context(), graph.Viewer{Role: graph.RoleCurator})

	viewers := map[string]graph.Viewer{
		"anonymous": {},
		"outsider":  {Role: graph.RoleContributor, ContributorID: "x"},
		"author":    {Role: graph.RoleContributor, ContributorID: "c0"},
		"curator":   {Role: graph.RoleCurator},
	}
	check := func(hidden bool) {
		t.Helper()
		ok(t, ix.CatchUp(t.Context(), s))
		for name, v := range viewers {
			res := search(t, ix, Request{Query: "jardin", Viewer: v, Facets: true})
			want := []string{"hidden", "shown"}
			if hidden && (name == "anonymous" || name == "outsider") {
				want = []string{"shown"}
			}
			got := ids(res)
			slices.Sort(got)
			if !slices.Equal(got, want) || res.TotalCount != len(want) {
				t.Errorf("hidden=%v, %s: hits %v (total %d), want %v", hidden, name, got, res.TotalCount, want)
			}
			for _, f := range res.Facets {
				for _, b := range f.Buckets {
					if f.Field == FacetCarnet && b.Value == "k0" && len(want) == 1 {
						t.Errorf("hidden=%v, %s: carnet facet counts the hidden document", hidden, name)
					}
				}
			}
		}
	}
	check(false)
	_, err := s.SetHidden(curator, "hidden", true)
	ok(t, err)
	check(true)
	_, err = s.SetHidden(curator, "hidden", false)
	ok(t, err)
	check(false)
}
