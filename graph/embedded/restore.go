package embedded

import (
	"context"
	"strconv"
	"time"

	"github.com/encommun/maillage/graph"
)

var _ graph.Restorer = (*Store)(nil)

// Restore implements graph.Restorer: one read-write transaction that checks
// the store is empty, validates every object as the create methods would,
// and writes them with their own ids, versions, dates and revisions. Any
// error aborts the transaction, so a failed restore leaves the store empty.
func (s *Store) Restore(ctx context.Context, snap graph.Snapshot) error {
	return s.update(ctx, func(w *writer) error {
		if err := w.requireAdmin(); err != nil {
			return err
		}
		if k, _ := w.nodes.Cursor().First(); k != nil {
			return graph.Errorf(graph.ECONFLICT, "the store already holds a graph: restore into an empty data directory")
		}
		r := &restorer{w: w, kinds: map[string]graph.Kind{}, carnets: map[string]*graph.Carnet{}}
		steps := []func() error{
			func() error { return restoreNodes(r, knowledgeBaseType, snap.KnowledgeBases) },
			func() error { return restoreNodes(r, communityType, snap.Communities) },
			func() error { return restoreNodes(r, carnetType, snap.Carnets) },
			func() error { return restoreNodes(r, contributorType, snap.Contributors) },
			func() error { return r.documents(snap.Documents) },
			func() error { return r.revisions(snap.Revisions) },
			func() error { return r.links(snap.Links) },
			func() error { return r.declarations(snap.Declarations) },
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
}

// restorer is one Restore run: the kinds of the nodes written so far, so
// that links and revisions are checked against the snapshot itself.
type restorer struct {
	w        *writer
	kinds    map[string]graph.Kind
	versions map[string]int // documents' current versions
	carnets  map[string]*graph.Carnet
}

// invalid names the object an error is about, keeping the error's code.
func invalid(what string, err error) error {
	return graph.Errorf(graph.ErrorCode(err), "%s: %s", what, graph.ErrorMessage(err))
}

// node checks what every restored node needs: a well-formed unused id, a
// version, and a creation date (a dump always has one; a missing one means
// the snapshot was not taken from a store).
func (r *restorer) node(kind graph.Kind, id string, version int, created time.Time) error {
	what := string(kind) + " " + id
	if err := graph.ValidateID(id); err != nil {
		return invalid(string(kind), err)
	}
	if k := r.kinds[id]; k != "" {
		return graph.Errorf(graph.ECONFLICT, "%s: id %q is already used by a %s", what, id, k)
	}
	if version < 1 {
		return graph.Errorf(graph.EINVALID, "%s: version must be at least 1, not %d", what, version)
	}
	if created.IsZero() {
		return graph.Errorf(graph.EINVALID, "%s: no creation date", what)
	}
	r.kinds[id] = kind
	return nil
}

func restoreNodes[T any](r *restorer, t nodeType[T], xs []T) error {
	for i := range xs {
		x := xs[i] // a copy: the caller's snapshot stays as it was given
		id, created, updated, version := t.fields(&x)
		if err := r.node(t.kind, *id, *version, *created); err != nil {
			return err
		}
		if c, ok := any(&x).(*graph.Carnet); ok {
			if len(c.Categories) == 0 {
				c.Categories = nil
			}
			r.carnets[c.ID] = c
		}
		if err := t.validate(&x); err != nil {
			return invalid(string(t.kind)+" "+*id, err)
		}
		*created, *updated = created.UTC(), updated.UTC()
		if err := r.w.putNode(t.kind, *id, t.encode(&x)); err != nil {
			return err
		}
		if err := r.w.record(graph.OpCreate, t.kind, *id, "", ""); err != nil {
			return err
		}
	}
	return nil
}

func (r *restorer) documents(ds []graph.Document) error {
	r.versions = map[string]int{}
	for i := range ds {
		d := ds[i]
		if !d.Kind.IsDocument() {
			return graph.Errorf(graph.EINVALID, "document %s: kind must be Note, Term or Organisation, not %q", d.ID, d.Kind)
		}
		if err := r.node(d.Kind, d.ID, d.Version, d.CreatedAt); err != nil {
			return err
		}
		if len(d.Aliases) == 0 {
			d.Aliases = nil
		}
		if err := d.Validate(); err != nil {
			return invalid(string(d.Kind)+" "+d.ID, err)
		}
		d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
		if d.PublishedAt != nil {
			t := d.PublishedAt.UTC()
			d.PublishedAt = &t
		}
		r.versions[d.ID] = d.Version
		var err error
		if d.Hidden {
			err = r.w.setHidden(&d, true) // writes the document too
		} else {
			err = r.w.putDocument(&d)
		}
		if err != nil {
			return err
		}
		if err := r.w.record(graph.OpCreate, d.Kind, d.ID, "", ""); err != nil {
			return err
		}
	}
	return nil
}

// revisions keeps each revision as it was, its author included: a revision
// may name a contributor deleted since, as it does in the store it came from.
func (r *restorer) revisions(revs []graph.Revision) error {
	seen := map[string]bool{}
	for i := range revs {
		rev := revs[i]
		what := "revision " + rev.DocumentID + " v" + strconv.Itoa(rev.Version)
		current, ok := r.versions[rev.DocumentID]
		if !ok {
			return graph.Errorf(graph.EINVALID, "%s: no document %q", what, rev.DocumentID)
		}
		if rev.Version < 1 || rev.Version > current {
			return graph.Errorf(graph.EINVALID, "%s: the document is at version %d", what, current)
		}
		key := string(revisionKey(rev.DocumentID, rev.Version))
		if seen[key] {
			return graph.Errorf(graph.ECONFLICT, "%s: given twice", what)
		}
		seen[key] = true
		rev.At = rev.At.UTC()
		if err := r.w.tx.Bucket(bRevisions).Put([]byte(key), encodeRevision(&rev)); err != nil {
			return err
		}
	}
	return nil
}

func (r *restorer) links(ls []graph.Link) error {
	seen := map[string]bool{}
	for i := range ls {
		l := ls[i]
		what := "link " + string(l.Relation) + " " + l.From + " → " + l.To
		fromKind, toKind := r.kinds[l.From], r.kinds[l.To]
		switch {
		case fromKind == "":
			return graph.Errorf(graph.ENOTFOUND, "%s: no node %q", what, l.From)
		case toKind == "":
			return graph.Errorf(graph.ENOTFOUND, "%s: no node %q", what, l.To)
		case (l.FromKind != "" && l.FromKind != fromKind) || (l.ToKind != "" && l.ToKind != toKind):
			return graph.Errorf(graph.EINVALID, "%s: its ends are a %s and a %s, not a %s and a %s", what, fromKind, toKind, l.FromKind, l.ToKind)
		}
		l.FromKind, l.ToKind = fromKind, toKind
		if err := graph.ValidateLink(l); err != nil {
			return invalid(what, err)
		}
		if l.Relation == graph.RelInCarnet && l.Category != "" && !r.carnets[l.To].HasCategory(l.Category) {
			return graph.Errorf(graph.EINVALID, "%s: carnet %q has no category %q", what, l.To, l.Category)
		}
		key := string(linkKey(l.From, l.Relation, l.To))
		if seen[key] {
			return graph.Errorf(graph.ECONFLICT, "%s: given twice", what)
		}
		seen[key] = true
		if l.CreatedAt.IsZero() {
			l.CreatedAt = r.w.now
		}
		l.CreatedAt = l.CreatedAt.UTC()
		if err := r.w.putLink(&l); err != nil {
			return err
		}
		if err := r.w.recordLink(graph.OpLink, &l); err != nil {
			return err
		}
	}
	return nil
}

// declarations are written with their visibility as given: there is no
// default, so a missing one is an error. The change entry names the
// contributor only, as DeclareStandpoint's does.
func (r *restorer) declarations(ds []graph.Declaration) error {
	seen := map[string]bool{}
	changed := map[string]bool{}
	for i := range ds {
		d := ds[i]
		what := "declaration " + d.ContributorID + " " + d.Dimension + ":" + d.Value
		if r.kinds[d.ContributorID] != graph.KindContributor {
			return graph.Errorf(graph.ENOTFOUND, "%s: no contributor %q", what, d.ContributorID)
		}
		if graph.ValidateID(d.Dimension) != nil || graph.ValidateID(d.Value) != nil {
			return graph.Errorf(graph.EINVALID, "%s: dimension and value must be taxonomy ids", what)
		}
		if !d.Visibility.Valid() {
			return graph.Errorf(graph.EINVALID, "%s: visibility must be PRIVATE, AGGREGATE or PUBLIC", what)
		}
		key := declKey(d.ContributorID, d.Dimension, d.Value)
		if seen[string(key)] {
			return graph.Errorf(graph.ECONFLICT, "%s: given twice", what)
		}
		seen[string(key)] = true
		if d.DeclaredAt.IsZero() {
			d.DeclaredAt = r.w.now
		}
		d.DeclaredAt = d.DeclaredAt.UTC()
		if err := r.w.tx.Bucket(bDecls).Put(key, encodeDeclaration(&d)); err != nil {
			return err
		}
		if !changed[d.ContributorID] {
			changed[d.ContributorID] = true
			if err := r.w.record(graph.OpUpdate, graph.KindContributor, d.ContributorID, "", ""); err != nil {
				return err
			}
		}
	}
	return nil
}
