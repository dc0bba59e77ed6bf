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
}

// newFacetCounter sizes the counts for every code d has handed out; a
// document indexed since may bring more (visit grows the slice).
func newFacetCounter(d *facetDict) *facetCounter {
	return &facetCounter{counts: make([]int, d.size()), dict: d}
}

func (f countFacets) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := f.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	dvr, err := r.DocValueReader([]string{fieldFacets})
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	// Counts start over with each searcher: a page asked again (Index.page)
	// counts the same documents again.
	clear(f.c.counts)
	return &countingSearcher{Searcher: s, dvr: dvr, c: f.c}, nil
}

type countingSearcher struct {
	bsearch.Searcher
	dvr index.DocValueReader
	c   *facetCounter
}

func (s *countingSearcher) count(d *bsearch.DocumentMatch) error {
	if d == nil {
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
	if len(term) == 0 || len(term) > 6 {
		return
	}
	n := 0
	for _, b := range term {
		switch {
		case b >= '0' && b <= '9':
			n = n*36 + int(b-'0')
		case b >= 'a' && b <= 'z':
			n = n*36 + int(b-'a') + 10
		default:
			return
		}
	}
	if n >= len(c.counts) {
		size := c.dict.size()
		if n >= size {
			return // no value to report it under
		}
		c.counts = append(c.counts, make([]int, size-len(c.counts))...)
	}
	c.counts[n]++
}
