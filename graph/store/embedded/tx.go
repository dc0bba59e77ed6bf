package embedded

import (
	"bytes"
	"context"
	"time"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// reader is one read transaction seen by one viewer (see access.go).
type reader struct {
	tx      *bbolt.Tx
	v       graph.Viewer
	ctx     context.Context
	steps   int // records visited, for checkpoint
	nodes   *bbolt.Bucket
	out, in *bbolt.Bucket
	heads   map[graph.Kind]*bbolt.Bucket
	// memberOf is the viewer's communities, loaded on first need.
	memberOf map[string]bool
	// readable caches decisions: link walks meet the same documents again
	// and again.
	readable map[string]bool
	// mine is the documents the viewer AUTHORED (adjacency.go), unless
	// there are too many to be worth loading.
	mine        map[string]bool
	mineTooMany bool
	// ranks caches carnetRanks, by carnet.
	ranks map[string]map[string]int
	// cache serves documents as of generation gen; nil for writers.
	cache *docCache
	gen   uint64
}

func newReader(ctx context.Context, tx *bbolt.Tx, v graph.Viewer) *reader {
	return &reader{tx: tx, v: v, ctx: ctx, nodes: tx.Bucket(bNodes), out: tx.Bucket(bOut), in: tx.Bucket(bIn)}
}

// checkpointEvery is how many records a scan visits between two looks at
// its context: often enough that a timed-out request stops within a
// millisecond or so, rarely enough to cost nothing.
const checkpointEvery = 1024

// checkpoint is called once per record by the scans that may visit the
// whole store (lists, health checks, moderation queues): a request past
// its timeout, or whose client went away, stops there instead of holding
// its read transaction to the end.
func (r *reader) checkpoint() error {
	r.steps++
	if r.steps%checkpointEvery != 0 || r.ctx == nil {
		return nil
	}
	return r.ctx.Err()
}

// headsOf returns the head bucket of a document kind. A read-only
// transaction opens a bucket afresh on every tx.Bucket call, which lists
// would otherwise do once per candidate.
func (r *reader) headsOf(k graph.Kind) *bbolt.Bucket {
	b := r.heads[k]
	if b == nil {
		if r.heads == nil {
			r.heads = map[graph.Kind]*bbolt.Bucket{}
		}
		b = r.tx.Bucket(headBucket(k))
		r.heads[k] = b
	}
	return b
}

// kind returns the kind of node id, or "" when there is none.
func (r *reader) kind(id string) graph.Kind {
	if id == "" {
		return ""
	}
	return graph.Kind(r.nodes.Get([]byte(id)))
}

// writer is one read-write transaction. Every write goes through it so
// that it can append its change entries in the same transaction.
type writer struct {
	*reader
	now time.Time
	// tokensGone is set by a write that revoked or deleted tokens.
	tokensGone bool
	// touched are the nodes whose registration, record, head or hidden
	// state this write changed, the entries the document cache drops;
	// touchedAll says it may have changed any (cache.go).
	touched    map[string]struct{}
	touchedAll bool
}

// touch records that node id's registration, record, head or hidden state
// changes in this write. Every write to those buckets calls it.
func (w *writer) touch(id string) {
	if w.touched == nil {
		w.touched = map[string]struct{}{}
	}
	w.touched[id] = struct{}{}
}

// newID returns given when it is a well-formed unused id, or a fresh one.
func (w *writer) newID(given string) (string, error) {
	if given != "" {
		if err := graph.ValidateID(given); err != nil {
			return "", err
		}
		if w.kind(given) != "" {
			return "", graph.Errorf(graph.ECONFLICT, "id %q is already taken", given)
		}
		return given, nil
	}
	for {
		id := graph.NewID()
		if w.kind(id) == "" {
			return id, nil
		}
	}
}

// putNode writes a node's record and registers its kind.
func (w *writer) putNode(kind graph.Kind, id string, rec []byte) error {
	w.touch(id)
	if err := w.tx.Bucket(bNodes).Put([]byte(id), []byte(kind)); err != nil {
		return err
	}
	return w.tx.Bucket(recordBucket(kind)).Put([]byte(id), rec)
}

// deleteNode removes a node and everything that hangs off it: links in
// both directions (each one an UNLINK change, so that the index updates
// the other ends), revisions, declarations and tokens. The DELETE change
// comes last.
func (w *writer) deleteNode(kind graph.Kind, id string) error {
	for _, dir := range []graph.Direction{graph.Out, graph.In} {
		links, err := w.rawLinks(id, "", dir)
		if err != nil {
			return err
		}
		for i := range links {
			if err := w.deleteLink(&links[i]); err != nil {
				return err
			}
			if err := w.recordLink(graph.OpUnlink, &links[i]); err != nil {
				return err
			}
		}
	}
	key := []byte(id)
	w.touch(id)
	for _, name := range [][]byte{bNodes, recordBucket(kind)} {
		if err := w.tx.Bucket(name).Delete(key); err != nil {
			return err
		}
	}
	if kind.IsDocument() {
		if err := w.unindexDocument(kind, id); err != nil {
			return err
		}
		if err := w.headsOf(kind).Delete(key); err != nil {
			return err
		}
		if err := deletePrefix(w.tx.Bucket(bRevisions), idPrefix(id)); err != nil {
			return err
		}
		if err := w.dropModeration(id); err != nil {
			return err
		}
		if err := w.dropMediaOf(id); err != nil {
			return err
		}
		if err := w.dropComments(id); err != nil {
			return err
		}
	}
	if kind == graph.KindContributor {
		if err := deletePrefix(w.tx.Bucket(bDecls), idPrefix(id)); err != nil {
			return err
		}
		if err := w.deleteTokensOf(id); err != nil {
			return err
		}
	}
	delete(w.readable, id)
	return w.record(graph.OpDelete, kind, id, "", "")
}

// checkVersion is the optimistic lock of every update and delete.
func checkVersion(kind graph.Kind, id string, current, given int) error {
	if given != current {
		return graph.Errorf(graph.ECONFLICT, "%s %q is at version %d, not %d: read it again and reapply your change",
			kind, id, current, given)
	}
	return nil
}

func deletePrefix(b *bbolt.Bucket, prefix []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// idPrefix is the prefix of every composite key that starts with id; the
// separator keeps "ab" from matching "abc".
func idPrefix(id string) []byte { return []byte(id + "\x00") }
