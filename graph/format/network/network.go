// Package network builds the researchers' contributor network from a
// graph.Store and writes it for graph tools: GraphML and GEXF (Gephi opens
// both) and CSV node and edge tables.
//
// A network holds contributors, the communities and organisations they
// belong to, and, of the contributors' standpoints, the PUBLIC declarations
// only: Build keeps those whatever the store returns, so that neither the
// viewer's own PRIVATE values nor, for the system, anyone's PRIVATE or
// AGGREGATE values ever reach an export.
package network

import (
	"cmp"
	"context"
	"slices"

	"github.com/encommun/maillage/graph"
)

// Relation is the type of an edge of the network.
type Relation string

const (
	// Coauthored joins two contributors who wrote documents together;
	// undirected, weighted by the number of documents.
	Coauthored Relation = "COAUTHORED"
	// MemberOf joins a contributor to a community they belong to.
	MemberOf Relation = "MEMBER_OF"
	// AffiliatedWith joins a contributor to an organisation.
	AffiliatedWith Relation = "AFFILIATED_WITH"
)

// Directed reports whether the edge goes from a contributor to a group,
// rather than between two peers.
func (r Relation) Directed() bool { return r != Coauthored }

// Graph is a contributor network, ready to draw or export.
type Graph struct {
	// Documents is the number of documents counted.
	Documents int
	// Nodes: contributors by id, then communities, then organisations.
	Nodes []Node
	// Edges: co-authorships by ends, then memberships and affiliations.
	Edges []Edge
}

// Node is a contributor, a community or an organisation.
type Node struct {
	ID    string // store id
	Kind  graph.Kind
	Label string
	// Degree counts the edges of the network that touch the node;
	// WeightedDegree adds up their weights.
	Degree, WeightedDegree int
	// Documents is the number of documents counted that a contributor
	// wrote; 0 for other nodes.
	Documents int
	// Standpoints are a contributor's PUBLIC declarations, by dimension
	// then value.
	Standpoints []graph.Declaration
}

// Edge joins two nodes by store id.
type Edge struct {
	Relation Relation
	From, To string
	Weight   int
}

// Source is what Build reads: the network, then the names and public
// standpoints of its people and the names of its groups.
type Source interface {
	ContributorNetwork(ctx context.Context, q graph.NetworkQuery) (*graph.Network, error)
	Contributors(ctx context.Context, ids []string) ([]*graph.Contributor, error)
	Declarations(ctx context.Context, contributorIDs []string) (map[string][]graph.Declaration, error)
	Communities() graph.CommunityOps
	Documents(ctx context.Context, ids []string) ([]*graph.Document, error)
}

// Build reads the network of scope as the viewer of ctx sees it: the
// store's ContributorNetwork (researchers and above), the contributors'
// names and PUBLIC declarations, and the groups' names. A group the
// viewer may not read is left out with its edges.
func Build(ctx context.Context, s Source, scope graph.DocumentScope) (*Graph, error) {
	n, err := s.ContributorNetwork(ctx, graph.NetworkQuery{Scope: scope})
	if err != nil {
		return nil, err
	}
	g := &Graph{Documents: n.Documents}
	ids := make([]string, len(n.Contributors))
	for i, c := range n.Contributors {
		ids[i] = c.ID
	}
	people, err := s.Contributors(ctx, ids)
	if err != nil {
		return nil, err
	}
	decls, err := s.Declarations(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, c := range n.Contributors {
		node := Node{ID: c.ID, Kind: graph.KindContributor, Label: c.ID, Documents: c.Documents}
		if people[i] != nil {
			node.Label = people[i].Name
		}
		node.Standpoints = publicOnly(c.ID, decls[c.ID])
		g.Nodes = append(g.Nodes, node)
	}

	var communityIDs, orgIDs []string
	for _, l := range n.Affiliations {
		switch l.Relation {
		case graph.RelMemberOf:
			communityIDs = append(communityIDs, l.To)
		case graph.RelAffiliatedWith:
			orgIDs = append(orgIDs, l.To)
		}
	}
	communityIDs, orgIDs = uniq(communityIDs), uniq(orgIDs)
	labels := map[string]string{}
	communities, err := s.Communities().GetMany(ctx, communityIDs)
	if err != nil {
		return nil, err
	}
	for i, c := range communities {
		if c != nil {
			labels[communityIDs[i]] = c.Name
			g.Nodes = append(g.Nodes, Node{ID: c.ID, Kind: graph.KindCommunity, Label: c.Name})
		}
	}
	// Organisations are documents: the store's read checks visibility once
	// more, and one the viewer may not read goes with its edges.
	orgs, err := s.Documents(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	for i, d := range orgs {
		if d != nil {
			labels[orgIDs[i]] = d.Title
			g.Nodes = append(g.Nodes, Node{ID: d.ID, Kind: graph.KindOrganisation, Label: d.Title})
		}
	}

	for _, c := range n.Coauthorships {
		g.Edges = append(g.Edges, Edge{Relation: Coauthored, From: c.A, To: c.B, Weight: c.Documents})
	}
	for _, l := range n.Affiliations {
		if _, ok := labels[l.To]; !ok {
			continue
		}
		rel := MemberOf
		if l.Relation == graph.RelAffiliatedWith {
			rel = AffiliatedWith
		}
		g.Edges = append(g.Edges, Edge{Relation: rel, From: l.From, To: l.To, Weight: 1})
	}
	index := make(map[string]int, len(g.Nodes))
	for i, node := range g.Nodes {
		index[node.ID] = i
	}
	for _, e := range g.Edges {
		for _, end := range []string{e.From, e.To} {
			if i, ok := index[end]; ok {
				g.Nodes[i].Degree++
				g.Nodes[i].WeightedDegree += e.Weight
			}
		}
	}
	return g, nil
}

// publicOnly keeps id's own PUBLIC declarations, by dimension then value.
func publicOnly(id string, ds []graph.Declaration) []graph.Declaration {
	var out []graph.Declaration
	for _, d := range ds {
		if d.ContributorID == id && d.Visibility == graph.DeclPublic {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b graph.Declaration) int {
		return cmp.Or(cmp.Compare(a.Dimension, b.Dimension), cmp.Compare(a.Value, b.Value))
	})
	return out
}

func uniq(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// Dimensions returns the dimensions of the standpoints on g's nodes,
// sorted: the standpoint columns of an export.
func (g *Graph) Dimensions() []string {
	var out []string
	for _, n := range g.Nodes {
		for _, d := range n.Standpoints {
			out = append(out, d.Dimension)
		}
	}
	return uniq(out)
}

// StandpointsOf returns a node's PUBLIC values of one dimension, sorted.
func (n *Node) StandpointsOf(dimension string) []string {
	var out []string
	for _, d := range n.Standpoints {
		if d.Dimension == dimension {
			out = append(out, d.Value)
		}
	}
	return out
}
