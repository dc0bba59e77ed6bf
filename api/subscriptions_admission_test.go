package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// Operations sent over a WebSocket — queries and mutations as subscribe
// messages, not only subscriptions — are admitted as HTTP requests are:
// the token is checked for each, each spends the rate budget, the
// concurrency caps and the timeout apply. Each test replays an attack on
// a real socket against the real server.

const privateTitleQuery = `query($id: ID!) { node(id: $id) { ... on Note { title } } }`

// result waits for the one result of a query or mutation sent on the
// socket: its payload, then the complete.
func (c *wsClient) result(id string) *response {
	c.t.Helper()
	m := c.readFor(id)
	if m.Type != "next" {
		c.t.Fatalf("got %s %s for %s, want next", m.Type, m.Payload, id)
	}
	r := &response{t: c.t, Status: http.StatusOK, Raw: m.Payload}
	if err := json.Unmarshal(m.Payload, r); err != nil {
		c.t.Fatalf("payload: %v: %s", err, m.Payload)
	}
	if done := c.readFor(id); done.Type != "complete" {
		c.t.Fatalf("got %s %s after the result of %s, want complete", done.Type, done.Payload, id)
	}
	return r
}

// A token revoked while its socket is open cannot run one more query or
// mutation on it: the operation is refused and the socket closed with
// 4403 at once, not at the next periodic check (an hour here).
func TestRevokedTokenRefusesSocketOperations(t *testing.T) {
	for _, op := range []string{"query", "mutation"} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = time.Hour })
			w.doc(graph.Document{ID: "n3", Title: "Notes confidentielles", Visibility: graph.VisibilityPrivate}, "bob")
			carol := w.revocableCurator()
			c := w.connect(carol)
			c.subscribe("before", privateTitleQuery, vars{"id": gid(graph.KindNote, "n3")})
			if r := c.result("before").ok(); r.str("node.title") != "Notes confidentielles" {
				t.Fatalf("before the revocation: %s", r.Raw)
			}

			w.revoke(carol)
			const written = "Écrit après la révocation"
			if op == "query" {
				c.subscribe("after", privateTitleQuery, vars{"id": gid(graph.KindNote, "n3")})
			} else {
				c.subscribe("after", `mutation($t: String!) { createNote(input: {title: $t, visibility: PRIVATE}) { note { id } } }`,
					vars{"t": written})
			}
			code, reason := c.closed()
			if code != 4403 || !strings.Contains(reason, "revoked") {
				t.Fatalf("closed with %d %q, want 4403 saying the token was revoked", code, reason)
			}
			frames := c.frames()
			if n := strings.Count(frames, "Notes confidentielles"); n != 1 {
				t.Fatalf("the private title went out %d times, want once (before the revocation):\n%s", n, frames)
			}
			if strings.Contains(frames, `"createNote"`) {
				t.Fatalf("the mutation answered after the revocation:\n%s", frames)
			}
			titles := w.query(w.curator, `{ notes(first: 100) { nodes { title } } }`, nil).ok()
			if strings.Contains(string(titles.Raw), written) {
				t.Fatalf("the revoked token created a note: %s", titles.Raw)
			}
		})
	}
}

// A token that expires while its socket is open is refused on the next
// operation, and the socket closed with 4403.
func TestExpiredTokenRefusesSocketOperations(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = time.Hour })
	w.contributor("dora", "Dora")
	w.doc(graph.Document{ID: "n4", Title: "Brouillon de Bob", Visibility: graph.VisibilityPrivate}, "bob")
	exp := time.Now().Add(500 * time.Millisecond)
	c := w.connect(w.expiringToken(graph.RoleCurator, "dora", exp))
	c.subscribe("before", privateTitleQuery, vars{"id": gid(graph.KindNote, "n4")})
	if r := c.result("before").ok(); r.str("node.title") != "Brouillon de Bob" {
		t.Fatalf("while the token is valid: %s", r.Raw)
	}
	time.Sleep(time.Until(exp) + 50*time.Millisecond) // the expiry is a time, not an event
	c.subscribe("after", privateTitleQuery, vars{"id": gid(graph.KindNote, "n4")})
	code, reason := c.closed()
	if code != 4403 || !strings.Contains(reason, "expired") {
		t.Fatalf("closed with %d %q, want 4403 saying the token has expired", code, reason)
	}
	if n := strings.Count(c.frames(), "Brouillon de Bob"); n != 1 {
		t.Fatalf("the private title went out %d times, want once:\n%s", n, c.frames())
	}
}

// 600 anonymous coverage operations on one socket spend the address's
// budget as 600 HTTP requests would: past the burst they are refused with
// RATE_LIMITED, and the budget is the one HTTP requests spend.
func TestSocketOperationsSpendTheRateBudget(t *testing.T) {
	t.Parallel()
	// The default burst, and next to no refill: what the socket may run is
	// then exactly the burst, whatever the speed of the machine.
	e, _ := coverageWorld(t, func(c *api.Config) { c.Limits.RatePerIP, c.Limits.BurstPerIP = 0.01, 60 })
	c, _, err := e.dialWS(dialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c.init("")
	const n = 600
	// Sent from another goroutine: the results come back meanwhile.
	go func() {
		for i := range n {
			c.subscribe(fmt.Sprint("c", i), `{ coverage(query: "jardin") { documentCount } }`, nil)
		}
	}()
	codes := map[string]int{}
	var message string
	for i := range n {
		r := c.result(fmt.Sprint("c", i))
		codes[r.code()]++
		if r.code() == "RATE_LIMITED" {
			message = r.Errors[0].Message
		}
	}
	// The upgrade spent one request of the burst.
	if codes[""] < 55 || codes[""] > 60 || codes["RATE_LIMITED"] != n-codes[""] {
		t.Fatalf("outcomes by code %v: want the burst (59) run and the rest of %d refused with RATE_LIMITED", codes, n)
	}
	if !strings.Contains(message, "from this address") {
		t.Errorf("message %q", message)
	}
	if r := e.query("", `{ __typename }`, nil); r.Status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" {
		t.Fatalf("over HTTP after the socket spent the budget: %d %s", r.Status, r.Raw)
	}
}

// The document limits refuse a query on a socket with the code they give
// over HTTP.
func TestSocketOperationsHaveTheDocumentLimits(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Limits.MaxDepth = 6 })
	c := w.connect(w.bob)
	for i, q := range []string{
		`{ notes { nodes { backlinks { nodes { backlinks { nodes { title } } } } } } }`,
		`{ notes(first: 100) { nodes { backlinks(first: 100) { nodes { backlinks(first: 100) { totalCount } } } } } }`,
	} {
		httpCode := w.query(w.bob, q, nil).code()
		if httpCode == "" {
			t.Fatalf("%s passes over HTTP: the test proves nothing", q)
		}
		id := fmt.Sprint(i)
		c.subscribe(id, q, nil)
		if code, msg := c.failure(id); code != httpCode {
			t.Errorf("%s: %q (%s) over the socket, %s over HTTP", q, code, msg, httpCode)
		}
	}
}

// gatedStore holds ListDocuments until open is closed or the call's
// context ends, and counts the calls waiting.
type gatedStore struct {
	graph.Store
	open    chan struct{}
	waiting *atomic.Int64
}

func (s gatedStore) ListDocuments(ctx context.Context, f graph.DocumentFilter, o graph.DocumentOrder, p graph.Page) (*graph.Connection[*graph.Document], error) {
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	select {
	case <-s.open:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Store.ListDocuments(ctx, f, o, p)
}

func gatedWorld(t *testing.T, config func(*api.Config)) (*liveWorld, gatedStore) {
	g := gatedStore{open: make(chan struct{}), waiting: &atomic.Int64{}}
	w := newLiveWorldWith(t, envOptions{wrap: func(s graph.Store) graph.Store { g.Store = s; return g }, config: config})
	return w, g
}

const slowQuery = `{ notes { totalCount } }`

// A socket runs at most MaxOperationsPerConnection queries at once; one
// more waits QueueWait for its turn, then is refused.
func TestSocketBoundsItsRunningOperations(t *testing.T) {
	t.Parallel()
	w, g := gatedWorld(t, func(c *api.Config) {
		c.Live.MaxOperationsPerConnection = 2
		c.Limits.QueueWait = 50 * time.Millisecond
	})
	c := w.connect(w.bob)
	c.subscribe("a", slowQuery, nil)
	c.subscribe("b", slowQuery, nil)
	waitFor(t, "two operations in the store", func() bool { return g.waiting.Load() == 2 })
	c.subscribe("c", slowQuery, nil)
	c.wantFailure("c", "RATE_LIMITED")
	if n := g.waiting.Load(); n != 2 {
		t.Fatalf("%d operations in the store, want 2", n)
	}
	close(g.open)
	c.result("a").ok()
	c.result("b").ok()
	c.subscribe("d", slowQuery, nil)
	c.result("d").ok()
}

// An operation on a socket holds a slot of the server's concurrency cap,
// as an HTTP request does.
func TestSocketOperationsShareTheConcurrencyCap(t *testing.T) {
	t.Parallel()
	w, g := gatedWorld(t, func(c *api.Config) {
		c.Limits.MaxConcurrent = 1
		c.Limits.QueueWait = 50 * time.Millisecond
	})
	c := w.connect(w.bob)
	c.subscribe("a", slowQuery, nil)
	waitFor(t, "the socket's operation in the store", func() bool { return g.waiting.Load() == 1 })
	if r := w.query(w.bob, `{ __typename }`, nil); r.Status != http.StatusServiceUnavailable || r.code() != "OVERLOADED" {
		t.Fatalf("HTTP request while the socket holds the only slot: %d %s", r.Status, r.Raw)
	}
	c.subscribe("b", `{ __typename }`, nil)
	c.wantFailure("b", "OVERLOADED")
	close(g.open)
	c.result("a").ok()
	w.query(w.bob, `{ __typename }`, nil).ok()
}

// The request timeout stops an operation on a socket too.
func TestSocketOperationsTimeOut(t *testing.T) {
	t.Parallel()
	w, g := gatedWorld(t, func(c *api.Config) { c.Limits.Timeout = 200 * time.Millisecond })
	c := w.connect(w.bob)
	c.subscribe("a", slowQuery, nil)
	c.wantFailure("a", "TIMEOUT")
	waitFor(t, "the store call ended", func() bool { return g.waiting.Load() == 0 })
	c.subscribe("b", `{ __typename }`, nil)
	c.result("b").ok()
}

// A message that is not one of graphql-transport-ws closes the socket with
// 4400, as the protocol says; gqlgen alone answers some with an error and
// goes on, and closes others with 1002.
func TestInvalidSocketMessageCloses4400(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, nil)
	for _, raw := range []string{
		`pas du JSON`,
		`["subscribe"]`,
		`{"id": "1", "payload": {"query": "{ __typename }"}}`,
		`{"type": "demande", "id": "1"}`,
		`{"type": "next", "id": "1", "payload": {"data": {}}}`,
		`{"type": "subscribe", "id": "1"}`,
		`{"type": "subscribe", "payload": {"query": "{ __typename }"}}`,
		`{"type": "subscribe", "id": "", "payload": {"query": "{ __typename }"}}`,
		`{"type": "subscribe", "id": 7, "payload": {"query": "{ __typename }"}}`,
		`{"type": "subscribe", "id": "1", "payload": {"query": 42}}`,
		`{"type": "subscribe", "id": "1", "payload": {"query": "{ __typename }", "variables": [1]}}`,
		`{"type": "subscribe", "id": "1", "payload": "{ __typename }"}`,
		`{"type": "complete"}`,
	} {
		c := w.connect("")
		if err := c.conn.Write(t.Context(), websocket.MessageText, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		if code, reason := c.closed(); code != 4400 {
			t.Errorf("%s: closed with %d %q, want 4400", raw, code, reason)
		}
	}
}

// A subscribe whose id is still running closes the socket with 4409; an
// id that has completed, either way, may be used again.
func TestDuplicateSocketIDCloses4409(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, nil)
	c := w.connect(w.bob)
	c.subscribe("q", `{ __typename }`, nil)
	c.result("q").ok()
	c.subscribe("q", `{ __typename }`, nil) // the query is over: its id is free
	c.result("q").ok()
	c.subscribe("s", docSub, vars{"id": gid(graph.KindNote, "n1")})
	c.quiet(50 * time.Millisecond)
	c.complete("s")
	c.subscribe("s", docSub, vars{"id": gid(graph.KindNote, "n1")}) // completed by the client
	c.quiet(50 * time.Millisecond)

	c.subscribe("s", `{ __typename }`, nil) // "s" is running
	code, reason := c.closed()
	if code != 4409 || !strings.Contains(reason, "s") {
		t.Fatalf("closed with %d %q, want 4409", code, reason)
	}
	// The two results of "q" say Query; the duplicate would be a third.
	if n := strings.Count(c.frames(), `"Query"`); n != 2 {
		t.Fatalf("%d results of { __typename }, want 2:\n%s", n, c.frames())
	}
}

// The protocol's other faults: a second connection_init closes with 4429,
// an operation before connection_init with 4401.
func TestSocketInitFaults(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, nil)
	c := w.connect("")
	c.sendInit("")
	if code, reason := c.closed(); code != 4429 {
		t.Errorf("second connection_init: closed with %d %q, want 4429", code, reason)
	}
	c, _, err := w.dialWS(dialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("1", `{ __typename }`, nil)
	if code, reason := c.closed(); code != 4401 {
		t.Errorf("subscribe before connection_init: closed with %d %q, want 4401", code, reason)
	}
}

// One token opens at most MaxConnectionsPerAddress sockets, from however
// many addresses: past it connection_init closes with 4429.
func TestSocketsPerToken(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) {
		c.Live.MaxConnectionsPerAddress = 2
		c.ClientIPHeader = "X-Forwarded-For"
	})
	dial := func(i int) *wsClient {
		c, _, err := w.dialWS(dialOptions{header: http.Header{"X-Forwarded-For": {fmt.Sprintf("192.0.2.%d", i)}}})
		if err != nil {
			t.Fatalf("dial from address %d: %v", i, err)
		}
		return c
	}
	first := dial(1)
	first.init(w.bob)
	dial(2).init(w.bob)
	third := dial(3)
	third.sendInit(w.bob)
	if code, reason := third.closed(); code != 4429 || !strings.Contains(reason, "token") {
		t.Fatalf("third socket of the token: closed with %d %q, want 4429", code, reason)
	}
	dial(4).init(w.alice) // another token is another client
	// A socket that ends gives its place back.
	first.conn.Close(websocket.StatusNormalClosure, "")
	waitFor(t, "the token's place back", func() bool {
		c := dial(5)
		c.sendInit(w.bob)
		m, ok := <-c.msgs
		c.conn.CloseNow()
		return ok && m.Type == "connection_ack"
	})
}
