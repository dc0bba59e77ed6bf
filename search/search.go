package search

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/maillage/graph"
)

// highlightFields are the index fields fragments are taken from, and
// the name each is reported under.
var highlightFields = func() map[string]string {
	m := map[string]string{}
	for _, l := range textLangs {
		for _, tf := range textFields {
			m[textField(l, tf.name)] = tf.name
		}
	}
	return m
}()

// Search runs r for r.Viewer. Errors are graph.EINVALID for bad input
// (empty or oversized text, malformed filters or cursor) and plain errors
// for index failures (the API reports those as INTERNAL).
//
// The words are first matched as typed (after analysis). Only when that
// finds nothing is the search run again with typo tolerance (one edit per
// word of five letters or more), and the result says so (Approximate).
// Matching as typed first keeps the frequent case fast: a typo-tolerant
// clause expands into every indexed term one edit away, in every field.
//
// Hits are ordered by score, then id (or by r.Sort's date, then id): a
// total order, so paging with EndCursor yields each hit exactly once while
// the index does not change. After a change scores may move and a page
// boundary with them; a date order moves only for the documents updated.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	if ix.shut.Load() {
		return nil, errClosed
	}
	if ix.cache == nil {
		return ix.search(ctx, r)
	}
	gen := ix.gen.Load()
	if gen%2 == 1 {
		return ix.search(ctx, r) // a write is under way
	}
	key := cacheKey(r, gen)
	if res, ok := ix.cache.get(key); ok && key != "" {
		return res.clone(), nil
	}
	res, err := ix.search(ctx, r)
	if err == nil && key != "" && ix.gen.Load() == gen {
		ix.cache.put(key, res.clone())
	}
	return res, err
}

func (ix *Index) search(ctx context.Context, r Request) (*Result, error) {
	uq, err := parseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	limit, facetSize, after, err := r.validate()
	if err != nil {
		return nil, err
	}
	// Terms and organisations are documents with their own visibility: a
	// filter on one the viewer cannot read matches as if it did not exist.
	for _, ids := range []*[]string{&r.Filter.Terms, &r.Filter.Organisations} {
		if len(*ids) == 0 || r.Viewer.SeesEverything() {
			continue
		}
		seen, err := ix.readable(ctx, *ids, r.Viewer, r.ViewerCommunities)
		if err != nil {
			return nil, err
		}
		var keep []string
		for _, id := range *ids {
			if seen[id] {
				keep = append(keep, id)
			}
		}
		if len(keep) == 0 {
			return emptyResult(r.Facets), nil
		}
		*ids = keep
	}
	// A cursor carries the mode of the page it came from, so that every
	// page of one search matches the same way.
	approximate := after != nil && after.approximate
	res, err := ix.searchMode(ctx, r, uq, approximate, limit, facetSize, after)
	if err == nil && after == nil && !approximate && res.TotalCount == 0 && uq.tolerant() {
		res, err = ix.searchMode(ctx, r, uq, true, limit, facetSize, after)
	}
	return res, err
}

// defaultFewMatches is the number of matches up to which a relevance page
// is asked of every match at once: scoring them costs less than a search
// among candidates (topk.go) that may not settle the page.
const defaultFewMatches = 1000

// searchMode runs the search with or without typo tolerance.
func (ix *Index) searchMode(ctx context.Context, r Request, uq *userQuery, approximate bool, limit, facetSize int, after *searchAfter) (*Result, error) {
	must, mustNot, marked := ix.textQuery(uq, approximate)
	if must == nil {
		// Only stop words: nothing can match, and an empty answer is the
		// truthful one (facets included).
		return emptyResult(r.Facets), nil
	}
	clauses := append([]query.Query{must}, filterClauses(r.Filter, r.Viewer, r.ViewerCommunities)...)
	bq := booleanQuery(clauses, mustNot)

	var res *bleve.SearchResult
	var counter *facetCounter
	var err error
	total, atLeast := 0, false
	counted, bounded := false, false
	var cq query.Query
	memo := &matchMemo{}
	if plan := &marked.plan; r.Sort == SortRelevance && plan.bounds() && ix.fewMatches >= 0 {
		// Counted first, unscored, with bare filter clauses (see count):
		// few matches are scored faster all together than by tiers.
		cq = booleanQuery(append([]query.Query{must}, filterClausesAs(r.Filter, r.Viewer, r.ViewerCommunities, false)...), mustNot)
		if r.Facets {
			counter = newFacetCounter(ix.dict, ix.facetCols)
			total, err = ix.count(ctx, cq, counter, 0, memo)
		} else {
			total, err = ix.count(ctx, cq, nil, r.countUpTo()+1, memo)
		}
		if err != nil {
			return nil, err
		}
		counted = true
		if total > ix.fewMatches {
			if res, bounded, err = ix.pageBounded(ctx, clauses, mustNot, plan, limit, after, cq, memo); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case bounded:
	case r.Sort == SortRelevance:
		var c *facetCounter
		q := bq
		if counted && total <= ix.fewMatches {
			q = fewFirst{clauses: clauses, mustNot: mustNot, bare: cq, most: ix.fewMatches, memo: memo}
		}
		res, c, err = ix.pageCounted(ctx, q, r.Facets && !counted, limit, after)
		if !counted {
			counter = c
		}
	default:
		res, counter, err = ix.pageByDate(ctx, bq, r.Facets, r.Sort, limit, after)
	}
	if err != nil {
		return nil, err
	}
	if !bounded && !counted {
		total = int(res.Total)
	}
	// Past the bound a total is the bound, whichever way it was counted, so
	// that the answer does not depend on the path; facets count every
	// match, and their total is exact.
	if upTo := r.countUpTo(); !r.Facets && total > upTo {
		total, atLeast = upTo, true
	}
	shown := res.Hits[:min(limit, len(res.Hits))]
	details, err := ix.details(ctx, marked, shown)
	if err != nil {
		return nil, err
	}
	out := &Result{TotalCount: total, TotalAtLeast: atLeast, Approximate: approximate}
	hits := res.Hits
	if len(hits) > limit {
		hits = hits[:limit]
		out.HasNextPage = true
	}
	for i, h := range hits {
		// The cursor after a hit is "clean" when the next hit scores
		// lower: every hit of that score is then behind it, and the next
		// page can be asked by score alone (see page).
		var cursor string
		if r.Sort == SortRelevance {
			clean := i+1 >= len(res.Hits) || res.Hits[i+1].Score < h.Score
			cursor = encodeAfter(h.Score, h.ID, approximate, clean)
		} else {
			cursor = encodeDateAfter(r.Sort, h.Sort[0], h.ID, approximate)
		}
		hit := Hit{ID: h.ID, Score: h.Score, Cursor: cursor}
		if d := details[h.ID]; d != nil {
			if k, ok := d.Fields[fieldKind].(string); ok {
				hit.Kind = graph.Kind(k)
			}
			hit.Highlights = highlights(d.Fragments)
		}
		out.Hits = append(out.Hits, hit)
	}
	if n := len(out.Hits); n > 0 {
		out.EndCursor = out.Hits[n-1].Cursor
	}
	if r.Facets {
		if out.Facets, err = ix.facets(ctx, counter, r.Viewer, r.ViewerCommunities, facetSize); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// page returns limit hits after the cursor, plus one more when there is
// one (to tell whether another page follows), in score-then-id order.
//
// Sorting by id as well as score costs a doc-values read per matching
// document, a tenth of a frequent word's search. So a page is first asked
// by score alone, which Bleve ranks without reading anything per hit, and
// its hits put in id order within equal scores here. That is exact unless
// equal scores straddle the end of the page (the extra hit scores as much
// as the last one) or the cursor (it is not "clean"): then the page is
// asked again, sorted by score and id.
func (ix *Index) page(ctx context.Context, q query.Query, withFacets bool, limit int, after *searchAfter) (*bleve.SearchResult, error) {
	res, _, err := ix.pageCounted(ctx, q, withFacets, limit, after)
	return res, err
}

// pageCounted is page, and with facets the facet codes of every match
// counted (see countFacets).
func (ix *Index) pageCounted(ctx context.Context, q query.Query, withFacets bool, limit int, after *searchAfter) (*bleve.SearchResult, *facetCounter, error) {
	var counter *facetCounter
	if withFacets {
		counter = newFacetCounter(ix.dict, ix.facetCols)
		q = countFacets{q: q, c: counter}
	}
	byScore := after == nil || after.clean
	for {
		req := bleve.NewSearchRequestOptions(q, limit+1, 0, false)
		if byScore {
			req.SortBy([]string{"-_score"})
			if after != nil {
				req.SearchAfter = []string{after.score}
			}
		} else {
			req.SortBy([]string{"-_score", fieldID})
			if after != nil {
				req.SearchAfter = []string{after.score, after.id}
			}
		}
		res, err := ix.run(ctx, req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			return nil, nil, fmt.Errorf("search: %w", err)
		}
		if !byScore {
			return res, counter, nil
		}
		if len(res.Hits) > limit && res.Hits[limit].Score == res.Hits[limit-1].Score {
			byScore = false
			continue
		}
		sort.SliceStable(res.Hits, func(i, j int) bool {
			a, b := res.Hits[i], res.Hits[j]
			if a.Score != b.Score {
				return a.Score > b.Score
			}
			return a.ID < b.ID
		})
		return res, counter, nil
	}
}

// pageByDate returns limit hits after the cursor, plus one more when there
// is one, in the date order s then id. Scores are still computed: a hit
// reports its score whatever the order.
func (ix *Index) pageByDate(ctx context.Context, q query.Query, withFacets bool, s Sort, limit int, after *searchAfter) (*bleve.SearchResult, *facetCounter, error) {
	var counter *facetCounter
	if withFacets {
		counter = newFacetCounter(ix.dict, ix.facetCols)
		q = countFacets{q: q, c: counter}
	}
	req := bleve.NewSearchRequestOptions(q, limit+1, 0, false)
	by := fieldUpdated
	if s == SortUpdatedDesc {
		by = "-" + fieldUpdated
	}
	// The tie-break follows the date's direction, so that newest-first is
	// exactly oldest-first reversed.
	tie := fieldID
	if s == SortUpdatedDesc {
		tie = "-" + fieldID
	}
	req.SortBy([]string{by, tie})
	if after != nil {
		req.SearchAfter = []string{after.updated, after.id}
	}
	res, err := ix.run(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	return res, counter, nil
}

func emptyResult(withFacets bool) *Result {
	out := &Result{}
	if withFacets {
		for _, name := range FacetFields {
			out.Facets = append(out.Facets, Facet{Field: name})
		}
	}
	return out
}

// highlights reports fragments under the field's plain name (title, not
// fr.title), in the order of textFields, as plain text cut at words
// (plainFragment). Bleve returns the start of a requested field even where
// nothing matched; only fragments with a match are kept.
func highlights(frags map[string][]string) []Highlight {
	var out []Highlight
	for _, tf := range textFields {
		var fs []string
		for field, ff := range frags {
			if highlightFields[field] == tf.name {
				for _, f := range ff {
					if strings.Contains(f, "<mark>") {
						fs = append(fs, plainFragment(f))
					}
				}
			}
		}
		if len(fs) > 0 {
			out = append(out, Highlight{Field: tf.name, Fragments: fs})
		}
	}
	return out
}

// details returns the kind and highlighted fragments of hits, by id. It is
// a second, small search over the hits' ids only, that reads the positions
// of the terms the text query matched (marked, see markPage). Asking for
// highlights in the main search would make Bleve decode term positions for
// every matching document, not only for the page: a fifth of a frequent
// word's search time.
func (ix *Index) details(ctx context.Context, marked *marks, hits []*bsearch.DocumentMatch) (map[string]*bsearch.DocumentMatch, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	q := markPage{ids: ids, m: marked}
	req := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
	req.Fields = []string{fieldKind}
	// No field list: Bleve then highlights only the fields where the hit
	// has marked positions. Asked for every text field, it fragmented each
	// one (a body without a match included) for highlights to drop.
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	res, err := ix.run(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make(map[string]*bsearch.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h
	}
	return out, nil
}

// facets decodes the facet codes counted by the search into FacetFields
// order, each facet's buckets ordered by count then value (so that equal
// counts come out the same way every time) and cut to size.
//
// Term and organisation values are ids of documents, which have their own
// visibility (a public note may mention a private term): the values the
// viewer may not read are dropped, so that a facet never reveals the id of
// a hidden document.
func (ix *Index) facets(ctx context.Context, c *facetCounter, v graph.Viewer, communities []string, size int) ([]Facet, error) {
	buckets := map[string][]Bucket{}
	for code, n := range c.counts {
		if n == 0 {
			continue
		}
		if facet, value, ok := ix.dict.decode(code); ok {
			buckets[facet] = append(buckets[facet], Bucket{Value: value, Count: n})
		}
	}
	if !v.SeesEverything() {
		if err := ix.readableTop(ctx, buckets, size, v, communities); err != nil {
			return nil, err
		}
	}
	out := make([]Facet, 0, len(FacetFields))
	for _, name := range FacetFields {
		bs := buckets[name]
		if v.SeesEverything() || (name != FacetTerm && name != FacetOrganisation) {
			topFirst(bs, size)
		}
		out = append(out, Facet{Field: name, Buckets: bs[:min(size, len(bs))]})
	}
	return out, nil
}

// bucketBefore is the order of a facet's buckets: by count, then value
// (so that equal counts come out the same way every time).
func bucketBefore(a, b Bucket) bool {
	if a.Count != b.Count {
		return a.Count > b.Count
	}
	return a.Value < b.Value
}

// topFirst puts the first n buckets of bs, in order, at its start; the
// others follow in no order. A frequent word's term facet has thousands
// of values and shows twenty: sorting them all took 5 % of a search's CPU
// time. bs[:n] is kept as a heap whose root is the least of them, each
// other bucket replacing the root if it comes before it.
func topFirst(bs []Bucket, n int) {
	n = min(n, len(bs))
	if n == 0 {
		return
	}
	down := func(i int) {
		for {
			worst, l, r := i, 2*i+1, 2*i+2
			if l < n && bucketBefore(bs[worst], bs[l]) {
				worst = l
			}
			if r < n && bucketBefore(bs[worst], bs[r]) {
				worst = r
			}
			if worst == i {
				return
			}
			bs[i], bs[worst] = bs[worst], bs[i]
			i = worst
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := n; i < len(bs); i++ {
		if bucketBefore(bs[i], bs[0]) {
			bs[0], bs[i] = bs[i], bs[0]
			down(0)
		}
	}
	top := bs[:n]
	sort.Slice(top, func(i, j int) bool { return bucketBefore(top[i], top[j]) })
}

// readableTop leaves, in the term and organisation facets of buckets, the
// first size buckets, in order, whose values the viewer may read. A
// frequent word's facet holds thousands of terms and only the top ones are
// shown, so the index is first asked about the top few of both facets
// together, a little more than is shown (a few may be unreadable). Only a
// facet still short then has all its other values asked about, in one more
// search: paging through values a viewer cannot read (a commons whose terms
// are private, or not documents at all) took a search per page, eighteen
// for an anonymous reader of the benchmark corpus. That search asks about
// at most maxReadableAsked values per facet, the most frequent.
func (ix *Index) readableTop(ctx context.Context, buckets map[string][]Bucket, size int, v graph.Viewer, communities []string) error {
	idFacets := []string{FacetTerm, FacetOrganisation}
	kept := map[string][]Bucket{}
	rest := map[string][]Bucket{}
	var values []string
	for _, name := range idFacets {
		bs := buckets[name]
		n := min(len(bs), 2*size+8)
		topFirst(bs, n)
		for _, b := range bs[:n] {
			values = append(values, b.Value)
		}
		rest[name] = bs[n:]
	}
	if len(values) == 0 {
		return nil
	}
	seen, err := ix.readable(ctx, values, v, communities)
	if err != nil {
		return err
	}
	values = values[:0]
	for _, name := range idFacets {
		bs := buckets[name]
		for _, b := range bs[:len(bs)-len(rest[name])] {
			if seen[b.Value] && len(kept[name]) < size {
				kept[name] = append(kept[name], b)
			}
		}
		if len(kept[name]) < size {
			// The rest, by count, up to a bound: a frequent word's
			// matches may carry a hundred thousand values nobody reads.
			n := min(len(rest[name]), maxReadableAsked)
			topFirst(rest[name], n)
			rest[name] = rest[name][:n]
			for _, b := range rest[name] {
				values = append(values, b.Value)
			}
		}
	}
	if len(values) > 0 {
		if seen, err = ix.readable(ctx, values, v, communities); err != nil {
			return err
		}
		for _, name := range idFacets {
			if len(kept[name]) >= size {
				continue
			}
			var more []Bucket
			for _, b := range rest[name] {
				if seen[b.Value] {
					more = append(more, b)
				}
			}
			topFirst(more, size-len(kept[name]))
			kept[name] = append(kept[name], more[:min(len(more), size-len(kept[name]))]...)
		}
	}
	for _, name := range idFacets {
		buckets[name] = kept[name]
	}
	return nil
}

// maxReadableAsked bounds the values of one facet readableTop asks about
// after the first few: past them, a facet whose values the viewer mostly
// may not read shows fewer buckets than asked.
const maxReadableAsked = 2000

// readable returns which of ids are indexed documents the viewer may read.
func (ix *Index) readable(ctx context.Context, ids []string, v graph.Viewer, communities []string) (map[string]bool, error) {
	ix.readableAsked.Add(int64(len(ids)))
	bq := query.NewBooleanQuery(nil, nil, nil)
	bq.Must = query.NewDocIDQuery(ids)
	if vis := visibilityQuery(v, communities); vis != nil {
		bq.AddFilter(vis)
	}
	req := bleve.NewSearchRequestOptions(bq, len(ids), 0, false)
	req.Score = "none"
	res, err := ix.run(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make(map[string]bool, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = true
	}
	return out, nil
}
