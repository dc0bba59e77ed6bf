// Package api is the HTTP server of the knowledge graph: the composition
// root (Config, NewHandler), which alone wires the GraphQL executor
// (internal/exec, generated from schema/*.graphqls) to the resolvers
// (api/resolve) and to live updates over WebSocket (api/live); the
// protections every request passes (CORS, rate limits and admission,
// persisted queries, body, shape and complexity limits); bearer-token
// authentication; metrics and health; and the plain routes (/ld, /export,
// /media, /admin/backup, GraphiQL and the explorer).
package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/encommun/maillage/api/explorer"
	"github.com/encommun/maillage/api/graphiql"
	"github.com/encommun/maillage/api/internal/exec"
	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/live"
	"github.com/encommun/maillage/api/resolve"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/search"
)

// Config is what the API needs.
type Config struct {
	Store graph.Store
	// Index, when set, answers `search` and is caught up after every
	// mutation before it answers; nil: search is off.
	Index    *search.Index
	Taxonomy *graph.Taxonomy // nil: graph.DefaultTaxonomy()
	Logger   *slog.Logger    // nil: slog.Default()
	// DefaultLicence is the licence shown in linked data for documents
	// that name none; empty means jsonld.DefaultLicence (CC-BY-SA-4.0).
	DefaultLicence string

	// Limits bounds requests and clients; zero fields take DefaultLimits.
	Limits Limits
	// DisableIntrospection refuses __schema and __type (INTROSPECTION_DISABLED);
	// __typename stays. GraphiQL needs introspection.
	DisableIntrospection bool
	// AllowList, when set, is the only documents anonymous callers may run.
	AllowList *AllowList
	// CORSOrigins are the origins whose browsers may call /graphql ("*": any).
	CORSOrigins []string
	// ClientIPHeader names the header a trusted reverse proxy sets to the
	// client's address (X-Forwarded-For, X-Real-IP); empty: the peer address.
	ClientIPHeader string
	// Ready, when set, is asked by /readyz after the store (the search
	// index caught up, say); an error means not ready.
	Ready func(context.Context) error
	// CoverageK is the suppression threshold of standpoint coverage:
	// counts from 1 to k−1 are withheld. 0 means graph.DefaultCoverageK;
	// below graph.MinCoverageK NewHandler panics (serve refuses it first).
	CoverageK int
	// Coverage holds the key and the per-viewer budget of coverage
	// answers (OpenCoverageRelease); nil: a key for this handler only and
	// DefaultCoverageBudget in memory.
	Coverage *CoverageRelease
	// Live bounds GraphQL subscriptions over WebSocket; zero fields take
	// DefaultLiveOptions.
	Live LiveOptions
	// DemoSignIn, when set (serve --demo), serves the demo accounts'
	// tokens at DemoSignInPath for the explorer's picker; nil: that path
	// is not found.
	DemoSignIn *DemoSignIn
	// Blobs keeps uploaded media files (uploadMedia, GET /media/{id});
	// nil: uploads are refused and no media file is served.
	Blobs blob.Store
	// MediaLimits bounds the file of each media format; a missing or
	// zero entry takes resolve.DefaultMediaLimits'.
	MediaLimits map[graph.MediaFormat]int64
}

// NewHandler serves POST and GET /graphql, subscriptions over WebSocket
// (graphql-transport-ws) at /graphql, GraphiQL at GET / (its files,
// embedded, under /graphiql/),
// GET /healthz (200 "ok" while the process runs), GET /readyz (200 when
// the store answers and cfg.Ready agrees), GET /metrics (Prometheus) and,
// for admins, GET /admin/backup (a copy of the embedded store).
func NewHandler(cfg Config) http.Handler {
	h, _ := newHandler(cfg, true)
	return h
}

// NewHandlers is NewHandler without the /metrics route, and the metrics
// apart, for a server that serves them on an address of their own: the
// scrape is then not offered on the public port, where it would tell
// anyone the operations being run and the load.
func NewHandlers(cfg Config) (app, metrics http.Handler) {
	return newHandler(cfg, false)
}

func newHandler(cfg Config, metricsRoute bool) (http.Handler, http.Handler) {
	if cfg.Taxonomy == nil {
		cfg.Taxonomy = graph.DefaultTaxonomy()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	limits := cfg.Limits.withDefaults()
	m := newMetrics()
	// The store reports its transactions; those run for this handler's
	// requests are counted (a scrape's reads are not: watchIndex reads
	// with a context of its own).
	if o, ok := cfg.Store.(graph.Observable); ok {
		o.Observe(m.observeStore)
	}
	m.watchIndex(cfg.Index, cfg.Store)
	cs, _ := cfg.Store.(cacheStats)
	m.watchCache(cs)
	r := resolve.New(resolve.Config{Store: cfg.Store, Index: cfg.Index, Taxonomy: cfg.Taxonomy, Logger: cfg.Logger,
		ObserveSearch: m.observeSearch, CoverageK: cfg.CoverageK, Coverage: cfg.Coverage, Blobs: cfg.Blobs, MediaLimits: cfg.MediaLimits})

	srv := handler.New(exec.NewExecutableSchema(exec.Config{Resolvers: r, Complexity: complexity()}))
	srv.AddTransport(httpTransport{timeout: max(limits.Timeout, 0), maxJSON: jsonPartLimit(limits.MaxBodyBytes)})
	queries := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(queries)
	srv.SetParserTokenLimit(max(limits.MaxTokens, 0))
	// Persisted queries first: a document fetched by its hash is then
	// checked like any other.
	// A WebSocket operation is admitted first of all, before any work.
	srv.Use(live.OperationAdmission{})
	srv.Use(newPersistedQueries(limits.APQCacheSize, cfg.AllowList))
	srv.Use(shapeLimits{limits: limits, introspection: !cfg.DisableIntrospection, cache: queries})
	if !cfg.DisableIntrospection {
		srv.Use(extension.Introspection{})
	}
	if request.On(limits.MaxComplexity) {
		srv.Use(newComplexityLimit(limits.MaxComplexity))
	}
	srv.SetErrorPresenter(request.ErrorPresenter(cfg.Logger))
	srv.SetRecoverFunc(request.RecoverFunc)
	srv.AroundRootFields(r.IndexAfterMutation)

	// One address budget for every route that reads the graph: /ld/ and
	// /export/ would otherwise be a way around the GraphQL one; every
	// operation on a WebSocket spends it too, or the token budget, and
	// takes a slot of the same concurrency cap.
	adm := newAdmission(limits, m)
	tokens, _ := cfg.Store.(graph.TokenWatcher)
	liveSrv := live.New(live.Config{
		Store:           cfg.Store,
		Tokens:          tokens,
		Admission:       adm,
		Options:         cfg.Live,
		Logger:          cfg.Logger,
		Origins:         cfg.CORSOrigins,
		ClientKey:       func(r *http.Request) string { return clientKey(r, cfg.ClientIPHeader) },
		WithLoaders:     func(ctx context.Context) context.Context { return resolve.WithLoaders(ctx, cfg.Store) },
		QueueWait:       limits.QueueWait,
		Timeout:         max(limits.Timeout, 0),
		MaxMessageBytes: limits.MaxBodyBytes,
		RateLimited:     m.rateLimited,
		Subscriptions:   m.subscriptions,
	})
	srv.AddTransport(liveSrv.Transport())
	srv.Use(live.SingleStream{})
	srv.AroundRootFields(liveSrv.NotifyAfterMutation)
	srv.AroundOperations(liveSrv.AroundOperation)
	srv.AroundResponses(liveSrv.FreshLoadersPerEvent)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if ri := request.From(ctx); ri != nil {
			oc := graphql.GetOperationContext(ctx)
			name := oc.OperationName
			if name == "" && oc.Operation != nil {
				name = oc.Operation.Name
			}
			if name == "" && oc.Operation != nil {
				name = "(" + string(oc.Operation.Operation) + ")"
			}
			ri.SetOperation(name)
			ri.SetQuery(oc.RawQuery)
		}
		return next(ctx)
	})

	// Outermost first: CORS answers preflights; the metrics see every
	// outcome; the address budget is spent before any work, the token
	// budget once the token is known; the body is read whole before the
	// concurrency cap, which guards only execution.
	gql := withLoaders(cfg.Store, srv)
	gql = limitConcurrency(adm, gql)
	// A multipart request (a media upload) is not read whole: uploadBody
	// bounds it and the transport reads its parts as they come.
	gql = uploadBody(limits.MaxUploadBytes, limits.UploadTimeout, cfg.Blobs != nil, gql,
		readBody(limits.MaxBodyBytes, limits.BodyTimeout, gql))
	gql = withAPQScope(cfg.ClientIPHeader, gql)
	gql = limitByToken(adm, gql)
	gql = authenticate(cfg.Store, cfg.Logger, gql)
	byAddress := func(h http.Handler) http.Handler {
		return limitByAddress(adm, cfg.ClientIPHeader, h)
	}
	gql = byAddress(gql)
	gql = m.observe(cfg.Logger, limits.SlowQuery, gql)
	gql = cors(cfg.CORSOrigins, gql)

	// A WebSocket upgrade spends the same budgets, but holds no slot of
	// the concurrency cap and is not timed as a request: it lives for as
	// long as the client stays. Each operation on it is admitted on its
	// own (live.OperationAdmission, AroundOperation). Its dataloaders are made
	// per event.
	var ws http.Handler = srv
	ws = liveSrv.Upgrade(ws)
	ws = withAPQScope(cfg.ClientIPHeader, ws)
	ws = limitByToken(adm, ws)
	ws = authenticate(cfg.Store, cfg.Logger, ws)
	ws = byAddress(ws)

	mux := http.NewServeMux()
	mux.Handle("/graphql", live.RouteUpgrades(ws, gql))
	gi := graphiql.Handler()
	mux.Handle("GET /{$}", gi)
	mux.Handle(graphiql.Prefix, gi)
	mux.Handle("GET /ld/{id}", byAddress(linkedDataHandler(cfg)))
	mux.Handle("GET /export/", byAddress(networkExport(cfg, r)))
	hb, _ := cfg.Store.(graph.HotBackuper)
	mux.Handle("GET /media/{id}", byAddress(authenticate(cfg.Store, cfg.Logger, serveMedia(cfg.Store, cfg.Blobs))))
	mux.Handle("GET /admin/backup", byAddress(storeBackup(cfg, hb)))
	mux.Handle("/explore/", explorer.Handler())
	if cfg.DemoSignIn != nil {
		mux.Handle("GET "+DemoSignInPath, byAddress(demoAccounts(*cfg.DemoSignIn)))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
	})
	mux.Handle("GET /readyz", readyz(cfg.Store, cfg.Ready, cfg.Logger))
	if metricsRoute {
		mux.Handle("GET /metrics", m.handler())
	}
	return withRequest(cfg.Logger, m.withStoreMetrics(mux)), m.handler()
}
