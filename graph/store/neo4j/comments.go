package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// Discussions: graph's rules (graph/comment_tx.go) over these records.
// Comments are (:Comment) nodes and their bodies
// (:CommentRevision) nodes, naming their document by id as flags do; a
// discussion is read whole and threaded by graph.Thread.

func commentProps(c *graph.Comment) props {
	return props{"id": c.ID, "documentId": c.DocumentID, "documentKind": string(c.DocumentKind),
		"parentId": c.ParentID, "depth": int64(c.Depth), "authorId": c.AuthorID, "body": c.Body,
		"createdAt": c.CreatedAt.UTC(), "updatedAt": c.UpdatedAt.UTC(), "version": int64(c.Version),
		"deleted": c.Deleted, "hidden": c.Hidden}
}

func decodeComment(v any) (*graph.Comment, error) {
	x := newDecoder(v)
	c := &graph.Comment{ID: x.str("id"), DocumentID: x.str("documentId"), DocumentKind: graph.Kind(x.str("documentKind")),
		ParentID: x.str("parentId"), Depth: int(x.int("depth")), AuthorID: x.str("authorId"), Body: x.str("body"),
		CreatedAt: x.time("createdAt"), UpdatedAt: x.time("updatedAt"), Version: int(x.int("version")),
		Deleted: x.bool("deleted"), Hidden: x.bool("hidden")}
	return c, x.done("comment " + c.ID)
}

func commentRevisionProps(r *graph.CommentRevision) props {
	return props{"commentId": r.CommentID, "documentId": r.DocumentID, "version": int64(r.Version), "body": r.Body,
		"editorId": r.EditorID, "at": r.At.UTC()}
}

func decodeCommentRevision(v any) (*graph.CommentRevision, error) {
	x := newDecoder(v)
	r := &graph.CommentRevision{CommentID: x.str("commentId"), DocumentID: x.str("documentId"), Version: int(x.int("version")),
		Body: x.str("body"), EditorID: x.str("editorId"), At: x.time("at")}
	return r, x.done("revision of comment " + r.CommentID)
}

func (r *reader) comments(cypher string, params map[string]any) ([]*graph.Comment, error) {
	recs, err := r.run(cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]*graph.Comment, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get("comment")
		c, err := decodeComment(v)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (r *reader) comment(id string) (*graph.Comment, error) {
	if id == "" {
		return nil, nil
	}
	cs, err := r.comments(commentByID, map[string]any{"id": id})
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return cs[0], nil
}

func (w *writer) putComment(c *graph.Comment, create bool) error {
	cypher, params := updateComment, map[string]any{"id": c.ID, "props": map[string]any(commentProps(c))}
	if create {
		cypher, params = createComment, map[string]any{"props": map[string]any(commentProps(c))}
	}
	_, err := w.run(cypher, params)
	return err
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
	return c.r.comments(commentsOf, map[string]any{"documentId": docID})
}

// commentWrites gives them the writes of one write transaction.
type commentWrites struct {
	commentRecords
	w *writer
}

func (w *writer) discussion() commentWrites { return commentWrites{commentRecords{w.reader}, w} }

func (c commentWrites) CreateComment(x *graph.Comment) error {
	x.ID = graph.NewID()
	return c.w.putComment(x, true)
}

func (c commentWrites) UpdateComment(x *graph.Comment) error { return c.w.putComment(x, false) }

func (c commentWrites) RemoveComment(x *graph.Comment) error {
	_, err := c.w.run(deleteComment, map[string]any{"id": x.ID})
	return err
}

func (c commentWrites) AddCommentRevision(rev *graph.CommentRevision) error {
	_, err := c.w.run(createCommentRevision, map[string]any{"props": map[string]any(commentRevisionProps(rev))})
	return err
}

func (c commentWrites) RemoveCommentRevisions(id string) error {
	_, err := c.w.run(deleteCommentRevisions, map[string]any{"id": id})
	return err
}

func (c commentWrites) OpenFlags(docID string) ([]*graph.Flag, error) {
	return moderation{c.w}.OpenFlags(docID)
}
func (c commentWrites) CreateFlag(f *graph.Flag) error { return moderation{c.w}.CreateFlag(f) }

func (c commentWrites) RecordComment(x *graph.Comment) error {
	c.w.record(graph.OpComment, x.DocumentKind, x.DocumentID, "", x.ID)
	return nil
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
		revs = nil
		if _, _, err := graph.ReadableComment(commentRecords{r}, r.v, id); err != nil {
			return err
		}
		recs, err := r.run(commentRevisions, map[string]any{"id": id})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			v, _ := rec.Get("revision")
			rev, err := decodeCommentRevision(v)
			if err != nil {
				return err
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
