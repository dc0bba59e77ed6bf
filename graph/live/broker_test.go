package live_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/live"
	"github.com/encommun/maillage/graph/store/embedded"
)

// The broker follows a real embedded store.

func openStore(t *testing.T) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func note(t *testing.T, s *embedded.Store, id string) {
	t.Helper()
	_, err := s.CreateDocument(graph.SystemContext(t.Context()), graph.Document{
		ID: id, Kind: graph.KindNote, Title: "Note " + id, Language: "fr", Visibility: graph.VisibilityPublic,
	}, nil)
	if err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
}

func update(t *testing.T, s *embedded.Store, id string, version int) {
	t.Helper()
	title := fmt.Sprintf("Titre révisé %d", version)
	if _, err := s.UpdateDocument(graph.SystemContext(t.Context()), id, graph.DocumentUpdate{Version: version, Title: &title}); err != nil {
		t.Fatalf("update %s: %v", id, err)
	}
}

// next waits for one change.
func next(t *testing.T, sub *live.Subscription) graph.Change {
	t.Helper()
	select {
	case c, ok := <-sub.C():
		if !ok {
			t.Fatalf("subscription ended: %v", sub.Err())
		}
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no change within 5 s")
	}
	return graph.Change{}
}

func quiet(t *testing.T, sub *live.Subscription, d time.Duration) {
	t.Helper()
	select {
	case c, ok := <-sub.C():
		t.Fatalf("unexpected delivery %+v (open %v)", c, ok)
	case <-time.After(d):
	}
}

func byID(id string) func(graph.Change) bool {
	return func(c graph.Change) bool { return c.ID == id }
}

func TestNotifiedChangesArriveInOrderAndOnlyWhatMatches(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	note(t, s, "avant")
	b := live.New(s, live.Options{Poll: time.Hour}) // only Notify wakes it
	sub, err := b.Subscribe(t.Context(), byID("n1"))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	update(t, s, "avant", 1) // before n1 exists, and not matched
	note(t, s, "n1")
	update(t, s, "n1", 1)
	b.Notify()
	first, second := next(t, sub), next(t, sub)
	if first.Op != graph.OpCreate || second.Op != graph.OpUpdate || first.ID != "n1" || second.ID != "n1" {
		t.Fatalf("got %+v then %+v, want CREATE n1 then UPDATE n1", first, second)
	}
	if second.Seq <= first.Seq {
		t.Fatalf("sequence not increasing: %d then %d", first.Seq, second.Seq)
	}
	quiet(t, sub, 50*time.Millisecond)
}

func TestChangesBeforeSubscribeAreNotDelivered(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	note(t, s, "n1")
	b := live.New(s, live.Options{Poll: 10 * time.Millisecond})
	sub, err := b.Subscribe(t.Context(), byID("n1"))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	quiet(t, sub, 100*time.Millisecond)
	update(t, s, "n1", 1)
	if c := next(t, sub); c.Op != graph.OpUpdate {
		t.Fatalf("got %+v, want the UPDATE made after subscribing", c)
	}
}

// Writes another process makes are seen by polling, without Notify.
func TestPollSeesWritesWithoutNotify(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	b := live.New(s, live.Options{Poll: 20 * time.Millisecond})
	sub, err := b.Subscribe(t.Context(), byID("n1"))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	note(t, s, "n1")
	if c := next(t, sub); c.ID != "n1" || c.Op != graph.OpCreate {
		t.Fatalf("got %+v", c)
	}
}

// A subscriber that does not read is dropped with ErrOverflow once its
// buffer is full; one that reads gets every change, unslowed.
func TestSlowSubscriberIsDroppedOthersUnaffected(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	note(t, s, "n1")
	b := live.New(s, live.Options{Poll: time.Hour, Buffer: 3})
	slow, err := b.Subscribe(t.Context(), byID("n1"))
	if err != nil {
		t.Fatal(err)
	}
	fast, err := b.Subscribe(t.Context(), byID("n1"))
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	for v := 1; v <= 10; v++ {
		update(t, s, "n1", v)
		b.Notify()
		// The reading subscriber gets each change while the other one's
		// buffer fills and overflows.
		if c := next(t, fast); c.Op != graph.OpUpdate {
			t.Fatalf("change %d: got %+v", v, c)
		}
	}
	// The slow one holds its 3 buffered changes, then its channel is closed.
	n := 0
	for range slow.C() {
		n++
	}
	if n != 3 {
		t.Fatalf("the slow subscriber kept %d changes, want its buffer of 3", n)
	}
	if !errors.Is(slow.Err(), live.ErrOverflow) {
		t.Fatalf("slow subscriber's error = %v, want ErrOverflow", slow.Err())
	}
	if b.Subscriptions() != 1 {
		t.Fatalf("%d subscriptions left, want 1", b.Subscriptions())
	}
}

// The follower goroutine runs only while there are subscriptions.
func TestFollowerStopsWithTheLastSubscription(t *testing.T) {
	s := openStore(t)
	b := live.New(s, live.Options{Poll: 5 * time.Millisecond})
	base := runtime.NumGoroutine()
	var subs []*live.Subscription
	for range 5 {
		sub, err := b.Subscribe(t.Context(), byID("x"))
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
	}
	if runtime.NumGoroutine() <= base {
		t.Fatal("no follower goroutine started")
	}
	for _, sub := range subs {
		sub.Close()
		sub.Close() // twice is harmless
	}
	b.Wait()
	if b.Subscriptions() != 0 {
		t.Fatalf("%d subscriptions left", b.Subscriptions())
	}
	waitGoroutines(t, base)
	// And it starts again for a new subscription.
	sub, err := b.Subscribe(t.Context(), byID("n1"))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	note(t, s, "n1")
	next(t, sub)
}

func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Subscribe fails cleanly when the store cannot say where the sequence
// ends (closed here).
func TestSubscribeOnAClosedStore(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	s.Close()
	b := live.New(s, live.Options{})
	if _, err := b.Subscribe(context.Background(), byID("x")); err == nil {
		t.Fatal("Subscribe on a closed store succeeded")
	}
	if b.Subscriptions() != 0 {
		t.Fatal("a failed Subscribe left a subscription")
	}
}
