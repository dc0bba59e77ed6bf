package api_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// clock is a settable time for the budget window.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestCoverageBudget: each viewer may have a few new scopes answered per
// window, anonymous callers together; a scope already answered is free,
// and so is one under the floor. The ledger and the key outlive a restart.
func TestCoverageBudget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clk := &clock{now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	open := func() *api.CoverageRelease {
		rel, err := api.OpenCoverageRelease(api.CoverageOptions{Dir: dir, Budget: 3, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rel.Close() })
		return rel
	}
	rel := open()
	e, _ := releasedWorld(t, func(c *api.Config) { c.Coverage = rel })
	allBut := func(i int) vars {
		var ids []string
		for j := range 12 {
			if j != i {
				ids = append(ids, gid(graph.KindContributor, fmt.Sprint("p", j)))
			}
		}
		return vars{"f": map[string]any{"authors": ids}}
	}
	commons := e.query("", coverageQuery, nil).ok()
	// The gardens count the same twelve people: the same scope, free.
	if r := e.query("", coverageQuery, vars{"q": "jardin"}).ok(); fmt.Sprint(valueStatus(r)) != fmt.Sprint(valueStatus(commons)) {
		t.Errorf("the same contributors answered differently")
	}
	e.query("", coverageQuery, allBut(11)).ok()
	e.query("", coverageQuery, allBut(10)).ok()
	r := e.query("", coverageQuery, allBut(9)).wantCode(graph.ECOVERAGEBUDGET)
	if r.get("coverage") != nil {
		t.Errorf("data with the refusal: %s", r.Raw)
	}
	t.Logf("refusal: %s", r.Raw)
	// Answered scopes stay free; scopes under the floor cost nothing.
	e.query("", coverageQuery, allBut(11)).ok()
	if r := e.query("", coverageQuery, vars{"q": "cuisine"}).ok(); r.get("coverage.tooFewContributors") != true {
		t.Errorf("cooking: %s", r.Raw)
	}
	// A contributor has a budget of their own; a researcher token that
	// speaks for no one shares its role's.
	e.query(e.token(graph.RoleContributor, "p0"), coverageQuery, allBut(9)).ok()
	e.query(e.token(graph.RoleResearcher, ""), coverageQuery, allBut(9)).ok()
	// After a restart: the same key (the same answer), the same ledger.
	rel.Close()
	srv := func() func(*api.Config) {
		again := open()
		return func(c *api.Config) { c.Coverage = again }
	}()
	old := e.config
	e.config = func(c *api.Config) { old(c); srv(c) }
	restarted := e.serve(e.store, nil)
	if r := e.queryAt(restarted, "", coverageQuery, nil).ok(); string(r.Raw) != string(commons.Raw) {
		t.Errorf("after a restart the commons answers differently:\n%s\n%s", commons.Raw, r.Raw)
	}
	e.queryAt(restarted, "", coverageQuery, allBut(9)).wantCode(graph.ECOVERAGEBUDGET)
	// A window later, the budget is back.
	clk.add(api.DefaultCoverageWindow + time.Minute)
	e.queryAt(restarted, "", coverageQuery, allBut(9)).ok()
	e.queryAt(restarted, "", coverageQuery, allBut(8)).ok()
}

func TestCoverageKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rel, err := api.OpenCoverageRelease(api.CoverageOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	rel.Close()
	path := filepath.Join(dir, "coverage.key")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != graph.CoverageScopeKeySize {
		t.Fatalf("key file: %v, %v", fi, err)
	}
	key, _ := os.ReadFile(path)
	if bytes.Equal(key, make([]byte, len(key))) {
		t.Fatal("the key is zeros")
	}
	// Opened again: the same key, not a new one.
	rel, err = api.OpenCoverageRelease(api.CoverageOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	rel.Close()
	if again, _ := os.ReadFile(path); !bytes.Equal(again, key) {
		t.Fatal("the key changed on reopening")
	}
	// Another directory, another key.
	other := t.TempDir()
	if _, err := api.OpenCoverageRelease(api.CoverageOptions{Dir: other}); err != nil {
		t.Fatal(err)
	}
	if k2, _ := os.ReadFile(filepath.Join(other, "coverage.key")); bytes.Equal(k2, key) {
		t.Fatal("two directories share a key")
	}
	// A damaged key is refused rather than replaced.
	os.WriteFile(path, key[:8], 0o600)
	if _, err := api.OpenCoverageRelease(api.CoverageOptions{Dir: dir}); err == nil {
		t.Error("a short key was accepted")
	}
	// A ledger line cut short by a crash is skipped.
	ok := t.TempDir()
	os.WriteFile(filepath.Join(ok, "coverage-budget.log"), []byte("1765108800 anonymous 00ff\n17651"), 0o600)
	if _, err := api.OpenCoverageRelease(api.CoverageOptions{Dir: ok}); err != nil {
		t.Errorf("a torn ledger: %v", err)
	}
	for _, o := range []api.CoverageOptions{{Budget: -1}, {Window: -time.Second}, {Key: []byte("short")}} {
		if _, err := api.OpenCoverageRelease(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
