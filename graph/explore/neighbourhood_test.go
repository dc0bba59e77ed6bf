package explore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/explore"
)

// smallWorld: a chain n1→n2→n3→n4, n1 mentions term t, which n6 mentions
// too, and n1 links to priv (PRIVATE by contributor a), the only way to
// n5.
func smallWorld(t *testing.T, open opener) *counting {
	s := &counting{Store: open(t)}
	restore(t, s.Store, graph.Snapshot{
		Contributors: []graph.Contributor{{ID: "a", Name: "A"}, {ID: "x", Name: "X"}},
		Documents: []graph.Document{note("n1"), note("n2"), note("n3"), note("n4"), note("n5"), note("n6"),
			{ID: "priv", Kind: graph.KindNote, Visibility: graph.VisibilityPrivate},
			{ID: "t", Kind: graph.KindTerm, Title: "Maillage"}},
		Links: []graph.Link{
			linksTo("n1", "n2"), linksTo("n2", "n3"), linksTo("n3", "n4"), linksTo("n1", "priv"), linksTo("priv", "n5"),
			{Relation: graph.RelMentions, From: "n1", To: "t"}, {Relation: graph.RelMentions, From: "n6", To: "t"},
			{Relation: graph.RelAuthored, From: "a", To: "priv"},
		},
	})
	return s
}

func TestNeighbourhood(t *testing.T) {
	t.Parallel()
	testNeighbourhood(t, openEmbedded)
}

func testNeighbourhood(t *testing.T, open opener) {
	s := smallWorld(t, open)
	cases := []struct {
		name    string
		ctxOf   string // "" anonymous, else a contributor
		depth   int
		rels    []graph.Relation
		want    []string
		degrees map[string]int
	}{
		{"anonymous depth 1", "", 1, nil, []string{"n1", "n2", "t"}, map[string]int{"n1": 2, "n2": 2, "t": 2}},
		{"anonymous depth 2", "", 2, nil, []string{"n1", "n2", "t", "n3", "n6"}, map[string]int{"n3": 2, "n6": 1}},
		{"anonymous depth 3", "", 3, nil, []string{"n1", "n2", "t", "n3", "n6", "n4"}, map[string]int{"n4": 1}},
		{"author depth 2", "a", 2, nil, []string{"n1", "n2", "priv", "t", "n3", "n5", "a", "n6"}, map[string]int{"n1": 3, "priv": 3}},
		{"outsider like anonymous", "x", 2, nil, []string{"n1", "n2", "t", "n3", "n6"}, map[string]int{"n1": 2}},
		{"links only", "", 2, []graph.Relation{graph.RelLinksTo}, []string{"n1", "n2", "n3"}, map[string]int{"n1": 1, "n3": 2}},
		{"two relations", "", 2, []graph.Relation{graph.RelLinksTo, graph.RelMentions}, []string{"n1", "n2", "t", "n3", "n6"}, map[string]int{"n1": 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := anon
			if c.ctxOf != "" {
				ctx = asC(c.ctxOf)
			}
			sg, err := explore.Neighbourhood(ctx, s, noteEP("n1"), explore.NeighbourhoodOptions{Depth: c.depth, Relations: c.rels})
			ok(t, err)
			if got := ids(sg); !slices.Equal(got, c.want) {
				t.Errorf("nodes %v, want %v (breadth first, root first)", got, c.want)
			}
			if sg.Truncated {
				t.Error("truncated, though under the cap")
			}
			for id, d := range c.degrees {
				if got := degreeOf(sg, id); got != d {
					t.Errorf("degree of %s: %d, want %d", id, got, d)
				}
			}
			// Every edge joins two returned nodes, and every link among
			// returned nodes is an edge.
			in := map[string]bool{}
			for _, id := range ids(sg) {
				in[id] = true
			}
			for _, e := range sg.Edges {
				if !in[e.From] || !in[e.To] {
					t.Errorf("edge %v leaves the subgraph", e)
				}
			}
			want := 0
			for _, l := range allLinks(t, s, ctx, ids(sg), c.rels) {
				if in[l.From] && in[l.To] {
					want++
				}
			}
			if len(sg.Edges) != want {
				t.Errorf("%d edges, want the %d links among the nodes: %v", len(sg.Edges), want, edgeKeys(sg))
			}
		})
	}
}

// allLinks is every distinct link of ids the viewer sees, of rels (all
// when empty), straight from the store.
func allLinks(t *testing.T, s graph.Store, ctx context.Context, ids []string, rels []graph.Relation) []graph.Link {
	t.Helper()
	m, err := s.Links(ctx, ids, "", graph.Both)
	ok(t, err)
	seen := map[string]bool{}
	var out []graph.Link
	for _, ls := range m {
		for _, l := range ls {
			k := fmt.Sprint(l.Relation, l.From, l.To)
			if !seen[k] && (len(rels) == 0 || slices.Contains(rels, l.Relation)) {
				seen[k] = true
				out = append(out, l)
			}
		}
	}
	return out
}

func TestNeighbourhoodHiddenRootIsNotFound(t *testing.T) {
	t.Parallel()
	testNeighbourhoodHiddenRootIsNotFound(t, openEmbedded)
}

func testNeighbourhoodHiddenRootIsNotFound(t *testing.T, open opener) {
	s := smallWorld(t, open)
	_, errHidden := explore.Neighbourhood(anon, s, noteEP("priv"), explore.NeighbourhoodOptions{})
	_, errMissing := explore.Neighbourhood(anon, s, noteEP("nope"), explore.NeighbourhoodOptions{})
	wantCode(t, errHidden, graph.ENOTFOUND, "hidden root")
	wantCode(t, errMissing, graph.ENOTFOUND, "missing root")
	if h, m := strings.ReplaceAll(graph.ErrorMessage(errHidden), "priv", "<id>"), strings.ReplaceAll(graph.ErrorMessage(errMissing), "nope", "<id>"); h != m {
		t.Errorf("hidden root says %q, missing root %q: they must not differ", h, m)
	}
	_, err := explore.Neighbourhood(anon, s, ep(graph.KindTerm, "n1"), explore.NeighbourhoodOptions{})
	wantCode(t, err, graph.ENOTFOUND, "a note's id given as a term")
	sg, err := explore.Neighbourhood(asC("a"), s, noteEP("priv"), explore.NeighbourhoodOptions{})
	ok(t, err)
	if got, want := sorted(ids(sg)), []string{"a", "n1", "n5", "priv"}; !slices.Equal(got, want) {
		t.Errorf("author's view of priv: %v, want %v", got, want)
	}
}

func TestNeighbourhoodBadInput(t *testing.T) {
	t.Parallel()
	testNeighbourhoodBadInput(t, openEmbedded)
}

func testNeighbourhoodBadInput(t *testing.T, open opener) {
	s := smallWorld(t, open)
	for _, o := range []explore.NeighbourhoodOptions{
		{Depth: explore.MaxDepth + 1}, {Depth: -1}, {First: explore.MaxNodes + 1}, {First: -1},
		{Relations: []graph.Relation{"NOPE"}}, {Relations: []graph.Relation{graph.RelLinksTo, "links_to"}},
	} {
		_, err := explore.Neighbourhood(anon, s, noteEP("n1"), o)
		wantCode(t, err, graph.EINVALID, fmt.Sprintf("%+v", o))
	}
	if s.calls.Load() != 0 {
		t.Errorf("bad input reached the store's adjacency %d times", s.calls.Load())
	}
}

func TestNeighbourhoodCap(t *testing.T) {
	t.Parallel()
	testNeighbourhoodCap(t, openEmbedded)
}

func testNeighbourhoodCap(t *testing.T, open opener) {
	s := smallWorld(t, open)
	sg, err := explore.Neighbourhood(anon, s, noteEP("n1"), explore.NeighbourhoodOptions{Depth: 3, First: 2})
	ok(t, err)
	if got, want := ids(sg), []string{"n1", "n2"}; !slices.Equal(got, want) || !sg.Truncated {
		t.Errorf("nodes %v truncated %v, want %v truncated", got, sg.Truncated, want)
	}
	if degreeOf(sg, "n1") != 2 || degreeOf(sg, "n2") != 2 {
		t.Errorf("degrees count every visible link, in the subgraph or not: %+v", sg.Nodes)
	}
	if got := edgeKeys(sg); !slices.Equal(got, []string{"LINKS_TO n1->n2"}) {
		t.Errorf("edges %v", got)
	}
}

// TestNeighbourhoodHubIsBounded: a hub with 10 000 neighbours costs a
// bounded number of store calls and nodes asked about, whatever the depth.
func TestNeighbourhoodHubIsBounded(t *testing.T) {
	t.Parallel()
	const spokes = 10_000
	s := &counting{Store: openEmbedded(t)}
	snap := graph.Snapshot{Documents: []graph.Document{note("hub"), note("far")}}
	for i := range spokes {
		id := fmt.Sprintf("s%05d", i)
		snap.Documents = append(snap.Documents, note(id))
		snap.Links = append(snap.Links, linksTo(id, "hub"))
	}
	snap.Links = append(snap.Links, linksTo("s00000", "far"))
	restore(t, s.Store, snap)

	for _, c := range []struct {
		root  string
		depth int
		first int
	}{{"hub", 1, 0}, {"hub", 3, 100}, {"s09999", 3, 50}, {"far", 3, explore.MaxNodes}} {
		s.reset()
		sg, err := explore.Neighbourhood(anon, s, noteEP(c.root), explore.NeighbourhoodOptions{Depth: c.depth, First: c.first})
		ok(t, err)
		limit := c.first
		if limit == 0 {
			limit = explore.DefaultNodes
		}
		if len(sg.Nodes) != limit || !sg.Truncated {
			t.Errorf("%+v: %d nodes, truncated %v: want the cap %d, truncated", c, len(sg.Nodes), sg.Truncated, limit)
		}
		if calls := s.calls.Load(); calls > int64(c.depth+1) {
			t.Errorf("%+v: %d Adjacency calls, want at most depth+1 = %d", c, calls, c.depth+1)
		}
		// Each kept node is asked about once to expand it and once for
		// its degree and its links among the kept nodes.
		if n := s.ids.Load(); n > int64(2*limit) {
			t.Errorf("%+v: asked the store about %d nodes, want at most twice the cap %d", c, n, limit)
		}
		// The hub's 10 000 links are never read: at most 2·cap+1 links per
		// node expanded, and the links among the kept nodes.
		if n := s.links.Load(); n > int64(limit*(2*limit+1)+2*limit) {
			t.Errorf("%+v: the store returned %d links for a cap of %d nodes", c, n, limit)
		}
		if n := s.links.Load(); c.root == "hub" && n > 4*int64(limit)+2 {
			t.Errorf("%+v: the store returned %d links around the hub, want about 4·cap", c, n)
		}
		if d := degreeOf(sg, "hub"); d != spokes {
			t.Errorf("%+v: hub degree %d, want %d", c, d, spokes)
		}
	}
}
