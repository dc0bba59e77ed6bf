package graph

import (
	"cmp"
	"context"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Media is an uploaded file (audio, video, image or drawing, PDF) as the
// graph knows it: the content lives in a blob store under its SHA-256;
// this record says what the file is, what it shows or says (title, alt
// text, description, transcript cues) and who may read it.
//
// A media is a record of its own rather than a fourth document kind: it
// has no body, slug, revisions, links or carnet of its own, and the most
// common case, a recording or a drawing beside a note, must read exactly
// as that note does. A media attached to a document (DocumentID) has no
// visibility of its own: it is readable by whoever may read the document,
// decided in the same store read; when the document is deleted its media
// go with it. A media standing alone is PUBLIC or PRIVATE (its uploader,
// curators and admins), since it is tied to no community.
type Media struct {
	ID string
	// DocumentID is the document the media is attached to; empty when it
	// stands alone.
	DocumentID string
	SHA256     string
	Size       int64
	// MIME is the type read from the content at upload, never the one a
	// client declared.
	MIME   string
	Format MediaFormat
	Title  string
	// Alt is the short text that stands for an image for readers who do
	// not see it; Description is the longer account of what it shows or
	// says.
	Alt         string
	Description string
	Language    string
	// Visibility is a standing-alone media's own; empty for an attached
	// one (it reads as its document).
	Visibility Visibility
	UploaderID string
	Cues       []MediaCue
	// Text is what search reads in the file itself: a PDF's text, as
	// extracted at upload. It is indexed, never shown as the file.
	Text      string
	CreatedAt time.Time
}

// MediaCue is one timed piece of a transcript or caption file.
type MediaCue struct {
	Start, End time.Duration
	Speaker    string
	Text       string
}

// MediaFormat is what a reader does with the file: it is the search
// facet's value too (with "text" for documents).
type MediaFormat string

const (
	MediaAudio MediaFormat = "audio"
	MediaVideo MediaFormat = "video"
	MediaImage MediaFormat = "image"
	MediaPDF   MediaFormat = "pdf"
)

// Valid reports whether f is a known format.
func (f MediaFormat) Valid() bool {
	return f == MediaAudio || f == MediaVideo || f == MediaImage || f == MediaPDF
}

// Limits of a media record (the file's own size limits are the upload's).
const (
	MaxMediaAlt  = 2000
	MaxMediaCues = 50_000
	MaxCueText   = 4000
	// MaxMediaText bounds the text extracted from a file (a PDF's).
	MaxMediaText = 512 << 10
)

// Validate checks a media record before it is written.
func (m *Media) Validate() error {
	if len(m.SHA256) != 64 || strings.ToLower(m.SHA256) != m.SHA256 {
		return Errorf(EINVALID, "the media's digest must be a SHA-256 in 64 lower-case hexadecimal digits")
	}
	if _, err := hex.DecodeString(m.SHA256); err != nil {
		return Errorf(EINVALID, "the media's digest must be a SHA-256 in 64 lower-case hexadecimal digits")
	}
	if m.Size <= 0 {
		return Errorf(EINVALID, "the media's size must be positive")
	}
	if !m.Format.Valid() {
		return Errorf(EINVALID, "the media's format must be audio, video, image or pdf")
	}
	if err := firstErr(
		validateText("MIME type", m.MIME, 100, true),
		validateText("title", m.Title, MaxTitleLen, false),
		validateText("alt text", m.Alt, MaxMediaAlt, false),
		validateText("description", m.Description, MaxDescriptionLen, false),
		validateText("language", m.Language, 35, false),
	); err != nil {
		return err
	}
	if m.Text != "" && (m.Format != MediaPDF || !utf8.ValidString(m.Text) || len(m.Text) > MaxMediaText) {
		return Errorf(EINVALID, "the extracted text of a media must be a PDF's, in valid text of at most %d bytes", MaxMediaText)
	}
	if strings.ContainsAny(m.MIME, " \t\r\n;,\"") {
		return Errorf(EINVALID, "the MIME type %q is not a bare type/subtype", m.MIME)
	}
	switch {
	case m.DocumentID != "" && m.Visibility != "":
		return Errorf(EINVALID, "a media attached to a document has the document's visibility, not one of its own")
	case m.DocumentID == "" && m.Visibility != VisibilityPublic && m.Visibility != VisibilityPrivate:
		return Errorf(EINVALID, "a media standing alone is PUBLIC or PRIVATE (it is tied to no community)")
	}
	if len(m.Cues) > MaxMediaCues {
		return Errorf(EINVALID, "too many transcript cues: %d, at most %d", len(m.Cues), MaxMediaCues)
	}
	for i, c := range m.Cues {
		if c.Start < 0 || c.End < c.Start {
			return Errorf(EINVALID, "transcript cue %d ends before it starts", i+1)
		}
		if !utf8.ValidString(c.Text) || !utf8.ValidString(c.Speaker) || len(c.Text) > MaxCueText || len(c.Speaker) > MaxNameLen {
			return Errorf(EINVALID, "transcript cue %d is not valid text of at most %d bytes", i+1, MaxCueText)
		}
	}
	return nil
}

// StandaloneAccess is what a standing-alone media's visibility depends on,
// for Viewer.CanRead: its own visibility and its uploader, who is to it
// what an author is to a document.
func (m *Media) StandaloneAccess() DocumentAccess {
	var authors []string
	if m.UploaderID != "" {
		authors = []string{m.UploaderID}
	}
	return DocumentAccess{Visibility: m.Visibility, AuthorIDs: authors}
}

// MediaRules is the rule of CreateMedia in every store, before the store
// looks at the document: a signed-in viewer whose token speaks for a
// contributor (or a curator), and a valid record. It fills the uploader.
func MediaRules(v Viewer, m *Media) error {
	if err := RequireWriter(v); err != nil {
		return err
	}
	if !v.CanCreateDocument() {
		return Errorf(EFORBIDDEN, "your token does not speak for a contributor: it cannot upload media")
	}
	m.UploaderID = v.ContributorID
	if m.DocumentID != "" {
		m.Visibility = ""
	}
	return m.Validate()
}

// CanDeleteMedia reports whether v may delete a media: its uploader,
// curators, and whoever may edit the document it is attached to
// (documentAuthors, nil for a standing-alone media).
func (v Viewer) CanDeleteMedia(m *Media, documentAuthors []string) bool {
	if v.IsCurator() || (v.ContributorID != "" && v.ContributorID == m.UploaderID) {
		return true
	}
	return m.DocumentID != "" && v.CanEditDocument(documentAuthors)
}

// MediaStore holds media records (the bytes are in a blob store). Every
// read decides visibility as the store reads the record: an attached
// media by its document's visibility, a standing-alone one by its own;
// a media the viewer may not read behaves exactly as a missing one.
// Creating or deleting an attached media appends an UPDATE of its
// document to the change sequence (its searchable text changed); a
// standing-alone media is in no change entry.
type MediaStore interface {
	// CreateMedia writes m with a new id and returns it. The viewer must
	// be signed in and speak for a contributor (UNAUTHENTICATED,
	// FORBIDDEN); m must be valid (BAD_USER_INPUT). To attach it, the
	// document m.DocumentID must be readable (NOT_FOUND otherwise, with
	// the message an unknown id gets) and the viewer must be allowed to
	// edit it (FORBIDDEN). ID, UploaderID and CreatedAt are set by the
	// store.
	CreateMedia(ctx context.Context, m Media) (*Media, error)
	// Media returns a media the viewer may read, or NOT_FOUND.
	Media(ctx context.Context, id string) (*Media, error)
	// MediaOf returns, for each readable document of ids, its attached
	// media in creation order (ties by id); unreadable and missing ids
	// get none.
	MediaOf(ctx context.Context, documentIDs []string) (map[string][]*Media, error)
	// ScanMedia returns, in id order, up to limit of the media the viewer
	// may read whose id sorts after after ("" starts at the first),
	// attached and standing-alone alike: a walk over every media whose
	// pages cost the same however many there are (a dump reads them
	// so). limit must be positive (BAD_USER_INPUT otherwise).
	ScanMedia(ctx context.Context, after string, limit int) ([]*Media, error)
	// DeleteMedia removes a media record: its uploader, curators and the
	// editors of its document may (FORBIDDEN otherwise); an unreadable
	// one is NOT_FOUND. The blob stays (another media may hold the same
	// content).
	DeleteMedia(ctx context.Context, id string) error
}

// SortMedia orders media as MediaOf returns them.
func SortMedia(ms []*Media) {
	slices.SortFunc(ms, func(a, b *Media) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
}
