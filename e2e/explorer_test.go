package e2e

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
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestExplorer builds maillage, serves the demo commons on a loopback
// port, and runs e2e/run.mjs (every e2e/*.spec.mjs): Debian's Chromium driven by
// playwright-core through the explorer's pages. Each scenario is a subtest;
// screenshots go to $MAILLAGE_ARTIFACTS/explorer-screenshots, or to a
// temporary directory kept only when the test fails (path logged).
func TestExplorer(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: browser tests skipped")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium; .ci/run does)", chromium)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: the browser tests are driven by playwright-core")
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "playwright-core", "package.json")); err != nil {
		t.Skip("node_modules/playwright-core missing (npm ci)")
	}

	// Generous: some thirty scenarios in one browser, on a two-core machine
	// that may be running the Neo4j suites and another test run beside it.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "maillage")
	start := time.Now()
	build := exec.CommandContext(ctx, filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "./cmd/maillage")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built maillage in %s", time.Since(start).Round(time.Millisecond))

	// A curator token, made before the server locks the data directory;
	// the demo still loads, the graph being empty.
	data := filepath.Join(dir, "data")
	tok, err := exec.CommandContext(ctx, bin, "token", "create", "--data", data, "--role", "CURATOR").Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	token := strings.TrimSpace(string(tok))

	// A plain contributor's token and a curator's who speaks for a person
	// (flagging needs one): both name demo contributors, so the demo is
	// loaded by a first start, and the tokens made while it is stopped.
	_, stop := startServer(t, ctx, bin, data)
	stop()
	personToken := func(role, contributor string) string {
		out, err := exec.CommandContext(ctx, bin, "token", "create", "--data", data, "--role", role, "--contributor", contributor).Output()
		if err != nil {
			t.Fatalf("token create %s: %v", role, err)
		}
		return strings.TrimSpace(string(out))
	}
	contributorToken := personToken("CONTRIBUTOR", "contrib-amelie-brisson")
	curatorPersonToken := personToken("CURATOR", "contrib-nadia-benali")

	base, _ := startServer(t, ctx, bin, data)
	shots := screenshotDir(t)
	t.Logf("screenshots: %s", shots)

	spec := exec.CommandContext(ctx, node, filepath.Join("e2e", "run.mjs"), base, shots)
	spec.Dir = root
	spec.Env = append(os.Environ(), "MAILLAGE_E2E_TOKEN="+token, "CHROMIUM="+chromium,
		"MAILLAGE_E2E_CONTRIBUTOR_TOKEN="+contributorToken, "MAILLAGE_E2E_CURATOR_PERSON_TOKEN="+curatorPersonToken)
	var stderr bytes.Buffer
	spec.Stderr = &stderr
	start = time.Now()
	out, runErr := spec.Output()
	t.Logf("browser scenarios ran in %s", time.Since(start).Round(time.Millisecond))

	type result struct {
		Name       string          `json:"name"`
		OK         bool            `json:"ok"`
		MS         int             `json:"ms"`
		Skipped    string          `json:"skipped"`
		Error      string          `json:"error"`
		Problems   []string        `json:"problems"`
		Screenshot string          `json:"screenshot"`
		URL        string          `json:"url"`
		Detail     string          `json:"detail"`
		Timing     json.RawMessage `json:"timing"`
	}
	var results []result
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "RESULT ")
		if !ok {
			continue
		}
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Errorf("unreadable result %q: %v", line, err)
			continue
		}
		results = append(results, r)
	}
	if len(results) == 0 {
		t.Fatalf("the browser run reported nothing (%v)\nstdout:\n%s\nstderr:\n%s", runErr, out, stderr.String())
	}
	failed := false
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if r.Detail != "" {
				t.Log(r.Detail)
			}
			if len(r.Timing) > 0 {
				t.Logf("timing: %s", r.Timing)
			}
			if r.Screenshot != "" {
				t.Logf("screenshot: %s", r.Screenshot)
			}
			switch {
			case !r.OK:
				failed = true
				t.Errorf("%s (at %s, after %d ms)", r.Error, r.URL, r.MS)
				for _, p := range r.Problems {
					t.Log(p)
				}
			case r.Skipped != "":
				t.Skip(r.Skipped)
			}
		})
	}
	if runErr != nil && !failed {
		t.Errorf("the browser run failed: %v\n%s", runErr, stderr.String())
	}
}

// startServer runs `maillage serve --demo` on a free loopback port and
// returns its base URL once /readyz answers 200, and a stop that waits for
// it to exit (also run at cleanup). Rate limits are off: the browser types
// faster than a person.
func startServer(t *testing.T, ctx context.Context, bin, data string) (string, func()) {
	t.Helper()
	srv := exec.CommandContext(ctx, bin, "serve", "--demo", "--data", data, "--addr", "127.0.0.1:0",
		"--rate-per-ip", "0", "--rate-per-token", "0")
	srv.Cancel = func() error { return srv.Process.Signal(syscall.SIGTERM) }
	srv.WaitDelay = 10 * time.Second
	logs, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	var logMu sync.Mutex
	var logText strings.Builder
	addr := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		re := regexp.MustCompile(`graphql=(http://[^\s]+)/graphql`)
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			logMu.Lock()
			logText.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, logs)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			srv.Process.Signal(syscall.SIGTERM)
			srv.Wait()
			<-done
			if t.Failed() {
				logMu.Lock()
				t.Logf("server log:\n%s", lastLines(logText.String(), 40))
				logMu.Unlock()
			}
		})
	}
	t.Cleanup(stop)
	var base string
	select {
	case base = <-addr:
	case <-done:
		t.Fatalf("maillage serve stopped:\n%s", logText.String())
	case <-time.After(60 * time.Second):
		t.Fatal("maillage serve did not start in 60 s")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/readyz not ready in 30 s", base)
		}
		time.Sleep(100 * time.Millisecond)
	}
	res, err := http.Get(base + "/explore/")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /explore/: %v %v", res, err)
	}
	res.Body.Close()
	return base, stop
}

// screenshotDir is $MAILLAGE_ARTIFACTS/explorer-screenshots when that is
// set (emptied first, kept); otherwise a new directory under $TMPDIR, kept
// when the test fails and removed when it passes.
func screenshotDir(t *testing.T) string {
	t.Helper()
	if a := os.Getenv("MAILLAGE_ARTIFACTS"); a != "" {
		dir := filepath.Join(a, "explorer-screenshots")
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dir, err := os.MkdirTemp("", "maillage-explorer-screenshots-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("screenshots kept in %s", dir)
			return
		}
		os.RemoveAll(dir)
	})
	return dir
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return fmt.Sprintln(strings.Join(lines, "\n"))
}
