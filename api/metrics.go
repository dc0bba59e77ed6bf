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

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

// outcomeOf classifies an executed response by its errors' codes.
func outcomeOf(errs gqlerror.List) string {
	out := request.OutcomeOK
	for _, e := range errs {
		switch code, _ := e.Extensions["code"].(string); code {
		case graph.EINTERNAL:
			return request.OutcomeInternal
		case request.CodeTimeout:
			out = request.OutcomeTimeout
		default:
			if out == request.OutcomeOK {
				out = request.OutcomeError
			}
		}
	}
	return out
}

// outcomeOfStatus classifies what a middleware answered before GraphQL ran.
func outcomeOfStatus(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return request.OutcomeUnauthenticated
	case status == http.StatusTooManyRequests:
		return request.OutcomeRateLimited
	case status == http.StatusServiceUnavailable:
		return request.OutcomeOverloaded
	case status >= 500:
		return request.OutcomeInternal
	case status >= 400:
		return request.OutcomeRejected
	}
	return request.OutcomeOK
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
			Help:    "Time of one store transaction run for a request, by the store method that ran it.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1, 5},
		}, []string{"method"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "maillage_store_errors_total",
			Help: "Store transactions run for a request that failed, by store method and error code.",
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

// storeMetricsKey marks the contexts of the requests a handler serves,
// with its metrics: the store calls made for them are the ones its
// metrics count (a store may serve several handlers, and an import or a
// test writing to it directly is none of theirs).
type storeMetricsKey struct{}

// withStoreMetrics marks every request's context for m's store metrics.
func (m *metrics) withStoreMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), storeMetricsKey{}, m)))
	})
}

// observeStore is the graph.Observer of the store: it times the
// transactions run for m's requests by store method, and counts their
// errors by code.
func (m *metrics) observeStore(ctx context.Context, method string, took time.Duration, err error) {
	if ctx.Value(storeMetricsKey{}) != m {
		return
	}
	m.storeTime(method).Observe(took.Seconds())
	if err != nil {
		code := graph.ErrorCode(err)
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			code = request.CodeTimeout
		case errors.Is(err, context.Canceled):
			code = request.CodeCancelled
		}
		m.storeErrors.WithLabelValues(method, code).Inc()
	}
}

// observeSearch counts one search of the index, which took took.
func (m *metrics) observeSearch(took time.Duration, err error) {
	outcome := request.OutcomeOK
	if err != nil {
		outcome = request.OutcomeError
	}
	m.search.WithLabelValues(outcome).Observe(took.Seconds())
}

// indexLagTimeout bounds the store read of one scrape of the index lag.
const indexLagTimeout = 2 * time.Second

// watchIndex exports maillage_search_index_lag, the store changes the
// search index has not applied yet (what /readyz waits on), read at scrape
// time. NaN when the index or the store does not answer; absent when
// search is off.
func (m *metrics) watchIndex(ix *search.Index, store seqReader) {
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

// watchCache exports the counters of a store that keeps a document cache
// (c not nil), read at scrape time.
func (m *metrics) watchCache(c cacheStats) {
	if c == nil {
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
			ri := request.From(r.Context())
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			outcome, op, query := outcomeOfStatus(status), "", ""
			if ri != nil {
				outcome, op, query = ri.Settle(outcome)
			}
			series := m.operation(op)
			m.countRequest(series, outcome)
			series.latency.Observe(elapsed.Seconds())
			if request.On(slow) && elapsed >= slow {
				m.slow.Inc()
				if len(query) > 4096 {
					query = query[:4096] + "…"
				}
				logger.LogAttrs(r.Context(), slog.LevelWarn, "slow query",
					slog.String("request_id", request.ID(r.Context())),
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
