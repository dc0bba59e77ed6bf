package api_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/encommun/maillage/graph"
)

// countingStore is the real store with its reads counted: it embeds the
// embedded store and only counts before passing each call through.
type countingStore struct {
	graph.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingStore) count(name string) {
	c.mu.Lock()
	c.calls[name]++
	c.mu.Unlock()
}

func (c *countingStore) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = map[string]int{}
	return out
}

func (c *countingStore) Document(ctx context.Context, id string) (*graph.Document, error) {
	c.count("Document")
	return c.Store.Document(ctx, id)
}

func (c *countingStore) Documents(ctx context.Context, ids []string) ([]*graph.Document, error) {
	c.count("Documents")
	return c.Store.Documents(ctx, ids)
}

func (c *countingStore) ListDocuments(ctx context.Context, f graph.DocumentFilter, o graph.DocumentOrder, p graph.Page) (*graph.Connection[*graph.Document], error) {
	c.count("ListDocuments")
	return c.Store.ListDocuments(ctx, f, o, p)
}

func (c *countingStore) Contributor(ctx context.Context, id string) (*graph.Contributor, error) {
	c.count("Contributor")
	return c.Store.Contributor(ctx, id)
}

func (c *countingStore) Contributors(ctx context.Context, ids []string) ([]*graph.Contributor, error) {
	c.count("Contributors")
	return c.Store.Contributors(ctx, ids)
}

func (c *countingStore) Carnets(ctx context.Context, ids []string) ([]*graph.Carnet, error) {
	c.count("Carnets")
	return c.Store.Carnets(ctx, ids)
}

func (c *countingStore) Communities(ctx context.Context, ids []string) ([]*graph.Community, error) {
	c.count("Communities")
	return c.Store.Communities(ctx, ids)
}

func (c *countingStore) KnowledgeBases(ctx context.Context, ids []string) ([]*graph.KnowledgeBase, error) {
	c.count("KnowledgeBases")
	return c.Store.KnowledgeBases(ctx, ids)
}

func (c *countingStore) Links(ctx context.Context, ids []string, rel graph.Relation, dir graph.Direction) (map[string][]graph.Link, error) {
	c.count("Links")
	return c.Store.Links(ctx, ids, rel, dir)
}

func (c *countingStore) Neighbours(ctx context.Context, id string, rel graph.Relation, dir graph.Direction, p graph.Page) (*graph.Connection[graph.Link], error) {
	c.count("Neighbours")
	return c.Store.Neighbours(ctx, id, rel, dir, p)
}

func (c *countingStore) Declarations(ctx context.Context, ids []string) (map[string][]graph.Declaration, error) {
	c.count("Declarations")
	return c.Store.Declarations(ctx, ids)
}

func (c *countingStore) TokenByHash(ctx context.Context, hash string) (*graph.Token, error) {
	c.count("TokenByHash")
	return c.Store.TokenByHash(ctx, hash)
}

func total(calls map[string]int) int {
	n := 0
	for _, v := range calls {
		n += v
	}
	return n
}

func TestNestedListsAreBatched(t *testing.T) {
	t.Parallel()
	counter := &countingStore{calls: map[string]int{}}
	e := newEnvWith(t, envOptions{wrap: func(s graph.Store) graph.Store {
		counter.Store = s
		return counter
	}})
	for i := range 5 {
		e.contributor(fmt.Sprintf("c%d", i), fmt.Sprintf("Contributor %d", i))
	}
	for i := range 60 {
		e.doc(graph.Document{ID: fmt.Sprintf("n%02d", i), Title: fmt.Sprintf("Note %02d", i)},
			fmt.Sprintf("c%d", i%5), fmt.Sprintf("c%d", (i+1)%5))
	}
	for i := range 60 {
		for j := 1; j <= i%4; j++ {
			e.link(graph.RelLinksTo, fmt.Sprintf("n%02d", (i+j)%60), fmt.Sprintf("n%02d", i))
		}
	}
	token := e.token(graph.RoleContributor, "c0")

	for _, tc := range []struct{ name, token string }{{"anonymous", ""}, {"signed in", token}} {
		t.Run(tc.name, func(t *testing.T) {
			counter.reset()
			r := e.query(tc.token, `{ notes(first: 50) { totalCount edges { node { id title authors { name } backlinks(first: 3) { totalCount } } } } }`, nil).ok()
			calls := counter.reset()
			delete(calls, "TokenByHash")

			edges := r.list("notes.edges")
			if len(edges) != 50 {
				t.Fatalf("%d edges, want 50", len(edges))
			}
			for i := range edges {
				p := fmt.Sprintf("notes.edges.%d.node.", i)
				if len(r.list(p+"authors")) != 2 {
					t.Errorf("%s: %d authors, want 2", r.str(p+"title"), len(r.list(p+"authors")))
				}
				var n int
				fmt.Sscanf(r.str(p+"title"), "Note %d", &n)
				if got := r.num(p + "backlinks.totalCount"); got != n%4 {
					t.Errorf("%s: %d backlinks, want %d", r.str(p+"title"), got, n%4)
				}
			}

			// One list call, then one batch per loader level: Links for
			// AUTHORED and LINKS_TO (one fetch, one call per relation) and
			// Contributors for the authors: 4 calls, not one per note. A
			// batch closes when no key came for loaderQuiet, so a loaded
			// machine (the whole test run on two cores, or -race) that
			// leaves the notes' goroutines waiting may split one in a few;
			// the bound allows for that and stays far below the ~150
			// calls of unbatched loads (two Links and one Contributors per
			// note).
			t.Logf("store calls for 50 notes: %v (total %d)", calls, total(calls))
			if calls["ListDocuments"] != 1 {
				t.Errorf("ListDocuments called %d times", calls["ListDocuments"])
			}
			if calls["Document"]+calls["Contributor"]+calls["Neighbours"] != 0 {
				t.Errorf("single-object reads in a list: %v", calls)
			}
			if total(calls) > 20 {
				t.Errorf("%d store calls for a page of 50 notes (%v): nested fields are not batched", total(calls), calls)
			}
		})
	}
}
