package graph

import "context"

// Batch is a set of new nodes, links and standpoint declarations written
// together: the demo loader and imports use it where one transaction per
// node would be slow on a networked store. Every node carries its id, so
// that links can name ends created in the same batch.
type Batch struct {
	Contributors   []Contributor
	Communities    []Community
	KnowledgeBases []KnowledgeBase
	Carnets        []Carnet
	Documents      []BatchDocument
	Links          []Link
	Declarations   []Declaration
}

// BatchDocument is a document with its authors (AUTHORED, role AUTHOR).
type BatchDocument struct {
	Document  Document
	AuthorIDs []string
}

// BatchLoader is implemented by stores that write a Batch in one
// transaction, with the same validation, errors and change entries as the
// one-by-one methods. Callers fall back to those methods when a store does
// not implement it.
type BatchLoader interface {
	// LoadBatch writes b atomically, for admins and the system. Node ids
	// must be given and unused (CONFLICT otherwise).
	LoadBatch(ctx context.Context, b Batch) error
}
