package api_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

func TestBadInputIsBadUserInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")
	e.doc(graph.Document{ID: "t1", Kind: graph.KindTerm, Title: "Un terme"}, "alice")
	alice := e.token(graph.RoleContributor, "alice")
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

	cases := []struct {
		name, token, query string
		vars               vars
	}{
		{"id not base64", "", `query($id: ID!) { node(id: $id) { id } }`, vars{"id": "!!!"}},
		{"id padded", "", `query($id: ID!) { node(id: $id) { id } }`, vars{"id": base64.URLEncoding.EncodeToString([]byte("Note:n1"))}},
		{"id std alphabet", "", `query($id: ID!) { node(id: $id) { id } }`, vars{"id": base64.StdEncoding.EncodeToString([]byte("Note:n1>>"))}},
		{"id unknown kind", "", `query($id: ID!) { node(id: $id) { id } }`, vars{"id": b64("Planet:n1")}},
		{"id without kind", "", `query($id: ID!) { node(id: $id) { id } }`, vars{"id": b64("n1")}},
		{"id bad store id", "", `query($id: ID!) { node(id: $id) { id } }`, vars{"id": b64("Note:N 1")}},
		{"bad id among nodes", "", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars{"ids": []string{gid(graph.KindNote, "n1"), "x"}}},
		{"wrong kind in filter", "", `query($a: ID!) { notes(filter: {author: $a}) { totalCount } }`, vars{"a": gid(graph.KindNote, "n1")}},
		{"wrong kind for updateNote", alice, `mutation($id: ID!) { updateNote(input: {id: $id, version: 1, title: "x"}) { note { id } } }`, vars{"id": gid(graph.KindTerm, "t1")}},
		{"wrong kind for addToCarnet", alice, `mutation($d: ID!) { addToCarnet(documentId: $d, carnetId: $d) { link { relation } } }`, vars{"d": gid(graph.KindNote, "n1")}},
		{"bad cursor", "", `{ notes(after: "not-a-cursor") { totalCount } }`, nil},
		{"bad nested cursor", "", `query($id: ID!) { node(id: $id) { ... on Note { backlinks(after: "eyJ4IjoxfQ") { totalCount } } } }`, vars{"id": gid(graph.KindNote, "n1")}},
		{"first too large", "", `{ notes(first: 1000) { totalCount } }`, nil},
		{"first negative", "", `{ notes(first: -1) { totalCount } }`, nil},
		{"nested first too large", "", `query($id: ID!) { node(id: $id) { ... on Note { backlinks(first: 1000) { totalCount } } } }`, vars{"id": gid(graph.KindNote, "n1")}},
		{"first beyond Int", "", `{ notes(first: 99999999999) { totalCount } }`, nil},
		{"first beyond Int in a variable", "", `query($f: Int) { notes(first: $f) { totalCount } }`, vars{"f": 99999999999}},
		{"variable of the wrong type", "", `query($f: Int) { notes(first: $f) { totalCount } }`, vars{"f": "twenty"}},
		{"too many ids", "", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars{"ids": make([]string, 101)}},
		{"category without carnet", "", `{ notes(filter: {category: "x"}) { totalCount } }`, nil},
		{"bad time", alice, `mutation { createNote(input: {title: "x", visibility: PUBLIC, publishedAt: "yesterday"}) { note { id } } }`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.lastSeq()
			r := e.query(c.token, c.query, c.vars)
			if r.code() != graph.EINVALID {
				t.Errorf("code %q, want BAD_USER_INPUT: %s", r.code(), r.Raw)
			}
			if e.lastSeq() != before {
				t.Error("something was written")
			}
		})
	}
}

func TestInvalidWritesChangeNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	alice := e.token(graph.RoleContributor, "alice")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")

	cases := []struct {
		name, query string
		vars        vars
	}{
		{"empty title", `mutation { createNote(input: {title: "   ", visibility: PUBLIC}) { note { id } } }`, nil},
		{"over-long body", `mutation($b: String) { createNote(input: {title: "Long", body: $b, visibility: PUBLIC}) { note { id } } }`,
			vars{"b": strings.Repeat("é", graph.MaxBodyLen/2+1)}},
		{"over-long body on update", `mutation($id: ID!, $b: String) { updateNote(input: {id: $id, version: 1, body: $b}) { note { id } } }`,
			vars{"id": gid(graph.KindNote, "n1"), "b": strings.Repeat("a", graph.MaxBodyLen+1)}},
		{"empty title on update", `mutation($id: ID!) { updateNote(input: {id: $id, version: 1, title: ""}) { note { id } } }`,
			vars{"id": gid(graph.KindNote, "n1")}},
		{"unknown standpoint value", `mutation { declareStandpoint(dimension: "gender", value: "martian", visibility: PUBLIC) { declaration { value } } }`, nil},
		{"unknown standpoint dimension", `mutation { declareStandpoint(dimension: "star-sign", value: "leo", visibility: PRIVATE) { declaration { value } } }`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.lastSeq()
			e.query(alice, c.query, c.vars).wantCode(graph.EINVALID)
			if e.lastSeq() != before {
				t.Error("something was written")
			}
		})
	}
	r := e.query(alice, `query($a: ID!) { notes { totalCount nodes { title version } } node(id: $a) { ... on Contributor { standpoints { value } } } }`,
		vars{"a": gid(graph.KindContributor, "alice")}).ok()
	if r.num("notes.totalCount") != 1 || r.num("notes.nodes.0.version") != 1 || len(r.list("node.standpoints")) != 0 {
		t.Errorf("after refused writes: %s", r.Raw)
	}

	// The visibility of a declaration has no default: leaving it out is a
	// validation error before anything runs.
	r = e.query(alice, `mutation { declareStandpoint(dimension: "gender", value: "woman") { declaration { value } } }`, nil)
	if r.code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("declareStandpoint without visibility: %s", r.Raw)
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	alice := e.token(graph.RoleContributor, "alice")

	// Anonymous readers read; anonymous writes are UNAUTHENTICATED.
	e.query("", `{ notes { totalCount } }`, nil).ok()
	before := e.lastSeq()
	for _, m := range []string{
		`mutation { createNote(input: {title: "x", visibility: PUBLIC}) { note { id } } }`,
		`mutation { declareStandpoint(dimension: "gender", value: "woman", visibility: PUBLIC) { declaration { value } } }`,
		`mutation { createCarnet(input: {title: "x"}) { carnet { id } } }`,
	} {
		e.query("", m, nil).wantCode(graph.EUNAUTHENTICATED)
	}
	if e.lastSeq() != before {
		t.Error("an anonymous mutation wrote something")
	}

	// A token that is unknown or malformed is refused with 401, not read as
	// anonymous.
	for name, header := range map[string]string{
		"unknown token":  "Bearer mlg_thisisnotatoken",
		"empty bearer":   "Bearer ",
		"basic scheme":   "Basic YWxpY2U6c2VjcmV0",
		"no scheme":      alice,
		"two tokens":     "Bearer " + alice + " " + alice,
		"empty header":   "",
		"revoked format": "Bearer " + alice + "x",
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+"/graphql", strings.NewReader(`{"query":"{ notes { totalCount } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", header)
			r := e.send(req)
			if r.Status != http.StatusUnauthorized || r.code() != graph.EUNAUTHENTICATED || r.Data != nil {
				t.Errorf("status %d, body %s", r.Status, r.Raw)
			}
			if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", r.Header.Get("WWW-Authenticate"))
			}
		})
	}

	// The right token is the contributor.
	r := e.query(alice, `{ viewer { name } }`, nil).ok()
	if r.str("viewer.name") != "Alice" {
		t.Errorf("viewer: %s", r.Raw)
	}
	if r := e.query("", `{ viewer { name } }`, nil).ok(); r.get("viewer") != nil {
		t.Errorf("anonymous viewer: %s", r.Raw)
	}
}

func TestInternalErrorsRevealNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")
	e.query("", `{ notes { totalCount } }`, nil).ok()

	// A store that fails for reasons of its own: closed under the server.
	e.must(e.store.Close(), "close store")
	r := e.query("", `{ notes { totalCount } }`, nil)
	if r.code() != graph.EINTERNAL || len(r.Errors) != 1 {
		t.Fatalf("code %q: %s", r.code(), r.Raw)
	}
	if r.Errors[0].Message != "internal error" {
		t.Errorf("message %q reveals the failure", r.Errors[0].Message)
	}
	reqID := r.Header.Get("X-Request-Id")
	if reqID == "" || r.Errors[0].Extensions["requestId"] != reqID {
		t.Errorf("requestId %v, X-Request-Id %q", r.Errors[0].Extensions["requestId"], reqID)
	}
	for _, leak := range []string{"database", "bolt", "closed", "not open", "embedded"} {
		if strings.Contains(strings.ToLower(string(r.Raw)), leak) {
			t.Errorf("response mentions %q: %s", leak, r.Raw)
		}
	}
	// The details are in the log, under the same request id.
	found := false
	for _, l := range e.logs.lines() {
		if l["msg"] == "internal error" && l["request_id"] == reqID && l["error"] != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("no internal error logged for request %s:\n%s", reqID, e.logs)
	}

	// Authentication against a failing store is a 500, not a 401.
	r = e.query("mlg_whatever", `{ notes { totalCount } }`, nil)
	if r.Status != http.StatusInternalServerError || r.code() != graph.EINTERNAL || r.Errors[0].Message != "internal error" {
		t.Errorf("auth on a failing store: status %d %s", r.Status, r.Raw)
	}
}

// panickyStore is the real store except that listing documents panics, as
// a bug would.
type panickyStore struct{ graph.Store }

func (panickyStore) ListDocuments(context.Context, graph.DocumentFilter, graph.DocumentOrder, graph.Page) (*graph.Connection[*graph.Document], error) {
	panic("s3cr3t detail of a bug")
}

func TestPanicsAreInternal(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{wrap: func(s graph.Store) graph.Store { return panickyStore{s} }})
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")

	r := e.query("", `{ notes { totalCount } n: node(id: "`+gid(graph.KindNote, "n1")+`") { id } }`, nil)
	if r.code() != graph.EINTERNAL || r.Errors[0].Message != "internal error" || strings.Contains(string(r.Raw), "s3cr3t") {
		t.Fatalf("panic: %s", r.Raw)
	}
	if !strings.Contains(e.logs.String(), "s3cr3t") || !strings.Contains(e.logs.String(), "goroutine") {
		t.Errorf("the panic and its stack are not logged:\n%s", e.logs)
	}
	// The server goes on serving.
	e.query("", `{ contributors { totalCount } }`, nil).ok()
}
