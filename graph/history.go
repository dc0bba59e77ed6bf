package graph

import "time"

// Revision is the state of a document after one write, who made it and
// which fields changed. Version 1 is the creation.
type Revision struct {
	DocumentID string
	Version    int
	AuthorID   string // the contributor who wrote it; empty for system writes
	At         time.Time
	Changed    []string
	Title      string
	Summary    string
	Body       string
}

// ChangeOp is what a change did.
type ChangeOp string

const (
	OpCreate ChangeOp = "CREATE"
	OpUpdate ChangeOp = "UPDATE"
	OpDelete ChangeOp = "DELETE"
	OpLink   ChangeOp = "LINK"
	OpUnlink ChangeOp = "UNLINK"
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
