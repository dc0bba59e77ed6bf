package resolve

import (
	"context"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// carnetDocuments pages over a carnet's documents by position, only those
// filed under category when one is given.
func (r *Resolver) carnetDocuments(ctx context.Context, c *graph.Carnet, category *string, first *int, after *string) (*model.CarnetDocumentConnection, error) {
	pa := pageOf(first, after)
	var keep func(graph.Link) bool
	if category != nil {
		keep = func(l graph.Link) bool { return l.Category == *category }
	}
	lc, err := r.linkedPage(ctx, c.ID, graph.RelInCarnet, graph.In, keep, pa)
	if err != nil {
		return nil, err
	}
	edges, info := shape(lc, pa)
	out := &model.CarnetDocumentConnection{Edges: []*model.CarnetDocumentEdge{}, Nodes: []model.Document{}, PageInfo: info, TotalCount: lc.TotalCount}
	if len(edges) == 0 || !wantsNodes(ctx) {
		return out, nil
	}
	ids := make([]string, len(edges))
	for i, e := range edges {
		ids[i], _ = e.Node.Other(c.ID)
	}
	docs, err := r.loadDocuments(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, e := range edges {
		d := model.WrapDocument(docs[i])
		if d == nil {
			continue
		}
		out.Edges = append(out.Edges, &model.CarnetDocumentEdge{
			Cursor: e.Cursor, Node: d, Category: optional(e.Node.Category), Position: e.Node.Position,
		})
		out.Nodes = append(out.Nodes, d)
	}
	return out, nil
}

// createGroup and updateGroup are the writes of the three group kinds
// (carnets, communities, knowledge bases): a signed-in writer, then the
// kind's operation, then the write announced.
func createGroup[G, U any](ctx context.Context, r *mutationResolver, ops graph.GroupOps[G, U], g G) (*G, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	out, err := ops.Create(ctx, g)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return out, nil
}

func updateGroup[G, U any](ctx context.Context, r *mutationResolver, ops graph.GroupOps[G, U], kind graph.Kind, gid string, u U) (*G, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, id, err := parseIDOf(gid, kind)
	if err != nil {
		return nil, err
	}
	out, err := ops.Update(ctx, id, u)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return out, nil
}
