package neo4j

import (
	"context"
	"fmt"

	"github.com/encommun/maillage/graph"
)

var _ graph.Restorer = (*Store)(nil)

// A restore goes in batches of transactions of at most restoreTxRows rows
// (or restoreTxBytes of text), each made of UNWIND statements of bulkRows
// rows: one transaction for a whole dump would hold it all in the
// server's transaction memory (dbms.memory.transaction.total.max), which
// a large commons exceeds. Atomicity comes from a marker, as in the
// embedded store: set by the first transaction once it has checked the
// store is empty, removed by the last; a failure in between clears what
// was written, and a restore that finds a marker left by a crashed one
// clears its leftovers first. Everything is checked before the first
// write (graph.PrepareSnapshot; for a streamed restore, the dump reader's
// first pass), so only the server or the network can stop a restore half
// way.
const (
	restoreTxRows  = 20_000
	restoreTxBytes = 16 << 20
	// restoreMarkerName names the marker's :Sequence node.
	restoreMarkerName = "restoring"
	// clearRows bounds one transaction of a clear.
	clearRows = 10_000
)

// restoreRow is one row of one bulk statement, with the change entry it
// appends.
type restoreRow struct {
	cypher string
	row    map[string]any
	size   int
	change func(w *writer)
}

// restoreSteps are the Neo4j store's part of a restore.
func (s *Store) restoreSteps() graph.RestoreSteps {
	return graph.RestoreSteps{
		RequireAdmin: func(ctx context.Context) error {
			return (&writer{reader: &reader{v: viewerOf(ctx)}}).requireAdmin()
		},
		Now:   s.now,
		Start: s.restoreStart,
		Write: s.restoreParts,
		Clear: s.clearRestore,
	}
}

// Restore implements graph.Restorer.
func (s *Store) Restore(ctx context.Context, snap graph.Snapshot) error {
	return s.restoreSteps().Restore(ctx, snap)
}

var _ graph.StreamRestorer = (*Store)(nil)

// RestoreStream implements graph.StreamRestorer.
func (s *Store) RestoreStream(ctx context.Context, next func() (*graph.Snapshot, error)) error {
	return s.restoreSteps().RestoreStream(ctx, next)
}

// restoreParts writes each part's rows, then removes the marker in a
// transaction of its own: a part's rows need not fill a transaction, and
// the marker must outlive every one of them.
func (s *Store) restoreParts(ctx context.Context, next func() (*graph.Snapshot, error)) error {
	announced := map[string]bool{}
	written := 0
	for {
		part, err := next()
		if err != nil {
			return err
		}
		if part == nil {
			break
		}
		rows := partRows(part, announced)
		if err := s.restoreBatches(ctx, rows, written); err != nil {
			return err
		}
		written += len(rows)
	}
	return s.update(ctx, func(w *writer) error {
		_, err := w.run(restoreDeleteMarker, map[string]any{"marker": restoreMarkerName})
		return err
	})
}

// partRows turns a prepared part of a snapshot into rows, in writing
// order; announced holds the contributors whose declarations already have
// their change entry, from earlier parts.
func partRows(snap *graph.Snapshot, announced map[string]bool) []restoreRow {
	var rows []restoreRow
	node := func(kind graph.Kind, id string, p props, size int) {
		rows = append(rows, restoreRow{bulkCreateNodesCypher[kind], p, size, func(w *writer) {
			w.record(graph.OpCreate, kind, id, "", "")
		}})
	}
	for i := range snap.KnowledgeBases {
		x := &snap.KnowledgeBases[i]
		node(graph.KindKnowledgeBase, x.ID, knowledgeBaseType.props(x), 0)
	}
	for i := range snap.Communities {
		x := &snap.Communities[i]
		node(graph.KindCommunity, x.ID, communityType.props(x), 0)
	}
	for i := range snap.Carnets {
		x := &snap.Carnets[i]
		node(graph.KindCarnet, x.ID, carnetProps(x), 0)
	}
	for i := range snap.Contributors {
		x := &snap.Contributors[i]
		node(graph.KindContributor, x.ID, contributorProps(x), 0)
	}
	for i := range snap.Documents {
		d := &snap.Documents[i]
		p := documentProps(d)
		if d.Hidden {
			p["hidden"] = true // as setHidden marks it
		}
		node(d.Kind, d.ID, p, len(d.Body)+len(d.Summary)+len(d.Title)+len(d.Definition))
	}
	for i := range snap.Revisions {
		r := &snap.Revisions[i]
		rows = append(rows, restoreRow{bulkCreateRevisions, revisionProps(r), len(r.Body) + len(r.Summary) + len(r.Title), nil})
	}
	for i := range snap.Links {
		l := &snap.Links[i]
		rows = append(rows, restoreRow{bulkMergeLinksCypher[l.Relation],
			map[string]any{"from": l.From, "to": l.To, "props": map[string]any(linkProps(l))}, 0,
			func(w *writer) { w.recordLink(graph.OpLink, l) }})
	}
	// A declaration's change names the contributor only, as
	// DeclareStandpoint's does: once per contributor is enough.
	for i := range snap.Declarations {
		d := &snap.Declarations[i]
		var change func(w *writer)
		if !announced[d.ContributorID] {
			announced[d.ContributorID] = true
			change = func(w *writer) { w.record(graph.OpUpdate, graph.KindContributor, d.ContributorID, "", "") }
		}
		rows = append(rows, restoreRow{bulkPutDeclarations, map[string]any{"contributorId": d.ContributorID,
			"valueId": valueID(d.Dimension, d.Value), "dimension": d.Dimension, "value": d.Value,
			"visibility": string(d.Visibility), "declaredAt": d.DeclaredAt}, 0, change})
	}
	// A flag appends no change: its document's CREATE is in the sequence.
	for i := range snap.Flags {
		f := &snap.Flags[i]
		rows = append(rows, restoreRow{restoreFlags, flagProps(f), len(f.Reason) + len(f.Note), nil})
	}
	return rows
}

// restoreStart checks that the store is empty (after clearing a crashed
// restore's leftovers) and sets the marker; it returns the sequence the
// restore starts from.
func (s *Store) restoreStart(ctx context.Context) (uint64, error) {
	var leftover *int64
	err := s.view(ctx, func(r *reader) error {
		leftover = nil
		recs, err := r.run(restoreMarker, map[string]any{"marker": restoreMarkerName})
		if err != nil {
			return err
		}
		if len(recs) == 1 {
			if v, _ := recs[0].Get("value"); v != nil {
				n, ok := v.(int64)
				if !ok {
					return fmt.Errorf("neo4j store: restore marker holds a %T", v)
				}
				leftover = &n
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if leftover != nil {
		if err := s.clearRestore(ctx, uint64(*leftover)); err != nil {
			return 0, fmt.Errorf("clear an interrupted restore: %w", err)
		}
	}
	var start uint64
	err = s.update(ctx, func(w *writer) error {
		recs, err := w.run(restoreAnyNode, nil)
		if err != nil {
			return err
		}
		if len(recs) > 0 {
			return graph.Errorf(graph.ECONFLICT, "the store already holds a graph: restore into an empty database")
		}
		recs, err = w.run(lastSeq, map[string]any{"sequence": sequenceName})
		if err != nil {
			return err
		}
		rec, err := single(recs, "lastSeq")
		if err != nil {
			return err
		}
		v, _ := rec.Get("value")
		n, _ := v.(int64)
		start = uint64(n)
		_, err = w.run(restoreSetMarker, map[string]any{"marker": restoreMarkerName, "value": n})
		return err
	})
	return start, err
}

// restoreBatches writes the rows, one transaction per restoreTxRows;
// offset is how many rows earlier parts wrote, for error messages.
func (s *Store) restoreBatches(ctx context.Context, rows []restoreRow, offset int) error {
	for start := 0; start < len(rows); {
		end, size := start, 0
		for end < len(rows) && end-start < restoreTxRows && size < restoreTxBytes {
			size += rows[end].size
			end++
		}
		part := rows[start:end]
		err := s.update(ctx, func(w *writer) error {
			for i := 0; i < len(part); {
				j := i
				for j < len(part) && j-i < bulkRows && part[j].cypher == part[i].cypher {
					j++
				}
				batch := make([]map[string]any, 0, j-i)
				for _, r := range part[i:j] {
					batch = append(batch, r.row)
				}
				if _, err := w.run(part[i].cypher, map[string]any{"rows": batch}); err != nil {
					return fmt.Errorf("restore rows %d-%d: %w", offset+start+i, offset+start+j-1, err)
				}
				i = j
			}
			for _, r := range part {
				if r.change != nil {
					r.change(w)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		start = end
	}
	return nil
}

// clearRestore removes what a restore started at sequence start wrote, in
// small transactions, then puts the sequence back and removes the marker.
func (s *Store) clearRestore(ctx context.Context, start uint64) error {
	for _, step := range []struct {
		cypher string
		params map[string]any
	}{
		{restoreClearNodes, map[string]any{"limit": int64(clearRows)}},
		{restoreClearChanges, map[string]any{"since": int64(start), "limit": int64(clearRows)}},
	} {
		for {
			var deleted int64
			err := s.update(ctx, func(w *writer) error {
				recs, err := w.run(step.cypher, step.params)
				if err != nil {
					return err
				}
				rec, err := single(recs, "clear")
				if err != nil {
					return err
				}
				v, _ := rec.Get("deleted")
				deleted, _ = v.(int64)
				return nil
			})
			if err != nil {
				return err
			}
			if deleted == 0 {
				break
			}
		}
	}
	return s.update(ctx, func(w *writer) error {
		if _, err := w.run(restoreResetSequence, map[string]any{"sequence": sequenceName, "value": int64(start)}); err != nil {
			return err
		}
		_, err := w.run(restoreDeleteMarker, map[string]any{"marker": restoreMarkerName})
		return err
	})
}

// RestoreInterrupted reports whether a restore was stopped half way: the
// database then holds part of a graph, and running the restore again
// clears it and starts over.
func (s *Store) RestoreInterrupted(ctx context.Context) (bool, error) {
	var out bool
	err := s.view(graph.SystemContext(ctx), func(r *reader) error {
		recs, err := r.run(restoreMarker, map[string]any{"marker": restoreMarkerName})
		if err != nil {
			return err
		}
		out = false
		if len(recs) == 1 {
			v, _ := recs[0].Get("value")
			out = v != nil
		}
		return nil
	})
	return out, err
}
