package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// Discussions mirror the embedded store's, check for check and in the
// same order. Comments are (:Comment) nodes and their bodies
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

// readableComment is the embedded store's: the comment with its Replies
// counted, or CommentNotFound; all is the document's discussion.
func (r *reader) readableComment(id string) (*graph.Comment, []*graph.Comment, error) {
	c, err := r.comment(id)
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
	all, err := r.comments(commentsOf, map[string]any{"documentId": c.DocumentID})
	if err != nil {
		return nil, nil, err
	}
	for _, x := range graph.Thread(r.v, all, c.ParentID) {
		if x.ID == id {
			return x, all, nil
		}
	}
	return nil, nil, graph.CommentNotFound(id)
}

func (w *writer) putComment(c *graph.Comment, create bool) error {
	cypher, params := updateComment, map[string]any{"id": c.ID, "props": map[string]any(commentProps(c))}
	if create {
		cypher, params = createComment, map[string]any{"props": map[string]any(commentProps(c))}
	}
	_, err := w.run(cypher, params)
	return err
}

func (w *writer) putCommentRevision(c *graph.Comment) error {
	rev := &graph.CommentRevision{CommentID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Body: c.Body,
		EditorID: w.v.ContributorID, At: w.now}
	_, err := w.run(createCommentRevision, map[string]any{"props": map[string]any(commentRevisionProps(rev))})
	return err
}

// AddComment implements graph.DiscussionStore.
func (s *Store) AddComment(ctx context.Context, documentID, replyTo, body string) (*graph.Comment, error) {
	var out *graph.Comment
	err := s.update(ctx, func(w *writer) error {
		out = nil
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
		if err := w.putComment(c, true); err != nil {
			return err
		}
		if err := w.putCommentRevision(c); err != nil {
			return err
		}
		w.record(graph.OpComment, kind, documentID, "", c.ID)
		out = c
		return nil
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
		out = nil
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
		if err := w.putComment(c, false); err != nil {
			return err
		}
		if err := w.putCommentRevision(c); err != nil {
			return err
		}
		w.record(graph.OpComment, c.DocumentKind, c.DocumentID, "", c.ID)
		out = c
		return nil
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
		out = nil
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
		if _, err := w.run(deleteCommentRevisions, map[string]any{"id": id}); err != nil {
			return err
		}
		if keep {
			err = w.putComment(c, false)
		} else {
			_, err = w.run(deleteComment, map[string]any{"id": id})
		}
		if err != nil {
			return err
		}
		w.record(graph.OpComment, c.DocumentKind, c.DocumentID, "", c.ID)
		out = c
		return nil
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
		thread = nil
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
		all, err := r.comments(commentsOf, map[string]any{"documentId": documentID})
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
		revs = nil
		if _, _, err := r.readableComment(id); err != nil {
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
func (s *Store) FlagComment(ctx context.Context, commentID, reason string) (*graph.Flag, error) {
	var out *graph.Flag
	err := s.update(ctx, func(w *writer) error {
		out = nil
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
		flags, err := w.flags(c.DocumentID, graph.FlagOpen)
		if err != nil {
			return err
		}
		if err := graph.CheckNewFlag(flags, w.v.ContributorID, c.ID, commentID); err != nil {
			return err
		}
		f := &graph.Flag{ID: graph.NewID(), DocumentID: c.DocumentID, DocumentKind: c.DocumentKind, CommentID: c.ID,
			FlaggerID: w.v.ContributorID, Reason: reason, Status: graph.FlagOpen, CreatedAt: w.now}
		if _, err := w.run(createFlag, map[string]any{"props": map[string]any(flagProps(f))}); err != nil {
			return err
		}
		w.record(graph.OpComment, c.DocumentKind, c.DocumentID, "", c.ID)
		out = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
