package embedded

import (
	"bytes"
	"context"
	"errors"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// What a dump carries beside the graph's nodes: media records and
// discussions, read whole (ScanMedia, Discussions) and restored.

// ScanMedia implements graph.MediaStore.
func (s *Store) ScanMedia(ctx context.Context, after string, limit int) ([]*graph.Media, error) {
	if limit <= 0 {
		return nil, graph.Errorf(graph.EINVALID, "limit must be positive")
	}
	var out []*graph.Media
	err := s.view(ctx, func(r *reader) error {
		out = nil
		b := r.tx.Bucket(bMedia)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, _ := c.Seek([]byte(after))
		if k != nil && after != "" && string(k) == after {
			k, _ = c.Next()
		}
		for ; k != nil && len(out) < limit; k, _ = c.Next() {
			if err := r.checkpoint(); err != nil {
				return err
			}
			m, err := r.visibleMedia(string(k))
			if err != nil {
				return err
			}
			if m != nil {
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Discussions implements graph.DiscussionStore.
func (s *Store) Discussions(ctx context.Context, documentIDs []string) (map[string]*graph.Discussion, error) {
	out := map[string]*graph.Discussion{}
	err := s.view(ctx, func(r *reader) error {
		for _, doc := range uniq(documentIDs) {
			if k, err := r.visibleKind(doc); err != nil {
				return err
			} else if !k.IsDocument() {
				continue
			}
			all, err := r.commentsOf(doc)
			if err != nil {
				return err
			}
			d := &graph.Discussion{}
			for _, c := range all {
				if !r.v.CanReadComment(c) {
					continue
				}
				d.Comments = append(d.Comments, c)
				prefix := idPrefix(c.ID)
				cur := r.tx.Bucket(bCommentRevs).Cursor()
				for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
					rev, err := decodeCommentRevision(c.ID, v)
					if err != nil {
						return err
					}
					d.Revisions = append(d.Revisions, rev)
				}
			}
			if len(d.Comments) > 0 {
				graph.SortDiscussion(d)
				out[doc] = d
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// restoreDiscussions queues the writes of a part's media, comments and
// comment revisions. A document that gets media is announced once by an
// UPDATE, as CreateMedia announces it: its searchable text is its media's
// too, and an index that read the document at its CREATE, before its
// media were written, must read it again. Comments append no change: the
// index does not hold them, and their document's CREATE is in the
// sequence.
func restoreDiscussions(add func(int, func(*writer) error) error, part *graph.Snapshot, announced map[string]bool) error {
	for i := range part.Media {
		m := &part.Media[i]
		first := m.DocumentID != "" && !announced[m.DocumentID]
		if first {
			announced[m.DocumentID] = true
		}
		size := len(m.Description) + len(m.Alt)
		for _, c := range m.Cues {
			size += len(c.Text)
		}
		err := add(size, func(w *writer) error {
			if err := w.putMedia(m); err != nil {
				return err
			}
			if first {
				return w.record(graph.OpUpdate, w.kind(m.DocumentID), m.DocumentID, "", "")
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for i := range part.Comments {
		c := &part.Comments[i]
		if err := add(len(c.Body), func(w *writer) error { return w.putComment(c) }); err != nil {
			return err
		}
	}
	for i := range part.CommentRevisions {
		r := &part.CommentRevisions[i]
		err := add(len(r.Body), func(w *writer) error {
			return w.tx.Bucket(bCommentRevs).Put(commentRevisionKey(r.CommentID, r.Version), encodeCommentRevision(r))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// putMedia writes a media record as it is, id and dates included.
func (w *writer) putMedia(m *graph.Media) error {
	media, err := w.tx.CreateBucketIfNotExists(bMedia)
	if err != nil {
		return err
	}
	of, err := w.tx.CreateBucketIfNotExists(bMediaOf)
	if err != nil {
		return err
	}
	rec, err := encodeMedia(m)
	if err != nil {
		return err
	}
	if err := media.Put([]byte(m.ID), rec); err != nil {
		return err
	}
	if m.DocumentID == "" {
		return nil
	}
	return of.Put(mediaOfKey(m.DocumentID, m.ID), nil)
}

// holdsMedia reports whether any media record is stored: a store whose
// only content is a standing-alone media is not empty to a restore.
func (r *reader) holdsMedia() bool {
	b := r.tx.Bucket(bMedia)
	if b == nil {
		return false
	}
	k, _ := b.Cursor().First()
	return k != nil
}

// clearMedia drops the media buckets, which allBuckets does not list (the
// first media creates them).
func (w *writer) clearMedia() error {
	for _, name := range [][]byte{bMedia, bMediaOf} {
		if err := w.tx.DeleteBucket(name); err != nil && !errors.Is(err, bbolt.ErrBucketNotFound) {
			return err
		}
	}
	return nil
}
