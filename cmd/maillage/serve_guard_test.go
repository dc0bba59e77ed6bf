package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// freeAddr is a loopback address nobody listens on, for a second listener
// whose address the test must know before serve starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// Issue #15, item 7: with --metrics-addr (here MAILLAGE_METRICS_ADDR),
// /metrics is served there, and the public port does not offer it.
func TestServeMetricsAddr(t *testing.T) {
	metrics := freeAddr(t)
	t.Setenv("MAILLAGE_METRICS_ADDR", metrics)
	addr, _ := startServer(t, serveConfig{data: t.TempDir(), hard: hardeningFrom(t)})
	postGraphQL(t, addr, "", `query Counted { notes { totalCount } }`)

	status, body := httpGet(t, "http://"+metrics+"/metrics")
	if status != http.StatusOK || !strings.Contains(body, `maillage_graphql_requests_total{operation="Counted"`) {
		t.Errorf("GET /metrics on --metrics-addr: %d %.300s", status, body)
	}
	if status, body := httpGet(t, "http://"+addr+"/metrics"); status != http.StatusNotFound {
		t.Errorf("GET /metrics on --addr: %d %.300s", status, body)
	}
	if status, _ := httpGet(t, "http://"+metrics+"/graphql"); status != http.StatusNotFound {
		t.Errorf("GET /graphql on --metrics-addr: %d", status)
	}

	// Without the flag, /metrics stays on --addr.
	t.Setenv("MAILLAGE_METRICS_ADDR", "")
	addr, _ = startServer(t, serveConfig{data: t.TempDir(), hard: hardeningFrom(t)})
	if status, _ := httpGet(t, "http://"+addr+"/metrics"); status != http.StatusOK {
		t.Errorf("GET /metrics without --metrics-addr: %d", status)
	}
}

// A --metrics-addr that cannot be listened on is refused before anything
// is created, like the other hardening flags.
func TestServeMetricsAddrIsChecked(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--metrics-addr", "9090"},
		{"--metrics-addr", "127.0.0.1:99999"},
		{"--metrics-addr", "127.0.0.1:no-such-service"},
		{"--addr", "127.0.0.1:18080", "--metrics-addr", "127.0.0.1:18080"},
	} {
		data := filepath.Join(t.TempDir(), "data")
		full := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, args...)
		if _, _, err := runCmd(t, full...); exitCode(err) != 2 || !strings.Contains(err.Error(), "--metrics-addr") {
			t.Errorf("serve %q: %v, want a usage error naming --metrics-addr", args, err)
		}
		if _, err := os.Stat(data); err == nil {
			t.Errorf("serve %q created %s before refusing", args, data)
		}
	}
}

// Issue #15, item 7: headers past http.Server.MaxHeaderBytes (1 MiB) get
// a 431 in JSON with a code, not net/http's text.
func TestServeHeadersTooLargeIsJSON(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, serveConfig{data: t.TempDir()})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() {
		// The server answers before it has read all of this, and closes:
		// the write fails then, which is expected.
		fmt.Fprintf(c, "GET /graphql?query=%%7B__typename%%7D HTTP/1.1\r\nHost: maillage\r\nX-Filler: %s\r\n\r\n", strings.Repeat("a", 2<<20))
	}()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read the answer: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var body gqlResponse
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
		json.Unmarshal(raw, &body) != nil || len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "REQUEST_HEADERS_TOO_LARGE" {
		t.Fatalf("2 MiB of headers: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), raw)
	}
}

// --header-timeout and --body-timeout bound how long a client may take
// to send a request; a client that trickles either is cut off.
func TestServeReadTimeouts(t *testing.T) {
	t.Parallel()
	addr, _ := startServer(t, serveConfig{data: t.TempDir(), hard: hardeningFrom(t, "--header-timeout", "300ms", "--body-timeout", "300ms")})
	trickle := func(c net.Conn, s string) {
		for i := range len(s) {
			if _, err := c.Write([]byte{s[i]}); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		return c
	}

	// Headers a byte every 50 ms: 3 s for these; the server gives up
	// after 300 ms, with a coded 400.
	c := dial()
	go trickle(c, "GET /healthz HTTP/1.1\r\nHost: maillage\r\nX-Filler: "+strings.Repeat("a", 50)+"\r\n\r\n")
	start := time.Now()
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("trickled headers: %v", err)
	}
	var r gqlResponse
	if json.NewDecoder(res.Body).Decode(&r) != nil || res.StatusCode != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_REQUEST" {
		t.Errorf("trickled headers: %d %+v", res.StatusCode, r.Errors)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("trickled headers answered after %s", took)
	}

	// The body a byte every 50 ms: 408 REQUEST_TIMEOUT.
	c = dial()
	body := `{"query": "{ __typename }"}`
	fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: maillage\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	go trickle(c, body)
	res, err = http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("trickled body: %v", err)
	}
	defer res.Body.Close()
	r = gqlResponse{}
	if json.NewDecoder(res.Body).Decode(&r) != nil || res.StatusCode != http.StatusRequestTimeout || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "REQUEST_TIMEOUT" {
		t.Errorf("trickled body: %d %+v", res.StatusCode, r.Errors)
	}
}
