package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/store/neo4j"
	"github.com/encommun/maillage/graph/store/neo4j/neo4jtest"
)

// TestStoresAnswerAlike runs one GraphQL scenario against `serve` on the
// embedded store and on a real Neo4j, each loaded with the demo commons,
// and compares the answers: both stores keep one contract, so a client
// must not be able to tell which one it talks to. Only what cannot be
// equal is normalised: timestamps of writes made by the scenario, and the
// random id of the note it creates.
func TestStoresAnswerAlike(t *testing.T) {
	t.Parallel() // first: a test paused by Parallel must not hold a server
	srv := neo4jtest.Acquire(t)

	embeddedAddr, embeddedTokens := startScenarioServer(t, serveConfig{store: "embedded", data: t.TempDir()})
	embeddedAnswers := runScenario(t, "embedded", embeddedAddr, embeddedTokens)

	neo4jAddr, neo4jTokens := startScenarioServer(t, serveConfig{store: "neo4j", data: t.TempDir(), neo4j: neo4jConfig{
		URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database, MaxPool: 20}})
	neo4jAnswers := runScenario(t, "neo4j", neo4jAddr, neo4jTokens)

	if len(embeddedAnswers) != len(neo4jAnswers) {
		t.Fatalf("the scenario took %d steps on embedded, %d on Neo4j", len(embeddedAnswers), len(neo4jAnswers))
	}
	for i, e := range embeddedAnswers {
		n := neo4jAnswers[i]
		if e.answer != n.answer {
			t.Errorf("step %q answers differently:\nembedded: %s\nneo4j:    %s", e.name, e.answer, n.answer)
		}
	}
}

// scenarioTokens are the bearer tokens of the scenario, by name.
type scenarioTokens map[string]string

// startScenarioServer empties the store (Neo4j test servers hold what the
// last test left), loads the demo as `serve --demo` does, creates the
// scenario's tokens, then starts `serve` on it.
func startScenarioServer(t *testing.T, c serveConfig) (string, scenarioTokens) {
	t.Helper()
	ctx := t.Context()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if c.store == "neo4j" {
		if c.neo4j.Database == "" {
			c.neo4j.Database = "neo4j"
		}
		s, err := neo4j.Open(ctx, neo4j.Config{URI: c.neo4j.URI, User: c.neo4j.User, Password: c.neo4j.Password, Database: c.neo4j.Database})
		if err != nil {
			t.Fatal(err)
		}
		err = s.ClearForTests(graph.SystemContext(ctx))
		s.Close()
		if err != nil {
			t.Fatalf("empty the test database: %v", err)
		}
	}
	store, err := openStore(ctx, c, logger)
	if err != nil {
		t.Fatal(err)
	}
	if loaded, err := demo.Load(ctx, store, graph.DefaultTaxonomy()); err != nil || !loaded {
		store.Close()
		t.Fatalf("demo load: loaded %v, %v", loaded, err)
	}
	tokens := scenarioTokens{}
	for name, tok := range map[string]graph.Token{
		// Amélie writes the demo's private drafts; Maxime is a member of
		// one community only; Nadia is a researcher.
		"amelie": {Role: graph.RoleContributor, ContributorID: "contrib-amelie-brisson"},
		"maxime": {Role: graph.RoleContributor, ContributorID: "contrib-maxime-pelletier"},
		"nadia":  {Role: graph.RoleResearcher, ContributorID: "contrib-nadia-benali"},
	} {
		secret, hash := graph.NewTokenSecret()
		tok.Hash, tok.CreatedAt = hash, time.Now().UTC()
		if err := store.CreateToken(graph.SystemContext(ctx), tok); err != nil {
			store.Close()
			t.Fatal(err)
		}
		tokens[name] = secret
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	c.demo = true // the demo is there: serve must see it and leave it
	// The operation timeout is the API's (15 s) on a quiet machine; two
	// cores shared by parallel suites and Neo4j's first planning of each
	// statement can take longer, and a TIMEOUT is not what is compared.
	fs := newFlagSet("serve", io.Discard)
	addHardeningFlags(fs, &c.hard)
	if err := fs.Parse([]string{"--timeout=3m", "--rate-per-ip=0", "--rate-per-token=0"}); err != nil {
		t.Fatal(err)
	}
	addr, _ := startServer(t, c)
	return addr, tokens
}

type scenarioAnswer struct{ name, answer string }

// runScenario sends the scenario's documents to the server at addr and
// returns each answer, normalised.
func runScenario(t *testing.T, store, addr string, tokens scenarioTokens) []scenarioAnswer {
	t.Helper()
	var out []scenarioAnswer
	var createdID string
	ask := func(name, who, query string, vars map[string]any) map[string]any {
		t.Helper()
		start := time.Now()
		raw := postScenario(t, addr, tokens[who], query, vars)
		if d := time.Since(start); d > 2*time.Second {
			t.Logf("%s: %s took %v", store, name, d.Round(time.Millisecond))
		}
		var decoded map[string]any
		if err := json.Unmarshal(raw, &decoded); err != nil {
			t.Fatalf("%s: %v: %s", name, err, raw)
		}
		out = append(out, scenarioAnswer{name, normaliseAnswer(string(raw), createdID)})
		return decoded
	}
	gid := func(kind graph.Kind, id string) string { return api.GlobalID(kind, id) }

	// Paging: two pages of notes, the second from the first's cursor; then
	// a filtered, ordered list, and the same as a member of a community.
	const notesPage = `query($after: String) { notes(first: 7, after: $after) { totalCount
  edges { cursor node { id slug title version visibility language publishedAt authors { id name } backlinks(first: 3) { totalCount } } }
  pageInfo { hasNextPage endCursor } } }`
	first := ask("notes, page 1", "", notesPage, nil)
	after := dig(first, "data", "notes", "pageInfo", "endCursor")
	ask("notes, page 2", "", notesPage, map[string]any{"after": after})
	const filtered = `query($c: ID) { notes(filter: {community: $c}, orderBy: {field: TITLE, direction: DESC}, first: 20) {
  totalCount edges { node { id title visibility communities { id name } } } pageInfo { hasNextPage } } }`
	ask("notes of a community, anonymous", "", filtered, map[string]any{"c": gid(graph.KindCommunity, "commu-voix-regionales")})
	ask("notes of a community, a member", "maxime", filtered, map[string]any{"c": gid(graph.KindCommunity, "commu-voix-regionales")})

	// Search, with a standpoint filter and facets, and the next page.
	const searchDoc = `query($q: String!, $f: SearchFilter, $after: String) { search(query: $q, filter: $f, first: 4, after: $after) {
  totalCount edges { cursor score node { id title kind } highlights { field fragments } }
  facets { field buckets { value label count } } pageInfo { hasNextPage endCursor } } }`
	montreal := map[string]any{"standpoints": []any{map[string]any{"dimension": "region", "value": "montreal"}}}
	s1 := ask("search by standpoint", "", searchDoc, map[string]any{"q": "gouvernance", "f": montreal})
	ask("search by standpoint, page 2", "", searchDoc, map[string]any{"q": "gouvernance", "f": montreal,
		"after": dig(s1, "data", "search", "pageInfo", "endCursor")})
	ask("search, every kind", "", searchDoc, map[string]any{"q": "communs"})

	// Coverage of a topic and of the whole commons. Released counts carry
	// noise keyed by each server's own secret (graph/coverage_release.go):
	// two servers answer them differently by design, so only the exact
	// parts are compared.
	const coverageDoc = `query($q: String) { coverage(query: $q) { k documentCount contributorCount tooFewContributors
  dimensions { id retired values { id retired } } } }`
	ask("coverage of a topic", "", coverageDoc, map[string]any{"q": "financement"})
	ask("coverage of the commons, a researcher", "nadia", coverageDoc, nil)

	// Neighbourhood and paths.
	const hoodDoc = `query($id: ID!, $depth: Int) { neighbourhood(id: $id, depth: $depth, first: 40) {
  nodes { id kind label degree } edges { relation from to } truncated } }`
	ask("neighbourhood of a note", "", hoodDoc, map[string]any{"id": gid(graph.KindNote, "note-pilier-gouvernance"), "depth": 2})
	ask("neighbourhood of a contributor, their own view", "amelie", hoodDoc, map[string]any{"id": gid(graph.KindContributor, "contrib-amelie-brisson"), "depth": 1})
	const pathDoc = `query($from: ID!, $to: ID!) { path(from: $from, to: $to) { nodes { id kind label } edges { relation from to } } }`
	ask("path between notes", "", pathDoc, map[string]any{"from": gid(graph.KindNote, "note-atelier-1-communs-en-bref"),
		"to": gid(graph.KindNote, "note-portrait-outaouais")})
	ask("path to a private note, anonymous", "", pathDoc, map[string]any{"from": gid(graph.KindNote, "note-atelier-1-communs-en-bref"),
		"to": gid(graph.KindNote, "note-brouillon-charte-engagement")})

	// A private note is invisible to anonymous readers, everywhere.
	private := gid(graph.KindNote, "note-brouillon-charte-engagement")
	const nodeDoc = `query($id: ID!) { node(id: $id) { id ... on Note { title visibility version authors { id } } } }`
	ask("private note, anonymous", "", nodeDoc, map[string]any{"id": private})
	ask("private note, its author", "amelie", nodeDoc, map[string]any{"id": private})
	ask("private note, another contributor", "maxime", nodeDoc, map[string]any{"id": private})
	ask("search for a private note, anonymous", "", searchDoc, map[string]any{"q": "charte d'engagement"})
	ask("search for a private note, its author", "amelie", searchDoc, map[string]any{"q": "charte d'engagement"})

	// Mutations: create, update, then a stale update (CONFLICT); a new
	// private note stays out of anonymous reads and searches.
	created := ask("create a private note", "maxime", `mutation { createNote(input: {title: "Carnet de bord du relais saguenéen",
  body: "Notes de terrain sur la tournée des bibliothèques de Kénogami.", visibility: PRIVATE}) {
  note { id title version visibility authors { id } } } }`, nil)
	createdID, _ = dig(created, "data", "createNote", "note", "id").(string)
	if createdID == "" {
		t.Fatalf("createNote gave no id: %v", created)
	}
	out[len(out)-1].answer = normaliseAnswer(out[len(out)-1].answer, createdID)
	const update = `mutation($id: ID!, $v: Int!, $t: String) { updateNote(input: {id: $id, version: $v, title: $t}) {
  note { id title version } } }`
	ask("update", "maxime", update, map[string]any{"id": createdID, "v": 1, "t": "Carnet de bord du relais"})
	ask("stale update: CONFLICT", "maxime", update, map[string]any{"id": createdID, "v": 1, "t": "Autre titre"})
	ask("update of a demo note with its version", "amelie", update, map[string]any{"id": private, "v": 1, "t": "Brouillon de charte (v2)"})
	ask("stale update of a demo note: CONFLICT", "amelie", update, map[string]any{"id": private, "v": 1, "t": "Brouillon de charte (v3)"})
	ask("new private note, anonymous", "", nodeDoc, map[string]any{"id": createdID})
	ask("new private note, another contributor", "amelie", nodeDoc, map[string]any{"id": createdID})
	ask("new private note, its author", "maxime", nodeDoc, map[string]any{"id": createdID})
	ask("search for the new note, anonymous", "", searchDoc, map[string]any{"q": "Kénogami"})
	ask("search for the new note, its author", "maxime", searchDoc, map[string]any{"q": "Kénogami"})
	ask("notes after the writes, anonymous", "", notesPage, nil)
	ask("unauthenticated write", "", update, map[string]any{"id": createdID, "v": 2, "t": "x"})

	// Equal answers could be equally wrong: the privacy and conflict
	// steps must also say what the contract says.
	want := map[string][]string{
		"private note, anonymous":               {`"node":null`},
		"private note, another contributor":     {`"node":null`},
		"private note, its author":              {`"title":"Brouillon de charte d'engagement"`},
		"stale update: CONFLICT":                {`"code":"CONFLICT"`},
		"stale update of a demo note: CONFLICT": {`"code":"CONFLICT"`},
		"new private note, anonymous":           {`"node":null`},
		"new private note, another contributor": {`"node":null`},
		"new private note, its author":          {`"title":"Carnet de bord du relais"`},
		"search for the new note, anonymous":    {`"totalCount":0`},
		"search for the new note, its author":   {`"totalCount":1`},
		"search for a private note, its author": {`charte`},
		"unauthenticated write":                 {`"code":"UNAUTHENTICATED"`},
		"search by standpoint":                  {`"hasNextPage":true`},
	}
	for _, a := range out {
		for _, w := range want[a.name] {
			if !strings.Contains(a.answer, w) {
				t.Errorf("%s: step %q: the answer lacks %s: %.400s", store, a.name, w, a.answer)
			}
		}
		if strings.Contains(a.answer, "charte") && strings.HasSuffix(a.name, ", anonymous") {
			t.Errorf("%s: step %q shows the private draft to an anonymous reader: %.400s", store, a.name, a.answer)
		}
	}
	return out
}

// postScenario sends one GraphQL document and returns the raw answer;
// anything but 200 fails the test.
func postScenario(t *testing.T, addr, token, query string, vars map[string]any) []byte {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(t.Context(), "POST", "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	return raw
}

var cursorValue = regexp.MustCompile(`"(cursor|endCursor)":"([A-Za-z0-9_-]+)"`)

var rfc3339 = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"`)

// normaliseAnswer replaces what may differ between two runs of the
// scenario: the id the store gave the created note (random), and the
// times of writes (the demo's own dates are fixed, but a time written now
// is not). Demo dates are fixed in demo.json, so only times of the
// current day are replaced.
func normaliseAnswer(raw, createdID string) string {
	if createdID != "" {
		raw = strings.ReplaceAll(raw, createdID, "<created>")
		if _, id, err := api.ParseGlobalID(createdID); err == nil {
			raw = strings.ReplaceAll(raw, id, "<created>")
			// Cursors are opaque, but they name the last id they passed.
			raw = cursorValue.ReplaceAllStringFunc(raw, func(s string) string {
				m := cursorValue.FindStringSubmatch(s)
				if b, err := base64.RawURLEncoding.DecodeString(m[2]); err == nil && strings.Contains(string(b), id) {
					return `"` + m[1] + `":"<cursor of the created note>"`
				}
				return s
			})
		}
	}
	today := time.Now().UTC().Format("2006-01-02")
	return rfc3339.ReplaceAllStringFunc(raw, func(s string) string {
		if strings.HasPrefix(s, `"`+today) {
			return `"<now>"`
		}
		return s
	})
}

// dig walks decoded JSON by keys.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
