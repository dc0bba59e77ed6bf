package api

import (
	"github.com/encommun/maillage/api/internal/exec"
	"github.com/encommun/maillage/api/resolve"
)

// mentionsComplexity prices unlinkedMentions like any connection and
// linkSuggestions like a list of `first` suggestions, each of which may
// carry its shared terms (a handful: counted as ten).
func mentionsComplexity(c *exec.ComplexityRoot) {
	c.Query.UnlinkedMentions = func(child int, _, _ *string, first *int, after *string) int { return pagedCost(child, first, after) }
	c.Query.LinkSuggestions = func(child int, _ string, first *int) int {
		return 1 + child*perPage(first, resolve.DefaultSuggestions, resolve.MaxSuggestions)
	}
	c.LinkSuggestion.SharedTerms = func(child int) int { return 1 + child*10 }
}
