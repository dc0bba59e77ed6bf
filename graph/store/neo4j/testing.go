package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// ClearForTests deletes every node of the database, for test suites of
// other packages that hold a test server of their own (graph/store/neo4j/neo4jtest)
// and want an empty graph. Only the system may call it: no viewer's token
// can reach it.
func (s *Store) ClearForTests(ctx context.Context) error {
	if graph.ViewerFrom(ctx).Role != graph.RoleSystem {
		return graph.Errorf(graph.EFORBIDDEN, "only the system may empty the database")
	}
	return s.clearForTests(ctx)
}

// clearForTests empties the database for the next test (constraints and
// indexes stay), in transactions of clearRows nodes: deleting a large graph
// in one transaction runs the server out of heap.
func (s *Store) clearForTests(ctx context.Context) error {
	for {
		deleted := int64(0)
		err := s.update(graph.SystemContext(ctx), func(w *writer) error {
			rec, err := w.runSingle(clearDatabase, map[string]any{"limit": int64(clearRows)}, "clearDatabase")
			if err != nil {
				return err
			}
			x := recordDecoder(rec)
			deleted = x.int("deleted")
			return x.done("deleted count")
		})
		// Each transaction's lock re-creates the :Sequence node, which its
		// own clear deletes again: a short batch is the last one.
		if err != nil || deleted < clearRows {
			return err
		}
	}
}
