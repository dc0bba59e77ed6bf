package resolve

import (
	"context"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/explore"
)

// The walks themselves are graph/explore's, on the store: the resolvers
// below only decode ids and options and name the nodes. Labels and nodes
// go through the request's loaders, so a subgraph of 500 nodes costs one
// batch call per kind, not 500.

// neighbourhood decodes the root, which may be any kind of node: a hidden
// or missing one is NOT_FOUND with the same message as `existing` gives.
func (r *Resolver) neighbourhood(ctx context.Context, gid string, depth *int, relations []graph.Relation, first *int) (*explore.Subgraph, error) {
	kind, id, err := ParseGlobalID(gid)
	if err != nil {
		return nil, err
	}
	if err := inRange("depth", depth, explore.MaxDepth); err != nil {
		return nil, err
	}
	if err := inRange("first", first, explore.MaxNodes); err != nil {
		return nil, err
	}
	sg, err := explore.Neighbourhood(ctx, r.store, explore.Endpoint{Kind: kind, ID: id},
		explore.NeighbourhoodOptions{Depth: deref(depth), First: deref(first), Relations: relations})
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return nil, graph.Errorf(graph.ENOTFOUND, "no object with id %q", request.Clip(gid, 80))
	}
	return sg, err
}

// paths decodes both ends, which must be of explore.PathKinds.
func (r *Resolver) paths(ctx context.Context, from, to string, maxDepth *int, relations []graph.Relation, first *int) ([]*explore.Subgraph, error) {
	if err := inRange("maxDepth", maxDepth, explore.MaxPathDepth); err != nil {
		return nil, err
	}
	if err := inRange("first", first, explore.MaxPaths); err != nil {
		return nil, err
	}
	var ends [2]explore.Endpoint
	for i, gid := range []string{from, to} {
		kind, id, err := parseIDOf(gid, explore.PathKinds...)
		if err != nil {
			return nil, err
		}
		ends[i] = explore.Endpoint{Kind: kind, ID: id}
	}
	ps, err := explore.Paths(ctx, r.store, ends[0], ends[1],
		explore.PathOptions{MaxDepth: deref(maxDepth), First: deref(first), Relations: relations})
	if ps == nil && err == nil {
		ps = []*explore.Subgraph{}
	}
	return ps, err
}

// inRange refuses an explicit value outside 1..max: the walks read 0 as
// "the default", which an explicit 0 from a caller must not become.
func inRange(name string, p *int, max int) error {
	if p != nil && (*p < 1 || *p > max) {
		return graph.Errorf(graph.EINVALID, "%s must be between 1 and %d, got %d", name, max, *p)
	}
	return nil
}

// nodeLabel names a node as a graph view shows it.
func (r *Resolver) nodeLabel(ctx context.Context, n *explore.Node) (string, error) {
	l := r.loaders(ctx)
	switch {
	case n.Kind.IsDocument():
		d, err := l.documents.Load(ctx, n.ID)
		if err != nil || d == nil {
			return "", err
		}
		return d.Title, nil
	case n.Kind == graph.KindContributor:
		c, err := l.contributors.Load(ctx, n.ID)
		if err != nil || c == nil {
			return "", err
		}
		return c.Name, nil
	case n.Kind == graph.KindCarnet:
		c, err := l.carnets.Load(ctx, n.ID)
		if err != nil || c == nil {
			return "", err
		}
		return c.Title, nil
	case n.Kind == graph.KindCommunity:
		c, err := l.communities.Load(ctx, n.ID)
		if err != nil || c == nil {
			return "", err
		}
		return c.Name, nil
	case n.Kind == graph.KindKnowledgeBase:
		b, err := l.knowledgeBases.Load(ctx, n.ID)
		if err != nil || b == nil {
			return "", err
		}
		return b.Name, nil
	}
	return "", nil
}
