package search

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// TestFollowCatchesUpWithOtherWriters: a document written to the store
// without this index's CatchUp, as another process would write it, becomes
// searchable through Follow alone, and Follow returns once ctx ends.
func TestFollowCatchesUpWithOtherWriters(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ix.Follow(ctx, s, 10*time.Millisecond)
	}()
	defer func() { cancel(); <-done }()

	w.doc(graph.Document{ID: "n1", Title: "Jardins suivis", Body: "Écrit ailleurs."}, "ana")
	deadline := time.Now().Add(time.Minute) // generous: a loaded machine
	for !slices.Contains(find(t, ix, "jardins", Filter{}), "n1") {
		if time.Now().After(deadline) {
			t.Fatal("Follow never applied a write made outside the index")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got, want := lastApplied(t, ix), storeSeq(t, s); got != want {
		t.Fatalf("index at %d, store at %d", got, want)
	}
}
