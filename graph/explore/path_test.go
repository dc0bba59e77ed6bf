package explore_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/explore"
)

func TestPath(t *testing.T) {
	t.Parallel()
	testPath(t, openEmbedded)
}

func testPath(t *testing.T, open opener) {
	s := smallWorld(t, open)
	// Anonymous: n1 → n4 along the chain; n5 only through priv.
	sg, err := explore.Path(anon, s, noteEP("n1"), noteEP("n4"), explore.PathOptions{})
	ok(t, err)
	if sg == nil || !slices.Equal(ids(sg), []string{"n1", "n2", "n3", "n4"}) {
		t.Fatalf("path n1→n4: %+v", sg)
	}
	for i, e := range sg.Edges {
		a, b := sg.Nodes[i].ID, sg.Nodes[i+1].ID
		if !(e.From == a && e.To == b) && !(e.From == b && e.To == a) {
			t.Errorf("edge %d %+v does not join %s and %s", i, e, a, b)
		}
	}
	if sg.Nodes[0].Kind != graph.KindNote || sg.Nodes[0].Degree != 2 {
		t.Errorf("first node %+v: want a Note of degree 2", sg.Nodes[0])
	}
	// Against the direction of the links too.
	back, err := explore.Path(anon, s, noteEP("n4"), noteEP("n1"), explore.PathOptions{})
	ok(t, err)
	if back == nil || !slices.Equal(ids(back), []string{"n4", "n3", "n2", "n1"}) {
		t.Errorf("path n4→n1: %+v", back)
	}
	// Too short a maxDepth: no path.
	if sg, err := explore.Path(anon, s, noteEP("n1"), noteEP("n4"), explore.PathOptions{MaxDepth: 2}); err != nil || sg != nil {
		t.Errorf("n1→n4 within 2: %+v, %v; want none", sg, err)
	}
	// Through a term, between kinds.
	sg, err = explore.Path(anon, s, noteEP("n6"), noteEP("n2"), explore.PathOptions{})
	ok(t, err)
	if sg == nil || !slices.Equal(ids(sg), []string{"n6", "t", "n1", "n2"}) || sg.Nodes[1].Kind != graph.KindTerm {
		t.Errorf("n6→n2: %+v", sg)
	}
	if sg, _ := explore.Path(anon, s, noteEP("n6"), noteEP("n2"), explore.PathOptions{Relations: []graph.Relation{graph.RelLinksTo}}); sg != nil {
		t.Errorf("n6→n2 by LINKS_TO only: %+v, want none", sg)
	}
	// Same node: a path of no link.
	if sg, err := explore.Path(anon, s, noteEP("n3"), noteEP("n3"), explore.PathOptions{}); err != nil || sg == nil || len(sg.Nodes) != 1 || len(sg.Edges) != 0 {
		t.Errorf("n3→n3: %+v, %v", sg, err)
	}
}

func TestPathPrivacy(t *testing.T) {
	t.Parallel()
	testPathPrivacy(t, openEmbedded)
}

func testPathPrivacy(t *testing.T, open opener) {
	s := smallWorld(t, open)
	// n5 is reachable only through priv: not for anonymous readers or an
	// outsider, and exactly like a missing node.
	for _, who := range []string{"", "x"} {
		ctx := anon
		if who != "" {
			ctx = asC(who)
		}
		for _, to := range []string{"n5", "priv", "nope"} {
			sg, err := explore.Path(ctx, s, noteEP("n1"), noteEP(to), explore.PathOptions{})
			if err != nil || sg != nil {
				t.Errorf("viewer %q: n1→%s: %+v, %v; want no path and no error", who, to, sg, err)
			}
			ps, err := explore.Paths(ctx, s, noteEP(to), noteEP("n1"), explore.PathOptions{First: 5})
			if err != nil || len(ps) != 0 {
				t.Errorf("viewer %q: paths %s→n1: %d, %v; want none", who, to, len(ps), err)
			}
		}
	}
	sg, err := explore.Path(asC("a"), s, noteEP("n1"), noteEP("n5"), explore.PathOptions{})
	ok(t, err)
	if sg == nil || !slices.Equal(ids(sg), []string{"n1", "priv", "n5"}) {
		t.Errorf("author: n1→n5: %+v", sg)
	}
	// The degree of n1 on the author's path counts priv; anonymous paths
	// never do.
	if d := degreeOf(sg, "n1"); d != 3 {
		t.Errorf("author: degree of n1 %d, want 3", d)
	}
	anonPath, err := explore.Path(anon, s, noteEP("n1"), noteEP("n2"), explore.PathOptions{})
	ok(t, err)
	if d := degreeOf(anonPath, "n1"); d != 2 {
		t.Errorf("anonymous: degree of n1 %d, want 2 (priv hidden)", d)
	}
}

func TestPathBadInput(t *testing.T) {
	t.Parallel()
	testPathBadInput(t, openEmbedded)
}

func testPathBadInput(t *testing.T, open opener) {
	s := smallWorld(t, open)
	for _, c := range []struct {
		from, to explore.Endpoint
		o        explore.PathOptions
	}{
		{noteEP("n1"), noteEP("n2"), explore.PathOptions{MaxDepth: explore.MaxPathDepth + 1}},
		{noteEP("n1"), noteEP("n2"), explore.PathOptions{MaxDepth: -1}},
		{noteEP("n1"), noteEP("n2"), explore.PathOptions{First: explore.MaxPaths + 1}},
		{noteEP("n1"), noteEP("n2"), explore.PathOptions{Relations: []graph.Relation{"NOPE"}}},
		{ep(graph.KindCommunity, "c"), noteEP("n2"), explore.PathOptions{}},
		{noteEP("n1"), ep(graph.KindKnowledgeBase, "b"), explore.PathOptions{}},
	} {
		_, err := explore.Paths(anon, s, c.from, c.to, c.o)
		wantCode(t, err, graph.EINVALID, fmt.Sprintf("%+v", c))
	}
	if s.calls.Load() != 0 {
		t.Errorf("bad input reached the store's adjacency %d times", s.calls.Load())
	}
}

// TestPathsAgainstBruteForce builds random graphs with hidden notes and
// checks, for several viewers, that Paths returns the k shortest simple
// paths a brute-force enumeration over the readable graph finds: same
// lengths, each path real, loopless and distinct.
func TestPathsAgainstBruteForce(t *testing.T) {
	t.Parallel()
	multi := 0 // queries with several paths: the test must exercise Yen's algorithm
	defer func() {
		if multi < 10 {
			t.Errorf("only %d queries had several paths: the random graphs are too sparse to test anything", multi)
		}
	}()
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			s := openEmbedded(t)
			snap := graph.Snapshot{Contributors: []graph.Contributor{{ID: "a", Name: "A"}}}
			const n = 14
			private := map[string]bool{}
			for i := range n {
				d := note(fmt.Sprintf("n%02d", i))
				if r.IntN(5) == 0 {
					d.Visibility = graph.VisibilityPrivate
					private[d.ID] = true
					snap.Links = append(snap.Links, graph.Link{Relation: graph.RelAuthored, From: "a", To: d.ID})
				}
				snap.Documents = append(snap.Documents, d)
			}
			type pairKey struct{ a, b string }
			seen := map[pairKey]bool{}
			for range 26 {
				a, b := fmt.Sprintf("n%02d", r.IntN(n)), fmt.Sprintf("n%02d", r.IntN(n))
				if a == b || seen[pairKey{a, b}] {
					continue
				}
				seen[pairKey{a, b}] = true
				snap.Links = append(snap.Links, linksTo(a, b))
			}
			restore(t, s, snap)
			for _, viewer := range []string{"", "a"} {
				ctx := anon
				if viewer != "" {
					ctx = asC(viewer)
				}
				readable := func(id string) bool { return viewer == "a" || !private[id] }
				adj := map[string][]string{}
				for _, l := range snap.Links {
					if l.Relation == graph.RelLinksTo && readable(l.From) && readable(l.To) {
						adj[l.From] = append(adj[l.From], l.To)
						adj[l.To] = append(adj[l.To], l.From)
					}
				}
				for range 8 {
					from, to := fmt.Sprintf("n%02d", r.IntN(n)), fmt.Sprintf("n%02d", r.IntN(n))
					maxDepth := 1 + r.IntN(explore.MaxPathDepth)
					k := 1 + r.IntN(explore.MaxPaths)
					got, err := explore.Paths(ctx, s, noteEP(from), noteEP(to), explore.PathOptions{
						MaxDepth: maxDepth, First: k, Relations: []graph.Relation{graph.RelLinksTo}})
					ok(t, err)
					var want []int
					if readable(from) && readable(to) {
						want = simplePathLengths(adj, from, to, maxDepth)
					}
					want = want[:min(k, len(want))]
					if len(want) > 1 {
						multi++
					}
					var lengths []int
					keys := map[string]bool{}
					for _, sg := range got {
						lengths = append(lengths, len(sg.Edges))
						checkPath(t, sg, from, to, adj)
						keys[strings.Join(ids(sg), " ")] = true
					}
					if !slices.Equal(lengths, want) {
						t.Errorf("viewer %q %s→%s maxDepth %d k %d: lengths %v, want %v", viewer, from, to, maxDepth, k, lengths, want)
					}
					if len(keys) != len(got) {
						t.Errorf("viewer %q %s→%s: a path is returned twice", viewer, from, to)
					}
					one, err := explore.Path(ctx, s, noteEP(from), noteEP(to), explore.PathOptions{MaxDepth: maxDepth, Relations: []graph.Relation{graph.RelLinksTo}})
					ok(t, err)
					if (one == nil) != (len(want) == 0) || (one != nil && len(one.Edges) != want[0]) {
						t.Errorf("viewer %q %s→%s: Path %+v, shortest length %v", viewer, from, to, one, want)
					}
				}
			}
		})
	}
}

// simplePathLengths enumerates every simple path and returns their
// lengths, sorted.
func simplePathLengths(adj map[string][]string, from, to string, maxDepth int) []int {
	var out []int
	on := map[string]bool{from: true}
	var walk func(at string, depth int)
	walk = func(at string, depth int) {
		if at == to {
			out = append(out, depth)
			return
		}
		if depth == maxDepth {
			return
		}
		// Parallel links (a→b and b→a) are one step between two nodes.
		next := slices.Compact(slices.Sorted(slices.Values(adj[at])))
		for _, v := range next {
			if !on[v] {
				on[v] = true
				walk(v, depth+1)
				on[v] = false
			}
		}
	}
	walk(from, 0)
	slices.SortFunc(out, cmp.Compare)
	return out
}

func checkPath(t *testing.T, sg *explore.Subgraph, from, to string, adj map[string][]string) {
	t.Helper()
	got := ids(sg)
	if got[0] != from || got[len(got)-1] != to || len(sg.Edges) != len(got)-1 {
		t.Errorf("path %v (%d edges) does not run from %s to %s", got, len(sg.Edges), from, to)
		return
	}
	if len(slices.Compact(slices.Sorted(slices.Values(got)))) != len(got) {
		t.Errorf("path %v has a loop", got)
	}
	for i, e := range sg.Edges {
		a, b := got[i], got[i+1]
		if !((e.From == a && e.To == b) || (e.From == b && e.To == a)) || !slices.Contains(adj[a], b) {
			t.Errorf("path %v: edge %d %+v is not a readable link between %s and %s", got, i, e, a, b)
		}
	}
}

// TestPathBetweenHubsIsCheap: two hubs of 5 000 spokes each. A shortest
// path from a spoke of one to a spoke of the other through a link between
// the hubs is found without reading either hub's links: the search joins
// its frontiers pair by pair around them. A private note joining the hubs
// is crossed only by whoever may read it, and is no hub's degree for
// anyone else.
func TestPathBetweenHubsIsCheap(t *testing.T) {
	t.Parallel()
	const spokes = 5_000
	s := &counting{Store: openEmbedded(t)}
	snap := graph.Snapshot{
		Contributors: []graph.Contributor{{ID: "a", Name: "A"}},
		Documents: []graph.Document{note("h1"), note("h2"),
			{ID: "secret", Kind: graph.KindNote, Visibility: graph.VisibilityPrivate}},
		Links: []graph.Link{linksTo("h1", "secret"), linksTo("secret", "h2"),
			{Relation: graph.RelAuthored, From: "a", To: "secret"}},
	}
	for i := range spokes {
		for _, h := range []string{"h1", "h2"} {
			id := fmt.Sprintf("%s-s%04d", h, i)
			snap.Documents = append(snap.Documents, note(id))
			snap.Links = append(snap.Links, linksTo(id, h))
		}
	}
	restore(t, s.Store, snap)
	from, to := noteEP("h1-s0042"), noteEP("h2-s4242")

	// Only the author may cross secret, the one way between the hubs.
	sg, err := explore.Path(asC("a"), s, from, to, explore.PathOptions{})
	ok(t, err)
	if want := []string{"h1-s0042", "h1", "secret", "h2", "h2-s4242"}; sg == nil || !slices.Equal(ids(sg), want) {
		t.Fatalf("author: %+v, want %v", sg, want)
	}
	if d := degreeOf(sg, "h1"); d != spokes+1 {
		t.Errorf("author: degree of h1 %d, want %d (its spokes and secret)", d, spokes+1)
	}
	for _, who := range []string{"", "x"} {
		ctx := anon
		if who != "" {
			ctx = asC(who)
		}
		sg, err := explore.Path(ctx, s, from, to, explore.PathOptions{})
		if err != nil || sg != nil {
			t.Errorf("viewer %q: %+v, %v; want no path through the private note", who, sg, err)
		}
	}

	// A link between the hubs: everyone gets the shorter path, and no hub
	// is read.
	_, err = s.Link(sys, linksTo("h1", "h2"))
	ok(t, err)
	for _, who := range []string{"", "a"} {
		ctx := anon
		if who != "" {
			ctx = asC(who)
		}
		s.reset()
		sg, err = explore.Path(ctx, s, from, to, explore.PathOptions{})
		ok(t, err)
		if want := []string{"h1-s0042", "h1", "h2", "h2-s4242"}; sg == nil || !slices.Equal(ids(sg), want) {
			t.Fatalf("viewer %q: %+v, want %v", who, sg, want)
		}
		if n := s.links.Load(); n > 20 {
			t.Errorf("viewer %q: the store returned %d links for a path across two hubs: a hub was read whole", who, n)
		}
		want := spokes + 1 // its spokes and h2
		if who == "a" {
			want++ // and secret
		}
		if d := degreeOf(sg, "h1"); d != want {
			t.Errorf("viewer %q: degree of h1 %d, want %d", who, d, want)
		}
	}
}
