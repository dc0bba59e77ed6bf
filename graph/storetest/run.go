// Package storetest is the conformance suite of graph.Store: every store
// (embedded bbolt, Neo4j, …) runs the same checks, derived from the doc
// comments of graph/store.go, which are the contract.
package storetest

import (
	"testing"

	"github.com/encommun/maillage/graph"
)

// Run checks the whole graph.Store contract against the stores newStore
// makes. newStore is called once per subtest and must return a fresh, empty
// store for that test, and close it when the test ends (t.Cleanup). Every
// subtest that writes gets its own store; subtests that only read (one per
// viewer, one per sort order, one per filter) share the store their parent
// built. Subtests run one after the other, never in parallel, so a factory
// may reuse one server (clearing it) between them.
func Run(t *testing.T, newStore func(t *testing.T) graph.Store) {
	t.Run("Documents", func(t *testing.T) { testDocuments(t, newStore) })
	t.Run("Versions", func(t *testing.T) { testVersions(t, newStore) })
	t.Run("Revisions", func(t *testing.T) { testRevisions(t, newStore) })
	t.Run("Groups", func(t *testing.T) { testGroups(t, newStore) })
	t.Run("Validation", func(t *testing.T) { testValidation(t, newStore) })
	t.Run("Links", func(t *testing.T) { testLinks(t, newStore) })
	t.Run("Adjacency", func(t *testing.T) { testAdjacency(t, newStore) })
	t.Run("Cascade", func(t *testing.T) { testCascade(t, newStore) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, newStore) })
	t.Run("Filters", func(t *testing.T) { testFilters(t, newStore) })
	t.Run("Changes", func(t *testing.T) { testChanges(t, newStore) })
	t.Run("Visibility", func(t *testing.T) { testVisibility(t, newStore) })
	t.Run("VisibilityProperty", func(t *testing.T) { testVisibilityProperty(t, newStore) })
	t.Run("Permissions", func(t *testing.T) { testPermissions(t, newStore) })
	t.Run("Standpoints", func(t *testing.T) { testStandpoints(t, newStore) })
	t.Run("Tokens", func(t *testing.T) { testTokens(t, newStore) })
	t.Run("RevisionAt", func(t *testing.T) { testRevisionAt(t, newStore) })
	t.Run("Curation", func(t *testing.T) { testCuration(t, newStore) })
	t.Run("Moderation", func(t *testing.T) { testModeration(t, newStore) })
	t.Run("Research", func(t *testing.T) { testResearch(t, newStore) })
	t.Run("ProfileRepeatsNoStandpoint", func(t *testing.T) { testProfileRepeatsNoStandpoint(t, newStore) })
	t.Run("CarnetPositions", func(t *testing.T) { testCarnetPositions(t, newStore) })
	t.Run("RevisionVisibility", func(t *testing.T) { testRevisionVisibility(t, newStore) })
}
