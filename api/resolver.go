package api

import (
	"log/slog"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/search"
)

// Resolver is the root of the resolvers: it holds what every resolver needs.
// Resolvers stay thin: they translate GraphQL to graph.Store calls, through
// the request's dataloaders for anything nested.
type Resolver struct {
	store    graph.Store
	index    *search.Index // nil: search is off
	metrics  *metrics      // nil: searches are not timed
	taxonomy *graph.Taxonomy
	logger   *slog.Logger
	// coverageK is the suppression threshold of coverage (Config.CoverageK).
	coverageK int
	// coverageRelease keys and budgets coverage answers (Config.Coverage).
	coverageRelease *CoverageRelease
	// blobs keeps media files (Config.Blobs); nil: uploads are off.
	blobs       blob.Store
	mediaLimits map[graph.MediaFormat]int64
	// flagReads shares the reads of one change among the moderation
	// queue's subscribers.
	flagReads flagReads
}
