package graph

// CacheStats is what an operator sizes a store's cache by: the reads the
// cache answered and those it did not since the store opened, and the
// bytes it holds now out of its budget. Stores that keep a cache report it
// with a CacheStats() CacheStats method.
type CacheStats struct {
	Hits, Misses uint64
	Bytes, Max   int64
}
