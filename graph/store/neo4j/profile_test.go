package neo4j

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/explore"
	"github.com/encommun/maillage/graph/format/dump"
)

// statementLog counts the statements run while it is installed, and sums
// their database hits per statement (see profiler).
type statementLog struct {
	mu    sync.Mutex
	count map[string]int
	hits  map[string]int64
}

// profile runs fn with every statement PROFILEd and returns what ran.
func profile(fn func()) *statementLog {
	l := &statementLog{count: map[string]int{}, hits: map[string]int64{}}
	f := func(name string, hits int64) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.count[name]++
		l.hits[name] += hits
	}
	profiler.Store(&f)
	defer profiler.Store(nil)
	fn()
	return l
}

func (l *statementLog) statements() (n int) {
	for _, c := range l.count {
		n += c
	}
	return n
}

func (l *statementLog) dbHits() (n int64) {
	for _, h := range l.hits {
		n += h
	}
	return n
}

// String is the statements per run and db hits per run, of runs runs.
func (l *statementLog) per(runs int) string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(l.count)) {
		parts = append(parts, fmt.Sprintf("%s ×%.1f (%d hits)", name, float64(l.count[name])/float64(runs), l.hits[name]/int64(runs)))
	}
	return fmt.Sprintf("%.1f statements, %d db hits per run: %s", float64(l.statements())/float64(runs), l.dbHits()/int64(runs), strings.Join(parts, ", "))
}

// genericSource hides the store's optional NeighbourhoodWalker: the walk
// level by level, as before it.
type genericSource struct{ graph.Store }

// TestProfileReadShapes quotes the database hits and the statements of
// the read shapes of issue #14 on a generated graph: set
// MAILLAGE_TEST_NEO4J_PROFILE_NOTES to its size (20000 for the figures of
// the issue). It measures, it checks nothing: db hits do not depend on the
// machine's load, where times do.
func TestProfileReadShapes(t *testing.T) {
	notes, _ := strconv.Atoi(os.Getenv("MAILLAGE_TEST_NEO4J_PROFILE_NOTES"))
	if notes <= 0 {
		t.Skip("set MAILLAGE_TEST_NEO4J_PROFILE_NOTES to profile the read shapes")
	}
	s := openEmpty(t, testConfig(t))
	sys := graph.SystemContext(t.Context())
	file := filepath.Join(t.TempDir(), "corpus.jsonl")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dump.Generate(f, dump.GenerateOptions{Notes: notes, Links: 3 * notes, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if f, err = os.Open(file); err != nil {
		t.Fatal(err)
	}
	if _, err := dump.Restore(sys, s, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var ids []string
	for after := ""; len(ids) < 20; {
		docs, err := s.ScanDocuments(sys, after, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Kind == graph.KindNote && d.Visibility == graph.VisibilityPublic && !d.Hidden && len(ids) < 20 {
				ids = append(ids, d.ID)
			}
		}
		if len(docs) < 500 {
			break
		}
		after = docs[len(docs)-1].ID
	}
	anon := context.Background()
	runs := len(ids)
	walk := func(src explore.Source) {
		for _, id := range ids {
			if _, err := explore.Neighbourhood(anon, src, explore.Endpoint{Kind: graph.KindNote, ID: id}, explore.NeighbourhoodOptions{Depth: 2}); err != nil {
				t.Fatal(err)
			}
		}
	}
	walk(genericSource{s}) // plans made before they are profiled
	walk(s)
	t.Logf("neighbourhood depth 2, level by level: %s", profile(func() { walk(genericSource{s}) }).per(runs))
	t.Logf("neighbourhood depth 2, one statement:  %s", profile(func() { walk(s) }).per(runs))

	page := func(ctx context.Context) {
		for range runs {
			if _, err := s.ListDocuments(ctx, graph.DocumentFilter{Kinds: []graph.Kind{graph.KindNote}},
				graph.DocumentOrder{Field: graph.OrderCreatedAt, Desc: true}, graph.Page{First: 40}); err != nil {
				t.Fatal(err)
			}
		}
	}
	contributor := graph.WithViewer(anon, graph.Viewer{Role: graph.RoleContributor, ContributorID: "nobody"})
	page(anon)
	page(contributor)
	t.Logf("ListDocuments 40 notes, anonymous:   %s", profile(func() { page(anon) }).per(runs))
	t.Logf("ListDocuments 40 notes, contributor: %s", profile(func() { page(contributor) }).per(runs))

	srv := httptest.NewServer(api.NewHandler(api.Config{Store: s, Logger: slog.New(slog.DiscardHandler), Limits: api.Limits{RatePerIP: -1, RatePerToken: -1}}))
	defer srv.Close()
	post := func(query string, vars map[string]any) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Errors []json.RawMessage `json:"errors"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
			t.Fatalf("%v %s", err, r.Errors)
		}
	}
	shapes := []struct {
		name, query string
		vars        func(id string) map[string]any
	}{
		{"node(id)", `query($id: ID!) { node(id: $id) { id ... on Note { title } } }`,
			func(id string) map[string]any { return map[string]any{"id": api.GlobalID(graph.KindNote, id)} }},
		{"40-note page, authors, backlink counts", `{ notes(first: 40, orderBy: {field: CREATED_AT, direction: DESC}) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id title authors { id name } backlinks(first: 1) { totalCount } } } } }`, nil},
		{"neighbourhood depth 2", `query($id: ID!) { neighbourhood(id: $id, depth: 2) { nodes { id kind label degree } edges { relation from to } truncated } }`,
			func(id string) map[string]any { return map[string]any{"id": api.GlobalID(graph.KindNote, id)} }},
	}
	for _, sh := range shapes {
		run := func() {
			for _, id := range ids {
				var vars map[string]any
				if sh.vars != nil {
					vars = sh.vars(id)
				}
				post(sh.query, vars)
			}
		}
		run()
		t.Logf("GraphQL %s: %s", sh.name, profile(run).per(runs))
	}
}
