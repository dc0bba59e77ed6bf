package embedded

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

var _ graph.Restorer = (*Store)(nil)

// A restore writes in batches of transactions, not in one. bbolt splits
// a leaf page only when a transaction commits, so one transaction that
// inserts n keys in random order (ids, links, sort keys) grows a leaf of
// up to n entries and shifts half of it on every insert: a restore of
// 300 000 links spent its time in memmove, quadratically. Committing every
// restoreBatch records (or restoreBatchBytes of text) keeps leaves small.
//
// Atomicity is kept another way: the first transaction checks the store
// is empty and writes keyRestoring (the sequence number it started from);
// the last one removes it. A failure in between clears what the restore
// wrote, and a restore that finds the key left by a crashed one clears it
// before starting over. Everything is checked (graph.PrepareSnapshot)
// before the first write (for a streamed restore, by the caller: the dump
// reader's first pass), so only the machine (a full disk, a signal) can
// stop a restore half way.
const (
	restoreBatch      = 10_000
	restoreBatchBytes = 32 << 20
)

// keyRestoring in bMeta marks a restore in progress.
var keyRestoring = []byte("restoring")

// restoreStart writes keyRestoring and returns the sequence the restore
// starts from. It clears a crashed restore's leftovers first.
func (s *Store) restoreStart(ctx context.Context) (uint64, error) {
	var start uint64
	err := s.update(ctx, func(w *writer) error {
		if err := graph.RequireAdminWriter(w.v); err != nil {
			return err
		}
		meta := w.tx.Bucket(bMeta)
		if v := meta.Get(keyRestoring); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("restore marker %q: %w", v, errBadRecord)
			}
			// A restore started on an empty store and never finished:
			// whatever nodes there are, it wrote them.
			if err := w.clearRestore(binary.BigEndian.Uint64(v)); err != nil {
				return err
			}
		}
		if k, _ := w.nodes.Cursor().First(); k != nil || w.holdsMedia() {
			return graph.Errorf(graph.ECONFLICT, "the store already holds a graph: restore into an empty data directory")
		}
		if b := meta.Get(keySeq); len(b) == 8 {
			start = binary.BigEndian.Uint64(b)
		}
		return meta.Put(keyRestoring, u64(start))
	})
	return start, err
}

// clearRestore removes everything a restore started at sequence start
// wrote: every node and what hangs off them (the store was empty of them
// when it began), and the changes it appended. Tokens and the changes
// before start stay.
func (w *writer) clearRestore(start uint64) error {
	w.touchedAll = true // every bucket goes
	keep := map[string]bool{string(bMeta): true, string(bTokens): true, string(bChanges): true}
	for _, name := range allBuckets() {
		if keep[string(name)] {
			continue
		}
		if err := w.tx.DeleteBucket(name); err != nil && !errors.Is(err, bbolt.ErrBucketNotFound) {
			return err
		}
		if _, err := w.tx.CreateBucket(name); err != nil {
			return err
		}
	}
	if err := w.clearMedia(); err != nil {
		return err
	}
	changes := w.tx.Bucket(bChanges)
	var keys [][]byte
	c := changes.Cursor()
	for k, _ := c.Seek(u64(start + 1)); k != nil; k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
	}
	for _, k := range keys {
		if err := changes.Delete(k); err != nil {
			return err
		}
	}
	meta := w.tx.Bucket(bMeta)
	if err := meta.Put(keySeq, u64(start)); err != nil {
		return err
	}
	// The reader keeps some buckets open: point it at the new ones.
	fresh := newReader(w.ctx, w.tx, w.v)
	w.nodes, w.out, w.in, w.heads = fresh.nodes, fresh.out, fresh.in, nil
	w.forgetAccess()
	return meta.Delete(keyRestoring)
}

// restoreSteps are the embedded store's part of a restore.
func (s *Store) restoreSteps() graph.RestoreSteps {
	return graph.RestoreSteps{
		RequireAdmin: func(ctx context.Context) error {
			return graph.RequireAdminWriter(viewerOf(ctx))
		},
		Now:   s.now,
		Start: s.restoreStart,
		Write: s.restoreBatches,
		Clear: func(ctx context.Context, start uint64) error {
			return s.update(ctx, func(w *writer) error { return w.clearRestore(start) })
		},
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

// restoreBatches writes prepared parts, restoreBatch records at a time
// whatever the parts' sizes; the last transaction removes keyRestoring.
func (s *Store) restoreBatches(ctx context.Context, next func() (*graph.Snapshot, error)) error {
	var ops []func(w *writer) error
	size := 0
	flush := func(last bool) error {
		if len(ops) == 0 && !last {
			return nil
		}
		err := s.updateAlone(ctx, func(w *writer) error {
			w.touchedAll = true // a restore writes the whole store
			for _, op := range ops {
				if err := op(w); err != nil {
					return err
				}
			}
			if last {
				return w.tx.Bucket(bMeta).Delete(keyRestoring)
			}
			return nil
		})
		ops, size = ops[:0], 0
		return err
	}
	add := func(bytes int, op func(w *writer) error) error {
		ops = append(ops, op)
		size += bytes
		if len(ops) >= restoreBatch || size >= restoreBatchBytes {
			return flush(false)
		}
		return nil
	}
	// The change entry of a declaration names the contributor only, as
	// DeclareStandpoint's does: once per contributor is enough.
	announced := map[string]bool{}
	mediaAnnounced := map[string]bool{}
	for {
		part, err := next()
		if err != nil {
			return err
		}
		if part == nil {
			break
		}
		// Sorting each part is as good as sorting the whole when the
		// parts come in key order, as a dump file's records do.
		sortForKeys(part)
		if err := restoreNodes(add, knowledgeBaseType, part.KnowledgeBases); err != nil {
			return err
		}
		if err := restoreNodes(add, communityType, part.Communities); err != nil {
			return err
		}
		if err := restoreNodes(add, carnetType, part.Carnets); err != nil {
			return err
		}
		if err := restoreNodes(add, contributorType, part.Contributors); err != nil {
			return err
		}
		for i := range part.Documents {
			d := &part.Documents[i]
			err := add(len(d.Body)+len(d.Summary)+len(d.Title)+len(d.Definition), func(w *writer) error {
				var err error
				if d.Hidden {
					err = w.setHidden(d, true) // writes the document too
				} else {
					err = w.putDocument(d)
				}
				if err != nil {
					return err
				}
				return w.record(graph.OpCreate, d.Kind, d.ID, "", "")
			})
			if err != nil {
				return err
			}
		}
		for i := range part.Revisions {
			r := &part.Revisions[i]
			err := add(len(r.Body)+len(r.Summary)+len(r.Title), func(w *writer) error {
				return w.tx.Bucket(bRevisions).Put(revisionKey(r.DocumentID, r.Version), encodeRevision(r))
			})
			if err != nil {
				return err
			}
		}
		for i := range part.Links {
			l := &part.Links[i]
			err := add(0, func(w *writer) error {
				if err := w.putLink(l); err != nil {
					return err
				}
				return w.recordLink(graph.OpLink, l)
			})
			if err != nil {
				return err
			}
		}
		for i := range part.Declarations {
			d := &part.Declarations[i]
			first := !announced[d.ContributorID]
			announced[d.ContributorID] = true
			err := add(0, func(w *writer) error {
				if err := w.tx.Bucket(bDecls).Put(declKey(d.ContributorID, d.Dimension, d.Value), encodeDeclaration(d)); err != nil {
					return err
				}
				if first {
					return w.record(graph.OpUpdate, graph.KindContributor, d.ContributorID, "", "")
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		if err := restoreDiscussions(add, part, mediaAnnounced); err != nil {
			return err
		}
		// A flag appends no change: it changes no document, and its
		// document's CREATE is already in the sequence.
		for i := range part.Flags {
			f := &part.Flags[i]
			if err := add(len(f.Reason)+len(f.Note), func(w *writer) error { return w.putFlag(f) }); err != nil {
				return err
			}
		}
	}
	return flush(true)
}

// sortForKeys orders each kind of record as the keys of the bucket it
// mostly goes to (ids; from, relation, to; document, version…): bbolt
// then appends to the last page of those buckets instead of inserting all
// over them, which touches, splits and rewrites far fewer pages per
// commit. The order changes nothing else but the order of the change
// entries within a kind.
func sortForKeys(snap *graph.Snapshot) {
	byID := func(a, b string) int { return strings.Compare(a, b) }
	slices.SortFunc(snap.KnowledgeBases, func(a, b graph.KnowledgeBase) int { return byID(a.ID, b.ID) })
	slices.SortFunc(snap.Communities, func(a, b graph.Community) int { return byID(a.ID, b.ID) })
	slices.SortFunc(snap.Carnets, func(a, b graph.Carnet) int { return byID(a.ID, b.ID) })
	slices.SortFunc(snap.Contributors, func(a, b graph.Contributor) int { return byID(a.ID, b.ID) })
	slices.SortFunc(snap.Documents, func(a, b graph.Document) int { return byID(a.ID, b.ID) })
	slices.SortFunc(snap.Revisions, func(a, b graph.Revision) int {
		return cmp.Or(byID(a.DocumentID, b.DocumentID), cmp.Compare(a.Version, b.Version))
	})
	slices.SortFunc(snap.Links, func(a, b graph.Link) int {
		return cmp.Or(byID(a.From, b.From), cmp.Compare(a.Relation, b.Relation), byID(a.To, b.To))
	})
	slices.SortFunc(snap.Declarations, func(a, b graph.Declaration) int {
		return cmp.Or(byID(a.ContributorID, b.ContributorID), byID(a.Dimension, b.Dimension), byID(a.Value, b.Value))
	})
	slices.SortFunc(snap.Flags, func(a, b graph.Flag) int { return byID(a.ID, b.ID) })
}

func restoreNodes[T any](add func(int, func(*writer) error) error, t nodeType[T], xs []T) error {
	for i := range xs {
		x := &xs[i]
		id, _, _, _ := t.fields(x)
		err := add(0, func(w *writer) error {
			if err := w.putNode(t.kind, *id, t.encode(x)); err != nil {
				return err
			}
			return w.record(graph.OpCreate, t.kind, *id, "", "")
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// restoring reports whether a restore is under way or was interrupted.
func (r *reader) restoring() bool { return r.tx.Bucket(bMeta).Get(keyRestoring) != nil }

// RestoreInterrupted reports whether a restore was stopped half way (a
// crash, a kill): the store then holds part of a graph, and running the
// restore again clears it and starts over.
func (s *Store) RestoreInterrupted(ctx context.Context) (bool, error) {
	var out bool
	err := s.view(ctx, func(r *reader) error {
		out = r.restoring()
		return nil
	})
	return out, err
}
