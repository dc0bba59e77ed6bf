package neo4j

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
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
	// A restore refreshes the marker's heartbeat every restoreHeartbeat
	// (and with every transaction it commits); a marker silent for
	// restoreLease belongs to a restore whose process is gone, which the
	// next restore may clear. Two `maillage import json` started at once
	// against one database must not both write: the second is refused
	// while the first shows signs of life.
	restoreHeartbeat = 10 * time.Second
	restoreLease     = 60 * time.Second
)

// errLostHold stops a restore whose marker another restore has taken:
// that can only happen after this one was silent for restoreLease (a
// process frozen, a network cut), and the other one now clears the
// database.
var errLostHold = errors.New("neo4j store: this restore lost its hold on the database: another restore took it over after this one was silent for " + restoreLease.String())

// restoreHold is one restore's hold on the database: the owner id its
// marker carries, and the heartbeat that keeps the marker fresh.
type restoreHold struct {
	owner string
	mu    sync.Mutex
	stop  context.CancelFunc
	done  chan struct{}
}

func newRestoreHold() *restoreHold { return &restoreHold{owner: graph.NewID()} }

// beat refreshes the marker every restoreHeartbeat until release.
func (h *restoreHold) beat(ctx context.Context, s *Store) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stop != nil {
		return
	}
	// The restore's context may be cancelled (or, in tests, count its
	// calls): the heartbeat has its own, ended by release.
	ctx, h.stop = context.WithCancel(graph.SystemContext(context.WithoutCancel(ctx)))
	h.done = make(chan struct{})
	go func() {
		defer close(h.done)
		t := time.NewTicker(restoreHeartbeat)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if err := s.touchMarker(ctx, h); err != nil && ctx.Err() == nil {
				s.log.Warn("neo4j store: restore heartbeat", "err", err)
			}
		}
	}()
}

// release ends the heartbeat.
func (h *restoreHold) release() {
	h.mu.Lock()
	stop, done := h.stop, h.done
	h.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// touchMarker is one sign of life, in a transaction of its own that does
// not take the sequence lock: the restore's own transactions hold that
// lock while they write (a minute or more each under load), and a
// heartbeat queued behind one of them landed only after its commit (so
// that the marker looked silent meanwhile) and then held up the next one.
// Taking the marker over still waits for the lock (restoreStart), so the
// heartbeat needs none to stay correct.
func (s *Store) touchMarker(ctx context.Context, h *restoreHold) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		w := &writer{reader: &reader{ctx: ctx, tx: tx, v: viewerOf(ctx)}, now: s.now()}
		return nil, w.touchMarker(h)
	})
	return s.mapError(ctx, err)
}

// touchMarker refreshes the marker's heartbeat within w, and fails with
// errLostHold when the marker is no longer h's.
func (w *writer) touchMarker(h *restoreHold) error {
	return w.ownMarker(h, restoreTouchMarker, "restoreTouchMarker", "held")
}

// ownMarker runs a statement on h's marker that answers, under key, 1 when
// the marker was still h's and 0 otherwise; 0 is errLostHold.
func (w *writer) ownMarker(h *restoreHold, cypher, what, key string) error {
	rec, err := w.runSingle(cypher, map[string]any{"marker": restoreMarkerName, "owner": h.owner}, what)
	if err != nil {
		return err
	}
	if v, _ := rec.Get(key); v != int64(1) {
		return errLostHold
	}
	return nil
}

// markerState is what the marker says, if there is one.
type markerState struct {
	present   bool
	value     int64
	owner     string
	host      string
	pid       int64
	startedAt time.Time
	// silent is how long ago the holder last gave a sign of life; nil for
	// a marker without heartbeat (from a version that wrote none).
	silent *time.Duration
}

// live reports whether the marker's restore is still running, that is
// silent for less than lease.
func (m markerState) live(lease time.Duration) bool {
	return m.present && m.silent != nil && *m.silent < lease
}

// lease is how long a restore may stay silent before it counts as gone.
func (s *Store) lease() time.Duration {
	if s.restoreLease > 0 {
		return s.restoreLease
	}
	return restoreLease
}

// running is the refusal a restore (or a server) gets while another
// restore holds the database.
func (m markerState) running(lease time.Duration) error {
	return graph.Errorf(graph.ECONFLICT,
		"another restore is writing into this database (process %d on %s, started %s, last sign of life %s ago): wait for it to finish; a restore whose process is gone counts as interrupted once silent for %s",
		m.pid, m.host, m.startedAt.UTC().Format(time.RFC3339), m.silent.Round(time.Second), lease)
}

func (r *reader) readMarker() (markerState, error) {
	recs, err := r.run(restoreMarker, map[string]any{"marker": restoreMarkerName})
	if err != nil {
		return markerState{}, err
	}
	if len(recs) != 1 {
		return markerState{}, nil
	}
	m := recs[0].AsMap()
	var st markerState
	if v := m["value"]; v != nil {
		n, ok := v.(int64)
		if !ok {
			return st, fmt.Errorf("neo4j store: restore marker holds a %T", v)
		}
		st.present, st.value = true, n
	}
	if !st.present {
		return st, nil
	}
	st.owner, _ = m["owner"].(string)
	st.host, _ = m["host"].(string)
	st.pid, _ = m["pid"].(int64)
	st.startedAt, _ = m["startedAt"].(time.Time)
	if v, ok := m["silentSeconds"].(int64); ok {
		d := time.Duration(v) * time.Second
		st.silent = &d
	}
	return st, nil
}

// setMarker takes the marker for h, starting at value.
func (w *writer) setMarker(h *restoreHold, value int64) error {
	host, _ := os.Hostname()
	_, err := w.run(restoreSetMarker, map[string]any{"marker": restoreMarkerName, "value": value,
		"owner": h.owner, "host": host, "pid": int64(os.Getpid()), "startedAt": w.now})
	return err
}

// restoreRow is one row of one bulk statement, with the change entry it
// appends.
type restoreRow struct {
	cypher string
	row    map[string]any
	size   int
	change func(w *writer)
}

// restoreSteps are the Neo4j store's part of one restore, holding the
// database through h.
func (s *Store) restoreSteps(h *restoreHold) graph.RestoreSteps {
	return graph.RestoreSteps{
		RequireAdmin: func(ctx context.Context) error {
			return graph.RequireAdminWriter(viewerOf(ctx))
		},
		Now:   s.now,
		Start: func(ctx context.Context) (uint64, error) { return s.restoreStart(ctx, h) },
		Write: func(ctx context.Context, next func() (*graph.Snapshot, error)) error {
			return s.restoreParts(ctx, h, next)
		},
		Clear: func(ctx context.Context, start uint64) error {
			err := s.clearRestore(ctx, h, start, true)
			if errors.Is(err, errLostHold) {
				return nil // the restore that took over clears it
			}
			return err
		},
	}
}

// Restore implements graph.Restorer.
func (s *Store) Restore(ctx context.Context, snap graph.Snapshot) error {
	h := newRestoreHold()
	defer h.release()
	return s.restoreSteps(h).Restore(ctx, snap)
}

var _ graph.StreamRestorer = (*Store)(nil)

// RestoreStream implements graph.StreamRestorer.
func (s *Store) RestoreStream(ctx context.Context, next func() (*graph.Snapshot, error)) error {
	h := newRestoreHold()
	defer h.release()
	return s.restoreSteps(h).RestoreStream(ctx, next)
}

// restoreParts writes each part's rows, then removes the marker in a
// transaction of its own: a part's rows need not fill a transaction, and
// the marker must outlive every one of them.
func (s *Store) restoreParts(ctx context.Context, h *restoreHold, next func() (*graph.Snapshot, error)) error {
	announced := map[string]bool{}
	mediaAnnounced, kinds := map[string]bool{}, map[string]graph.Kind{}
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
		for i := range part.Documents {
			kinds[part.Documents[i].ID] = part.Documents[i].Kind
		}
		more, err := discussionRows(part, mediaAnnounced, kinds)
		if err != nil {
			return err
		}
		rows = withDiscussionRows(rows, more)
		if err := s.restoreBatches(ctx, h, rows, written); err != nil {
			return err
		}
		written += len(rows)
	}
	return s.update(ctx, func(w *writer) error { return w.releaseMarker(h) })
}

// releaseMarker removes h's marker, or fails with errLostHold.
func (w *writer) releaseMarker(h *restoreHold) error {
	return w.ownMarker(h, restoreDeleteMarker, "restoreDeleteMarker", "released")
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
		rows = append(rows, restoreRow{restoreCreateLinksCypher[l.Relation],
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
		rows = append(rows, restoreRow{restoreDeclarations, map[string]any{"contributorId": d.ContributorID,
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

// restoreStart takes the database for h: it refuses while another
// restore runs, clears what a restore whose process is gone left, checks
// that the store is empty and sets the marker; it returns the sequence
// the restore starts from. Every step runs in a write transaction, which
// holds the sequence lock: two restores starting at once take turns, and
// the second sees the first's marker.
func (s *Store) restoreStart(ctx context.Context, h *restoreHold) (uint64, error) {
	held := false // the marker is h's, from a takeover
	for {
		var start uint64
		var leftover *int64
		err := s.update(ctx, func(w *writer) error {
			leftover = nil
			m, err := w.readMarker()
			if err != nil {
				return err
			}
			if m.present && m.owner != h.owner {
				if m.live(s.lease()) {
					return m.running(s.lease())
				}
				// Its process is gone: take its marker, keeping where it
				// started, and clear what it wrote before starting.
				s.log.Warn("neo4j store: clearing a restore whose process is gone",
					slog.String("host", m.host), slog.Int64("pid", m.pid), slog.Time("started", m.startedAt))
				leftover = &m.value
				return w.setMarker(h, m.value)
			}
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
			return w.setMarker(h, n)
		})
		if err != nil {
			if held {
				// Leftovers cleared, but the store is not empty after all
				// (or unreachable): leave no marker of a restore that
				// never wrote.
				_ = s.update(graph.SystemContext(context.WithoutCancel(ctx)), func(w *writer) error { return w.releaseMarker(h) })
			}
			return 0, err
		}
		held = true
		h.beat(ctx, s)
		if leftover == nil {
			return start, nil
		}
		if err := s.clearRestore(ctx, h, uint64(*leftover), false); err != nil {
			return 0, fmt.Errorf("clear an interrupted restore: %w", err)
		}
	}
}

// restoreBatches writes the rows, one transaction per restoreTxRows;
// offset is how many rows earlier parts wrote, for error messages.
func (s *Store) restoreBatches(ctx context.Context, h *restoreHold, rows []restoreRow, offset int) error {
	for start := 0; start < len(rows); {
		end, size := start, 0
		for end < len(rows) && end-start < restoreTxRows && size < restoreTxBytes {
			size += rows[end].size
			end++
		}
		part := rows[start:end]
		groups := groupRows(part)
		err := s.update(ctx, func(w *writer) error {
			for _, g := range groups {
				for i := 0; i < len(g.rows); i += bulkRows {
					batch := g.rows[i:min(i+bulkRows, len(g.rows))]
					if _, err := w.run(g.cypher, map[string]any{"rows": batch}); err != nil {
						return fmt.Errorf("restore rows %d-%d (%d of them): %w", offset+start, offset+end-1, len(batch), err)
					}
				}
			}
			for _, r := range part {
				if r.change != nil {
					r.change(w)
				}
			}
			// Last, so that the heartbeat is as recent as the commit.
			return w.touchMarker(h)
		})
		if err != nil {
			return err
		}
		start = end
	}
	return nil
}

// rowGroup is the rows of one transaction that one statement writes.
type rowGroup struct {
	cypher string
	rows   []map[string]any
}

// groupRows gathers a transaction's rows by statement, each statement
// where its first row was: a dump interleaves the relations of one
// document's links (AUTHORED, IN_CARNET, MENTIONS…), which as runs of the
// same statement would be statements of a row or two each, a round trip
// per link. Statements of nodes still come before those of the links and
// declarations that need them, as partRows lists them in that order.
func groupRows(rows []restoreRow) []rowGroup {
	var groups []rowGroup
	at := map[string]int{}
	for _, r := range rows {
		i, ok := at[r.cypher]
		if !ok {
			i = len(groups)
			at[r.cypher] = i
			groups = append(groups, rowGroup{cypher: r.cypher})
		}
		groups[i].rows = append(groups[i].rows, r.row)
	}
	return groups
}

// clearRestore removes what a restore started at sequence start wrote, in
// small transactions, each checking that h still holds the marker, then
// puts the sequence back and, when release is set, removes the marker.
func (s *Store) clearRestore(ctx context.Context, h *restoreHold, start uint64, release bool) error {
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
				if err := w.touchMarker(h); err != nil {
					return err
				}
				rec, err := w.runSingle(step.cypher, step.params, "clear")
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
		if err := w.touchMarker(h); err != nil {
			return err
		}
		if _, err := w.run(restoreResetSequence, map[string]any{"sequence": sequenceName, "value": int64(start)}); err != nil {
			return err
		}
		if !release {
			return nil
		}
		return w.releaseMarker(h)
	})
}

// IsEmpty implements dump.EmptyChecker: whether the graph holds no node
// of any kind and no media (tokens are not the graph), hidden documents
// included, in one read of at most one node, for the system only.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	if graph.ViewerFrom(ctx).Role != graph.RoleSystem {
		return false, graph.Errorf(graph.EFORBIDDEN, "only the system may ask whether the store is empty")
	}
	empty := false
	err := s.view(ctx, func(r *reader) error {
		recs, err := r.run(restoreAnyNode, nil)
		empty = len(recs) == 0
		return err
	})
	return empty, err
}

// RestoreInterrupted reports whether a restore was stopped half way: the
// database then holds part of a graph, and running the restore again
// clears it and starts over. A restore still running is not interrupted:
// while its marker shows signs of life this returns a CONFLICT saying so.
func (s *Store) RestoreInterrupted(ctx context.Context) (bool, error) {
	var m markerState
	err := s.view(graph.SystemContext(ctx), func(r *reader) error {
		var err error
		m, err = r.readMarker()
		return err
	})
	if err != nil {
		return false, err
	}
	if m.live(s.lease()) {
		return false, m.running(s.lease())
	}
	return m.present, nil
}
