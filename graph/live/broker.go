// Package live follows the store's change sequence and fans each change
// out to the subscriptions that want it: the feed behind the API's GraphQL
// subscriptions.
//
// The broker only ever hands out graph.Change values, which name what
// changed and never its content; each subscriber reads the content through
// the store with its own viewer, so visibility stays enforced where data
// is read. The broker reads the sequence as the system, since only viewers
// who see everything may follow it.
package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/encommun/maillage/graph"
)

// Defaults of Options.
const (
	DefaultPoll   = time.Second
	DefaultBuffer = 256
	DefaultBatch  = 1000
)

// Options tune a Broker; zero fields take the defaults.
type Options struct {
	// Poll is how often the sequence is read when nothing calls Notify, so
	// that writes by other processes (imports, other replicas) are seen.
	Poll time.Duration
	// Buffer is the changes one subscription may have waiting; past it the
	// subscription is dropped with ErrOverflow rather than slowing others.
	Buffer int
	// Batch is the changes read per call to the store.
	Batch  int
	Logger *slog.Logger
}

// ErrOverflow ends a subscription whose consumer fell Buffer changes
// behind.
var ErrOverflow = errors.New("live: the subscriber fell too far behind")

// Broker follows a change sequence while it has subscriptions: its one
// follower goroutine starts with the first subscription and stops with
// the last, so an idle broker costs nothing and needs no Close.
type Broker struct {
	src  graph.ChangeStore
	opts Options

	mu      sync.Mutex
	subs    map[*Subscription]struct{}
	last    uint64        // the last change fanned out
	stop    chan struct{} // closed to stop the running follower; nil when none runs
	running sync.WaitGroup
	wake    chan struct{}
}

// New returns a broker reading src.
func New(src graph.ChangeStore, opts Options) *Broker {
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultBuffer
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Broker{src: src, opts: opts, subs: map[*Subscription]struct{}{}, wake: make(chan struct{}, 1)}
}

// Subscription receives the changes its match accepted, in sequence order,
// from the first change after Subscribe.
type Subscription struct {
	b     *Broker
	match func(graph.Change) bool
	ch    chan graph.Change
	from  uint64
	err   error // why ch was closed; set before closing
	ended bool
}

// C delivers the changes; it is closed when the subscription ends (Err
// tells why).
func (s *Subscription) C() <-chan graph.Change { return s.ch }

// Err is nil while the subscription runs or after Close, ErrOverflow if
// the broker dropped it.
func (s *Subscription) Err() error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	return s.err
}

// Close ends the subscription; the follower stops with the last one.
func (s *Subscription) Close() {
	b := s.b
	b.mu.Lock()
	defer b.mu.Unlock()
	b.end(s, nil)
}

// Subscribe registers match, which sees every change after the current end
// of the sequence. match runs on the follower goroutine with the broker's
// lock held: it must be quick and must not call the broker.
func (b *Broker) Subscribe(ctx context.Context, match func(graph.Change) bool) (*Subscription, error) {
	seq, err := b.src.LastSeq(graph.SystemContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("live: read the end of the change sequence: %w", err)
	}
	s := &Subscription{b: b, match: match, ch: make(chan graph.Change, b.opts.Buffer), from: seq}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs[s] = struct{}{}
	if b.stop == nil {
		b.last = max(b.last, seq)
		b.stop = make(chan struct{})
		b.running.Add(1)
		go b.follow(b.stop)
	}
	return s, nil
}

// Notify asks the follower to read the sequence now (after a write this
// process made) rather than at the next poll.
func (b *Broker) Notify() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Subscriptions is the number of live subscriptions.
func (b *Broker) Subscriptions() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Wait returns once no follower runs (after the last subscription ended):
// for tests and orderly shutdowns.
func (b *Broker) Wait() { b.running.Wait() }

// end removes s, closing its channel; the caller holds b.mu.
func (b *Broker) end(s *Subscription, err error) {
	if s.ended {
		return
	}
	s.ended, s.err = true, err
	delete(b.subs, s)
	close(s.ch)
	if len(b.subs) == 0 && b.stop != nil {
		close(b.stop)
		b.stop = nil
	}
}

func (b *Broker) follow(stop chan struct{}) {
	defer b.running.Done()
	t := time.NewTicker(b.opts.Poll)
	defer t.Stop()
	ctx, cancel := context.WithCancel(graph.SystemContext(context.Background()))
	defer cancel()
	go func() {
		<-stop
		cancel()
	}()
	for {
		b.drain(ctx)
		select {
		case <-stop:
			return
		case <-b.wake:
		case <-t.C:
		}
	}
}

// drain reads and fans out every change past b.last.
func (b *Broker) drain(ctx context.Context) {
	for ctx.Err() == nil {
		b.mu.Lock()
		since := b.last
		b.mu.Unlock()
		changes, err := b.src.Changes(ctx, since, b.opts.Batch)
		if err != nil {
			if ctx.Err() == nil {
				b.opts.Logger.Error("live: reading the change sequence failed; retrying at the next poll", "err", err, "since", since)
			}
			return
		}
		if len(changes) == 0 {
			return
		}
		b.fanOut(changes)
		if len(changes) < b.opts.Batch {
			return
		}
	}
}

func (b *Broker) fanOut(changes []graph.Change) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range changes {
		// A follower that stopped and one that started may overlap for
		// a moment: b.last keeps each change fanned out once.
		if c.Seq <= b.last {
			continue
		}
		b.last = c.Seq
		for s := range b.subs {
			if c.Seq <= s.from || !s.match(c) {
				continue
			}
			select {
			case s.ch <- c:
			default:
				b.end(s, ErrOverflow)
			}
		}
	}
}
