package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// raw sends one hand-made request to the env's /graphql.
func (e *env) raw(method, query string, body []byte, header map[string]string) *response {
	e.t.Helper()
	u := e.srv.URL + "/graphql"
	if query != "" {
		u += "?" + query
	}
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, u, rd)
	e.must(err, "new request")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return e.send(req)
}

func TestGraphQLOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	alice := e.token(graph.RoleContributor, "alice")
	jsonCT := map[string]string{"Content-Type": "application/json"}
	body := func(v any) []byte { b, _ := json.Marshal(v); return b }
	q := body(map[string]any{"query": "{ __typename }"})

	t.Run("Accept picks the media type", func(t *testing.T) {
		for accept, want := range map[string]string{
			"":                                  "application/json",
			"*/*":                               "application/json",
			"application/json":                  "application/json",
			"application/graphql-response+json": "application/graphql-response+json",
			"application/graphql-response+json, application/json;q=0.9": "application/graphql-response+json",
			"application/graphql-response+json;q=0.5, application/json": "application/json",
			"text/html, application/*;q=0.8":                            "application/json",
		} {
			h := map[string]string{"Content-Type": "application/json"}
			if accept != "" {
				h["Accept"] = accept
			}
			r := e.raw("POST", "", q, h)
			if ct := r.Header.Get("Content-Type"); r.Status != 200 || ct != want+"; charset=utf-8" {
				t.Errorf("Accept %q: %d %q, want %s", accept, r.Status, ct, want)
			}
		}
		r := e.raw("POST", "", q, map[string]string{"Content-Type": "application/json", "Accept": "text/html"})
		if r.Status != http.StatusNotAcceptable || r.code() != "NOT_ACCEPTABLE" {
			t.Errorf("Accept text/html: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("mutation over GET is 405 and runs nothing", func(t *testing.T) {
		before := e.lastSeq()
		r := e.raw("GET", "query="+url.QueryEscape(`mutation { createNote(input: {title: "x", visibility: PUBLIC}) { note { id } } }`), nil,
			map[string]string{"Authorization": "Bearer " + alice})
		if r.Status != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "POST" || r.code() != "METHOD_NOT_ALLOWED" || e.lastSeq() != before {
			t.Errorf("GET mutation: %d Allow=%q %s", r.Status, r.Header.Get("Allow"), r.Raw)
		}
	})
	t.Run("other methods are 405", func(t *testing.T) {
		for _, m := range []string{"PUT", "DELETE", "PATCH", "OPTIONS"} {
			r := e.raw(m, "", q, jsonCT)
			if r.Status != http.StatusMethodNotAllowed || !strings.Contains(r.Header.Get("Allow"), "POST") {
				t.Errorf("%s: %d Allow=%q", m, r.Status, r.Header.Get("Allow"))
			}
		}
	})
	t.Run("content types", func(t *testing.T) {
		for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/graphql"} {
			h := map[string]string{}
			if ct != "" {
				h["Content-Type"] = ct
			}
			r := e.raw("POST", "", q, h)
			if r.Status != http.StatusUnsupportedMediaType || r.code() != "UNSUPPORTED_MEDIA_TYPE" {
				t.Errorf("Content-Type %q: %d %s", ct, r.Status, r.Raw)
			}
		}
		if r := e.raw("POST", "", q, map[string]string{"Content-Type": "application/json; charset=UTF-8"}); r.Status != 200 {
			t.Errorf("charset=UTF-8: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("malformed requests are 400 BAD_REQUEST", func(t *testing.T) {
		for name, b := range map[string][]byte{
			"empty":              {},
			"not JSON":           []byte(`{"query": `),
			"trailing garbage":   []byte(`{"query": "{ __typename }"} x`),
			"array (batch)":      []byte(`[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`),
			"string":             []byte(`"{ __typename }"`),
			"query not a string": []byte(`{"query": 42}`),
			"variables a string": []byte(`{"query": "{ __typename }", "variables": "{}"}`),
			"extensions a list":  []byte(`{"query": "{ __typename }", "extensions": []}`),
			"no query":           []byte(`{"variables": {}}`),
			"invalid UTF-8":      append([]byte(`{"query": "{ __typename } #`), 0xff, 0xfe, '"', '}'),
		} {
			r := e.raw("POST", "", b, jsonCT)
			if r.Status != http.StatusBadRequest || r.code() != "BAD_REQUEST" || r.Data != nil {
				t.Errorf("%s: %d %s", name, r.Status, r.Raw)
			}
		}
		for name, qs := range map[string]string{
			"no query":          "",
			"variables not map": "query=" + url.QueryEscape("{ __typename }") + "&variables=%5B%5D",
			"query twice":       "query=a&query=b",
			"invalid UTF-8":     "query=%7B%20__typename%20%7D%23%FF",
		} {
			r := e.raw("GET", qs, nil, nil)
			if r.Status != http.StatusBadRequest || r.code() != "BAD_REQUEST" {
				t.Errorf("GET %s: %d %s", name, r.Status, r.Raw)
			}
		}
	})
	t.Run("request errors have no data entry", func(t *testing.T) {
		for _, c := range []struct{ accept, query, code string }{
			{"application/graphql-response+json", "{", "GRAPHQL_PARSE_FAILED"},
			{"application/graphql-response+json", "{ nope }", "GRAPHQL_VALIDATION_FAILED"},
			{"application/json", "{", "GRAPHQL_PARSE_FAILED"},
			{"application/json", "{ nope }", "GRAPHQL_VALIDATION_FAILED"},
		} {
			r := e.raw("POST", "", body(map[string]any{"query": c.query}), map[string]string{"Content-Type": "application/json", "Accept": c.accept})
			want := 200
			if strings.Contains(c.accept, "graphql-response") {
				want = 400
			}
			if r.Status != want || r.code() != c.code || bytes.Contains(r.Raw, []byte(`"data"`)) {
				t.Errorf("%s with %s: %d %s", c.query, c.accept, r.Status, r.Raw)
			}
		}
	})
	t.Run("an executed operation always has data", func(t *testing.T) {
		r := e.raw("POST", "", body(map[string]any{"query": `{ node(id: "bm9wZQ") { id } }`}), map[string]string{"Content-Type": "application/json", "Accept": "application/graphql-response+json"})
		if r.Status != 200 || !bytes.Contains(r.Raw, []byte(`"data"`)) || len(r.Errors) == 0 {
			t.Errorf("field error: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("GET with variables and operationName", func(t *testing.T) {
		qs := url.Values{
			"query":         {`query A { __typename } query B($n: String!) { __type(name: $n) { name } }`},
			"operationName": {"B"},
			"variables":     {`{"n": "Note"}`},
		}
		r := e.raw("GET", qs.Encode(), nil, nil).ok()
		if r.str("__type.name") != "Note" {
			t.Errorf("GET B: %s", r.Raw)
		}
	})
}
