package jsonldtest

import (
	"context"
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/jsonld"
)

// PublicStandpoints reads, as the system, every contributor of s (page
// after page) and their declarations: for each contributor id, the
// "dimension:value" of their PUBLIC declarations, sorted (an empty list
// for someone with none), which is all linked data may show of them; and
// how many declarations are not PUBLIC, so that a test can tell a fixture
// that hides nothing.
func PublicStandpoints(t testing.TB, s jsonld.Source) (public map[string][]string, nonPublic int) {
	t.Helper()
	sys := graph.SystemContext(context.Background())
	var ids []string
	for page := (graph.Page{First: 100}); ; {
		cs, err := s.ListContributors(sys, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs.Nodes() {
			ids = append(ids, c.ID)
		}
		if !cs.PageInfo.HasNextPage {
			break
		}
		page.After = cs.PageInfo.EndCursor
	}
	decls, err := s.Declarations(sys, ids)
	if err != nil {
		t.Fatal(err)
	}
	public = map[string][]string{}
	for _, id := range ids {
		public[id] = []string{}
		for _, d := range decls[id] {
			if d.Visibility == graph.DeclPublic {
				public[id] = append(public[id], d.Dimension+":"+d.Value)
			} else {
				nonPublic++
			}
		}
		slices.Sort(public[id])
	}
	return public, nonPublic
}
