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
// may not read is NOT_FOUND, exactly like a missing one. Within a level,
// each node's neighbours come in the store's adjacency order (OUT links,
// then IN links, by relation and then by id).
//
// Cost: o.Depth+1 rounds of store calls, one per level plus one for the
// degrees and the links among the nodes kept (and, rarely, one more for a
// node whose first links all lead back into the subgraph); the root's
// readability is checked during the first. Only nodes kept
// in the result are ever asked about, and for at most 2·o.First+1 links
// each: the cap applies where the store reads, not after.
func Neighbourhood(ctx context.Context, src Source, root Endpoint, o NeighbourhoodOptions) (*Subgraph, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	rels, err := checkRelations(o.Relations)
	if err != nil {
		return nil, err
	}
	if w, ok := src.(NeighbourhoodWalker); ok {
		sg, done, err := w.WalkNeighbourhood(ctx, WalkQuery{Root: root, Depth: o.Depth, First: o.First, Relations: rels})
		if err != nil {
			return nil, err
		} else if done {
			if sg == nil {
				return nil, graph.NotFound(root.ID)
			}
			return sg, nil
		}
	}
	// The root's first level is asked for while its readability is
	// checked, rather than after: a remote store answers both in one
	// round trip's time. The store applies the viewer's visibility to
	// Adjacency as to everything else, and the answer is dropped unread
	// when the root turns out not to be readable (or not of its kind).
	limit := 2*o.First + 1
	type level struct {
		m   map[string]graph.Adjacent
		err error
	}
	firstLevel := make(chan level, 1)
	go func() {
		m, err := src.Adjacency(ctx, []string{root.ID}, adjacencyQuery(rels, limit, nil, false))
		firstLevel <- level{m, err}
	}()
	ok, err := readable(ctx, src, root)
	first := <-firstLevel
	if err != nil {
		return nil, err
	} else if !ok {
		return nil, graph.NotFound(root.ID)
	}
	sg := &Subgraph{Nodes: []Node{{ID: root.ID, Kind: root.Kind}}}
	index := map[string]int{root.ID: 0}
	// add takes in the new ends of links, in order, until the cap; it
	// reports whether the walk must stop (the cap left a node out).
	add := func(id string, links []graph.Link, next *[]string) bool {
		for _, l := range links {
			other, kind := l.Other(id)
			if hasKey(index, other) {
				continue
			}
			if len(sg.Nodes) >= o.First {
				sg.Truncated = true
				return true
			}
			index[other] = len(sg.Nodes)
			sg.Nodes = append(sg.Nodes, Node{ID: other, Kind: kind})
			*next = append(*next, other)
		}
		return false
	}
	// A node's first 2·First+1 links hold enough new ends to fill the cap
	// and see one more, unless more than two of them join it to each node
	// already kept; such a node is read again whole.
	frontier := []string{root.ID}
	for depth := 0; depth < o.Depth && len(frontier) > 0 && !sg.Truncated; depth++ {
		m, err := first.m, first.err
		if depth > 0 {
			m, err = src.Adjacency(ctx, frontier, adjacencyQuery(rels, limit, nil, false))
		}
		if err != nil {
			return nil, err
		}
		var next []string
		for _, id := range frontier {
			links := m[id].Links
			if add(id, links, &next) {
				break
			}
			if len(links) == limit {
				whole, err := src.Adjacency(ctx, []string{id}, adjacencyQuery(rels, -1, nil, false))
				if err != nil {
					return nil, err
				}
				if add(id, whole[id].Links, &next) {
					break
				}
			}
		}
		frontier = next
	}
	// One call for the degrees and every link among the nodes kept.
	all := make([]string, len(sg.Nodes))
	for i, n := range sg.Nodes {
		all[i] = n.ID
	}
	m, err := src.Adjacency(ctx, all, adjacencyQuery(rels, -1, all, true))
	if err != nil {
		return nil, err
	}
	edges := map[Edge]bool{}
	for i := range sg.Nodes {
		a := m[sg.Nodes[i].ID]
		sg.Nodes[i].Degree = a.Degree
		for _, l := range a.Links {
			if e := edgeOf(l); !edges[e] {
				edges[e] = true
				sg.Edges = append(sg.Edges, e)
			}
		}
	}
	return sg, nil
}

// NeighbourhoodWalker is implemented by stores that can make the whole
// walk of Neighbourhood in one request (a remote store: one round trip
// instead of one per level). WalkNeighbourhood returns exactly what
// Neighbourhood's walk level by level would, with done true, and a nil
// subgraph for a root the viewer may not read, of another kind, or
// missing; or done false when it cannot tell in one request (a node
// with 2·First+1 links or more met before the cap: the walk would read
// it whole), and then Neighbourhood walks level by level.
type NeighbourhoodWalker interface {
	WalkNeighbourhood(ctx context.Context, q WalkQuery) (sg *Subgraph, done bool, err error)
}

// WalkQuery is a checked Neighbourhood request: Depth and First within
// their limits, Relations without duplicates (nil for every relation).
type WalkQuery struct {
	Root      Endpoint
	Depth     int
	First     int
	Relations []graph.Relation
}

// NodeLimit is how many of a node's links, in adjacency order, a walk
// level reads first (see Neighbourhood).
func (q WalkQuery) NodeLimit() int { return 2*q.First + 1 }

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
