package graph

import "context"

// Store is the knowledge graph's storage. Every method reads the viewer from
// ctx (ViewerFrom) and enforces visibility itself: a document the viewer may
// not read behaves, through every method, exactly as if it did not exist
// (NOT_FOUND on direct access, absent from lists, counts and neighbours).
//
// Errors are *Error values with a code; anything else is an internal fault.
// Every write is one atomic transaction, durable before the method returns,
// and appends one or more entries to the change sequence.
//
// Ids are unique across all kinds (links name their ends by id alone).
// Deleting any node cascades to every link to or from it; a deleted id may be
// reused and starts afresh. Anonymous callers get UNAUTHENTICATED or
// FORBIDDEN on every write.
type Store interface {
	DocumentStore
	ContributorStore
	GroupStore
	LinkStore
	StandpointStore
	ChangeStore
	TokenStore
	CurationStore
	ModerationStore
	ResearchStore
	MediaStore
	DiscussionStore
	// Close releases the store; in-flight calls finish first.
	Close() error
}

// DocumentStore holds notes, terms and organisations.
type DocumentStore interface {
	// CreateDocument writes a new document at version 1 and returns it.
	// The viewer must be signed in; authorIDs name its authors (AUTHORED,
	// role AUTHOR) and default to the viewer's contributor. Only curators
	// and the system may name authors other than themselves. An empty
	// d.ID is generated; a given one must be unused (CONFLICT).
	CreateDocument(ctx context.Context, d Document, authorIDs []string) (*Document, error)
	// Document returns a document the viewer may read, or NOT_FOUND.
	Document(ctx context.Context, id string) (*Document, error)
	// Documents returns the documents with ids, in the same order, with nil
	// for each one that is missing or hidden from the viewer (dataloaders).
	Documents(ctx context.Context, ids []string) ([]*Document, error)
	// ListDocuments returns one page of the readable documents matching f.
	// A filter naming a node the viewer may not read (a hidden term, say)
	// matches nothing, exactly as an unknown id does.
	ListDocuments(ctx context.Context, f DocumentFilter, o DocumentOrder, p Page) (*Connection[*Document], error)
	// ScanDocuments returns, in id order, up to limit of the readable
	// documents whose id sorts after after ("" starts at the first): a walk
	// over every document whose pages each cost the same however many
	// documents there are, which a sorted, counted list page cannot (the
	// search index's rebuild reads the store this way). limit must be
	// positive.
	ScanDocuments(ctx context.Context, after string, limit int) ([]*Document, error)
	// UpdateDocument applies u if u.Version is the current version
	// (CONFLICT otherwise, nothing changed), keeps a revision and bumps the
	// version. Authors, curators and admins may update (FORBIDDEN otherwise).
	UpdateDocument(ctx context.Context, id string, u DocumentUpdate) (*Document, error)
	// DeleteDocument removes a document, its revisions and every link to or
	// from it (cascade: no link is ever left dangling). Same rights and
	// version check as UpdateDocument.
	DeleteDocument(ctx context.Context, id string, version int) error
	// Revisions returns a readable document's revisions that the viewer
	// may read (Viewer.CanReadRevision: who could read the document when
	// the revision was written, its authors and curators always), newest
	// first. A revision the viewer may not read is absent, from the count
	// too.
	Revisions(ctx context.Context, id string, p Page) (*Connection[*Revision], error)
	// Revision returns one revision of a readable document. A missing or
	// hidden document is NOT_FOUND exactly as in Document; a version it
	// never had (below 1 or above the current one) is NOT_FOUND too, and
	// so, with the same message, is a revision the viewer may not read.
	Revision(ctx context.Context, id string, version int) (*Revision, error)
}

// ContributorStore holds contributors. Contributors are public profiles.
type ContributorStore interface {
	// CreateContributor is for admins and the system.
	CreateContributor(ctx context.Context, c Contributor) (*Contributor, error)
	Contributor(ctx context.Context, id string) (*Contributor, error)
	Contributors(ctx context.Context, ids []string) ([]*Contributor, error)
	ListContributors(ctx context.Context, p Page) (*Connection[*Contributor], error)
	// UpdateContributor is for the contributor themself and admins.
	UpdateContributor(ctx context.Context, id string, u ContributorUpdate) (*Contributor, error)
	// DeleteContributor is for admins; it removes the contributor's links and
	// standpoint declarations. Documents stay, without that author.
	DeleteContributor(ctx context.Context, id string, version int) error
}

// LinkStore holds the typed relationships.
type LinkStore interface {
	// Link creates l, or updates its role, category and position if it
	// exists. Both ends must exist and be readable (NOT_FOUND); the kinds
	// must fit the relation (BAD_USER_INPUT); an IN_CARNET category must be
	// one of the carnet's. The viewer must be allowed to edit the From end
	// (a document's author, the contributor themself for AFFILIATED_WITH, a
	// curator for anything). AUTHORED is the exception: its From end is a
	// contributor, so it needs edit rights on the document. MEMBER_OF is
	// made by curators only (CanAddLink: communities take members by
	// invitation); a member may remove their own.
	Link(ctx context.Context, l Link) (*Link, error)
	// Unlink removes a link; same rights as Link. NOT_FOUND if absent.
	Unlink(ctx context.Context, rel Relation, from, to string) error
	// Links returns, for each id, its links of relation rel in direction
	// dir whose other end the viewer may read. Unreadable ids get none.
	// Backlinks of a note are Links(LINKS_TO, In): derived, never stored twice.
	Links(ctx context.Context, ids []string, rel Relation, dir Direction) (map[string][]Link, error)
	// LinksOf is Links for selections that differ in relation or
	// direction, read at once: for each selection, in order, what
	// Links(ctx, []string{s.ID}, s.Relation, s.Direction)[s.ID] returns
	// (nil for none, an unreadable or a missing id). A GraphQL level that
	// lists several kinds of links of each of its items (the authors and
	// the backlinks of a page of notes) is then one store call, and one
	// round trip to a remote store. Errors as Links's.
	LinksOf(ctx context.Context, sel []LinkSelection) ([][]Link, error)
	// Neighbours returns one page of Links for one node, ordered by
	// LinkCursor.
	Neighbours(ctx context.Context, id string, rel Relation, dir Direction, p Page) (*Connection[Link], error)
	// Adjacency is Links for graph walks, which must stay cheap around
	// hubs with tens of thousands of links: per readable id, at most
	// q.Limit of the links Links would return, optionally only those to
	// q.Among, in adjacency order, and the degree Links would give
	// (len(Links(…)[id])) without reading the links. Unreadable and missing
	// ids are absent from the map, as are readable ids with neither a link
	// to return nor, when q.Degrees is set, any visible link. An unknown
	// relation or direction is BAD_USER_INPUT.
	Adjacency(ctx context.Context, ids []string, q AdjacencyQuery) (map[string]Adjacent, error)
}

// AdjacencyQuery selects the links of an Adjacency call.
type AdjacencyQuery struct {
	Relations []Relation // every relation when empty
	Direction Direction
	// Limit caps the links returned per id, the first in adjacency order;
	// negative means no cap, 0 returns no link (degrees only).
	Limit int
	// Among, when not nil, keeps only the links whose other end is one of
	// these ids (what the viewer may not read is ignored). Degree still
	// counts every link.
	Among []string
	// Degrees asks for Adjacent.Degree; it is 0 otherwise.
	Degrees bool
}

// Adjacent is one node's share of an Adjacency answer.
type Adjacent struct {
	// Links are in adjacency order: OUT links before IN links, each by
	// relation name and then by the other end's id (byte order). Unlike
	// LinkCursor's order, a store can stop reading after the first few.
	// Carnet positions are 0 except for the system: walks never show them,
	// and the positions a viewer is shown (CarnetRanks) would cost a scan
	// of each carnet met.
	Links []Link
	// Degree is the number of links of the query's relations and
	// direction whose other end the viewer may read, whatever Limit and
	// Among: a node's visible degree.
	Degree int
}

// StandpointStore holds standpoint declarations: personal data.
type StandpointStore interface {
	// DeclareStandpoint records (or changes the visibility of) one of the
	// viewer's own values. Nobody declares for someone else (FORBIDDEN).
	// The caller checks the value against the taxonomy.
	DeclareStandpoint(ctx context.Context, d Declaration) (*Declaration, error)
	// WithdrawStandpoint deletes one of the viewer's own declarations; no
	// trace of it is kept. NOT_FOUND if it was not declared.
	WithdrawStandpoint(ctx context.Context, contributorID, dimension, value string) error
	// Declarations returns, per contributor, the declarations the viewer may
	// see per person: all of their own, and PUBLIC ones of others. PRIVATE
	// and AGGREGATE values of others are never returned, to admins neither.
	Declarations(ctx context.Context, contributorIDs []string) (map[string][]Declaration, error)
}

// ChangeStore exposes the change sequence.
type ChangeStore interface {
	// Changes returns up to limit changes with Seq > since, in order.
	Changes(ctx context.Context, since uint64, limit int) ([]Change, error)
	// LastSeq returns the sequence number of the latest change (0 if none).
	LastSeq(ctx context.Context) (uint64, error)
}

// CurationStore serves the curators' view of the graph's health. Every
// method is for curators, admins and the system (RequireCurator):
// UNAUTHENTICATED for anonymous callers, FORBIDDEN for anyone else, so
// that no other viewer learns even a count. Curators read every document,
// so nothing is hidden from these lists.
type CurationStore interface {
	// NeedsCare returns one page of the documents that fail check, oldest
	// first (creation order, ties by id, as ListDocuments' CREATED_AT).
	// An unknown check is BAD_USER_INPUT.
	NeedsCare(ctx context.Context, check HealthCheck, p Page) (*Connection[*Document], error)
	// DocumentTitles returns the id, kind, title and aliases of every
	// document of kinds (every document kind when empty), in no set order:
	// what ProbableDuplicates reads.
	DocumentTitles(ctx context.Context, kinds []Kind) ([]DocumentTitle, error)
}

// TokenStore holds API tokens, hashed.
type TokenStore interface {
	// CreateToken stores a token; for admins and the system. CreatedAt
	// defaults to now; ExpiresAt, when set, must come after it. A label
	// over MaxTokenLabel characters or with control characters is
	// BAD_USER_INPUT; a hash whose id (TokenID) another token has, CONFLICT.
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash returns the token with that hash (its ID filled in), or
	// NOT_FOUND; a token past its ExpiresAt is UNAUTHENTICATED, with
	// ExpiredTokenError's message. It needs no viewer: it is how a viewer
	// is established.
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	// Tokens returns one page of the tokens, expired ones included, oldest
	// first (CreatedAt, ties by ID), with their IDs and never their hashes;
	// for admins and the system (others: FORBIDDEN, anonymous:
	// UNAUTHENTICATED).
	Tokens(ctx context.Context, p Page) (*Connection[*Token], error)
	// RevokeToken deletes the token with that id and returns it, without
	// its hash; for admins and the system. An id that is not TokenIDLen
	// lowercase hex characters is BAD_USER_INPUT; an unknown one, NOT_FOUND.
	RevokeToken(ctx context.Context, id string) (*Token, error)
}
