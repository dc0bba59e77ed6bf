package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/encommun/maillage/graph"
)

// listItem is what a document list sorts before it loads the one page it
// returns.
type listItem struct {
	id, key string
}

// ListDocuments implements graph.DocumentStore. It walks the sort index of
// the order (never a record), or starts from the links of an id the filter
// names instead of scanning every document; visibility is checked on each
// candidate, so TotalCount counts what the viewer may read. Only the page
// it returns is loaded.
func (s *Store) ListDocuments(ctx context.Context, f graph.DocumentFilter, o graph.DocumentOrder, p graph.Page) (*graph.Connection[*graph.Document], error) {
	// Refuse a bad page before the scan rather than after it.
	if _, err := p.Limit(); err != nil {
		return nil, err
	}
	if p.After != "" {
		if _, err := graph.DecodeCursor(p.After); err != nil {
			return nil, err
		}
	}
	order, err := orderIndex(o.Field)
	if err != nil {
		return nil, err
	}
	kinds, err := filterKinds(f.Kinds)
	if err != nil {
		return nil, err
	}
	if f.Visibility != "" && !f.Visibility.Valid() {
		return nil, graph.Errorf(graph.EINVALID, "visibility must be PUBLIC, COMMUNITY or PRIVATE")
	}
	if f.Category != "" && f.CarnetID == "" {
		return nil, graph.Errorf(graph.EINVALID, "a category filter needs a carnet")
	}
	var cut *listCut
	if p.NoTotal {
		limit, _ := p.Limit()
		cut = &listCut{n: limit + 1}
		if p.After != "" {
			after, _ := graph.DecodeCursor(p.After)
			cut.hasAfter, cut.key, cut.id = true, []byte(after.Key), []byte(after.ID)
		}
	}
	var out *graph.Connection[*graph.Document]
	err = s.view(ctx, func(r *reader) error {
		items, err := r.listItems(f, kinds, order, o.Desc, cut)
		if err != nil {
			return err
		}
		// items are already in order, so Paginate's stable sort has
		// nothing to move.
		page, err := graph.Paginate(items, listItem.cursor, o.Desc, p)
		if err != nil {
			return err
		}
		out = &graph.Connection[*graph.Document]{TotalCount: page.TotalCount, PageInfo: page.PageInfo}
		for _, e := range page.Edges {
			d, err := r.document(e.Node.id)
			if err != nil {
				return err
			}
			out.Edges = append(out.Edges, graph.ConnEdge[*graph.Document]{Cursor: e.Cursor, Node: d})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (it listItem) cursor() graph.Cursor { return graph.Cursor{Key: it.key, ID: it.id} }

func compareItems(desc bool) func(a, b listItem) int {
	return func(a, b listItem) int {
		if desc {
			return b.cursor().Compare(a.cursor())
		}
		return a.cursor().Compare(b.cursor())
	}
}

// listCut stops a list's scan of the sort index once it holds a page and
// one item more after the cursor (graph.Page.NoTotal): the rest would only
// be counted.
type listCut struct {
	n        int    // items to keep per kind
	hasAfter bool   // false on the first page
	key, id  []byte // the cursor
}

// follows reports whether the entry (key, id) comes after the cursor in
// the list's order, as graph.Cursor.Compare orders them.
func (c *listCut) follows(key, id []byte, desc bool) bool {
	if !c.hasAfter {
		return true
	}
	cmp := bytes.Compare(key, c.key)
	if cmp == 0 {
		cmp = bytes.Compare(id, c.id)
	}
	if desc {
		cmp = -cmp
	}
	return cmp > 0
}

// errCut ends a scan that a listCut has stopped.
var errCut = errors.New("list cut")

// listItems returns the readable documents that match f, sorted; with a
// cut, only the first cut.n of each kind after its cursor.
func (r *reader) listItems(f graph.DocumentFilter, kinds map[graph.Kind]bool, order int, desc bool, cut *listCut) ([]listItem, error) {
	keep := func(id string, visibility, language []byte) bool {
		return (f.Language == "" || bytes.EqualFold(language, []byte(f.Language))) &&
			(f.Visibility == "" || string(r.declaredVisibility(id, visibility)) == string(f.Visibility)) &&
			r.canReadHead(id, graph.Visibility(visibility))
	}
	cands, narrowed, err := r.candidates(f)
	if err != nil {
		return nil, err
	}
	var items []listItem
	if narrowed {
		for id, kind := range cands {
			if err := r.checkpoint(); err != nil {
				return nil, err
			}
			b := r.headsOf(kind).Get([]byte(id))
			if !kinds[kind] || b == nil {
				continue
			}
			h, err := readHead(b)
			if err != nil {
				return nil, fmt.Errorf("head of %s: %w", id, err)
			}
			if keep(id, h.visibility, h.language) {
				items = append(items, listItem{id: id, key: string(h.keys[order])})
			}
		}
		slices.SortFunc(items, compareItems(desc))
		return items, nil
	}
	var runs [][]listItem
	for _, kind := range graph.DocumentKinds {
		if !kinds[kind] {
			continue
		}
		var run []listItem
		err := r.scanSorted(kind, order, desc, func(key, id, facets []byte) error {
			if err := r.checkpoint(); err != nil {
				return err
			}
			vis, lang, err := readFacets(facets)
			if err != nil {
				return fmt.Errorf("sort entry of %s: %w", id, err)
			}
			if cut != nil && !cut.follows(key, id, desc) {
				return nil
			}
			// One allocation holds both strings of the item.
			both := string(key) + string(id)
			sid := both[len(key):]
			if keep(sid, vis, lang) {
				run = append(run, listItem{id: sid, key: both[:len(key)]})
				if cut != nil && len(run) >= cut.n {
					return errCut
				}
			}
			return nil
		})
		if err != nil && err != errCut {
			return nil, err
		}
		runs = append(runs, run)
	}
	return mergeRuns(runs, compareItems(desc)), nil
}

// mergeRuns merges sorted runs (one per kind, so at most three).
func mergeRuns(runs [][]listItem, cmp func(a, b listItem) int) []listItem {
	var out []listItem
	for _, run := range runs {
		if len(out) == 0 {
			out = run
			continue
		}
		merged := make([]listItem, 0, len(out)+len(run))
		i, j := 0, 0
		for i < len(out) && j < len(run) {
			if cmp(run[j], out[i]) < 0 {
				merged = append(merged, run[j])
				j++
			} else {
				merged = append(merged, out[i])
				i++
			}
		}
		out = append(append(merged, out[i:]...), run[j:]...)
	}
	return out
}

// candidates returns the documents that the filter's linked ids allow, or
// narrowed=false when it names none. An id that is missing, of the wrong
// kind or hidden from the viewer matches nothing, like an unknown one.
func (r *reader) candidates(f graph.DocumentFilter) (ids map[string]graph.Kind, narrowed bool, err error) {
	type via struct {
		id   string
		kind graph.Kind
		rel  graph.Relation
		dir  graph.Direction
	}
	var vias []via
	if f.AuthorID != "" {
		vias = append(vias, via{f.AuthorID, graph.KindContributor, graph.RelAuthored, graph.Out})
	}
	if f.CarnetID != "" {
		vias = append(vias, via{f.CarnetID, graph.KindCarnet, graph.RelInCarnet, graph.In})
	}
	if f.CommunityID != "" {
		vias = append(vias, via{f.CommunityID, graph.KindCommunity, graph.RelOfCommunity, graph.In})
	}
	if f.TermID != "" {
		vias = append(vias, via{f.TermID, graph.KindTerm, graph.RelMentions, graph.In})
	}
	if f.OrganisationID != "" {
		vias = append(vias, via{f.OrganisationID, graph.KindOrganisation, graph.RelConcerns, graph.In})
	}
	if len(vias) == 0 {
		return nil, false, nil
	}
	for i, v := range vias {
		set := map[string]graph.Kind{}
		k, err := r.visibleKind(v.id)
		if err != nil {
			return nil, true, err
		}
		if k == v.kind {
			b, outward := r.in, false
			if v.dir == graph.Out {
				b, outward = r.out, true
			}
			err := scanLinks(b, v.id, v.rel, func(_, other, value []byte) error {
				fromKind, toKind, category, err := readLinkEnds(value)
				if err != nil {
					return fmt.Errorf("link of %s: %w", v.id, err)
				}
				kind := fromKind
				if outward {
					kind = toKind
				}
				if f.Category != "" && v.rel == graph.RelInCarnet && string(category) != f.Category {
					return nil
				}
				if id := string(other); graph.Kind(kind).IsDocument() && (i == 0 || ids[id] != "") {
					set[id] = graph.Kind(kind)
				}
				return nil
			})
			if err != nil {
				return nil, true, err
			}
		}
		ids = set
	}
	return ids, true, nil
}

func orderIndex(f graph.DocumentOrderField) (int, error) {
	if f == "" {
		return 0, nil
	}
	for i, o := range headOrders {
		if o == f {
			return i, nil
		}
	}
	return 0, graph.Errorf(graph.EINVALID, "unknown order %q: CREATED_AT, UPDATED_AT, PUBLISHED_AT or TITLE", f)
}

// filterKinds returns the kinds to list; none means every document kind.
func filterKinds(ks []graph.Kind) (map[graph.Kind]bool, error) {
	out := map[graph.Kind]bool{}
	for _, k := range ks {
		if !k.IsDocument() {
			return nil, graph.Errorf(graph.EINVALID, "kind %q is not a document kind: Note, Term or Organisation", k)
		}
		out[k] = true
	}
	if len(ks) == 0 {
		for _, k := range graph.DocumentKinds {
			out[k] = true
		}
	}
	return out, nil
}
