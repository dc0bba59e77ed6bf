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

	// Generous: some fifty scenarios in one browser (axe on every page, graphs
	// of 500 nodes), on a two-core machine that may be running the Neo4j
	// suites and another test run beside it.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
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

	shots := screenshotDir(t)
	t.Logf("screenshots: %s", shots)
	groups, err := specShards(filepath.Join(root, "e2e"), shardCount())
	if err != nil {
		t.Fatal(err)
	}
	// Each shard gets its own server and data directory, so a scenario that
	// hides a document or revokes a token in one cannot change what another
	// shard's scenarios see; the shards' browsers run side by side because
	// most of a scenario's time is waiting on the page, not computing.
	outs := make([]shardRun, len(groups))
	var wg sync.WaitGroup
	start = time.Now()
	for i, specs := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = runShard(t, ctx, shardEnv{root: root, bin: bin, node: node, chromium: chromium, shots: shots,
				data: filepath.Join(dir, fmt.Sprintf("data-%d", i)), specs: specs})
		}()
	}
	wg.Wait()
	t.Logf("browser scenarios ran in %s in %d shard(s): %v", time.Since(start).Round(time.Millisecond), len(groups), groups)

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
	var runErrs []string
	for i, o := range outs {
		if o.err != nil {
			t.Fatalf("shard %d %v: %v", i, groups[i], o.err)
		}
		n := len(results)
		sc := bufio.NewScanner(bytes.NewReader(o.stdout))
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
		if len(results) == n {
			t.Fatalf("shard %d %v reported nothing (%v)\nstdout:\n%s\nstderr:\n%s", i, groups[i], o.runErr, o.stdout, o.stderr)
		}
		if o.runErr != nil {
			runErrs = append(runErrs, fmt.Sprintf("shard %d %v: %v\n%s", i, groups[i], o.runErr, o.stderr))
		}
	}
	failed := false
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			t.Logf("%d ms", r.MS)
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
	if len(runErrs) > 0 && !failed {
		t.Errorf("the browser run failed: %s", strings.Join(runErrs, "\n"))
	}
}

// startServer runs `maillage serve --demo` on a free loopback port and
// returns its base URL once /readyz answers 200, and a stop that waits for
// it to exit (also run at cleanup). Rate limits are off: the browser types
// faster than a person.
func startServer(t *testing.T, ctx context.Context, bin, data string) (string, func(), error) {
	srv := exec.CommandContext(ctx, bin, "serve", "--demo", "--data", data, "--addr", "127.0.0.1:0",
		"--rate-per-ip", "0", "--rate-per-token", "0")
	srv.Cancel = func() error { return srv.Process.Signal(syscall.SIGTERM) }
	srv.WaitDelay = 10 * time.Second
	logs, err := srv.StderrPipe()
	if err != nil {
		return "", nil, err
	}
	if err := srv.Start(); err != nil {
		return "", nil, err
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
		logMu.Lock()
		defer logMu.Unlock()
		return "", stop, fmt.Errorf("maillage serve stopped:\n%s", logText.String())
	case <-time.After(3 * time.Minute):
		return "", stop, fmt.Errorf("maillage serve did not start in 3 min")
	}
	// Generous: the server shares two cores with other test packages.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			return "", stop, fmt.Errorf("%s/readyz not ready in 3 min", base)
		}
		time.Sleep(100 * time.Millisecond)
	}
	res, err := http.Get(base + "/explore/")
	if err != nil {
		return "", stop, fmt.Errorf("GET /explore/: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		return "", stop, fmt.Errorf("GET /explore/: %s", res.Status)
	}
	return base, stop, nil
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
