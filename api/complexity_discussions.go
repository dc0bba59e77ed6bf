package api

import "github.com/encommun/maillage/api/internal/exec"

// discussionComplexity prices the lists of discussions like every list:
// threads, replies (which nest) and histories cost their selection once
// per item they may return.
func discussionComplexity(c *exec.ComplexityRoot) {
	c.Note.Discussion = pagedCost
	c.Term.Discussion = pagedCost
	c.Organisation.Discussion = pagedCost
	c.Comment.Replies = pagedCost
	c.Comment.Revisions = pagedCost
}
