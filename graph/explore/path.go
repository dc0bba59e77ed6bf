package explore

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/encommun/maillage/graph"
)

// PathOptions shape a path search. Zero values take the defaults:
// MaxDepth DefaultPathDepth, First DefaultPaths, every relation.
type PathOptions struct {
	MaxDepth  int
	First     int // Paths only
	Relations []graph.Relation
}

func (o *PathOptions) check() error {
	switch {
	case o.MaxDepth == 0:
		o.MaxDepth = DefaultPathDepth
	case o.MaxDepth < 0 || o.MaxDepth > MaxPathDepth:
		return graph.Errorf(graph.EINVALID, "maxDepth must be between 1 and %d, got %d", MaxPathDepth, o.MaxDepth)
	}
	switch {
	case o.First == 0:
		o.First = DefaultPaths
	case o.First < 0 || o.First > MaxPaths:
		return graph.Errorf(graph.EINVALID, "first must be between 1 and %d, got %d", MaxPaths, o.First)
	}
	return nil
}

// PathKinds are the kinds a path may start or end at.
var PathKinds = []graph.Kind{graph.KindNote, graph.KindTerm, graph.KindOrganisation, graph.KindContributor, graph.KindCarnet}

// path is a walk: nodes in order and the link between each pair.
type path struct {
	nodes []string
	links []graph.Link
}

func (p path) key() string { return strings.Join(p.nodes, "\x00") }

// Path returns a shortest path of at most o.MaxDepth links from one end to
// the other, links taken in either direction, through nodes the viewer may
// read; nil when there is none. An end the viewer may not read gives nil
// too, exactly like a missing one, so that a path never tells a hidden
// node from an absent one.
func Path(ctx context.Context, src Source, from, to Endpoint, o PathOptions) (*Subgraph, error) {
	o.First = 1
	ps, err := Paths(ctx, src, from, to, o)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return ps[0], nil
}

// Paths returns up to o.First shortest loopless paths (Yen's algorithm
// over bidirectional breadth-first searches), shortest first; paths of one
// length come in a stable order. Every search shares one cache of loaded
// links and one budget of MaxVisited nodes.
func Paths(ctx context.Context, src Source, from, to Endpoint, o PathOptions) ([]*Subgraph, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	for _, e := range []Endpoint{from, to} {
		if !slices.Contains(PathKinds, e.Kind) {
			return nil, graph.Errorf(graph.EINVALID, "a path joins notes, terms, organisations, contributors or carnets, not a %s", e.Kind)
		}
	}
	rel, rels, err := checkRelations(o.Relations)
	if err != nil {
		return nil, err
	}
	for _, e := range []Endpoint{from, to} {
		if ok, err := readable(ctx, src, e); err != nil || !ok {
			return nil, err
		}
	}
	adj := newAdjacency(src, rel, rels, MaxVisited)
	found, err := yen(ctx, adj, from.ID, to.ID, o.MaxDepth, o.First)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	// Degrees need the links of every node on the paths.
	var all []string
	for _, p := range found {
		all = append(all, p.nodes...)
	}
	adj.budget = -1 // a few nodes more, already bounded by the paths
	if err := adj.load(ctx, all); err != nil {
		return nil, err
	}
	kinds := map[string]graph.Kind{from.ID: from.Kind, to.ID: to.Kind}
	out := make([]*Subgraph, len(found))
	for i, p := range found {
		sg := &Subgraph{}
		for j, l := range p.links {
			sg.Edges = append(sg.Edges, edgeOf(l))
			kinds[p.nodes[j+1]] = kindAt(l, p.nodes[j+1])
		}
		for _, id := range p.nodes {
			sg.Nodes = append(sg.Nodes, Node{ID: id, Kind: kinds[id], Degree: len(adj.links[id])})
		}
		out[i] = sg
	}
	return out, nil
}

// pair is an unordered pair of nodes: Yen's algorithm bans the step
// between two nodes whatever link or direction made it.
type pair struct{ a, b string }

func pairOf(a, b string) pair {
	if b < a {
		a, b = b, a
	}
	return pair{a, b}
}

// yen finds up to k shortest loopless paths of at most maxLen links.
func yen(ctx context.Context, adj *adjacency, from, to string, maxLen, k int) ([]path, error) {
	first, err := shortest(ctx, adj, from, to, maxLen, nil, nil)
	if err != nil || first == nil {
		return nil, err
	}
	found := []path{*first}
	seen := map[string]bool{first.key(): true}
	var candidates []path
	for len(found) < k {
		prev := found[len(found)-1]
		for i := 0; i+1 < len(prev.nodes); i++ {
			spur := prev.nodes[i]
			root := prev.nodes[:i+1]
			bannedSteps := map[pair]bool{}
			for _, p := range found {
				if len(p.nodes) > i+1 && slices.Equal(p.nodes[:i+1], root) {
					bannedSteps[pairOf(p.nodes[i], p.nodes[i+1])] = true
				}
			}
			bannedNodes := map[string]bool{}
			for _, n := range root[:i] {
				bannedNodes[n] = true
			}
			sp, err := shortest(ctx, adj, spur, to, maxLen-i, bannedNodes, bannedSteps)
			if err != nil {
				return nil, err
			}
			if sp == nil {
				continue
			}
			c := path{
				nodes: append(slices.Clone(root), sp.nodes[1:]...),
				links: append(slices.Clone(prev.links[:i]), sp.links...),
			}
			if key := c.key(); !seen[key] {
				seen[key] = true
				candidates = append(candidates, c)
			}
		}
		if len(candidates) == 0 {
			break
		}
		// The shortest candidate next; among equals, the first in node
		// order, so that the answer does not depend on map iteration.
		best := 0
		for j, c := range candidates {
			if cmp.Or(cmp.Compare(len(c.nodes), len(candidates[best].nodes)), cmp.Compare(c.key(), candidates[best].key())) < 0 {
				best = j
			}
		}
		found = append(found, candidates[best])
		candidates = slices.Delete(candidates, best, best+1)
	}
	return found, nil
}

// step records how a search reached a node.
type step struct {
	prev string
	link graph.Link
	dist int
}

// shortest is a bidirectional breadth-first search for a path of at most
// maxLen links avoiding banned nodes and steps; nil when there is none.
// It expands the smaller frontier one whole level at a time (one store
// call per level for the nodes not cached), and stops at the first level
// where the two searches meet, taking the meeting node with the shortest
// total: before that level no path was within both radii, so that one is
// a shortest path.
func shortest(ctx context.Context, adj *adjacency, from, to string, maxLen int, bannedNodes map[string]bool, bannedSteps map[pair]bool) (*path, error) {
	if from == to {
		return &path{nodes: []string{from}}, nil
	}
	fwd := map[string]step{from: {}}
	bwd := map[string]step{to: {}}
	frontF, frontB := []string{from}, []string{to}
	depthF, depthB := 0, 0
	for depthF+depthB < maxLen && len(frontF) > 0 && len(frontB) > 0 {
		forward := len(frontF) <= len(frontB)
		front, seen, other, depth := frontF, fwd, bwd, depthF
		if !forward {
			front, seen, other, depth = frontB, bwd, fwd, depthB
		}
		if err := adj.load(ctx, front); err != nil {
			return nil, err
		}
		var next []string
		for _, u := range front {
			for _, l := range adj.links[u] {
				v, _ := l.Other(u)
				if bannedNodes[v] || bannedSteps[pairOf(u, v)] || hasKey(seen, v) {
					continue
				}
				seen[v] = step{prev: u, link: l, dist: depth + 1}
				next = append(next, v)
			}
		}
		if forward {
			frontF, depthF = next, depthF+1
		} else {
			frontB, depthB = next, depthB+1
		}
		meet, best := "", 0
		for _, v := range next {
			if s, ok := other[v]; ok {
				if total := depth + 1 + s.dist; meet == "" || total < best {
					meet, best = v, total
				}
			}
		}
		if meet != "" {
			return joinAt(meet, from, to, fwd, bwd), nil
		}
	}
	return nil, nil
}

// joinAt builds the path through the meeting node m.
func joinAt(m, from, to string, fwd, bwd map[string]step) *path {
	var nodes []string
	var links []graph.Link
	for n := m; n != from; n = fwd[n].prev {
		nodes = append(nodes, fwd[n].prev)
		links = append(links, fwd[n].link)
	}
	slices.Reverse(nodes)
	slices.Reverse(links)
	nodes = append(nodes, m)
	for n := m; n != to; n = bwd[n].prev {
		nodes = append(nodes, bwd[n].prev)
		links = append(links, bwd[n].link)
	}
	return &path{nodes: nodes, links: links}
}
