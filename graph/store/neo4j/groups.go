package neo4j

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
	recs, err := w.run(carnetUsedCategories, map[string]any{"id": c.ID})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		x := recordDecoder(rec)
		cat := x.str("category")
		if err := x.done("carnet category"); err != nil {
			return err
		}
		if err := graph.CheckCategoryKept(c, cat); err != nil {
			return err
		}
	}
	return nil
}

// Create takes x by value: the driver may run the transaction function
// again, and each run starts from the caller's input.
func (g *groups[G, U]) Create(ctx context.Context, in G) (*G, error) {
	g.kind.Prepare(&in)
	var out *G
	err := g.s.updateOp(ctx, g.kind.Ops.Create, func(w *writer) error {
		x := in
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		if err := create(w, g.t, &x); err != nil {
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

func (g *groups[G, U]) Get(ctx context.Context, id string) (*G, error) {
	return viewNode(g.s, ctx, g.kind.Ops.Get, g.t, id)
}

func (g *groups[G, U]) GetMany(ctx context.Context, ids []string) ([]*G, error) {
	return viewNodes(g.s, ctx, g.kind.Ops.GetMany, g.t, ids)
}

func (g *groups[G, U]) List(ctx context.Context, p graph.Page) (*graph.Connection[*G], error) {
	return viewPage(g.s, ctx, g.kind.Ops.List, g.t, p)
}

// viewNode, viewNodes and viewPage read nodes of one kind that anyone may
// read (groups, contributors), each in a transaction of its own reported
// as op ("": the store method on the call stack).
func viewNode[T any](s *Store, ctx context.Context, op string, t nodeType[T], id string) (*T, error) {
	var x *T
	err := s.viewOp(ctx, op, func(r *reader) (err error) {
		x, err = mustGet(r, t, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

func viewNodes[T any](s *Store, ctx context.Context, op string, t nodeType[T], ids []string) ([]*T, error) {
	var xs []*T
	err := s.viewOp(ctx, op, func(r *reader) (err error) {
		xs, err = getNodes(r, t, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	return xs, nil
}

func viewPage[T any](s *Store, ctx context.Context, op string, t nodeType[T], p graph.Page) (*graph.Connection[*T], error) {
	var conn *graph.Connection[*T]
	err := s.viewOp(ctx, op, func(r *reader) (err error) {
		conn, err = page(r, t, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return conn, nil
}

func (g *groups[G, U]) Update(ctx context.Context, id string, u U) (*G, error) {
	apply := func(x *G) bool { return g.kind.Apply(u, x) }
	var out *G
	err := g.s.updateOp(ctx, g.kind.Ops.Update, func(w *writer) error {
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		var vet func(x *G) error
		if g.check != nil {
			vet = func(x *G) error { return g.check(w, x) }
		}
		x, err := update(w, g.t, id, g.kind.Version(u), apply, vet)
		out = x
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (g *groups[G, U]) Delete(ctx context.Context, id string, version int) error {
	return g.s.updateOp(ctx, g.kind.Ops.Delete, func(w *writer) error {
		if err := graph.RequireGroupWriter(w.v); err != nil {
			return err
		}
		return remove(w, g.t, id, version)
	})
}
