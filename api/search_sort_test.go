package api_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

const sortedSearchQuery = `query($q: String!, $sort: SearchSort, $first: Int, $after: String) {
  search(query: $q, sort: $sort, first: $first, after: $after) {
    totalCount edges { cursor node { id updatedAt } } pageInfo { hasNextPage endCursor } } }`

// search(sort:) pages by update date over HTTP, keeps hidden documents
// out, and refuses a cursor made under another order.
func TestSearchSortAPI(t *testing.T) {
	t.Parallel()
	e, ix := searchEnv(t)
	e.contributor("ana", "Ana")
	base := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	var byAge []string // oldest first
	for i := range 7 {
		at := base.Add(time.Duration(i) * time.Hour)
		id := fmt.Sprintf("n%d", (i*3)%7)
		e.doc(graph.Document{ID: id, Title: "Atelier de réparation " + id, CreatedAt: at, UpdatedAt: at}, "ana")
		byAge = append(byAge, gid(graph.KindNote, id))
	}
	late := base.Add(48 * time.Hour)
	e.doc(graph.Document{ID: "brouillon", Title: "Atelier privé", Visibility: graph.VisibilityPrivate, CreatedAt: late, UpdatedAt: late}, "ana")
	catchUp(t, e, ix)

	pages := func(sort any, first int) []string {
		var out []string
		after := any(nil)
		for range 10 {
			r := e.query("", sortedSearchQuery, vars{"q": "atelier", "sort": sort, "first": first, "after": after}).ok()
			if r.num("search.totalCount") != 7 {
				t.Fatalf("sort %v: totalCount %d, want 7: %s", sort, r.num("search.totalCount"), r.Raw)
			}
			for i := range r.list("search.edges") {
				out = append(out, r.str(fmt.Sprintf("search.edges.%d.node.id", i)))
			}
			if r.get("search.pageInfo.hasNextPage") != true {
				return out
			}
			after = r.str("search.pageInfo.endCursor")
		}
		t.Fatal("too many pages")
		return nil
	}
	newest := slices.Clone(byAge)
	slices.Reverse(newest)
	if got := pages("UPDATED_ASC", 3); !slices.Equal(got, byAge) {
		t.Errorf("UPDATED_ASC: %q, want %q", got, byAge)
	}
	if got := pages("UPDATED_DESC", 2); !slices.Equal(got, newest) {
		t.Errorf("UPDATED_DESC: %q, want %q", got, newest)
	}
	if got := pages(nil, 7); len(got) != 7 {
		t.Errorf("default sort: %d hits", len(got))
	}

	asc := e.query("", sortedSearchQuery, vars{"q": "atelier", "sort": "UPDATED_ASC", "first": 2}).ok()
	rel := e.query("", sortedSearchQuery, vars{"q": "atelier", "first": 2}).ok()
	for _, c := range []struct {
		name, cursor string
		sort         any
	}{
		{"oldest-first cursor under relevance", asc.str("search.pageInfo.endCursor"), nil},
		{"oldest-first cursor under newest first", asc.str("search.pageInfo.endCursor"), "UPDATED_DESC"},
		{"relevance cursor under oldest first", rel.str("search.pageInfo.endCursor"), "UPDATED_ASC"},
	} {
		r := e.query("", sortedSearchQuery, vars{"q": "atelier", "sort": c.sort, "first": 2, "after": c.cursor})
		if r.code() != "BAD_USER_INPUT" {
			t.Errorf("%s: %s, want BAD_USER_INPUT", c.name, r.Raw)
		}
	}
}
