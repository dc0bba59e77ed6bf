package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/search/benchcorpus"
)

// TestBenchHTTPSmoke runs `maillage-bench http` end to end on a tiny
// corpus: the real server binary (with the bench's child command) as the
// server child, every operation of the mix, two seconds
// of load. It checks that the figures are there and make sense, that no
// request failed, and that the notes the mutations report are in the
// store. No timing is asserted: the figures depend on the machine.
func TestBenchHTTPSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a server")
	}
	dir := t.TempDir()
	bin, err := buildBenchServer(context.Background(), dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	// Equal weights: on a loaded machine a second may hold only a few
	// dozen requests, and each operation must get some.
	cfg := benchHTTPConfig{docs: 200, seed: 1, concurrency: 4, duration: 2 * time.Second, warmup: 200 * time.Millisecond,
		mix: [benchOps]int{1, 1, 1}, data: data, bin: bin, store: "embedded"}
	var out bytes.Buffer
	r, err := runBenchHTTP(context.Background(), cfg, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log("\n" + out.String())
	if r.errors != 0 {
		t.Fatalf("%d requests failed: %v", r.errors, r.errSamples)
	}
	for op := range benchOps {
		o := r.ops[op]
		if o.count == 0 || o.p50 <= 0 || o.p99 < o.p50 {
			t.Errorf("%s: count %d, p50 %v, p99 %v", benchOpNames[op], o.count, o.p50, o.p99)
		}
		row := regexp.MustCompile(`(?m)^` + benchOpNames[op] + `\s+(\d+)\s+(\d+)\s+[\d.]+ ms\s+[\d.]+ ms\s+0$`).FindStringSubmatch(out.String())
		if row == nil || row[1] != strconv.Itoa(o.count) {
			t.Errorf("no line for %s with its count (%d) and no errors in the table", benchOpNames[op], o.count)
		}
	}
	if r.peakRSS < 1<<20 || r.peakRSS < r.startRSS || r.serverCPU <= 0 {
		t.Errorf("peak RSS %d, RSS once ready %d, server CPU %v", r.peakRSS, r.startRSS, r.serverCPU)
	}
	if !strings.Contains(out.String(), "server: peak RSS "+mib(r.peakRSS)) {
		t.Error("the table does not give the server's peak RSS")
	}

	// What the mutations acknowledged is in the store, with its author.
	if len(r.created) == 0 {
		t.Fatal("the mutations created no note")
	}
	s, err := embedded.Open(data, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sys := graph.SystemContext(context.Background())
	for _, gid := range r.created {
		_, id, err := api.ParseGlobalID(gid)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Document(sys, id); err != nil {
			t.Errorf("created note %s: %v", id, err)
		}
	}
	s.Close()

	// A second run reuses the corpus and its index: no generation.
	out.Reset()
	cfg.mix = [benchOps]int{0, 1, 0}
	cfg.warmup = 0
	if r, err = runBenchHTTP(context.Background(), cfg, &out); err != nil || r.errors != 0 || r.ops[opNote].count == 0 {
		t.Fatalf("second run: %v, %+v\n%s", err, r, out.String())
	}
	if !strings.Contains(out.String(), "reusing the corpus") || strings.Contains(out.String(), "generating") {
		t.Errorf("the second run did not reuse the corpus:\n%s", out.String())
	}

	checkBenchAnswers(t, cfg)
}

// checkBenchAnswers sends the client's requests, and wrong ones, to the
// real server on the corpus of cfg: the client reads most answers without
// decoding them, and must still count every wrong one as an error.
func checkBenchAnswers(t *testing.T, cfg benchHTTPConfig) {
	ctx := context.Background()
	corpus := newBenchCorpus(cfg.docs, cfg.seed)
	s, err := embedded.Open(cfg.data, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := benchTokens(ctx, s, 1)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := startBenchServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	cfg.concurrency = 1
	c := newBenchClients(srv.addr, cfg, corpus.publicNotes(), tokens)[0]
	post := func(body []byte, authed bool) ([]byte, error) {
		t.Helper()
		answer, err := c.post(ctx, body, authed)
		return slices.Clone(answer), err
	}
	noteVars := func(id string) []byte { return noteVariables([]string{id})[0] }

	// A public note is found; a private or community note is not, to an
	// anonymous reader: its answer is data with a null node, an error to
	// the client.
	if answer, err := post(benchNoteBody.with(c.w.notes[0]), false); err != nil || noteFound(answer) != nil {
		t.Errorf("public note: %v, %v: %s", err, noteFound(answer), answer)
	}
	hidden := 0
	for i := range corpus.docs {
		m := corpus.meta(i)
		if m.kind != graph.KindNote || m.visibility == graph.VisibilityPublic {
			continue
		}
		answer, err := post(benchNoteBody.with(noteVars(m.id)), false)
		if err != nil || noteFound(answer) == nil {
			t.Errorf("%s note %s: %v, found: %s", m.visibility, m.id, err, answer)
		}
		if hidden++; hidden == 4 {
			break
		}
	}

	// Errors, with and without data, and other statuses.
	for _, tc := range []struct {
		name, want string
		body       []byte
		authed     bool
	}{
		{"malformed id", "BAD_USER_INPUT", benchNoteBody.with([]byte(`{"id":"zzz"}`)), false},
		{"unknown field", "GRAPHQL_VALIDATION_FAILED", newBenchBody(`{ nope }`).with([]byte(`{}`)), false},
		{"not JSON", "status 400", []byte(`{"query":`), false},
		{"anonymous write", "UNAUTHENTICATED", benchCreateBody.with([]byte(`{"input":{"title":"Sans jeton","summary":"","body":"","visibility":"PUBLIC"}}`)), false},
	} {
		if _, err := post(tc.body, tc.authed); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %s", tc.name, err, tc.want)
		}
	}
	other := *c
	other.w = &benchWorkload{url: "http://" + srv.addr + "/nope", client: c.w.client}
	if _, err := other.post(ctx, benchNoteBody.with(c.w.notes[0]), false); err == nil || !strings.Contains(err.Error(), "status 404") {
		t.Errorf("unknown path: %v, want status 404", err)
	}

	// A search answer gives the next page, which gives the one after; a
	// search without matches has no next page.
	vars := &benchSearchVars{Q: benchcorpus.TopicWords[0]}
	for page := range 3 {
		body := benchSearchBody
		if page > 0 {
			body = benchNextPageBody
		}
		v, _ := json.Marshal(vars)
		answer, err := post(body.with(v), false)
		if err != nil {
			t.Fatalf("search page %d: %v", page, err)
		}
		next, err := nextPage(vars, answer)
		if err != nil || next == nil || next.After == "" || next.After == vars.After || next.Q != vars.Q {
			t.Fatalf("search page %d: next %+v, %v", page, next, err)
		}
		vars = next
	}
	v, _ := json.Marshal(benchSearchVars{Q: "zzzqqq"})
	if answer, err := post(benchSearchBody.with(v), false); err != nil {
		t.Errorf("search without matches: %v", err)
	} else if next, err := nextPage(vars, answer); next != nil || err != nil {
		t.Errorf("search without matches: next page %+v, %v", next, err)
	}
	if _, err := nextPage(vars, []byte(`{"data":{"search":{"totalCount":1}}}`)); err == nil {
		t.Error("an answer without pageInfo gives no error")
	}

	// A note written, then updated: the client keeps its version; an
	// update of a stale version is an error.
	create := benchCreateBody.with([]byte(`{"input":{"title":"Note de banc d'essai","summary":"résumé","body":"texte","visibility":"PUBLIC"}}`))
	answer, err := post(create, true)
	if err != nil || c.wrote(answer, nil) != nil || len(c.mine) != 1 || c.mine[0].version != 1 {
		t.Fatalf("create: %v, %s, mine %+v", err, answer, c.mine)
	}
	update := func(version int) ([]byte, error) {
		v, _ := json.Marshal(map[string]any{"input": benchNoteInput{ID: c.mine[0].id, Version: version, Summary: "autre", Body: "autre texte"}})
		return post(benchUpdateBody.with(v), true)
	}
	answer, err = update(1)
	if err != nil || c.wrote(answer, &c.mine[0]) != nil || c.mine[0].version != 2 {
		t.Fatalf("update: %v, %s, mine %+v", err, answer, c.mine)
	}
	if _, err := update(1); err == nil {
		t.Error("an update of a stale version gives no error")
	}
	if err := c.wrote([]byte(`{"data":{"createNote":{"note":null}}}`), nil); err == nil {
		t.Error("a mutation answer without a note gives no error")
	}
}

// TestBenchHTTPRefuses checks the mistakes the bench must refuse before it
// writes anything: a bad mix, and a data directory that is not its own.
func TestBenchHTTPRefuses(t *testing.T) {
	for _, mix := range []string{"search=70,nope=30", "search", "search=-1", "search=0,note=0", "search=x"} {
		if _, err := parseBenchMix(mix); !errors.As(err, new(usageError)) {
			t.Errorf("--mix %s: %v, want a usage error", mix, err)
		}
	}
	if mix, err := parseBenchMix("search=70, note=20,mutate=10"); err != nil || mix != [benchOps]int{70, 20, 10} {
		t.Errorf("parseBenchMix: %v %v", mix, err)
	}

	// A directory holding something else: refused, untouched.
	dir := t.TempDir()
	keep := filepath.Join(dir, "maillage.db")
	if err := os.WriteFile(keep, []byte("someone's commons"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := prepareBenchCorpus(context.Background(), dir, newBenchCorpus(200, 1), new(bytes.Buffer))
	if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty directory: %v", err)
	}
	if b, _ := os.ReadFile(keep); string(b) != "someone's commons" {
		t.Error("the bench wrote into a directory that is not its own")
	}
	// Another corpus size: refused rather than rebuilt or mixed.
	if err := os.WriteFile(filepath.Join(dir, benchStampFile), []byte(benchStamp(500, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	err = prepareBenchCorpus(context.Background(), dir, newBenchCorpus(200, 1), new(bytes.Buffer))
	if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "another bench corpus") {
		t.Errorf("other corpus: %v", err)
	}

	var stderr bytes.Buffer
	for _, args := range [][]string{{"--docs", "10"}, {"--concurrency", "0"}, {"--only", "delete"}, {"--store", "neo"}, {"--store", "neo4j"}} {
		err := run(context.Background(), append([]string{"http"}, args...), new(bytes.Buffer), &stderr)
		if !errors.As(err, new(usageError)) {
			t.Errorf("bench http %v: %v, want a usage error", args, err)
		}
	}
}
