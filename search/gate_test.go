package search

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// TestSearchesWaitTheirTurn takes every search slot, as searches in
// progress would: a search then waits, gives up when its request ends,
// and runs once a slot is free.
func TestSearchesWaitTheirTurn(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.doc(graph.Document{ID: "a", Title: "Jardin collectif"})
	ix, err := Open(t.TempDir(), Options{MaxConcurrentSearches: 2})
	ok(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	ok(t, ix.CatchUp(t.Context(), s))
	if cap(ix.slots) != 2 {
		t.Fatalf("%d slots, want 2", cap(ix.slots))
	}

	ix.slots <- struct{}{}
	ix.slots <- struct{}{}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = ix.Search(ctx, Request{Query: "jardin"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a search with every slot taken: %v, want the request's deadline", err)
	}

	done := make(chan *Result, 1)
	go func() {
		res, err := ix.Search(t.Context(), Request{Query: "jardin"})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	select {
	case <-done:
		t.Fatal("a search ran while every slot was taken")
	case <-time.After(20 * time.Millisecond):
	}
	<-ix.slots
	if res := <-done; res == nil || res.TotalCount != 1 {
		t.Fatalf("the waiting search found %+v", res)
	}
	<-ix.slots
	if n := len(ix.slots); n != 0 {
		t.Fatalf("%d slots still taken after the searches ended", n)
	}
}
