package api

import (
	"github.com/encommun/maillage/api/internal/exec"
	"github.com/encommun/maillage/graph"
)

// mentionsComplexity prices unlinkedMentions like any connection and
// linkSuggestions like a list of `first` suggestions, each of which may
// carry its shared terms (a handful: counted as ten).
func mentionsComplexity(c *exec.ComplexityRoot) {
	c.Query.UnlinkedMentions = func(child int, _, _ *string, first *int, _ *string) int {
		n := graph.DefaultFirst
		if first != nil {
			n = min(max(*first, 1), graph.MaxFirst)
		}
		return 1 + child*n
	}
	c.Query.LinkSuggestions = func(child int, _ string, first *int) int {
		n := defaultSuggestions
		if first != nil {
			n = min(max(*first, 1), maxSuggestions)
		}
		return 1 + child*n
	}
	c.LinkSuggestion.SharedTerms = func(child int) int { return 1 + child*10 }
}
