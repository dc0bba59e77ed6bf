package search

import (
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// TestResultCache: a repeated search is answered from the cache (no index
// search), a write makes the next one miss, and viewers of different
// classes never share an entry, whichever searched first.
func TestResultCache(t *testing.T) {
	t.Parallel()
	c := newCorpus(t)
	anon := Request{Query: "vélo", Facets: true}
	first := search(t, c.ix, anon)
	before := searches(c.ix)
	again := search(t, c.ix, Request{Query: "  vélo ", Facets: true})
	if n := searches(c.ix) - before; n != 0 {
		t.Errorf("a repeated search made %d index searches, want 0 (cached)", n)
	}
	if !slices.Equal(ids(again), ids(first)) {
		t.Errorf("cached %v, first %v", ids(again), ids(first))
	}

	// A write: the next search misses and sees it.
	c.w.doc(graph.Document{ID: "velo2", Title: "Vélo-école"}, "bob")
	ok(t, c.ix.CatchUp(t.Context(), c.w.s))
	if res := search(t, c.ix, anon); !hasID(res, "velo2") || res.TotalCount != first.TotalCount+1 {
		t.Errorf("after a write: %v (total %d), want velo2 too", ids(res), res.TotalCount)
	}

	// Viewer classes: each pair searched in both orders, on a fresh
	// cache entry (a new query text each time).
	type viewer struct {
		v           graph.Viewer
		communities []string
	}
	admin := viewer{v: graph.Viewer{Role: graph.RoleAdmin}}
	carol := viewer{v: graph.Viewer{Role: graph.RoleContributor, ContributorID: "carol"}}
	alice := viewer{v: graph.Viewer{Role: graph.RoleContributor, ContributorID: "alice"}}
	member := viewer{v: graph.Viewer{Role: graph.RoleContributor, ContributorID: "alice"}, communities: []string{"quartier"}}
	nobody := viewer{}
	// "brouillon" is carol's private note, "reserve" is for quartier.
	sees := func(v viewer, id string) bool {
		switch id {
		case "brouillon":
			return v.v.SeesEverything() || v.v.ContributorID == "carol"
		case "reserve":
			return v.v.SeesEverything() || v.v.ContributorID == "carol" || len(v.communities) > 0
		}
		return true
	}
	all := []viewer{admin, carol, alice, member, nobody}
	page := 10
	for i, a := range all {
		for _, b := range all[i+1:] {
			for _, order := range [][2]viewer{{a, b}, {b, a}} {
				// The same request but for the viewer, after the other
				// viewer's; a page size of its own keeps the entry fresh.
				page++
				for _, v := range order {
					res := search(t, c.ix, Request{Query: "éducation", First: page, Viewer: v.v, ViewerCommunities: v.communities, Facets: true})
					for _, id := range []string{"brouillon", "reserve"} {
						if hasID(res, id) != sees(v, id) {
							t.Errorf("viewer %+v, after %+v: %s shown %v", v, order[0], id, hasID(res, id))
						}
					}
				}
			}
		}
	}
}
