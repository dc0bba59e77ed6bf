package embedded

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/encommun/maillage/graph"
)

// DefaultCacheBytes is the document cache's budget when Options leaves it
// at zero: room for the decoded text of about a hundred thousand notes.
const DefaultCacheBytes = 256 << 20

// docCache keeps decoded documents with their kind and head visibility, so
// that a note page read again does not walk four B+trees and decode its
// body: in a file of a gigabyte, each walk touches pages spread over the
// whole mapping, and that, not the decoding, is most of a read's cost.
//
// It is exact, never stale. Each write tells which documents it touched
// (a record, a head, a hidden state, a registration: writer.touch), or
// that it may have touched any (a restore); once it is over, those entries
// go, under the same lock that bumps the generation. While a write runs
// nothing is served from the cache nor put into it; a read notes the
// generation before it opens its transaction and reads or fills the cache
// only while the generation is still that one, so a read whose snapshot
// predates a write puts nothing back. What stays is the state of the last
// commit: the entries no write since has touched.
//
// It holds no decision about a viewer: whether the viewer may read a cached
// document is decided on every read from its head visibility, its authors
// and its community ties, exactly as without the cache (access.go).
type docCache struct {
	max int64 // budget in bytes; 0: the cache is off

	mu      sync.RWMutex
	gen     uint64
	writers int
	entries map[string]cachedDoc
	bytes   int64

	hits, misses atomic.Uint64
}

type cachedDoc struct {
	head graph.Visibility // the head's visibility: PRIVATE while hidden
	doc  *graph.Document
	size int64
}

func newDocCache(max int64) *docCache {
	if max < 0 {
		max = 0
	}
	return &docCache{max: max}
}

// generation is what a read notes before it opens its transaction.
func (c *docCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// beginWrite and endWrite bracket every read-write transaction. A write
// that changed nothing (rolled back) keeps everything; one that did drops
// the entries of the documents it touched, or all of them.
func (c *docCache) beginWrite() {
	c.mu.Lock()
	c.writers++
	c.mu.Unlock()
}

func (c *docCache) endWrite(changed, all bool, touched map[string]struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writers--
	if !changed {
		return
	}
	c.gen++
	if all {
		c.entries, c.bytes = nil, 0
		return
	}
	for id := range touched {
		if e, ok := c.entries[id]; ok {
			c.bytes -= e.size
			delete(c.entries, id)
		}
	}
}

// usable says whether a read that began at generation g may use the cache.
// The caller holds c.mu.
func (c *docCache) usable(g uint64) bool {
	return c.max > 0 && c.writers == 0 && c.gen == g
}

func (c *docCache) get(id string, g uint64) (cachedDoc, bool) {
	c.mu.RLock()
	var e cachedDoc
	ok := c.usable(g)
	if ok {
		e, ok = c.entries[id]
	}
	c.mu.RUnlock()
	if ok {
		c.hits.Add(1)
	} else if c.max > 0 {
		c.misses.Add(1)
	}
	return e, ok
}

func (c *docCache) put(id string, head graph.Visibility, d *graph.Document, g uint64) {
	size := docSize(d)
	if size > c.max/64 {
		return // one huge document must not push out many ordinary ones
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.usable(g) {
		return
	}
	if c.entries == nil {
		c.entries = map[string]cachedDoc{}
	}
	if old, ok := c.entries[id]; ok {
		c.bytes -= old.size
	}
	// Evict entries at random (map order) until the new one fits: cheaper
	// than keeping an order, and a page read often enough comes back.
	for victim, e := range c.entries {
		if c.bytes+size <= c.max {
			break
		}
		c.bytes -= e.size
		delete(c.entries, victim)
	}
	c.entries[id] = cachedDoc{head: head, doc: d, size: size}
	c.bytes += size
}

// docSize approximates the memory an entry holds: its strings and a fixed
// part for the struct, the map slot and the key.
func docSize(d *graph.Document) int64 {
	n := 320 + 2*len(d.ID) + len(d.Slug) + len(d.Title) + len(d.Summary) + len(d.Body) + len(d.Language) +
		len(d.Licence) + len(d.Definition) + len(d.Website) + len(d.Region) + len(d.Sector)
	for _, a := range d.Aliases {
		n += 16 + len(a)
	}
	return int64(n)
}

// copyDocument is what a read returns from the cache: callers may change
// the document they get without changing the cached one.
func copyDocument(d *graph.Document) *graph.Document {
	c := *d
	c.Aliases = slices.Clone(d.Aliases)
	if d.PublishedAt != nil {
		t := *d.PublishedAt
		c.PublishedAt = &t
	}
	return &c
}

// CacheStats reports the document cache's counters (--cache-mb).
func (s *Store) CacheStats() graph.CacheStats {
	c := s.cache
	c.mu.RLock()
	bytes := c.bytes
	c.mu.RUnlock()
	return graph.CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Bytes: bytes, Max: c.max}
}
