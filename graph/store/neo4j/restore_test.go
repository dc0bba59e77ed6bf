package neo4j

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/format/dump/dumptest"
)

// TestRestore runs the dump round trip (Neo4j → file → Neo4j) against a
// real server, then the failure paths of a restore in batches.
func TestRestore(t *testing.T) {
	t.Parallel()
	open := func(t *testing.T) *Store { return openEmpty(t, testConfig(t)) }
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		// One server for the test: the kit reads the source whole before
		// it asks for the store to restore into, emptied again.
		file := dumptest.RoundTrip(t, func(t testing.TB) graph.Store { return emptied(t, s) })
		if _, err := dump.RestoreBlobs(t.Context(), s, dumptest.NewBlobs(t, s), bytes.NewReader(file)); !errors.Is(err, dump.ErrNotEmpty) {
			t.Errorf("a second restore: %v, want ErrNotEmpty", err)
		}
	})
	// IsEmpty (dump's emptiness check in one read) must see what no
	// reader's list shows: a private document, hidden pending review.
	t.Run("IsEmpty", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		// A dump to restore, made on the same server, which is emptied after.
		file := dumptest.Export(t, dumptest.Small(t, func(t testing.TB) graph.Store { return emptied(t, s) }))
		emptied(t, s)
		sys := graph.SystemContext(t.Context())
		if empty, err := s.IsEmpty(sys); err != nil || !empty {
			t.Fatalf("IsEmpty of an empty store: %v %v", empty, err)
		}
		if _, err := s.IsEmpty(t.Context()); graph.ErrorCode(err) != graph.EFORBIDDEN {
			t.Errorf("IsEmpty for an anonymous reader: %v, want FORBIDDEN", err)
		}
		if _, err := s.CreateDocument(sys, graph.Document{ID: "cachee", Kind: graph.KindNote, Title: "Cachée",
			Language: "fr", Visibility: graph.VisibilityPrivate}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetHidden(sys, "cachee", true); err != nil {
			t.Fatal(err)
		}
		if empty, err := s.IsEmpty(sys); err != nil || empty {
			t.Errorf("IsEmpty with a hidden private note: %v %v, want false", empty, err)
		}
		if _, err := dump.Check(t.Context(), s, bytes.NewReader(file)); !errors.Is(err, dump.ErrNotEmpty) {
			t.Errorf("dry run into a store holding a hidden note: %v, want ErrNotEmpty", err)
		}
		if _, err := dump.RestoreBlobs(t.Context(), s, dumptest.NewBlobs(t, s), bytes.NewReader(file)); !errors.Is(err, dump.ErrNotEmpty) {
			t.Errorf("restore into a store holding a hidden note: %v, want ErrNotEmpty", err)
		}
	})
	t.Run("StoppedHalfWay", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		sys := graph.SystemContext(t.Context())
		var file bytes.Buffer
		if _, err := dump.Generate(&file, dump.GenerateOptions{Notes: 2500, Links: 25_000, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		snap, _, err := dump.Read(&file)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Records() < 2*restoreTxRows {
			t.Fatalf("%d records: fewer than two transactions", snap.Records())
		}
		ctx := &failAfter{Context: sys, n: 3} // the marker check, the start, one batch
		if err := s.Restore(ctx, *snap); !errors.Is(err, context.Canceled) {
			t.Fatalf("restore with a cancelled context: %v", err)
		}
		if seq, err := s.LastSeq(sys); err != nil || seq != 0 {
			t.Errorf("sequence at %d (%v) after a stopped restore, want 0", seq, err)
		}
		docs, err := s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1})
		if err != nil || docs.TotalCount != 0 {
			t.Errorf("a stopped restore left documents: %v %v", docs, err)
		}
		if yes, err := s.RestoreInterrupted(sys); err != nil || yes {
			t.Errorf("marker after a cleared restore: %v %v", yes, err)
		}
		if err := s.Restore(sys, *snap); err != nil {
			t.Fatal(err)
		}
		docs, err = s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1})
		if err != nil || docs.TotalCount != len(snap.Documents) {
			t.Errorf("restored %v documents (%v), want %d", docs, err, len(snap.Documents))
		}
	})
}

// failAfter is a context whose Err reports cancellation from its n-th
// call on: the store checks it once per transaction.
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

// The tests below need no server.

// TestRestoreRows checks what a restore sends: registered bulk statements
// taking rows, documents hidden as setHidden marks them, and one change
// per node, per link and per contributor with declarations.
func TestRestoreRows(t *testing.T) {
	t.Parallel()
	var file bytes.Buffer
	if _, err := dump.Generate(&file, dump.GenerateOptions{Notes: 200, Links: 1000, Seed: 1}); err != nil {
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
	rows := partRows(&prepared, map[string]bool{})
	if len(rows) != prepared.Records() {
		t.Errorf("%d rows for %d records", len(rows), prepared.Records())
	}
	w := &writer{reader: &reader{}}
	hidden := 0
	for _, r := range rows {
		st := byCypher[r.cypher]
		if st == nil || !slices.Equal(st.Params, []string{"rows"}) {
			t.Fatalf("row for an unregistered statement or one without $rows: %.60q", r.cypher)
		}
		if r.row["hidden"] == true {
			hidden++
		}
		if r.change != nil {
			r.change(w)
		}
	}
	wantHidden := 0
	for _, d := range prepared.Documents {
		if d.Hidden {
			wantHidden++
		}
	}
	if hidden != wantHidden || wantHidden == 0 {
		t.Errorf("%d rows hide their document, the snapshot has %d hidden", hidden, wantHidden)
	}
	declarers := map[string]bool{}
	for _, d := range prepared.Declarations {
		declarers[d.ContributorID] = true
	}
	nodes := len(prepared.KnowledgeBases) + len(prepared.Communities) + len(prepared.Carnets) + len(prepared.Contributors) + len(prepared.Documents)
	if want := nodes + len(prepared.Links) + len(declarers); len(w.changes) != want {
		t.Errorf("%d changes, want %d", len(w.changes), want)
	}
}
