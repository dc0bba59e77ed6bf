package api

import (
	"github.com/encommun/maillage/api/internal/exec"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/explore"
)

// curatorComplexity prices the exploring, history and curation fields
// like the other connections (see complexity).
func curatorComplexity(c *exec.ComplexityRoot) {
	exploreComplexity(c)
	mentionsComplexity(c)
	c.Query.OrphanDocuments = pagedCost
	c.Query.NotesWithoutCarnet = pagedCost
	c.Query.TermsWithoutDefinition = pagedCost
	c.Query.ProbableDuplicates = func(child int, _ []graph.Kind, first *int, after *string) int { return pagedCost(child, first, after) }
	c.Query.ModerationQueue = func(child int, _ *graph.FlagStatus, _ *string, first *int, after *string) int {
		return pagedCost(child, first, after)
	}
}

// exploreComplexity makes a subgraph cost its selection once per node it
// may hold, like a connection: a neighbourhood up to `first` nodes, a path
// up to MaxPathDepth+1, `paths` that many per path.
func exploreComplexity(c *exec.ComplexityRoot) {
	pathNodes := explore.MaxPathDepth + 1
	c.Query.Neighbourhood = func(child int, _ string, _ *int, _ []graph.Relation, first *int) int {
		return 1 + child*perPage(first, explore.DefaultNodes, explore.MaxNodes)
	}
	c.Query.Path = func(child int, _, _ string, _ *int, _ []graph.Relation) int { return 1 + child*pathNodes }
	c.Query.Paths = func(child int, _, _ string, _ *int, _ []graph.Relation, first *int) int {
		return 1 + child*pathNodes*perPage(first, explore.DefaultPaths, explore.MaxPaths)
	}
}
