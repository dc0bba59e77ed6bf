package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// clientLine is one line of api/testdata/graphql-ws-client.mjs.
type clientLine struct {
	On     string   `json:"on"`
	Codes  []string `json:"codes"`
	Kind   string   `json:"kind"`
	Title  string   `json:"title"`
	Code   int      `json:"code"`
	Reason string   `json:"reason"`
}

// The reference client of graphql-transport-ws, graphql-ws (pinned in
// package.json), against the real server: sign-in by connectionParams,
// errors with codes, events, and a revoked token's close as the client
// reports it.
func TestGraphQLWSClient(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the graphql-ws client test needs Node 20+")
	}
	root, _ := filepath.Abs("..")
	if _, err := os.Stat(filepath.Join(root, "node_modules", "graphql-ws", "package.json")); err != nil {
		t.Skip("node_modules/graphql-ws is missing: run npm ci at the repository root")
	}
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = time.Hour })
	w.doc(graph.Document{ID: "n3", Title: "Notes confidentielles", Visibility: graph.VisibilityPrivate}, "bob")
	carol, admin := w.revocableCurator(), w.token(graph.RoleAdmin, "")

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	// Node 20 has a WebSocket only behind this flag (it is on by default
	// from Node 22).
	cmd := exec.CommandContext(ctx, node, "--experimental-websocket", filepath.Join("testdata", "graphql-ws-client.mjs"),
		"ws"+strings.TrimPrefix(w.srv.URL, "http")+"/graphql", carol, gid(graph.KindNote, "n3"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan clientLine, 100)
	var raw strings.Builder
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			raw.WriteString(sc.Text() + "\n")
			var l clientLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				l = clientLine{On: "garbled: " + sc.Text()}
			}
			lines <- l
		}
	}()
	next := func(wait time.Duration) (clientLine, bool) {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the client stopped: %v\n%s", cmd.Wait(), stderr.String())
			}
			return l, true
		case <-time.After(wait):
			return clientLine{}, false
		}
	}
	want := func(on string) clientLine {
		t.Helper()
		for {
			// Generous: Node starts slowly on a loaded machine.
			l, ok := next(time.Minute)
			if !ok {
				t.Fatalf("no %q from the client within a minute\n%s", on, stderr.String())
			}
			if l.On == on {
				return l
			}
			// Events of the writes before the revocation may still come.
			earlier := l.On == "next" && strings.HasPrefix(l.Title, "Version ")
			if l.On != "connected" && l.On != "subscribed" && !earlier {
				t.Fatalf("client said %+v, want %q", l, on)
			}
		}
	}

	if l := want("bad-id"); !slices.Contains(l.Codes, "BAD_USER_INPUT") {
		t.Fatalf("bad id: codes %v, want BAD_USER_INPUT", l.Codes)
	}
	want("subscribed")
	// The client sends subscribe once connected; write until its first
	// event shows it is running.
	for i, start := 0, time.Now(); ; i++ {
		if time.Since(start) > 2*time.Minute {
			t.Fatalf("no event for the client after %d writes\n%s", i, stderr.String())
		}
		title := fmt.Sprintf("Version %d", i)
		w.updateNote(w.bob, "n3", vars{"title": title})
		l, ok := next(200 * time.Millisecond)
		if !ok || l.On == "connected" {
			continue
		}
		if l.On != "next" || l.Kind != "UPDATED" || !strings.HasPrefix(l.Title, "Version ") {
			t.Fatalf("client said %+v, want an UPDATED event", l)
		}
		break
	}

	w.deleteContributor(admin, "carol")
	w.updateNote(w.bob, "n3", vars{"title": "Après la révocation"})
	if l := want("closed"); l.Code != 4403 {
		t.Fatalf("the client saw the socket closed with %d %q, want 4403", l.Code, l.Reason)
	}
	for range lines { // until the client's output ends, so raw is complete
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("client: %v\n%s", err, stderr.String())
	}
	if strings.Contains(raw.String(), "révocation") {
		t.Fatalf("the client received content after the revocation:\n%s", raw.String())
	}
}
