package graph

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Snapshot is a whole graph as it was stored: every node with its version
// and dates, every document revision, every link (AUTHORED included, with
// its role), every standpoint declaration with its visibility, and the
// moderation state (documents hidden pending review, flags with their
// decisions). A dump file is a Snapshot on disk; tokens are credentials,
// not part of the graph, and are not in it.
type Snapshot struct {
	KnowledgeBases []KnowledgeBase
	Communities    []Community
	Carnets        []Carnet
	Contributors   []Contributor
	Documents      []Document
	Revisions      []Revision
	Links          []Link
	Declarations   []Declaration
	Flags          []Flag
	// Media are the media records (their bytes are in a blob store, which
	// a dump carries beside them); Comments and CommentRevisions the
	// discussions, each comment after the one it replies to.
	Media            []Media
	Comments         []Comment
	CommentRevisions []CommentRevision
}

// Records is how many objects s holds, all kinds together.
func (s *Snapshot) Records() int {
	return len(s.KnowledgeBases) + len(s.Communities) + len(s.Carnets) + len(s.Contributors) +
		len(s.Documents) + len(s.Revisions) + len(s.Links) + len(s.Declarations) + len(s.Flags) +
		len(s.Media) + len(s.Comments) + len(s.CommentRevisions)
}

// Restorer is implemented by stores that can write a Snapshot back exactly:
// the create methods cannot, since they start every node at version 1 and
// write a revision of their own. Restoring is how an operator recovers a
// backup or moves a graph from one store to another.
type Restorer interface {
	// Restore writes s into an empty store (no node at all: CONFLICT
	// otherwise), keeping ids, versions, dates, revisions, hidden states
	// and flags as they are. Only the system and admins may restore. The
	// whole snapshot is checked first (PrepareSnapshot), and nothing is
	// written unless all of it is valid; a failure while writing (a full
	// disk, a lost connection) leaves the store empty again. The store
	// appends change entries as for a creation (CREATE per node, LINK per
	// link), so a search index following the sequence picks the graph up.
	// Nothing else may write to the store during a restore.
	Restore(ctx context.Context, s Snapshot) error
}

// StreamRestorer is implemented by stores that can restore a snapshot
// given in parts, so that a large dump need not be held in memory whole.
type StreamRestorer interface {
	// RestoreStream restores the parts next returns, in order, until it
	// returns nil, as Restore restores one snapshot: into an empty store,
	// behind the same marker, each part checked with the parts before it
	// (SnapshotPreparer). Parts are written as they come, so a part found
	// invalid, or an error from next, stops the restore and clears what
	// it wrote: the store is left empty again. A caller that wants a bad
	// input to write nothing at all checks it whole first, as the dump
	// reader does.
	RestoreStream(ctx context.Context, next func() (*Snapshot, error)) error
}

// RestoreSteps are what a store does differently in a restore; Restore
// and RestoreStream do the rest the same way for every store: who may
// restore, checking the snapshot, and clearing what a failed write left,
// so that a restore writes all or nothing.
type RestoreSteps struct {
	// RequireAdmin refuses a caller who may not restore. It is asked
	// before the snapshot is looked at, so that such a caller learns
	// nothing about what is wrong with it.
	RequireAdmin func(ctx context.Context) error
	// Now dates links and declarations that have none.
	Now func() time.Time
	// Start clears a crashed restore's leftovers, checks the store is
	// empty (ECONFLICT otherwise) and sets the store's restore marker; it
	// returns the sequence the restore starts from.
	Start func(ctx context.Context) (uint64, error)
	// Write writes the prepared parts next returns, in order, and removes
	// the marker last.
	Write func(ctx context.Context, next func() (*Snapshot, error)) error
	// Clear removes what a restore started at start wrote, the marker
	// included.
	Clear func(ctx context.Context, start uint64) error
}

// Restore implements Restorer with the store's steps.
func (r RestoreSteps) Restore(ctx context.Context, snap Snapshot) error {
	if err := r.RequireAdmin(ctx); err != nil {
		return err
	}
	snap, err := PrepareSnapshot(snap, r.Now())
	if err != nil {
		return err
	}
	return r.run(ctx, OnePart(&snap))
}

// RestoreStream implements StreamRestorer with the store's steps.
func (r RestoreSteps) RestoreStream(ctx context.Context, next func() (*Snapshot, error)) error {
	if err := r.RequireAdmin(ctx); err != nil {
		return err
	}
	return r.run(ctx, PreparedParts(r.Now(), next))
}

// run writes the prepared parts next returns behind the marker, and
// clears what it wrote if anything fails.
func (r RestoreSteps) run(ctx context.Context, next func() (*Snapshot, error)) error {
	start, err := r.Start(ctx)
	if err != nil {
		return err
	}
	if err := r.Write(ctx, next); err != nil {
		// The caller's context may be what failed: clearing must not
		// depend on it.
		clear := SystemContext(context.WithoutCancel(ctx))
		if cerr := r.Clear(clear, start); cerr != nil {
			return fmt.Errorf("%w; clearing the partial restore failed too (%v): run the restore again, it starts by clearing it", err, cerr)
		}
		return err
	}
	return nil
}

// PrepareSnapshot checks a whole snapshot as the create methods would
// check each object, and returns it ready to write: a copy (the caller's
// slices are not touched) with times in UTC, empty lists as nil, link
// ends' and flags' kinds filled in, and a missing link or declaration date
// set to now. Errors carry the code a create method would give: EINVALID
// for an invalid object, ECONFLICT for an id or a link given twice,
// ENOTFOUND for a reference to no object of the snapshot.
//
// Revisions, flags' flaggers and resolvers may name contributors absent
// from the snapshot: they keep who did it after the contributor was
// deleted, as the store they came from does.
func PrepareSnapshot(in Snapshot, now time.Time) (Snapshot, error) {
	return NewSnapshotPreparer(now).Prepare(in)
}

// SnapshotPreparer does what PrepareSnapshot does for a snapshot given in
// parts, one after the other, as a streamed restore reads it: it keeps
// what later parts are checked against (the ids and kinds of the nodes,
// documents' versions, carnets' categories, the keys of links,
// revisions, declarations and flags), never the records' text, so that
// memory grows with the number of ids, not with the size of the graph.
// A part may refer to nodes of earlier parts only: every node must come
// before what refers to it, as a dump file orders them.
type SnapshotPreparer struct {
	now        time.Time
	kinds      map[string]Kind
	versions   map[string]int
	categories map[string][]string
	seen       map[string]struct{}
	// discussions is what media and comments are checked against.
	discussions preparedDiscussions
}

// NewSnapshotPreparer starts an empty snapshot; now is the date given to
// links and declarations that have none.
func NewSnapshotPreparer(now time.Time) *SnapshotPreparer {
	return &SnapshotPreparer{now: now.UTC(), kinds: map[string]Kind{}, versions: map[string]int{},
		categories: map[string][]string{}, seen: map[string]struct{}{}}
}

// OnePart gives snap as the only part of a restore: what a store's
// Restore hands its part-by-part writer once the whole snapshot is
// prepared.
func OnePart(snap *Snapshot) func() (*Snapshot, error) {
	given := false
	return func() (*Snapshot, error) {
		if given {
			return nil, nil
		}
		given = true
		return snap, nil
	}
}

// PreparedParts wraps next, the parts of a streamed restore, so that each
// part comes out checked against the parts before it (a SnapshotPreparer
// dated now). A nil part ends the stream.
func PreparedParts(now time.Time, next func() (*Snapshot, error)) func() (*Snapshot, error) {
	p := NewSnapshotPreparer(now)
	return func() (*Snapshot, error) {
		part, err := next()
		if err != nil || part == nil {
			return nil, err
		}
		prepared, err := p.Prepare(*part)
		if err != nil {
			return nil, err
		}
		return &prepared, nil
	}
}

// Prepare checks the next part of the snapshot against itself and the
// parts before it, and returns it ready to write (see PrepareSnapshot).
// After an error the preparer is in an unknown state: the restore must
// stop.
func (p *SnapshotPreparer) Prepare(in Snapshot) (Snapshot, error) {
	out := cloneSnapshot(in)
	// Nodes first, in the order a dump gives them, then what refers to
	// them.
	for _, step := range []func(*Snapshot) error{
		p.prepareGroups, p.prepareContributors, p.prepareDocuments,
		p.prepareRevisions, p.prepareLinks, p.prepareDeclarations, p.prepareDiscussions, p.prepareFlags,
	} {
		if err := step(&out); err != nil {
			return Snapshot{}, err
		}
	}
	return out, nil
}

// cloneSnapshot copies the lists of in, so that preparing it leaves the
// caller's slices untouched.
func cloneSnapshot(in Snapshot) Snapshot {
	out := Snapshot{
		KnowledgeBases: append([]KnowledgeBase(nil), in.KnowledgeBases...),
		Communities:    append([]Community(nil), in.Communities...),
		Carnets:        append([]Carnet(nil), in.Carnets...),
		Contributors:   append([]Contributor(nil), in.Contributors...),
		Documents:      append([]Document(nil), in.Documents...),
		Revisions:      append([]Revision(nil), in.Revisions...),
		Links:          append([]Link(nil), in.Links...),
		Declarations:   append([]Declaration(nil), in.Declarations...),
		Flags:          append([]Flag(nil), in.Flags...),
	}
	copyDiscussions(&out, in)
	return out
}

// node checks a node of the snapshot (its id unused so far, its version
// and creation date, the object itself) and records its kind.
func (p *SnapshotPreparer) node(kind Kind, id string, version int, created time.Time, validate func() error) error {
	what := string(kind) + " " + id
	if err := ValidateID(id); err != nil {
		return invalid(string(kind), err)
	}
	if k := p.kinds[id]; k != "" {
		return Errorf(ECONFLICT, "%s: id %q is already used by a %s", what, id, k)
	}
	if version < 1 {
		return Errorf(EINVALID, "%s: version must be at least 1, not %d", what, version)
	}
	if created.IsZero() {
		return Errorf(EINVALID, "%s: no creation date", what)
	}
	if err := validate(); err != nil {
		return invalid(what, err)
	}
	p.kinds[id] = kind
	return nil
}

// once records key, failing with ECONFLICT when an earlier record had it.
func (p *SnapshotPreparer) once(key, what string) error {
	if _, dup := p.seen[key]; dup {
		return Errorf(ECONFLICT, "%s: given twice", what)
	}
	p.seen[key] = struct{}{}
	return nil
}

// orNow dates a link or a declaration without a date now.
func (p *SnapshotPreparer) orNow(t time.Time) time.Time {
	if t.IsZero() {
		return p.now
	}
	return t.UTC()
}

// prepareGroups checks knowledge bases, communities and carnets, and
// keeps the carnets' categories for the IN_CARNET links.
func (p *SnapshotPreparer) prepareGroups(out *Snapshot) error {
	for i := range out.KnowledgeBases {
		x := &out.KnowledgeBases[i]
		if err := p.node(KindKnowledgeBase, x.ID, x.Version, x.CreatedAt, x.Validate); err != nil {
			return err
		}
		x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()
	}
	for i := range out.Communities {
		x := &out.Communities[i]
		if err := p.node(KindCommunity, x.ID, x.Version, x.CreatedAt, x.Validate); err != nil {
			return err
		}
		x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()
	}
	for i := range out.Carnets {
		x := &out.Carnets[i]
		x.Categories = append([]string(nil), x.Categories...)
		if err := p.node(KindCarnet, x.ID, x.Version, x.CreatedAt, x.Validate); err != nil {
			return err
		}
		x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()
		p.categories[x.ID] = x.Categories
	}
	return nil
}

func (p *SnapshotPreparer) prepareContributors(out *Snapshot) error {
	for i := range out.Contributors {
		x := &out.Contributors[i]
		if err := p.node(KindContributor, x.ID, x.Version, x.CreatedAt, x.Validate); err != nil {
			return err
		}
		x.CreatedAt, x.UpdatedAt = x.CreatedAt.UTC(), x.UpdatedAt.UTC()
	}
	return nil
}

// prepareDocuments checks the documents and keeps their versions, which
// bound their revisions'.
func (p *SnapshotPreparer) prepareDocuments(out *Snapshot) error {
	for i := range out.Documents {
		d := &out.Documents[i]
		if !d.Kind.IsDocument() {
			return Errorf(EINVALID, "document %s: kind must be Note, Term or Organisation, not %q", d.ID, d.Kind)
		}
		d.Aliases = append([]string(nil), d.Aliases...)
		if err := p.node(d.Kind, d.ID, d.Version, d.CreatedAt, d.Validate); err != nil {
			return err
		}
		d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
		if d.PublishedAt != nil {
			t := d.PublishedAt.UTC()
			d.PublishedAt = &t
		}
		p.versions[d.ID] = d.Version
	}
	return nil
}

// prepareRevisions checks that each revision is of a document of the
// snapshot, at a version it reached, and given once.
func (p *SnapshotPreparer) prepareRevisions(out *Snapshot) error {
	for i := range out.Revisions {
		r := &out.Revisions[i]
		what := "revision " + r.DocumentID + " v" + strconv.Itoa(r.Version)
		current, ok := p.versions[r.DocumentID]
		if !ok {
			return Errorf(ENOTFOUND, "%s: no document %q", what, r.DocumentID)
		}
		if r.Version < 1 || r.Version > current {
			return Errorf(EINVALID, "%s: the document is at version %d", what, current)
		}
		if err := p.once("rev\x00"+r.DocumentID+"\x00"+strconv.Itoa(r.Version), what); err != nil {
			return err
		}
		r.Changed = append([]string(nil), r.Changed...)
		r.At = r.At.UTC()
	}
	return nil
}

// prepareLinks checks each link's ends (nodes of the snapshot, of the
// kinds the link says if it says), the link itself, its carnet category,
// and that it is given once; it fills in the ends' kinds.
func (p *SnapshotPreparer) prepareLinks(out *Snapshot) error {
	for i := range out.Links {
		l := &out.Links[i]
		what := "link " + string(l.Relation) + " " + l.From + " → " + l.To
		fromKind, toKind := p.kinds[l.From], p.kinds[l.To]
		switch {
		case fromKind == "":
			return Errorf(ENOTFOUND, "%s: no node %q", what, l.From)
		case toKind == "":
			return Errorf(ENOTFOUND, "%s: no node %q", what, l.To)
		case (l.FromKind != "" && l.FromKind != fromKind) || (l.ToKind != "" && l.ToKind != toKind):
			return Errorf(EINVALID, "%s: its ends are a %s and a %s, not a %s and a %s", what, fromKind, toKind, l.FromKind, l.ToKind)
		}
		l.FromKind, l.ToKind = fromKind, toKind
		if err := ValidateLink(*l); err != nil {
			return invalid(what, err)
		}
		if l.Relation == RelInCarnet && l.Category != "" && !(&Carnet{Categories: p.categories[l.To]}).HasCategory(l.Category) {
			return Errorf(EINVALID, "%s: carnet %q has no category %q", what, l.To, l.Category)
		}
		if err := p.once("link\x00"+l.From+"\x00"+string(l.Relation)+"\x00"+l.To, what); err != nil {
			return err
		}
		l.CreatedAt = p.orNow(l.CreatedAt)
	}
	return nil
}

func (p *SnapshotPreparer) prepareDeclarations(out *Snapshot) error {
	for i := range out.Declarations {
		d := &out.Declarations[i]
		what := "declaration " + d.ContributorID + " " + d.Dimension + ":" + d.Value
		if p.kinds[d.ContributorID] != KindContributor {
			return Errorf(ENOTFOUND, "%s: no contributor %q", what, d.ContributorID)
		}
		if ValidateID(d.Dimension) != nil || ValidateID(d.Value) != nil {
			return Errorf(EINVALID, "%s: dimension and value must be taxonomy ids", what)
		}
		// There is no default visibility: a missing one is an error.
		if !d.Visibility.Valid() {
			return Errorf(EINVALID, "%s: visibility must be PRIVATE, AGGREGATE or PUBLIC", what)
		}
		if err := p.once("decl\x00"+d.ContributorID+"\x00"+d.Dimension+"\x00"+d.Value, what); err != nil {
			return err
		}
		d.DeclaredAt = p.orNow(d.DeclaredAt)
	}
	return nil
}

// prepareFlags checks each flag and that its document is one of the
// snapshot, and fills in the document's kind.
func (p *SnapshotPreparer) prepareFlags(out *Snapshot) error {
	for i := range out.Flags {
		f := &out.Flags[i]
		what := "flag " + f.ID
		if err := CheckFlag(f); err != nil {
			return invalid(what, err)
		}
		kind := p.kinds[f.DocumentID]
		if !kind.IsDocument() {
			return Errorf(ENOTFOUND, "%s: no document %q", what, f.DocumentID)
		}
		if f.DocumentKind != "" && f.DocumentKind != kind {
			return Errorf(EINVALID, "%s: document %q is a %s, not a %s", what, f.DocumentID, kind, f.DocumentKind)
		}
		f.DocumentKind = kind
		if err := p.flagComment(f); err != nil {
			return invalid(what, err)
		}
		if err := p.once("flag\x00"+f.ID, what); err != nil {
			return err
		}
		f.CreatedAt = f.CreatedAt.UTC()
		if f.ResolvedAt != nil {
			t := f.ResolvedAt.UTC()
			f.ResolvedAt = &t
		}
	}
	return nil
}

// CheckFlag validates a flag as a store holds it: an id, a flagger, a
// reason, a creation date, and a status its other fields agree with (an
// OPEN flag has no decision yet; a RESOLVED one has a decision and a date).
func CheckFlag(f *Flag) error {
	if err := ValidateID(f.ID); err != nil {
		return err
	}
	if err := ValidateID(f.FlaggerID); err != nil {
		return Errorf(EINVALID, "flagger: %s", ErrorMessage(err))
	}
	if err := CheckFlagReason(f.Reason); err != nil {
		return err
	}
	if f.CreatedAt.IsZero() {
		return Errorf(EINVALID, "no creation date")
	}
	switch f.Status {
	case FlagOpen:
		if f.Decision != "" || f.Note != "" || f.ResolverID != "" || f.ResolvedAt != nil {
			return Errorf(EINVALID, "an OPEN flag has no decision, note, resolver or resolution date")
		}
	case FlagResolved:
		if err := CheckResolution(f.Decision, f.Note); err != nil {
			return err
		}
		if f.ResolvedAt == nil {
			return Errorf(EINVALID, "a RESOLVED flag needs its resolution date")
		}
		if f.ResolverID != "" {
			if err := ValidateID(f.ResolverID); err != nil {
				return Errorf(EINVALID, "resolver: %s", ErrorMessage(err))
			}
		}
	default:
		return Errorf(EINVALID, "status must be OPEN or RESOLVED, not %q", f.Status)
	}
	return nil
}

// invalid names the object an error is about, keeping the error's code.
func invalid(what string, err error) error {
	return Errorf(ErrorCode(err), "%s: %s", what, ErrorMessage(err))
}
