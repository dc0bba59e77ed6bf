package embedded

import (
	"bytes"
	"fmt"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// Visibility is decided here, in the reader's transaction: the document,
// its authors, its communities and the viewer's memberships are read from
// the same snapshot, so no read can slip between a change of access and
// the data it guards.

// visibleKind returns the kind of node id, or "" when it does not exist
// or is a document the viewer may not read: both look the same to callers.
func (r *reader) visibleKind(id string) (graph.Kind, error) {
	k := r.kind(id)
	if k == "" {
		return "", nil
	}
	ok, err := r.canRead(id, k)
	if err != nil || !ok {
		return "", err
	}
	return k, nil
}

// canRead applies graph.Viewer.CanRead. Only documents are ever hidden.
func (r *reader) canRead(id string, k graph.Kind) (bool, error) {
	if !k.IsDocument() {
		return true, nil
	}
	if ok, seen := r.readable[id]; seen {
		return ok, nil
	}
	h, err := r.head(id, k)
	if err != nil || h == nil {
		return false, err
	}
	return r.decide(id, graph.Visibility(h.visibility)), nil
}

// head reads document id's head; nil when it has none.
func (r *reader) head(id string, k graph.Kind) (*headView, error) {
	b := r.headsOf(k).Get([]byte(id))
	if b == nil {
		return nil, nil
	}
	h, err := readHead(b)
	if err != nil {
		return nil, fmt.Errorf("head of %s: %w", id, err)
	}
	return &h, nil
}

// decide is canReadHead remembered for the rest of the transaction.
func (r *reader) decide(id string, vis graph.Visibility) bool {
	if ok, seen := r.readable[id]; seen {
		return ok
	}
	ok := r.canReadHead(id, vis)
	if r.readable == nil {
		r.readable = map[string]bool{}
	}
	r.readable[id] = ok
	return ok
}

// canReadHead decides with graph.Viewer.CanRead. Lists call it for every
// candidate, so the access it passes holds only what can matter to this
// viewer, found by direct lookups: whether the viewer is among the
// authors, and which of the viewer's communities the document is tied to.
// CanRead reaches the same answer as with the full lists. Public documents
// and viewers who see everything need no lookup at all.
func (r *reader) canReadHead(id string, vis graph.Visibility) bool {
	return r.v.CanRead(r.accessFor(id, vis), r.memberOf)
}

// canReadRevision applies graph.Viewer.CanReadRevision to a revision of
// document id, which the viewer may read.
func (r *reader) canReadRevision(id string, rev *graph.Revision) bool {
	return r.v.CanReadRevision(rev, r.accessFor(id, rev.Visibility), r.memberOf)
}

// accessFor is what canReadHead passes to CanRead for a document of
// visibility vis; it fills r.memberOf when it needs it.
func (r *reader) accessFor(id string, vis graph.Visibility) graph.DocumentAccess {
	a := graph.DocumentAccess{Visibility: vis}
	me := r.v.ContributorID
	if vis != graph.VisibilityPublic && !r.v.SeesEverything() && me != "" {
		if r.in.Get(linkKey(id, graph.RelAuthored, me)) != nil {
			a.AuthorIDs = []string{me}
		} else if vis == graph.VisibilityCommunity {
			if r.memberOf == nil {
				r.memberOf = map[string]bool{}
				for _, c := range r.linkedIDs(r.out, me, graph.RelMemberOf) {
					r.memberOf[c] = true
				}
			}
			for c := range r.memberOf {
				if r.out.Get(linkKey(id, graph.RelOfCommunity, c)) != nil {
					a.CommunityIDs = []string{c}
					break
				}
			}
		}
	}
	return a
}

// authors returns the contributors who AUTHORED document id.
func (r *reader) authors(id string) []string { return r.linkedIDs(r.in, id, graph.RelAuthored) }

// linkedIDs returns the other ends of id's links of relation rel, read from
// the keys alone.
func (r *reader) linkedIDs(b *bbolt.Bucket, id string, rel graph.Relation) []string {
	var out []string
	prefix := linkPrefix(id, rel)
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, string(k[len(prefix):]))
	}
	return out
}
