package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/search"
)

// `maillage-bench --store neo4j` measures the Neo4j store against the
// embedded one on the same corpus, in the same run: the corpus (the demo,
// or a generated dump of --notes notes) is restored into a fresh embedded
// store and into the Neo4j database, each gets its own search index, built
// from its store, and the same GraphQL requests, sent in turn to an API
// over each store, give each shape's latency side by side.

type storeBenchConfig struct {
	store   string       // embedded, or neo4j
	neo     cmdkit.Neo4j // the Neo4j connection (store "neo4j")
	notes   int          // notes in the generated dump; 0 with demo
	demo    bool
	dump    string // a dump file to restore instead of generating one
	queries int
	word    string // the common word of search and coverage
	data    string // the embedded store's and the indexes' directory
}

// benchStore is one store under test, with its index and API.
type benchStore struct {
	name  string
	store graph.Store
	index *search.Index
	srv   *httptest.Server
}

func (b *benchStore) close() {
	if b.srv != nil {
		b.srv.Close()
	}
	if b.index != nil {
		b.index.Close()
	}
	if b.store != nil {
		b.store.Close()
	}
}

func runStoreBench(ctx context.Context, cfg storeBenchConfig, out io.Writer) error {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	neo, err := cfg.neo.Open(ctx, logger)
	if err != nil {
		return err
	}
	nb := &benchStore{name: "neo4j", store: neo}
	defer nb.close()
	if seq, err := neo.LastSeq(graph.SystemContext(ctx)); err != nil {
		return err
	} else if seq > 0 {
		return errors.New("bench: the Neo4j database is not empty: the bench restores its corpus into it (use a database of its own)")
	}
	emb, err := embedded.Open(filepath.Join(cfg.data, "embedded"), embedded.Options{})
	if err != nil {
		return err
	}
	eb := &benchStore{name: "embedded", store: emb}
	defer eb.close()
	stores := []*benchStore{eb, nb}

	// The corpus, written into each store.
	var file string
	switch {
	case cfg.demo:
		fmt.Fprintln(out, "corpus: the demo")
	case cfg.dump != "":
		file = cfg.dump
		fmt.Fprintf(out, "corpus: %s\n", file)
	default:
		file = filepath.Join(cfg.data, "corpus.jsonl")
		f, err := os.Create(file)
		if err != nil {
			return err
		}
		counts, err := dump.Generate(f, dump.GenerateOptions{Notes: cfg.notes, Links: 3 * cfg.notes, Seed: 1})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "corpus: a generated dump of %d notes (%s)\n", cfg.notes, cmdkit.DescribeCounts(counts))
	}
	for _, b := range stores {
		start := time.Now()
		records := 0
		if cfg.demo {
			if _, err := demo.Load(ctx, b.store, graph.DefaultTaxonomy()); err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
		} else {
			f, err := os.Open(file)
			if err != nil {
				return err
			}
			counts, err := dump.Restore(graph.SystemContext(ctx), b.store, f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: restore: %w", b.name, err)
			}
			for _, n := range counts {
				records += n
			}
		}
		el := time.Since(start)
		if records > 0 {
			fmt.Fprintf(out, "%-8s import: %d records in %s (%.0f records/s)\n", b.name, records, el.Round(time.Millisecond), float64(records)/el.Seconds())
		} else {
			fmt.Fprintf(out, "%-8s import: %s\n", b.name, el.Round(time.Millisecond))
		}
	}
	for _, b := range stores {
		ix, err := search.Open(filepath.Join(cfg.data, "index-"+b.name), search.Options{Logger: logger})
		if err != nil {
			return err
		}
		b.index = ix
		start := time.Now()
		if err := ix.CatchUp(ctx, b.store); err != nil {
			return fmt.Errorf("%s: index: %w", b.name, err)
		}
		el := time.Since(start)
		n, _ := ix.DocCount()
		fmt.Fprintf(out, "%-8s index rebuild: %d documents in %s (%.0f docs/s)\n", b.name, n, el.Round(time.Millisecond), float64(n)/el.Seconds())
		limits := api.Limits{RatePerIP: -1, RatePerToken: -1}
		b.srv = httptest.NewServer(api.NewHandler(api.Config{Store: b.store, Index: ix, Taxonomy: graph.DefaultTaxonomy(),
			Limits: limits, Logger: logger}))
	}

	notes, err := benchNoteIDs(ctx, emb)
	if err != nil {
		return err
	}
	if len(notes) == 0 {
		return errors.New("bench: the corpus has no public note")
	}
	gid := func(id string) string { return api.GlobalID(graph.KindNote, id) }
	shapes := []struct {
		name  string
		query string
		vars  func(rng *rand.Rand) map[string]any
	}{
		{"node(id)", `query($id: ID!) { node(id: $id) { id ... on Note { title } } }`,
			func(rng *rand.Rand) map[string]any { return map[string]any{"id": gid(notes[rng.IntN(len(notes))])} }},
		{"40-note page, authors, backlink counts", `{ notes(first: 40, orderBy: {field: CREATED_AT, direction: DESC}) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id title authors { id name } backlinks(first: 1) { totalCount } } } } }`, nil},
		{"neighbourhood depth 2", `query($id: ID!) { neighbourhood(id: $id, depth: 2) { nodes { id kind label degree } edges { relation from to } truncated } }`,
			func(rng *rand.Rand) map[string]any { return map[string]any{"id": gid(notes[rng.IntN(len(notes))])} }},
		{"search with facets", `query($q: String!) { search(query: $q, first: 10) { totalCount
  edges { score node { id kind title summary } highlights { field fragments } }
  facets { field buckets { value label count } } } }`,
			func(*rand.Rand) map[string]any { return map[string]any{"q": cfg.word} }},
		{"coverage of a common word", `query($q: String) { coverage(query: $q) { k documentCount contributorCount tooFewContributors dimensions { id } } }`,
			func(*rand.Rand) map[string]any { return map[string]any{"q": cfg.word} }},
	}
	// Rows are printed as they are measured, and a shape that fails on one
	// store (a request timeout, say) is reported without losing the rest.
	fmt.Fprintf(out, "%-40s %22s %22s %8s\n", fmt.Sprintf("shape (%d runs, p50 / p90)", cfg.queries), "embedded", "neo4j", "ratio")
	for _, sh := range shapes {
		var p50 [2]time.Duration
		var cells [2]string
		for i, b := range stores {
			rng := rand.New(rand.NewPCG(3, 5)) // the same requests for both stores
			run := func() error {
				var vars map[string]any
				if sh.vars != nil {
					vars = sh.vars(rng)
				}
				return postQuery(b.srv.URL, sh.query, vars)
			}
			var err error
			for range 10 { // warm caches, query plans and the JIT
				if err = run(); err != nil {
					break
				}
			}
			var l latencies
			if err == nil {
				rng = rand.New(rand.NewPCG(3, 5))
				l, err = measure(cfg.queries, run)
			}
			if err != nil {
				fmt.Fprintf(out, "%s, %s: %v\n", sh.name, b.name, err)
				cells[i] = "failed"
				continue
			}
			slices.Sort(l)
			p50[i] = percentile(l, 0.5)
			cells[i] = fmt.Sprintf("%s / %s", ms(p50[i]), ms(percentile(l, 0.9)))
		}
		ratio := "-"
		if p50[0] > 0 && p50[1] > 0 {
			ratio = fmt.Sprintf("%.1f×", float64(p50[1])/float64(p50[0]))
		}
		fmt.Fprintf(out, "%-40s %22s %22s %8s\n", sh.name, cells[0], cells[1], ratio)
	}
	return nil
}

// benchNoteIDs is up to 2 000 public notes, the subjects of node and
// neighbourhood requests.
func benchNoteIDs(ctx context.Context, s interface {
	ScanDocuments(ctx context.Context, after string, limit int) ([]*graph.Document, error)
}) ([]string, error) {
	var ids []string
	after := ""
	for len(ids) < 2000 {
		docs, err := s.ScanDocuments(graph.SystemContext(ctx), after, 500)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d.Kind == graph.KindNote && d.Visibility == graph.VisibilityPublic && !d.Hidden {
				ids = append(ids, d.ID)
			}
		}
		if len(docs) < 500 {
			break
		}
		after = docs[len(docs)-1].ID
	}
	return ids, nil
}
