package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// ClearForTests deletes every node of the database, for test suites of
// other packages that hold a test server of their own (graph/neo4j/neo4jtest)
// and want an empty graph. Only the system may call it: no viewer's token
// can reach it.
func (s *Store) ClearForTests(ctx context.Context) error {
	if graph.ViewerFrom(ctx).Role != graph.RoleSystem {
		return graph.Errorf(graph.EFORBIDDEN, "only the system may empty the database")
	}
	return s.clearForTests(ctx)
}

// clearForTests empties the database for the next test (constraints and
// indexes stay).
func (s *Store) clearForTests(ctx context.Context) error {
	return s.update(graph.SystemContext(ctx), func(w *writer) error {
		_, err := w.run(clearDatabase, nil)
		return err
	})
}
