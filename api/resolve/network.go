package resolve

import (
	"context"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/network"
)

// The contributor network: GraphQL (contributorNetwork) and files for
// graph tools (GET /export/network…, package api), both built by
// graph/format/network from the same store reads, so both show the same
// network and the same PUBLIC standpoints only.

// Network builds the network of a search for the viewer of ctx. The role
// is checked first, so that a refused caller causes no search.
func (r *Resolver) Network(ctx context.Context, query *string, filter *model.SearchFilter) (*network.Graph, error) {
	if err := graph.RequireResearcher(graph.ViewerFrom(ctx)); err != nil {
		return nil, err
	}
	scope, err := r.scope(ctx, query, filter)
	if err != nil {
		return nil, err
	}
	return network.Build(ctx, r.store, scope)
}

func (r *Resolver) contributorNetwork(ctx context.Context, query *string, filter *model.SearchFilter) (*model.ContributorNetwork, error) {
	g, err := r.Network(ctx, query, filter)
	if err != nil {
		return nil, err
	}
	out := &model.ContributorNetwork{DocumentCount: g.Documents, Nodes: []*model.NetworkNode{}, Edges: []*model.NetworkEdge{}}
	kinds := map[string]graph.Kind{}
	for _, n := range g.Nodes {
		kinds[n.ID] = n.Kind
		mn := &model.NetworkNode{ID: GlobalID(n.Kind, n.ID), Kind: n.Kind, Label: n.Label, Degree: n.Degree,
			WeightedDegree: n.WeightedDegree, Standpoints: []*graph.Declaration{}}
		if n.Kind == graph.KindContributor {
			docs := n.Documents
			mn.Documents = &docs
			for i := range n.Standpoints {
				mn.Standpoints = append(mn.Standpoints, &n.Standpoints[i])
			}
		}
		out.Nodes = append(out.Nodes, mn)
	}
	for _, e := range g.Edges {
		out.Edges = append(out.Edges, &model.NetworkEdge{Relation: model.NetworkRelation(e.Relation),
			From: GlobalID(kinds[e.From], e.From), To: GlobalID(kinds[e.To], e.To), Weight: e.Weight})
	}
	return out, nil
}
