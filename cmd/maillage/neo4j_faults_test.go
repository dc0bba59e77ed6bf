package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/store/neo4j"
	"github.com/encommun/maillage/graph/store/neo4j/neo4jtest"
)

// localNeo4j is a Neo4j server of a test's own, started with
// deploy/neo4j-local: the tests that stop and restart Neo4j cannot use
// the shared test servers.
type localNeo4j struct {
	dir, addr, uri string
	cmd            *exec.Cmd
	stderr         *bytes.Buffer
}

const localNeo4jPassword = "maillage-fault-test"

// startLocalNeo4j starts deploy/neo4j-local on dir, listening on addr
// (127.0.0.1:0 for a free port), and returns once Bolt accepts
// connections. It skips t when Java is missing.
func startLocalNeo4j(t *testing.T, dir, addr string) *localNeo4j {
	t.Helper()
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("no java on this machine: the Neo4j restart test needs deploy/neo4j-local")
	}
	run, err := filepath.Abs("../../deploy/neo4j-local/run")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(run), "target", "neo4j-local-1.jar")); err != nil {
		if _, err := exec.LookPath("mvn"); err != nil {
			t.Skip("deploy/neo4j-local is not built and mvn is missing: the Neo4j restart test needs it")
		}
	}
	n := &localNeo4j{dir: dir, addr: addr, stderr: &bytes.Buffer{}}
	n.cmd = exec.Command(run)
	n.cmd.Env = append(os.Environ(), "NEO4J_LOCAL_DIR="+dir, "NEO4J_LOCAL_ADDR="+addr,
		"NEO4J_LOCAL_PASSWORD="+localNeo4jPassword, "NEO4J_LOCAL_HEAP=512m", "NEO4J_LOCAL_PAGECACHE=64m")
	n.cmd.Stderr = n.stderr
	out, err := n.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.stop)
	ready := make(chan string, 1)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if uri, ok := strings.CutPrefix(sc.Text(), "neo4j-local ready "); ok {
				ready <- uri
			}
		}
	}()
	select {
	case n.uri = <-ready:
	case <-ended:
		_ = n.cmd.Wait()
		t.Fatalf("neo4j-local stopped before it was ready (%v): %.2000s", n.cmd.ProcessState, n.stderr)
	case <-time.After(5 * time.Minute): // the first run builds the launcher
		t.Fatalf("neo4j-local did not start within 5 minutes: %.2000s", n.stderr)
	}
	u, err := url.Parse(n.uri)
	if err != nil {
		t.Fatal(err)
	}
	n.addr = u.Host
	return n
}

// stop ends the server as an operator would (SIGTERM), and waits for it.
func (n *localNeo4j) stop() {
	if n.cmd == nil || n.cmd.Process == nil || n.cmd.ProcessState != nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	_ = n.cmd.Wait()
}

// TestServeRidesOutANeo4jRestart serves a Neo4j of its own while a client
// writes notes without pause, stops Neo4j, then starts it again on the
// same data: while it is down, requests fail with INTERNAL and a message
// that says the store is unavailable, and /readyz says not ready; once it
// is back the server recovers by itself, and every write it acknowledged
// is there.
func TestServeRidesOutANeo4jRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops a Neo4j server")
	}
	t.Parallel()
	neoDir := t.TempDir()
	neo := startLocalNeo4j(t, neoDir, "127.0.0.1:0")
	c := serveConfig{store: "neo4j", data: t.TempDir(), neo4j: neo4jConfig{
		URI: neo.uri, User: "neo4j", Password: localNeo4jPassword, Database: "neo4j", MaxPool: 10}}
	ctx := t.Context()
	store, err := openStore(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	// One contributor, not the demo: a Neo4j just started on a busy
	// machine plans every new statement slowly.
	author, err := store.CreateContributor(graph.SystemContext(ctx), graph.Contributor{ID: "contrib-releveuse", Name: "Releveuse"})
	if err != nil {
		t.Fatal(err)
	}
	secret, hash := graph.NewTokenSecret()
	if err := store.CreateToken(graph.SystemContext(ctx), graph.Token{Hash: hash, Role: graph.RoleContributor,
		ContributorID: author.ID, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	addr := startServerWithin(t, c, 5*time.Minute)

	w := startWriter(t, addr, secret)
	defer w.stop()
	// A few writes each side of the outage: a Neo4j just started on a
	// busy two-core machine plans each new statement slowly.
	w.waitAcked(t, 2, 5*time.Minute)

	neo.stop()
	down := time.Now()
	status, body := waitReadyz(t, addr, http.StatusServiceUnavailable, time.Minute)
	t.Logf("readyz %v after Neo4j stopped: %d %q", time.Since(down).Round(time.Millisecond), status, body)
	if !strings.Contains(body, "store") {
		t.Errorf("readyz while Neo4j is down says %q: it should name the store", body)
	}
	failure := w.waitFailure(t, 2*time.Minute)
	t.Logf("first failed write %v after Neo4j stopped: %s", time.Since(down).Round(time.Millisecond), failure)
	if !strings.Contains(failure, `"code":"INTERNAL"`) || !strings.Contains(strings.ToLower(failure), "unavailable") {
		t.Errorf("a write while Neo4j is down answers %s: want INTERNAL with a message saying the store is unavailable", failure)
	}

	before := w.ackedCount()
	neo = startLocalNeo4j(t, neoDir, neo.addr)
	up := time.Now()
	waitReadyz(t, addr, http.StatusOK, 3*time.Minute)
	t.Logf("readyz again %v after Neo4j is back", time.Since(up).Round(time.Millisecond))
	w.waitAcked(t, before+2, 5*time.Minute)
	acked := w.stop()

	for id, title := range acked {
		raw := postScenario(t, addr, "", `query($id: ID!) { node(id: $id) { ... on Note { title } } }`, map[string]any{"id": id})
		if !strings.Contains(string(raw), fmt.Sprintf("%q", title)) {
			t.Errorf("acknowledged note %s (%q) is lost after the restart: %s", id, title, raw)
		}
	}
	t.Logf("%d writes acknowledged, %d refused while Neo4j was down; every acknowledged one is there", len(acked), w.failures())
}

// writer creates public notes one after the other until stopped, keeping
// the ids of those acknowledged and the answers of those refused.
type writer struct {
	mu      sync.Mutex
	acked   map[string]string
	refused []string
	quit    chan struct{}
	done    chan struct{}
}

func startWriter(t *testing.T, addr, token string) *writer {
	w := &writer{acked: map[string]string{}, quit: make(chan struct{}), done: make(chan struct{})}
	client := &http.Client{Timeout: 2 * time.Minute}
	go func() {
		defer close(w.done)
		for i := 0; ; i++ {
			select {
			case <-w.quit:
				return
			default:
			}
			title := fmt.Sprintf("Relevé de terrain n° %d", i)
			body, _ := json.Marshal(map[string]any{"query": `mutation($t: String!) { createNote(input: {title: $t, visibility: PUBLIC}) { note { id } } }`,
				"variables": map[string]any{"t": title}})
			req, _ := http.NewRequest("POST", "http://"+addr+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			if err != nil {
				w.refuse(err.Error())
				time.Sleep(50 * time.Millisecond)
				continue
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var r struct {
				Data struct {
					CreateNote struct{ Note struct{ ID string } }
				}
			}
			if resp.StatusCode == http.StatusOK && json.Unmarshal(raw, &r) == nil && r.Data.CreateNote.Note.ID != "" && !bytes.Contains(raw, []byte(`"errors"`)) {
				w.mu.Lock()
				w.acked[r.Data.CreateNote.Note.ID] = title
				w.mu.Unlock()
				continue
			}
			w.refuse(fmt.Sprintf("%d %s", resp.StatusCode, raw))
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return w
}

func (w *writer) refuse(s string) {
	w.mu.Lock()
	w.refused = append(w.refused, s)
	w.mu.Unlock()
}

func (w *writer) ackedCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked)
}

func (w *writer) failures() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.refused)
}

func (w *writer) waitAcked(t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for w.ackedCount() < n {
		if time.Now().After(deadline) {
			w.mu.Lock()
			last := w.refused
			w.mu.Unlock()
			if len(last) > 3 {
				last = last[len(last)-3:]
			}
			t.Fatalf("%d writes acknowledged after %v, want %d; last refusals: %q", w.ackedCount(), within, n, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFailure returns the first refusal, waiting for one.
func (w *writer) waitFailure(t *testing.T, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		w.mu.Lock()
		if len(w.refused) > 0 {
			s := w.refused[0]
			w.mu.Unlock()
			return s
		}
		w.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no write failed within %v of Neo4j stopping", within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the loop and returns the acknowledged notes.
func (w *writer) stop() map[string]string {
	select {
	case <-w.quit:
	default:
		close(w.quit)
	}
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.acked
}

// waitReadyz polls /readyz until it answers want, and returns the answer.
func waitReadyz(t *testing.T, addr string, want int, within time.Duration) (int, string) {
	t.Helper()
	deadline := time.Now().Add(within)
	var status int
	var body string
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			status, body = resp.StatusCode, strings.TrimSpace(string(raw))
			if status == want {
				return status, body
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz did not answer %d within %v: last %d %q (%v)", want, within, status, body, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServeNeo4jRefusesToStart runs the real binary against a Neo4j that
// is not there, and against one that refuses the credentials: each time
// `serve` says so in one line, without a stack trace, and exits 1.
func TestServeNeo4jRefusesToStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := buildBinary(t, t.TempDir())
	closed := freeAddr(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"Neo4j down", []string{"--neo4j-uri", "bolt://" + closed, "--neo4j-password", "whatever1"}, "Neo4j is unreachable"},
	}
	if uris := neo4jtest.URIs(); len(uris) > 0 {
		// A user of its own: failed sign-ins lock a user out for a while,
		// and the test servers' user is everyone's.
		cases = append(cases, struct {
			name string
			args []string
			want string
		}{"wrong password", []string{"--neo4j-uri", uris[0], "--neo4j-user", "maillage-nobody", "--neo4j-password", "not-the-password"}, "Neo4j refused the credentials"})
	} else {
		t.Log("wrong password case skipped: " + neo4jtest.Skip)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			args := append([]string{"serve", "--store", "neo4j", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, c.args...)
			cmd := exec.CommandContext(ctx, bin, args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("serve exited with %v after %v, want status 1; stderr:\n%s", err, time.Since(start), stderr.String())
			}
			// The start-up step before the failure ("connecting to Neo4j"),
			// then one line saying what is wrong.
			out := strings.TrimSpace(stderr.String())
			if step, rest, ok := strings.Cut(out, "\n"); ok && strings.Contains(step, `msg="connecting to Neo4j"`) {
				out = strings.TrimSpace(rest)
			}
			if lines := strings.Split(out, "\n"); len(lines) != 1 {
				t.Errorf("serve wrote %d lines, want one:\n%s", len(lines), out)
			}
			if !strings.Contains(out, c.want) || strings.Contains(out, "goroutine") || strings.Contains(out, "panic") {
				t.Errorf("serve said %q: want one line saying %q", out, c.want)
			}
			t.Logf("%v: %s", time.Since(start).Round(time.Millisecond), out)
		})
	}
}

// startServerWithin is startServer with a deadline of its own: a serve on
// a Neo4j just started on a busy machine may take minutes to be ready.
func startServerWithin(t *testing.T, c serveConfig, within time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	c.addr = "127.0.0.1:0"
	go func() { done <- serve(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			<-done
		})
		return addr
	case err := <-done:
		cancel()
		t.Fatalf("serve failed to start: %v", err)
	case <-time.After(within):
		cancel()
		t.Fatalf("serve did not start within %v", within)
	}
	return ""
}

// TestImportJSONTwiceAtOnceIntoNeo4j is an operator's slip: two `import
// json --store neo4j` into the same database, the second started while
// the first writes. The second must be refused with a clear message, not
// take the first's marker for an interrupted restore and clear what the
// first is writing; the first must finish whole.
func TestImportJSONTwiceAtOnceIntoNeo4j(t *testing.T) {
	if testing.Short() {
		t.Skip("restores into a real Neo4j")
	}
	t.Parallel() // first: a test paused by Parallel must not hold a server
	srv := neo4jtest.Acquire(t)
	ctx := t.Context()
	cfg := neo4j.Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database}
	store, err := neo4j.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.ClearForTests(graph.SystemContext(ctx)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "dump.jsonl")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	// Large enough for several transactions, so that the second import
	// starts while the first is writing.
	if _, err := dump.Generate(f, dump.GenerateOptions{Notes: 3000, Links: 30_000, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	args := []string{"import", "json", "--store", "neo4j", "--neo4j-uri", srv.URI, "--neo4j-user", srv.User,
		"--neo4j-password", srv.Password, file}
	if srv.Database != "" {
		args = append(args, "--neo4j-database", srv.Database)
	}
	var firstOut, firstErr bytes.Buffer
	firstDone := make(chan error, 1)
	go func() { firstDone <- run(ctx, args, &firstOut, &firstErr) }()

	// The second starts once the first holds the database.
	sys := graph.SystemContext(ctx)
	deadline := time.Now().Add(5 * time.Minute)
	for {
		yes, err := store.RestoreInterrupted(sys)
		if yes || err != nil {
			break
		}
		select {
		case err := <-firstDone:
			t.Fatalf("the first import ended (%v) before the second could start: make the dump larger\n%s", err, firstErr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the first import never set its marker")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var secondOut, secondErr bytes.Buffer
	err = run(ctx, args, &secondOut, &secondErr)
	if err == nil || !strings.Contains(err.Error(), "another restore is writing into this database") {
		t.Errorf("the second import, while the first runs: %v\n%s\nwant a refusal saying another restore is writing", err, secondErr.String())
	} else {
		t.Logf("the second import: %v", err)
	}
	if strings.Contains(secondErr.String(), "interrupted") {
		t.Errorf("the second import took the first for an interrupted one: %s", secondErr.String())
	}
	if err := <-firstDone; err != nil {
		t.Fatalf("the first import: %v\n%s", err, firstErr.String())
	}
	in, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	snap, _, err := dump.Read(in)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := store.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	if docs.TotalCount != len(snap.Documents) {
		t.Errorf("%d documents after both imports, want the first's %d", docs.TotalCount, len(snap.Documents))
	}
	if yes, err := store.RestoreInterrupted(sys); yes || err != nil {
		t.Errorf("a marker is left: %v %v", yes, err)
	}
}
