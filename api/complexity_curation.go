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
	paged := func(child int, first *int, _ *string) int {
		n := graph.DefaultFirst
		if first != nil {
			n = min(max(*first, 1), graph.MaxFirst)
		}
		return 1 + child*n
	}
	c.Query.OrphanDocuments = paged
	c.Query.NotesWithoutCarnet = paged
	c.Query.TermsWithoutDefinition = paged
	c.Query.ProbableDuplicates = func(child int, _ []graph.Kind, first *int, after *string) int { return paged(child, first, after) }
	c.Query.ModerationQueue = func(child int, _ *graph.FlagStatus, _ *string, first *int, after *string) int {
		return paged(child, first, after)
	}
}

// exploreComplexity makes a subgraph cost its selection once per node it
// may hold, like a connection: a neighbourhood up to `first` nodes, a path
// up to MaxPathDepth+1, `paths` that many per path.
func exploreComplexity(c *exec.ComplexityRoot) {
	pathNodes := explore.MaxPathDepth + 1
	c.Query.Neighbourhood = func(child int, _ string, _ *int, _ []graph.Relation, first *int) int {
		n := explore.DefaultNodes
		if first != nil {
			n = min(max(*first, 1), explore.MaxNodes)
		}
		return 1 + child*n
	}
	c.Query.Path = func(child int, _, _ string, _ *int, _ []graph.Relation) int { return 1 + child*pathNodes }
	c.Query.Paths = func(child int, _, _ string, _ *int, _ []graph.Relation, first *int) int {
		n := explore.DefaultPaths
		if first != nil {
			n = min(max(*first, 1), explore.MaxPaths)
		}
		return 1 + child*pathNodes*n
	}
}
