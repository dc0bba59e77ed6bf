package embedded

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// groups implements graph.GroupOps for one kind of group (carnets,
// communities, knowledge bases: public to read, written by curators,
// admins and the system).
type groups[G, U any] struct {
	s    *Store
	kind *graph.GroupKind[G, U]
	t    nodeType[G]
	// check vets an update against what the transaction holds; nil
	// passes all.
	check func(w *writer, g *G) error
}

// newGroupServices implements graph.GroupStore for s: one generic
// implementation serves the three kinds.
func newGroupServices(s *Store) graph.GroupServices {
	return graph.NewGroupServices(
		&groups[graph.Carnet, graph.CarnetUpdate]{s, graph.CarnetGroup, carnetType, checkCategoriesKept},
		&groups[graph.Community, graph.GroupUpdate]{s, graph.CommunityGroup, communityType, nil},
		&groups[graph.KnowledgeBase, graph.GroupUpdate]{s, graph.KnowledgeBaseGroup, knowledgeBaseType, nil},
	)
}

// checkCategoriesKept refuses to remove a category that documents are
// still filed under.
func checkCategoriesKept(w *writer, c *graph.Carnet) error {
	entries, err := w.rawLinks(c.ID, graph.RelInCarnet, graph.In)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := graph.CheckCategoryKept(c, e.Category); err != nil {
			return err
		}
	}
	return nil
}

// carnet returns a carnet or NOT_FOUND.
func (r *reader) carnet(id string) (*graph.Carnet, error) { return carnetType.mustGet(r, id) }

func (g *groups[G, U]) Create(ctx context.Context, x G) (*G, error) {
	g.kind.Prepare(&x)
	in := x
	err := g.s.updateOp(ctx, g.kind.Ops.Create, func(w *writer) error {
		x = in // update may run this again: start each run from the input
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		return g.t.create(w, &x)
	})
	if err != nil {
		return nil, err
	}
	return &x, nil
}

func (g *groups[G, U]) Get(ctx context.Context, id string) (x *G, err error) {
	err = g.s.viewOp(ctx, g.kind.Ops.Get, func(r *reader) error {
		x, err = g.t.mustGet(r, id)
		return err
	})
	return x, err
}

func (g *groups[G, U]) GetMany(ctx context.Context, ids []string) (xs []*G, err error) {
	err = g.s.viewOp(ctx, g.kind.Ops.GetMany, func(r *reader) error {
		xs, err = g.t.getMany(r, ids)
		return err
	})
	return xs, err
}

func (g *groups[G, U]) List(ctx context.Context, p graph.Page) (conn *graph.Connection[*G], err error) {
	err = g.s.viewOp(ctx, g.kind.Ops.List, func(r *reader) error {
		conn, err = g.t.page(r, p)
		return err
	})
	return conn, err
}

func (g *groups[G, U]) Update(ctx context.Context, id string, u U) (x *G, err error) {
	apply := func(x *G) bool { return g.kind.Apply(u, x) }
	err = g.s.updateOp(ctx, g.kind.Ops.Update, func(w *writer) error {
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		var vet func(x *G) error
		if g.check != nil {
			vet = func(x *G) error { return g.check(w, x) }
		}
		x, err = g.t.update(w, id, g.kind.Version(u), apply, vet)
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

func (g *groups[G, U]) Delete(ctx context.Context, id string, version int) error {
	return g.s.updateOp(ctx, g.kind.Ops.Delete, func(w *writer) error {
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		return g.t.remove(w, id, version)
	})
}
