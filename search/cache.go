package search

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// Results are cached, keyed by everything a result depends on: the query's
// words, the filter, the sort, the page asked (size and cursor), the facets
// asked, the viewer's class, and the index's generation.
//
// The viewer's class is what the visibility clause is made of (see
// visibilityQuery and readable): seeing everything, or the contributor id
// and communities. Two viewers share an entry only when the index would
// answer them alike, so a hidden document never reaches another class
// through the cache.
//
// The generation (Index.gen) is odd while a batch is being written or an
// index swapped in, and moves on when that ends: any write makes every
// entry unreachable (they age out of the bounded queue). A search that ran
// while the generation moved is not cached at all; nor is one started
// during a write.

// defaultCacheSize bounds the cached results: a page with facets is a few
// kilobytes, so a few megabytes at most.
const defaultCacheSize = 1024

type resultCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]*Result
	order   []string // oldest first
}

func newResultCache(size int) *resultCache {
	if size < 0 {
		return nil
	}
	if size == 0 {
		size = defaultCacheSize
	}
	return &resultCache{max: size, entries: map[string]*Result{}}
}

func (c *resultCache) get(key string) (*Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.entries[key]
	return r, ok
}

func (c *resultCache) put(key string, r *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return
	}
	for len(c.order) >= c.max {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.entries[key] = r
	c.order = append(c.order, key)
}

// cacheKey is r's key at generation gen.
func cacheKey(r Request, gen uint64) string {
	class := "all"
	var communities []string
	if !r.Viewer.SeesEverything() {
		class = "viewer:" + r.Viewer.ContributorID
		communities = slices.Clone(r.ViewerCommunities)
		slices.Sort(communities)
		communities = slices.Compact(communities)
	}
	b, err := json.Marshal(struct {
		Gen         uint64
		Query       string
		Filter      Filter
		First       int
		After       string
		Sort        Sort
		Facets      bool
		FacetSize   int
		CountUpTo   int
		Class       string
		Communities []string
	}{gen, strings.Join(strings.Fields(r.Query), " "), r.Filter, r.First, r.After, r.Sort, r.Facets, r.FacetSize, r.countUpTo(), class, communities})
	if err != nil {
		return "" // not cached
	}
	return string(b)
}

// clone copies what a caller could change in place.
func (r *Result) clone() *Result {
	c := *r
	c.Hits = slices.Clone(r.Hits)
	c.Facets = slices.Clone(r.Facets)
	for i := range c.Facets {
		c.Facets[i].Buckets = slices.Clone(c.Facets[i].Buckets)
	}
	return &c
}
