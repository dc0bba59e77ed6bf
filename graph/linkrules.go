package graph

// The rules of Link and Unlink, for every store: which checks, in which
// order, with which errors. A store gives the reads and the delete
// (LinkTx); the order matters for privacy, since an end the viewer may
// not read must be NOT_FOUND before any rule speaks of it.

// LinkTx is what the link rules need of a store's write transaction, as
// its viewer sees the graph.
type LinkTx interface {
	// VisibleKinds returns the kind of each id the viewer may read;
	// missing and unreadable ids are absent.
	VisibleKinds(ids ...string) (map[string]Kind, error)
	// Authors returns the ids of a document's authors.
	Authors(id string) ([]string, error)
	// GetLink returns the stored link, or nil when there is none.
	GetLink(rel Relation, from, to string) (*Link, error)
	// DeleteLink deletes a stored link and records its UNLINK change.
	DeleteLink(old *Link) error
}

// ValidRelation refuses a relation the graph does not have.
func ValidRelation(rel Relation) error {
	if !rel.Valid() {
		return Errorf(EINVALID, "unknown relation %q", rel)
	}
	return nil
}

// CheckLinkQuery checks the relation ("" is every one) and direction of
// a read of links.
func CheckLinkQuery(rel Relation, dir Direction) error {
	if rel != "" {
		if err := ValidRelation(rel); err != nil {
			return err
		}
	}
	if !dir.Valid() {
		return Errorf(EINVALID, "direction must be OUT, IN or BOTH")
	}
	return nil
}

// LinkEnds fills l's end kinds as the viewer sees them: NOT_FOUND for an
// end that is missing or that the viewer may not read, From first.
func LinkEnds(tx LinkTx, l *Link) error {
	ks, err := tx.VisibleKinds(l.From, l.To)
	if err != nil {
		return err
	}
	if l.FromKind = ks[l.From]; l.FromKind == "" {
		return NotFound(l.From)
	}
	if l.ToKind = ks[l.To]; l.ToKind == "" {
		return NotFound(l.To)
	}
	return nil
}

// CanLink applies "the viewer may edit the From end" to a link whose
// kinds are known. Authorship is the exception: claiming to be the author
// of a document would grant the right to edit it, so AUTHORED links are
// made by the document's editors.
func CanLink(v Viewer, tx LinkTx, l *Link) error {
	ok := v.IsCurator()
	switch {
	case ok:
	case l.FromKind.IsDocument():
		authors, err := tx.Authors(l.From)
		if err != nil {
			return err
		}
		ok = v.CanEditDocument(authors)
	case l.Relation == RelMemberOf || l.Relation == RelAffiliatedWith:
		ok = v.CanEditContributor(l.From)
	case l.Relation == RelAuthored:
		authors, err := tx.Authors(l.To)
		if err != nil {
			return err
		}
		ok = v.CanEditDocument(authors)
	}
	if !ok {
		return Errorf(EFORBIDDEN, "you may not change the %s links of %q", l.Relation, l.From)
	}
	return nil
}

// CheckLink is every check of Link before the write: a signed-in writer,
// a known relation, readable ends, a link of the right shape, and the
// rights to make it. It fills l's end kinds.
func CheckLink(v Viewer, tx LinkTx, l *Link) error {
	if err := RequireWriter(v); err != nil {
		return err
	}
	if err := ValidRelation(l.Relation); err != nil {
		return err
	}
	if err := LinkEnds(tx, l); err != nil {
		return err
	}
	if err := ValidateLink(*l); err != nil {
		return err
	}
	if err := CanLink(v, tx, l); err != nil {
		return err
	}
	return CanAddLink(v, *l)
}

// Unlink is LinkStore.Unlink inside a store's write transaction: the
// same rights as Link (but CanAddLink: a member may leave on their own),
// NOT_FOUND when there is no such link.
func Unlink(v Viewer, tx LinkTx, rel Relation, from, to string) error {
	if err := RequireWriter(v); err != nil {
		return err
	}
	if err := ValidRelation(rel); err != nil {
		return err
	}
	l := Link{Relation: rel, From: from, To: to}
	if err := LinkEnds(tx, &l); err != nil {
		return err
	}
	if err := CanLink(v, tx, &l); err != nil {
		return err
	}
	old, err := tx.GetLink(rel, from, to)
	if err != nil {
		return err
	}
	if old == nil {
		return Errorf(ENOTFOUND, "no %s link from %q to %q", rel, from, to)
	}
	return tx.DeleteLink(old)
}
