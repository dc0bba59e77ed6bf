package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/encommun/maillage/graph"
)

// document loads a document whatever the viewer; nil when id is not one.
func (r *reader) document(id string) (*graph.Document, error) {
	k := r.kind(id)
	if !k.IsDocument() {
		return nil, nil
	}
	d, err := r.record(id, k)
	if err != nil {
		return nil, err
	}
	d.Hidden = r.isHidden(id)
	return d, nil
}

// record decodes the record of document id, of kind k.
func (r *reader) record(id string, k graph.Kind) (*graph.Document, error) {
	b := r.tx.Bucket(recordBucket(k)).Get([]byte(id))
	if b == nil {
		return nil, fmt.Errorf("document %s: registered as %s but has no record", id, k)
	}
	d, err := decodeDocument(id, k, b)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	return d, nil
}

// visibleDocument loads a document the viewer may read; nil otherwise.
func (r *reader) visibleDocument(id string) (*graph.Document, error) {
	if r.cache == nil {
		k, err := r.visibleKind(id)
		if err != nil || !k.IsDocument() {
			return nil, err
		}
		return r.document(id)
	}
	if e, ok := r.cache.get(id, r.gen); ok {
		if !r.decide(id, e.head) {
			return nil, nil
		}
		return copyDocument(e.doc), nil
	}
	k := r.kind(id)
	if !k.IsDocument() {
		return nil, nil
	}
	h, err := r.head(id, k)
	if err != nil || h == nil {
		return nil, err
	}
	head := graph.Visibility(h.visibility)
	if !r.decide(id, head) {
		return nil, nil
	}
	d, err := r.record(id, k)
	if err != nil {
		return nil, err
	}
	// Only a PRIVATE head may hide a hidden document (moderation.go).
	d.Hidden = head == graph.VisibilityPrivate && r.isHidden(id)
	r.cache.put(id, head, d, r.gen)
	return copyDocument(d), nil
}

// putDocument writes a document's record, head and sort entries.
func (w *writer) putDocument(d *graph.Document) error {
	was, err := w.endVisibility(d.ID, d.Kind)
	if err != nil {
		return err
	}
	if err := w.unindexDocument(d.Kind, d.ID); err != nil {
		return err
	}
	if err := w.putNode(d.Kind, d.ID, encodeDocument(d)); err != nil {
		return err
	}
	w.forgetAccess()
	// A hidden document's head and sort entries say PRIVATE (moderation.go).
	eff, err := w.effective(d)
	if err != nil {
		return err
	}
	w.touch(d.ID)
	if err := w.headsOf(d.Kind).Put([]byte(d.ID), encodeHead(eff)); err != nil {
		return err
	}
	if eff.Visibility != was {
		if err := w.revisit(d.ID, d.Kind, was, eff.Visibility); err != nil {
			return err
		}
	}
	return w.indexDocument(eff)
}

func revisionKey(docID string, version int) []byte {
	return binary.BigEndian.AppendUint64(idPrefix(docID), uint64(version))
}

// putRevision snapshots d as its current version.
func (w *writer) putRevision(d *graph.Document, changed []string, at time.Time) error {
	rev := graph.Revision{DocumentID: d.ID, Version: d.Version, AuthorID: w.v.ContributorID, At: at,
		Changed: changed, Title: d.Title, Summary: d.Summary, Body: d.Body, Visibility: d.Visibility}
	return w.tx.Bucket(bRevisions).Put(revisionKey(d.ID, d.Version), encodeRevision(&rev))
}

// setFields names the fields a new document sets, as an update from an
// empty document would, so that revision 1 reads like any other.
func setFields(d *graph.Document) []string {
	u := graph.DocumentUpdate{Slug: &d.Slug, Title: &d.Title, Summary: &d.Summary, Body: &d.Body,
		Language: &d.Language, Visibility: &d.Visibility, Licence: &d.Licence, Aliases: &d.Aliases,
		Definition: &d.Definition, Website: &d.Website, Region: &d.Region, Sector: &d.Sector,
		PublishedAt: d.PublishedAt}
	var empty graph.Document
	return u.Apply(&empty)
}

// CreateDocument implements graph.DocumentStore.
func (s *Store) CreateDocument(ctx context.Context, d graph.Document, authorIDs []string) (*graph.Document, error) {
	in := d
	err := s.update(ctx, func(w *writer) error {
		d = in // update may run this again: start each run from the input
		return w.createDocument(&d, authorIDs)
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func (w *writer) createDocument(d *graph.Document, authorIDs []string) error {
	authors, err := graph.DocumentAuthors(w.v, authorIDs)
	if err != nil {
		return err
	}
	if len(d.Aliases) == 0 {
		d.Aliases = nil
	}
	if err := d.Validate(); err != nil {
		return err
	}
	id, err := w.newID(d.ID)
	if err != nil {
		return err
	}
	for _, a := range authors {
		if w.kind(a) != graph.KindContributor {
			return graph.Errorf(graph.ENOTFOUND, "no contributor with id %q", a)
		}
	}
	d.ID, d.Version = id, 1
	d.CreatedAt, d.UpdatedAt = creationTimes(w.now, d.CreatedAt, d.UpdatedAt)
	if d.PublishedAt != nil {
		t := d.PublishedAt.UTC()
		d.PublishedAt = &t
	}
	if err := w.putDocument(d); err != nil {
		return err
	}
	if err := w.putRevision(d, setFields(d), d.CreatedAt); err != nil {
		return err
	}
	if err := w.record(graph.OpCreate, d.Kind, d.ID, "", ""); err != nil {
		return err
	}
	for _, a := range authors {
		l := graph.Link{Relation: graph.RelAuthored, From: a, To: d.ID, FromKind: graph.KindContributor,
			ToKind: d.Kind, Role: graph.AuthorRoleAuthor, CreatedAt: d.CreatedAt}
		if err := w.link(&l); err != nil {
			return err
		}
	}
	return nil
}

// Document implements graph.DocumentStore.
func (s *Store) Document(ctx context.Context, id string) (*graph.Document, error) {
	var d *graph.Document
	err := s.view(ctx, func(r *reader) (err error) {
		d, err = r.visibleDocument(id)
		return err
	})
	if err == nil && d == nil {
		err = graph.NotFound(id)
	}
	return d, err
}

// Documents implements graph.DocumentStore.
func (s *Store) Documents(ctx context.Context, ids []string) ([]*graph.Document, error) {
	out := make([]*graph.Document, len(ids))
	err := s.view(ctx, func(r *reader) (err error) {
		for i, id := range ids {
			if out[i], err = r.visibleDocument(id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ScanDocuments implements graph.DocumentStore: a cursor over the node
// registry, which is keyed by id, skipping the other kinds.
func (s *Store) ScanDocuments(ctx context.Context, after string, limit int) ([]*graph.Document, error) {
	if err := graph.CheckScanLimit(limit); err != nil {
		return nil, err
	}
	var out []*graph.Document
	err := s.view(ctx, func(r *reader) error {
		out = nil
		c := r.nodes.Cursor()
		k, v := c.Seek([]byte(after))
		if k != nil && string(k) == after {
			k, v = c.Next()
		}
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			if !graph.Kind(v).IsDocument() {
				continue
			}
			d, err := r.visibleDocument(string(k))
			if err != nil {
				return err
			}
			if d != nil {
				out = append(out, d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// editableDocument loads a document for a write: NOT_FOUND when the viewer
// cannot read it, FORBIDDEN when they can read but not edit it, CONFLICT
// when their version is stale.
func (w *writer) editableDocument(id string, version int) (*graph.Document, error) {
	if err := graph.RequireWriter(w.v); err != nil {
		return nil, err
	}
	d, err := w.visibleDocument(id)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, graph.NotFound(id)
	}
	if !w.v.CanEditDocument(w.authors(id)) {
		return nil, graph.Errorf(graph.EFORBIDDEN, "only the authors and curators may change %s %q", d.Kind, id)
	}
	return d, checkVersion(d.Kind, id, d.Version, version)
}

// UpdateDocument implements graph.DocumentStore.
func (s *Store) UpdateDocument(ctx context.Context, id string, u graph.DocumentUpdate) (*graph.Document, error) {
	var d *graph.Document
	err := s.update(ctx, func(w *writer) (err error) {
		if d, err = w.editableDocument(id, u.Version); err != nil {
			return err
		}
		changed := u.Apply(d)
		if len(changed) == 0 {
			return nil
		}
		if len(d.Aliases) == 0 {
			d.Aliases = nil
		}
		if err := d.Validate(); err != nil {
			return err
		}
		d.Version++
		d.UpdatedAt = w.now
		if err := w.putDocument(d); err != nil {
			return err
		}
		if err := w.putRevision(d, changed, w.now); err != nil {
			return err
		}
		return w.record(graph.OpUpdate, d.Kind, d.ID, "", "")
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DeleteDocument implements graph.DocumentStore.
func (s *Store) DeleteDocument(ctx context.Context, id string, version int) error {
	return s.update(ctx, func(w *writer) error {
		d, err := w.editableDocument(id, version)
		if err != nil {
			return err
		}
		return w.deleteNode(d.Kind, id)
	})
}

// Revisions implements graph.DocumentStore.
func (s *Store) Revisions(ctx context.Context, id string, p graph.Page) (*graph.Connection[*graph.Revision], error) {
	var revs []*graph.Revision
	err := s.view(ctx, func(r *reader) error {
		if k, err := r.visibleKind(id); err != nil {
			return err
		} else if !k.IsDocument() {
			return graph.NotFound(id)
		}
		prefix := idPrefix(id)
		c := r.tx.Bucket(bRevisions).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != len(prefix)+8 {
				return fmt.Errorf("revision key %q: %w", k, errBadRecord)
			}
			rev, err := decodeRevision(id, int(binary.BigEndian.Uint64(k[len(prefix):])), v)
			if err != nil {
				return fmt.Errorf("revision %q: %w", k, err)
			}
			if r.canReadRevision(id, rev) {
				revs = append(revs, rev)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return graph.Paginate(revs, graph.RevisionCursor, true, p)
}

// The date and id rules every store shares, under short local names.
var (
	creationTimes = graph.CreationTimes
	uniq          = graph.Unique
)
