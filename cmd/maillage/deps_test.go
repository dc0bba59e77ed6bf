package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestServerLinksNoBenchCode keeps the load generator out of the server
// binary: it lives in cmd/maillage-bench, and its server child
// (benchserver.go) is built with -tags maillagebench only. The server as
// deployed must not link net/http/httptest, runtime/pprof or the
// generator's packages.
func TestServerLinksNoBenchCode(t *testing.T) {
	t.Parallel()
	deps := goListDeps(t)
	for _, banned := range []string{"net/http/httptest", "runtime/pprof", "net/http/pprof",
		"github.com/encommun/maillage/cmd/maillage-bench", "github.com/encommun/maillage/search/benchcorpus",
		"github.com/encommun/maillage/search/searcheval"} {
		if slices.Contains(deps, banned) {
			t.Errorf("the server binary links %s", banned)
		}
	}
	if benchServer != nil {
		t.Error("the bench's server child is compiled into the server (build tag maillagebench set?)")
	}
}

// goListDeps is every package the server binary links.
func goListDeps(t *testing.T, flags ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append(append([]string{"list", "-deps"}, flags...), ".")...).Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	return strings.Fields(string(out))
}

// TestBenchServerBuild checks the test above can fail: the build the
// bench makes links what the server's must not.
func TestBenchServerBuild(t *testing.T) {
	t.Parallel()
	if deps := goListDeps(t, "-tags", "maillagebench"); !slices.Contains(deps, "runtime/pprof") {
		t.Error("the maillagebench build links no runtime/pprof: TestServerLinksNoBenchCode would not notice it")
	}
}
