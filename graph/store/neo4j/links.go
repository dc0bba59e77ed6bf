package neo4j

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/encommun/maillage/graph"
)

// relationsFor is the allow-list a link query matches: one relation, or
// every relation of graph.Relations when rel is empty.
func relationsFor(rel graph.Relation) []graph.Relation {
	if rel == "" {
		return graph.Relations
	}
	return []graph.Relation{rel}
}

// sortLinks puts one node's links in neighbour order (graph.LinkCursor),
// ties kept in the embedded store's storage order, so both stores list
// links alike.
func sortLinks(id string, links []graph.Link) {
	slices.SortFunc(links, func(a, b graph.Link) int {
		aOut, bOut := a.From == id, b.From == id
		if aOut != bOut {
			if aOut {
				return -1
			}
			return 1
		}
		ao, _ := a.Other(id)
		bo, _ := b.Other(id)
		return cmp.Or(cmp.Compare(a.Relation, b.Relation), cmp.Compare(ao, bo))
	})
	graph.SortLinks(id, links)
}

// visibleLinks returns, for each readable id, its links whose other end
// the viewer may read too, in neighbour order; both rules are in the query.
func (r *reader) visibleLinks(ids []string, rel graph.Relation, dir graph.Direction) (map[string][]graph.Link, error) {
	ids = uniq(ids)
	sel := make([]graph.LinkSelection, len(ids))
	for i, id := range ids {
		sel[i] = graph.LinkSelection{ID: id, Relation: rel, Direction: dir}
	}
	lists, err := r.selectedLinks(sel)
	if err != nil {
		return nil, err
	}
	out := map[string][]graph.Link{}
	for i, id := range ids {
		if len(lists[i]) > 0 {
			out[id] = lists[i]
		}
	}
	return out, nil
}

// selectedLinks returns the links of each selection, in order, in neighbour
// order, in one statement (and one more for the carnet positions shown,
// when carnet entries are among them). Selections asked twice are read once.
func (r *reader) selectedLinks(sel []graph.LinkSelection) ([][]graph.Link, error) {
	out := make([][]graph.Link, len(sel))
	index := map[graph.LinkSelection]int{}
	var rows []map[string]any
	for _, q := range sel {
		if _, ok := index[q]; ok {
			continue
		}
		index[q] = len(rows)
		rows = append(rows, map[string]any{"id": q.ID, "rels": relNames(relationsFor(q.Relation)), "dir": string(q.Direction)})
	}
	if len(rows) == 0 {
		return out, nil
	}
	recs, err := r.run(visibleLinks, r.viewer(map[string]any{"sel": rows}))
	if err != nil {
		return nil, err
	}
	lists := make([][]graph.Link, len(rows))
	for _, rec := range recs {
		l, err := decodeLink(rec)
		if err != nil {
			return nil, err
		}
		v, _ := rec.Get("i")
		i, ok := v.(int64)
		if !ok || i < 0 || int(i) >= len(lists) {
			return nil, fmt.Errorf("neo4j store: visibleLinks: selection %v out of range", v)
		}
		lists[i] = append(lists[i], l)
	}
	if err := r.rankCarnetEntries(lists...); err != nil {
		return nil, err
	}
	for q, i := range index {
		sortLinks(q.ID, lists[i])
	}
	for i, q := range sel {
		// Each list its own copy, as if read separately.
		out[i] = slices.Clone(lists[index[q]])
	}
	return out, nil
}

// rankCarnetEntries replaces the stored position of each IN_CARNET link
// among the lists by the position the viewer is shown
// (graph.CarnetRanks), from the carnets' readable entries, read in the
// same transaction: one statement for every carnet met.
func (r *reader) rankCarnetEntries(lists ...[]graph.Link) error {
	if r.v.SeesStoredPositions() {
		return nil
	}
	var carnets []string
	for _, ls := range lists {
		for _, l := range ls {
			if l.Relation == graph.RelInCarnet {
				carnets = append(carnets, l.To)
			}
		}
	}
	if len(carnets) == 0 {
		return nil
	}
	recs, err := r.run(carnetEntries, r.viewer(map[string]any{"ids": uniq(carnets)}))
	if err != nil {
		return err
	}
	entries := map[string][]graph.Link{}
	for _, rec := range recs {
		x := recordDecoder(rec)
		id, doc, pos := x.str("id"), x.str("document"), int(x.int("position"))
		if err := x.done("carnet entry"); err != nil {
			return err
		}
		entries[id] = append(entries[id], graph.Link{From: doc, Position: pos})
	}
	ranks := make(map[string]map[string]int, len(entries))
	for id, es := range entries {
		ranks[id] = graph.CarnetRanks(es)
	}
	for _, ls := range lists {
		for i := range ls {
			if ls[i].Relation == graph.RelInCarnet {
				ls[i].Position = ranks[ls[i].To][ls[i].From]
			}
		}
	}
	return nil
}

func (r *reader) authors(id string) ([]string, error) {
	recs, err := r.run(authorsOf, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, rec := range recs {
		x := recordDecoder(rec)
		out = append(out, x.str("id"))
		if err := x.done("author"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *reader) getLink(rel graph.Relation, from, to string) (*graph.Link, error) {
	recs, err := r.run(getLink, map[string]any{"from": from, "to": to, "rel": string(rel)})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	l, err := decodeLink(recs[0])
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// validRelation and checkLinkQuery are graph's rules.
var (
	validRelation  = graph.ValidRelation
	checkLinkQuery = graph.CheckLinkQuery
)

// linkTx is a writer as graph's link rules see it.
type linkTx struct{ w *writer }

func (t linkTx) VisibleKinds(ids ...string) (map[string]graph.Kind, error) {
	return t.w.visibleKinds(ids...)
}

func (t linkTx) Authors(id string) ([]string, error) { return t.w.authors(id) }

func (t linkTx) GetLink(rel graph.Relation, from, to string) (*graph.Link, error) {
	return t.w.getLink(rel, from, to)
}

func (t linkTx) DeleteLink(old *graph.Link) error {
	if _, err := t.w.run(deleteLink, map[string]any{"from": old.From, "to": old.To, "rel": string(old.Relation)}); err != nil {
		return err
	}
	t.w.recordLink(graph.OpUnlink, old)
	return nil
}

// Link implements graph.LinkStore.
func (s *Store) Link(ctx context.Context, in graph.Link) (*graph.Link, error) {
	var out graph.Link
	err := s.update(ctx, func(w *writer) error {
		l := in
		if err := graph.CheckLink(w.v, linkTx{w}, &l); err != nil {
			return err
		}
		if err := w.link(&l); err != nil {
			return err
		}
		// The link is shown as the viewer sees it: a new carnet entry's
		// position counts only the entries the viewer may read.
		shown := []graph.Link{l}
		if err := w.rankCarnetEntries(shown); err != nil {
			return err
		}
		l = shown[0]
		out = l
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
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
	if _, err := w.run(mergeLinkCypher[l.Relation], map[string]any{"from": l.From, "to": l.To,
		"props": map[string]any(linkProps(l))}); err != nil {
		return err
	}
	w.recordLink(graph.OpLink, l)
	return nil
}

// placeInCarnet checks the category and appends a new entry at the end.
func (w *writer) placeInCarnet(l *graph.Link) error {
	c, err := getNode(w.reader, carnetType, l.To)
	if err != nil {
		return err
	}
	if c == nil {
		return graph.NotFound(l.To)
	}
	if l.Category != "" && !c.HasCategory(l.Category) {
		return graph.Errorf(graph.EINVALID, "carnet %q has no category %q", l.To, l.Category)
	}
	if l.Position != 0 {
		return nil
	}
	rec, err := w.runSingle(carnetLastPosition, map[string]any{"id": l.To}, "carnetLastPosition")
	if err != nil {
		return err
	}
	x := recordDecoder(rec)
	l.Position = int(x.int("position")) + 1
	return x.done("carnet position")
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
	var out map[string][]graph.Link
	err := s.view(ctx, func(r *reader) (err error) {
		out, err = r.visibleLinks(ids, rel, dir)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LinksOf implements graph.LinkStore: one statement for every selection.
func (s *Store) LinksOf(ctx context.Context, sel []graph.LinkSelection) ([][]graph.Link, error) {
	for _, q := range sel {
		if err := checkLinkQuery(q.Relation, q.Direction); err != nil {
			return nil, err
		}
	}
	var out [][]graph.Link
	err := s.view(ctx, func(r *reader) (err error) {
		out, err = r.selectedLinks(sel)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Neighbours implements graph.LinkStore. An empty rel means every relation.
// A node's links are read whole and paged here: a node has hundreds of
// links, not millions, and the order mixes carnet positions and dates.
func (s *Store) Neighbours(ctx context.Context, id string, rel graph.Relation, dir graph.Direction, p graph.Page) (*graph.Connection[graph.Link], error) {
	if err := checkLinkQuery(rel, dir); err != nil {
		return nil, err
	}
	var links []graph.Link
	err := s.view(ctx, func(r *reader) error {
		m, err := r.visibleLinks([]string{id}, rel, dir)
		links = m[id]
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.Paginate(links, graph.LinkCursor(id), false, p)
}
