package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/encommun/maillage/graph"
)

// Discussions: a comment's record in bComments, its key under its
// document in bDocComments, and its bodies by version in bCommentRevs. A
// discussion is read whole (comments are few beside a document, as flags
// are) and threaded by graph.Thread, which holds the rules.

func commentRevisionKey(id string, version int) []byte {
	return binary.BigEndian.AppendUint64(idPrefix(id), uint64(version))
}

func (r *reader) comment(id string) (*graph.Comment, error) {
	if id == "" {
		return nil, nil
	}
	v := r.tx.Bucket(bComments).Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	c, err := decodeComment(id, v)
	if err != nil {
		return nil, fmt.Errorf("comment %s: %w", id, err)
	}
	return c, nil
}

// commentsOf returns every comment of one document, readable or not.
func (r *reader) commentsOf(docID string) ([]*graph.Comment, error) {
	var out []*graph.Comment
	prefix := idPrefix(docID)
	c := r.tx.Bucket(bDocComments).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if err := r.checkpoint(); err != nil {
			return nil, err
		}
		x, err := r.comment(string(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		if x == nil {
			return nil, fmt.Errorf("comment %s of %s: indexed but not stored", k[len(prefix):], docID)
		}
		out = append(out, x)
	}
	return out, nil
}

// commenters returns the authors of a document's comments who may count
// in coverage (graph.CommentTakesPart), each once. A document without a
// discussion costs one seek.
func (r *reader) commenters(docID string) ([]string, error) {
	prefix := idPrefix(docID)
	c := r.tx.Bucket(bDocComments).Cursor()
	if k, _ := c.Seek(prefix); k == nil || !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	all, err := r.commentsOf(docID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, x := range all {
		if graph.CommentTakesPart(x) && !slices.Contains(out, x.AuthorID) {
			out = append(out, x.AuthorID)
		}
	}
	return out, nil
}

func (w *writer) putComment(c *graph.Comment) error {
	if err := w.tx.Bucket(bComments).Put([]byte(c.ID), encodeComment(c)); err != nil {
		return err
	}
	return w.tx.Bucket(bDocComments).Put([]byte(c.DocumentID+"\x00"+c.ID), nil)
}

// dropComments removes a deleted document's discussion.
func (w *writer) dropComments(docID string) error {
	all, err := w.commentsOf(docID)
	if err != nil {
		return err
	}
	for _, c := range all {
		if err := w.tx.Bucket(bComments).Delete([]byte(c.ID)); err != nil {
			return err
		}
		if err := deletePrefix(w.tx.Bucket(bCommentRevs), idPrefix(c.ID)); err != nil {
			return err
		}
	}
	return deletePrefix(w.tx.Bucket(bDocComments), idPrefix(docID))
}

// onlyIfOK drops what a failed transaction's function had set.
func onlyIfOK[T any](v *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}

// commentRecords gives graph's discussion rules the records of one read
// transaction.
type commentRecords struct{ r *reader }

func (c commentRecords) VisibleKind(id string) (graph.Kind, error) { return c.r.visibleKind(id) }
func (c commentRecords) StoredComment(id string) (*graph.Comment, error) {
	return c.r.comment(id)
}
func (c commentRecords) StoredComments(docID string) ([]*graph.Comment, error) {
	return c.r.commentsOf(docID)
}

// commentWrites gives them the writes of one write transaction.
type commentWrites struct {
	commentRecords
	w *writer
}

func (w *writer) discussion() commentWrites { return commentWrites{commentRecords{w.reader}, w} }

func (c commentWrites) CreateComment(x *graph.Comment) error {
	x.ID = graph.NewID()
	for c.w.tx.Bucket(bComments).Get([]byte(x.ID)) != nil {
		x.ID = graph.NewID()
	}
	return c.w.putComment(x)
}

func (c commentWrites) UpdateComment(x *graph.Comment) error { return c.w.putComment(x) }

func (c commentWrites) RemoveComment(x *graph.Comment) error {
	if err := c.w.tx.Bucket(bComments).Delete([]byte(x.ID)); err != nil {
		return err
	}
	return c.w.tx.Bucket(bDocComments).Delete([]byte(x.DocumentID + "\x00" + x.ID))
}

func (c commentWrites) AddCommentRevision(rev *graph.CommentRevision) error {
	return c.w.tx.Bucket(bCommentRevs).Put(commentRevisionKey(rev.CommentID, rev.Version), encodeCommentRevision(rev))
}

func (c commentWrites) RemoveCommentRevisions(id string) error {
	return deletePrefix(c.w.tx.Bucket(bCommentRevs), idPrefix(id))
}

func (c commentWrites) OpenFlags(docID string) ([]*graph.Flag, error) {
	return moderation{c.w}.OpenFlags(docID)
}
func (c commentWrites) CreateFlag(f *graph.Flag) error { return moderation{c.w}.CreateFlag(f) }

func (c commentWrites) RecordComment(x *graph.Comment) error {
	return c.w.record(graph.OpComment, x.DocumentKind, x.DocumentID, "", x.ID)
}

// AddComment implements graph.DiscussionStore.
func (s *Store) AddComment(ctx context.Context, documentID, replyTo, body string) (out *graph.Comment, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.AddComment(w.discussion(), w.v, w.now, documentID, replyTo, body)
		return err
	})
	return onlyIfOK(out, err)
}

// EditComment implements graph.DiscussionStore.
func (s *Store) EditComment(ctx context.Context, id, body string, version int) (out *graph.Comment, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.EditComment(w.discussion(), w.v, w.now, id, body, version)
		return err
	})
	return onlyIfOK(out, err)
}

// DeleteComment implements graph.DiscussionStore.
func (s *Store) DeleteComment(ctx context.Context, id string) (out *graph.Comment, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.DeleteComment(w.discussion(), w.v, w.now, id)
		return err
	})
	return onlyIfOK(out, err)
}

// Comment implements graph.DiscussionStore.
func (s *Store) Comment(ctx context.Context, id string) (out *graph.Comment, err error) {
	err = s.view(ctx, func(r *reader) (err error) {
		out, _, err = graph.ReadableComment(commentRecords{r}, r.v, id)
		return err
	})
	return onlyIfOK(out, err)
}

// Comments implements graph.DiscussionStore.
func (s *Store) Comments(ctx context.Context, documentID, parentID string, p graph.Page) (*graph.Connection[*graph.Comment], error) {
	var thread []*graph.Comment
	err := s.view(ctx, func(r *reader) (err error) {
		thread, err = graph.CommentThread(commentRecords{r}, r.v, documentID, parentID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.Paginate(thread, (*graph.Comment).Cursor, false, p)
}

// CommentRevisions implements graph.DiscussionStore.
func (s *Store) CommentRevisions(ctx context.Context, id string, p graph.Page) (*graph.Connection[*graph.CommentRevision], error) {
	var revs []*graph.CommentRevision
	err := s.view(ctx, func(r *reader) error {
		if _, _, err := graph.ReadableComment(commentRecords{r}, r.v, id); err != nil {
			return err
		}
		prefix := idPrefix(id)
		c := r.tx.Bucket(bCommentRevs).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rev, err := decodeCommentRevision(id, v)
			if err != nil {
				return fmt.Errorf("revision %q: %w", k, err)
			}
			revs = append(revs, rev)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return graph.Paginate(revs, (*graph.CommentRevision).Cursor, true, p)
}

// FlagComment implements graph.DiscussionStore.
func (s *Store) FlagComment(ctx context.Context, commentID, reason string) (out *graph.Flag, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.FlagComment(w.discussion(), w.v, w.now, commentID, reason)
		return err
	})
	return onlyIfOK(out, err)
}

func encodeComment(c *graph.Comment) []byte {
	e := newEnc()
	for _, s := range []string{c.DocumentID, string(c.DocumentKind), c.ParentID, c.AuthorID, c.Body} {
		e.str(s)
	}
	e.uint(uint64(c.Depth))
	e.time(c.CreatedAt)
	e.time(c.UpdatedAt)
	e.uint(uint64(c.Version))
	var flags uint64
	if c.Deleted {
		flags |= 1
	}
	if c.Hidden {
		flags |= 2
	}
	e.uint(flags)
	return e.b
}

func decodeComment(id string, b []byte) (*graph.Comment, error) {
	x := newDec(b)
	c := &graph.Comment{ID: id}
	for _, p := range []*string{&c.DocumentID, (*string)(&c.DocumentKind), &c.ParentID, &c.AuthorID, &c.Body} {
		*p = x.str()
	}
	c.Depth = int(x.uint())
	c.CreatedAt = x.time()
	c.UpdatedAt = x.time()
	c.Version = int(x.uint())
	flags := x.uint()
	c.Deleted, c.Hidden = flags&1 != 0, flags&2 != 0
	return c, x.done()
}

func encodeCommentRevision(r *graph.CommentRevision) []byte {
	e := newEnc()
	e.str(r.DocumentID)
	e.uint(uint64(r.Version))
	e.str(r.Body)
	e.str(r.EditorID)
	e.time(r.At)
	return e.b
}

func decodeCommentRevision(commentID string, b []byte) (*graph.CommentRevision, error) {
	x := newDec(b)
	r := &graph.CommentRevision{CommentID: commentID}
	r.DocumentID = x.str()
	r.Version = int(x.uint())
	r.Body = x.str()
	r.EditorID = x.str()
	r.At = x.time()
	return r, x.done()
}
