package explore_test

import (
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/neo4j"
	"github.com/encommun/maillage/graph/store/neo4j/neo4jtest"
)

// TestOnNeo4j runs the walks' tests again with the graph in a real Neo4j:
// the walks only ask the store for Adjacency, and each store must answer
// them alike, privacy included. They run one after the other on the
// server this test locks, each on an emptied graph. The hub and
// brute-force tests stay on the embedded store: they check the walks' own
// bounds and search, with graphs whose writes alone take minutes on Neo4j.
func TestOnNeo4j(t *testing.T) {
	t.Parallel()
	srv := neo4jtest.Acquire(t)
	cfg := neo4j.Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database}
	openNeo4j := func(t testing.TB) graph.Store {
		t.Helper()
		s, err := neo4j.Open(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		if err := s.ClearForTests(graph.SystemContext(t.Context())); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name string
		test func(*testing.T, opener)
	}{
		{"Neighbourhood", testNeighbourhood},
		{"NeighbourhoodHiddenRootIsNotFound", testNeighbourhoodHiddenRootIsNotFound},
		{"NeighbourhoodBadInput", testNeighbourhoodBadInput},
		{"NeighbourhoodCap", testNeighbourhoodCap},
		{"Path", testPath},
		{"PathPrivacy", testPathPrivacy},
		{"PathBadInput", testPathBadInput},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, openNeo4j) })
	}
}
