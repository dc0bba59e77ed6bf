package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// FuzzHandler sends random documents, variables and headers to the real
// handler over loopback. Whatever comes in, the server answers: never a
// panic, never a 5xx (no store fault happens here, so INTERNAL would be a
// bug too), always a JSON body whose every error has a code.
//
//	go test ./api -run '^$' -fuzz FuzzHandler -fuzztime 60s
func FuzzHandler(f *testing.F) {
	s, err := embedded.Open(f.TempDir(), embedded.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	sys := graph.SystemContext(f.Context())
	if _, err := s.CreateContributor(sys, graph.Contributor{ID: "alice", Name: "Alice"}); err != nil {
		f.Fatal(err)
	}
	if _, err := s.CreateDocument(sys, graph.Document{ID: "n1", Kind: graph.KindNote, Title: "Une note", Visibility: graph.VisibilityPublic, Language: "fr"}, []string{"alice"}); err != nil {
		f.Fatal(err)
	}
	secret, hash := graph.NewTokenSecret()
	if err := s.CreateToken(sys, graph.Token{Hash: hash, Role: graph.RoleContributor, ContributorID: "alice", CreatedAt: time.Now()}); err != nil {
		f.Fatal(err)
	}
	logs := &logBuffer{}
	h := api.NewHandler(api.Config{Store: s, Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		Limits: api.Limits{RatePerIP: -1, RatePerToken: -1}})
	srv := httptest.NewServer(h)
	f.Cleanup(srv.Close)

	seeds := []struct {
		method           byte
		query, vars, ext string
		accept, ctype    string
		token, rawBody   string
	}{
		{0, `{ notes { totalCount nodes { title authors { name } } } }`, ``, ``, ``, `application/json`, ``, ``},
		{0, `query($id: ID!) { node(id: $id) { id ... on Note { backlinks(first: 3) { totalCount } } } }`, `{"id": "Tm90ZTpuMQ"}`, ``, `application/graphql-response+json`, `application/json`, ``, ``},
		{1, `{ __schema { types { name } } }`, ``, ``, `*/*`, ``, ``, ``},
		{0, `mutation { createNote(input: {title: "x", visibility: PUBLIC}) { note { id } } }`, ``, ``, ``, `application/json`, `good`, ``},
		{1, `mutation { createNote(input: {title: "x", visibility: PUBLIC}) { note { id } } }`, ``, ``, ``, ``, `good`, ``},
		{0, `{ notes(first: 99999999999) { totalCount } }`, ``, ``, ``, `application/json`, ``, ``},
		{0, `query($f: Int) { notes(first: $f) { totalCount } }`, `{"f": 1e400}`, ``, ``, `application/json`, ``, ``},
		{0, `{ ...A } fragment A on Query { ...A }`, ``, ``, ``, `application/json`, ``, ``},
		{0, ``, ``, `{"persistedQuery": {"version": 1, "sha256Hash": "00"}}`, ``, `application/json`, ``, ``},
		{0, ``, ``, `{"persistedQuery": [1]}`, ``, `application/json`, ``, ``},
		{0, ``, ``, ``, ``, `application/json`, ``, `[{"query": "{ __typename }"}]`},
		{0, ``, ``, ``, ``, `application/json`, ``, "{\"query\": \"{ __typename }\xff\"}"},
		{0, `{ __typename }`, ``, ``, `text/html`, `text/plain`, `mlg_bogus`, ``},
		{2, `{ __typename }`, ``, ``, ``, `application/json`, ``, ``},
		{0, `{ notes(filter: {category: "x"}) { totalCount } }`, `{"a": [[[[[[]]]]]]}`, ``, `application/json;q=0, */*;q=0`, `application/json; charset=latin1`, ``, ``},
	}
	for _, s := range seeds {
		f.Add(s.method, s.query, s.vars, s.ext, s.accept, s.ctype, s.token, s.rawBody)
	}
	f.Fuzz(func(t *testing.T, method byte, query, variables, extensions, accept, ctype, token, rawBody string) {
		var req *http.Request
		switch method % 3 {
		case 0:
			body := []byte(rawBody)
			if rawBody == "" {
				m := map[string]any{"query": query}
				if variables != "" {
					m["variables"] = json.RawMessage(variables)
				}
				if extensions != "" {
					m["extensions"] = json.RawMessage(extensions)
				}
				var err error
				if body, err = json.Marshal(m); err != nil {
					// Variables that are not JSON: send them as text.
					body = []byte(`{"query": ` + strconvQuote(query) + `, "variables": ` + variables + `}`)
				}
			}
			req, _ = http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/graphql", bytes.NewReader(body))
		case 1:
			qs := url.Values{"query": {query}}
			if variables != "" {
				qs.Set("variables", variables)
			}
			if extensions != "" {
				qs.Set("extensions", extensions)
			}
			req, _ = http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/graphql?"+qs.Encode(), nil)
		default:
			req, _ = http.NewRequestWithContext(t.Context(), "PUT", srv.URL+"/graphql", strings.NewReader(query))
		}
		// Header values a client library would refuse to send are skipped:
		// they never reach a server.
		for name, v := range map[string]string{"Accept": accept, "Content-Type": ctype} {
			if v != "" && validHeader(v) {
				req.Header.Set(name, v)
			}
		}
		switch token {
		case "":
		case "good":
			req.Header.Set("Authorization", "Bearer "+secret)
		default:
			if validHeader(token) {
				req.Header.Set("Authorization", "Bearer "+token)
			}
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("request failed: %v", err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("status %d for %s %q vars %q ext %q: %s", res.StatusCode, req.Method, query, variables, extensions, b)
		}
		var out struct {
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("status %d, body is not JSON: %v: %.300s", res.StatusCode, err, b)
		}
		for _, e := range out.Errors {
			if code, _ := e.Extensions["code"].(string); code == "" || code == graph.EINTERNAL {
				t.Fatalf("error without a code, or internal: %+v (query %q, vars %q)", e, query, variables)
			}
		}
		if strings.Contains(logs.String(), `"internal error"`) {
			t.Fatalf("an internal error was logged:\n%s", logs)
		}
	})
}

// validHeader reports whether Go's client would send v as a header value.
func validHeader(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
