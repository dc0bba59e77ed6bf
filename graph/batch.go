package graph

import (
	"context"
	"fmt"
)

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

// Creator is what WriteBatch writes through when the store is not a
// BatchLoader: the create methods of every kind, Link and
// DeclareStandpoint.
type Creator interface {
	GroupStore
	CreateContributor(ctx context.Context, c Contributor) (*Contributor, error)
	CreateDocument(ctx context.Context, d Document, authorIDs []string) (*Document, error)
	Link(ctx context.Context, l Link) (*Link, error)
	DeclareStandpoint(ctx context.Context, d Declaration) (*Declaration, error)
}

// WriteBatch writes b with the store's LoadBatch when it has one (one
// transaction, batched writes), and otherwise one write at a time in an order
// where every link finds both of its ends. The fallback is not atomic: a
// failure leaves the writes before it in place, and the error names the
// object that failed.
func WriteBatch(ctx context.Context, s Creator, b Batch) error {
	if bl, ok := s.(BatchLoader); ok {
		return bl.LoadBatch(ctx, b)
	}
	steps := []func() error{}
	add := func(what string, f func() error) {
		steps = append(steps, func() error {
			if err := f(); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		})
	}
	for _, x := range b.KnowledgeBases {
		add(x.ID, func() error { _, err := s.KnowledgeBases().Create(ctx, x); return err })
	}
	for _, x := range b.Communities {
		add(x.ID, func() error { _, err := s.Communities().Create(ctx, x); return err })
	}
	for _, x := range b.Carnets {
		add(x.ID, func() error { _, err := s.Carnets().Create(ctx, x); return err })
	}
	for _, x := range b.Contributors {
		add(x.ID, func() error { _, err := s.CreateContributor(ctx, x); return err })
	}
	for _, x := range b.Documents {
		add(x.Document.ID, func() error { _, err := s.CreateDocument(ctx, x.Document, x.AuthorIDs); return err })
	}
	for _, x := range b.Links {
		add(fmt.Sprintf("%s %s → %s", x.Relation, x.From, x.To), func() error { _, err := s.Link(ctx, x); return err })
	}
	for _, x := range b.Declarations {
		add("declaration of "+x.ContributorID, func() error { _, err := s.DeclareStandpoint(ctx, x); return err })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}
