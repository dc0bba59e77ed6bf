package search

import (
	"context"
	"runtime"

	"github.com/blevesearch/bleve/v2"
)

// run is how the package runs every Bleve search: at most
// Options.MaxConcurrentSearches at once, the others waiting their turn
// (or their request's end). A search is pure CPU for tens of
// milliseconds; sixteen at once on two cores take as long in all as two
// at a time, but every other request waits behind all sixteen, so a note
// page that costs half a millisecond would answer in a quarter of a
// second. Waiting in line here keeps the cheap requests cheap.
func (ix *Index) run(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	select {
	case ix.slots <- struct{}{}:
	default:
		ix.waiting.Add(1)
		select {
		case ix.slots <- struct{}{}:
			ix.waiting.Add(-1)
		case <-ctx.Done():
			ix.waiting.Add(-1)
			return nil, ctx.Err()
		}
	}
	defer func() { <-ix.slots }()
	return ix.alias.SearchInContext(ctx, req)
}

// searchSlots is the size of the line's head: Options.MaxConcurrentSearches,
// or one search per core.
func searchSlots(n int) chan struct{} {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return make(chan struct{}, n)
}

// Searches tells how many Bleve searches run now and how many wait for
// their turn: an operator's sign that --max-concurrent-searches, or the
// machine, is too small for the load.
func (ix *Index) Searches() (running, waiting int) {
	return len(ix.slots), int(ix.waiting.Load())
}
