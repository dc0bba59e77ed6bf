package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph/store/neo4j/neo4jtest"
	"github.com/encommun/maillage/search"
)

// TestBenchSearchSmoke runs `maillage-bench search` on a small corpus
// without Neo4j: every shape has a row per engine and stream, with
// matches where the shape must match, and Neo4j's column says it did not
// run. It also checks that the cold stream's trick (an excluded word no
// document holds) leaves every query's matches as they were.
func TestBenchSearchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a corpus and two indexes")
	}
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	var out bytes.Buffer
	err := run(context.Background(), []string{"search", "--docs", "300", "--queries", "8", "--warmup", "2", "--data", data}, &out, io.Discard)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, step := range []string{"store written", "search index built"} {
		if !regexp.MustCompile(`(?m)^` + step + ` in \S+ wall, \S+ CPU, peak RSS \d+ MiB \(child process\)$`).MatchString(text) {
			t.Errorf("no %q line with its own peak RSS", step)
		}
	}
	for _, s := range searchShapes() {
		for _, engine := range []string{"maillage +no cache", "maillage +cache, cold", "maillage +cache, Zipf s=1.1 v=1", "raw Bleve +plain"} {
			row := regexp.MustCompile(`(?m)^\s*\(` + s.key + `\) [^\n]*?` + engine + `\s+\d+\s+[\d.]+\s+-\s+[\d.]+\s+[\d.]+\s+(\d+)\s*$`).FindStringSubmatch(text)
			if row == nil {
				t.Errorf("no row for (%s) %s", s.key, engine)
			} else if s.key != "b" && row[1] == "0" {
				t.Errorf("(%s) %s: no matches", s.key, engine)
			}
		}
		if !regexp.MustCompile(`(?m)\(` + s.key + `\) [^\n]*Neo4j full-text\s+not run \(no --neo4j-uri\)(\s+-){6}\s*$`).MatchString(text) {
			t.Errorf("(%s): no Neo4j row saying it did not run", s.key)
		}
	}

	ix, err := search.Open(cmdkit.IndexDir(data), search.Options{ResultCache: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	for _, s := range searchShapes() {
		for i := range 5 {
			plain, err := ix.Search(ctx, s.req(i))
			if err != nil {
				t.Fatal(err)
			}
			cold, err := ix.Search(ctx, coldRequest(s.req(i), i))
			if err != nil {
				t.Fatal(err)
			}
			if cold.TotalCount != plain.TotalCount || len(cold.Hits) != len(plain.Hits) {
				t.Errorf("(%s) %q: %d matches, %q: %d", s.key, s.req(i).Query, plain.TotalCount, coldRequest(s.req(i), i).Query, cold.TotalCount)
			}
		}
	}
	if q := coldRequest(search.Request{Query: "jardin"}, 1234).Query; q != "jardin -qzqbcde" || strings.Contains(q, "0") {
		t.Errorf("coldRequest: %q", q)
	}
}

// TestBenchSearchNeo4jPeer runs the Neo4j peer's statements on a real
// server (they are not the product's, so the Cypher lint does not see
// them): the documents written, the full-text index built, every shape
// answered with matches where it must have some; then it removes them.
func TestBenchSearchNeo4jPeer(t *testing.T) {
	srv := neo4jtest.Acquire(t)
	t.Parallel()
	ctx := context.Background()
	cfg := benchSearchConfig{docs: 300, seed: 1, queries: 6, warmup: 1, neo: cmdkit.Neo4j{URI: srv.URI, User: srv.User,
		Password: srv.Password, Database: srv.Database}}
	if cfg.neo.Database == "" {
		cfg.neo.Database = "neo4j"
	}
	docs, err := peerDocs(newBenchCorpus(cfg.docs, cfg.seed))
	if err != nil {
		t.Fatal(err)
	}
	exec, closeDriver, err := openNeo4jPeer(ctx, cfg.neo)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeDriver) // after the drop: cleanups run last first
	t.Cleanup(func() {
		if err := dropNeo4jPeer(exec); err != nil {
			t.Error(err)
		}
	})
	var out bytes.Buffer
	r, err := benchNeo4jFulltext(ctx, cfg, searchShapes(), docs, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range searchShapes() {
		m := r.results[s.key]
		if m.err != nil {
			t.Errorf("(%s): %v", s.key, m.err)
		} else if (s.key == "a" || s.key == "d") && m.hits == 0 {
			// (b) may match nothing in a small corpus, and (c) matches
			// few: Lucene does not stem a fuzzy term (docs/benchmarks.md).
			t.Errorf("(%s): no matches", s.key)
		}
	}
	// The second run finds the documents in place.
	out.Reset()
	if _, err := benchNeo4jFulltext(ctx, cfg, searchShapes()[:1], docs, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "reusing the Neo4j peer documents") {
		t.Errorf("second run: %s", out.String())
	}
}
