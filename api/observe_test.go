package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// metricsText is one scrape of /metrics.
type metricsText string

func (e *env) metrics() metricsText {
	e.t.Helper()
	res, err := e.srv.Client().Get(e.srv.URL + "/metrics")
	e.must(err, "GET /metrics")
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		e.t.Fatalf("GET /metrics: %d %s", res.StatusCode, b)
	}
	return metricsText(b)
}

// value is the sample of one series, written as in the exposition format
// (name{label="v",…}); -1 when absent.
func (m metricsText) value(series string) float64 {
	for _, l := range strings.Split(string(m), "\n") {
		if rest, ok := strings.CutPrefix(l, series+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}

func (m metricsText) grep(prefix string) string {
	var out []string
	for _, l := range strings.Split(string(m), "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")
	e.query("", `query ListNotes { notes { totalCount nodes { title } } }`, nil).ok()
	e.query("", `query ListNotes { notes { totalCount } }`, nil).ok()
	e.query("", `query Missing { node(id: "Tm90ZTpub3BlCg") { id } }`, nil)
	e.query("", `query Broken { nope }`, nil)
	e.query("mlg_not-a-token", `{ __typename }`, nil)

	m := e.metrics()
	for series, want := range map[string]float64{
		`maillage_graphql_requests_total{operation="ListNotes",outcome="ok"}`:          2,
		`maillage_graphql_requests_total{operation="Missing",outcome="error"}`:         1,
		`maillage_graphql_requests_total{operation="_none",outcome="rejected"}`:        1,
		`maillage_graphql_requests_total{operation="_none",outcome="unauthenticated"}`: 1,
		`maillage_graphql_request_duration_seconds_count{operation="ListNotes"}`:       2,
		`maillage_store_call_duration_seconds_count{method="ListDocuments"}`:           2,
		`maillage_store_errors_total{code="NOT_FOUND",method="TokenByHash"}`:           1,
	} {
		if got := m.value(series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if m.value("go_goroutines") <= 0 || m.value("maillage_graphql_requests_in_flight") != 0 {
		t.Errorf("runtime or in-flight gauges:\n%s\n%s", m.grep("go_goroutines"), m.grep("maillage_graphql_requests_in_flight"))
	}
}

func TestOperationLabelsAreBounded(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{config: func(c *api.Config) { c.Limits.RatePerIP = -1 }})
	for i := range 210 {
		e.query("", "query Op"+strconv.Itoa(i)+" { __typename }", nil).ok()
	}
	m := e.metrics()
	if n := strings.Count(m.grep("maillage_graphql_requests_total{"), "\n") + 1; n > 201 {
		t.Errorf("%d series for 210 operation names", n)
	}
	if m.value(`maillage_graphql_requests_total{operation="_other",outcome="ok"}`) != 10 {
		t.Errorf("names past the bound:\n%s", m.grep(`maillage_graphql_requests_total{operation="_other"`))
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	var notReady error
	e := newEnvWith(t, envOptions{config: func(c *api.Config) {
		c.Ready = func(ctx context.Context) error { return notReady }
	}})
	get := func(path string) (int, string) {
		t.Helper()
		res, err := e.srv.Client().Get(e.srv.URL + path)
		e.must(err, "GET "+path)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if s, b := get("/healthz"); s != 200 || b != "ok" {
		t.Errorf("/healthz: %d %q", s, b)
	}
	if s, b := get("/readyz"); s != 200 || !strings.Contains(b, "ready") {
		t.Errorf("/readyz: %d %q", s, b)
	}
	notReady = errors.New("search index 12 changes behind")
	if s, b := get("/readyz"); s != http.StatusServiceUnavailable || !strings.Contains(b, "12 changes behind") {
		t.Errorf("/readyz with the index behind: %d %q", s, b)
	}
	notReady = nil
	e.store.Close() // the store is gone: not ready, but still alive
	if s, _ := get("/readyz"); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the store closed: %d", s)
	}
	if s, _ := get("/healthz"); s != 200 {
		t.Errorf("/healthz with the store closed: %d", s)
	}
}

func TestSlowQueryLog(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{config: func(c *api.Config) { c.Limits.SlowQuery = time.Nanosecond }})
	r := e.query("", `query Everything { notes { totalCount } }`, vars{"secret": "never logged"}).ok()
	id := r.Header.Get("X-Request-Id")
	var line map[string]any
	for _, l := range e.logs.lines() {
		if l["msg"] == "slow query" && l["request_id"] == id {
			line = l
		}
	}
	if line == nil {
		t.Fatalf("no slow-query line for %s:\n%s", id, e.logs)
	}
	if line["level"] != "WARN" || line["operation"] != "Everything" || !strings.Contains(line["query"].(string), "notes { totalCount }") || line["duration"] == nil {
		t.Errorf("slow-query line %v", line)
	}
	if strings.Contains(e.logs.String(), "never logged") {
		t.Error("variables were logged")
	}
	// The default threshold (1 s) logs nothing for a fast query.
	fast := newEnv(t)
	fast.query("", `{ notes { totalCount } }`, nil).ok()
	if strings.Contains(fast.logs.String(), "slow query") {
		t.Error("a fast query was logged as slow")
	}
}
