package resolve

import (
	"context"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// Moderation is the store's (graph.ModerationStore): who may flag, resolve
// and hide is checked there; the resolvers decode ids and shape payloads.

func (r *Resolver) flagDocument(ctx context.Context, gid, reason string) (*model.FlagPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, id, err := r.existing(ctx, gid, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	f, err := r.store.FlagDocument(ctx, id, reason)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.FlagPayload{Flag: f}, nil
}

func (r *Resolver) resolveFlag(ctx context.Context, flagID string, decision graph.FlagDecision, note string) (*model.FlagPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	if graph.ValidateID(flagID) != nil {
		return nil, graph.Errorf(graph.EINVALID, "invalid flag id %q", request.Clip(flagID, 80))
	}
	f, err := r.store.ResolveFlag(ctx, flagID, decision, note)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.FlagPayload{Flag: f}, nil
}

func (r *Resolver) setDocumentHidden(ctx context.Context, gid string, hidden bool) (*model.SetDocumentHiddenPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, id, err := r.existing(ctx, gid, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	d, err := r.store.SetHidden(ctx, id, hidden)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.SetDocumentHiddenPayload{Document: model.WrapDocument(d)}, nil
}

func (r *Resolver) moderationQueue(ctx context.Context, status *graph.FlagStatus, document *string, first *int, after *string) (*model.FlagConnection, error) {
	pa := pageOf(first, after)
	var f graph.FlagFilter
	if status != nil {
		f.Status = *status
	}
	var err error
	if f.DocumentID, err = parseOptionalIDOf(document, graph.DocumentKinds...); err != nil {
		return nil, err
	}
	c, err := r.store.Flags(ctx, f, pa.page)
	if err != nil {
		return nil, err
	}
	edges, info := shape(c, pa)
	out := &model.FlagConnection{Edges: []*model.FlagEdge{}, Nodes: []*graph.Flag{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		out.Edges = append(out.Edges, &model.FlagEdge{Cursor: e.Cursor, Node: e.Node})
		out.Nodes = append(out.Nodes, e.Node)
	}
	return out, nil
}

// flagContributor loads the flagger or the resolver; nil when there is
// none or they were deleted since.
func (r *Resolver) flagContributor(ctx context.Context, id string) (*graph.Contributor, error) {
	if id == "" {
		return nil, nil
	}
	return r.loaders(ctx).contributors.Load(ctx, id)
}
