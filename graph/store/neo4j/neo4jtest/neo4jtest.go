//go:build unix

// Package neo4jtest hands each test a real Neo4j server for itself.
//
// MAILLAGE_TEST_NEO4J_URI names one server or a comma-separated list of
// them (the local launcher in deploy/neo4j-local starts several, because
// Neo4j Community has one user database per server and the suites empty it
// between tests). A test locks one server with an exclusive file lock for
// as long as it runs, so test binaries that `go test ./...` runs side by
// side, and parallel tests inside one binary, never clear each other's data.
// Without the variable the test skips with a one-line reason.
package neo4jtest

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Skip is the reason a test gives when no server is configured.
const Skip = "Neo4j tests skipped: set MAILLAGE_TEST_NEO4J_URI (and _USER, _PASSWORD); .ci/run starts deploy/neo4j-local for them"

// URIs returns the configured servers, or nil.
func URIs() []string {
	var uris []string
	for _, u := range strings.Split(os.Getenv("MAILLAGE_TEST_NEO4J_URI"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			uris = append(uris, u)
		}
	}
	return uris
}

// Server is how to reach one test server. (It is not graph/store/neo4j's Config
// so that the store's own tests can use this package.)
type Server struct {
	URI, User, Password, Database string
}

// Acquire locks one of the configured servers for t (until t ends) and
// returns it; it skips t when none is configured. The server's data is
// whatever the previous holder left: callers empty it.
func Acquire(t testing.TB) Server {
	t.Helper()
	uris := URIs()
	if len(uris) == 0 {
		t.Skip(Skip)
	}
	uri := acquire(t, uris)
	return Server{
		URI:      uri,
		User:     os.Getenv("MAILLAGE_TEST_NEO4J_USER"),
		Password: os.Getenv("MAILLAGE_TEST_NEO4J_PASSWORD"),
		Database: os.Getenv("MAILLAGE_TEST_NEO4J_DATABASE"),
	}
}

// acquire takes the first free server's lock, polling while all are held.
// The deadline is generous: on a loaded two-core machine another package's
// suite may hold every server for minutes.
func acquire(t testing.TB, uris []string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Minute)
	for wait := 20 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		for _, uri := range uris {
			if f := tryLock(t, uri); f != nil {
				t.Cleanup(func() {
					_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
					_ = f.Close()
				})
				return uri
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Neo4j test server free after 20 minutes (%d configured)", len(uris))
		}
		time.Sleep(wait)
	}
}

// tryLock returns the open, locked lock file of uri, or nil if another
// holder has it.
func tryLock(t testing.TB, uri string) *os.File {
	t.Helper()
	f, err := os.OpenFile(lockPath(uri), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatalf("open the lock of %s: %v", uri, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		return nil
	}
	return f
}

// lockPath is the same for every process that names the same server.
func lockPath(uri string) string {
	host := uri
	if u, err := url.Parse(uri); err == nil && u.Host != "" {
		host = u.Host
	}
	name := strings.NewReplacer(":", "-", "/", "-", "[", "", "]", "").Replace(host)
	return filepath.Join(os.TempDir(), fmt.Sprintf("maillage-neo4j-test-%s.lock", name))
}
