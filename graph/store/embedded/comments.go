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

// readableComment returns comment id with its ReplyCount when the
// viewer may read it and its document, and CommentNotFound otherwise; all
// is the document's discussion.
func (r *reader) readableComment(id string) (c *graph.Comment, all []*graph.Comment, err error) {
	c, err = r.comment(id)
	if err != nil {
		return nil, nil, err
	}
	if c == nil || !r.v.CanReadComment(c) {
		return nil, nil, graph.CommentNotFound(id)
	}
	if k, err := r.visibleKind(c.DocumentID); err != nil {
		return nil, nil, err
	} else if !k.IsDocument() {
		return nil, nil, graph.CommentNotFound(id)
	}
	if all, err = r.commentsOf(c.DocumentID); err != nil {
		return nil, nil, err
	}
	for _, x := range graph.Thread(r.v, all, c.ParentID) {
		if x.ID == id {
			return x, all, nil
		}
	}
	// A deleted comment whose replies are gone is listed nowhere.
	return nil, nil, graph.CommentNotFound(id)
}

func (w *writer) putComment(c *graph.Comment) error {
	if err := w.tx.Bucket(bComments).Put([]byte(c.ID), encodeComment(c)); err != nil {
		return err
	}
	return w.tx.Bucket(bDocComments).Put([]byte(c.DocumentID+"\x00"+c.ID), nil)
}

func (w *writer) putCommentRevision(c *graph.Comment) error {
	rev := &graph.CommentRevision{CommentID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Body: c.Body,
		EditorID: w.v.ContributorID, At: w.now}
	return w.tx.Bucket(bCommentRevs).Put(commentRevisionKey(c.ID, c.Version), encodeCommentRevision(rev))
}

// setCommentHidden is a curator's decision on a flagged comment.
func (w *writer) setCommentHidden(f *graph.Flag, hidden bool) error {
	c, err := w.comment(f.CommentID)
	if err != nil {
		return err
	}
	if c == nil {
		return fmt.Errorf("flag %s: comment %s is gone", f.ID, f.CommentID)
	}
	c.Hidden = hidden
	if err := w.putComment(c); err != nil {
		return err
	}
	return w.record(graph.OpComment, f.DocumentKind, f.DocumentID, "", c.ID)
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

// AddComment implements graph.DiscussionStore.
func (s *Store) AddComment(ctx context.Context, documentID, replyTo, body string) (*graph.Comment, error) {
	var out *graph.Comment
	err := s.update(ctx, func(w *writer) error {
		if err := graph.CheckNewComment(w.v, body); err != nil {
			return err
		}
		kind, err := w.visibleKind(documentID)
		if err != nil {
			return err
		}
		c, err := graph.NewComment(w.v, documentID, kind, body, w.now)
		if err != nil {
			return err
		}
		if replyTo != "" {
			parent, err := w.comment(replyTo)
			if err != nil {
				return err
			}
			if c.ParentID, c.Depth, err = graph.ReplyPlace(w.v, documentID, parent, replyTo); err != nil {
				return err
			}
		}
		c.ID = graph.NewID()
		for w.tx.Bucket(bComments).Get([]byte(c.ID)) != nil {
			c.ID = graph.NewID()
		}
		if err := w.putComment(c); err != nil {
			return err
		}
		if err := w.putCommentRevision(c); err != nil {
			return err
		}
		out = c
		return w.record(graph.OpComment, kind, documentID, "", c.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EditComment implements graph.DiscussionStore.
func (s *Store) EditComment(ctx context.Context, id, body string, version int) (*graph.Comment, error) {
	var out *graph.Comment
	err := s.update(ctx, func(w *writer) error {
		if err := graph.RequireCommentChanger(w.v); err != nil {
			return err
		}
		c, _, err := w.readableComment(id)
		if err != nil {
			return err
		}
		if err := graph.EditComment(w.v, c, body, version, w.now); err != nil {
			return err
		}
		if err := w.putComment(c); err != nil {
			return err
		}
		if err := w.putCommentRevision(c); err != nil {
			return err
		}
		out = c
		return w.record(graph.OpComment, c.DocumentKind, c.DocumentID, "", c.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteComment implements graph.DiscussionStore.
func (s *Store) DeleteComment(ctx context.Context, id string) (*graph.Comment, error) {
	var out *graph.Comment
	err := s.update(ctx, func(w *writer) error {
		if err := graph.RequireCommentChanger(w.v); err != nil {
			return err
		}
		c, all, err := w.readableComment(id)
		if err != nil {
			return err
		}
		keep, err := graph.DeleteComment(w.v, c, all, w.now)
		if err != nil {
			return err
		}
		if err := deletePrefix(w.tx.Bucket(bCommentRevs), idPrefix(id)); err != nil {
			return err
		}
		if keep {
			if err := w.putComment(c); err != nil {
				return err
			}
		} else {
			if err := w.tx.Bucket(bComments).Delete([]byte(id)); err != nil {
				return err
			}
			if err := w.tx.Bucket(bDocComments).Delete([]byte(c.DocumentID + "\x00" + id)); err != nil {
				return err
			}
		}
		out = c
		return w.record(graph.OpComment, c.DocumentKind, c.DocumentID, "", c.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Comment implements graph.DiscussionStore.
func (s *Store) Comment(ctx context.Context, id string) (*graph.Comment, error) {
	var out *graph.Comment
	err := s.view(ctx, func(r *reader) (err error) {
		out, _, err = r.readableComment(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Comments implements graph.DiscussionStore.
func (s *Store) Comments(ctx context.Context, documentID, parentID string, p graph.Page) (*graph.Connection[*graph.Comment], error) {
	var thread []*graph.Comment
	err := s.view(ctx, func(r *reader) error {
		kind, err := r.visibleKind(documentID)
		if err != nil {
			return err
		}
		if !kind.IsDocument() {
			return graph.NotFound(documentID)
		}
		if parentID != "" {
			parent, _, err := r.readableComment(parentID)
			if err != nil {
				return err
			}
			if parent.DocumentID != documentID {
				return graph.CommentNotFound(parentID)
			}
		}
		all, err := r.commentsOf(documentID)
		if err != nil {
			return err
		}
		thread = graph.Thread(r.v, all, parentID)
		return nil
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
		if _, _, err := r.readableComment(id); err != nil {
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
func (s *Store) FlagComment(ctx context.Context, commentID, reason string) (*graph.Flag, error) {
	var out *graph.Flag
	err := s.update(ctx, func(w *writer) error {
		if err := graph.RequireFlagger(w.v); err != nil {
			return err
		}
		if err := graph.CheckFlagReason(reason); err != nil {
			return err
		}
		c, _, err := w.readableComment(commentID)
		if err != nil {
			return err
		}
		flags, err := w.flagsOf(c.DocumentID)
		if err != nil {
			return err
		}
		if err := graph.CheckNewFlag(flags, w.v.ContributorID, c.ID, commentID); err != nil {
			return err
		}
		id := graph.NewID()
		for w.tx.Bucket(bFlags).Get([]byte(id)) != nil {
			id = graph.NewID()
		}
		out = &graph.Flag{ID: id, DocumentID: c.DocumentID, DocumentKind: c.DocumentKind, CommentID: c.ID,
			FlaggerID: w.v.ContributorID, Reason: reason, Status: graph.FlagOpen, CreatedAt: w.now}
		if err := w.putFlag(out); err != nil {
			return err
		}
		return w.record(graph.OpComment, c.DocumentKind, c.DocumentID, "", c.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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
