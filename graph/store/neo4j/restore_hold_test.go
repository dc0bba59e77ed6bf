package neo4j

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/dump"
)

// TestRestoreHold checks that a restore holds the database for itself: a
// second restore (another process: another Store) is refused with a clear
// message while the first runs, and does not clear what the first writes;
// only a restore whose process is gone (silent past the lease) counts as
// interrupted, and then the next restore clears it and the old one, were
// it to wake up, can write no more.
func TestRestoreHold(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	first := openEmpty(t, cfg)
	second, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	sys := graph.SystemContext(t.Context())
	var file bytes.Buffer
	if _, err := dump.Generate(&file, dump.GenerateOptions{Notes: 200, Links: 600, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	snap, _, err := dump.Read(&file)
	if err != nil {
		t.Fatal(err)
	}
	prepared, err := graph.PrepareSnapshot(*snap, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	countDocs := func() int {
		t.Helper()
		docs, err := second.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1})
		if err != nil {
			t.Fatal(err)
		}
		return docs.TotalCount
	}

	t.Run("a running restore is not interrupted", func(t *testing.T) {
		h := newRestoreHold()
		defer h.release()
		if _, err := first.restoreStart(sys, h); err != nil {
			t.Fatal(err)
		}
		rows := partRows(&prepared, map[string]bool{})
		half := len(rows) / 2
		if err := first.restoreBatches(sys, h, rows[:half], 0); err != nil {
			t.Fatal(err)
		}
		err := second.Restore(sys, *snap)
		if graph.ErrorCode(err) != graph.ECONFLICT || !strings.Contains(graph.ErrorMessage(err), "another restore is writing into this database") {
			t.Fatalf("a second restore while the first runs: %v, want CONFLICT saying another restore is writing", err)
		}
		if yes, err := second.RestoreInterrupted(sys); yes || graph.ErrorCode(err) != graph.ECONFLICT {
			t.Errorf("RestoreInterrupted while a restore runs: %v, %v; want false and CONFLICT", yes, err)
		}
		if err := first.restoreBatches(sys, h, rows[half:], half); err != nil {
			t.Fatalf("the first restore, after the second was refused: %v", err)
		}
		if err := first.update(sys, func(w *writer) error { return w.releaseMarker(h) }); err != nil {
			t.Fatal(err)
		}
		if n := countDocs(); n != len(prepared.Documents) {
			t.Errorf("%d documents after the first restore, want %d: the second cleared some", n, len(prepared.Documents))
		}
		if yes, err := second.RestoreInterrupted(sys); yes || err != nil {
			t.Errorf("RestoreInterrupted after the restore: %v, %v", yes, err)
		}
	})

	// A restore's transaction holds the sequence lock while it writes (a
	// minute or more under load): the heartbeat must not queue behind it,
	// or the marker looks silent meanwhile.
	t.Run("the heartbeat lands while a restore transaction writes", func(t *testing.T) {
		if err := first.ClearForTests(sys); err != nil {
			t.Fatal(err)
		}
		h := newRestoreHold()
		defer h.release()
		if _, err := first.restoreStart(sys, h); err != nil {
			t.Fatal(err)
		}
		holding, finish, ended := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		var once sync.Once
		go func() {
			ended <- first.update(sys, func(w *writer) error {
				once.Do(func() { close(holding) })
				select { // the driver may run fn again: wait once only
				case <-finish:
				case <-time.After(2 * time.Minute):
				}
				return nil
			})
		}()
		<-holding
		ctx, cancel := context.WithTimeout(sys, 30*time.Second)
		err := first.touchMarker(ctx, h)
		cancel()
		close(finish)
		if err := <-ended; err != nil {
			t.Fatal(err)
		}
		if err != nil {
			t.Fatalf("a heartbeat while a restore transaction holds the sequence lock: %v", err)
		}
		if err := first.update(sys, func(w *writer) error { return w.releaseMarker(h) }); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a restore whose process is gone is cleared", func(t *testing.T) {
		if err := first.ClearForTests(sys); err != nil {
			t.Fatal(err)
		}
		h := newRestoreHold()
		if _, err := first.restoreStart(sys, h); err != nil {
			t.Fatal(err)
		}
		rows := partRows(&prepared, map[string]bool{})
		if err := first.restoreBatches(sys, h, rows[:len(rows)/3], 0); err != nil {
			t.Fatal(err)
		}
		h.release() // the process dies: no more heartbeats
		second.restoreLease = 2 * time.Second
		defer func() { second.restoreLease = 0 }()
		deadline := time.Now().Add(time.Minute)
		for {
			yes, err := second.RestoreInterrupted(sys)
			if yes && err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the dead restore never counted as interrupted: %v %v", yes, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err := second.Restore(sys, *snap); err != nil {
			t.Fatalf("a restore after a dead one: %v", err)
		}
		if n := countDocs(); n != len(prepared.Documents) {
			t.Errorf("%d documents, want %d", n, len(prepared.Documents))
		}
		// The old holder wakes up: it may not write into the new graph.
		if err := first.restoreBatches(sys, h, rows[len(rows)/3:len(rows)/3+1], 0); !errors.Is(err, errLostHold) {
			t.Errorf("the dead restore's next batch: %v, want errLostHold", err)
		}
		if n := countDocs(); n != len(prepared.Documents) {
			t.Errorf("%d documents after the dead restore woke up, want %d", n, len(prepared.Documents))
		}
	})
}
