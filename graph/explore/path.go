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
	rels, err := checkRelations(o.Relations)
	if err != nil {
		return nil, err
	}
	for _, e := range []Endpoint{from, to} {
		if ok, err := readable(ctx, src, e); err != nil || !ok {
			return nil, err
		}
	}
	adj := newAdjacency(src, rels, MaxVisited)
	found, err := yen(ctx, adj, from.ID, to.ID, o.MaxDepth, o.First)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	// The degrees of the nodes on the paths are counted, not read.
	var all []string
	for _, p := range found {
		all = append(all, p.nodes...)
	}
	degrees, err := src.Adjacency(ctx, all, adj.query(0, nil, true))
	if err != nil {
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
			sg.Nodes = append(sg.Nodes, Node{ID: id, Kind: kinds[id], Degree: degrees[id].Degree})
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

// side is one of the two searches of shortest.
type side struct {
	seen  map[string]step
	front []string
	depth int
	// cost is the sum of the frontier's degrees (-1 until counted): the
	// links expanding it would read.
	cost int
}

// shortest is a bidirectional breadth-first search for a path of at most
// maxLen links avoiding banned nodes and steps; nil when there is none.
//
// Before each level it looks for a link between the two frontiers (one
// store call, which looks the pairs up rather than read a hub's links):
// none was within both radii before, so such a link closes a shortest
// path. When no level is left to expand that is the end: the last level is
// never read whole. Otherwise it expands whole, one store call, the
// frontier whose degrees sum lower, which keeps the search off the hubs
// for as long as the graph allows.
func shortest(ctx context.Context, adj *adjacency, from, to string, maxLen int, bannedNodes map[string]bool, bannedSteps map[pair]bool) (*path, error) {
	if from == to {
		return &path{nodes: []string{from}}, nil
	}
	fwd := &side{seen: map[string]step{from: {}}, front: []string{from}, cost: -1}
	bwd := &side{seen: map[string]step{to: {}}, front: []string{to}, cost: -1}
	for {
		// The frontier with fewer nodes asks about its links to the other,
		// and gets its degrees counted on the way.
		ask, other := fwd, bwd
		if len(bwd.front) < len(fwd.front) {
			ask, other = bwd, fwd
		}
		// Enough links per node to get past every banned step to a
		// first allowed one, if any: a pair of nodes has at most two
		// links of each relation, one each way.
		rels := len(adj.rels)
		if rels == 0 {
			rels = len(graph.Relations)
		}
		limit := 1 + 2*rels*len(bannedSteps)
		m, err := adj.src.Adjacency(ctx, ask.front, adj.query(limit, other.front, true))
		if err != nil {
			return nil, err
		}
		ask.cost = degreeSum(m, ask.front)
		for _, u := range ask.front {
			for _, l := range m[u].Links {
				if v, _ := l.Other(u); !bannedSteps[pairOf(u, v)] && hasKey(other.seen, v) {
					if ask == fwd {
						return joinAt(u, v, l, from, to, fwd.seen, bwd.seen), nil
					}
					return joinAt(v, u, l, from, to, fwd.seen, bwd.seen), nil
				}
			}
		}
		if fwd.depth+bwd.depth+1 >= maxLen {
			return nil, nil
		}
		// A frontier costs at least one link per node; count the other's
		// only when that could make it the cheaper one.
		if other.cost < 0 && ask.cost > len(other.front) {
			d, err := adj.src.Adjacency(ctx, other.front, adj.query(0, nil, true))
			if err != nil {
				return nil, err
			}
			other.cost = degreeSum(d, other.front)
		}
		grow := ask
		if other.cost >= 0 && other.cost < ask.cost {
			grow = other
		}
		if err := adj.load(ctx, grow.front); err != nil {
			return nil, err
		}
		var next []string
		for _, u := range grow.front {
			for _, l := range adj.links[u] {
				v, _ := l.Other(u)
				if bannedNodes[v] || bannedSteps[pairOf(u, v)] || hasKey(grow.seen, v) {
					continue
				}
				grow.seen[v] = step{prev: u, link: l, dist: grow.depth + 1}
				next = append(next, v)
			}
		}
		if len(next) == 0 {
			return nil, nil
		}
		grow.front, grow.depth, grow.cost = next, grow.depth+1, -1
	}
}

// degreeSum is the sum of the degrees of ids in m.
func degreeSum(m map[string]graph.Adjacent, ids []string) int {
	n := 0
	for _, id := range ids {
		n += m[id].Degree
	}
	return n
}

// joinAt builds the path whose middle link l joins a (reached from
// from) to b (reached from to).
func joinAt(a, b string, l graph.Link, from, to string, fwd, bwd map[string]step) *path {
	var nodes []string
	var links []graph.Link
	for n := a; n != from; n = fwd[n].prev {
		nodes = append(nodes, fwd[n].prev)
		links = append(links, fwd[n].link)
	}
	slices.Reverse(nodes)
	slices.Reverse(links)
	nodes = append(nodes, a, b)
	links = append(links, l)
	for n := b; n != to; n = bwd[n].prev {
		nodes = append(nodes, bwd[n].prev)
		links = append(links, bwd[n].link)
	}
	return &path{nodes: nodes, links: links}
}
