package embedded

import (
	"context"
	"fmt"

	"github.com/encommun/maillage/graph"
)

var _ graph.BatchLoader = (*Store)(nil)

// LoadBatch implements graph.BatchLoader: the whole batch in one
// transaction, so one sync to disk instead of one per object, which is
// what makes loading thousands of documents (a Markdown vault, the demo)
// take seconds rather than minutes. Each object goes through the same
// checks, writes and change entries as its one-by-one method, in the
// order WriteBatch's fallback uses; the first error aborts the
// transaction, so nothing of a failed batch is written. The clock is read
// again for each object, as separate calls would, so that objects without
// dates of their own keep distinct, ordered creation times.
func (s *Store) LoadBatch(ctx context.Context, b graph.Batch) error {
	return s.updateAlone(ctx, func(w *writer) error {
		if err := graph.RequireAdminWriter(w.v); err != nil {
			return err
		}
		tick := func() { w.now = s.now() }
		for i := range b.KnowledgeBases {
			x := b.KnowledgeBases[i]
			tick()
			if err := knowledgeBaseType.create(w, &x); err != nil {
				return fmt.Errorf("%s: %w", x.ID, err)
			}
		}
		for i := range b.Communities {
			x := b.Communities[i]
			tick()
			if err := communityType.create(w, &x); err != nil {
				return fmt.Errorf("%s: %w", x.ID, err)
			}
		}
		for i := range b.Carnets {
			x := b.Carnets[i]
			if len(x.Categories) == 0 {
				x.Categories = nil
			}
			tick()
			if err := carnetType.create(w, &x); err != nil {
				return fmt.Errorf("%s: %w", x.ID, err)
			}
		}
		for i := range b.Contributors {
			x := b.Contributors[i]
			tick()
			if err := contributorType.create(w, &x); err != nil {
				return fmt.Errorf("%s: %w", x.ID, err)
			}
		}
		for i := range b.Documents {
			x := b.Documents[i]
			tick()
			if err := w.createDocument(&x.Document, x.AuthorIDs); err != nil {
				return fmt.Errorf("%s: %w", x.Document.ID, err)
			}
		}
		for i := range b.Links {
			l := b.Links[i]
			tick()
			if err := w.checkedLink(&l); err != nil {
				return fmt.Errorf("%s %s → %s: %w", l.Relation, l.From, l.To, err)
			}
		}
		for i := range b.Declarations {
			d := b.Declarations[i]
			tick()
			if err := w.declare(&d); err != nil {
				return fmt.Errorf("declaration of %s: %w", d.ContributorID, err)
			}
		}
		return nil
	})
}

// declare is DeclareStandpoint inside a batch: the same rule (nobody but
// the system declares for someone else, admins included), the same checks,
// the same change entry.
func (w *writer) declare(d *graph.Declaration) error {
	if err := graph.CheckDeclaration(w.v, *d); err != nil {
		return err
	}
	if w.kind(d.ContributorID) != graph.KindContributor {
		return graph.NotFound(d.ContributorID)
	}
	key := declKey(d.ContributorID, d.Dimension, d.Value)
	b := w.tx.Bucket(bDecls)
	if v := b.Get(key); v != nil {
		old, err := decodeDeclaration(d.ContributorID, d.Dimension, d.Value, v)
		if err != nil {
			return fmt.Errorf("declaration %q: %w", key, err)
		}
		if old.Visibility == d.Visibility {
			return nil
		}
	}
	if d.DeclaredAt.IsZero() {
		d.DeclaredAt = w.now
	}
	d.DeclaredAt = d.DeclaredAt.UTC()
	if err := b.Put(key, encodeDeclaration(d)); err != nil {
		return err
	}
	return w.record(graph.OpUpdate, graph.KindContributor, d.ContributorID, "", "")
}
