package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// syncBuffer is a log destination the server writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startLogged is startServer keeping c.addr (loopback by default) and the
// log; stop returns once serve has returned, its deferred work done.
func startLogged(t *testing.T, c serveConfig) (addr string, logs *syncBuffer, stop func()) {
	t.Helper()
	if c.addr == "" {
		c.addr = "127.0.0.1:0"
	}
	if c.store == "" {
		c.store = "embedded"
	}
	logs = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, c, slog.New(slog.NewTextHandler(logs, nil)), ready) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
	}
	select {
	case addr = <-ready:
		t.Cleanup(stop)
		return addr, logs, stop
	case err := <-done:
		cancel()
		t.Fatalf("serve failed to start: %v\n%s", err, logs)
	case <-time.After(90 * time.Second):
		cancel()
		t.Fatalf("serve did not start within 90 s\n%s", logs)
	}
	return "", nil, nil
}

type demoAccountsAnswer struct {
	Demo     bool
	Accounts []struct {
		Role, Contributor, Name, Token string
	}
}

// getDemoAccounts asks for the picker's accounts with the Host given
// ("" for the address's own), and decodes the answer strictly: a field
// more is a leak the test must see.
func getDemoAccounts(t *testing.T, addr, host string) (int, demoAccountsAnswer) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+"/demo/accounts", nil)
	if host != "" {
		req.Host = host
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out demoAccountsAnswer
	if res.StatusCode != 200 {
		return res.StatusCode, out
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q: the tokens must not be cached", cc)
	}
	if acao := res.Header.Get("Access-Control-Allow-Origin"); acao != "" {
		t.Errorf("Access-Control-Allow-Origin %q: no other site may read the tokens", acao)
	}
	dec := json.NewDecoder(res.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("the demo accounts: %v", err)
	}
	return res.StatusCode, out
}

func viewerName(t *testing.T, addr, token string) (string, int) {
	t.Helper()
	status, r := postGraphQL(t, addr, token, `{ viewer { name } }`)
	if status != 200 || len(r.Errors) > 0 {
		return "", status
	}
	var d struct{ Viewer *struct{ Name string } }
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatalf("viewer: %s %v", r.Data, err)
	}
	if d.Viewer == nil { // a token of no contributor
		return "", status
	}
	return d.Viewer.Name, status
}

func storeTokens(t *testing.T, dir string) []*graph.Token {
	t.Helper()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn, err := s.Tokens(graph.SystemContext(context.Background()), graph.Page{First: graph.MaxFirst})
	if err != nil {
		t.Fatal(err)
	}
	return conn.Nodes()
}

var loggedToken = regexp.MustCompile(`msg="demo only: sign in as" role=(\w+) .* token=(mlg_\S+)`)

// TestServeDemoSignIn: with --demo on loopback, one token per role, bound
// to a demo contributor, printed in the log and handed to the explorer's
// picker; revoked when serve stops; and nothing of it without --demo.
func TestServeDemoSignIn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr, logs, stop := startLogged(t, serveConfig{data: dir, demo: true})

	status, got := getDemoAccounts(t, addr, "")
	if status != 200 || !got.Demo {
		t.Fatalf("GET /demo/accounts: %d %+v", status, got)
	}
	var roles []string
	for _, a := range got.Accounts {
		roles = append(roles, a.Role)
		name, st := viewerName(t, addr, a.Token)
		if name != a.Name {
			t.Errorf("the %s token signs in as %q (status %d), want %q", a.Role, name, st, a.Name)
		}
		if kind, _, err := api.ParseGlobalID(a.Contributor); err != nil || kind != graph.KindContributor {
			t.Errorf("account %s: contributor %q is not a contributor's global id", a.Role, a.Contributor)
		}
	}
	if want := []string{"CONTRIBUTOR", "RESEARCHER", "CURATOR", "ADMIN"}; !slices.Equal(roles, want) {
		t.Errorf("roles %v, want %v", roles, want)
	}

	// The log says each one, demo only, with the same tokens.
	logged := loggedToken.FindAllStringSubmatch(logs.String(), -1)
	if len(logged) != len(got.Accounts) {
		t.Fatalf("the log names %d demo tokens, want %d:\n%s", len(logged), len(got.Accounts), logs)
	}
	for i, m := range logged {
		if m[1] != got.Accounts[i].Role || m[2] != got.Accounts[i].Token {
			t.Errorf("log line %d: %s %s, the picker %s %s", i, m[1], m[2], got.Accounts[i].Role, got.Accounts[i].Token)
		}
	}
	for _, step := range []string{"opening the embedded store", "demo commons loaded", "building the search index",
		"explorer=http://" + addr + "/explore/", "graphiql=http://" + addr + "/"} {
		if !strings.Contains(logs.String(), step) {
			t.Errorf("the start-up log does not say %q:\n%s", step, logs)
		}
	}

	// Another site's page resolved to this address (DNS rebinding) is not
	// answered.
	if status, _ := getDemoAccounts(t, addr, "maillage.example:80"); status != 404 {
		t.Errorf("Host maillage.example: status %d, want 404", status)
	}

	stop()
	if toks := storeTokens(t, dir); len(toks) != 0 {
		t.Errorf("after serve --demo stopped, %d tokens are left: %+v", len(toks), toks[0])
	}

	// The same directory without --demo: no picker, and the old tokens
	// are no good.
	addr, _, _ = startLogged(t, serveConfig{data: dir})
	if status, _ := getDemoAccounts(t, addr, ""); status != 404 {
		t.Errorf("without --demo, GET /demo/accounts: %d, want 404", status)
	}
	for _, a := range got.Accounts {
		if _, status := viewerName(t, addr, a.Token); status != http.StatusUnauthorized {
			t.Errorf("the %s demo token of the stopped demo: status %d, want 401", a.Role, status)
		}
	}
}

// TestServeRevokesDemoTokensLeftByACrash: a `serve --demo` killed before
// it could revoke its tokens leaves them in the store; the next start,
// demo or not, revokes them before it listens, and leaves other tokens be.
func TestServeRevokesDemoTokensLeftByACrash(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sys := graph.SystemContext(context.Background())
	leftSecret, leftHash := graph.NewTokenSecret()
	keptSecret, keptHash := graph.NewTokenSecret()
	now := time.Now().UTC()
	for _, tok := range []graph.Token{
		{Hash: leftHash, Role: graph.RoleAdmin, CreatedAt: now, Label: demoTokenLabel + ": ADMIN"},
		{Hash: keptHash, Role: graph.RoleCurator, CreatedAt: now, Label: "Poste de la coordination"},
	} {
		if err := s.CreateToken(sys, tok); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	addr, logs, _ := startLogged(t, serveConfig{data: dir})
	if _, status := viewerName(t, addr, leftSecret); status != http.StatusUnauthorized {
		t.Errorf("the demo token a crash left: status %d, want 401", status)
	}
	if _, status := viewerName(t, addr, keptSecret); status != 200 {
		t.Errorf("an operator's token: status %d, want 200", status)
	}
	if !strings.Contains(logs.String(), "revoked the demo sign-in tokens") {
		t.Errorf("the log does not say the left demo tokens were revoked:\n%s", logs)
	}
	if status, _ := getDemoAccounts(t, addr, ""); status != 404 {
		t.Errorf("without --demo, GET /demo/accounts: %d, want 404", status)
	}
}

// TestServeDemoSignInBeyondLoopback: on an address others reach, the
// picker is off unless --demo-public-sign-in, and the log warns either way.
func TestServeDemoSignInBeyondLoopback(t *testing.T) {
	t.Parallel()
	for _, public := range []bool{false, true} {
		addr, logs, _ := startLogged(t, serveConfig{data: t.TempDir(), demo: true, addr: "0.0.0.0:0", demoPublicSignIn: public})
		port := addr[strings.LastIndex(addr, ":"):]
		local := "127.0.0.1" + port
		status, got := getDemoAccounts(t, local, "maillage.example")
		switch {
		case !public && status != 404:
			t.Errorf("--addr 0.0.0.0 without --demo-public-sign-in: status %d, want 404", status)
		case public && (status != 200 || len(got.Accounts) != 4):
			t.Errorf("--demo-public-sign-in: status %d, %d accounts", status, len(got.Accounts))
		}
		if !strings.Contains(logs.String(), "level=WARN") {
			t.Errorf("public=%v: no warning in the log:\n%s", public, logs)
		}
		// The tokens exist either way, for whoever reads the log.
		if m := loggedToken.FindAllStringSubmatch(logs.String(), -1); len(m) != 4 {
			t.Errorf("public=%v: %d demo tokens in the log, want 4", public, len(m))
		}
	}
}

func TestDemoPublicSignInNeedsDemo(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--demo-public-sign-in"}, io.Discard, io.Discard)
	var u usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "--demo") {
		t.Errorf("--demo-public-sign-in without --demo: %v, want a usage error", err)
	}
}
