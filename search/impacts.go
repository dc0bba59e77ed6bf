package search

import (
	"math"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Term statistics for outsideBound, without term readers.
//
// The bound needs, per term and field, the number of documents that have
// the term (for its idf, as Bleve counts them: deleted documents left out)
// and, for a short postings list, the highest sqrt(freq) · norm of its
// documents. Opening a Bleve term reader for that (and, for the impact,
// reading every posting's frequency and norm) cost a tenth of a frequent
// word's search, on every search. A segment never changes once written, so
// each segment's highest impact of a term is read once and kept while the
// segment is in use (deleted documents included: a higher maximum only
// loosens the bound); the counts are the dictionaries' postings counts.

// impactCache holds per-segment highest impacts, by field and term.
type impactCache struct {
	mu   sync.Mutex
	segs map[segment.Segment]map[string]float64
}

func newImpactCache() *impactCache {
	return &impactCache{segs: map[segment.Segment]map[string]float64{}}
}

// maxImpactEntries bounds the terms kept per segment: past it, the
// segment's entries start over.
const maxImpactEntries = 50000

// termStats returns how many live documents of r have term in field and,
// when scan and that number is at most maxImpactScan, the highest
// sqrt(freq) · norm among them (1 otherwise); ok false when r is not a
// scorch snapshot. c may be nil (nothing kept).
func (c *impactCache) termStats(r index.IndexReader, field, term string, scan bool) (docs uint64, impact float64, ok bool, err error) {
	snap, isScorch := r.(*scorch.IndexSnapshot)
	if !isScorch {
		return 0, 0, false, nil
	}
	segs := snap.Segments()
	type segList struct {
		seg segment.Segment
		pl  segment.PostingsList
	}
	lists := make([]segList, 0, len(segs))
	for _, ss := range segs {
		dict, err := dicts.get(ss.Segment(), field)
		if err != nil {
			return 0, 0, false, err
		}
		if dict == nil {
			continue
		}
		pl, err := dict.PostingsList([]byte(term), ss.Deleted(), nil)
		dicts.put(ss.Segment(), field, dict, segs)
		if err != nil {
			return 0, 0, false, err
		}
		if pl == nil {
			continue
		}
		docs += pl.Count()
		lists = append(lists, segList{ss.Segment(), pl})
	}
	impact = 1.0
	if !scan || docs > maxImpactScan {
		return docs, impact, true, nil
	}
	impact = 0
	key := field + "\x00" + term
	for _, l := range lists {
		if l.pl.Count() == 0 {
			continue
		}
		v, known := c.get(l.seg, key)
		if !known {
			// The whole list, deleted documents included.
			if v, err = segmentMaxImpact(l.seg, field, term); err != nil {
				return 0, 0, false, err
			}
			c.put(l.seg, key, v, segs)
		}
		impact = max(impact, v)
	}
	return docs, impact, true, nil
}

func (c *impactCache) get(seg segment.Segment, key string) (float64, bool) {
	if c == nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.segs[seg][key]
	return v, ok
}

func (c *impactCache) put(seg segment.Segment, key string, v float64, inUse []*scorch.SegmentSnapshot) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.segs[seg]
	if m == nil || len(m) >= maxImpactEntries {
		m = map[string]float64{}
		c.segs[seg] = m
	}
	m[key] = v
	// Merged-away segments go, as facetColumns's.
	if len(c.segs) > 2*len(inUse)+8 {
		live := make(map[segment.Segment]bool, len(inUse))
		for _, ss := range inUse {
			live[ss.Segment()] = true
		}
		for s := range c.segs {
			if !live[s] {
				delete(c.segs, s)
			}
		}
	}
}

// segmentMaxImpact reads term's postings in field of seg for their highest
// sqrt(freq) · norm, as Bleve's scorer computes them.
func segmentMaxImpact(seg segment.Segment, field, term string) (float64, error) {
	dict, err := seg.Dictionary(field)
	if err != nil || dict == nil {
		return 0, err
	}
	pl, err := dict.PostingsList([]byte(term), nil, nil)
	if err != nil || pl == nil {
		return 0, err
	}
	it := pl.Iterator(true, true, false, nil)
	best := 0.0
	for {
		p, err := it.Next()
		if err != nil || p == nil {
			return best, err
		}
		best = max(best, math.Sqrt(float64(p.Frequency()))*p.Norm())
	}
}

// dictPool keeps segments' term dictionaries for reuse. Making one costs a
// few microseconds (a reader over the field's FST is allocated each time),
// and a search asks for one per segment and field in several passes; a
// segment never changes, so a dictionary can serve search after search, one
// at a time (its FST reader has state).
type dictPool struct {
	mu   sync.Mutex
	free map[dictKey][]segment.TermDictionary
}

type dictKey struct {
	seg   segment.Segment
	field string
}

func newDictPool() *dictPool {
	return &dictPool{free: map[dictKey][]segment.TermDictionary{}}
}

// dicts is the process's pool: segments are keys, so indexes share it
// without mixing their dictionaries.
var dicts = newDictPool()

// get returns a dictionary of field in seg, to give back with put; p may
// be nil (a new one every time).
func (p *dictPool) get(seg segment.Segment, field string) (segment.TermDictionary, error) {
	if p != nil {
		k := dictKey{seg, field}
		p.mu.Lock()
		if l := p.free[k]; len(l) > 0 {
			d := l[len(l)-1]
			p.free[k] = l[:len(l)-1]
			p.mu.Unlock()
			return d, nil
		}
		p.mu.Unlock()
	}
	return seg.Dictionary(field)
}

// put gives d back; segments no longer in inUse lose their dictionaries.
func (p *dictPool) put(seg segment.Segment, field string, d segment.TermDictionary, inUse []*scorch.SegmentSnapshot) {
	if p == nil || d == nil {
		return
	}
	k := dictKey{seg, field}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free[k]) < 4 {
		p.free[k] = append(p.free[k], d)
	}
	if len(p.free) > 64*(len(inUse)+4) {
		live := make(map[segment.Segment]bool, len(inUse))
		for _, ss := range inUse {
			live[ss.Segment()] = true
		}
		for k := range p.free {
			if !live[k.seg] {
				delete(p.free, k)
			}
		}
	}
}
