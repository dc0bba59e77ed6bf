package embedded

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/dump"
	"go.etcd.io/bbolt"
)

// generated is a snapshot large enough for several restore batches.
func generated(t testing.TB) graph.Snapshot {
	t.Helper()
	var file bytes.Buffer
	if _, err := dump.Generate(&file, dump.GenerateOptions{Notes: 2500, Links: 20000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	snap, _, err := dump.Read(&file)
	if err != nil {
		t.Fatal(err)
	}
	if n := snap.Records(); n < 3*restoreBatch {
		t.Fatalf("the generated snapshot has %d records, fewer than three batches", n)
	}
	return *snap
}

// failAfter is a context whose Err reports cancellation from its n-th
// call on: the restore checks it once per batch, so it stops part way.
type failAfter struct {
	context.Context
	n int
}

func (c *failAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// openFast is openTemp without fsync: these tests write tens of
// thousands of records, and a crash of the test loses nothing.
func openFast(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	tickClock(s)
	return s
}

// history gives s a change sequence but no node, and a token: what a
// restore may find in an "empty" store, and must keep.
func history(t *testing.T, s *Store) (seq uint64, token string) {
	t.Helper()
	must(s.CreateContributor(sys, graph.Contributor{ID: "gone", Name: "Partie"}))
	ok(t, s.DeleteContributor(sys, "gone", 1))
	_, token = graph.NewTokenSecret()
	ok(t, s.CreateToken(sys, graph.Token{Hash: token, Role: graph.RoleAdmin}))
	return must(s.LastSeq(sys)), token
}

// assertCleared checks that s is as history left it.
func assertCleared(t *testing.T, s *Store, seq uint64, token string) {
	t.Helper()
	if got := must(s.LastSeq(sys)); got != seq {
		t.Errorf("sequence at %d after a failed restore, want %d", got, seq)
	}
	if cs := must(s.Changes(sys, seq, 10)); len(cs) != 0 {
		t.Errorf("changes after %d remain: %+v", seq, cs[0])
	}
	ok(t, s.db.View(func(tx *bbolt.Tx) error {
		for _, name := range allBuckets() {
			switch string(name) {
			case string(bMeta), string(bTokens), string(bChanges):
				continue
			}
			if k, _ := tx.Bucket(name).Cursor().First(); k != nil {
				t.Errorf("bucket %s still holds %q", name, k)
			}
		}
		return nil
	}))
	if tok, err := s.TokenByHash(sys, token); err != nil || tok == nil {
		t.Errorf("the token is gone: %v", err)
	}
	if interrupted := must(s.RestoreInterrupted(sys)); interrupted {
		t.Error("the restore marker is still there")
	}
}

// TestRestoreStoppedHalfWayLeavesTheStoreAsItWas: a restore stopped after
// some batches were committed clears them, and the store takes a restore
// again.
func TestRestoreStoppedHalfWayLeavesTheStoreAsItWas(t *testing.T) {
	t.Parallel()
	s := openFast(t)
	seq, token := history(t, s)
	snap := generated(t)
	ctx := &failAfter{Context: sys, n: 3} // the start, then two batches
	err := s.Restore(ctx, snap)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("restore with a cancelled context: %v", err)
	}
	if ctx.n != -1 {
		t.Fatalf("the restore checked its context %d times, want 4: it did not commit two batches before it stopped", 3-ctx.n)
	}
	assertCleared(t, s, seq, token)

	ok(t, s.Restore(sys, snap))
	assertRestored(t, s, snap, seq)
}

// assertRestored checks that s holds snap, restored after sequence seq.
func assertRestored(t *testing.T, s *Store, snap graph.Snapshot, seq uint64) {
	t.Helper()
	if n := must(s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1})).TotalCount; n != len(snap.Documents) {
		t.Errorf("%d documents after the restore, want %d", n, len(snap.Documents))
	}
	if cs := must(s.Changes(sys, seq, 1)); len(cs) != 1 || cs[0].Seq != seq+1 || cs[0].Op != graph.OpCreate {
		t.Errorf("the restore's first change: %+v, want a CREATE at %d", cs, seq+1)
	}
	if must(s.RestoreInterrupted(sys)) {
		t.Error("the restore marker outlives a finished restore")
	}
}

// TestRestoreAfterACrash: a restore that died without clearing (kill -9)
// leaves its marker; the store says so, and the next restore clears the
// leftovers before it starts.
func TestRestoreAfterACrash(t *testing.T) {
	t.Parallel()
	s := openFast(t)
	seq, token := history(t, s)
	snap := generated(t)
	prepared, err := graph.PrepareSnapshot(snap, s.now())
	ok(t, err)
	start, err := s.restoreStart(sys)
	ok(t, err)
	half := prepared
	half.Links, half.Declarations, half.Flags, half.Revisions = nil, nil, nil, nil
	half.Documents = half.Documents[:len(half.Documents)/2]
	// The batches of half, without the last transaction: the marker stays.
	ok(t, s.update(sys, func(w *writer) error {
		for i := range half.Documents {
			if err := w.putDocument(&half.Documents[i]); err != nil {
				return err
			}
		}
		return w.record(graph.OpCreate, graph.KindNote, half.Documents[0].ID, "", "")
	}))
	if start != seq || !must(s.RestoreInterrupted(sys)) {
		t.Fatalf("marker after a crash: start %d (want %d), interrupted %v", start, seq, must(s.RestoreInterrupted(sys)))
	}

	ok(t, s.Restore(sys, snap))
	assertRestored(t, s, snap, seq)
	if tok, err := s.TokenByHash(sys, token); err != nil || tok == nil {
		t.Errorf("the token is gone: %v", err)
	}
}

// TestRestoreChecksFirst: an invalid snapshot is refused before anything
// is written, whatever batch the fault is in, and only admins restore.
func TestRestoreChecksFirst(t *testing.T) {
	t.Parallel()
	s := openFast(t)
	seq, token := history(t, s)
	snap := generated(t)
	bad := snap
	bad.Flags = append(append([]graph.Flag(nil), snap.Flags...), graph.Flag{ID: "late", DocumentID: "nowhere",
		FlaggerID: "x", Reason: "r", Status: graph.FlagOpen, CreatedAt: s.now()})
	wantCode(t, s.Restore(sys, bad), graph.ENOTFOUND, "a flag of a missing document, in the last batch")
	assertCleared(t, s, seq, token)
	wantCode(t, s.Restore(asC("someone"), snap), graph.EFORBIDDEN, "a contributor's restore")
	wantCode(t, s.Restore(anon, snap), graph.EUNAUTHENTICATED, "an anonymous restore")
	assertCleared(t, s, seq, token)
}
