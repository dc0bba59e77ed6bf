package api

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

// Outcomes of a GraphQL request, the `outcome` label of the metrics and a
// field of the request log line.
const (
	outcomeOK              = "ok"              // executed, no error
	outcomeError           = "error"           // executed, with field errors that are the caller's (NOT_FOUND, FORBIDDEN…)
	outcomeInternal        = "internal"        // executed, with an internal fault
	outcomeRejected        = "rejected"        // not executed: malformed, invalid, or over a limit
	outcomeUnauthenticated = "unauthenticated" // a token that is not one
	outcomeRateLimited     = "rate_limited"
	outcomeOverloaded      = "overloaded"
	outcomeTimeout         = "timeout"
	outcomeCancelled       = "cancelled" // the client went away
)

func setOutcome(ctx context.Context, o string) {
	if ri := requestInfoFrom(ctx); ri != nil {
		ri.mu.Lock()
		ri.outcome = o
		ri.mu.Unlock()
	}
}

func outcomeFrom(ctx context.Context) string {
	if ri := requestInfoFrom(ctx); ri != nil {
		ri.mu.Lock()
		defer ri.mu.Unlock()
		return ri.outcome
	}
	return ""
}

// outcomeOf classifies an executed response by its errors' codes.
func outcomeOf(errs gqlerror.List) string {
	out := outcomeOK
	for _, e := range errs {
		switch code, _ := e.Extensions["code"].(string); code {
		case graph.EINTERNAL:
			return outcomeInternal
		case codeTimeout:
			out = outcomeTimeout
		default:
			if out == outcomeOK {
				out = outcomeError
			}
		}
	}
	return out
}

// outcomeOfStatus classifies what a middleware answered before GraphQL ran.
func outcomeOfStatus(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return outcomeUnauthenticated
	case status == http.StatusTooManyRequests:
		return outcomeRateLimited
	case status == http.StatusServiceUnavailable:
		return outcomeOverloaded
	case status >= 500:
		return outcomeInternal
	case status >= 400:
		return outcomeRejected
	}
	return outcomeOK
}

// maxOperationLabels bounds the distinct operation names the metrics keep:
// names come from callers, and each one is a time series. Past the bound,
// new names count as "_other".
const maxOperationLabels = 200

// metrics are the server's Prometheus collectors, on a registry of its own
// (each handler has one, so tests and embedders can run several).
type metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	rateLimited *prometheus.CounterVec
	slow        prometheus.Counter
	store       *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec
	search      *prometheus.HistogramVec
	// subscriptions counts the GraphQL subscriptions running over WebSocket.
	subscriptions prometheus.Gauge

	mu          sync.Mutex
	ops         map[string]*opMetrics
	none, other *opMetrics

	// The series of each store method, looked up once: WithLabelValues
	// hashes its labels and takes the vector's lock on every call.
	storeTimes sync.Map // method → prometheus.Observer
}

// opMetrics are one operation label's series, looked up once.
type opMetrics struct {
	label    string
	latency  prometheus.Observer
	outcomes map[string]prometheus.Counter // guarded by metrics.mu
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		ops:      map[string]*opMetrics{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "maillage_graphql_requests_total",
			Help: "GraphQL requests by operation name and outcome.",
		}, []string{"operation", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "maillage_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation name.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "maillage_graphql_requests_in_flight",
			Help: "GraphQL requests being executed now.",
		}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "maillage_rate_limited_total",
			Help: "Requests refused with 429 (scope ip, token or websocket: connections per address) or 503 (scope concurrency).",
		}, []string{"scope"}),
		slow: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "maillage_slow_queries_total",
			Help: "Operations slower than the slow-query threshold.",
		}),
		store: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "maillage_store_call_duration_seconds",
			Help:    "Time of one graph.Store call, by method.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1, 5},
		}, []string{"method"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "maillage_store_errors_total",
			Help: "graph.Store calls that failed, by method and error code.",
		}, []string{"method", "code"}),
		search: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "maillage_search_duration_seconds",
			Help:    "Time of one search index query, by outcome (ok or error).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"outcome"}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "maillage_subscriptions_open",
			Help: "GraphQL subscriptions running now, over all WebSocket connections.",
		}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.inFlight, m.rateLimited, m.slow, m.store, m.storeErrors, m.search, m.subscriptions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// operation returns the series of the operation's label, bounding the
// label values (maxOperationLabels).
func (m *metrics) operation(name string) *opMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	if name == "" {
		return m.shared(&m.none, "_none") // refused before a document was parsed
	}
	if op := m.ops[name]; op != nil {
		return op
	}
	if len(m.ops) >= maxOperationLabels {
		return m.shared(&m.other, "_other")
	}
	op := m.newOperation(name)
	m.ops[name] = op
	return op
}

// shared returns the series of _none or _other, which do not count
// against maxOperationLabels. Called with m.mu held.
func (m *metrics) shared(op **opMetrics, label string) *opMetrics {
	if *op == nil {
		*op = m.newOperation(label)
	}
	return *op
}

func (m *metrics) newOperation(label string) *opMetrics {
	return &opMetrics{label: label, latency: m.latency.WithLabelValues(label), outcomes: map[string]prometheus.Counter{}}
}

// countRequest counts one request of op with outcome.
func (m *metrics) countRequest(op *opMetrics, outcome string) {
	m.mu.Lock()
	c := op.outcomes[outcome]
	if c == nil {
		c = m.requests.WithLabelValues(op.label, outcome)
		op.outcomes[outcome] = c
	}
	m.mu.Unlock()
	c.Inc()
}

func (m *metrics) storeTime(method string) prometheus.Observer {
	if o, ok := m.storeTimes.Load(method); ok {
		return o.(prometheus.Observer)
	}
	o := m.store.WithLabelValues(method)
	m.storeTimes.Store(method, o)
	return o
}

// storeCall times one store call; done records it with its error code.
func (m *metrics) storeCall(method string) func(error) {
	start := time.Now()
	return func(err error) {
		m.storeTime(method).Observe(time.Since(start).Seconds())
		if err != nil {
			code := graph.ErrorCode(err)
			switch {
			case errors.Is(err, context.DeadlineExceeded):
				code = codeTimeout
			case errors.Is(err, context.Canceled):
				code = codeCancelled
			}
			m.storeErrors.WithLabelValues(method, code).Inc()
		}
	}
}

// searchIndex times one query of the search index. A nil m (a Resolver
// built without metrics) only runs the query.
func (m *metrics) searchIndex(ctx context.Context, ix *search.Index, req search.Request) (*search.Result, error) {
	if m == nil {
		return ix.Search(ctx, req)
	}
	start := time.Now()
	res, err := ix.Search(ctx, req)
	outcome := outcomeOK
	if err != nil {
		outcome = outcomeError
	}
	m.search.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	return res, err
}

// indexLagTimeout bounds the store read of one scrape of the index lag.
const indexLagTimeout = 2 * time.Second

// watchIndex exports maillage_search_index_lag, the store changes the
// search index has not applied yet (what /readyz waits on), read at scrape
// time. NaN when the index or the store does not answer; absent when
// search is off.
func (m *metrics) watchIndex(ix *search.Index, store graph.Store) {
	if ix == nil {
		return
	}
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "maillage_searches_running",
		Help: "Search index queries running now (at most --max-concurrent-searches).",
	}, func() float64 {
		running, _ := ix.Searches()
		return float64(running)
	}))
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "maillage_searches_waiting",
		Help: "Search index queries waiting for their turn.",
	}, func() float64 {
		_, waiting := ix.Searches()
		return float64(waiting)
	}))
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "maillage_search_index_lag",
		Help: "Store changes the search index has not applied yet (store last seq minus index last applied).",
	}, func() float64 {
		applied, _, err := ix.LastApplied()
		if err != nil {
			return math.NaN()
		}
		ctx, cancel := context.WithTimeout(graph.SystemContext(context.Background()), indexLagTimeout)
		defer cancel()
		last, err := store.LastSeq(ctx)
		if err != nil {
			return math.NaN()
		}
		if applied >= last {
			return 0
		}
		return float64(last - applied)
	}))
}

// cacheStats is a store that keeps a cache (the embedded store's documents).
type cacheStats interface{ CacheStats() graph.CacheStats }

// watchCache exports the counters of a store that keeps a document cache,
// read at scrape time.
func (m *metrics) watchCache(store graph.Store) {
	c, ok := store.(cacheStats)
	if !ok {
		return
	}
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "maillage_store_cache_hits_total",
		Help: "Document reads the embedded store's cache answered.",
	}, func() float64 { return float64(c.CacheStats().Hits) }))
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "maillage_store_cache_misses_total",
		Help: "Document reads the embedded store's cache could not answer (not cached, or a write since).",
	}, func() float64 { return float64(c.CacheStats().Misses) }))
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "maillage_store_cache_bytes",
		Help: "Bytes of decoded documents the embedded store's cache holds (at most --cache-mb).",
	}, func() float64 { return float64(c.CacheStats().Bytes) }))
}

// observe wraps the GraphQL endpoint: it counts requests by operation and
// outcome, times them, and logs the slow ones with their document (never
// their variables, which may hold personal data).
func (m *metrics) observe(logger *slog.Logger, slow time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			m.inFlight.Dec()
			elapsed := time.Since(start)
			ri := requestInfoFrom(r.Context())
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			outcome, op, query := outcomeOfStatus(status), "", ""
			if ri != nil {
				ri.mu.Lock()
				if ri.outcome != "" {
					outcome = ri.outcome
				} else {
					ri.outcome = outcome
				}
				op, query = ri.operation, ri.query
				ri.mu.Unlock()
			}
			series := m.operation(op)
			m.countRequest(series, outcome)
			series.latency.Observe(elapsed.Seconds())
			if on(slow) && elapsed >= slow {
				m.slow.Inc()
				if len(query) > 4096 {
					query = query[:4096] + "…"
				}
				logger.LogAttrs(r.Context(), slog.LevelWarn, "slow query",
					slog.String("request_id", requestID(r.Context())),
					slog.String("operation", op),
					slog.String("outcome", outcome),
					slog.Int("status", status),
					slog.Duration("duration", elapsed),
					slog.String("threshold", slow.String()),
					slog.String("query", query),
				)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// instrumentedStore times every graph.Store call. It embeds the store, so
// a method added to graph.Store later would pass through untimed:
// TestEveryStoreCallIsTimed fails until it is added here.
type instrumentedStore struct {
	graph.Store
	m *metrics
}

var _ graph.Store = instrumentedStore{}

func (s instrumentedStore) CreateDocument(ctx context.Context, d graph.Document, authorIDs []string) (*graph.Document, error) {
	done := s.m.storeCall("CreateDocument")
	v, err := s.Store.CreateDocument(ctx, d, authorIDs)
	done(err)
	return v, err
}

func (s instrumentedStore) Document(ctx context.Context, id string) (*graph.Document, error) {
	done := s.m.storeCall("Document")
	v, err := s.Store.Document(ctx, id)
	done(err)
	return v, err
}

func (s instrumentedStore) Documents(ctx context.Context, ids []string) ([]*graph.Document, error) {
	done := s.m.storeCall("Documents")
	v, err := s.Store.Documents(ctx, ids)
	done(err)
	return v, err
}

func (s instrumentedStore) ListDocuments(ctx context.Context, f graph.DocumentFilter, o graph.DocumentOrder, p graph.Page) (*graph.Connection[*graph.Document], error) {
	done := s.m.storeCall("ListDocuments")
	v, err := s.Store.ListDocuments(ctx, f, o, p)
	done(err)
	return v, err
}

func (s instrumentedStore) ScanDocuments(ctx context.Context, after string, limit int) ([]*graph.Document, error) {
	done := s.m.storeCall("ScanDocuments")
	v, err := s.Store.ScanDocuments(ctx, after, limit)
	done(err)
	return v, err
}

func (s instrumentedStore) UpdateDocument(ctx context.Context, id string, u graph.DocumentUpdate) (*graph.Document, error) {
	done := s.m.storeCall("UpdateDocument")
	v, err := s.Store.UpdateDocument(ctx, id, u)
	done(err)
	return v, err
}

func (s instrumentedStore) DeleteDocument(ctx context.Context, id string, version int) error {
	done := s.m.storeCall("DeleteDocument")
	err := s.Store.DeleteDocument(ctx, id, version)
	done(err)
	return err
}

func (s instrumentedStore) Revisions(ctx context.Context, id string, p graph.Page) (*graph.Connection[*graph.Revision], error) {
	done := s.m.storeCall("Revisions")
	v, err := s.Store.Revisions(ctx, id, p)
	done(err)
	return v, err
}

func (s instrumentedStore) Revision(ctx context.Context, id string, version int) (*graph.Revision, error) {
	done := s.m.storeCall("Revision")
	v, err := s.Store.Revision(ctx, id, version)
	done(err)
	return v, err
}

func (s instrumentedStore) CreateContributor(ctx context.Context, c graph.Contributor) (*graph.Contributor, error) {
	done := s.m.storeCall("CreateContributor")
	v, err := s.Store.CreateContributor(ctx, c)
	done(err)
	return v, err
}

func (s instrumentedStore) Contributor(ctx context.Context, id string) (*graph.Contributor, error) {
	done := s.m.storeCall("Contributor")
	v, err := s.Store.Contributor(ctx, id)
	done(err)
	return v, err
}

func (s instrumentedStore) Contributors(ctx context.Context, ids []string) ([]*graph.Contributor, error) {
	done := s.m.storeCall("Contributors")
	v, err := s.Store.Contributors(ctx, ids)
	done(err)
	return v, err
}

func (s instrumentedStore) ListContributors(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Contributor], error) {
	done := s.m.storeCall("ListContributors")
	v, err := s.Store.ListContributors(ctx, p)
	done(err)
	return v, err
}

func (s instrumentedStore) UpdateContributor(ctx context.Context, id string, u graph.ContributorUpdate) (*graph.Contributor, error) {
	done := s.m.storeCall("UpdateContributor")
	v, err := s.Store.UpdateContributor(ctx, id, u)
	done(err)
	return v, err
}

func (s instrumentedStore) DeleteContributor(ctx context.Context, id string, version int) error {
	done := s.m.storeCall("DeleteContributor")
	err := s.Store.DeleteContributor(ctx, id, version)
	done(err)
	return err
}

func (s instrumentedStore) CreateCarnet(ctx context.Context, c graph.Carnet) (*graph.Carnet, error) {
	done := s.m.storeCall("CreateCarnet")
	v, err := s.Store.CreateCarnet(ctx, c)
	done(err)
	return v, err
}

func (s instrumentedStore) Carnet(ctx context.Context, id string) (*graph.Carnet, error) {
	done := s.m.storeCall("Carnet")
	v, err := s.Store.Carnet(ctx, id)
	done(err)
	return v, err
}

func (s instrumentedStore) Carnets(ctx context.Context, ids []string) ([]*graph.Carnet, error) {
	done := s.m.storeCall("Carnets")
	v, err := s.Store.Carnets(ctx, ids)
	done(err)
	return v, err
}

func (s instrumentedStore) ListCarnets(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Carnet], error) {
	done := s.m.storeCall("ListCarnets")
	v, err := s.Store.ListCarnets(ctx, p)
	done(err)
	return v, err
}

func (s instrumentedStore) UpdateCarnet(ctx context.Context, id string, u graph.CarnetUpdate) (*graph.Carnet, error) {
	done := s.m.storeCall("UpdateCarnet")
	v, err := s.Store.UpdateCarnet(ctx, id, u)
	done(err)
	return v, err
}

func (s instrumentedStore) DeleteCarnet(ctx context.Context, id string, version int) error {
	done := s.m.storeCall("DeleteCarnet")
	err := s.Store.DeleteCarnet(ctx, id, version)
	done(err)
	return err
}

func (s instrumentedStore) CreateCommunity(ctx context.Context, c graph.Community) (*graph.Community, error) {
	done := s.m.storeCall("CreateCommunity")
	v, err := s.Store.CreateCommunity(ctx, c)
	done(err)
	return v, err
}

func (s instrumentedStore) Community(ctx context.Context, id string) (*graph.Community, error) {
	done := s.m.storeCall("Community")
	v, err := s.Store.Community(ctx, id)
	done(err)
	return v, err
}

func (s instrumentedStore) Communities(ctx context.Context, ids []string) ([]*graph.Community, error) {
	done := s.m.storeCall("Communities")
	v, err := s.Store.Communities(ctx, ids)
	done(err)
	return v, err
}

func (s instrumentedStore) ListCommunities(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Community], error) {
	done := s.m.storeCall("ListCommunities")
	v, err := s.Store.ListCommunities(ctx, p)
	done(err)
	return v, err
}

func (s instrumentedStore) UpdateCommunity(ctx context.Context, id string, u graph.GroupUpdate) (*graph.Community, error) {
	done := s.m.storeCall("UpdateCommunity")
	v, err := s.Store.UpdateCommunity(ctx, id, u)
	done(err)
	return v, err
}

func (s instrumentedStore) DeleteCommunity(ctx context.Context, id string, version int) error {
	done := s.m.storeCall("DeleteCommunity")
	err := s.Store.DeleteCommunity(ctx, id, version)
	done(err)
	return err
}

func (s instrumentedStore) CreateKnowledgeBase(ctx context.Context, b graph.KnowledgeBase) (*graph.KnowledgeBase, error) {
	done := s.m.storeCall("CreateKnowledgeBase")
	v, err := s.Store.CreateKnowledgeBase(ctx, b)
	done(err)
	return v, err
}

func (s instrumentedStore) KnowledgeBase(ctx context.Context, id string) (*graph.KnowledgeBase, error) {
	done := s.m.storeCall("KnowledgeBase")
	v, err := s.Store.KnowledgeBase(ctx, id)
	done(err)
	return v, err
}

func (s instrumentedStore) KnowledgeBases(ctx context.Context, ids []string) ([]*graph.KnowledgeBase, error) {
	done := s.m.storeCall("KnowledgeBases")
	v, err := s.Store.KnowledgeBases(ctx, ids)
	done(err)
	return v, err
}

func (s instrumentedStore) ListKnowledgeBases(ctx context.Context, p graph.Page) (*graph.Connection[*graph.KnowledgeBase], error) {
	done := s.m.storeCall("ListKnowledgeBases")
	v, err := s.Store.ListKnowledgeBases(ctx, p)
	done(err)
	return v, err
}

func (s instrumentedStore) UpdateKnowledgeBase(ctx context.Context, id string, u graph.GroupUpdate) (*graph.KnowledgeBase, error) {
	done := s.m.storeCall("UpdateKnowledgeBase")
	v, err := s.Store.UpdateKnowledgeBase(ctx, id, u)
	done(err)
	return v, err
}

func (s instrumentedStore) DeleteKnowledgeBase(ctx context.Context, id string, version int) error {
	done := s.m.storeCall("DeleteKnowledgeBase")
	err := s.Store.DeleteKnowledgeBase(ctx, id, version)
	done(err)
	return err
}

func (s instrumentedStore) Link(ctx context.Context, l graph.Link) (*graph.Link, error) {
	done := s.m.storeCall("Link")
	v, err := s.Store.Link(ctx, l)
	done(err)
	return v, err
}

func (s instrumentedStore) Unlink(ctx context.Context, rel graph.Relation, from, to string) error {
	done := s.m.storeCall("Unlink")
	err := s.Store.Unlink(ctx, rel, from, to)
	done(err)
	return err
}

func (s instrumentedStore) Links(ctx context.Context, ids []string, rel graph.Relation, dir graph.Direction) (map[string][]graph.Link, error) {
	done := s.m.storeCall("Links")
	v, err := s.Store.Links(ctx, ids, rel, dir)
	done(err)
	return v, err
}

func (s instrumentedStore) LinksOf(ctx context.Context, sel []graph.LinkSelection) ([][]graph.Link, error) {
	done := s.m.storeCall("LinksOf")
	v, err := s.Store.LinksOf(ctx, sel)
	done(err)
	return v, err
}

func (s instrumentedStore) Neighbours(ctx context.Context, id string, rel graph.Relation, dir graph.Direction, p graph.Page) (*graph.Connection[graph.Link], error) {
	done := s.m.storeCall("Neighbours")
	v, err := s.Store.Neighbours(ctx, id, rel, dir, p)
	done(err)
	return v, err
}

func (s instrumentedStore) DeclareStandpoint(ctx context.Context, d graph.Declaration) (*graph.Declaration, error) {
	done := s.m.storeCall("DeclareStandpoint")
	v, err := s.Store.DeclareStandpoint(ctx, d)
	done(err)
	return v, err
}

func (s instrumentedStore) WithdrawStandpoint(ctx context.Context, contributorID, dimension, value string) error {
	done := s.m.storeCall("WithdrawStandpoint")
	err := s.Store.WithdrawStandpoint(ctx, contributorID, dimension, value)
	done(err)
	return err
}

func (s instrumentedStore) Declarations(ctx context.Context, contributorIDs []string) (map[string][]graph.Declaration, error) {
	done := s.m.storeCall("Declarations")
	v, err := s.Store.Declarations(ctx, contributorIDs)
	done(err)
	return v, err
}

func (s instrumentedStore) Changes(ctx context.Context, since uint64, limit int) ([]graph.Change, error) {
	done := s.m.storeCall("Changes")
	v, err := s.Store.Changes(ctx, since, limit)
	done(err)
	return v, err
}

func (s instrumentedStore) LastSeq(ctx context.Context) (uint64, error) {
	done := s.m.storeCall("LastSeq")
	v, err := s.Store.LastSeq(ctx)
	done(err)
	return v, err
}

func (s instrumentedStore) CreateToken(ctx context.Context, t graph.Token) error {
	done := s.m.storeCall("CreateToken")
	err := s.Store.CreateToken(ctx, t)
	done(err)
	return err
}

func (s instrumentedStore) TokenByHash(ctx context.Context, hash string) (*graph.Token, error) {
	done := s.m.storeCall("TokenByHash")
	v, err := s.Store.TokenByHash(ctx, hash)
	done(err)
	return v, err
}

func (s instrumentedStore) Tokens(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Token], error) {
	done := s.m.storeCall("Tokens")
	v, err := s.Store.Tokens(ctx, p)
	done(err)
	return v, err
}

func (s instrumentedStore) RevokeToken(ctx context.Context, id string) (*graph.Token, error) {
	done := s.m.storeCall("RevokeToken")
	v, err := s.Store.RevokeToken(ctx, id)
	done(err)
	return v, err
}

func (s instrumentedStore) Adjacency(ctx context.Context, ids []string, q graph.AdjacencyQuery) (map[string]graph.Adjacent, error) {
	done := s.m.storeCall("Adjacency")
	v, err := s.Store.Adjacency(ctx, ids, q)
	done(err)
	return v, err
}

func (s instrumentedStore) NeedsCare(ctx context.Context, check graph.HealthCheck, p graph.Page) (*graph.Connection[*graph.Document], error) {
	done := s.m.storeCall("NeedsCare")
	v, err := s.Store.NeedsCare(ctx, check, p)
	done(err)
	return v, err
}

func (s instrumentedStore) DocumentTitles(ctx context.Context, kinds []graph.Kind) ([]graph.DocumentTitle, error) {
	done := s.m.storeCall("DocumentTitles")
	v, err := s.Store.DocumentTitles(ctx, kinds)
	done(err)
	return v, err
}

func (s instrumentedStore) FlagDocument(ctx context.Context, documentID, reason string) (*graph.Flag, error) {
	done := s.m.storeCall("FlagDocument")
	v, err := s.Store.FlagDocument(ctx, documentID, reason)
	done(err)
	return v, err
}

func (s instrumentedStore) Flags(ctx context.Context, f graph.FlagFilter, p graph.Page) (*graph.Connection[*graph.Flag], error) {
	done := s.m.storeCall("Flags")
	v, err := s.Store.Flags(ctx, f, p)
	done(err)
	return v, err
}

func (s instrumentedStore) ResolveFlag(ctx context.Context, flagID string, decision graph.FlagDecision, note string) (*graph.Flag, error) {
	done := s.m.storeCall("ResolveFlag")
	v, err := s.Store.ResolveFlag(ctx, flagID, decision, note)
	done(err)
	return v, err
}

func (s instrumentedStore) SetHidden(ctx context.Context, id string, hidden bool) (*graph.Document, error) {
	done := s.m.storeCall("SetHidden")
	v, err := s.Store.SetHidden(ctx, id, hidden)
	done(err)
	return v, err
}

func (s instrumentedStore) StandpointCoverage(ctx context.Context, q graph.CoverageQuery) (*graph.Coverage, error) {
	done := s.m.storeCall("StandpointCoverage")
	v, err := s.Store.StandpointCoverage(ctx, q)
	done(err)
	return v, err
}

func (s instrumentedStore) ContributorNetwork(ctx context.Context, q graph.NetworkQuery) (*graph.Network, error) {
	done := s.m.storeCall("ContributorNetwork")
	v, err := s.Store.ContributorNetwork(ctx, q)
	done(err)
	return v, err
}

func (s instrumentedStore) AddComment(ctx context.Context, documentID, replyTo, body string) (*graph.Comment, error) {
	done := s.m.storeCall("AddComment")
	v, err := s.Store.AddComment(ctx, documentID, replyTo, body)
	done(err)
	return v, err
}

func (s instrumentedStore) EditComment(ctx context.Context, id, body string, version int) (*graph.Comment, error) {
	done := s.m.storeCall("EditComment")
	v, err := s.Store.EditComment(ctx, id, body, version)
	done(err)
	return v, err
}

func (s instrumentedStore) DeleteComment(ctx context.Context, id string) (*graph.Comment, error) {
	done := s.m.storeCall("DeleteComment")
	v, err := s.Store.DeleteComment(ctx, id)
	done(err)
	return v, err
}

func (s instrumentedStore) Comment(ctx context.Context, id string) (*graph.Comment, error) {
	done := s.m.storeCall("Comment")
	v, err := s.Store.Comment(ctx, id)
	done(err)
	return v, err
}

func (s instrumentedStore) Comments(ctx context.Context, documentID, parentID string, p graph.Page) (*graph.Connection[*graph.Comment], error) {
	done := s.m.storeCall("Comments")
	v, err := s.Store.Comments(ctx, documentID, parentID, p)
	done(err)
	return v, err
}

func (s instrumentedStore) CommentRevisions(ctx context.Context, id string, p graph.Page) (*graph.Connection[*graph.CommentRevision], error) {
	done := s.m.storeCall("CommentRevisions")
	v, err := s.Store.CommentRevisions(ctx, id, p)
	done(err)
	return v, err
}

func (s instrumentedStore) FlagComment(ctx context.Context, commentID, reason string) (*graph.Flag, error) {
	done := s.m.storeCall("FlagComment")
	v, err := s.Store.FlagComment(ctx, commentID, reason)
	done(err)
	return v, err
}
