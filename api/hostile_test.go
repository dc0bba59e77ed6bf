package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// hostileCases are documents built to hurt the server. Each must be
// refused before execution with the given code, and nothing written.
// The sizes sit past the defaults of api.DefaultLimits; BenchmarkHostile
// measures how long each refusal takes.
func hostileCases() []struct{ name, query, code string } {
	nest := func(n int) string {
		return "{ " + strings.Repeat("notes { nodes { backlinks { nodes { ", n) + "id" + strings.Repeat(" } } } }", n) + " }"
	}
	aliases := func(n int) string {
		var b strings.Builder
		b.WriteString("{ ")
		for i := range n {
			fmt.Fprintf(&b, "a%d: notes(first: 1) { totalCount } ", i)
		}
		b.WriteString("}")
		return b.String()
	}
	fanout := func(n int) string {
		// F0 spreads F1 twice, F1 spreads F2 twice…: 2^n paths.
		var b strings.Builder
		b.WriteString("{ notes { nodes { ...F0 } } }\n")
		for i := range n {
			fmt.Fprintf(&b, "fragment F%d on Note { id ...F%d ...F%d }\n", i, i+1, i+1)
		}
		fmt.Fprintf(&b, "fragment F%d on Note { title }\n", n)
		return b.String()
	}
	return []struct{ name, query, code string }{
		{"deep nesting", nest(5), "DEPTH_LIMIT_EXCEEDED"},
		{"nesting past the parser's limit", strings.Repeat("{ a ", 1200) + strings.Repeat("}", 1200), "GRAPHQL_PARSE_FAILED"},
		{"huge first", `{ notes(first: 1000000) { totalCount } }`, graph.EINVALID},
		{"nested pages", `{ notes(first: 100) { nodes { backlinks(first: 100) { nodes { backlinks(first: 100) { totalCount } } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"alias bomb", aliases(200), "ALIAS_LIMIT_EXCEEDED"},
		{"repeated field", "{ notes { nodes { " + strings.Repeat("title ", 5000) + "} } }", "SELECTION_LIMIT_EXCEEDED"},
		{"too many tokens", "{ notes { nodes { " + strings.Repeat("title ", 20000) + "} } }", "GRAPHQL_PARSE_FAILED"},
		{"too many root fields", "{ " + strings.Repeat("__typename ", 25) + "}", "ROOT_FIELD_LIMIT_EXCEEDED"},
		{"circular fragments", `{ notes { nodes { ...A } } } fragment A on Note { id ...B } fragment B on Note { title ...A }`, "GRAPHQL_VALIDATION_FAILED"},
		{"self-spreading fragment", `{ notes { nodes { ...A } } } fragment A on Note { ...A }`, "GRAPHQL_VALIDATION_FAILED"},
		{"fragment fan-out", fanout(40), "SELECTION_LIMIT_EXCEEDED"},
		{"mutation bomb", "mutation { " + strings.Repeat(`createNote(input: {title: "x", visibility: PUBLIC}) { note { id } } `, 30) + "}", "ROOT_FIELD_LIMIT_EXCEEDED"},
	}
}

func TestHostileDocumentsAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")
	alice := e.token(graph.RoleContributor, "alice")
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			before := e.lastSeq()
			r := e.query(alice, c.query, nil)
			if r.code() != c.code {
				t.Fatalf("code %q, want %q; status %d; %.300s", r.code(), c.code, r.Status, r.Raw)
			}
			if msg := r.Errors[0].Message; msg == "" || msg == "internal error" {
				t.Errorf("unclear message %q", msg)
			}
			if r.Status >= 500 || e.lastSeq() != before {
				t.Errorf("status %d, or something was written", r.Status)
			}
		})
	}
}

func TestHostileRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	jsonCT := map[string]string{"Content-Type": "application/json"}
	t.Run("batch of a thousand operations", func(t *testing.T) {
		ops := make([]map[string]string, 1000)
		for i := range ops {
			ops[i] = map[string]string{"query": "{ notes { totalCount } }"}
		}
		b, _ := json.Marshal(ops)
		r := e.raw("POST", "", b, jsonCT)
		if r.Status != http.StatusBadRequest || r.code() != "BAD_REQUEST" || !strings.Contains(r.Errors[0].Message, "batch") {
			t.Errorf("batch: %d %.300s", r.Status, r.Raw)
		}
	})
	t.Run("oversized variables", func(t *testing.T) {
		ids := make([]string, 200_000)
		for i := range ids {
			ids[i] = "Tm90ZTpuMQ"
		}
		b, _ := json.Marshal(map[string]any{"query": `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, "variables": map[string]any{"ids": ids}})
		r := e.raw("POST", "", b, jsonCT)
		if r.Status != http.StatusRequestEntityTooLarge || r.code() != "REQUEST_TOO_LARGE" {
			t.Errorf("2 MiB of variables: %d %.300s", r.Status, r.Raw)
		}
		// Under the body limit and the complexity limit, the list is still
		// too long for the field.
		b, _ = json.Marshal(map[string]any{"query": `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, "variables": map[string]any{"ids": ids[:5_000]}})
		if r := e.raw("POST", "", b, jsonCT); r.code() != graph.EINVALID {
			t.Errorf("5 000 ids: %d %.300s", r.Status, r.Raw)
		}
	})
	t.Run("variables nested past the JSON decoder's depth", func(t *testing.T) {
		deep := strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000)
		b := []byte(`{"query": "query($v: String) { __typename }", "variables": {"v": ` + deep + `}}`)
		if r := e.raw("POST", "", b, jsonCT); r.Status != http.StatusBadRequest || r.code() != "BAD_REQUEST" {
			t.Errorf("deep JSON: %d %.300s", r.Status, r.Raw)
		}
	})
	t.Run("invalid UTF-8 in a variable", func(t *testing.T) {
		b := append([]byte(`{"query": "query($t: String!) { notes(filter: {category: $t}) { totalCount } }", "variables": {"t": "`), 0xc3, 0x28, '"', '}', '}')
		if r := e.raw("POST", "", b, jsonCT); r.Status != http.StatusBadRequest || r.code() != "BAD_REQUEST" {
			t.Errorf("invalid UTF-8: %d %.300s", r.Status, r.Raw)
		}
	})
	t.Run("a long URL", func(t *testing.T) {
		r := e.raw("GET", "query="+strings.Repeat("%7B", 2<<20), nil, nil)
		if r.Status != http.StatusRequestHeaderFieldsTooLarge && r.Status != http.StatusBadRequest {
			t.Errorf("2 MiB URL: %d %.300s", r.Status, r.Raw)
		}
	})
}

func TestIntrospectionSwitch(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{config: func(c *api.Config) { c.DisableIntrospection = true }})
	for _, q := range []string{
		`{ __schema { queryType { name } } }`,
		`{ __type(name: "Note") { name } }`,
		`{ ...F } fragment F on Query { __schema { types { name } } }`,
		`{ ... on Query { __type(name: "Note") { name } } }`,
	} {
		if r := e.query("", q, nil); r.code() != "INTROSPECTION_DISABLED" || r.Data != nil {
			t.Errorf("%s: %.300s", q, r.Raw)
		}
	}
	if r := e.query("", `{ __typename notes { nodes { __typename } } }`, nil).ok(); r.str("__typename") != "Query" {
		t.Errorf("__typename: %s", r.Raw)
	}
}

// slowStore makes ListDocuments take delay, or end early with its
// context, and counts the calls its context cancelled.
type slowStore struct {
	graph.Store
	delay     time.Duration
	cancelled *atomic.Int64
}

func (s slowStore) ListDocuments(ctx context.Context, f graph.DocumentFilter, o graph.DocumentOrder, p graph.Page) (*graph.Connection[*graph.Document], error) {
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		s.cancelled.Add(1)
		return nil, ctx.Err()
	}
	return s.Store.ListDocuments(ctx, f, o, p)
}

func TestTimeoutCancelsStoreWork(t *testing.T) {
	t.Parallel()
	var cancelled atomic.Int64
	e := newEnvWith(t, envOptions{
		wrap:   func(s graph.Store) graph.Store { return slowStore{s, time.Minute, &cancelled} },
		config: func(c *api.Config) { c.Limits.Timeout = 200 * time.Millisecond },
	})
	r := e.query("", `query Slow { notes { totalCount } }`, nil)
	if r.code() != "TIMEOUT" || r.Status != http.StatusOK || cancelled.Load() != 1 {
		t.Fatalf("code %q, status %d, %d store calls cancelled: %s", r.code(), r.Status, cancelled.Load(), r.Raw)
	}
	if !strings.Contains(r.Errors[0].Message, "too long") {
		t.Errorf("message %q", r.Errors[0].Message)
	}
	// Fast operations are untouched.
	e.query("", `{ __typename }`, nil).ok()
}

func TestConcurrencyCap(t *testing.T) {
	t.Parallel()
	g := gatedStore{open: make(chan struct{}), waiting: &atomic.Int64{}}
	e := newEnvWith(t, envOptions{
		wrap: func(s graph.Store) graph.Store { g.Store = s; return g },
		config: func(c *api.Config) {
			c.Limits.MaxConcurrent = 1
			c.Limits.QueueWait = 50 * time.Millisecond
		},
	})
	first := make(chan *response, 1)
	go func() { first <- e.query("", `{ notes { totalCount } }`, nil) }()
	// The first request holds the only slot once it waits in the store.
	waitFor(t, "the first request in the store", func() bool { return g.waiting.Load() == 1 })
	r := e.query("", `{ __typename }`, nil)
	if r.Status != http.StatusServiceUnavailable || r.code() != "OVERLOADED" || r.Header.Get("Retry-After") != "1" {
		t.Errorf("second request: %d Retry-After=%q %s", r.Status, r.Header.Get("Retry-After"), r.Raw)
	}
	close(g.open)
	(<-first).ok()
	e.query("", `{ __typename }`, nil).ok() // the slot is free again
}

// BenchmarkHostileRefusals times the refusal of each hostile document
// over loopback: what an attacker costs the server per request.
func BenchmarkHostileRefusals(b *testing.B) {
	s, err := embedded.Open(b.TempDir(), embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	srv := httptest.NewServer(api.NewHandler(api.Config{Store: s, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits: api.Limits{RatePerIP: -1}}))
	b.Cleanup(srv.Close)
	for _, c := range hostileCases() {
		body, _ := json.Marshal(map[string]string{"query": c.query})
		b.Run(strings.ReplaceAll(c.name, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				res, err := srv.Client().Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		})
	}
}
