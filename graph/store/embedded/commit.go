package embedded

import (
	"fmt"
	"sync"
	"sync/atomic"

	"go.etcd.io/bbolt"
)

// maxGroup bounds how many writes share one commit: a write that fails
// makes the ones before it in its group run again (see run), so a bounded
// group bounds that extra work, and one commit of a few dozen small writes
// is already most of the saving.
const maxGroup = 64

// groupCommit lets concurrent writes share one bbolt read-write
// transaction and so one commit and one fsync (issue #17): a synced commit
// costs the same CPU and disk flush for one note as for forty. The first
// write to arrive while no commit runs leads and commits at once, alone;
// the writes that arrive while a commit runs wait, and the first of them
// then leads one transaction for all of them. No write waits for a timer
// (bbolt's DB.Batch waits up to 10 ms for company), and none is
// acknowledged before the commit that holds it is on disk.
//
// The writes of a group run one after the other in the group's
// transaction, so each sees the ones before it exactly as if they had
// committed alone in that order: the change sequence stays gapless and in
// commit order. bbolt has no savepoint, so a write that fails (a CONFLICT,
// a bad input, a panic) cannot be undone alone: the whole transaction is
// rolled back, the writes before it run again as a group of their own, and
// the failed one runs again alone against what they committed, which
// decides its outcome. Every function given to update must therefore be
// safe to run more than once: it may only set what it returns, never
// accumulate into state outside its transaction (DB.Batch asks the same).
type groupCommit struct {
	db *bbolt.DB

	mu      sync.Mutex
	pending []*commitCall
	leading bool

	// transactions counts the read-write transactions begun, for tests.
	transactions atomic.Uint64
}

type commitCall struct {
	fn func(*bbolt.Tx) error
	// alone keeps the call out of any group: a restore's batches are big
	// enough to gain nothing from company, and their functions are not
	// written to run twice.
	alone bool
	// err is the call's outcome; panic, when set, is re-raised in the
	// caller's goroutine, as db.Update would.
	err   error
	panic any
	// wake tells a waiting caller that its outcome is known (false) or
	// that it must lead the next group (true). It holds one value, so that
	// the leader's own call can be finished without anyone reading it.
	wake chan bool
}

// update runs fn in a read-write transaction, possibly shared with other
// concurrent calls, and returns once that transaction is committed (or fn
// failed).
func (g *groupCommit) update(alone bool, fn func(*bbolt.Tx) error) error {
	c := &commitCall{fn: fn, alone: alone, wake: make(chan bool, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	if g.leading {
		g.mu.Unlock()
		if lead := <-c.wake; !lead {
			return c.outcome()
		}
		g.mu.Lock()
	} else {
		g.leading = true
	}
	// This call leads: it takes the waiting calls in their order, itself
	// first, up to one that must commit alone.
	n := 1
	if !g.pending[0].alone {
		for n < len(g.pending) && n < maxGroup && !g.pending[n].alone {
			n++
		}
	}
	group := g.pending[:n:n]
	g.pending = append([]*commitCall(nil), g.pending[n:]...)
	g.mu.Unlock()

	g.run(group)

	g.mu.Lock()
	if len(g.pending) > 0 {
		// The first waiter leads the next group; this call returns now
		// rather than commit for others after its own commit is done.
		g.pending[0].wake <- true
	} else {
		g.leading = false
	}
	g.mu.Unlock()
	return c.outcome()
}

func (c *commitCall) outcome() error {
	if c.panic != nil {
		panic(c.panic)
	}
	return c.err
}

// run commits group, each call in order, and sets every call's outcome.
func (g *groupCommit) run(group []*commitCall) {
	for len(group) > 0 {
		failed := -1
		var ferr error
		var fpanic any
		err := g.transact(func(tx *bbolt.Tx) error {
			for i, c := range group {
				if err, p := c.call(tx); err != nil || p != nil {
					failed, ferr, fpanic = i, err, p
					if err == nil {
						err = fmt.Errorf("write panicked: %v", p)
					}
					return err
				}
			}
			return nil
		})
		switch {
		case failed < 0:
			// Committed, or the commit itself failed: either way every call
			// shares the outcome.
			var p any
			if bp, ok := err.(boltPanic); ok {
				err, p = nil, bp.v
			}
			for _, c := range group {
				c.finish(err, p)
			}
			return
		case failed == 0:
			// The first call ran against the last commit, as it would alone:
			// its failure is its outcome.
			group[0].finish(ferr, fpanic)
			group = group[1:]
		default:
			// The calls before the failed one ran fine but were rolled back
			// with it: they commit again without it, then it runs first.
			g.run(group[:failed])
			group = group[failed:]
		}
	}
}

// boltPanic is a panic raised by bbolt itself, outside the writes' own
// functions (a damaged page): every call of the group re-raises it.
type boltPanic struct{ v any }

func (boltPanic) Error() string { return "bbolt panicked" }

// transact is db.Update, with a panic of bbolt's turned into a boltPanic so
// that the callers waiting on the leader are not left hanging.
func (g *groupCommit) transact(fn func(*bbolt.Tx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = boltPanic{r}
		}
	}()
	g.transactions.Add(1)
	return g.db.Update(fn)
}

// call runs c.fn, turning a panic into a value so that the leader goes on.
func (c *commitCall) call(tx *bbolt.Tx) (err error, p any) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	return c.fn(tx), nil
}

// finish sets c's outcome and wakes its caller; the leader's own call
// reads its outcome once run returns, and nobody reads its wake.
func (c *commitCall) finish(err error, p any) {
	c.err, c.panic = err, p
	c.wake <- false
}
