package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

func TestHTTPSurface(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")
	alice := e.token(graph.RoleContributor, "alice")

	get := func(path string) (int, http.Header, string) {
		t.Helper()
		res, err := e.srv.Client().Get(e.srv.URL + path)
		e.must(err, "GET "+path)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(b)
	}

	t.Run("healthz", func(t *testing.T) {
		status, _, body := get("/healthz")
		if status != http.StatusOK || body != "ok" {
			t.Errorf("GET /healthz: %d %q", status, body)
		}
	})
	t.Run("graphiql", func(t *testing.T) {
		status, h, body := get("/")
		if status != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "text/html") || !strings.Contains(strings.ToLower(body), "graphiql") {
			t.Errorf("GET /: %d %s", status, h.Get("Content-Type"))
		}
		if status, _, _ := get("/nowhere"); status != http.StatusNotFound {
			t.Errorf("GET /nowhere: %d", status)
		}
	})
	t.Run("GET query", func(t *testing.T) {
		r := e.getQuery("", `{ notes { totalCount } }`).ok()
		if r.num("notes.totalCount") != 1 {
			t.Errorf("GET query: %s", r.Raw)
		}
	})
	t.Run("GET mutation refused", func(t *testing.T) {
		before := e.lastSeq()
		r := e.getQuery(alice, `mutation { createNote(input: {title: "via GET", visibility: PUBLIC}) { note { id } } }`)
		if r.Status == http.StatusOK || len(r.Errors) == 0 || e.lastSeq() != before {
			t.Errorf("GET mutation: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("POST mutation", func(t *testing.T) {
		e.query(alice, `mutation { createNote(input: {title: "via POST", visibility: PUBLIC}) { note { id } } }`, nil).ok()
	})
	t.Run("body limit", func(t *testing.T) {
		before := e.lastSeq()
		big := `{"query":"mutation { createNote(input: {title: \"big\", visibility: PUBLIC, body: \"` + strings.Repeat("a", 1<<20) + `\"}) { note { id } } }"}`
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+"/graphql", strings.NewReader(big))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+alice)
		r := e.send(req)
		if r.Status != http.StatusRequestEntityTooLarge || r.code() != "REQUEST_TOO_LARGE" || e.lastSeq() != before {
			t.Errorf("oversized body: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("request ids and logs", func(t *testing.T) {
		r1 := e.query("", `query ListNotes { notes { totalCount } }`, nil).ok()
		r2 := e.query("", `query ListNotes { notes { totalCount } }`, nil).ok()
		id1, id2 := r1.Header.Get("X-Request-Id"), r2.Header.Get("X-Request-Id")
		if id1 == "" || id1 == id2 {
			t.Errorf("X-Request-Id %q then %q", id1, id2)
		}
		var line map[string]any
		for _, l := range e.logs.lines() {
			if l["request_id"] == id1 && l["msg"] == "request" {
				line = l
			}
		}
		if line == nil {
			t.Fatalf("no log line for request %s:\n%s", id1, e.logs)
		}
		if line["method"] != "POST" || line["path"] != "/graphql" || line["operation"] != "ListNotes" || line["status"] != float64(200) || line["duration"] == nil {
			t.Errorf("log line %v", line)
		}
	})
	t.Run("introspection", func(t *testing.T) {
		r := e.query("", `{ __schema { queryType { name } } __type(name: "Note") { interfaces { name } } }`, nil).ok()
		if r.str("__schema.queryType.name") != "Query" || len(r.list("__type.interfaces")) != 2 {
			t.Errorf("introspection: %s", r.Raw)
		}
	})
	t.Run("complexity limit", func(t *testing.T) {
		r := e.query("", `{ notes(first: 100) { nodes { backlinks(first: 100) { nodes { backlinks(first: 100) { nodes { title } } } } } } }`, nil)
		if len(r.Errors) == 0 {
			t.Errorf("a million-node query ran: %s", r.Raw)
		}
	})
}
