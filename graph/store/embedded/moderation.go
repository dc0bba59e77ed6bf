package embedded

import (
	"bytes"
	"context"
	"fmt"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// A hidden document keeps its record as written (its declared visibility
// included) and gets an entry in bHidden holding that declared
// visibility; its head and sort entries carry PRIVATE instead, so that
// every read path (canRead, lists, links) applies the PRIVATE rule with
// no extra lookup. Only a list filtered on visibility looks at bHidden, to
// filter on the declared value.

func (r *reader) hiddenBucket() *bbolt.Bucket { return r.tx.Bucket(bHidden) }

// isHidden reports whether a curator hid document id.
func (r *reader) isHidden(id string) bool { return r.hiddenBucket().Get([]byte(id)) != nil }

// declaredVisibility returns the visibility a list filters on: the
// document's own, even while it is hidden. facets is what the sort entry
// or head holds.
func (r *reader) declaredVisibility(id string, facets []byte) []byte {
	if string(facets) == string(graph.VisibilityPrivate) {
		if v := r.hiddenBucket().Get([]byte(id)); v != nil {
			return v
		}
	}
	return facets
}

// effective returns d as its head and sort entries record it: PRIVATE
// while hidden. It also keeps bHidden's copy of the declared visibility in
// step with updates made while the document is hidden.
func (w *writer) effective(d *graph.Document) (*graph.Document, error) {
	if !w.isHidden(d.ID) {
		return d, nil
	}
	w.touch(d.ID)
	if err := w.tx.Bucket(bHidden).Put([]byte(d.ID), []byte(d.Visibility)); err != nil {
		return nil, err
	}
	eff := *d
	eff.Visibility = graph.VisibilityPrivate
	return &eff, nil
}

// setHidden records d's hidden state and rewrites its head and sort
// entries accordingly.
func (w *writer) setHidden(d *graph.Document, hidden bool) error {
	b := w.tx.Bucket(bHidden)
	w.touch(d.ID)
	var err error
	if hidden {
		err = b.Put([]byte(d.ID), []byte(d.Visibility))
	} else {
		err = b.Delete([]byte(d.ID))
	}
	if err != nil {
		return err
	}
	d.Hidden = hidden
	return w.putDocument(d)
}

// dropModeration removes a deleted document's hidden state and flags.
func (w *writer) dropModeration(id string) error {
	w.touch(id)
	if err := w.tx.Bucket(bHidden).Delete([]byte(id)); err != nil {
		return err
	}
	prefix := idPrefix(id)
	var flagIDs [][]byte
	c := w.tx.Bucket(bDocFlags).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		flagIDs = append(flagIDs, append([]byte(nil), k[len(prefix):]...))
	}
	for _, f := range flagIDs {
		if err := w.tx.Bucket(bFlags).Delete(f); err != nil {
			return err
		}
	}
	return deletePrefix(w.tx.Bucket(bDocFlags), prefix)
}

// flagsOf returns the flags of one document.
func (r *reader) flagsOf(docID string) ([]*graph.Flag, error) {
	var out []*graph.Flag
	prefix := idPrefix(docID)
	c := r.tx.Bucket(bDocFlags).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		f, err := r.flag(string(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		if f == nil {
			return nil, fmt.Errorf("flag %s of %s: indexed but not stored", k[len(prefix):], docID)
		}
		out = append(out, f)
	}
	return out, nil
}

func (r *reader) flag(id string) (*graph.Flag, error) {
	v := r.tx.Bucket(bFlags).Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	f, err := decodeFlag(id, v)
	if err != nil {
		return nil, fmt.Errorf("flag %s: %w", id, err)
	}
	return f, nil
}

func (w *writer) putFlag(f *graph.Flag) error {
	if err := w.tx.Bucket(bFlags).Put([]byte(f.ID), encodeFlag(f)); err != nil {
		return err
	}
	return w.tx.Bucket(bDocFlags).Put([]byte(f.DocumentID+"\x00"+f.ID), nil)
}

// moderation gives graph's moderation rules the records of one write
// transaction.
type moderation struct{ w *writer }

func (m moderation) VisibleKind(id string) (graph.Kind, error)         { return m.w.visibleKind(id) }
func (m moderation) OpenFlags(docID string) ([]*graph.Flag, error)     { return m.w.flagsOf(docID) }
func (m moderation) StoredFlag(id string) (*graph.Flag, error)         { return m.w.flag(id) }
func (m moderation) UpdateFlag(f *graph.Flag) error                    { return m.w.putFlag(f) }
func (m moderation) StoredDocument(id string) (*graph.Document, error) { return m.w.document(id) }
func (m moderation) SetDocumentHidden(d *graph.Document, h bool) error { return m.w.setHidden(d, h) }

func (m moderation) CreateFlag(f *graph.Flag) error {
	f.ID = graph.NewID()
	for m.w.tx.Bucket(bFlags).Get([]byte(f.ID)) != nil {
		f.ID = graph.NewID()
	}
	return m.w.putFlag(f)
}

func (m moderation) SetCommentHidden(id string, hidden bool) error {
	c, err := m.w.comment(id)
	if err != nil {
		return err
	}
	if c == nil {
		return fmt.Errorf("comment %s is gone", id)
	}
	c.Hidden = hidden
	return m.w.putComment(c)
}

func (m moderation) RecordChange(op graph.ChangeOp, kind graph.Kind, id, other string) error {
	return m.w.record(op, kind, id, "", other)
}

// FlagDocument implements graph.ModerationStore.
func (s *Store) FlagDocument(ctx context.Context, documentID, reason string) (out *graph.Flag, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.FlagDocument(moderation{w}, w.v, w.now, documentID, reason)
		return err
	})
	return onlyIfOK(out, err)
}

// Flags implements graph.ModerationStore. The queue is short (flags wait
// for a curator, they do not pile up like documents), so it is sorted in
// memory.
func (s *Store) Flags(ctx context.Context, f graph.FlagFilter, p graph.Page) (*graph.Connection[*graph.Flag], error) {
	if err := graph.CheckFlagQueue(viewerOf(ctx), f); err != nil {
		return nil, err
	}
	var flags []*graph.Flag
	err := s.view(ctx, func(r *reader) error {
		var all []*graph.Flag
		if f.DocumentID != "" {
			var err error
			if all, err = r.flagsOf(f.DocumentID); err != nil {
				return err
			}
		} else {
			c := r.tx.Bucket(bFlags).Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if err := r.checkpoint(); err != nil {
					return err
				}
				x, err := decodeFlag(string(k), v)
				if err != nil {
					return fmt.Errorf("flag %s: %w", k, err)
				}
				all = append(all, x)
			}
		}
		for _, x := range all {
			if f.Status == "" || x.Status == f.Status {
				flags = append(flags, x)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return graph.Paginate(flags, (*graph.Flag).Cursor, true, p)
}

// ResolveFlag implements graph.ModerationStore.
func (s *Store) ResolveFlag(ctx context.Context, flagID string, decision graph.FlagDecision, note string) (out *graph.Flag, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.ResolveFlag(moderation{w}, w.v, w.now, flagID, decision, note)
		return err
	})
	return onlyIfOK(out, err)
}

// SetHidden implements graph.ModerationStore.
func (s *Store) SetHidden(ctx context.Context, documentID string, hidden bool) (out *graph.Document, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.SetHidden(moderation{w}, w.v, documentID, hidden)
		return err
	})
	return onlyIfOK(out, err)
}

func encodeFlag(f *graph.Flag) []byte {
	e := newEnc()
	for _, s := range []string{f.DocumentID, string(f.DocumentKind), f.FlaggerID, f.Reason, string(f.Status),
		string(f.Decision), f.Note, f.ResolverID} {
		e.str(s)
	}
	e.time(f.CreatedAt)
	e.optTime(f.ResolvedAt)
	if f.CommentID != "" {
		e.str(f.CommentID)
	}
	return e.b
}

func decodeFlag(id string, b []byte) (*graph.Flag, error) {
	x := newDec(b)
	f := &graph.Flag{ID: id}
	for _, p := range []*string{&f.DocumentID, (*string)(&f.DocumentKind), &f.FlaggerID, &f.Reason, (*string)(&f.Status),
		(*string)(&f.Decision), &f.Note, &f.ResolverID} {
		*p = x.str()
	}
	f.CreatedAt = x.time()
	f.ResolvedAt = x.optTime()
	if x.err == nil && len(x.b) > 0 { // flags of schema 5 on comments
		f.CommentID = x.str()
	}
	return f, x.done()
}
