package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/store/embedded"
)

// buildBinary returns the path of the command built for the tests that
// run it as a child process. It is built once per test binary, into a
// directory TestMain removes: a link of the whole server takes tens of
// seconds on a loaded two-core machine, and every such test paid it. dir
// (the directory callers name) is unused.
func buildBinary(t *testing.T, _ string) string {
	t.Helper()
	built.once.Do(func() {
		d, err := os.MkdirTemp("", "maillage-test-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = d
		bin := filepath.Join(d, "maillage")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.bin = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// built is the one build of the command buildBinary shares.
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

// TestCrashSafetyUnderLoad builds the real binary, runs concurrent
// mutations against it, kills it with SIGKILL mid-load, restarts it on the
// same directory and checks that every mutation it acknowledged is there,
// whole (with its author: a note and its AUTHORED link commit together or
// not at all), and that the store opens cleanly. Three rounds.
func TestCrashSafetyUnderLoad(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills a real server")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	data := filepath.Join(dir, "data")
	token := seedCrashStore(t, data)

	acked := map[string]string{} // note id → title
	for round := range 3 {
		srv := startBinary(t, bin, data)
		got := loadUntilKilled(t, srv, token, round)
		if len(got) == 0 {
			t.Fatalf("round %d: no mutation was acknowledged before the kill", round)
		}
		for id, title := range got {
			acked[id] = title
		}
		srv = startBinary(t, bin, data) // the store must open after SIGKILL
		checkAcknowledged(t, srv.addr, token, acked)
		srv.kill()
	}
	t.Logf("%d acknowledged notes survived three SIGKILLs", len(acked))
}

// seedCrashStore makes a contributor and a token for them.
func seedCrashStore(t *testing.T, data string) string {
	s, err := embedded.Open(data, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sys := graph.SystemContext(context.Background())
	if _, err := s.CreateContributor(sys, graph.Contributor{ID: "crash-author", Name: "Crash Author"}); err != nil {
		t.Fatal(err)
	}
	secret, hash := graph.NewTokenSecret()
	if err := s.CreateToken(sys, graph.Token{Hash: hash, Role: graph.RoleContributor, ContributorID: "crash-author", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return secret
}

type binaryServer struct {
	cmd  *exec.Cmd
	addr string
	once sync.Once
}

func (b *binaryServer) kill() {
	b.once.Do(func() {
		b.cmd.Process.Kill() // SIGKILL: no drain, no close
		b.cmd.Wait()
	})
}

var servingAt = regexp.MustCompile(`graphql=http://([0-9.:]+)/graphql`)

// startBinary runs `maillage serve` on a loopback port and waits until it
// says where it listens.
func startBinary(t *testing.T, bin, data string, more ...string) *binaryServer {
	t.Helper()
	args := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0",
		"--rate-per-token", "0", "--rate-per-ip", "0"}, more...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "MAILLAGE_LOG_FORMAT=text")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	srv := &binaryServer{cmd: cmd}
	t.Cleanup(srv.kill)
	addr := make(chan string, 1)
	var log bytes.Buffer
	var mu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := servingAt.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("maillage serve exited before serving:\n%s", log.String())
		}
		srv.addr = a
	case <-time.After(120 * time.Second):
		// Generous: a loaded two-core machine may rebuild an index first.
		t.Fatal("maillage serve did not start within 120 s")
	}
	return srv
}

// loadUntilKilled runs 8 writers creating notes and kills the server once
// some 60 notes are acknowledged, while the writers go on. It returns the
// acknowledged notes.
func loadUntilKilled(t *testing.T, srv *binaryServer, token string, round int) map[string]string {
	t.Helper()
	var mu sync.Mutex
	acked := map[string]string{}
	killed := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				title := fmt.Sprintf("crash %d-%d-%d", round, w, i)
				q := fmt.Sprintf(`mutation { createNote(input: {title: %q, visibility: PUBLIC, body: %q}) { note { id title } } }`,
					title, strings.Repeat("texte ", 200))
				var r struct {
					Data struct {
						CreateNote struct{ Note struct{ ID, Title string } }
					}
					Errors []json.RawMessage
				}
				status, err := post(client, srv.addr, token, q, &r)
				if err != nil {
					return // the server is gone
				}
				if status != 200 || len(r.Errors) > 0 || r.Data.CreateNote.Note.ID == "" {
					t.Errorf("createNote: status %d, errors %s", status, r.Errors)
					return
				}
				mu.Lock()
				acked[r.Data.CreateNote.Note.ID] = title
				n := len(acked)
				mu.Unlock()
				if n == 60 {
					close(killed)
				}
			}
		}()
	}
	select {
	case <-killed:
	case <-time.After(2 * time.Minute):
		// Generous: the server shares a loaded machine with parallel tests.
		t.Error("60 notes were not acknowledged within 2 minutes")
	}
	srv.kill()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return acked
}

func post(client *http.Client, addr, token, query string, into any) (int, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest("POST", "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	return res.StatusCode, json.Unmarshal(b, into)
}

// checkAcknowledged reads back every acknowledged note, 100 at a time, and
// every crash note the store holds (acknowledged or not): each one whole.
func checkAcknowledged(t *testing.T, addr, token string, acked map[string]string) {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	ids := make([]string, 0, len(acked))
	for id := range acked {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += 100 {
		batch := ids[start:min(start+100, len(ids))]
		quoted, _ := json.Marshal(batch)
		var r struct {
			Data struct {
				Nodes []*struct {
					ID, Title string
					Authors   []struct{ Name string }
				}
			}
			Errors []json.RawMessage
		}
		q := fmt.Sprintf(`{ nodes(ids: %s) { id ... on Note { title authors { name } } } }`, quoted)
		if status, err := post(client, addr, token, q, &r); err != nil || status != 200 || len(r.Errors) > 0 {
			t.Fatalf("read back: status %d, %v, %s", status, err, r.Errors)
		}
		for i, n := range r.Data.Nodes {
			switch {
			case n == nil:
				t.Errorf("acknowledged note %s (%q) is missing after SIGKILL", batch[i], acked[batch[i]])
			case n.Title != acked[batch[i]] || len(n.Authors) != 1 || n.Authors[0].Name != "Crash Author":
				t.Errorf("note %s is not whole: %+v", batch[i], n)
			}
		}
	}
	// Notes that committed without their acknowledgement reaching the
	// client are fine; a note without its author is a partial write.
	var after string
	for {
		var r struct {
			Data struct {
				Notes struct {
					Nodes []struct {
						Title   string
						Authors []struct{ Name string }
					}
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
			Errors []json.RawMessage
		}
		q := `{ notes(first: 100` + after + `) { nodes { title authors { name } } pageInfo { hasNextPage endCursor } } }`
		if status, err := post(client, addr, token, q, &r); err != nil || status != 200 || len(r.Errors) > 0 {
			t.Fatalf("list notes: status %d, %v, %s", status, err, r.Errors)
		}
		for _, n := range r.Data.Notes.Nodes {
			if len(n.Authors) != 1 {
				t.Errorf("note %q has %d authors: a partial write", n.Title, len(n.Authors))
			}
		}
		if !r.Data.Notes.PageInfo.HasNextPage {
			return
		}
		after = fmt.Sprintf(", after: %q", r.Data.Notes.PageInfo.EndCursor)
	}
}

// TestServeRefusesAnInterruptedRestore: `maillage import json` killed with
// SIGKILL mid-restore leaves its marker; serve refuses the half-restored
// store with a message saying what to do, and the same import run again
// finishes it, after which serve starts.
func TestServeRefusesAnInterruptedRestore(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary and kills an import")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	file := filepath.Join(dir, "dump.jsonl")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	// Some 48 000 records in five batches of the restore: the kill lands
	// after the first, and the import again and serve's index build take a
	// quarter of what the 20 000 notes this test used to write did.
	if _, err := dump.Generate(f, dump.GenerateOptions{Notes: 5000, Links: 15000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	data := filepath.Join(dir, "data")
	imp := exec.Command(bin, "import", "json", "--data", data, file)
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	// The marker is in the first batch's transaction: once the file has
	// grown past an empty store's size, that batch has committed.
	db := filepath.Join(data, "maillage.db")
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if st, err := os.Stat(db); err == nil && st.Size() > 4<<20 {
			break
		}
		if time.Now().After(deadline) {
			imp.Process.Kill()
			t.Fatal("the import wrote nothing within 5 minutes")
		}
		time.Sleep(5 * time.Millisecond)
	}
	imp.Process.Kill()
	if err := imp.Wait(); err == nil {
		t.Skip("the import finished before it could be killed: nothing to check")
	}

	out, err := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "restore that was interrupted") {
		t.Fatalf("serve on a half-restored store: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "import", "json", "--data", data, file).CombinedOutput(); err != nil {
		t.Fatalf("the import again: %v\n%s", err, out)
	}
	startBinary(t, bin, data).kill()
}
