package explore

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// NeighbourhoodOptions shape a neighbourhood. Zero values take the
// defaults: depth DefaultDepth, first DefaultNodes, every relation.
type NeighbourhoodOptions struct {
	Depth     int
	First     int
	Relations []graph.Relation
}

func (o *NeighbourhoodOptions) check() error {
	switch {
	case o.Depth == 0:
		o.Depth = DefaultDepth
	case o.Depth < 0 || o.Depth > MaxDepth:
		return graph.Errorf(graph.EINVALID, "depth must be between 1 and %d, got %d", MaxDepth, o.Depth)
	}
	switch {
	case o.First == 0:
		o.First = DefaultNodes
	case o.First < 0 || o.First > MaxNodes:
		return graph.Errorf(graph.EINVALID, "first must be between 1 and %d, got %d", MaxNodes, o.First)
	}
	return nil
}

// Neighbourhood returns the nodes within o.Depth links of root, breadth
// first, the root first, at most o.First of them (Truncated says that
// more were reachable), with every link among them. A root the viewer
// may not read is NOT_FOUND, exactly like a missing one.
//
// Cost: at most o.Depth+1 store calls, one per level plus one for the
// degrees of the last level, and together they ask about at most o.First
// nodes: only nodes kept in the result are ever expanded.
func Neighbourhood(ctx context.Context, src Source, root Endpoint, o NeighbourhoodOptions) (*Subgraph, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	rel, rels, err := checkRelations(o.Relations)
	if err != nil {
		return nil, err
	}
	if ok, err := readable(ctx, src, root); err != nil {
		return nil, err
	} else if !ok {
		return nil, graph.NotFound(root.ID)
	}
	adj := newAdjacency(src, rel, rels, -1)
	sg := &Subgraph{Nodes: []Node{{ID: root.ID, Kind: root.Kind}}}
	index := map[string]int{root.ID: 0}
	edges := map[Edge]bool{}
	addEdge := func(l graph.Link) {
		if e := edgeOf(l); !edges[e] {
			edges[e] = true
			sg.Edges = append(sg.Edges, e)
		}
	}
	frontier := []string{root.ID}
	for level := 0; level < o.Depth && len(frontier) > 0 && !sg.Truncated; level++ {
		if err := adj.load(ctx, frontier); err != nil {
			return nil, err
		}
		var next []string
		for _, id := range frontier {
			for _, l := range adj.links[id] {
				other, kind := l.Other(id)
				if _, in := index[other]; !in {
					if len(sg.Nodes) >= o.First {
						sg.Truncated = true
						continue
					}
					index[other] = len(sg.Nodes)
					sg.Nodes = append(sg.Nodes, Node{ID: other, Kind: kind})
					next = append(next, other)
				}
				addEdge(l)
			}
		}
		frontier = next
	}
	// The last level (or what the cap left unexpanded) is loaded once
	// more for its degrees and the links among its own nodes.
	var rest []string
	for _, n := range sg.Nodes {
		if _, ok := adj.links[n.ID]; !ok {
			rest = append(rest, n.ID)
		}
	}
	if err := adj.load(ctx, rest); err != nil {
		return nil, err
	}
	for _, id := range rest {
		for _, l := range adj.links[id] {
			if other, _ := l.Other(id); hasKey(index, other) {
				addEdge(l)
			}
		}
	}
	for i := range sg.Nodes {
		sg.Nodes[i].Degree = len(adj.links[sg.Nodes[i].ID])
	}
	return sg, nil
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
