package main

import (
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/dump/dumptest"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/graph/store/neo4j"
	"github.com/encommun/maillage/graph/store/neo4j/neo4jtest"
)

// TestDumpMovesEmbeddedToNeo4j runs the dump round trip from the embedded
// store into a real Neo4j, the way an operator moves to Neo4j: each
// store's own tests run it within that store, and this binary, which
// links both, across them.
func TestDumpMovesEmbeddedToNeo4j(t *testing.T) {
	t.Parallel() // first: a test paused by Parallel must not hold a server
	srv := neo4jtest.Acquire(t)
	opened := 0
	dumptest.RoundTrip(t, func(t testing.TB) graph.Store {
		opened++
		if opened == 1 {
			s, err := embedded.Open(t.TempDir(), embedded.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		s, err := neo4j.Open(t.Context(), neo4j.Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.ClearForTests(graph.SystemContext(t.Context())); err != nil {
			t.Fatalf("empty the test database: %v", err)
		}
		return s
	})
}
