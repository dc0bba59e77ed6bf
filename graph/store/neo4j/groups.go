package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// Groups (carnets, communities, knowledge bases) are public to read and
// written by curators, admins and the system.

// CreateCarnet implements graph.GroupStore.
func (s *Store) CreateCarnet(ctx context.Context, c graph.Carnet) (*graph.Carnet, error) {
	c.Categories = append([]string(nil), c.Categories...)
	if len(c.Categories) == 0 {
		c.Categories = nil
	}
	return createGroup(s, ctx, carnetType, c)
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
		recs, err := w.run(carnetUsedCategories, map[string]any{"id": id})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			x := recordDecoder(rec)
			cat := x.str("category")
			if err := x.done("carnet category"); err != nil {
				return err
			}
			if !c.HasCategory(cat) {
				return graph.Errorf(graph.ECONFLICT, "category %q of carnet %q is still used: move its documents first", cat, id)
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
	return createGroup(s, ctx, communityType, c)
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
	return createGroup(s, ctx, knowledgeBaseType, b)
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

// createGroup takes x by value: the driver may run the transaction
// function again, and each run starts from the caller's input.
func createGroup[T any](s *Store, ctx context.Context, t nodeType[T], in T) (*T, error) {
	var out *T
	err := s.update(ctx, func(w *writer) error {
		x := in
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		if err := create(w, t, &x); err != nil {
			return err
		}
		out = &x
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func getGroup[T any](s *Store, ctx context.Context, t nodeType[T], id string) (*T, error) {
	var x *T
	err := s.view(ctx, func(r *reader) (err error) {
		x, err = mustGet(r, t, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

func getGroups[T any](s *Store, ctx context.Context, t nodeType[T], ids []string) ([]*T, error) {
	var xs []*T
	err := s.view(ctx, func(r *reader) (err error) {
		xs, err = getNodes(r, t, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	return xs, nil
}

func listGroups[T any](s *Store, ctx context.Context, t nodeType[T], p graph.Page) (*graph.Connection[*T], error) {
	var conn *graph.Connection[*T]
	err := s.view(ctx, func(r *reader) (err error) {
		conn, err = page(r, t, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return conn, nil
}

func updateGroup[T any](s *Store, ctx context.Context, t nodeType[T], id string, version int,
	apply func(*T) bool, check func(w *writer, old, x *T) error) (*T, error) {
	var out *T
	err := s.update(ctx, func(w *writer) error {
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		var vet func(old, x *T) error
		if check != nil {
			vet = func(old, x *T) error { return check(w, old, x) }
		}
		x, err := update(w, t, id, version, apply, vet)
		out = x
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func deleteGroup[T any](s *Store, ctx context.Context, t nodeType[T], id string, version int) error {
	return s.update(ctx, func(w *writer) error {
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		return remove(w, t, id, version)
	})
}
