package graph

import "context"

// Snapshot is a whole graph as it was stored: every node with its version
// and dates, every document revision, every link (AUTHORED included, with
// its role) and every standpoint declaration with its visibility. A dump
// file is a Snapshot on disk; tokens are credentials, not part of the
// graph, and are not in it.
type Snapshot struct {
	KnowledgeBases []KnowledgeBase
	Communities    []Community
	Carnets        []Carnet
	Contributors   []Contributor
	Documents      []Document
	Revisions      []Revision
	Links          []Link
	Declarations   []Declaration
}

// Restorer is implemented by stores that can write a Snapshot back exactly:
// the create methods cannot, since they start every node at version 1 and
// write a revision of their own. Restoring is how an operator recovers a
// backup or moves a graph from one store to another.
type Restorer interface {
	// Restore writes s into an empty store (no node at all: CONFLICT
	// otherwise) in one transaction, keeping ids, versions, dates and
	// revisions as they are. Only the system and admins may restore. Every
	// node, link and declaration is validated as the create methods would,
	// and nothing is written unless all of it is valid. The store appends
	// change entries as for a creation (CREATE per node, LINK per link), so
	// a search index following the sequence picks the graph up.
	Restore(ctx context.Context, s Snapshot) error
}
