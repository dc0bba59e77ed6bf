package search

import (
	"context"
	"errors"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Matches as bitmaps.
//
// Counting a search's matches, their facet values, or listing them for a
// small result went through Bleve's collector: a document match, a heap
// push and a callback per match, for a frequent word 10 000 of them (a
// quarter of a one-word search's CPU time at 100 000 documents), while
// the unscored query itself is a few bitmap operations over postings
// lists. Here the same query — the search's own, built by the same code —
// is evaluated on each segment of the snapshot as roaring bitmaps (term:
// its postings; disjunction: OR; conjunction: AND; exclusion: AND NOT;
// deleted documents removed), and the matches are counted or visited from
// them. A query holding a clause this does not know (a phrase, a date
// range) is not evaluated here: its caller takes Bleve's path.

// errNotBitmap says a query has a clause the bitmap evaluation does not know.
var errNotBitmap = errors.New("search: query not evaluable as bitmaps")

// segmentMatches are a query's matches on one snapshot, by segment (in the
// snapshot's order): local document numbers, deleted documents excluded.
type segmentMatches struct {
	offsets []uint64          // each segment's first global document number
	bms     []*roaring.Bitmap // nil: none in that segment
}

func (s *segmentMatches) count() int {
	n := 0
	for _, bm := range s.bms {
		if bm != nil {
			n += int(bm.GetCardinality())
		}
	}
	return n
}

// matchBitmaps evaluates q's matches on r; ok false when r is not a scorch
// snapshot or q holds a clause the evaluation does not know.
func matchBitmaps(r index.IndexReader, q query.Query) (*segmentMatches, bool, error) {
	snap, isScorch := r.(*scorch.IndexSnapshot)
	if !isScorch || !bitmapEvaluable(q) {
		return nil, false, nil
	}
	segs := snap.Segments()
	out := &segmentMatches{offsets: make([]uint64, len(segs)), bms: make([]*roaring.Bitmap, len(segs))}
	var running uint64
	for i, ss := range segs {
		out.offsets[i] = running
		running += ss.Segment().Count() // deleted documents included, as scorch numbers them
		e := segmentEval{r: r, seg: ss.Segment(), dicts: map[string]segment.TermDictionary{}}
		bm, err := e.eval(q)
		e.release(segs)
		if errors.Is(err, errNotBitmap) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if bm == nil || bm.IsEmpty() {
			continue
		}
		if del := ss.Deleted(); del != nil && !del.IsEmpty() {
			bm = roaring.AndNot(bm, del)
		}
		out.bms[i] = bm
	}
	return out, true, nil
}

// bitmapEvaluable tells whether every clause of q is one segmentEval knows.
func bitmapEvaluable(q query.Query) bool {
	switch q := q.(type) {
	case *query.TermQuery:
		return true
	case markedFuzzy:
		return q.m != nil
	case unscored:
		return bitmapEvaluable(q.q)
	case *query.DisjunctionQuery:
		if q.Min > 1 {
			return false
		}
		for _, c := range q.Disjuncts {
			if !bitmapEvaluable(c) {
				return false
			}
		}
		return true
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			if !bitmapEvaluable(c) {
				return false
			}
		}
		return true
	case *query.BooleanQuery:
		// Must (required: a Bleve boolean query without it and with
		// Should or only MustNot means something else), MustNot, Filter.
		if q.Must == nil || q.Should != nil {
			return false
		}
		for _, c := range []query.Query{q.Must, q.MustNot, q.Filter} {
			if c != nil && !bitmapEvaluable(c) {
				return false
			}
		}
		return true
	}
	return false
}

// segmentEval evaluates a query on one segment. The bitmaps it returns may
// be the segment's own postings: they are read, never changed.
type segmentEval struct {
	r     index.IndexReader
	seg   segment.Segment
	dicts map[string]segment.TermDictionary
}

func (e *segmentEval) eval(q query.Query) (*roaring.Bitmap, error) {
	switch q := q.(type) {
	case *query.TermQuery:
		return e.term(q.Field(), q.Term)
	case markedFuzzy:
		terms, _, err := q.m.expand(e.r, q.field, q.term)
		if err != nil {
			return nil, err
		}
		if terms == nil {
			return nil, errNotBitmap
		}
		var bms []*roaring.Bitmap
		for _, t := range terms {
			bm, err := e.term(q.field, t)
			if err != nil {
				return nil, err
			}
			bms = append(bms, bm)
		}
		return or(bms), nil
	case unscored:
		return e.eval(q.q)
	case *query.DisjunctionQuery:
		var bms []*roaring.Bitmap
		for _, c := range q.Disjuncts {
			bm, err := e.eval(c)
			if err != nil {
				return nil, err
			}
			bms = append(bms, bm)
		}
		return or(bms), nil
	case *query.ConjunctionQuery:
		return e.and(q.Conjuncts)
	case *query.BooleanQuery:
		must := []query.Query{q.Must}
		if q.Filter != nil {
			must = append(must, q.Filter)
		}
		bm, err := e.and(must)
		if err != nil || bm == nil || q.MustNot == nil {
			return bm, err
		}
		not, err := e.eval(q.MustNot)
		if err != nil || not == nil || not.IsEmpty() {
			return bm, err
		}
		return roaring.AndNot(bm, not), nil
	}
	return nil, errNotBitmap
}

// and is the conjunction of qs, the smallest first so that an empty clause
// stops it early; nil for none (Bleve's empty conjunction matches nothing).
func (e *segmentEval) and(qs []query.Query) (*roaring.Bitmap, error) {
	var bms []*roaring.Bitmap
	for _, c := range qs {
		bm, err := e.eval(c)
		if err != nil {
			return nil, err
		}
		if bm == nil || bm.IsEmpty() {
			return nil, nil
		}
		bms = append(bms, bm)
	}
	switch len(bms) {
	case 0:
		return nil, nil
	case 1:
		return bms[0], nil
	}
	slices.SortFunc(bms, func(a, b *roaring.Bitmap) int {
		return int(a.GetCardinality()) - int(b.GetCardinality())
	})
	out := roaring.And(bms[0], bms[1])
	for _, bm := range bms[2:] {
		if out.IsEmpty() {
			break
		}
		out.And(bm)
	}
	return out, nil
}

// or is the union of bms (nil ones are empty).
func or(bms []*roaring.Bitmap) *roaring.Bitmap {
	bms = slices.DeleteFunc(bms, func(bm *roaring.Bitmap) bool { return bm == nil || bm.IsEmpty() })
	switch len(bms) {
	case 0:
		return nil
	case 1:
		return bms[0]
	}
	return roaring.FastOr(bms...)
}

// release gives the dictionaries back to the pool.
func (e *segmentEval) release(inUse []*scorch.SegmentSnapshot) {
	for field, d := range e.dicts {
		dicts.put(e.seg, field, d, inUse)
	}
	clear(e.dicts)
}

// term is the postings of term in field; nil when none.
func (e *segmentEval) term(field, term string) (*roaring.Bitmap, error) {
	dict, ok := e.dicts[field]
	if !ok {
		var err error
		if dict, err = dicts.get(e.seg, field); err != nil {
			return nil, err
		}
		e.dicts[field] = dict
	}
	if dict == nil {
		return nil, nil
	}
	pl, err := dict.PostingsList([]byte(term), nil, nil)
	if err != nil || pl == nil {
		return nil, err
	}
	it, ok := pl.Iterator(false, false, false, nil).(segment.OptimizablePostingsIterator)
	if !ok {
		return nil, errNotBitmap
	}
	if n, ok := it.DocNum1Hit(); ok {
		return roaring.BitmapOf(uint32(n)), nil
	}
	return it.ActualBitmap(), nil
}

// ids returns the matches' internal ids, in index order.
func (s *segmentMatches) ids() []index.IndexInternalID {
	out := make([]index.IndexInternalID, 0, s.count())
	for i, bm := range s.bms {
		if bm == nil {
			continue
		}
		off := s.offsets[i]
		bm.Iterate(func(x uint32) bool {
			out = append(out, index.NewIndexInternalID(nil, off+uint64(x)))
			return true
		})
	}
	return out
}

// countMatches counts q's matches on the searcher's snapshot as bitmaps,
// and with c their facet codes, from the segments' columns; when that
// cannot be done it is Bleve's path: q, its facet codes counted in c
// (countFacets), stopping past most (stopAfter; 0: counting all).
// *counted reports which: the bitmap count, or -1 for Bleve's (the
// search's total is then the collector's).
type countMatches struct {
	q       query.Query
	c       *facetCounter
	most    int
	counted *int
	memo    *matchMemo
}

// matchMemo keeps a search's bitmap matches of one query (the count's) for
// its later passes on the same snapshot: fewFirst lists the matches the
// count evaluated. A memo serves one query only.
type matchMemo struct {
	r  index.IndexReader
	ms *segmentMatches
}

// matches is matchBitmaps(r, q), evaluated once per snapshot.
func (m *matchMemo) matches(r index.IndexReader, q query.Query) (*segmentMatches, bool, error) {
	if m != nil && m.ms != nil && m.r == r {
		return m.ms, true, nil
	}
	ms, ok, err := matchBitmaps(r, q)
	if ok && m != nil {
		m.r, m.ms = r, ms
	}
	return ms, ok, err
}

func (cm countMatches) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	*cm.counted = -1
	fallback := func() (bsearch.Searcher, error) {
		q := cm.q
		if cm.c != nil {
			q = countFacets{q: q, c: cm.c}
		}
		if cm.most > 0 {
			q = stopAfter{q: q, n: cm.most}
		}
		return q.Searcher(ctx, r, m, opts)
	}
	ms, ok, err := cm.memo.matches(r, cm.q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return fallback()
	}
	if cm.c != nil {
		var view *facetView
		if cm.c.cols != nil {
			if view, ok, err = cm.c.cols.view(r); err != nil {
				return nil, err
			}
		}
		if view == nil || !ok || len(view.cols) != len(ms.bms) {
			return fallback()
		}
		clear(cm.c.counts)
		counts := cm.c.counts
		var buf [256]uint32
		for i, bm := range ms.bms {
			if bm == nil {
				continue
			}
			col := view.cols[i]
			it := bm.ManyIterator()
			for n := it.NextMany(buf[:]); n > 0; n = it.NextMany(buf[:]) {
				for _, x := range buf[:n] {
					if int(x)+1 >= len(col.start) {
						continue
					}
					for _, code := range col.codes[col.start[x]:col.start[x+1]] {
						if int(code) < len(counts) {
							counts[code]++
						} else {
							cm.c.add(int(code)) // a code newer than the counts
							counts = cm.c.counts
						}
					}
				}
			}
		}
	}
	*cm.counted = ms.count()
	return searcher.NewMatchNoneSearcher(r)
}
