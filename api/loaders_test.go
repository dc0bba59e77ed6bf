package api_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
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
	pages []graph.Page // every ListDocuments page asked for
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
	c.mu.Lock()
	c.pages = append(c.pages, p)
	c.mu.Unlock()
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

func (c *countingStore) Carnets() graph.CarnetOps {
	return countingGroups[graph.Carnet, graph.CarnetUpdate]{c.Store.Carnets(), c, "Carnets"}
}

func (c *countingStore) Communities() graph.CommunityOps {
	return countingGroups[graph.Community, graph.GroupUpdate]{c.Store.Communities(), c, "Communities"}
}

func (c *countingStore) KnowledgeBases() graph.KnowledgeBaseOps {
	return countingGroups[graph.KnowledgeBase, graph.GroupUpdate]{c.Store.KnowledgeBases(), c, "KnowledgeBases"}
}

// countingGroups counts the GetMany calls of one kind of group as name.
type countingGroups[G, U any] struct {
	graph.GroupOps[G, U]
	c    *countingStore
	name string
}

func (g countingGroups[G, U]) GetMany(ctx context.Context, ids []string) ([]*G, error) {
	g.c.count(g.name)
	return g.GroupOps.GetMany(ctx, ids)
}

func (c *countingStore) Links(ctx context.Context, ids []string, rel graph.Relation, dir graph.Direction) (map[string][]graph.Link, error) {
	c.count("Links")
	return c.Store.Links(ctx, ids, rel, dir)
}

func (c *countingStore) LinksOf(ctx context.Context, sel []graph.LinkSelection) ([][]graph.Link, error) {
	c.count("LinksOf")
	return c.Store.LinksOf(ctx, sel)
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

	for _, tc := range []struct{ name, token, query, list string }{
		{"anonymous", "", `{ notes(first: 50) { totalCount edges { node { id title authors { name } backlinks(first: 3) { totalCount } } } } }`, "notes"},
		{"signed in", token, `{ notes(first: 50) { totalCount edges { node { id title authors { name } backlinks(first: 3) { totalCount } } } } }`, "notes"},
		{"through fragments", "", `{ documents(first: 50, filter: {kinds: [NOTE]}) { totalCount edges { node { ...f } } } }
fragment f on Document { id title ... on Note { authors { name } backlinks(first: 3) { totalCount } } }`, "documents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counter.reset()
			r := e.query(tc.token, tc.query, nil).ok()
			calls := counter.reset()
			delete(calls, "TokenByHash")

			edges := r.list(tc.list + ".edges")
			if len(edges) != 50 {
				t.Fatalf("%d edges, want 50", len(edges))
			}
			for i := range edges {
				p := fmt.Sprintf("%s.edges.%d.node.", tc.list, i)
				if len(r.list(p+"authors")) != 2 {
					t.Errorf("%s: %d authors, want 2", r.str(p+"title"), len(r.list(p+"authors")))
				}
				var n int
				fmt.Sscanf(r.str(p+"title"), "Note %d", &n)
				if got := r.num(p + "backlinks.totalCount"); got != n%4 {
					t.Errorf("%s: %d backlinks, want %d", r.str(p+"title"), got, n%4)
				}
			}

			// One call per level, however busy the machine: the list, the
			// links of both relations (LinksOf, read ahead by the list
			// resolver rather than gathered by the loaders' window, which
			// a loaded machine splits), and the authors: 3 round trips to
			// a remote store, not one per note nor per relation.
			t.Logf("store calls for 50 notes: %v (total %d)", calls, total(calls))
			want := map[string]int{"ListDocuments": 1, "LinksOf": 1, "Contributors": 1}
			if !maps.Equal(calls, want) {
				t.Errorf("store calls for a page of 50 notes with authors and backlinks: %v, want %v", calls, want)
			}
		})
	}
}

// A list whose query selects no totalCount (nor, after a cursor,
// pageInfo.hasPreviousPage) is asked for without its count
// (graph.Page.NoTotal), and pages through the same notes as with it.
func TestListsCountOnlyWhenAsked(t *testing.T) {
	counter := &countingStore{calls: map[string]int{}}
	e := newEnvWith(t, envOptions{wrap: func(s graph.Store) graph.Store {
		counter.Store = s
		return counter
	}})
	e.contributor("c", "Contributor")
	for i := range 7 {
		e.doc(graph.Document{ID: fmt.Sprintf("n%d", i), Title: fmt.Sprintf("Note %d", i)}, "c")
	}
	e.doc(graph.Document{ID: "secret", Title: "Secret", Visibility: graph.VisibilityPrivate}, "c")
	walk := func(fields string) (ids []string, noTotal []bool) {
		after := ""
		for range 10 {
			counter.mu.Lock()
			counter.pages = nil
			counter.mu.Unlock()
			r := e.query("", `query($after: String) { notes(first: 3, after: $after) { `+fields+` edges { node { id } } } }`,
				map[string]any{"after": optional(after)}).ok()
			for i := range r.list("notes.edges") {
				ids = append(ids, r.str(fmt.Sprintf("notes.edges.%d.node.id", i)))
			}
			counter.mu.Lock()
			for _, p := range counter.pages {
				noTotal = append(noTotal, p.NoTotal)
			}
			counter.mu.Unlock()
			if r.get("notes.pageInfo.hasNextPage") != true {
				return ids, noTotal
			}
			after = r.str("notes.pageInfo.endCursor")
		}
		t.Fatalf("%s: more than 10 pages of 3 for 7 notes", fields)
		return nil, nil
	}
	counted, flags := walk("totalCount pageInfo { hasNextPage endCursor }")
	if len(counted) != 7 || slices.Contains(flags, true) {
		t.Fatalf("with totalCount: %q, NoTotal %v; want 7 notes, each page counted", counted, flags)
	}
	uncounted, flags := walk("pageInfo { hasNextPage endCursor }")
	if !slices.Equal(uncounted, counted) || slices.Contains(flags, false) || len(flags) != 3 {
		t.Errorf("without totalCount: %q, NoTotal %v; want %q in 3 pages, none counted", uncounted, flags, counted)
	}
	// hasPreviousPage after a cursor needs the count; before one, it is false.
	_, flags = walk("pageInfo { hasNextPage hasPreviousPage endCursor }")
	if !slices.Equal(flags, []bool{true, false, false}) {
		t.Errorf("with hasPreviousPage: NoTotal %v, want [true false false]", flags)
	}
}

func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}
