package neo4j

import (
	"context"
	"time"

	"github.com/encommun/maillage/graph"
)

// visibleDocuments loads the documents with ids that the viewer may read,
// by id; the visibility rule is in the query.
func (r *reader) visibleDocuments(ids []string) (map[string]*graph.Document, error) {
	out := map[string]*graph.Document{}
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := r.run(documentsByID, r.viewer(map[string]any{"ids": uniq(ids)}))
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		v, _ := rec.Get("doc")
		d, err := decodeDocument(v)
		if err != nil {
			return nil, err
		}
		out[d.ID] = d
	}
	return out, nil
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

// putRevision snapshots d as its current version.
func (w *writer) putRevision(d *graph.Document, changed []string, at time.Time) error {
	rev := graph.Revision{DocumentID: d.ID, Version: d.Version, AuthorID: w.v.ContributorID, At: at,
		Changed: changed, Title: d.Title, Summary: d.Summary, Body: d.Body, Visibility: d.Visibility}
	_, err := w.run(createRevision, map[string]any{"props": map[string]any(revisionProps(&rev))})
	return err
}

// CreateDocument implements graph.DocumentStore.
func (s *Store) CreateDocument(ctx context.Context, in graph.Document, authorIDs []string) (*graph.Document, error) {
	var out *graph.Document
	err := s.update(ctx, func(w *writer) error {
		d := in // the driver may run this function again: start from the input
		d.Aliases = append([]string(nil), in.Aliases...)
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
		kinds, err := w.kinds(authors...)
		if err != nil {
			return err
		}
		for _, a := range authors {
			if kinds[a] != graph.KindContributor {
				return graph.Errorf(graph.ENOTFOUND, "no contributor with id %q", a)
			}
		}
		d.ID, d.Version = id, 1
		d.CreatedAt, d.UpdatedAt = creationTimes(w.now, d.CreatedAt, d.UpdatedAt)
		if d.PublishedAt != nil {
			t := d.PublishedAt.UTC()
			d.PublishedAt = &t
		}
		if _, err := w.run(createNodeCypher[d.Kind], map[string]any{"props": map[string]any(documentProps(&d))}); err != nil {
			return err
		}
		if err := w.putRevision(&d, setFields(&d), d.CreatedAt); err != nil {
			return err
		}
		w.record(graph.OpCreate, d.Kind, d.ID, "", "")
		for _, a := range authors {
			l := graph.Link{Relation: graph.RelAuthored, From: a, To: d.ID, FromKind: graph.KindContributor,
				ToKind: d.Kind, Role: graph.AuthorRoleAuthor, CreatedAt: d.CreatedAt}
			if err := w.link(&l); err != nil {
				return err
			}
		}
		out = &d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Document implements graph.DocumentStore.
func (s *Store) Document(ctx context.Context, id string) (*graph.Document, error) {
	var d *graph.Document
	err := s.view(ctx, func(r *reader) error {
		docs, err := r.visibleDocuments([]string{id})
		d = docs[id]
		return err
	})
	if err == nil && d == nil {
		err = graph.NotFound(id)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Documents implements graph.DocumentStore.
func (s *Store) Documents(ctx context.Context, ids []string) ([]*graph.Document, error) {
	var docs map[string]*graph.Document
	err := s.view(ctx, func(r *reader) (err error) {
		docs, err = r.visibleDocuments(ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]*graph.Document, len(ids))
	for i, id := range ids {
		if d := docs[id]; d != nil {
			c := *d // an id asked for twice gets two documents, as if read twice
			out[i] = &c
		}
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
	recs, err := w.run(documentForWrite, w.viewer(map[string]any{"id": id}))
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, graph.NotFound(id)
	}
	v, _ := recs[0].Get("doc")
	d, err := decodeDocument(v)
	if err != nil {
		return nil, err
	}
	x := recordDecoder(recs[0])
	authors := x.strs("authors")
	if err := x.done("authors of " + id); err != nil {
		return nil, err
	}
	if !w.v.CanEditDocument(authors) {
		return nil, graph.Errorf(graph.EFORBIDDEN, "only the authors and curators may change %s %q", d.Kind, id)
	}
	return d, checkVersion(d.Kind, id, d.Version, version)
}

// UpdateDocument implements graph.DocumentStore.
func (s *Store) UpdateDocument(ctx context.Context, id string, u graph.DocumentUpdate) (*graph.Document, error) {
	var out *graph.Document
	err := s.update(ctx, func(w *writer) error {
		d, err := w.editableDocument(id, u.Version)
		if err != nil {
			return err
		}
		changed := u.Apply(d)
		if len(changed) == 0 {
			out = d
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
		p := documentProps(d)
		delete(p, "version") // set by the conditional statement itself
		recs, err := w.run(updateNode, map[string]any{"id": id, "kind": string(d.Kind), "version": int64(u.Version),
			"props": map[string]any(p)})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return staleVersion(d.Kind, id, u.Version)
		}
		if err := w.putRevision(d, changed, w.now); err != nil {
			return err
		}
		w.record(graph.OpUpdate, d.Kind, d.ID, "", "")
		out = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteDocument implements graph.DocumentStore.
func (s *Store) DeleteDocument(ctx context.Context, id string, version int) error {
	return s.update(ctx, func(w *writer) error {
		d, err := w.editableDocument(id, version)
		if err != nil {
			return err
		}
		return w.deleteNode(d.Kind, id, version)
	})
}

// Revisions implements graph.DocumentStore.
func (s *Store) Revisions(ctx context.Context, id string, p graph.Page) (*graph.Connection[*graph.Revision], error) {
	var revs []*graph.Revision
	err := s.view(ctx, func(r *reader) error {
		revs = nil
		recs, err := r.run(revisions, r.viewer(map[string]any{"id": id}))
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return graph.NotFound(id)
		}
		for _, rec := range recs {
			v, _ := rec.Get("rev")
			if v == nil {
				continue
			}
			rev, err := decodeRevision(v)
			if err != nil {
				return err
			}
			revs = append(revs, rev)
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
