package embedded

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// Groups (carnets, communities, knowledge bases) are public to read and
// written by curators, admins and the system.

// carnet returns a carnet or NOT_FOUND.
func (r *reader) carnet(id string) (*graph.Carnet, error) { return carnetType.mustGet(r, id) }

// CreateCarnet implements graph.GroupStore.
func (s *Store) CreateCarnet(ctx context.Context, c graph.Carnet) (*graph.Carnet, error) {
	if len(c.Categories) == 0 {
		c.Categories = nil
	}
	return createGroup(s, ctx, carnetType, &c)
}

// Carnet implements graph.GroupStore.
func (s *Store) Carnet(ctx context.Context, id string) (*graph.Carnet, error) {
	return getGroup(s, ctx, carnetType, id)
}

// Carnets implements graph.GroupStore.
func (s *Store) Carnets(ctx context.Context, ids []string) ([]*graph.Carnet, error) {
	return getGroups(s, ctx, carnetType, ids)
}

// ListCarnets implements graph.GroupStore.
func (s *Store) ListCarnets(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Carnet], error) {
	return listGroups(s, ctx, carnetType, p)
}

// UpdateCarnet implements graph.GroupStore. A category that documents are
// still filed under cannot be removed: they would point at nothing.
func (s *Store) UpdateCarnet(ctx context.Context, id string, u graph.CarnetUpdate) (*graph.Carnet, error) {
	return updateGroup(s, ctx, carnetType, id, u.Version, func(c *graph.Carnet) bool {
		changed := u.Apply(c)
		if len(c.Categories) == 0 {
			c.Categories = nil
		}
		return changed
	}, func(w *writer, old, c *graph.Carnet) error {
		entries, err := w.rawLinks(id, graph.RelInCarnet, graph.In)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.Category != "" && !c.HasCategory(e.Category) {
				return graph.Errorf(graph.ECONFLICT, "category %q of carnet %q is still used: move its documents first", e.Category, id)
			}
		}
		return nil
	})
}

// DeleteCarnet implements graph.GroupStore; the documents stay.
func (s *Store) DeleteCarnet(ctx context.Context, id string, version int) error {
	return deleteGroup(s, ctx, carnetType, id, version)
}

// CreateCommunity implements graph.GroupStore.
func (s *Store) CreateCommunity(ctx context.Context, c graph.Community) (*graph.Community, error) {
	return createGroup(s, ctx, communityType, &c)
}

// Community implements graph.GroupStore.
func (s *Store) Community(ctx context.Context, id string) (*graph.Community, error) {
	return getGroup(s, ctx, communityType, id)
}

// Communities implements graph.GroupStore.
func (s *Store) Communities(ctx context.Context, ids []string) ([]*graph.Community, error) {
	return getGroups(s, ctx, communityType, ids)
}

// ListCommunities implements graph.GroupStore.
func (s *Store) ListCommunities(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Community], error) {
	return listGroups(s, ctx, communityType, p)
}

// UpdateCommunity implements graph.GroupStore.
func (s *Store) UpdateCommunity(ctx context.Context, id string, u graph.GroupUpdate) (*graph.Community, error) {
	return updateGroup(s, ctx, communityType, id, u.Version, u.ApplyCommunity, nil)
}

// DeleteCommunity implements graph.GroupStore. Its COMMUNITY documents
// stay, readable by their authors only until tied to another community.
func (s *Store) DeleteCommunity(ctx context.Context, id string, version int) error {
	return deleteGroup(s, ctx, communityType, id, version)
}

// CreateKnowledgeBase implements graph.GroupStore.
func (s *Store) CreateKnowledgeBase(ctx context.Context, b graph.KnowledgeBase) (*graph.KnowledgeBase, error) {
	return createGroup(s, ctx, knowledgeBaseType, &b)
}

// KnowledgeBase implements graph.GroupStore.
func (s *Store) KnowledgeBase(ctx context.Context, id string) (*graph.KnowledgeBase, error) {
	return getGroup(s, ctx, knowledgeBaseType, id)
}

// KnowledgeBases implements graph.GroupStore.
func (s *Store) KnowledgeBases(ctx context.Context, ids []string) ([]*graph.KnowledgeBase, error) {
	return getGroups(s, ctx, knowledgeBaseType, ids)
}

// ListKnowledgeBases implements graph.GroupStore.
func (s *Store) ListKnowledgeBases(ctx context.Context, p graph.Page) (*graph.Connection[*graph.KnowledgeBase], error) {
	return listGroups(s, ctx, knowledgeBaseType, p)
}

// UpdateKnowledgeBase implements graph.GroupStore.
func (s *Store) UpdateKnowledgeBase(ctx context.Context, id string, u graph.GroupUpdate) (*graph.KnowledgeBase, error) {
	return updateGroup(s, ctx, knowledgeBaseType, id, u.Version, u.ApplyKnowledgeBase, nil)
}

// DeleteKnowledgeBase implements graph.GroupStore.
func (s *Store) DeleteKnowledgeBase(ctx context.Context, id string, version int) error {
	return deleteGroup(s, ctx, knowledgeBaseType, id, version)
}

func createGroup[T any](s *Store, ctx context.Context, t nodeType[T], x *T) (*T, error) {
	in := *x
	err := s.update(ctx, func(w *writer) error {
		*x = in // update may run this again: start each run from the input
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		return t.create(w, x)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

func getGroup[T any](s *Store, ctx context.Context, t nodeType[T], id string) (x *T, err error) {
	err = s.view(ctx, func(r *reader) error {
		x, err = t.mustGet(r, id)
		return err
	})
	return x, err
}

func getGroups[T any](s *Store, ctx context.Context, t nodeType[T], ids []string) (xs []*T, err error) {
	err = s.view(ctx, func(r *reader) error {
		xs, err = t.getMany(r, ids)
		return err
	})
	return xs, err
}

func listGroups[T any](s *Store, ctx context.Context, t nodeType[T], p graph.Page) (conn *graph.Connection[*T], err error) {
	err = s.view(ctx, func(r *reader) error {
		conn, err = t.page(r, p)
		return err
	})
	return conn, err
}

func updateGroup[T any](s *Store, ctx context.Context, t nodeType[T], id string, version int,
	apply func(*T) bool, check func(w *writer, old, x *T) error) (x *T, err error) {
	err = s.update(ctx, func(w *writer) error {
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		var vet func(old, x *T) error
		if check != nil {
			vet = func(old, x *T) error { return check(w, old, x) }
		}
		x, err = t.update(w, id, version, apply, vet)
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

func deleteGroup[T any](s *Store, ctx context.Context, t nodeType[T], id string, version int) error {
	return s.update(ctx, func(w *writer) error {
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		return t.remove(w, id, version)
	})
}
