package embedded

import (
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/storetest"
)

// TestConformance runs the Store contract suite against real bbolt files.
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) graph.Store {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		})
		return s
	})
}
