package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// The tests run the real thing: the embedded store in a temporary
// directory, the API handler behind a real HTTP server on loopback, and
// real requests carrying real tokens.

// env is one store and one server.
type env struct {
	t     *testing.T
	store *embedded.Store
	srv   *httptest.Server
	logs  *logBuffer
	// config adjusts the configuration of every server the env starts.
	config func(*api.Config)
}

type envOptions struct {
	// wrap, when set, decorates the store the API sees.
	wrap     func(graph.Store) graph.Store
	taxonomy *graph.Taxonomy
	// config, when set, adjusts the handler's configuration (limits…).
	config func(*api.Config)
}

func newEnv(t *testing.T) *env { return newEnvWith(t, envOptions{}) }

func newEnvWith(t *testing.T, o envOptions) *env {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatalf("open embedded store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	e := &env{t: t, store: s, logs: &logBuffer{}, config: o.config}
	var st graph.Store = s
	if o.wrap != nil {
		st = o.wrap(s)
	}
	e.srv = e.serve(st, o.taxonomy)
	return e
}

// serve starts another server on the same store (another taxonomy, say).
func (e *env) serve(st graph.Store, tax *graph.Taxonomy) *httptest.Server {
	logger := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := api.Config{Store: st, Taxonomy: tax, Logger: logger}
	if e.config != nil {
		e.config(&cfg)
	}
	srv := httptest.NewServer(api.NewHandler(cfg))
	e.t.Cleanup(srv.Close)
	return srv
}

func (e *env) sys() context.Context { return graph.SystemContext(e.t.Context()) }

func (e *env) must(err error, what string) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

// contributor creates a contributor as the system.
func (e *env) contributor(id, name string) *graph.Contributor {
	e.t.Helper()
	c, err := e.store.CreateContributor(e.sys(), graph.Contributor{ID: id, Name: name})
	e.must(err, "create contributor "+id)
	return c
}

// token creates a token and returns its secret.
func (e *env) token(role graph.Role, contributorID string) string {
	e.t.Helper()
	secret, hash := graph.NewTokenSecret()
	e.must(e.store.CreateToken(e.sys(), graph.Token{Hash: hash, Role: role, ContributorID: contributorID, CreatedAt: time.Now()}), "create token")
	return secret
}

// doc creates a document as the system.
func (e *env) doc(d graph.Document, authors ...string) *graph.Document {
	e.t.Helper()
	if d.Kind == "" {
		d.Kind = graph.KindNote
	}
	if d.Visibility == "" {
		d.Visibility = graph.VisibilityPublic
	}
	if d.Language == "" {
		d.Language = "fr"
	}
	out, err := e.store.CreateDocument(e.sys(), d, authors)
	e.must(err, "create document "+d.ID)
	return out
}

func (e *env) link(rel graph.Relation, from, to string) {
	e.t.Helper()
	_, err := e.store.Link(e.sys(), graph.Link{Relation: rel, From: from, To: to})
	e.must(err, "link "+string(rel)+" "+from+" "+to)
}

func (e *env) lastSeq() uint64 {
	e.t.Helper()
	seq, err := e.store.LastSeq(e.sys())
	e.must(err, "LastSeq")
	return seq
}

// gid is the global id of a stored object.
func gid(kind graph.Kind, id string) string { return api.GlobalID(kind, id) }

// ---- requests ----

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	t      *testing.T
	Status int
	Header http.Header
	Raw    []byte
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
}

// code is the code of the first error, "" when there is none.
func (r *response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// ok fails the test if the response carries errors.
func (r *response) ok() *response {
	r.t.Helper()
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		r.t.Fatalf("status %d, errors %+v; body %s", r.Status, r.Errors, r.Raw)
	}
	return r
}

// wantCode fails the test unless the first error has code.
func (r *response) wantCode(code string) *response {
	r.t.Helper()
	if got := r.code(); got != code {
		r.t.Fatalf("error code %q, want %q; body %s", got, code, r.Raw)
	}
	return r
}

// get reads a value of the data by a dotted path: "notes.edges.0.node.id".
func (r *response) get(path string) any {
	r.t.Helper()
	var v any = r.Data
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(x) {
				r.t.Fatalf("path %s: no index %s in a list of %d; body %s", path, p, len(x), r.Raw)
			}
			v = x[i]
		default:
			r.t.Fatalf("path %s: cannot index %T with %s; body %s", path, v, p, r.Raw)
		}
	}
	return v
}

func (r *response) str(path string) string {
	r.t.Helper()
	s, ok := r.get(path).(string)
	if !ok {
		r.t.Fatalf("path %s: %v is not a string; body %s", path, r.get(path), r.Raw)
	}
	return s
}

func (r *response) num(path string) int {
	r.t.Helper()
	f, ok := r.get(path).(float64)
	if !ok {
		r.t.Fatalf("path %s: %v is not a number; body %s", path, r.get(path), r.Raw)
	}
	return int(f)
}

func (r *response) list(path string) []any {
	r.t.Helper()
	l, ok := r.get(path).([]any)
	if !ok {
		r.t.Fatalf("path %s: %v is not a list; body %s", path, r.get(path), r.Raw)
	}
	return l
}

type vars = map[string]any

// query posts a GraphQL request to the env's server.
func (e *env) query(token, query string, variables vars) *response {
	e.t.Helper()
	return e.queryAt(e.srv, token, query, variables)
}

func (e *env) queryAt(srv *httptest.Server, token, query string, variables vars) *response {
	e.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	e.must(err, "encode request")
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	e.must(err, "new request")
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.send(req)
}

// getQuery sends a query with GET.
func (e *env) getQuery(token, query string) *response {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodGet, e.srv.URL+"/graphql?query="+url.QueryEscape(query), nil)
	e.must(err, "new request")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) *response {
	e.t.Helper()
	res, err := e.srv.Client().Do(req)
	e.must(err, "send request")
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	e.must(err, "read response")
	r := &response{t: e.t, Status: res.StatusCode, Header: res.Header, Raw: raw}
	if len(raw) > 0 && strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(raw, r); err != nil {
			e.t.Fatalf("response is not JSON: %v: %s", err, raw)
		}
	}
	return r
}

// logBuffer collects the server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the log records decoded.
func (b *logBuffer) lines() []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(b.buf.String(), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
