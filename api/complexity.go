package api

import (
	"github.com/encommun/maillage/api/internal/exec"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// complexity makes every connection cost its children once per item it may
// return. `first` is clamped to graph.MaxFirst here: an out-of-range value
// is refused by the resolver with BAD_USER_INPUT, not by the complexity
// limit.
func complexity() exec.ComplexityRoot {
	var c exec.ComplexityRoot
	conn := func(child int, first *int) int {
		n := graph.DefaultFirst
		if first != nil {
			n = min(max(*first, 1), graph.MaxFirst)
		}
		return 1 + child*n
	}
	paged := func(child int, first *int, _ *string) int { return conn(child, first) }
	list := func(child int, first *int, _ *string, _ *model.DocumentFilterInput, _ *model.DocumentOrder) int {
		return conn(child, first)
	}
	docs := func(child int, f *model.DocumentFilterInput, o *model.DocumentOrder, first *int, after *string) int {
		return list(child, first, after, f, o)
	}

	c.Query.Notes = docs
	c.Query.Terms = docs
	c.Query.Organisations = docs
	c.Query.Documents = docs
	c.Query.Contributors = paged
	c.Query.Carnets = paged
	c.Query.Communities = paged
	c.Query.KnowledgeBases = paged
	c.Query.Nodes = func(child int, ids []string) int { return 1 + child*max(len(ids), 1) }

	c.Note.Revisions = paged
	c.Note.Links = paged
	c.Note.Backlinks = paged
	c.Term.Revisions = paged
	c.Term.MentionedBy = paged
	c.Organisation.Revisions = paged
	c.Organisation.ConcernedBy = paged
	c.Organisation.Affiliates = paged
	c.Contributor.Documents = paged
	c.Carnet.Documents = func(child int, _ *string, first *int, after *string) int { return paged(child, first, after) }
	c.Community.Members = paged
	c.Community.Documents = paged
	// Search pages like every list (graph.MaxFirst); its hits cost their
	// selection (highlights, node) once each.
	c.Query.Search = func(child int, _ string, _ *model.SearchFilter, first *int, after *string) int {
		return paged(child, first, after)
	}
	curatorComplexity(&c)
	c.Query.Tokens = paged
	return c
}
