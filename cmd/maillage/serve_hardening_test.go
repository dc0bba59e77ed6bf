package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/api/explorer"
)

// hardeningFrom parses serve's hardening flags as serveCommand does,
// MAILLAGE_* variables included.
func hardeningFrom(t *testing.T, args ...string) hardening {
	t.Helper()
	var h hardening
	fs := newFlagSet("serve", &bytes.Buffer{})
	addHardeningFlags(fs, &h)
	if err := parseFlags(fs, args); err != nil {
		t.Fatalf("flags %q: %v", args, err)
	}
	return h
}

func TestServeHardeningFlags(t *testing.T) {
	t.Setenv("MAILLAGE_MAX_DEPTH", "3")
	h := hardeningFrom(t, "--introspection=false", "--max-aliases", "0")
	addr, _ := startServer(t, serveConfig{data: t.TempDir(), demo: true, hard: h})

	// MAILLAGE_MAX_DEPTH=3 from the environment.
	_, r := postGraphQL(t, addr, "", `{ notes { nodes { authors { name } } } }`)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "DEPTH_LIMIT_EXCEEDED" {
		t.Errorf("depth 4 with MAILLAGE_MAX_DEPTH=3: %+v", r.Errors)
	}
	// --introspection=false.
	_, r = postGraphQL(t, addr, "", `{ __schema { queryType { name } } }`)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "INTROSPECTION_DISABLED" {
		t.Errorf("introspection: %+v", r.Errors)
	}
	// --max-aliases 0 switches the alias limit off.
	var q strings.Builder
	q.WriteString("{ notes { nodes { ")
	for i := range 40 {
		fmt.Fprintf(&q, "a%d: title ", i)
	}
	q.WriteString("} } }")
	if _, r = postGraphQL(t, addr, "", q.String()); len(r.Errors) > 0 {
		t.Errorf("40 aliases with the limit off: %+v", r.Errors)
	}
}

func TestServeAllowListFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(dir, "persisted.json")
	os.WriteFile(list, []byte(`{"count": "{ notes { totalCount } }"}`), 0o600)
	addr, _ := startServer(t, serveConfig{data: t.TempDir(), demo: true, hard: hardeningFrom(t, "--allow-list", list)})
	if _, r := postGraphQL(t, addr, "", `{ notes { totalCount } }`); len(r.Errors) > 0 {
		t.Errorf("listed query: %+v", r.Errors)
	}
	if _, r := postGraphQL(t, addr, "", `{ __typename }`); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "PERSISTED_QUERY_NOT_IN_LIST" {
		t.Errorf("unlisted query: %+v", r.Errors)
	}
	// The explorer's own documents run for anonymous readers too, sent as
	// the page sends them, and answer with the demo's data.
	docs, err := explorer.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if _, r := postGraphQL(t, addr, "", docs["Dimensions"]); len(r.Errors) > 0 || !strings.Contains(string(r.Data), "standpointDimensions") {
		t.Errorf("explorer document under the allow-list: %s %+v", r.Data, r.Errors)
	}
	// … unless the operator leaves them out.
	addr, _ = startServer(t, serveConfig{data: t.TempDir(), demo: true, hard: hardeningFrom(t, "--allow-list", list, "--allow-list-explorer=false")})
	if _, r := postGraphQL(t, addr, "", docs["Coverage"]); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "PERSISTED_QUERY_NOT_IN_LIST" {
		t.Errorf("explorer document with --allow-list-explorer=false: %+v", r.Errors)
	}
	err = serve(t.Context(), serveConfig{data: t.TempDir(), addr: "127.0.0.1:0", store: "embedded",
		hard: hardeningFrom(t, "--allow-list", filepath.Join(dir, "missing.json"))}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err == nil || !strings.Contains(err.Error(), "--allow-list") {
		t.Errorf("missing allow-list file: %v", err)
	}
}

// The live-update options reach the WebSocket endpoint: one from the
// environment, one from a flag.
func TestServeLiveFlags(t *testing.T) {
	t.Setenv("MAILLAGE_LIVE_MAX_CONNECTIONS", "1")
	addr, _ := startServer(t, serveConfig{data: t.TempDir(), demo: true, hard: hardeningFrom(t, "--live-max-subscriptions", "1")})
	_, r := postGraphQL(t, addr, "", `{ notes(first: 1) { nodes { id } } }`)
	var notes struct {
		Notes struct{ Nodes []struct{ ID string } }
	}
	if err := json.Unmarshal(r.Data, &notes); err != nil || len(notes.Notes.Nodes) != 1 {
		t.Fatalf("a demo note: %s %v", r.Data, err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ws := dialGraphQLWS(t, ctx, addr, "")
	sub := func(id string) map[string]any {
		return map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{
			"query": "subscription($id: ID!) { documentChanged(id: $id) { kind } }", "variables": map[string]any{"id": notes.Notes.Nodes[0].ID}}}
	}
	ws.send(sub("1"))
	ws.send(sub("2"))
	// --live-max-subscriptions 1: one of the two (they start
	// concurrently) is refused.
	if m, err := ws.next(); err != nil || !strings.Contains(fmt.Sprint(m["payload"]), "SUBSCRIPTION_LIMIT_EXCEEDED") {
		t.Fatalf("second subscription: %v %v, want SUBSCRIPTION_LIMIT_EXCEEDED", m, err)
	}
	// MAILLAGE_LIVE_MAX_CONNECTIONS=1: a second WebSocket is refused.
	if _, res, err := websocket.Dial(ctx, "ws://"+addr+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}}); err == nil || res == nil || res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second connection: %v %v, want 429", res, err)
	}
}

func TestServeLiveFlagsRefuseWhatCannotBeOff(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--live-poll", "0"}, {"--live-buffer", "0"}, {"--live-buffer", "-3"}} {
		var cfg api.Config
		err := hardeningFrom(t, args...).apply(&cfg)
		if _, ok := err.(usageError); !ok || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%q: %v, want a usage error naming the flag", args, err)
		}
		// serve refuses it before it creates anything.
		data := filepath.Join(t.TempDir(), "data")
		if _, _, err := runCmd(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, args...)...); exitCode(err) != 2 {
			t.Errorf("serve %q: %v, want a usage error", args, err)
		}
		if _, err := os.Stat(data); err == nil {
			t.Errorf("serve %q created %s before refusing", args, data)
		}
	}
	// 0 switches a limit off, which api.LiveOptions spells negative.
	var cfg api.Config
	if err := hardeningFrom(t, "--live-max-connections", "0", "--live-ping", "0").apply(&cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Live.MaxConnectionsPerAddress >= 0 || cfg.Live.PingInterval >= 0 || cfg.Live.MaxSubscriptionsPerConnection != api.DefaultLiveOptions.MaxSubscriptionsPerConnection {
		t.Errorf("live options %+v", cfg.Live)
	}
	for arg, want := range map[string]int{"0": -1, "3": 3} {
		var cfg api.Config
		if err := hardeningFrom(t, "--live-max-operations", arg).apply(&cfg); err != nil {
			t.Fatal(err)
		}
		if cfg.Live.MaxOperationsPerConnection != want {
			t.Errorf("--live-max-operations %s: MaxOperationsPerConnection %d, want %d", arg, cfg.Live.MaxOperationsPerConnection, want)
		}
	}
}

// graphQLWS is a graphql-transport-ws client of the tests.
type graphQLWS struct {
	t    *testing.T
	ctx  context.Context
	conn *websocket.Conn
}

// dialGraphQLWS opens a graphql-transport-ws connection to addr, signed in
// with token when it is not empty, and waits for its connection_ack. The
// connection closes when the test ends.
func dialGraphQLWS(t *testing.T, ctx context.Context, addr, token string) *graphQLWS {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, "ws://"+addr+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	ws := &graphQLWS{t, ctx, conn}
	init := map[string]any{"type": "connection_init"}
	if token != "" {
		init["payload"] = map[string]any{"Authorization": "Bearer " + token}
	}
	ws.send(init)
	if m, err := ws.next(); err != nil || m["type"] != "connection_ack" {
		t.Fatalf("got %v %v, want connection_ack", m, err)
	}
	return ws
}

// send writes m as one message; from the test's goroutine only.
func (ws *graphQLWS) send(m map[string]any) {
	ws.t.Helper()
	b, _ := json.Marshal(m)
	if err := ws.conn.Write(ws.ctx, websocket.MessageText, b); err != nil {
		ws.t.Fatal(err)
	}
}

// next reads the next message that is not a ping or a pong.
func (ws *graphQLWS) next() (map[string]any, error) {
	for {
		_, b, err := ws.conn.Read(ws.ctx)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		if m["type"] != "ping" && m["type"] != "pong" {
			return m, nil
		}
	}
}
