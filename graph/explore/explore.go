// Package explore walks the knowledge graph for curators and front-ends:
// the neighbourhood of a node and the shortest paths between two nodes.
//
// It works on any graph.Store and keeps no index of its own: every step
// is one batched Store.Adjacency call for a whole BFS level, so the store
// applies the viewer's visibility to every link it returns, and a hidden
// document is never reached, crossed or counted. Every walk is bounded:
// in depth, in the nodes it returns and in the nodes it asks the store
// about, whatever the shape of the graph. Degrees are counted by the
// store, not read link by link, and a neighbourhood asks for no more of a
// node's links than its node cap can use, so a hub with tens of thousands
// of links costs about as much as any other node.
package explore

import (
	"context"
	"slices"

	"github.com/encommun/maillage/graph"
)

// Limits of the walks. Depths count links (hops).
const (
	MaxDepth         = 3   // neighbourhood depth
	DefaultDepth     = 1   //
	DefaultNodes     = 50  // nodes a neighbourhood returns when first is not given
	MaxNodes         = 500 // nodes a neighbourhood may return
	MaxPathDepth     = 6   // links on a path
	DefaultPathDepth = MaxPathDepth
	DefaultPaths     = 3  // paths returned when first is not given
	MaxPaths         = 10 // paths one call may return
	// MaxVisited bounds the nodes one path search asks the store about
	// (the readable nodes it expands). Past it the search stops with
	// BAD_USER_INPUT rather than answer "no path" when it does not know.
	MaxVisited = 50_000
)

// Source is what a walk needs from a store; graph.Store has it all.
// Walks read links through Adjacency only, so that a hub's links are
// counted, not read, and capped where the store reads them.
type Source interface {
	Adjacency(ctx context.Context, ids []string, q graph.AdjacencyQuery) (map[string]graph.Adjacent, error)
	Documents(ctx context.Context, ids []string) ([]*graph.Document, error)
	Contributors(ctx context.Context, ids []string) ([]*graph.Contributor, error)
	Carnets() graph.CarnetOps
	Communities() graph.CommunityOps
	KnowledgeBases() graph.KnowledgeBaseOps
}

// Node is a node of a subgraph. Degree is the number of its links, of the
// relations the walk follows, that the viewer may see: the whole count,
// including links to nodes the subgraph left out.
type Node struct {
	ID     string
	Kind   graph.Kind
	Degree int
}

// Edge is a link of a subgraph, in its stored direction, with the kinds
// of its ends (a Relay global id needs them).
type Edge struct {
	Relation         graph.Relation
	From, To         string
	FromKind, ToKind graph.Kind
}

// Subgraph is what a walk returns. In a path, Nodes run from one end to
// the other and Edges[i] joins Nodes[i] and Nodes[i+1].
type Subgraph struct {
	Nodes []Node
	Edges []Edge
	// Truncated says that the node cap left reachable nodes out.
	Truncated bool
}

// Endpoint names a node by kind and store id; the kind must match the
// stored node, or the node counts as missing.
type Endpoint struct {
	Kind graph.Kind
	ID   string
}

// checkRelations validates a relation filter and returns it without
// duplicates (nil for every relation).
func checkRelations(rels []graph.Relation) ([]graph.Relation, error) {
	var out []graph.Relation
	for _, r := range rels {
		if !r.Valid() {
			return nil, graph.Errorf(graph.EINVALID, "unknown relation %q", r)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// readable reports whether the viewer may read the node e names, through
// the store's own getters: a hidden document and a missing node look the
// same, and so does an id paired with the wrong kind.
func readable(ctx context.Context, src Source, e Endpoint) (bool, error) {
	ids := []string{e.ID}
	switch {
	case e.Kind.IsDocument():
		ds, err := src.Documents(ctx, ids)
		return err == nil && len(ds) == 1 && ds[0] != nil && ds[0].Kind == e.Kind, err
	case e.Kind == graph.KindContributor:
		xs, err := src.Contributors(ctx, ids)
		return err == nil && len(xs) == 1 && xs[0] != nil, err
	case e.Kind == graph.KindCarnet:
		xs, err := src.Carnets().GetMany(ctx, ids)
		return err == nil && len(xs) == 1 && xs[0] != nil, err
	case e.Kind == graph.KindCommunity:
		xs, err := src.Communities().GetMany(ctx, ids)
		return err == nil && len(xs) == 1 && xs[0] != nil, err
	case e.Kind == graph.KindKnowledgeBase:
		xs, err := src.KnowledgeBases().GetMany(ctx, ids)
		return err == nil && len(xs) == 1 && xs[0] != nil, err
	}
	return false, nil
}

// adjacency caches the visible links of the nodes a path search has
// expanded, of the relations it follows. Each load is one store call for
// the nodes not yet cached.
type adjacency struct {
	src   Source
	rels  []graph.Relation
	links map[string][]graph.Link
	// budget is how many more nodes may be loaded; < 0 means no limit.
	budget int
}

func newAdjacency(src Source, rels []graph.Relation, budget int) *adjacency {
	return &adjacency{src: src, rels: rels, links: map[string][]graph.Link{}, budget: budget}
}

var errBudget = graph.Errorf(graph.EINVALID,
	"the path search reached its limit of %d nodes: narrow it with relations or a smaller maxDepth", MaxVisited)

// query is an Adjacency query over the relations the walk follows.
func (a *adjacency) query(limit int, among []string, degrees bool) graph.AdjacencyQuery {
	return adjacencyQuery(a.rels, limit, among, degrees)
}

// adjacencyQuery is an Adjacency query, both ways, over rels (nil for
// every relation).
func adjacencyQuery(rels []graph.Relation, limit int, among []string, degrees bool) graph.AdjacencyQuery {
	return graph.AdjacencyQuery{Relations: rels, Direction: graph.Both, Limit: limit, Among: among, Degrees: degrees}
}

// load fetches the links of the ids not yet loaded, in one call.
func (a *adjacency) load(ctx context.Context, ids []string) error {
	var missing []string
	seen := map[string]bool{}
	for _, id := range ids {
		if _, ok := a.links[id]; !ok && !seen[id] {
			seen[id] = true
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if a.budget >= 0 {
		if len(missing) > a.budget {
			return errBudget
		}
		a.budget -= len(missing)
	}
	m, err := a.src.Adjacency(ctx, missing, a.query(-1, nil, false))
	if err != nil {
		return err
	}
	for _, id := range missing {
		ls := m[id].Links
		if ls == nil {
			ls = []graph.Link{}
		}
		a.links[id] = ls
	}
	return nil
}

func edgeOf(l graph.Link) Edge {
	return Edge{Relation: l.Relation, From: l.From, To: l.To, FromKind: l.FromKind, ToKind: l.ToKind}
}

func kindAt(l graph.Link, id string) graph.Kind {
	if l.From == id {
		return l.FromKind
	}
	return l.ToKind
}
