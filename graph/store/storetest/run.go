// Package storetest is the conformance suite of graph.Store: every store
// (embedded bbolt, Neo4j, …) runs the same checks, derived from the doc
// comments of graph/store.go, which are the contract.
package storetest

import (
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// Run checks the whole graph.Store contract against the stores newStore
// makes. newStore is called once per subtest and must return a fresh, empty
// store for that test, and close it when the test ends (t.Cleanup). Every
// subtest that writes gets its own store; subtests that only read (one per
// viewer, one per sort order, one per filter) share the store their parent
// built. The suite's groups (Documents, Links, …) run in parallel, so each
// call of newStore must give a store of its own (a temporary directory).
func Run(t *testing.T, newStore func(t *testing.T) graph.Store) {
	RunGroups(t, func(*testing.T) func(t *testing.T) graph.Store { return newStore })
}

// RunGroups is Run for stores that live on a server: the groups of the
// suite run in parallel, and each group first calls newGroup, which may
// take a server for the group's lifetime (t.Cleanup releases it) and
// returns the factory of that group's stores. Within a group, tests run one
// after the other and never hold two stores at once, so a factory may
// reuse its server, clearing it, for every store.
func RunGroups(t *testing.T, newGroup func(t *testing.T) func(t *testing.T) graph.Store, opts ...Option) {
	o := options{seeds: propertySeeds}
	for _, opt := range opts {
		opt(&o)
	}
	for _, g := range o.groups() {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.run(t, newGroup(t))
		})
	}
}

// Option changes what RunGroups checks.
type Option func(*options)

type options struct {
	seeds           []uint64
	maxContributors int
}

// PropertySeeds limits the random graphs of the visibility property test
// to the first n of a full run's. A store on a server pays a round trip per
// read, and each graph is read by some twenty viewers through every read
// method: one graph there checks the same rules the embedded store checks
// on all of them.
func PropertySeeds(n int) Option {
	return func(o *options) { o.seeds = propertySeeds[:min(max(n, 1), len(propertySeeds))] }
}

// PropertyReaders bounds the contributors who read each random graph as
// themselves to n (the anonymous, role and random extra viewers always
// read it), for the same reason as PropertySeeds.
func PropertyReaders(n int) Option {
	return func(o *options) { o.maxContributors = max(n, 1) }
}

// groups are the suite's parts, each a test of its own.
func (o options) groups() []group {
	gs := slices.Clone(groups)
	for i, g := range gs {
		if g.name == "VisibilityProperty" {
			gs[i].run = func(t *testing.T, newStore func(t *testing.T) graph.Store) {
				testVisibilityPropertySeeds(t, newStore, o.seeds, o.maxContributors)
			}
		}
	}
	return gs
}

type group struct {
	name string
	run  func(t *testing.T, newStore func(t *testing.T) graph.Store)
}

var groups = []group{
	{"Documents", testDocuments},
	{"Versions", testVersions},
	{"Revisions", testRevisions},
	{"Groups", testGroups},
	{"Validation", testValidation},
	{"Links", testLinks},
	{"Adjacency", testAdjacency},
	{"Cascade", testCascade},
	{"Pagination", testPagination},
	{"Filters", testFilters},
	{"Changes", testChanges},
	{"Visibility", testVisibility},
	{"VisibilityProperty", testVisibilityProperty},
	{"Permissions", testPermissions},
	{"Standpoints", testStandpoints},
	{"Tokens", testTokens},
	{"RevisionAt", testRevisionAt},
	{"Curation", testCuration},
	{"Moderation", testModeration},
	{"Research", testResearch},
	{"ProfileRepeatsNoStandpoint", testProfileRepeatsNoStandpoint},
	{"CarnetPositions", testCarnetPositions},
	{"RevisionVisibility", testRevisionVisibility},
	{"Media", testMedia},
	{"Comments", testComments},
	{"CommentCoverage", testCommentCoverage},
}
