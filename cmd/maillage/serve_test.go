package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startServer runs `serve` in-process on a loopback port and returns its
// address and a stop function that cancels it like SIGTERM would.
func startServer(t *testing.T, c serveConfig) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	c.addr = "127.0.0.1:0"
	if c.store == "" {
		c.store = "embedded"
	}
	go func() { done <- serve(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
	select {
	case addr := <-ready:
		var once bool
		var result error
		stop := func() error {
			if !once {
				once = true
				cancel()
				result = <-done
			}
			return result
		}
		t.Cleanup(func() { stop() })
		return addr, stop
	case err := <-done:
		cancel()
		t.Fatalf("serve failed to start: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("serve did not start within 60 s")
	}
	return "", nil
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func postGraphQL(t *testing.T, addr, token, query string) (int, gqlResponse) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest("POST", "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	return resp.StatusCode, r
}

const acceptanceQuery = `{ notes(first: 5) { totalCount edges { node { id title authors { name }
  backlinks(first: 3) { totalCount } } } pageInfo { hasNextPage endCursor } } }`

func TestServeDemoAnswersTheAcceptanceQuery(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr, stop := startServer(t, serveConfig{data: dir, demo: true})

	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(string(page)), "graphiql") {
		t.Fatalf("GraphiQL page: status %d", resp.StatusCode)
	}

	status, r := postGraphQL(t, addr, "", acceptanceQuery)
	if status != 200 || len(r.Errors) > 0 {
		t.Fatalf("status %d errors %+v", status, r.Errors)
	}
	var data struct {
		Notes struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID, Title string
					Authors   []struct{ Name string }
					Backlinks struct{ TotalCount int }
				}
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
		}
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	n := data.Notes
	if n.TotalCount < 30 || len(n.Edges) != 5 || !n.PageInfo.HasNextPage || n.PageInfo.EndCursor == "" {
		t.Fatalf("anonymous demo notes: total %d, %d edges, pageInfo %+v", n.TotalCount, len(n.Edges), n.PageInfo)
	}
	for _, e := range n.Edges {
		if e.Node.Title == "" || len(e.Node.Authors) == 0 || e.Node.Authors[0].Name == "" {
			t.Errorf("note without title or authors: %+v", e.Node)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}

	// Restarting with --demo on the same directory loads nothing twice.
	addr, _ = startServer(t, serveConfig{data: dir, demo: true})
	_, r2 := postGraphQL(t, addr, "", `{ notes { totalCount } }`)
	var again struct{ Notes struct{ TotalCount int } }
	json.Unmarshal(r2.Data, &again)
	if again.Notes.TotalCount != n.TotalCount {
		t.Fatalf("demo loaded twice: %d notes, then %d", n.TotalCount, again.Notes.TotalCount)
	}
}

func TestTokenCreateWhileServerRunsSaysSo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	startServer(t, serveConfig{data: dir, demo: true})
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"token", "create", "--data", dir, "--role", "ADMIN"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("token create on a locked data directory: %v", err)
	}
	if out.Len() != 0 {
		t.Fatalf("printed a token anyway: %q", out.String())
	}
}

func TestTokenCreateThenUseIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, stop := startServer(t, serveConfig{data: dir, demo: true})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"token", "create", "--data", dir, "--role", "CONTRIBUTOR"}, &out, &errOut); err == nil {
		t.Fatal("a CONTRIBUTOR token without --contributor was accepted")
	}
	if err := run(context.Background(), []string{"token", "create", "--data", dir, "--role", "KING"}, &out, &errOut); err == nil {
		t.Fatal("unknown role accepted")
	}
	if err := run(context.Background(), []string{"token", "create", "--data", dir, "--role", "CONTRIBUTOR", "--contributor", "nobody-here"}, &out, &errOut); err == nil {
		t.Fatal("token for an unknown contributor accepted")
	}
	if out.Len() != 0 {
		t.Fatalf("failed commands printed %q", out.String())
	}
	if err := run(context.Background(), []string{"token", "create", "--data", dir, "--role", "ADMIN"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out.String())
	addr, _ := startServer(t, serveConfig{data: dir})
	_, anon := postGraphQL(t, addr, "", `{ viewer { id } }`)
	_, admin := postGraphQL(t, addr, token, `{ notes { totalCount } }`)
	_, public := postGraphQL(t, addr, "", `{ notes { totalCount } }`)
	if len(admin.Errors) > 0 || len(anon.Errors) > 0 {
		t.Fatalf("errors: admin %+v anon %+v", admin.Errors, anon.Errors)
	}
	var a, p struct{ Notes struct{ TotalCount int } }
	json.Unmarshal(admin.Data, &a)
	json.Unmarshal(public.Data, &p)
	if a.Notes.TotalCount <= p.Notes.TotalCount {
		t.Fatalf("an admin sees %d notes, anonymous %d: hidden demo notes should count for the admin only", a.Notes.TotalCount, p.Notes.TotalCount)
	}
	status, bad := postGraphQL(t, addr, "mlg_not-a-real-token", `{ notes { totalCount } }`)
	if status != http.StatusUnauthorized || len(bad.Errors) == 0 || bad.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Fatalf("bad token: status %d, %+v", status, bad.Errors)
	}
}

func TestCommandLineErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"serve", "--store", "mysql"},
		{"serve", "--log-format", "xml"},
		{"serve", "stray"},
		{"token"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, &out, &errOut)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%q: want a usage error, got %v", args, err)
		}
	}
}

func TestEnvironmentSetsFlags(t *testing.T) {
	t.Setenv("MAILLAGE_STORE", "cassandra")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "--data", t.TempDir()}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "cassandra") {
		t.Fatalf("MAILLAGE_STORE ignored: %v", err)
	}
	// A flag on the command line wins over the environment.
	err = run(context.Background(), []string{"serve", "--store", "mysql"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "mysql") {
		t.Fatalf("flag did not win over MAILLAGE_STORE: %v", err)
	}
}

func TestServeOnUnreachableNeo4jFailsFast(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	start := time.Now()
	err := run(context.Background(), []string{"serve", "--store", "neo4j", "--neo4j-uri", "bolt://127.0.0.1:1",
		"--neo4j-password", "secret-password", "--data", t.TempDir()}, &out, &errOut)
	if err == nil {
		t.Fatal("serve on an unreachable Neo4j started")
	}
	if strings.Contains(err.Error(), "secret-password") {
		t.Fatalf("the error shows the password: %v", err)
	}
	if !strings.Contains(strings.ToLower(err.Error()), "neo4j") || time.Since(start) > 45*time.Second {
		t.Fatalf("unclear or slow failure after %s: %v", time.Since(start), err)
	}
	if err := run(context.Background(), []string{"serve", "--store", "neo4j"}, &out, &errOut); err == nil || exitCode(err) != 2 {
		t.Fatalf("--store neo4j without a URI: %v", err)
	}
}
