package graph

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Moderation: anyone signed in may flag a document; curators see the
// flags, resolve them, and may hide a document pending review. A hidden
// document behaves as PRIVATE to everyone but its authors and curators
// (see Viewer.CanRead); its own visibility is kept and applies again once
// it is shown.

// FlagStatus is where a flag stands.
type FlagStatus string

const (
	FlagOpen     FlagStatus = "OPEN"
	FlagResolved FlagStatus = "RESOLVED"
)

// FlagDecision is how a curator resolved a flag.
type FlagDecision string

const (
	// DecisionKeep: the document is fine; it is shown again if hidden.
	DecisionKeep FlagDecision = "KEEP"
	// DecisionHide: the document is hidden (stays hidden if it was).
	DecisionHide FlagDecision = "HIDE"
)

// Valid reports whether d is a known decision.
func (d FlagDecision) Valid() bool { return d == DecisionKeep || d == DecisionHide }

// Limits on moderation texts.
const (
	MaxReasonLen = 2000
	MaxNoteLen   = 2000
)

// Flag is one contributor's report about one document.
type Flag struct {
	ID           string
	DocumentID   string
	DocumentKind Kind
	// CommentID, when set, is the comment of DocumentID the flag is about
	// (DiscussionStore.FlagComment): resolving it hides or shows the
	// comment, not the document.
	CommentID  string
	FlaggerID  string // the contributor who flagged
	Reason     string
	Status     FlagStatus
	Decision   FlagDecision // once resolved
	Note       string       // the curator's note, once resolved
	ResolverID string       // the curator's contributor, if any
	CreatedAt  time.Time
	ResolvedAt *time.Time
}

// Cursor orders flags newest first (with Paginate's desc), ties by id.
func (f *Flag) Cursor() Cursor { return Cursor{Key: TimeKey(f.CreatedAt), ID: f.ID} }

// FlagFilter narrows the moderation queue; empty fields do not filter.
type FlagFilter struct {
	Status     FlagStatus
	DocumentID string
}

// CheckFlagQueue is the rule of ModerationStore.Flags in every store:
// curators, admins and the system read the queue (RequireCurator), by a
// known status or none.
func CheckFlagQueue(v Viewer, f FlagFilter) error {
	if err := RequireCurator(v); err != nil {
		return err
	}
	if f.Status != "" && f.Status != FlagOpen && f.Status != FlagResolved {
		return Errorf(EINVALID, "status must be OPEN or RESOLVED")
	}
	return nil
}

// CheckFlagReason validates what a flagger writes.
func CheckFlagReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return Errorf(EINVALID, "say why you flag this document: the reason must not be empty")
	}
	return checkModerationText("reason", reason, MaxReasonLen)
}

// CheckResolution validates a curator's decision and note.
func CheckResolution(d FlagDecision, note string) error {
	if !d.Valid() {
		return Errorf(EINVALID, "decision must be KEEP or HIDE")
	}
	return checkModerationText("note", note, MaxNoteLen)
}

func checkModerationText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "%s is not valid UTF-8", field)
	}
	if len(s) > max {
		return Errorf(EINVALID, "%s is too long: %d bytes, at most %d", field, len(s), max)
	}
	return nil
}

// RequireFlagger is who may flag: a signed-in viewer who speaks for a
// contributor, since a flag names its flagger (one open flag each).
func RequireFlagger(v Viewer) error {
	switch {
	case !v.SignedIn():
		return Errorf(EUNAUTHENTICATED, "sign in to flag a document")
	case v.ContributorID == "":
		return Errorf(EFORBIDDEN, "your token does not speak for a contributor: it cannot flag documents")
	}
	return nil
}

// ModerationStore holds flags and the hidden state of documents. Every
// write appends an UPDATE change for the document concerned, so that a
// search index follows a document being hidden or shown.
type ModerationStore interface {
	// FlagDocument records the viewer's flag on a document they may read
	// (NOT_FOUND otherwise, exactly as Document). RequireFlagger applies;
	// the reason is checked by CheckFlagReason. A second flag by the same
	// contributor on the same document while the first is OPEN is a
	// CONFLICT.
	FlagDocument(ctx context.Context, documentID, reason string) (*Flag, error)
	// Flags returns one page of the flags matching f, newest first, for
	// curators (RequireCurator).
	Flags(ctx context.Context, f FlagFilter, p Page) (*Connection[*Flag], error)
	// ResolveFlag closes an OPEN flag with a decision and a note, for
	// curators: HIDE hides the document, KEEP shows it again. NOT_FOUND for
	// an unknown flag, CONFLICT for one already resolved.
	ResolveFlag(ctx context.Context, flagID string, decision FlagDecision, note string) (*Flag, error)
	// SetHidden hides a document pending review, or shows it again, for
	// curators; NOT_FOUND for a missing document. Setting the state it
	// already has changes nothing and appends no change.
	SetHidden(ctx context.Context, documentID string, hidden bool) (*Document, error)
}

// CheckNewFlag is the rule of a second flag, in every store: one OPEN flag
// per contributor on each document, and on each comment (CONFLICT).
// flags are the document's; target names what is flagged in the message.
func CheckNewFlag(flags []*Flag, flaggerID, commentID, target string) error {
	for _, f := range flags {
		if f.Status == FlagOpen && f.FlaggerID == flaggerID && f.CommentID == commentID {
			return Errorf(ECONFLICT, "you have already flagged %q: a curator will review it", target)
		}
	}
	return nil
}
