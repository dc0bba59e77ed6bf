package graph

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Visibility says who may read a document.
type Visibility string

const (
	// VisibilityPublic documents are readable by anyone, anonymous included.
	VisibilityPublic Visibility = "PUBLIC"
	// VisibilityCommunity documents are readable by members of a community
	// the document is tied to (OF_COMMUNITY), and by its authors.
	VisibilityCommunity Visibility = "COMMUNITY"
	// VisibilityPrivate documents are readable by their authors only.
	VisibilityPrivate Visibility = "PRIVATE"
)

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool {
	return v == VisibilityPublic || v == VisibilityCommunity || v == VisibilityPrivate
}

// Limits on document fields. Bodies are Markdown notes, not books: 200 000
// bytes is some 30 000 words, far beyond any note of the seed platform.
const (
	MaxTitleLen   = 300
	MaxSummaryLen = 2000
	MaxBodyLen    = 200_000
	MaxAliases    = 50
	MaxAliasLen   = 200
	MaxShortLen   = 500 // website, region, sector, language, slug, definition excepted
	MaxDefinition = 5000
)

// Document is a note, a term or an organisation: everything that carries
// text, authors, visibility and revisions. Kind-specific fields are empty on
// the other kinds.
type Document struct {
	ID         string
	Kind       Kind
	Slug       string
	Title      string // a term's label, an organisation's name
	Summary    string
	Body       string // Markdown; an organisation's description
	Language   string // BCP 47 primary tag: "fr", "en"
	Visibility Visibility
	Licence    string

	Aliases    []string // terms and organisations (acronyms)
	Definition string   // terms
	Website    string   // organisations
	Region     string   // organisations: a standpoint region value id
	Sector     string   // organisations: a standpoint sector value id

	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
	Version     int

	// Hidden is set by the stores when a curator hid the document pending
	// review (ModerationStore.SetHidden); writes of documents ignore it, but
	// Restorer.Restore keeps it, so a backup does not unhide anything.
	Hidden bool
}

// Validate checks the fields a caller sets. It is called by every Store on
// create and after applying an update, so no invalid document is ever written.
func (d *Document) Validate() error {
	if !d.Kind.IsDocument() {
		return Errorf(EINVALID, "kind must be Note, Term or Organisation")
	}
	if strings.TrimSpace(d.Title) == "" {
		return Errorf(EINVALID, "title must not be empty")
	}
	if !d.Visibility.Valid() {
		return Errorf(EINVALID, "visibility must be PUBLIC, COMMUNITY or PRIVATE")
	}
	checks := []struct {
		name  string
		value string
		max   int
	}{
		{"title", d.Title, MaxTitleLen},
		{"summary", d.Summary, MaxSummaryLen},
		{"body", d.Body, MaxBodyLen},
		{"slug", d.Slug, MaxShortLen},
		{"language", d.Language, 35},
		{"licence", d.Licence, MaxShortLen},
		{"definition", d.Definition, MaxDefinition},
		{"website", d.Website, MaxShortLen},
		{"region", d.Region, MaxShortLen},
		{"sector", d.Sector, MaxShortLen},
	}
	for _, c := range checks {
		if !utf8.ValidString(c.value) {
			return Errorf(EINVALID, "%s is not valid UTF-8", c.name)
		}
		if len(c.value) > c.max {
			return Errorf(EINVALID, "%s is too long: %d bytes, at most %d", c.name, len(c.value), c.max)
		}
	}
	if len(d.Aliases) > MaxAliases {
		return Errorf(EINVALID, "too many aliases: %d, at most %d", len(d.Aliases), MaxAliases)
	}
	for _, a := range d.Aliases {
		if strings.TrimSpace(a) == "" || len(a) > MaxAliasLen || !utf8.ValidString(a) {
			return Errorf(EINVALID, "each alias must be non-empty valid text of at most %d bytes", MaxAliasLen)
		}
	}
	if d.Kind != KindTerm && d.Definition != "" {
		return Errorf(EINVALID, "only terms have a definition")
	}
	if d.Kind != KindOrganisation && (d.Website != "" || d.Sector != "") {
		return Errorf(EINVALID, "only organisations have a website and a sector")
	}
	return nil
}

// DocumentUpdate holds the fields to change; nil leaves a field as it is.
// Version is the version the caller last read: a stale one is a CONFLICT.
type DocumentUpdate struct {
	Version     int
	Slug        *string
	Title       *string
	Summary     *string
	Body        *string
	Language    *string
	Visibility  *Visibility
	Licence     *string
	Aliases     *[]string
	Definition  *string
	Website     *string
	Region      *string
	Sector      *string
	PublishedAt *time.Time
}

// Apply changes d and returns the names of the fields that really changed.
func (u DocumentUpdate) Apply(d *Document) []string {
	var changed []string
	set := func(name string, dst *string, src *string) {
		if src != nil && *dst != *src {
			*dst = *src
			changed = append(changed, name)
		}
	}
	set("slug", &d.Slug, u.Slug)
	set("title", &d.Title, u.Title)
	set("summary", &d.Summary, u.Summary)
	set("body", &d.Body, u.Body)
	set("language", &d.Language, u.Language)
	set("licence", &d.Licence, u.Licence)
	set("definition", &d.Definition, u.Definition)
	set("website", &d.Website, u.Website)
	set("region", &d.Region, u.Region)
	set("sector", &d.Sector, u.Sector)
	if u.Visibility != nil && d.Visibility != *u.Visibility {
		d.Visibility = *u.Visibility
		changed = append(changed, "visibility")
	}
	if u.Aliases != nil && strings.Join(d.Aliases, "\x00") != strings.Join(*u.Aliases, "\x00") {
		d.Aliases = append([]string(nil), (*u.Aliases)...)
		changed = append(changed, "aliases")
	}
	if u.PublishedAt != nil && (d.PublishedAt == nil || !d.PublishedAt.Equal(*u.PublishedAt)) {
		t := u.PublishedAt.UTC()
		d.PublishedAt = &t
		changed = append(changed, "publishedAt")
	}
	return changed
}

// DocumentOrderField is what a document list is sorted by.
type DocumentOrderField string

const (
	OrderCreatedAt   DocumentOrderField = "CREATED_AT"
	OrderUpdatedAt   DocumentOrderField = "UPDATED_AT"
	OrderPublishedAt DocumentOrderField = "PUBLISHED_AT"
	OrderTitle       DocumentOrderField = "TITLE"
)

// DocumentOrder sorts a document list; ties are broken by id.
type DocumentOrder struct {
	Field DocumentOrderField
	Desc  bool
}

// DocumentFilter narrows a document list. Empty fields do not filter; the
// id filters follow the graph (authored by, in carnet, …).
type DocumentFilter struct {
	Kinds          []Kind
	Language       string
	Visibility     Visibility
	AuthorID       string
	CarnetID       string
	Category       string // with CarnetID
	CommunityID    string
	TermID         string // documents that mention the term
	OrganisationID string // documents that concern the organisation
}

// SortKey returns the string d is ordered by under o; keys compare as
// strings, so dates use a fixed-width form.
func (o DocumentOrder) SortKey(d *Document) string {
	switch o.Field {
	case OrderUpdatedAt:
		return TimeKey(d.UpdatedAt)
	case OrderPublishedAt:
		if d.PublishedAt == nil {
			return ""
		}
		return TimeKey(*d.PublishedAt)
	case OrderTitle:
		return FoldKey(d.Title)
	default:
		return TimeKey(d.CreatedAt)
	}
}

// TimeKey formats t so that keys sort as times do.
func TimeKey(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

// CreationTimes is the date rule of every write that creates a node: the
// dates an import or the demo loader gives are kept, in UTC; a missing
// creation date is now; an update date is never before the creation.
func CreationTimes(now, created, updated time.Time) (time.Time, time.Time) {
	if created.IsZero() {
		created = now
	}
	created = created.UTC()
	if updated.IsZero() || updated.Before(created) {
		updated = created
	}
	return created, updated.UTC()
}

// Unique returns xs without repeats, in first-seen order.
func Unique(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// RevisionCursor orders a document's revisions by version.
func RevisionCursor(r *Revision) Cursor {
	return Cursor{Key: fmt.Sprintf("%010d", r.Version), ID: r.DocumentID}
}
