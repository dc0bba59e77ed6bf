package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

func sha(q string) string { h := sha256.Sum256([]byte(q)); return hex.EncodeToString(h[:]) }

// persisted posts a request with the APQ extension; query may be empty.
func (e *env) persisted(token, query, hash string) *response {
	e.t.Helper()
	body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
	if query != "" {
		body["query"] = query
	}
	b, _ := json.Marshal(body)
	h := map[string]string{"Content-Type": "application/json"}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return e.raw("POST", "", b, h)
}

func TestAutomaticPersistedQueries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")
	q := `query Count { notes { totalCount } }`

	if r := e.persisted("", "", sha(q)); r.code() != "PERSISTED_QUERY_NOT_FOUND" || r.Errors[0].Message != "PersistedQueryNotFound" {
		t.Fatalf("unknown hash: %s", r.Raw) // the message Apollo clients look for
	}
	if r := e.persisted("", q, sha(q)).ok(); r.num("notes.totalCount") != 1 {
		t.Fatalf("query with its hash: %s", r.Raw)
	}
	if r := e.persisted("", "", sha(q)).ok(); r.num("notes.totalCount") != 1 {
		t.Fatalf("hash alone once registered: %s", r.Raw)
	}
	// Over GET too, the way Apollo sends persisted queries for CDNs.
	qs := url.Values{"extensions": {`{"persistedQuery":{"version":1,"sha256Hash":"` + sha(q) + `"}}`}}
	if r := e.raw("GET", qs.Encode(), nil, nil).ok(); r.num("notes.totalCount") != 1 {
		t.Fatalf("GET by hash: %s", r.Raw)
	}
	if r := e.persisted("", q, sha("something else")); r.code() != "BAD_REQUEST" {
		t.Errorf("mismatched hash: %s", r.Raw)
	}
	// A document registered by hash is held to the same limits.
	deep := "{ " + strings.Repeat("notes { nodes { backlinks { nodes { ", 5) + "id" + strings.Repeat(" } } } }", 5) + " }"
	if r := e.persisted("", deep, sha(deep)); r.code() != "DEPTH_LIMIT_EXCEEDED" {
		t.Errorf("deep persisted query: %s", r.Raw)
	}
	if r := e.persisted("", "", sha(deep)); r.code() != "DEPTH_LIMIT_EXCEEDED" && r.code() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("deep persisted query by hash: %s", r.Raw)
	}
}

func TestAllowList(t *testing.T) {
	t.Parallel()
	listed := `query Count { notes { totalCount } }`
	dir := t.TempDir()
	relay := filepath.Join(dir, "relay.json")
	apollo := filepath.Join(dir, "apollo.json")
	os.WriteFile(relay, []byte(`{"count-v1": `+strconvQuote(listed)+`}`), 0o600)
	os.WriteFile(apollo, []byte(`{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id": "`+sha(listed)+`", "name": "Count", "type": "query", "body": `+strconvQuote(listed)+`}]}`), 0o600)
	for _, path := range []string{relay, apollo} {
		list, err := api.LoadAllowList(path)
		if err != nil || list.Len() != 1 {
			t.Fatalf("LoadAllowList(%s): %v", filepath.Base(path), err)
		}
	}
	list, _ := api.LoadAllowList(relay)
	e := newEnvWith(t, envOptions{config: func(c *api.Config) { c.AllowList = list }})
	e.contributor("alice", "Alice")
	alice := e.token(graph.RoleContributor, "alice")

	e.query("", listed, nil).ok()              // the listed document, sent in full
	e.persisted("", "", sha(listed)).ok()      // by its hash
	e.persisted("", "", "count-v1").ok()       // by the list's own id
	e.query(alice, `{ __typename }`, nil).ok() // signed-in viewers are exempt
	for name, r := range map[string]*response{
		"unlisted document":   e.query("", `{ __typename }`, nil),
		"unlisted hash":       e.persisted("", "", sha(`{ __typename }`)),
		"unlisted registered": e.persisted("", `{ __typename }`, sha(`{ __typename }`)),
	} {
		if r.code() != "PERSISTED_QUERY_NOT_IN_LIST" || r.Data != nil {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	if r := e.persisted("", `{ __typename }`, "count-v1"); r.code() != "BAD_REQUEST" {
		t.Errorf("listed id with another document: %s", r.Raw)
	}
	// With graphql-response+json a refusal is a 400, as any request error.
	b, _ := json.Marshal(map[string]string{"query": `{ __typename }`})
	r := e.raw("POST", "", b, map[string]string{"Content-Type": "application/json", "Accept": "application/graphql-response+json"})
	if r.Status != http.StatusBadRequest || r.code() != "PERSISTED_QUERY_NOT_IN_LIST" {
		t.Errorf("graphql-response+json refusal: %d %s", r.Status, r.Raw)
	}
	if _, err := api.LoadAllowList(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing allow-list file loaded")
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`["not", "a", "map"]`), 0o600)
	if _, err := api.LoadAllowList(bad); err == nil {
		t.Error("a list of strings loaded as an allow-list")
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }
