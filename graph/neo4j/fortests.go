package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// EraseAllForTests deletes every node and relationship of the database.
// It exists for tests outside this package (the end-to-end tests of
// cmd/maillage) that are handed a shared test server (neo4jtest) holding
// whatever the previous test left; nothing else may call it.
func (s *Store) EraseAllForTests(ctx context.Context) error {
	return s.update(graph.SystemContext(ctx), func(w *writer) error {
		_, err := w.run(clearDatabase, nil)
		return err
	})
}
