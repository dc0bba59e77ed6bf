package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Facet counts are taken by the search's own searcher rather than by a
// Bleve facet request: Bleve's terms facet turns each code of each match
// into a string and counts it in a map, a third of the CPU time of a
// frequent word's search (measured at 100 000 documents). Codes are small
// numbers (facetDict), so here they index a slice.
//
// countFacets(q, c) matches exactly as q does; every document its searcher
// yields (the collector takes them all, to count the total) has its codes
// counted in c. The visibility clause and the filters are part of q, so
// the counts cover only what the viewer may read.
type countFacets struct {
	q query.Query
	c *facetCounter
}

// facetCounter holds the counts of one search, by code number.
type facetCounter struct {
	counts []int
	dict   *facetDict
	cols   *facetColumns // nil: doc values are read per match
}

// newFacetCounter sizes the counts for every code d has handed out; a
// document indexed since may bring more (add grows the slice).
func newFacetCounter(d *facetDict, cols *facetColumns) *facetCounter {
	return &facetCounter{counts: make([]int, d.size()), dict: d, cols: cols}
}

func (f countFacets) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := f.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	// Counts start over with each searcher: a page asked again (Index.page)
	// counts the same documents again.
	clear(f.c.counts)
	if f.c.cols != nil {
		view, ok, err := f.c.cols.view(r)
		if err != nil {
			_ = s.Close()
			return nil, err
		}
		if ok {
			return &countingSearcher{Searcher: s, view: view, c: f.c}, nil
		}
	}
	dvr, err := r.DocValueReader([]string{fieldFacets})
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	return &countingSearcher{Searcher: s, dvr: dvr, c: f.c}, nil
}

// countingSearcher counts the codes of each match, from the columns of its
// snapshot (view) or else from doc values (dvr).
type countingSearcher struct {
	bsearch.Searcher
	view *facetView
	dvr  index.DocValueReader
	c    *facetCounter
}

func (s *countingSearcher) count(d *bsearch.DocumentMatch) error {
	if d == nil {
		return nil
	}
	if s.view != nil {
		s.view.count(d.IndexInternalID.Value(), s.c)
		return nil
	}
	return s.dvr.VisitDocValues(d.IndexInternalID, s.c.visit)
}

func (s *countingSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if err != nil {
		return d, err
	}
	return d, s.count(d)
}

func (s *countingSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if err != nil {
		return d, err
	}
	return d, s.count(d)
}

// visit counts one code (base 36, as codeOf writes it); anything else in
// the field is not a code and is left out.
func (c *facetCounter) visit(_ string, term []byte) {
	if n, ok := decodeCode(term); ok {
		c.add(n)
	}
}

// decodeCode reads a code as codeOf writes it (base 36); ok false for
// anything else.
func decodeCode(term []byte) (int, bool) {
	if len(term) == 0 || len(term) > 6 {
		return 0, false
	}
	n := 0
	for _, b := range term {
		switch {
		case b >= '0' && b <= '9':
			n = n*36 + int(b-'0')
		case b >= 'a' && b <= 'z':
			n = n*36 + int(b-'a') + 10
		default:
			return 0, false
		}
	}
	return n, true
}

// add counts one code.
func (c *facetCounter) add(n int) {
	if n >= len(c.counts) {
		size := c.dict.size()
		if n >= size {
			return // no value to report it under
		}
		c.counts = append(c.counts, make([]int, size-len(c.counts))...)
	}
	c.counts[n]++
}
