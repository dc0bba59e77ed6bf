// Package api serves the knowledge graph over GraphQL: the gqlgen executor
// (internal/exec, generated from schema/*.graphqls), thin resolvers that
// translate GraphQL to graph.Store calls through per-request dataloaders,
// bearer-token authentication, error mapping and the HTTP wiring.
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
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/encommun/maillage/api/internal/exec"
	"github.com/encommun/maillage/graph"
)

// Config is what the API needs.
type Config struct {
	Store    graph.Store
	Taxonomy *graph.Taxonomy // nil: graph.DefaultTaxonomy()
	Logger   *slog.Logger    // nil: slog.Default()
}

// maxComplexity bounds the work one operation may ask for. Connections
// count their children `first` times, so nesting large pages is refused
// before anything runs.
const maxComplexity = 50_000

// NewHandler serves POST and GET /graphql, GraphiQL at GET /, and
// GET /healthz (200 "ok").
func NewHandler(cfg Config) http.Handler {
	if cfg.Taxonomy == nil {
		cfg.Taxonomy = graph.DefaultTaxonomy()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	r := &Resolver{store: cfg.Store, taxonomy: cfg.Taxonomy, logger: cfg.Logger}

	srv := handler.New(exec.NewExecutableSchema(exec.Config{Resolvers: r, Complexity: complexity()}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(maxComplexity))
	srv.SetErrorPresenter(errorPresenter(cfg.Logger))
	srv.SetRecoverFunc(recoverFunc)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if ri := requestInfoFrom(ctx); ri != nil {
			oc := graphql.GetOperationContext(ctx)
			name := oc.OperationName
			if name == "" && oc.Operation != nil {
				name = oc.Operation.Name
			}
			if name == "" && oc.Operation != nil {
				name = "(" + string(oc.Operation.Operation) + ")"
			}
			ri.setOperation(name)
		}
		return next(ctx)
	})

	gql := limitBody(authenticate(cfg.Store, cfg.Logger, withLoaders(cfg.Store, srv)))

	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	mux.Handle("GET /{$}", playground.Handler("maillage", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
	})
	return withRequest(cfg.Logger, mux)
}
