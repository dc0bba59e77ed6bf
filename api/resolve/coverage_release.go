package resolve

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/encommun/maillage/graph"
)

// The secret and the budget behind released coverage (graph.CoverageNoise,
// issue #15). The key must outlive the process: a new key would answer a
// scope already answered with fresh noise, and restarts would then average
// the noise away. The budget bounds how many distinct scopes one viewer
// gets answered, since each new scope is a fresh draw of the noise.

const (
	// DefaultCoverageBudget is how many new scopes a viewer may have
	// answered per window: enough to explore a few dozen topics a day,
	// too few to average the noise of one person's declarations away.
	DefaultCoverageBudget = 20
	// DefaultCoverageWindow is the window of the budget.
	DefaultCoverageWindow = 24 * time.Hour

	coverageKeyFile    = "coverage.key"
	coverageLedgerFile = "coverage-budget.log"
)

// CoverageOptions configure OpenCoverageRelease.
type CoverageOptions struct {
	// Dir keeps the secret key (coverage.key, created with crypto/rand on
	// first use, mode 0600) and the budget ledger (coverage-budget.log).
	// Empty: a key for this process only and a budget in memory, for
	// tests and benchmarks.
	Dir string
	// Key, when set, is used instead of Dir's key file: tests that run two
	// servers with one key. At least graph.CoverageScopeKeySize bytes.
	Key []byte
	// Budget is how many new scopes one viewer may have answered per
	// Window; 0 means DefaultCoverageBudget.
	Budget int
	// Window is the budget's rolling window; 0 means DefaultCoverageWindow.
	Window time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// CoverageRelease holds the key and the per-viewer budget of coverage.
// Safe for concurrent use.
type CoverageRelease struct {
	key    []byte
	budget int
	window time.Duration
	now    func() time.Time

	mu sync.Mutex
	// charged[holder][scope] is when holder was first answered scope.
	charged map[string]map[[32]byte]time.Time
	ledger  *os.File // nil: in memory
}

// OpenCoverageRelease loads (or creates) the key and the ledger.
func OpenCoverageRelease(o CoverageOptions) (*CoverageRelease, error) {
	c := &CoverageRelease{budget: o.Budget, window: o.Window, now: o.Now, charged: map[string]map[[32]byte]time.Time{}}
	if c.budget == 0 {
		c.budget = DefaultCoverageBudget
	}
	if c.budget < 1 {
		return nil, fmt.Errorf("coverage budget must be at least 1, got %d", o.Budget)
	}
	if c.window == 0 {
		c.window = DefaultCoverageWindow
	}
	if c.window < 0 {
		return nil, fmt.Errorf("coverage budget window must be positive, got %s", o.Window)
	}
	if c.now == nil {
		c.now = time.Now
	}
	var err error
	switch {
	case o.Key != nil:
		if len(o.Key) < graph.CoverageScopeKeySize {
			return nil, fmt.Errorf("coverage key: %d bytes, at least %d", len(o.Key), graph.CoverageScopeKeySize)
		}
		c.key = append([]byte(nil), o.Key...)
	case o.Dir == "":
		c.key = make([]byte, graph.CoverageScopeKeySize)
		rand.Read(c.key) // never fails (crypto/rand since Go 1.24)
	default:
		if c.key, err = loadCoverageKey(filepath.Join(o.Dir, coverageKeyFile)); err != nil {
			return nil, err
		}
	}
	if o.Dir != "" {
		if err := c.openLedger(filepath.Join(o.Dir, coverageLedgerFile)); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// loadCoverageKey reads the key file, or creates it when missing.
func loadCoverageKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key = make([]byte, graph.CoverageScopeKeySize)
		rand.Read(key)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return loadCoverageKey(path) // another process made it first
		} else if err != nil {
			return nil, fmt.Errorf("coverage key: %w", err)
		}
		if _, err := f.Write(key); err != nil {
			f.Close()
			return nil, fmt.Errorf("coverage key: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, fmt.Errorf("coverage key: %w", err)
		}
		return key, f.Close()
	} else if err != nil {
		return nil, fmt.Errorf("coverage key: %w", err)
	}
	if len(key) < graph.CoverageScopeKeySize {
		return nil, fmt.Errorf("coverage key %s: %d bytes, at least %d: restore it from a backup, or delete it to start a new key (every answered scope then gets fresh noise)",
			path, len(key), graph.CoverageScopeKeySize)
	}
	return key, nil
}

// openLedger reads the scopes already charged and keeps the file open to
// add to it. A line is "unix-seconds holder scope-hex"; holders hold no
// space (budgetHolder).
func (c *CoverageRelease) openLedger(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("coverage budget ledger: %w", err)
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var (
			at     int64
			holder string
			hex    []byte
		)
		if _, err := fmt.Sscanf(sc.Text(), "%d %s %x", &at, &holder, &hex); err != nil || len(hex) != 32 {
			// A line cut short by a crash: the charge it recorded is lost,
			// which errs by one scope at most.
			continue
		}
		c.record(holder, [32]byte(hex), time.Unix(at, 0))
	}
	if err := sc.Err(); err != nil {
		f.Close()
		return fmt.Errorf("coverage budget ledger: %w", err)
	}
	c.ledger = f
	return nil
}

func (c *CoverageRelease) record(holder string, scope [32]byte, at time.Time) {
	m := c.charged[holder]
	if m == nil {
		m = map[[32]byte]time.Time{}
		c.charged[holder] = m
	}
	if _, ok := m[scope]; !ok {
		m[scope] = at
	}
}

// Close closes the ledger.
func (c *CoverageRelease) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ledger == nil {
		return nil
	}
	err := c.ledger.Close()
	c.ledger = nil
	return err
}

// budgetHolder is whose budget a viewer spends: every anonymous caller
// shares one, as do the tokens of one role that speak for no contributor.
func budgetHolder(v graph.Viewer) string {
	switch {
	case !v.SignedIn():
		return "anonymous"
	case v.ContributorID != "":
		return "contributor:" + strings.ReplaceAll(v.ContributorID, " ", "_")
	}
	return "role:" + string(v.Role)
}

// charge admits scope for holder: free when holder was answered it before
// (the same answer again), charged when new, refused (ECOVERAGEBUDGET)
// when holder's budget for the window is spent.
func (c *CoverageRelease) charge(holder string, scope [32]byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.charged[holder][scope]; ok {
		return nil
	}
	now := c.now()
	since := now.Add(-c.window)
	used := 0
	var oldest time.Time
	for _, at := range c.charged[holder] {
		if at.After(since) {
			used++
			if oldest.IsZero() || at.Before(oldest) {
				oldest = at
			}
		}
	}
	if used >= c.budget {
		who := "anonymous callers, together,"
		if holder != "anonymous" {
			who = "you"
		}
		return graph.Errorf(graph.ECOVERAGEBUDGET,
			"coverage budget spent: %s may have %d new scopes answered per %s, and scopes already answered stay free; the next one frees up at %s",
			who, c.budget, c.window, oldest.Add(c.window).UTC().Format(time.RFC3339))
	}
	if c.ledger != nil {
		if _, err := fmt.Fprintf(c.ledger, "%d %s %x\n", now.Unix(), holder, scope[:]); err != nil {
			// Unrecorded, the charge would be forgotten on restart: refuse.
			return fmt.Errorf("coverage budget ledger: %w", err)
		}
	}
	c.record(holder, scope, now)
	return nil
}

// noise is the release of a coverage asked by v.
func (c *CoverageRelease) noise(v graph.Viewer, tax *graph.Taxonomy) *graph.CoverageNoise {
	holder := budgetHolder(v)
	return &graph.CoverageNoise{Key: c.key, Taxonomy: tax, Charge: func(scope [32]byte) error { return c.charge(holder, scope) }}
}
