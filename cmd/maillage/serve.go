package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/dump"
	"github.com/encommun/maillage/graph/embedded"
	"github.com/encommun/maillage/graph/neo4j"
)

// shutdownGrace is how long in-flight requests get to finish after SIGTERM.
const shutdownGrace = 30 * time.Second

type serveConfig struct {
	addr  string
	data  string
	demo  bool
	store string
	// cacheMB is the embedded store's document cache: 0 (a config made
	// in code) means its default, a negative value none.
	cacheMB int
	// searches bounds the searches running at once; 0 means one per core.
	searches  int
	taxonomy  string
	logFormat string
	licence   string // default licence shown in linked data
	neo4j     neo4jConfig
	hard      hardening // limits, CORS, persisted queries
	// coverageK is the suppression threshold of standpoint coverage; 0
	// (a config made in code) means the API's default.
	coverageK int
	// coverageBudget and coverageWindow: new coverage scopes per viewer
	// per window; 0 means the API's defaults.
	coverageBudget int
	coverageWindow time.Duration
}

type neo4jConfig struct {
	uri, user, password, database string
	maxPool                       int
}

func serveCommand(ctx context.Context, args []string, stderr io.Writer) error {
	var c serveConfig
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT)")
	fs.StringVar(&c.data, "data", "./data", "data directory (embedded store and search index)")
	fs.BoolVar(&c.demo, "demo", false, "load the French demo commons into an empty data directory")
	fs.StringVar(&c.store, "store", "embedded", "graph store: embedded or neo4j")
	fs.IntVar(&c.cacheMB, "cache-mb", embedded.DefaultCacheBytes>>20, "embedded store: MiB of decoded documents kept in memory between writes (0: none)")
	fs.IntVar(&c.searches, "max-concurrent-searches", 0, "searches running at once, the others waiting their turn (0: one per core)")
	fs.StringVar(&c.taxonomy, "taxonomy", "", "standpoint taxonomy file (JSON); the built-in one by default")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.licence, "licence", "CC-BY-SA-4.0", "licence of documents that name none, in linked data (SPDX id or URL)")
	fs.StringVar(&c.neo4j.uri, "neo4j-uri", "", "Neo4j URI (bolt://, neo4j://, +s schemes)")
	fs.StringVar(&c.neo4j.user, "neo4j-user", "neo4j", "Neo4j user")
	fs.StringVar(&c.neo4j.password, "neo4j-password", "", "Neo4j password")
	fs.StringVar(&c.neo4j.database, "neo4j-database", "neo4j", "Neo4j database")
	fs.IntVar(&c.neo4j.maxPool, "neo4j-max-pool", 100, "Neo4j connections per server")
	addHardeningFlags(fs, &c.hard)
	fs.IntVar(&c.coverageK, "coverage-k", graph.DefaultCoverageK, "coverage statistics withhold counts from 1 to k-1 (at least 2)")
	fs.IntVar(&c.coverageBudget, "coverage-budget", api.DefaultCoverageBudget, "coverage: new scopes one viewer may have answered per window (anonymous callers share one budget)")
	fs.DurationVar(&c.coverageWindow, "coverage-budget-window", api.DefaultCoverageWindow, "coverage: the rolling window of --coverage-budget")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkCoverageK(c.coverageK); err != nil {
		return err
	}
	if c.coverageBudget < 1 || c.coverageWindow <= 0 {
		return usageError{fmt.Sprintf("--coverage-budget must be at least 1 and --coverage-budget-window positive, got %d and %s", c.coverageBudget, c.coverageWindow)}
	}
	switch {
	case c.cacheMB < 0:
		return usageError{fmt.Sprintf("--cache-mb must be 0 (no cache) or more, not %d", c.cacheMB)}
	case c.cacheMB == 0:
		c.cacheMB = -1 // none, where 0 in a config made in code is the default
	}
	if c.searches < 0 {
		return usageError{fmt.Sprintf("--max-concurrent-searches must be 0 (one per core) or more, not %d", c.searches)}
	}
	// Every flag is checked before anything is opened or created: a typo
	// must not leave a fresh data directory and index behind.
	if err := c.hard.apply(&api.Config{}); err != nil {
		return err
	}
	logger, err := newLogger(c.logFormat, stderr)
	if err != nil {
		return err
	}
	return serve(ctx, c, logger, nil)
}

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, usageError{fmt.Sprintf("--log-format must be text or json, not %q", format)}
}

func loadTaxonomy(path string) (*graph.Taxonomy, error) {
	if path == "" {
		return graph.DefaultTaxonomy(), nil
	}
	return graph.LoadTaxonomy(path)
}

func openStore(ctx context.Context, c serveConfig, logger *slog.Logger) (graph.Store, error) {
	switch c.store {
	case "embedded":
		s, err := embedded.Open(c.data, embedded.Options{CacheBytes: int64(c.cacheMB) << 20})
		if err != nil {
			return nil, err
		}
		return s, nil
	case "neo4j":
		if c.neo4j.uri == "" {
			return nil, usageError{"--store neo4j needs --neo4j-uri (or MAILLAGE_NEO4J_URI)"}
		}
		s, err := neo4j.Open(ctx, neo4j.Config{URI: c.neo4j.uri, User: c.neo4j.user, Password: c.neo4j.password,
			Database: c.neo4j.database, MaxPoolSize: c.neo4j.maxPool, Logger: logger})
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, usageError{fmt.Sprintf("--store must be embedded or neo4j, not %q", c.store)}
}

// serve runs the server until ctx is cancelled, then drains in-flight
// requests. ready, when not nil, receives the listening address.
func serve(ctx context.Context, c serveConfig, logger *slog.Logger, ready chan<- string) error {
	if c.coverageK != 0 {
		if err := checkCoverageK(c.coverageK); err != nil {
			return err
		}
	}
	tax, err := loadTaxonomy(c.taxonomy)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, c, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	// A restore stopped half way (kill -9 during `maillage import json`)
	// leaves a store that is neither the old graph nor the dump's: serving
	// it would answer with a partial commons as if it were whole.
	if in, ok := store.(dump.Interrupted); ok {
		if yes, err := in.RestoreInterrupted(graph.SystemContext(ctx)); err != nil {
			return err
		} else if yes {
			return errors.New("the store holds a restore that was interrupted: run the same `maillage import json` again to finish it, or start from an empty data directory")
		}
	}
	if c.demo {
		loaded, err := demo.Load(ctx, store, tax)
		if err != nil {
			return err
		}
		if loaded {
			logger.Info("demo commons loaded", "data", c.data)
		} else {
			logger.Info("demo not loaded: the data directory already holds a graph", "data", c.data)
		}
	}
	ix, err := openIndex(ctx, c.data, store, logger, c.searches)
	if err != nil {
		return err
	}
	defer ix.Close()
	// The coverage key and budget ledger live beside the index: with
	// several replicas on one Neo4j, give them one coverage.key (README).
	coverage, err := api.OpenCoverageRelease(api.CoverageOptions{Dir: c.data, Budget: c.coverageBudget, Window: c.coverageWindow})
	if err != nil {
		return err
	}
	defer coverage.Close()
	apiConfig := api.Config{Store: store, Index: ix, Ready: indexReady(ix, store), Taxonomy: tax, Logger: logger, DefaultLicence: c.licence,
		CoverageK: c.coverageK, Coverage: coverage}
	if err := c.hard.apply(&apiConfig); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           api.NewHandler(apiConfig),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	logger.Info("maillage is serving", "graphiql", "http://"+addr+"/", "graphql", "http://"+addr+"/graphql", "store", c.store)
	if ready != nil {
		ready <- addr
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests", "grace", shutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// checkCoverageK refuses a threshold that would let coverage show counts
// of one person, before anything starts.
func checkCoverageK(k int) error {
	if k < graph.MinCoverageK {
		return usageError{fmt.Sprintf("--coverage-k must be at least %d, got %d: a count below that can be one person's standpoint", graph.MinCoverageK, k)}
	}
	return nil
}
