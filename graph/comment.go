package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Discussions: beside every document, threaded comments written by
// signed-in contributors who may read the document. A comment is readable
// exactly when its document is (a hidden document's comments do not exist
// for the viewer: NOT_FOUND, absent from counts), and, once a curator hid
// it, only by curators. The rules below are the only place they are
// written; both stores call them.

// Limits of discussions.
const (
	// MaxCommentLen bounds a comment's Markdown body, in bytes.
	MaxCommentLen = 10_000
	// MaxCommentDepth is the deepest a reply sits (a thread's first comment
	// is at depth 0). Threads are flattened past it, not refused: a reply
	// to a comment at MaxCommentDepth becomes that comment's sibling, so
	// that a long exchange stays readable on a phone and nobody is told
	// "you may not reply".
	MaxCommentDepth = 3
)

// DeletedCommentBody is what the explorer shows in place of a deleted
// comment that keeps its place because it has replies.
const DeletedCommentBody = "[supprimé]"

// Comment is one message of the discussion beside a document.
type Comment struct {
	ID           string
	DocumentID   string
	DocumentKind Kind
	// ParentID is the comment this one replies to; empty for the first
	// comment of a thread.
	ParentID string
	// Depth is 0 for the first comment of a thread, at most
	// MaxCommentDepth.
	Depth int
	// AuthorID is the contributor who wrote it; empty once deleted.
	AuthorID string
	// Body is Markdown; empty once deleted.
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version counts the bodies the comment had: 1 when written, +1 per
	// edit. Edits name the version they change (CONFLICT on a stale one).
	Version int
	// Deleted: the comment was deleted but has replies, which keep their
	// place in the thread under a "[supprimé]" stand-in without body or
	// author. A deleted comment without replies is gone altogether.
	Deleted bool
	// Hidden by a curator (a flag resolved HIDE): readable by curators
	// only.
	Hidden bool
	// ReplyCount is the number of direct replies the viewer may read,
	// computed when read (never stored).
	ReplyCount int
}

// Cursor orders comments oldest first, ties by id: a discussion reads
// from the top.
func (c *Comment) Cursor() Cursor { return Cursor{Key: TimeKey(c.CreatedAt), ID: c.ID} }

// CommentRevision is one body a comment had.
type CommentRevision struct {
	CommentID  string
	DocumentID string
	Version    int
	Body       string
	// EditorID is the contributor who wrote this version: the author, or
	// the curator who edited it.
	EditorID string
	At       time.Time
}

// Cursor orders revisions newest first (with Paginate's desc).
func (r *CommentRevision) Cursor() Cursor {
	return Cursor{Key: fmt.Sprintf("%010d", r.Version), ID: r.CommentID}
}

// RequireCommenter is who may write in a discussion: a signed-in viewer
// whose token speaks for a contributor, since a comment names its author.
func RequireCommenter(v Viewer) error {
	switch {
	case !v.SignedIn():
		return Errorf(EUNAUTHENTICATED, "sign in to take part in a discussion")
	case v.ContributorID == "":
		return Errorf(EFORBIDDEN, "your token does not speak for a contributor: it cannot write comments")
	}
	return nil
}

// CheckCommentBody validates a comment's Markdown: not blank, valid UTF-8,
// at most MaxCommentLen bytes, no control characters but line breaks and
// tabs.
func CheckCommentBody(body string) error {
	if !utf8.ValidString(body) {
		return Errorf(EINVALID, "the comment is not valid UTF-8")
	}
	if strings.TrimSpace(body) == "" {
		return Errorf(EINVALID, "the comment is empty: write something")
	}
	if len(body) > MaxCommentLen {
		return Errorf(EINVALID, "the comment is too long: %d bytes, at most %d", len(body), MaxCommentLen)
	}
	for _, r := range body {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return Errorf(EINVALID, "the comment holds a control character (%U)", r)
		}
	}
	return nil
}

// CommentNotFound is the one message for a missing comment, a hidden one
// and one on a document the viewer may not read.
func CommentNotFound(id string) *Error {
	return Errorf(ENOTFOUND, "no comment with id %q", id)
}

// CanReadComment is the comment rule, for a comment of a document the
// viewer may read: hidden comments are for curators.
func (v Viewer) CanReadComment(c *Comment) bool {
	return c != nil && (!c.Hidden || v.IsCurator())
}

// checkNewComment is AddComment's rule before anything is read: a
// commenter, a valid body.
func checkNewComment(v Viewer, body string) error {
	if err := RequireCommenter(v); err != nil {
		return err
	}
	return CheckCommentBody(body)
}

// newComment is v's comment on a document of kind the viewer may read
// (a kind that is no document is NOT_FOUND, like an unknown id), written
// at now, version 1, as the first of a thread: a reply takes its place
// from replyPlace. The store gives it an id.
func newComment(v Viewer, documentID string, kind Kind, body string, now time.Time) (*Comment, error) {
	if !kind.IsDocument() {
		return nil, NotFound(documentID)
	}
	return &Comment{DocumentID: documentID, DocumentKind: kind, AuthorID: v.ContributorID, Body: body,
		CreatedAt: now, UpdatedAt: now, Version: 1}, nil
}

// requireCommentChanger is the rule of edits and deletes before
// the comment is read: a commenter or a curator, so that a reader who may
// change no comment hears why rather than NOT_FOUND.
func requireCommentChanger(v Viewer) error {
	if err := RequireCommenter(v); err != nil && !v.IsCurator() {
		return err
	}
	return nil
}

// applyCommentEdit checks that v may give c (read by v) this body, at the
// version v read, and applies the edit at now: a new version.
func applyCommentEdit(v Viewer, c *Comment, body string, version int, now time.Time) error {
	if err := CheckCommentEdit(v, c); err != nil {
		return err
	}
	if err := CheckCommentBody(body); err != nil {
		return err
	}
	if version != c.Version {
		return Errorf(ECONFLICT, "comment %q is at version %d, not %d: read it again and reapply your change",
			c.ID, c.Version, version)
	}
	c.Body, c.Version, c.UpdatedAt = body, c.Version+1, now
	return nil
}

// applyCommentDelete checks that v may delete c (read by v, with all the
// comments of its document) and marks it deleted at now, without body or
// author. keep says whether it stays as a stand-in (some reply to it
// does) or goes altogether.
func applyCommentDelete(v Viewer, c *Comment, all []*Comment, now time.Time) (keep bool, err error) {
	if err := CheckCommentEdit(v, c); err != nil {
		return false, err
	}
	for _, x := range all {
		keep = keep || x.ParentID == c.ID
	}
	c.Deleted, c.Body, c.AuthorID, c.UpdatedAt = true, "", "", now
	return keep, nil
}

// CheckCommentEdit is who may edit or delete a comment the viewer may read:
// its author and curators (FORBIDDEN otherwise). A deleted comment is
// NOT_FOUND to edits, as it is to a second delete.
func CheckCommentEdit(v Viewer, c *Comment) error {
	if err := RequireCommenter(v); err != nil && !v.IsCurator() {
		return err
	}
	if c.Deleted {
		return CommentNotFound(c.ID)
	}
	if !v.IsCurator() && c.AuthorID != v.ContributorID {
		return Errorf(EFORBIDDEN, "only the author of a comment and curators may change it")
	}
	return nil
}

// replyPlace returns where a reply to parent goes: under parent, or,
// past MaxCommentDepth, beside it (flattened). The parent must be a
// readable comment of the same document (NOT_FOUND otherwise, like an
// unknown id) and not deleted (CONFLICT: nobody is left to answer).
func replyPlace(v Viewer, documentID string, parent *Comment, parentID string) (string, int, error) {
	if parent == nil || parent.DocumentID != documentID || !v.CanReadComment(parent) {
		return "", 0, CommentNotFound(parentID)
	}
	if parent.Deleted {
		return "", 0, Errorf(ECONFLICT, "comment %q was deleted: reply to the thread or to another comment", parentID)
	}
	if parent.Depth >= MaxCommentDepth {
		return parent.ParentID, parent.Depth, nil
	}
	return parent.ID, parent.Depth + 1, nil
}

// threadOf returns, oldest first, the comments of a discussion the viewer
// may read that reply to parentID ("" for the first comments of threads),
// each with its ReplyCount, from all the comments of one document.
// A deleted comment is listed only while some reply to it is: a stand-in
// for nothing would be noise.
func threadOf(v Viewer, all []*Comment, parentID string) []*Comment {
	replies := map[string]int{}
	readable := make([]*Comment, 0, len(all))
	for _, c := range all {
		if v.CanReadComment(c) {
			readable = append(readable, c)
		}
	}
	// Depth-first from the leaves: a deleted comment counts as a reply
	// only if it is itself listed, so count deepest first.
	for depth := MaxCommentDepth; depth >= 0; depth-- {
		for _, c := range readable {
			if c.Depth == depth && c.ParentID != "" && (!c.Deleted || replies[c.ID] > 0) {
				replies[c.ParentID]++
			}
		}
	}
	var out []*Comment
	for _, c := range readable {
		if c.ParentID != parentID || (c.Deleted && replies[c.ID] == 0) {
			continue
		}
		x := *c
		x.ReplyCount = replies[c.ID]
		if x.Deleted {
			x.Body, x.AuthorID = "", ""
		}
		out = append(out, &x)
	}
	return out
}

// CommenterTakesPart is the rule of comments in coverage ("who takes
// part"), in every store: beside a document's authors, the authors of its
// comments (neither deleted nor hidden) count, but only those who declare
// some value PUBLIC or AGGREGATE (counted, the declarations a store passes
// here). A commenter whose standpoints are all PRIVATE, or who declares
// none, never chose to be counted: they are not, so their comment changes
// no count, the scope a release is keyed on neither.
func CommenterTakesPart(counted []Declaration) bool {
	for _, d := range counted {
		if d.Visibility == DeclPublic || d.Visibility == DeclAggregate {
			return true
		}
	}
	return false
}

// CommentTakesPart reports whether a comment's author may count through
// it (CommenterTakesPart decides whether they do).
func CommentTakesPart(c *Comment) bool { return !c.Deleted && !c.Hidden && c.AuthorID != "" }

// Discussion is one document's discussion as a store holds it.
type Discussion struct {
	// Comments come in creation order, ties by id: every reply after the
	// comment it answers.
	Comments []*Comment
	// Revisions are the comments' bodies, in the comments' order, each
	// comment's oldest first.
	Revisions []*CommentRevision
}

// SortDiscussion puts d in the order Discussions returns.
func SortDiscussion(d *Discussion) {
	at := map[string]int{}
	slices.SortFunc(d.Comments, func(a, b *Comment) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	for i, c := range d.Comments {
		at[c.ID] = i
	}
	slices.SortFunc(d.Revisions, func(a, b *CommentRevision) int {
		return cmp.Or(cmp.Compare(at[a.CommentID], at[b.CommentID]), cmp.Compare(a.Version, b.Version))
	})
}

// DiscussionStore holds the discussions beside documents. Every write
// appends a COMMENT change naming the document (and the comment as
// OtherID), which live subscriptions follow; the search index ignores it.
type DiscussionStore interface {
	// AddComment writes a comment on a document the viewer may read
	// (NOT_FOUND otherwise, with Document's message), as a reply to
	// replyTo when it is not empty (past MaxCommentDepth, beside it). RequireCommenter and
	// CheckCommentBody apply.
	AddComment(ctx context.Context, documentID, replyTo, body string) (*Comment, error)
	// EditComment replaces a comment's body if version is its current
	// version (CONFLICT otherwise, nothing changed), keeping the former
	// body as a revision. CheckCommentEdit and CheckCommentBody apply.
	EditComment(ctx context.Context, id, body string, version int) (*Comment, error)
	// DeleteComment deletes a comment, with CheckCommentEdit's rights: one
	// without replies is gone, revisions included; one with replies stays
	// as a stand-in (Deleted, without body, author or revisions). It
	// returns what remains, Deleted either way.
	DeleteComment(ctx context.Context, id string) (*Comment, error)
	// Comment returns a comment the viewer may read (CommentNotFound
	// otherwise, whether the comment, its document or its readability is
	// what is missing), with its ReplyCount.
	Comment(ctx context.Context, id string) (*Comment, error)
	// Comments returns one page of the thread (viewer, the document's comments,
	// parentID). A document the viewer may not read is NOT_FOUND as in
	// Document; a parentID that is not a readable comment of it,
	// CommentNotFound.
	Comments(ctx context.Context, documentID, parentID string, p Page) (*Connection[*Comment], error)
	// CommentRevisions returns one page of a readable comment's bodies,
	// newest first: whoever may read the comment may read its history.
	CommentRevisions(ctx context.Context, id string, p Page) (*Connection[*CommentRevision], error)
	// Discussions returns, for each readable document of ids that has
	// any, its whole discussion as stored: every comment the viewer may
	// read (CanReadComment), deleted stand-ins included, in creation
	// order (ties by id), without ReplyCount, and every revision of
	// them. Unreadable and missing ids get none. It is what a dump
	// carries; Comments is what a reader sees.
	Discussions(ctx context.Context, documentIDs []string) (map[string]*Discussion, error)
	// FlagComment records the viewer's flag on a comment they may read, as
	// FlagDocument does for documents (same rules, same CONFLICT for a
	// second open flag); resolving it with HIDE hides the comment, KEEP
	// shows it again.
	FlagComment(ctx context.Context, commentID, reason string) (*Flag, error)
}
