package api_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// slowPost opens a connection to the env's server and sends the headers
// of a POST /graphql whose body is query, and first bytes of that body;
// the rest is the caller's to send, or not.
func (e *env) slowPost(token, query string, first int) (net.Conn, []byte) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	c, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	e.must(err, "dial")
	e.t.Cleanup(func() { c.Close() })
	auth := ""
	if token != "" {
		auth = "Authorization: Bearer " + token + "\r\n"
	}
	_, err = fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: maillage\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", auth, len(body), body[:first])
	e.must(err, "send headers")
	return c, body[first:]
}

// readResponse reads one HTTP answer from c, within a generous deadline.
func readResponse(t *testing.T, c net.Conn) (int, gqlError, string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read the answer: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var body struct{ Errors []gqlError }
	json.Unmarshal(raw, &body)
	var first gqlError
	if len(body.Errors) > 0 {
		first = body.Errors[0]
	}
	return res.StatusCode, first, res.Header.Get("Content-Type") + " " + string(raw)
}

// waitInFlight polls /metrics until n GraphQL requests are in flight.
func (e *env) waitInFlight(n float64) {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for e.metrics().value("maillage_graphql_requests_in_flight") < n {
		if time.Now().After(deadline) {
			e.t.Fatalf("never %v requests in flight:\n%s", n, e.metrics().grep("maillage_graphql_requests_in_flight"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Issue #15, item 5: clients that send their body a byte at a time, more
// of them than the concurrency cap, used to hold every slot while the
// transport waited for their bodies, and everyone else got 503.
func TestSlowBodiesHoldNoSlot(t *testing.T) {
	t.Parallel()
	const slots, slow = 2, 6
	e := newEnvWith(t, envOptions{config: func(c *api.Config) {
		c.Limits.MaxConcurrent = slots
		c.Limits.QueueWait = 100 * time.Millisecond
	}})
	conns := make([]net.Conn, slow)
	rests := make([][]byte, slow)
	for i := range conns {
		conns[i], rests[i] = e.slowPost("", `{ __typename }`, 1)
	}
	e.waitInFlight(slow) // every trickler has reached the handler
	for i := range 3 {
		if r := e.query("", `{ __typename }`, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("request %d while %d bodies trickle past a cap of %d: %d %s", i, slow, slots, r.Status, r.Raw)
		}
	}
	// The tricklers are served once their bodies are in.
	for i, c := range conns {
		if _, err := c.Write(rests[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range conns {
		if status, first, raw := readResponse(t, c); status != http.StatusOK || first.Message != "" {
			t.Errorf("trickler %d once its body was in: %d %s", i, status, raw)
		}
	}
}

// A body that has not arrived within Limits.BodyTimeout is refused with a
// coded 408, however steadily it trickles, with a token or without (the
// deadline is set through every wrapper of the response writer).
func TestBodyTimeout(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{config: func(c *api.Config) { c.Limits.BodyTimeout = 300 * time.Millisecond }})
	e.contributor("alice", "Alice")
	alice := e.token(graph.RoleContributor, "alice")
	for _, token := range []string{"", alice} {
		c, rest := e.slowPost(token, `{ __typename }`, 1)
		var stop atomic.Bool
		go func() {
			for _, b := range rest {
				if stop.Load() {
					return
				}
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond) // a byte every 50 ms: 1 s for the body
			}
		}()
		start := time.Now()
		status, first, raw := readResponse(t, c)
		stop.Store(true)
		if status != http.StatusRequestTimeout || first.Extensions["code"] != "REQUEST_TIMEOUT" || !strings.Contains(raw, "application/json") {
			t.Fatalf("trickling body (token %t): %d %s", token != "", status, raw)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("refused after %s, with a body timeout of 300ms", took)
		}
	}
	e.query(alice, `{ __typename }`, nil).ok() // bodies that arrive in time are served
}

// The body's deadline is the connection's: it must be gone once the
// body is in, or net/http would cancel the request when it passes.
func TestBodyDeadlineDoesNotCancelTheOperation(t *testing.T) {
	t.Parallel()
	var cancelled atomic.Int64
	e := newEnvWith(t, envOptions{
		wrap:   func(s graph.Store) graph.Store { return slowStore{s, 400 * time.Millisecond, &cancelled} },
		config: func(c *api.Config) { c.Limits.BodyTimeout = 100 * time.Millisecond },
	})
	if r := e.query("", `{ notes { totalCount } }`, nil); r.Status != http.StatusOK || len(r.Errors) > 0 || cancelled.Load() != 0 {
		t.Fatalf("an operation longer than the body timeout: %d, %d store calls cancelled, %s", r.Status, cancelled.Load(), r.Raw)
	}
}

// Issue #15, item 7: the automatic persisted-query cache used to answer
// anyone's hash with the document someone else registered, telling them
// somebody sent it. A viewer now finds only its own.
func TestPersistedQueriesArePerViewer(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{config: func(c *api.Config) { c.ClientIPHeader = "X-Forwarded-For" }})
	e.contributor("alice", "Alice")
	e.contributor("bob", "Bob")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")
	alice, alice2 := e.token(graph.RoleContributor, "alice"), e.token(graph.RoleContributor, "alice")
	bob, curator := e.token(graph.RoleContributor, "bob"), e.token(graph.RoleCurator, "")

	// persistedFrom is e.persisted from a client address.
	persistedFrom := func(addr, token, query, hash string) *response {
		t.Helper()
		body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
		if query != "" {
			body["query"] = query
		}
		b, _ := json.Marshal(body)
		h := map[string]string{"Content-Type": "application/json", "X-Forwarded-For": addr}
		if token != "" {
			h["Authorization"] = "Bearer " + token
		}
		return e.raw("POST", "", b, h)
	}
	notFound := func(who string, r *response) {
		t.Helper()
		if r.code() != "PERSISTED_QUERY_NOT_FOUND" || r.Data != nil {
			t.Errorf("%s asking by another viewer's hash: %d %s", who, r.Status, r.Raw)
		}
	}

	// Alice registers a query that says what she looks at.
	q := `query { node(id: "` + gid(graph.KindNote, "n1") + `") { id } notes { totalCount } }`
	persistedFrom("192.0.2.1", alice, q, sha(q)).ok()
	persistedFrom("192.0.2.1", alice, "", sha(q)).ok() // hers to use again
	notFound("an anonymous caller", persistedFrom("192.0.2.1", "", "", sha(q)))
	notFound("another contributor", persistedFrom("192.0.2.1", bob, "", sha(q)))
	notFound("a curator", persistedFrom("192.0.2.1", curator, "", sha(q)))
	notFound("alice's other token", persistedFrom("192.0.2.1", alice2, "", sha(q)))

	// An anonymous caller's documents are its client address's.
	a := `query { notes(first: 1) { totalCount } }`
	persistedFrom("192.0.2.7", "", a, sha(a)).ok()
	if r := persistedFrom("192.0.2.7", "", "", sha(a)).ok(); r.num("notes.totalCount") != 1 {
		t.Errorf("same address, by hash: %s", r.Raw)
	}
	notFound("an anonymous caller elsewhere", persistedFrom("198.51.100.3", "", "", sha(a)))
	notFound("a signed-in caller at the same address", persistedFrom("192.0.2.7", alice, "", sha(a)))
	// Each registers its own copy, and finds it.
	persistedFrom("198.51.100.3", "", a, sha(a)).ok()
	persistedFrom("198.51.100.3", "", "", sha(a)).ok()
}
