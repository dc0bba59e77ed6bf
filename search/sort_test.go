package search

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// TestSearchSortByDate pages through hits newest first and oldest first:
// the dates order them, the id breaks ties, every page follows on, hidden
// documents stay out, and a cursor of one order is refused by another.
func TestSearchSortByDate(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.contributor("bob")
	w.community("quartier")
	w.declare("ana", "region", "estrie", graph.DeclPublic)
	w.declare("bob", "region", "estrie", graph.DeclAggregate)
	base := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	type doc struct {
		id      string
		updated time.Time
	}
	var public []doc
	for i := range 23 {
		// Three documents share each date: the id breaks the tie.
		at := base.Add(time.Duration(i/3) * 24 * time.Hour)
		id := fmt.Sprintf("d%02d", (i*7)%23)
		body := "Une note sur le compostage."
		if i%4 == 0 {
			body += " compostage compostage" // a better score, not an earlier place
		}
		w.doc(graph.Document{ID: id, Title: "Note " + id, Body: body, CreatedAt: at, UpdatedAt: at}, "ana")
		public = append(public, doc{id, at})
	}
	// Hidden from anonymous readers, and the newest of all: they must not
	// show up first, nor anywhere.
	late := base.Add(100 * 24 * time.Hour)
	w.doc(graph.Document{ID: "prive", Visibility: graph.VisibilityPrivate, Title: "compostage privé", CreatedAt: late, UpdatedAt: late}, "bob")
	w.doc(graph.Document{ID: "commun", Visibility: graph.VisibilityCommunity, Title: "compostage du quartier", CreatedAt: late, UpdatedAt: late}, "bob")
	w.link(graph.RelOfCommunity, "commun", "quartier")
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))

	oldest := slices.Clone(public)
	sort.Slice(oldest, func(i, j int) bool {
		if !oldest[i].updated.Equal(oldest[j].updated) {
			return oldest[i].updated.Before(oldest[j].updated)
		}
		return oldest[i].id < oldest[j].id
	})
	var wantAsc []string
	for _, d := range oldest {
		wantAsc = append(wantAsc, d.id)
	}
	wantDesc := slices.Clone(wantAsc)
	slices.Reverse(wantDesc)

	for _, tc := range []struct {
		sort Sort
		want []string
	}{{SortUpdatedAsc, wantAsc}, {SortUpdatedDesc, wantDesc}} {
		for _, first := range []int{1, 4, 23} {
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				if pages > 30 {
					t.Fatal("too many pages")
				}
				res := search(t, ix, Request{Query: "compostage", Sort: tc.sort, First: first, After: after})
				if res.TotalCount != 23 {
					t.Fatalf("%s first %d: total %d, want 23", tc.sort, first, res.TotalCount)
				}
				got = append(got, ids(res)...)
				if !res.HasNextPage {
					break
				}
				after = res.EndCursor
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s first %d:\n got %q\nwant %q", tc.sort, first, got, tc.want)
			}
		}
	}

	// The community member sees the community document, newest of theirs.
	member := graph.Viewer{Role: graph.RoleContributor, ContributorID: "carla"}
	res := search(t, ix, Request{Query: "compostage", Sort: SortUpdatedDesc, First: 3, Viewer: member, ViewerCommunities: []string{"quartier"}})
	if got := ids(res); len(got) == 0 || got[0] != "commun" || slices.Contains(got, "prive") {
		t.Errorf("member, newest first: %q, want commun first and no prive", got)
	}

	// Filters stay inside the query whatever the order: a standpoint filter
	// matches ana's PUBLIC declaration, never bob's AGGREGATE one.
	res = search(t, ix, Request{Query: "compostage", Sort: SortUpdatedDesc, First: 100, Viewer: graph.Viewer{Role: graph.RoleCurator},
		Filter: Filter{Standpoints: []Standpoint{{"region", "estrie"}}}})
	if got := ids(res); !slices.Equal(got, wantDesc) || res.TotalCount != 23 {
		t.Errorf("region estrie, newest first, as a curator: %d %q, want ana's %q", res.TotalCount, got, wantDesc)
	}

	// Relevance is the default, and differs from the date orders here.
	if got := ids(search(t, ix, Request{Query: "compostage", First: 23})); slices.Equal(got, wantAsc) || slices.Equal(got, wantDesc) {
		t.Errorf("relevance order looks like a date order: %q", got)
	}

	// A cursor belongs to its order.
	rel := search(t, ix, Request{Query: "compostage", First: 2})
	asc := search(t, ix, Request{Query: "compostage", First: 2, Sort: SortUpdatedAsc})
	desc := search(t, ix, Request{Query: "compostage", First: 2, Sort: SortUpdatedDesc})
	for _, tc := range []struct {
		name   string
		sort   Sort
		cursor string
	}{
		{"relevance cursor, oldest first", SortUpdatedAsc, rel.EndCursor},
		{"oldest cursor, relevance", SortRelevance, asc.EndCursor},
		{"oldest cursor, newest first", SortUpdatedDesc, asc.EndCursor},
		{"newest cursor, oldest first", SortUpdatedAsc, desc.EndCursor},
	} {
		_, err := ix.Search(t.Context(), Request{Query: "compostage", Sort: tc.sort, After: tc.cursor})
		wantCode(t, err, graph.EINVALID, tc.name)
	}
	for _, bad := range []string{
		graph.Cursor{Key: "Ne2024-13-01T00:00:00.000000000Z", ID: "d01"}.Encode(),
		graph.Cursor{Key: "Nx" + graph.TimeKey(base), ID: "d01"}.Encode(),
		graph.Cursor{Key: "N", ID: "d01"}.Encode(),
		graph.Cursor{Key: "Ne2024-03-01T09:00:00Z", ID: "d01"}.Encode(),
	} {
		_, err := ix.Search(t.Context(), Request{Query: "compostage", Sort: SortUpdatedDesc, After: bad})
		wantCode(t, err, graph.EINVALID, "forged cursor "+bad)
	}
	_, err := ix.Search(t.Context(), Request{Query: "compostage", Sort: "SIDEWAYS"})
	wantCode(t, err, graph.EINVALID, "unknown sort")
}

// TestSearchSortFollowsUpdates moves a document to the front of
// newest-first once it is updated: the index keeps the date in step.
func TestSearchSortFollowsUpdates(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	a := w.doc(graph.Document{ID: "a", Title: "jardin a", CreatedAt: old, UpdatedAt: old}, "ana")
	w.doc(graph.Document{ID: "b", Title: "jardin b", CreatedAt: old.Add(time.Hour), UpdatedAt: old.Add(time.Hour)}, "ana")
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))
	if got := ids(search(t, ix, Request{Query: "jardin", Sort: SortUpdatedDesc})); !slices.Equal(got, []string{"b", "a"}) {
		t.Fatalf("before the update: %q", got)
	}
	title := "jardin a, revu"
	_, err := s.UpdateDocument(sys, a.ID, graph.DocumentUpdate{Version: a.Version, Title: &title})
	ok(t, err)
	ok(t, ix.CatchUp(t.Context(), s))
	if got := ids(search(t, ix, Request{Query: "jardin", Sort: SortUpdatedDesc})); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("after the update: %q, want a first", got)
	}
}

// The mapping signature covers the update date field: an index written
// before the field existed differs in format, and is rebuilt on open (see
// TestFormatMismatchRebuilds), so that the date orders never read an index
// without dates.
func TestMappingSignatureCoversUpdated(t *testing.T) {
	t.Parallel()
	with := newMapping()
	without := newMapping()
	if _, ok := without.DefaultMapping.Properties[fieldUpdated]; !ok {
		t.Fatalf("the mapping has no %q field", fieldUpdated)
	}
	delete(without.DefaultMapping.Properties, fieldUpdated)
	a, err := mappingSignature(with)
	ok(t, err)
	b, err := mappingSignature(without)
	ok(t, err)
	if a == b {
		t.Errorf("the signature %s does not change with the %q field", a, fieldUpdated)
	}
}
