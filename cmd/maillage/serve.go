package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/search"
)

// shutdownGrace is how long in-flight requests get to finish after SIGTERM.
const shutdownGrace = 30 * time.Second

type serveConfig struct {
	addr string
	data string
	demo bool
	// demoPublicSignIn serves the demo sign-in picker on an address
	// other than loopback (offerDemoSignIn).
	demoPublicSignIn bool
	store            string
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
	// follow is how often the store's change sequence is read for writes
	// made by other processes (replicas on one Neo4j); 0 (a config made in
	// code) means defaultFollow, negative never.
	follow time.Duration
	// coverageBudget and coverageWindow: new coverage scopes per viewer
	// per window; 0 means the API's defaults.
	coverageBudget int
	coverageWindow time.Duration
	// waitStore: wait for a Neo4j that is unreachable at start.
	waitStore waitFlag
}

// defaultFollow keeps replicas within a second of each other with room to
// spare: a read of the last sequence every quarter second is one small
// query per process.
const defaultFollow = 250 * time.Millisecond

type neo4jConfig = cmdkit.Neo4j

func serveCommand(ctx context.Context, args []string, stderr io.Writer) error {
	var c serveConfig
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT)")
	storeFlags(fs, &c)
	fs.BoolVar(&c.demo, "demo", false, "load the French demo commons into an empty data directory, and make a token per demo role (revoked when serve stops) that the explorer offers on a loopback address")
	fs.BoolVar(&c.demoPublicSignIn, "demo-public-sign-in", false, "with --demo on an address other than loopback: offer the demo tokens (the admin's too) to everyone who reaches the server")
	fs.IntVar(&c.cacheMB, "cache-mb", embedded.DefaultCacheBytes>>20, "embedded store: MiB of decoded documents kept in memory between writes (0: none)")
	fs.IntVar(&c.searches, "max-concurrent-searches", 0, "searches running at once, the others waiting their turn (0: one per core)")
	fs.StringVar(&c.taxonomy, "taxonomy", "", "standpoint taxonomy file (JSON); the built-in one by default")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.licence, "licence", "CC-BY-SA-4.0", "licence of documents that name none, in linked data (SPDX id or URL)")
	fs.IntVar(&c.neo4j.MaxPool, "neo4j-max-pool", 100, "Neo4j connections per server")
	fs.DurationVar(&c.follow, "follow-interval", defaultFollow, "how often to look for writes made by other processes sharing the store (replicas on one Neo4j), for the search index and subscriptions (0: never)")
	fs.Var(&c.waitStore, "wait-for-store", "--store neo4j: when Neo4j is unreachable at start, wait for it (=DURATION: for that long at most) rather than exit")
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
	if c.demoPublicSignIn && !c.demo {
		return usageError{Msg: "--demo-public-sign-in goes with --demo"}
	}
	if c.coverageBudget < 1 || c.coverageWindow <= 0 {
		return usageError{Msg: fmt.Sprintf("--coverage-budget must be at least 1 and --coverage-budget-window positive, got %d and %s", c.coverageBudget, c.coverageWindow)}
	}
	switch {
	case c.cacheMB < 0:
		return usageError{Msg: fmt.Sprintf("--cache-mb must be 0 (no cache) or more, not %d", c.cacheMB)}
	case c.cacheMB == 0:
		c.cacheMB = -1 // none, where 0 in a config made in code is the default
	}
	if c.searches < 0 {
		return usageError{Msg: fmt.Sprintf("--max-concurrent-searches must be 0 (one per core) or more, not %d", c.searches)}
	}
	switch {
	case c.follow < 0:
		return usageError{Msg: fmt.Sprintf("--follow-interval must be 0 (never) or more, not %s", c.follow)}
	case c.follow == 0:
		c.follow = -1 // never, where 0 in a config made in code is the default
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
	return nil, usageError{Msg: fmt.Sprintf("--log-format must be text or json, not %q", format)}
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
		s, err := c.neo4j.Open(ctx, logger)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, usageError{Msg: fmt.Sprintf("--store must be embedded or neo4j, not %q", c.store)}
}

// serve runs the server until ctx is cancelled, then drains in-flight
// requests. ready, when not nil, receives the listening address.
func serve(ctx context.Context, c serveConfig, logger *slog.Logger, ready chan<- string) error {
	if c.coverageK != 0 {
		if err := checkCoverageK(c.coverageK); err != nil {
			return err
		}
	}
	if m := c.hard.metricsAddr; m != "" && m == c.addr {
		return usageError{Msg: fmt.Sprintf("--metrics-addr %s is --addr: give the metrics an address of their own, or leave it empty to serve them on --addr", m)}
	}
	tax, err := loadTaxonomy(c.taxonomy)
	if err != nil {
		return err
	}
	switch c.store {
	case "embedded":
		logger.Info("opening the embedded store", "path", filepath.Join(c.data, embedded.FileName))
	case "neo4j":
		logger.Info("connecting to Neo4j", "uri", c.neo4j.URI, "database", c.neo4j.Database)
	}
	store, err := openStoreWaiting(ctx, c, logger)
	if err != nil {
		return err
	} else if store == nil {
		return nil // stopped while it waited for the store
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
	// Demo tokens are made anew at each start of serve --demo, and
	// revoked at each start of serve and when serve --demo stops: they
	// exist only while a demo runs (or until the next start, after a crash).
	if n, err := revokeDemoTokens(ctx, store); err != nil {
		return err
	} else if n > 0 && !c.demo {
		logger.Warn("revoked the demo sign-in tokens an earlier `serve --demo` left (it did not stop cleanly)", "tokens", n)
	}
	var demoTokens []api.DemoAccount
	if c.demo {
		d, err := demo.Parse()
		if err != nil {
			return err
		}
		docs, people := d.Counts()
		logger.Info("loading the demo commons (once: a data directory that holds a graph is left as it is)")
		start := time.Now()
		loaded, err := d.Load(ctx, store, tax)
		if err != nil {
			return err
		}
		if loaded {
			logger.Info("demo commons loaded", "documents", docs, "contributors", people, "took", time.Since(start).Round(time.Millisecond))
		} else {
			logger.Info("demo not loaded: the data directory already holds a graph", "data", c.data)
		}
		if demoTokens, err = demoSignIn(ctx, store, d.Accounts()); err != nil {
			return err
		}
		if len(demoTokens) == 0 {
			logger.Info("no demo sign-in: the demo's contributors are not in this graph")
		}
		defer revokeDemoTokensAtExit(store, logger)
	}
	// The index is caught up (or built) once the server listens, so that
	// /healthz tells a long first build from a hang; /readyz, the
	// announcement and the ready channel wait for it.
	logger.Info("opening the search index", "path", cmdkit.IndexDir(c.data))
	ix, err := search.Open(cmdkit.IndexDir(c.data), search.Options{Logger: logger, MaxConcurrentSearches: c.searches})
	if err != nil {
		return err
	}
	defer ix.Close()
	// The coverage key and budget ledger live beside the index: with
	// several replicas on one Neo4j, give them one coverage.key (docs/privacy.md).
	coverage, err := api.OpenCoverageRelease(api.CoverageOptions{Dir: c.data, Budget: c.coverageBudget, Window: c.coverageWindow})
	if err != nil {
		return err
	}
	defer coverage.Close()
	// Media files live under the data directory by default; several API
	// processes on one Neo4j need one shared directory (graph/blob).
	blobs, err := blob.OpenDir(filepath.Join(c.data, "blobs"))
	if err != nil {
		return err
	}
	if c.demo {
		// The demo's testimony and drawing (graph/demo/media.go), once.
		if err := demo.LoadMedia(ctx, store, blobs); err != nil {
			return err
		}
	}
	follow := cmp.Or(c.follow, defaultFollow)
	apiConfig := api.Config{Store: store, Index: ix, Ready: indexReady(ix, store), Taxonomy: tax, Logger: logger, DefaultLicence: c.licence,
		CoverageK: c.coverageK, Coverage: coverage, Blobs: blobs}
	if follow > 0 {
		// Subscribers hear of other processes' writes at the same pace.
		apiConfig.Live.Poll = follow
	}
	if err := c.hard.apply(&apiConfig); err != nil {
		return err
	}
	// Both listen before either serves: a metrics address taken must
	// stop the start, not leave a server without its metrics.
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	var metricsLn net.Listener
	if c.hard.metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", c.hard.metricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr: %w", err)
		}
	}
	apiConfig.DemoSignIn = offerDemoSignIn(c, ln.Addr(), demoTokens, logger)
	newServer := func(h http.Handler) *http.Server {
		return &http.Server{
			Handler: h,
			// The body has a bound of its own (--body-timeout), counted
			// once the headers are in; ReadTimeout bounds the rest.
			ReadHeaderTimeout: c.hard.readHeaderTimeout(),
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		}
	}
	// api.Listener: net/http's own error answers in JSON, as ours.
	var servers []*http.Server
	var listeners []net.Listener
	if metricsLn == nil {
		servers, listeners = []*http.Server{newServer(api.NewHandler(apiConfig))}, []net.Listener{api.Listener(ln)}
	} else {
		handler, metrics := api.NewHandlers(apiConfig)
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics)
		servers = []*http.Server{newServer(handler), newServer(mux)}
		listeners = []net.Listener{api.Listener(ln), api.Listener(metricsLn)}
	}
	served := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { served <- srv.Serve(listeners[i]) }()
	}
	addr := listeners[0].Addr().String()
	logger.Info("listening; the search index catches up with the store before maillage is ready (the first start builds it)",
		"healthz", "http://"+addr+"/healthz", "readyz", "http://"+addr+"/readyz")

	// The index's catch-up, then its following of writes made by other
	// processes, run until serve returns, and end before the deferred
	// ix.Close.
	indexCtx, stopIndexing := context.WithCancel(ctx)
	caughtUp, indexingDone := make(chan error, 1), make(chan struct{})
	go func() {
		defer close(indexingDone)
		start := time.Now()
		if err := ix.CatchUp(indexCtx, store); err != nil {
			caughtUp <- fmt.Errorf("search index: %w", err)
			return
		}
		seq, _, _ := ix.LastApplied()
		logger.Info("search index in step with the store", "seq", seq, "took", time.Since(start).Round(time.Millisecond))
		caughtUp <- nil
		ix.Follow(indexCtx, store, follow)
	}()
	defer func() { stopIndexing(); <-indexingDone }()

	var failed error
	select {
	case failed = <-served:
	case <-ctx.Done():
	case failed = <-caughtUp:
		if failed != nil {
			break
		}
		logger.Info("maillage is serving: open the explorer or GraphiQL in a browser", "explorer", "http://"+addr+"/explore/",
			"graphiql", "http://"+addr+"/", "graphql", "http://"+addr+"/graphql", "store", c.store)
		if metricsLn != nil {
			logger.Info("metrics are served apart", "metrics", "http://"+metricsLn.Addr().String()+"/metrics")
		}
		logDemoTokens(logger, demoTokens, apiConfig.DemoSignIn != nil)
		if ready != nil {
			ready <- addr
		}
		select {
		case failed = <-served:
		case <-ctx.Done():
		}
	}
	logger.Info("shutting down: finishing in-flight requests", "grace", shutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
	}
	if failed != nil {
		return failed
	}
	for range servers {
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	logger.Info("stopped")
	return nil
}

// checkCoverageK refuses a threshold that would let coverage show counts
// of one person, before anything starts.
func checkCoverageK(k int) error {
	if k < graph.MinCoverageK {
		return usageError{Msg: fmt.Sprintf("--coverage-k must be at least %d, got %d: a count below that can be one person's standpoint", graph.MinCoverageK, k)}
	}
	return nil
}
