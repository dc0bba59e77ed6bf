package graph

import (
	"fmt"
	"time"
)

// The moderation operations, once for every store, over each store's
// records (see comment_tx.go for why the sequence lives here).

// FlagWrites are the flag records both flag operations write.
type FlagWrites interface {
	// OpenFlags are a document's flags, OPEN ones at least.
	OpenFlags(documentID string) ([]*Flag, error)
	// CreateFlag stores a new flag, giving it its id.
	CreateFlag(f *Flag) error
}

// ModerationWrites are the reads and writes of flags and hidden states
// inside one store transaction.
type ModerationWrites interface {
	FlagWrites
	// VisibleKind is the kind of a node the viewer may see, NOT_FOUND
	// (Document's message) otherwise.
	VisibleKind(id string) (Kind, error)
	// StoredFlag is a flag as stored; nil when there is none.
	StoredFlag(id string) (*Flag, error)
	// UpdateFlag replaces a stored flag.
	UpdateFlag(f *Flag) error
	// StoredDocument is a document with its Hidden state as a curator
	// reads it (only curators' operations ask); nil when there is none.
	StoredDocument(id string) (*Document, error)
	// SetDocumentHidden hides or shows d and sets d.Hidden.
	SetDocumentHidden(d *Document, hidden bool) error
	// SetCommentHidden hides or shows a stored comment.
	SetCommentHidden(commentID string, hidden bool) error
	// RecordChange appends one change of the sequence.
	RecordChange(op ChangeOp, kind Kind, id, otherID string) error
}

// FlagDocument is ModerationStore.FlagDocument inside a store
// transaction.
func FlagDocument(ws ModerationWrites, v Viewer, now time.Time, documentID, reason string) (*Flag, error) {
	if err := RequireFlagger(v); err != nil {
		return nil, err
	}
	if err := CheckFlagReason(reason); err != nil {
		return nil, err
	}
	kind, err := ws.VisibleKind(documentID)
	if err != nil {
		return nil, err
	}
	if !kind.IsDocument() {
		return nil, NotFound(documentID)
	}
	open, err := ws.OpenFlags(documentID)
	if err != nil {
		return nil, err
	}
	if err := CheckNewFlag(open, v.ContributorID, "", documentID); err != nil {
		return nil, err
	}
	f := &Flag{DocumentID: documentID, DocumentKind: kind, FlaggerID: v.ContributorID,
		Reason: reason, Status: FlagOpen, CreatedAt: now}
	if err := ws.CreateFlag(f); err != nil {
		return nil, err
	}
	return f, ws.RecordChange(OpUpdate, kind, documentID, "")
}

// ResolveFlag is ModerationStore.ResolveFlag inside a store transaction:
// the decision on a comment's flag hides or shows the comment, on a
// document's the document.
func ResolveFlag(ws ModerationWrites, v Viewer, now time.Time, flagID string, decision FlagDecision, note string) (*Flag, error) {
	if err := RequireCurator(v); err != nil {
		return nil, err
	}
	if err := CheckResolution(decision, note); err != nil {
		return nil, err
	}
	f, err := ws.StoredFlag(flagID)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, Errorf(ENOTFOUND, "no flag with id %q", flagID)
	}
	if f.Status != FlagOpen {
		return nil, Errorf(ECONFLICT, "flag %q is already resolved", flagID)
	}
	at := now
	f.Status, f.Decision, f.Note, f.ResolverID, f.ResolvedAt = FlagResolved, decision, note, v.ContributorID, &at
	if err := ws.UpdateFlag(f); err != nil {
		return nil, err
	}
	hide := decision == DecisionHide
	if f.CommentID != "" {
		if err := ws.SetCommentHidden(f.CommentID, hide); err != nil {
			return nil, err
		}
		return f, ws.RecordChange(OpComment, f.DocumentKind, f.DocumentID, f.CommentID)
	}
	d, err := ws.StoredDocument(f.DocumentID)
	if err != nil {
		return nil, err
	}
	if d == nil {
		// Deleting a document deletes its flags: a flag without one is a
		// broken store, not a user's mistake.
		return nil, fmt.Errorf("flag %s: document %s is gone", flagID, f.DocumentID)
	}
	if d.Hidden != hide {
		if err := ws.SetDocumentHidden(d, hide); err != nil {
			return nil, err
		}
	}
	return f, ws.RecordChange(OpUpdate, d.Kind, d.ID, "")
}

// SetHidden is ModerationStore.SetHidden inside a store transaction:
// setting the state a document already has changes nothing.
func SetHidden(ws ModerationWrites, v Viewer, documentID string, hidden bool) (*Document, error) {
	if err := RequireCurator(v); err != nil {
		return nil, err
	}
	d, err := ws.StoredDocument(documentID)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, NotFound(documentID)
	}
	if d.Hidden == hidden {
		return d, nil
	}
	if err := ws.SetDocumentHidden(d, hidden); err != nil {
		return nil, err
	}
	return d, ws.RecordChange(OpUpdate, d.Kind, d.ID, "")
}
