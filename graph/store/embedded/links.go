package embedded

import (
	"bytes"
	"context"
	"fmt"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// Links are stored twice, as from\x00REL\x00to in bOut and to\x00REL\x00from
// in bIn, with the same value: both directions are one prefix scan, and
// backlinks are derived from bIn rather than stored as separate links.

func linkKey(a string, rel graph.Relation, b string) []byte {
	return []byte(a + "\x00" + string(rel) + "\x00" + b)
}

// linkPrefix selects id's links of relation rel, or all of them when rel
// is empty.
func linkPrefix(id string, rel graph.Relation) []byte {
	if rel == "" {
		return idPrefix(id)
	}
	return []byte(id + "\x00" + string(rel) + "\x00")
}

// scanLinks calls fn with the relation, the other end and the stored value
// of each of id's links in bucket b (r.out or r.in), without copying: the
// slices alias the database page.
func scanLinks(b *bbolt.Bucket, id string, rel graph.Relation, fn func(rel, other, value []byte) error) error {
	prefix := linkPrefix(id, rel)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		rest := k[len(id)+1:]
		sep := bytes.IndexByte(rest, 0)
		if sep < 0 {
			return fmt.Errorf("link key %q: %w", k, errBadRecord)
		}
		if err := fn(rest[:sep], rest[sep+1:], v); err != nil {
			return err
		}
	}
	return nil
}

// rawLinks returns id's links in direction dir, readable or not: deletion
// cascades and permission checks must see all of them.
func (r *reader) rawLinks(id string, rel graph.Relation, dir graph.Direction) ([]graph.Link, error) {
	var out []graph.Link
	scan := func(b *bbolt.Bucket, outward bool) error {
		return scanLinks(b, id, rel, func(rel, other, v []byte) error {
			from, to := id, string(other)
			if !outward {
				from, to = to, from
			}
			l, err := decodeLink(graph.Relation(rel), from, to, v)
			if err != nil {
				return fmt.Errorf("link %s %s %s: %w", from, rel, to, err)
			}
			out = append(out, l)
			return nil
		})
	}
	if dir == graph.Out || dir == graph.Both {
		if err := scan(r.out, true); err != nil {
			return nil, err
		}
	}
	if dir == graph.In || dir == graph.Both {
		if err := scan(r.in, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// visibleLinks returns the links of a readable node whose other end the
// viewer may read too, in neighbour order. The adjacency index tells the
// ends everyone may read from the others without reading their heads.
func (r *reader) visibleLinks(id string, rel graph.Relation, dir graph.Direction) ([]graph.Link, error) {
	var out []graph.Link
	for _, d := range []byte{dirOut, dirIn} {
		if (d == dirOut && dir == graph.In) || (d == dirIn && dir == graph.Out) {
			continue
		}
		err := r.scanVisible(id, d, rel, func(rel graph.Relation, other, v []byte) (bool, error) {
			l, err := decodeAdjacent(id, d, rel, other, v)
			out = append(out, l)
			return err == nil, err
		})
		if err != nil {
			return nil, err
		}
	}
	if err := r.rankCarnetEntries(out); err != nil {
		return nil, err
	}
	graph.SortLinks(id, out)
	return out, nil
}

// rankCarnetEntries replaces the stored position of each IN_CARNET link
// among ls by the position the viewer is shown (graph.CarnetRanks).
func (r *reader) rankCarnetEntries(ls []graph.Link) error {
	if r.v.SeesStoredPositions() {
		return nil
	}
	for i := range ls {
		if ls[i].Relation != graph.RelInCarnet {
			continue
		}
		ranks, err := r.carnetRanks(ls[i].To)
		if err != nil {
			return err
		}
		ls[i].Position = ranks[ls[i].From]
	}
	return nil
}

// carnetRanks is graph.CarnetRanks over the entries of carnet id that the
// viewer may read, read in this transaction.
func (r *reader) carnetRanks(id string) (map[string]int, error) {
	if ranks, ok := r.ranks[id]; ok {
		return ranks, nil
	}
	var entries []graph.Link
	err := scanLinks(r.in, id, graph.RelInCarnet, func(_, other, v []byte) error {
		fromKind, _, _, err := readLinkEnds(v)
		if err != nil {
			return err
		}
		ok, err := r.canRead(string(other), graph.Kind(fromKind))
		if err != nil || !ok {
			return err
		}
		p, err := readLinkPosition(v)
		entries = append(entries, graph.Link{From: string(other), Position: p})
		return err
	})
	if err != nil {
		return nil, err
	}
	if r.ranks == nil {
		r.ranks = map[string]map[string]int{}
	}
	r.ranks[id] = graph.CarnetRanks(entries)
	return r.ranks[id], nil
}

func (r *reader) getLink(rel graph.Relation, from, to string) (*graph.Link, error) {
	v := r.out.Get(linkKey(from, rel, to))
	if v == nil {
		return nil, nil
	}
	l, err := decodeLink(rel, from, to, v)
	if err != nil {
		return nil, fmt.Errorf("link %s %s %s: %w", from, rel, to, err)
	}
	return &l, nil
}

// putLink and deleteLink are the only writers of bOut and bIn: the
// adjacency index (adjacency.go) counts on seeing every link come and go.
func (w *writer) putLink(l *graph.Link) error {
	v := encodeLink(l)
	key := linkKey(l.From, l.Relation, l.To)
	isNew := w.out.Get(key) == nil
	if err := w.out.Put(key, v); err != nil {
		return err
	}
	w.forgetAccess()
	if err := w.in.Put(linkKey(l.To, l.Relation, l.From), v); err != nil {
		return err
	}
	if isNew {
		return w.countLink(l, 1)
	}
	return nil
}

func (w *writer) deleteLink(l *graph.Link) error {
	key := linkKey(l.From, l.Relation, l.To)
	if w.out.Get(key) == nil {
		return nil
	}
	if err := w.out.Delete(key); err != nil {
		return err
	}
	w.forgetAccess()
	if err := w.in.Delete(linkKey(l.To, l.Relation, l.From)); err != nil {
		return err
	}
	return w.countLink(l, -1)
}

// forgetAccess drops cached visibility decisions once the links or
// documents they rest on change inside the transaction.
func (w *writer) forgetAccess() {
	w.readable, w.memberOf = nil, nil
	w.mine, w.mineTooMany = nil, false
	w.ranks = nil
}

// validRelation and checkLinkQuery are graph's rules.
var (
	validRelation  = graph.ValidRelation
	checkLinkQuery = graph.CheckLinkQuery
)

// linkTx is a writer as graph's link rules see it.
type linkTx struct{ w *writer }

func (t linkTx) VisibleKinds(ids ...string) (map[string]graph.Kind, error) {
	ks := make(map[string]graph.Kind, len(ids))
	for _, id := range ids {
		k, err := t.w.visibleKind(id)
		if err != nil {
			return nil, err
		}
		if k != "" {
			ks[id] = k
		}
	}
	return ks, nil
}

func (t linkTx) Authors(id string) ([]string, error) { return t.w.authors(id), nil }

func (t linkTx) GetLink(rel graph.Relation, from, to string) (*graph.Link, error) {
	return t.w.getLink(rel, from, to)
}

func (t linkTx) DeleteLink(old *graph.Link) error {
	if err := t.w.deleteLink(old); err != nil {
		return err
	}
	return t.w.recordLink(graph.OpUnlink, old)
}

// Link implements graph.LinkStore.
func (s *Store) Link(ctx context.Context, l graph.Link) (*graph.Link, error) {
	in := l
	err := s.update(ctx, func(w *writer) error {
		l = in // update may run this again: start each run from the input
		if err := w.checkedLink(&l); err != nil {
			return err
		}
		// The link is shown as the viewer sees it: a new carnet entry's
		// position counts only the entries the viewer may read.
		ls := []graph.Link{l}
		if err := w.rankCarnetEntries(ls); err != nil {
			return err
		}
		l = ls[0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// checkedLink is Link inside a transaction: ends, shape and rights first.
func (w *writer) checkedLink(l *graph.Link) error {
	if err := graph.CheckLink(w.v, linkTx{w}, l); err != nil {
		return err
	}
	return w.link(l)
}

// link writes l, whose ends and rights are checked, merging it into an
// existing link: a zero Role or Position keeps the stored one.
func (w *writer) link(l *graph.Link) error {
	old, err := w.getLink(l.Relation, l.From, l.To)
	if err != nil {
		return err
	}
	graph.MergeLink(l, old, w.now)
	if l.Relation == graph.RelInCarnet {
		if err := w.placeInCarnet(l); err != nil {
			return err
		}
	}
	if err := w.putLink(l); err != nil {
		return err
	}
	return w.recordLink(graph.OpLink, l)
}

// placeInCarnet checks the category and appends a new entry at the end.
func (w *writer) placeInCarnet(l *graph.Link) error {
	c, err := w.carnet(l.To)
	if err != nil {
		return err
	}
	if l.Category != "" && !c.HasCategory(l.Category) {
		return graph.Errorf(graph.EINVALID, "carnet %q has no category %q", l.To, l.Category)
	}
	if l.Position != 0 {
		return nil
	}
	err = scanLinks(w.in, l.To, graph.RelInCarnet, func(_, _, v []byte) error {
		p, err := readLinkPosition(v)
		l.Position = max(l.Position, p)
		return err
	})
	l.Position++
	return err
}

// Unlink implements graph.LinkStore.
func (s *Store) Unlink(ctx context.Context, rel graph.Relation, from, to string) error {
	return s.update(ctx, func(w *writer) error { return graph.Unlink(w.v, linkTx{w}, rel, from, to) })
}

// Links implements graph.LinkStore. An empty rel means every relation.
func (s *Store) Links(ctx context.Context, ids []string, rel graph.Relation, dir graph.Direction) (map[string][]graph.Link, error) {
	if err := checkLinkQuery(rel, dir); err != nil {
		return nil, err
	}
	out := map[string][]graph.Link{}
	err := s.view(ctx, func(r *reader) error {
		for _, id := range ids {
			if _, done := out[id]; done {
				continue
			}
			k, err := r.visibleKind(id)
			if err != nil {
				return err
			}
			if k == "" {
				continue
			}
			links, err := r.visibleLinks(id, rel, dir)
			if err != nil {
				return err
			}
			if len(links) > 0 {
				out[id] = links
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LinksOf implements graph.LinkStore: every selection in one read
// transaction.
func (s *Store) LinksOf(ctx context.Context, sel []graph.LinkSelection) ([][]graph.Link, error) {
	for _, q := range sel {
		if err := checkLinkQuery(q.Relation, q.Direction); err != nil {
			return nil, err
		}
	}
	out := make([][]graph.Link, len(sel))
	err := s.view(ctx, func(r *reader) error {
		for i, q := range sel {
			k, err := r.visibleKind(q.ID)
			if err != nil {
				return err
			}
			if k == "" {
				out[i] = nil
				continue
			}
			links, err := r.visibleLinks(q.ID, q.Relation, q.Direction)
			if err != nil {
				return err
			}
			if len(links) == 0 {
				links = nil
			}
			out[i] = links
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Neighbours implements graph.LinkStore. An empty rel means every relation.
func (s *Store) Neighbours(ctx context.Context, id string, rel graph.Relation, dir graph.Direction, p graph.Page) (*graph.Connection[graph.Link], error) {
	if err := checkLinkQuery(rel, dir); err != nil {
		return nil, err
	}
	var links []graph.Link
	err := s.view(ctx, func(r *reader) error {
		k, err := r.visibleKind(id)
		if err != nil || k == "" {
			return err
		}
		links, err = r.visibleLinks(id, rel, dir)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.Paginate(links, graph.LinkCursor(id), false, p)
}
