package graph

import (
	"slices"
	"time"
)

// Revision is the state of a document after one write, who made it and
// which fields changed. Version 1 is the creation.
//
// Visibility is the document's own visibility setting once that write was
// made: who could read the text then. A revision stays readable by that
// audience only (Viewer.CanReadRevision), so that a draft written while a
// note was PRIVATE does not become public history when the note is later
// made PUBLIC (issue #15). An empty Visibility (a revision nobody could
// date) counts as PRIVATE.
//
// Community ties are not recorded: they are made by links, after the
// document is created, and writing no revision; recording them would
// hide every community note's first revision from its own community. A
// COMMUNITY revision is read with the document's current ties, as the
// document itself is. A curator's moderation hold is not recorded either:
// it hides the whole document, revisions included, while it lasts.
type Revision struct {
	DocumentID string
	Version    int
	AuthorID   string // the contributor who wrote it; empty for system writes
	At         time.Time
	Changed    []string
	Title      string
	Summary    string
	Body       string
	Visibility Visibility
}

// LegacyRevisionVisibility is the visibility a revision written before
// revisions recorded one is given (store migrations): the document's current
// visibility if it cannot have changed since (no later revision changed
// "visibility"), and PRIVATE otherwise — authors and curators only, since
// nobody can tell who could read it then. changed lists, by version, what
// each revision of the document changed; version 1 is the creation, whose
// list names every field it set.
func LegacyRevisionVisibility(version int, current Visibility, changed map[int][]string) Visibility {
	for v, fields := range changed {
		if v > version && v > 1 && slices.Contains(fields, "visibility") {
			return VisibilityPrivate
		}
	}
	return current
}

// ChangeOp is what a change did.
type ChangeOp string

const (
	OpCreate ChangeOp = "CREATE"
	OpUpdate ChangeOp = "UPDATE"
	OpDelete ChangeOp = "DELETE"
	OpLink   ChangeOp = "LINK"
	OpUnlink ChangeOp = "UNLINK"
	// OpComment: a comment of document ID (OtherID) was written, edited,
	// deleted, hidden or shown. Kind is the document's.
	OpComment ChangeOp = "COMMENT"
)

// Change is one entry of the store's change sequence, which the search index
// follows. It names what changed, never its content, so it reveals nothing.
type Change struct {
	Seq  uint64
	At   time.Time
	Op   ChangeOp
	Kind Kind
	ID   string
	// For links: the relation and the other end.
	Relation Relation
	OtherID  string
}

// Change pages are bounded so that one call cannot load the whole history.
const (
	DefaultChangePage = 1000
	MaxChangePage     = 10_000
)

// ChangePage is the rule of ChangeStore.Changes in every store: the
// sequence names every document, hidden ones included, so only viewers who
// may read every document (curators, admins, the indexer as the system)
// may follow it. It returns the page size to read for a requested limit.
func ChangePage(v Viewer, limit int) (int, error) {
	switch {
	case !v.SignedIn():
		return 0, Errorf(EUNAUTHENTICATED, "sign in to follow the change sequence")
	case !v.SeesEverything():
		return 0, Errorf(EFORBIDDEN, "only curators and admins may follow the change sequence")
	}
	if limit <= 0 {
		return DefaultChangePage, nil
	}
	return min(limit, MaxChangePage), nil
}
