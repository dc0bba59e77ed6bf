package resolve

import (
	"context"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// writer returns the viewer of a mutation: every write needs a token. The
// store checks the finer rights (authors, curators, admins) itself.
func writer(ctx context.Context) (graph.Viewer, error) {
	v := graph.ViewerFrom(ctx)
	if !v.SignedIn() {
		return v, graph.Errorf(graph.EUNAUTHENTICATED, "sign in to write: send Authorization: Bearer <token>")
	}
	return v, nil
}

// wrote forgets what the request loaded before a write changed it, so that
// the payload and any later mutation of the same request read fresh data.
func (r *Resolver) wrote(ctx context.Context) {
	r.loaders(ctx).clear()
}

// authorIDs decodes the authors of a new document.
func authorIDs(gids []string) ([]string, error) {
	if gids == nil {
		return nil, nil
	}
	ids := make([]string, len(gids))
	for i, gid := range gids {
		_, id, err := parseIDOf(gid, graph.KindContributor)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// createDocument writes a new document of d.Kind.
func (r *Resolver) createDocument(ctx context.Context, d graph.Document, authors []string) (*graph.Document, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	ids, err := authorIDs(authors)
	if err != nil {
		return nil, err
	}
	out, err := r.store.CreateDocument(ctx, d, ids)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return out, nil
}

// updateDocument applies u to the document of kind with global id gid.
func (r *Resolver) updateDocument(ctx context.Context, kind graph.Kind, gid string, u graph.DocumentUpdate) (*graph.Document, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, id, err := r.existing(ctx, gid, kind)
	if err != nil {
		return nil, err
	}
	out, err := r.store.UpdateDocument(ctx, id, u)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return out, nil
}

// deleteDocument deletes the document of kind with global id gid.
func (r *Resolver) deleteDocument(ctx context.Context, kind graph.Kind, gid string, version int) (*model.DeletePayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, id, err := r.existing(ctx, gid, kind)
	if err != nil {
		return nil, err
	}
	if err := r.store.DeleteDocument(ctx, id, version); err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.DeletePayload{DeletedID: gid}, nil
}

// deleteByID deletes an object of kind through del.
func (r *Resolver) deleteByID(ctx context.Context, kind graph.Kind, gid string, version int, del func(context.Context, string, int) error) (*model.DeletePayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, id, err := parseIDOf(gid, kind)
	if err != nil {
		return nil, err
	}
	if err := del(ctx, id, version); err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.DeletePayload{DeletedID: gid}, nil
}

// link writes l after checking that both ends exist as the kinds their ids
// say.
func (r *Resolver) link(ctx context.Context, rel graph.Relation, from, to string, role *model.AuthorRole, category *string, position *int) (*model.LinkPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, fromID, err := r.existing(ctx, from, graph.Kinds...)
	if err != nil {
		return nil, err
	}
	_, toID, err := r.existing(ctx, to, graph.Kinds...)
	if err != nil {
		return nil, err
	}
	l := graph.Link{Relation: rel, From: fromID, To: toID}
	if role != nil {
		l.Role = string(*role)
	} else if rel == graph.RelAuthored {
		l.Role = graph.AuthorRoleAuthor
	}
	if category != nil {
		l.Category = *category
	}
	if position != nil {
		l.Position = *position
	}
	out, err := r.store.Link(ctx, l)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.LinkPayload{Link: out}, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// aliases returns the update of a nullable list: nil leaves it unchanged.
func aliases(xs []string) *[]string {
	if xs == nil {
		return nil
	}
	return &xs
}
