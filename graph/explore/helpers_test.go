package explore_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/explore"
	"github.com/encommun/maillage/graph/store/embedded"
)

// opener makes the store a test walks: a real embedded store in a
// temporary directory (openEmbedded), or a real Neo4j (TestOnNeo4j). It is
// passed, not a package variable, so that the tests can run in parallel.
type opener func(t testing.TB) graph.Store

func openEmbedded(t testing.TB) graph.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// counting is the real store with its Adjacency calls counted: how the
// tests see that a walk stays bounded.
type counting struct {
	graph.Store
	calls, ids, links atomic.Int64
}

func (c *counting) Adjacency(ctx context.Context, ids []string, q graph.AdjacencyQuery) (map[string]graph.Adjacent, error) {
	c.calls.Add(1)
	c.ids.Add(int64(len(ids)))
	m, err := c.Store.Adjacency(ctx, ids, q)
	for _, a := range m {
		c.links.Add(int64(len(a.Links)))
	}
	return m, err
}

func (c *counting) reset() { c.calls.Store(0); c.ids.Store(0); c.links.Store(0) }

var (
	sys  = graph.SystemContext(context.Background())
	anon = context.Background()
)

func asC(id string) context.Context {
	return graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: id})
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code, what string) {
	t.Helper()
	if got := graph.ErrorCode(err); got != code {
		t.Errorf("%s: got %s (%v), want %s", what, got, err, code)
	}
}

// restore writes a whole graph in one transaction through the store's
// Restorer: tens of thousands of synced single writes would measure the
// disk, not the walk.
func restore(t testing.TB, s graph.Store, snap graph.Snapshot) {
	t.Helper()
	r, isRestorer := s.(graph.Restorer)
	if !isRestorer {
		t.Fatalf("%T cannot restore a snapshot", s)
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range snap.Contributors {
		c := &snap.Contributors[i]
		c.Version, c.CreatedAt, c.UpdatedAt = 1, at, at
	}
	for i := range snap.Carnets {
		c := &snap.Carnets[i]
		c.Version, c.CreatedAt, c.UpdatedAt = 1, at, at
	}
	for i := range snap.Communities {
		c := &snap.Communities[i]
		c.Version, c.CreatedAt, c.UpdatedAt = 1, at, at
	}
	for i := range snap.Documents {
		d := &snap.Documents[i]
		d.Version, d.UpdatedAt = 1, at
		d.CreatedAt = at.Add(time.Duration(i) * time.Millisecond)
		if d.Kind == "" {
			d.Kind = graph.KindNote
		}
		if d.Title == "" {
			d.Title = "Note " + d.ID
		}
		if d.Visibility == "" {
			d.Visibility = graph.VisibilityPublic
		}
	}
	for i := range snap.Links {
		snap.Links[i].CreatedAt = at.Add(time.Duration(i) * time.Microsecond)
	}
	ok(t, r.Restore(sys, snap))
}

func note(id string) graph.Document { return graph.Document{ID: id, Kind: graph.KindNote} }

func linksTo(from, to string) graph.Link {
	return graph.Link{Relation: graph.RelLinksTo, From: from, To: to}
}

func ids(sg *explore.Subgraph) []string {
	out := make([]string, len(sg.Nodes))
	for i, n := range sg.Nodes {
		out[i] = n.ID
	}
	return out
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

func degreeOf(sg *explore.Subgraph, id string) int {
	for _, n := range sg.Nodes {
		if n.ID == id {
			return n.Degree
		}
	}
	return -1
}

func edgeKeys(sg *explore.Subgraph) []string {
	out := make([]string, len(sg.Edges))
	for i, e := range sg.Edges {
		out[i] = fmt.Sprintf("%s %s->%s", e.Relation, e.From, e.To)
	}
	slices.Sort(out)
	return out
}

func ep(kind graph.Kind, id string) explore.Endpoint { return explore.Endpoint{Kind: kind, ID: id} }

func noteEP(id string) explore.Endpoint { return ep(graph.KindNote, id) }
