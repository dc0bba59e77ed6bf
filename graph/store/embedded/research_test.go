package embedded

import (
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/storetest"
)

// TestResearchWalkingTheSortIndex runs the research checks again with
// every scope of ids read by walking the sort index, the path that large
// scopes take (TestConformance takes the per-id one).
func TestResearchWalkingTheSortIndex(t *testing.T) {
	// Not parallel: it changes perIDLimit, which every store of the package reads.
	defer func(n int) { perIDLimit = n }(perIDLimit)
	perIDLimit = 0
	storetest.RunResearch(t, func(t *testing.T) graph.Store {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
