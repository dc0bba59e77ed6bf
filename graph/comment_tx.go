package graph

import "time"

// The discussion operations, once for every store. Each store gives them
// its records through CommentRecords and CommentWrites, inside one of its
// transactions; the order of the checks is itself a rule (which error a
// viewer sees tells what exists), so it lives here rather than in each
// store (issue #16: a rule changed in one store and not the other is a
// privacy bug waiting).

// CommentRecords are the reads the discussion rules make, inside one store
// transaction, as its viewer.
type CommentRecords interface {
	// VisibleKind is the kind of a node the viewer may see, NOT_FOUND
	// (Document's message) otherwise.
	VisibleKind(id string) (Kind, error)
	// StoredComment is a comment as stored, readable or not; nil when
	// there is none.
	StoredComment(id string) (*Comment, error)
	// StoredComments are every comment of one document, readable or not.
	StoredComments(documentID string) ([]*Comment, error)
}

// CommentWrites are the writes the discussion rules make, inside one
// store transaction.
type CommentWrites interface {
	CommentRecords
	FlagWrites
	// CreateComment stores a new comment, giving it its id.
	CreateComment(c *Comment) error
	// UpdateComment replaces a stored comment.
	UpdateComment(c *Comment) error
	// RemoveComment removes a comment's record; its revisions are
	// removed by RemoveCommentRevisions.
	RemoveComment(c *Comment) error
	// AddCommentRevision stores one of a comment's bodies.
	AddCommentRevision(r *CommentRevision) error
	// RemoveCommentRevisions removes every body of comment id.
	RemoveCommentRevisions(id string) error
	// RecordComment appends the COMMENT change of c's document.
	RecordComment(c *Comment) error
}

// ReadableComment returns comment id, with its ReplyCount, when v may read
// it and its document, and CommentNotFound otherwise, whichever of them is
// missing; all is the document's whole discussion.
func ReadableComment(rs CommentRecords, v Viewer, id string) (c *Comment, all []*Comment, err error) {
	c, err = rs.StoredComment(id)
	if err != nil {
		return nil, nil, err
	}
	if c == nil || !v.CanReadComment(c) {
		return nil, nil, CommentNotFound(id)
	}
	if k, err := rs.VisibleKind(c.DocumentID); err != nil {
		return nil, nil, err
	} else if !k.IsDocument() {
		return nil, nil, CommentNotFound(id)
	}
	if all, err = rs.StoredComments(c.DocumentID); err != nil {
		return nil, nil, err
	}
	for _, x := range threadOf(v, all, c.ParentID) {
		if x.ID == id {
			return x, all, nil
		}
	}
	// A deleted comment whose replies are gone is listed nowhere.
	return nil, nil, CommentNotFound(id)
}

// CommentThread is what DiscussionStore.Comments pages: the comments of
// documentID that v may read, answering parentID ("" for the first of
// each thread), each with its ReplyCount.
func CommentThread(rs CommentRecords, v Viewer, documentID, parentID string) ([]*Comment, error) {
	kind, err := rs.VisibleKind(documentID)
	if err != nil {
		return nil, err
	}
	if !kind.IsDocument() {
		return nil, NotFound(documentID)
	}
	if parentID != "" {
		parent, _, err := ReadableComment(rs, v, parentID)
		if err != nil {
			return nil, err
		}
		if parent.DocumentID != documentID {
			return nil, CommentNotFound(parentID)
		}
	}
	all, err := rs.StoredComments(documentID)
	if err != nil {
		return nil, err
	}
	return threadOf(v, all, parentID), nil
}

// AddComment is DiscussionStore.AddComment inside a store transaction.
func AddComment(ws CommentWrites, v Viewer, now time.Time, documentID, replyTo, body string) (*Comment, error) {
	if err := checkNewComment(v, body); err != nil {
		return nil, err
	}
	kind, err := ws.VisibleKind(documentID)
	if err != nil {
		return nil, err
	}
	c, err := newComment(v, documentID, kind, body, now)
	if err != nil {
		return nil, err
	}
	if replyTo != "" {
		parent, err := ws.StoredComment(replyTo)
		if err != nil {
			return nil, err
		}
		if c.ParentID, c.Depth, err = replyPlace(v, documentID, parent, replyTo); err != nil {
			return nil, err
		}
	}
	return saveVersion(ws, ws.CreateComment, c, v, now)
}

// EditComment is DiscussionStore.EditComment inside a store transaction.
func EditComment(ws CommentWrites, v Viewer, now time.Time, id, body string, version int) (*Comment, error) {
	if err := requireCommentChanger(v); err != nil {
		return nil, err
	}
	c, _, err := ReadableComment(ws, v, id)
	if err != nil {
		return nil, err
	}
	if err := applyCommentEdit(v, c, body, version, now); err != nil {
		return nil, err
	}
	return saveVersion(ws, ws.UpdateComment, c, v, now)
}

// DeleteComment is DiscussionStore.DeleteComment inside a store
// transaction.
func DeleteComment(ws CommentWrites, v Viewer, now time.Time, id string) (*Comment, error) {
	if err := requireCommentChanger(v); err != nil {
		return nil, err
	}
	c, all, err := ReadableComment(ws, v, id)
	if err != nil {
		return nil, err
	}
	keep, err := applyCommentDelete(v, c, all, now)
	if err != nil {
		return nil, err
	}
	if err := ws.RemoveCommentRevisions(id); err != nil {
		return nil, err
	}
	if keep {
		err = ws.UpdateComment(c)
	} else {
		err = ws.RemoveComment(c)
	}
	if err != nil {
		return nil, err
	}
	return c, ws.RecordComment(c)
}

// FlagComment is DiscussionStore.FlagComment inside a store transaction.
func FlagComment(ws CommentWrites, v Viewer, now time.Time, commentID, reason string) (*Flag, error) {
	if err := RequireFlagger(v); err != nil {
		return nil, err
	}
	if err := CheckFlagReason(reason); err != nil {
		return nil, err
	}
	c, _, err := ReadableComment(ws, v, commentID)
	if err != nil {
		return nil, err
	}
	flags, err := ws.OpenFlags(c.DocumentID)
	if err != nil {
		return nil, err
	}
	if err := CheckNewFlag(flags, v.ContributorID, c.ID, commentID); err != nil {
		return nil, err
	}
	f := &Flag{DocumentID: c.DocumentID, DocumentKind: c.DocumentKind, CommentID: c.ID,
		FlaggerID: v.ContributorID, Reason: reason, Status: FlagOpen, CreatedAt: now}
	if err := ws.CreateFlag(f); err != nil {
		return nil, err
	}
	return f, ws.RecordComment(c)
}

// saveVersion writes c with put (a new comment or a new version of one),
// keeps its body as the revision v wrote at now, and records the change.
func saveVersion(ws CommentWrites, put func(*Comment) error, c *Comment, v Viewer, now time.Time) (*Comment, error) {
	if err := put(c); err != nil {
		return nil, err
	}
	rev := &CommentRevision{CommentID: c.ID, DocumentID: c.DocumentID, Version: c.Version, Body: c.Body,
		EditorID: v.ContributorID, At: now}
	if err := ws.AddCommentRevision(rev); err != nil {
		return nil, err
	}
	return c, ws.RecordComment(c)
}
