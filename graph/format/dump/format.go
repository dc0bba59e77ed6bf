// Package dump writes a whole knowledge graph as one JSON Lines file and
// restores it: the operator's backup, and the way to move a graph from one
// store to another.
//
// The file is versioned. Its first line is a header
//
//	{"format":"maillage-dump","version":4,"createdAt":"…","generator":"maillage"}
//
// then one JSON object per line, each with a "type": knowledgeBase,
// community, carnet, contributor, document, revision, link, declaration,
// media, comment, commentRevision, flag, blob, in that order; the last line is {"type":"end","counts":{…}}, so
// that a file cut short at a line boundary is told from a complete one.
// Every record carries what the store holds (ids, versions, dates,
// revisions, the visibility of each standpoint declaration, documents
// hidden pending review and the moderation flags with their reasons and
// decisions), so the file is personal data and is written readable by its
// owner only.
//
// Version 4 (issue #19) adds media, comment, commentRevision and blob
// records, and the comment a flag is about: see media.go for how a media
// file's bytes travel.
//
// Versions: 1 had no flag records; 2 added them. 3 (issue #15) gives each
// revision the visibility its document had when it was written, and no
// longer gives contributors a region: a region is a standpoint declaration,
// with the visibility its owner chose. A reader reads every version up to
// its own, so an older dump still restores: with no flags (1), with the
// region of its contributor records dropped (the owner never chose who may
// see it; a declaration of it, if any, is restored as declared), and with
// revisions dated as legacyRevisionVisibility says.
package dump

import (
	"time"

	"github.com/encommun/maillage/graph"
)

// Format and Version identify the file. A reader refuses a newer version
// rather than drop the fields it does not know.
const (
	Format  = "maillage-dump"
	Version = 4
)

// versionOf is the first format version that has each record type; a
// record in an older file is damage (or a hand edit), not data to keep.
var versionOf = map[string]int{TypeFlag: 2, TypeMedia: 4, TypeComment: 4, TypeCommentRevision: 4, TypeBlob: 4}

// MaxLine bounds one line: a document body is at most graph.MaxBodyLen
// bytes, which JSON escaping can grow six times, and a revision carries a
// body too.
const MaxLine = 16 << 20

// Record types, in file order.
const (
	TypeKnowledgeBase   = "knowledgeBase"
	TypeCommunity       = "community"
	TypeCarnet          = "carnet"
	TypeContributor     = "contributor"
	TypeDocument        = "document"
	TypeRevision        = "revision"
	TypeLink            = "link"
	TypeDeclaration     = "declaration"
	TypeMedia           = "media"
	TypeComment         = "comment"
	TypeCommentRevision = "commentRevision"
	TypeFlag            = "flag"
	TypeBlob            = "blob"
	TypeEnd             = "end"
)

// recordTypes lists the data record types in the order a file holds them.
var recordTypes = []string{TypeKnowledgeBase, TypeCommunity, TypeCarnet, TypeContributor,
	TypeDocument, TypeRevision, TypeLink, TypeDeclaration, TypeMedia, TypeComment, TypeCommentRevision, TypeFlag, TypeBlob}

// Counts is how many records of each type a file holds.
type Counts map[string]int

// total is how many records c counts, all types together.
func (c Counts) total() int {
	n := 0
	for _, k := range c {
		n += k
	}
	return n
}

// Header is the first line.
type Header struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	Generator string    `json:"generator,omitempty"`
}

// The record shapes are the file format, kept apart from the domain types
// so that renaming a Go field never changes a file.

type groupRecord struct {
	Type        string    `json:"type"`
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Version     int       `json:"version"`
}

type carnetRecord struct {
	Type        string    `json:"type"`
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Categories  []string  `json:"categories,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Version     int       `json:"version"`
}

type contributorRecord struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
	Bio  string `json:"bio,omitempty"`
	// Region is read from dumps before version 3, and dropped; it is
	// never written.
	Region    string    `json:"region,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int       `json:"version"`
}

type documentRecord struct {
	Type        string     `json:"type"`
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Slug        string     `json:"slug,omitempty"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary,omitempty"`
	Body        string     `json:"body,omitempty"`
	Language    string     `json:"language,omitempty"`
	Visibility  string     `json:"visibility"`
	Licence     string     `json:"licence,omitempty"`
	Aliases     []string   `json:"aliases,omitempty"`
	Definition  string     `json:"definition,omitempty"`
	Website     string     `json:"website,omitempty"`
	Region      string     `json:"region,omitempty"`
	Sector      string     `json:"sector,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
	PublishedAt *time.Time `json:"publishedAt,omitempty"`
	Version     int        `json:"version"`
	// Hidden: a curator hid the document pending review. A restore that
	// dropped it would publish what moderation withdrew.
	Hidden bool `json:"hidden,omitempty"`
}

type revisionRecord struct {
	Type     string    `json:"type"`
	Document string    `json:"document"`
	Version  int       `json:"version"`
	Author   string    `json:"author,omitempty"`
	At       time.Time `json:"at"`
	Changed  []string  `json:"changed,omitempty"`
	Title    string    `json:"title"`
	Summary  string    `json:"summary,omitempty"`
	Body     string    `json:"body,omitempty"`
	// Visibility is the document's own visibility once this revision was
	// written (version 3 on).
	Visibility string `json:"visibility,omitempty"`
}

type linkRecord struct {
	Type      string    `json:"type"`
	Relation  string    `json:"relation"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Role      string    `json:"role,omitempty"`
	Category  string    `json:"category,omitempty"`
	Position  int       `json:"position,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

type declarationRecord struct {
	Type        string    `json:"type"`
	Contributor string    `json:"contributor"`
	Dimension   string    `json:"dimension"`
	Value       string    `json:"value"`
	Visibility  string    `json:"visibility"`
	DeclaredAt  time.Time `json:"declaredAt"`
}

// flagRecord is one moderation flag. Its document's kind is not kept: the
// document's own record gives it. The flagger and the resolver may name
// contributors deleted since, as in the store the dump came from.
type flagRecord struct {
	Type       string     `json:"type"`
	ID         string     `json:"id"`
	Document   string     `json:"document"`
	Flagger    string     `json:"flagger,omitempty"`
	Reason     string     `json:"reason"`
	Status     string     `json:"status"`
	Decision   string     `json:"decision,omitempty"`
	Note       string     `json:"note,omitempty"`
	Resolver   string     `json:"resolver,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	ResolvedAt *time.Time `json:"resolvedAt,omitempty"`
	// Comment is the comment of Document the flag is about (version 4
	// on); empty for a flag about the document.
	Comment string `json:"comment,omitempty"`
}

type endRecord struct {
	Type   string `json:"type"`
	Counts Counts `json:"counts"`
}

func kbRecord(x *graph.KnowledgeBase) groupRecord {
	return groupRecord{TypeKnowledgeBase, x.ID, x.Name, x.Description, x.CreatedAt, x.UpdatedAt, x.Version}
}

func communityRecord(x *graph.Community) groupRecord {
	return groupRecord{TypeCommunity, x.ID, x.Name, x.Description, x.CreatedAt, x.UpdatedAt, x.Version}
}

func toCarnetRecord(x *graph.Carnet) carnetRecord {
	return carnetRecord{TypeCarnet, x.ID, x.Title, x.Description, x.Categories, x.CreatedAt, x.UpdatedAt, x.Version}
}

func toContributorRecord(x *graph.Contributor) contributorRecord {
	return contributorRecord{TypeContributor, x.ID, x.Name, x.Bio, "", x.CreatedAt, x.UpdatedAt, x.Version}
}

func toDocumentRecord(d *graph.Document) documentRecord {
	return documentRecord{Type: TypeDocument, ID: d.ID, Kind: string(d.Kind), Slug: d.Slug, Title: d.Title,
		Summary: d.Summary, Body: d.Body, Language: d.Language, Visibility: string(d.Visibility), Licence: d.Licence,
		Aliases: d.Aliases, Definition: d.Definition, Website: d.Website, Region: d.Region, Sector: d.Sector,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, PublishedAt: d.PublishedAt, Version: d.Version, Hidden: d.Hidden}
}

func (r documentRecord) document() graph.Document {
	return graph.Document{ID: r.ID, Kind: graph.Kind(r.Kind), Slug: r.Slug, Title: r.Title, Summary: r.Summary,
		Body: r.Body, Language: r.Language, Visibility: graph.Visibility(r.Visibility), Licence: r.Licence,
		Aliases: r.Aliases, Definition: r.Definition, Website: r.Website, Region: r.Region, Sector: r.Sector,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, PublishedAt: r.PublishedAt, Version: r.Version, Hidden: r.Hidden}
}

func toRevisionRecord(r *graph.Revision) revisionRecord {
	return revisionRecord{TypeRevision, r.DocumentID, r.Version, r.AuthorID, r.At, r.Changed, r.Title, r.Summary, r.Body,
		string(r.Visibility)}
}

func (r revisionRecord) revision() graph.Revision {
	return graph.Revision{DocumentID: r.Document, Version: r.Version, AuthorID: r.Author, At: r.At,
		Changed: r.Changed, Title: r.Title, Summary: r.Summary, Body: r.Body, Visibility: graph.Visibility(r.Visibility)}
}

// legacyRevisionVisibility dates a revision of a dump before version 3,
// which recorded no visibility. A reader streams the file and cannot see a
// document's later revisions, so it cannot tell whether the visibility
// changed since (as graph.LegacyRevisionVisibility does in a store): the
// document's current revision, whose text the document shows anyway, gets
// the document's visibility, and every earlier one PRIVATE (authors and
// curators), which fails closed.
func legacyRevisionVisibility(version, current int, docVisibility graph.Visibility) graph.Visibility {
	if version == current {
		return docVisibility
	}
	return graph.VisibilityPrivate
}

func toLinkRecord(l *graph.Link) linkRecord {
	return linkRecord{TypeLink, string(l.Relation), l.From, l.To, l.Role, l.Category, l.Position, l.CreatedAt}
}

func (r linkRecord) link() graph.Link {
	return graph.Link{Relation: graph.Relation(r.Relation), From: r.From, To: r.To, Role: r.Role,
		Category: r.Category, Position: r.Position, CreatedAt: r.CreatedAt}
}

func toDeclarationRecord(d *graph.Declaration) declarationRecord {
	return declarationRecord{TypeDeclaration, d.ContributorID, d.Dimension, d.Value, string(d.Visibility), d.DeclaredAt}
}

func (r declarationRecord) declaration() graph.Declaration {
	return graph.Declaration{ContributorID: r.Contributor, Dimension: r.Dimension, Value: r.Value,
		Visibility: graph.DeclarationVisibility(r.Visibility), DeclaredAt: r.DeclaredAt}
}

func toFlagRecord(f *graph.Flag) flagRecord {
	return flagRecord{Type: TypeFlag, ID: f.ID, Document: f.DocumentID, Flagger: f.FlaggerID, Reason: f.Reason,
		Status: string(f.Status), Decision: string(f.Decision), Note: f.Note, Resolver: f.ResolverID,
		CreatedAt: f.CreatedAt, ResolvedAt: f.ResolvedAt, Comment: f.CommentID}
}

func (r flagRecord) flag() graph.Flag {
	return graph.Flag{ID: r.ID, DocumentID: r.Document, FlaggerID: r.Flagger, Reason: r.Reason,
		Status: graph.FlagStatus(r.Status), Decision: graph.FlagDecision(r.Decision), Note: r.Note,
		ResolverID: r.Resolver, CreatedAt: r.CreatedAt, ResolvedAt: r.ResolvedAt, CommentID: r.Comment}
}
