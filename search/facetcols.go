package search

import (
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facet codes as compact per-document columns.
//
// Reading a match's facet codes from Bleve's doc values cost about 0.35 µs
// a match (a frequent word's facets: 5 ms at 100 000 documents): a chunk
// look-up, a decode, a callback per code. A Bleve segment never changes
// once written, so its documents' codes are read once, into a column (each
// document's codes as numbers, one after the other), and kept while the
// segment is in use; a match then costs a binary search among the
// segments and a few additions. A write adds a small segment (read in
// microseconds); a merge makes a new one, read once more.

// facetColumns holds the columns of the segments in use, by segment.
type facetColumns struct {
	mu   sync.Mutex
	cols map[segment.Segment]*facetColumn
}

// facetColumn is one segment's codes: document n's are
// codes[start[n]:start[n+1]].
type facetColumn struct {
	start []uint32
	codes []uint32
}

func newFacetColumns() *facetColumns {
	return &facetColumns{cols: map[segment.Segment]*facetColumn{}}
}

// facetView is the columns of one index snapshot: a document's internal
// number is its segment's offset plus its number in the segment (as scorch
// numbers them).
type facetView struct {
	offsets []uint64
	cols    []*facetColumn
}

// view returns the columns of r's segments, reading the ones not read yet;
// ok false when r is not a scorch snapshot or a segment has no doc values
// to read (the caller then reads doc values per match).
func (fc *facetColumns) view(r index.IndexReader) (*facetView, bool, error) {
	snap, isScorch := r.(*scorch.IndexSnapshot)
	if !isScorch {
		return nil, false, nil
	}
	segs := snap.Segments()
	v := &facetView{offsets: make([]uint64, len(segs)), cols: make([]*facetColumn, len(segs))}
	var running uint64
	fc.mu.Lock()
	defer fc.mu.Unlock()
	inUse := make(map[segment.Segment]bool, len(segs))
	for i, ss := range segs {
		seg := ss.Segment()
		inUse[seg] = true
		v.offsets[i] = running
		running += seg.Count()
		col := fc.cols[seg]
		if col == nil {
			var ok bool
			var err error
			if col, ok, err = readFacetColumn(seg); err != nil || !ok {
				return nil, false, err
			}
			fc.cols[seg] = col
		}
		v.cols[i] = col
	}
	// Merged-away segments go; a search still on an older snapshot reads
	// them again if it needs them.
	if len(fc.cols) > 2*len(segs)+8 {
		for seg := range fc.cols {
			if !inUse[seg] {
				delete(fc.cols, seg)
			}
		}
	}
	return v, true, nil
}

// readFacetColumn reads every document's facet codes in seg (deleted
// documents included: they never match).
func readFacetColumn(seg segment.Segment) (*facetColumn, bool, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, false, nil
	}
	n := seg.Count()
	col := &facetColumn{start: make([]uint32, 1, n+1)}
	var state segment.DocVisitState
	var err error
	fields := []string{fieldFacets}
	visit := func(_ string, term []byte) {
		if code, ok := decodeCode(term); ok {
			col.codes = append(col.codes, uint32(code))
		}
	}
	for doc := range n {
		if state, err = dv.VisitDocValues(doc, fields, visit, state); err != nil {
			return nil, false, err
		}
		col.start = append(col.start, uint32(len(col.codes)))
	}
	return col, true, nil
}

// count adds the codes of the document with internal number id to c.
func (v *facetView) count(id uint64, c *facetCounter) {
	i := sort.Search(len(v.offsets), func(i int) bool { return v.offsets[i] > id }) - 1
	if i < 0 {
		return
	}
	col := v.cols[i]
	local := id - v.offsets[i]
	if local+1 >= uint64(len(col.start)) {
		return
	}
	for _, code := range col.codes[col.start[local]:col.start[local+1]] {
		c.add(int(code))
	}
}
