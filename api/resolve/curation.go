package resolve

import (
	"context"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// The health lists are the store's (graph.CurationStore), which refuses
// anyone but curators and admins itself; the API checks first only to
// answer before any work.

func (r *Resolver) needsCare(ctx context.Context, check graph.HealthCheck, first *int, after *string) (*graph.Connection[*graph.Document], pageArgs, error) {
	pa := pageOf(first, after)
	if err := graph.RequireCurator(graph.ViewerFrom(ctx)); err != nil {
		return nil, pa, err
	}
	c, err := r.store.NeedsCare(ctx, check, pa.page)
	return c, pa, err
}

// probableDuplicates groups the titles of the whole graph on each call:
// a linear pass over titles and aliases, for a curator's occasional query.
func (r *Resolver) probableDuplicates(ctx context.Context, kinds []graph.Kind, first *int, after *string) (*model.DuplicateGroupConnection, error) {
	pa := pageOf(first, after)
	if err := graph.RequireCurator(graph.ViewerFrom(ctx)); err != nil {
		return nil, err
	}
	ts, err := r.store.DocumentTitles(ctx, kinds)
	if err != nil {
		return nil, err
	}
	c, err := graph.Paginate(graph.ProbableDuplicates(ts), graph.DuplicateGroup.Cursor, false, pa.page)
	if err != nil {
		return nil, err
	}
	edges, info := shape(c, pa)
	out := &model.DuplicateGroupConnection{Edges: []*model.DuplicateGroupEdge{}, Nodes: []*graph.DuplicateGroup{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		g := e.Node
		out.Edges = append(out.Edges, &model.DuplicateGroupEdge{Cursor: e.Cursor, Node: &g})
		out.Nodes = append(out.Nodes, &g)
	}
	return out, nil
}

func (r *Resolver) duplicateDocuments(ctx context.Context, g *graph.DuplicateGroup) ([]model.Document, error) {
	ds, err := r.loadDocuments(ctx, g.IDs)
	if err != nil {
		return nil, err
	}
	out := make([]model.Document, 0, len(ds))
	for _, d := range ds {
		if w := model.WrapDocument(d); w != nil {
			out = append(out, w)
		}
	}
	return out, nil
}
