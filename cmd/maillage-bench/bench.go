package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

func benchCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg benchConfig
	var sc storeBenchConfig
	fs := newFlagSet("maillage-bench", stderr)
	fs.IntVar(&cfg.notes, "notes", 10_000, "notes in the generated graph")
	fs.IntVar(&cfg.queries, "queries", 0, "queries per measured operation (default 200; 40 with --store neo4j)")
	fs.StringVar(&cfg.data, "data", "", "data directory (a fresh temporary one by default)")
	fs.StringVar(&sc.store, "store", "embedded", "embedded, or neo4j: measure the Neo4j store against the embedded one, side by side")
	sc.neo.AddFlags(fs) // an empty database, with --store neo4j
	fs.BoolVar(&sc.demo, "demo", false, "with --store neo4j: the demo as the corpus instead of a generated dump")
	fs.StringVar(&sc.dump, "dump", "", "with --store neo4j: a dump file (export json) as the corpus instead of a generated one")
	fs.StringVar(&sc.word, "word", "communauté", "with --store neo4j: the word searched and whose coverage is asked")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch sc.store {
	case "embedded":
		if cfg.queries == 0 {
			cfg.queries = 200
		}
	case "neo4j":
		if cfg.queries == 0 {
			cfg.queries = 40
		}
		sc.neo.MaxPool = 10
	default:
		return usageError{Msg: fmt.Sprintf("--store must be embedded or neo4j, not %q", sc.store)}
	}
	if cfg.queries < 1 {
		return usageError{Msg: "--queries must be at least 1"}
	}
	if cfg.data == "" {
		dir, err := os.MkdirTemp("", "maillage-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.data = dir
	}
	if sc.store == "neo4j" {
		sc.notes, sc.queries, sc.data = cfg.notes, cfg.queries, cfg.data
		return runStoreBench(ctx, sc, stdout)
	}
	return runBench(ctx, cfg, stdout)
}

type benchConfig struct {
	notes   int
	queries int
	data    string
}

// runBench generates a graph in a fresh embedded store, then measures what
// a front-end feels: node lookups and 50-note pages with authors, over HTTP.
func runBench(ctx context.Context, cfg benchConfig, out io.Writer) error {
	store, err := embedded.Open(cfg.data, embedded.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	sys := graph.SystemContext(ctx)
	fmt.Fprintf(out, "generating %d notes in %s\n", cfg.notes, cfg.data)
	ids, dur, err := generateGraph(sys, store, cfg.notes)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "create: %d notes (each with 1–2 authors and 2 links) in %s: %.0f notes/s, %.0f writes/s\n",
		len(ids), dur.Round(time.Millisecond), float64(len(ids))/dur.Seconds(), float64(len(ids)*4)/dur.Seconds())

	// One client on loopback measuring latency: the per-address rate limit
	// would measure itself instead.
	limits := api.Limits{RatePerIP: -1, RatePerToken: -1}
	srv := httptest.NewServer(api.NewHandler(api.Config{Store: store, Taxonomy: graph.DefaultTaxonomy(), Limits: limits,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	node, err := measure(cfg.queries, func() error {
		gid := api.GlobalID(graph.KindNote, ids[rng.IntN(len(ids))])
		return postQuery(srv.URL, `query($id: ID!) { node(id: $id) { id ... on Note { title } } }`, map[string]any{"id": gid})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "node(id:) over HTTP: %s\n", node)
	page, err := measure(cfg.queries, func() error {
		return postQuery(srv.URL, `{ notes(first: 50, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount edges { node { id title authors { name } } } } }`, nil)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "50-note page with authors over HTTP: %s\n", page)
	return nil
}

func generateGraph(ctx context.Context, s graph.Creator, n int) ([]string, time.Duration, error) {
	rng := rand.New(rand.NewPCG(7, 11))
	var contributors []string
	for i := range 100 {
		c, err := s.CreateContributor(ctx, graph.Contributor{Name: fmt.Sprintf("Personne %d", i)})
		if err != nil {
			return nil, 0, err
		}
		contributors = append(contributors, c.ID)
	}
	ids := make([]string, 0, n)
	start := time.Now()
	for i := range n {
		authors := []string{contributors[rng.IntN(len(contributors))]}
		if rng.IntN(3) == 0 {
			if other := contributors[rng.IntN(len(contributors))]; other != authors[0] {
				authors = append(authors, other)
			}
		}
		d, err := s.CreateDocument(ctx, graph.Document{Kind: graph.KindNote, Title: fmt.Sprintf("Note générée %d", i),
			Body: "Une note sur la gouvernance des communs et le financement des organismes.", Language: "fr",
			Visibility: graph.VisibilityPublic}, authors)
		if err != nil {
			return nil, 0, err
		}
		ids = append(ids, d.ID)
		for range min(2, len(ids)-1) {
			to := ids[rng.IntN(len(ids)-1)]
			if _, err := s.Link(ctx, graph.Link{Relation: graph.RelLinksTo, From: d.ID, To: to}); err != nil {
				return nil, 0, err
			}
		}
	}
	return ids, time.Since(start), nil
}

type latencies []time.Duration

func (l latencies) String() string {
	slices.Sort(l)
	q := func(p float64) time.Duration { return percentile(l, p) }
	var total time.Duration
	for _, d := range l {
		total += d
	}
	return fmt.Sprintf("%d queries, p50 %s, p99 %s, %.0f queries/s (one client)",
		len(l), q(0.50).Round(time.Microsecond), q(0.99).Round(time.Microsecond), float64(len(l))/total.Seconds())
}

func measure(n int, f func() error) (latencies, error) {
	out := make(latencies, 0, n)
	for range n {
		start := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

func postQuery(url, query string, vars map[string]any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || len(r.Errors) > 0 {
		return fmt.Errorf("query failed: status %d, errors %s", resp.StatusCode, r.Errors)
	}
	return nil
}
