package resolve

import (
	"log/slog"
	"time"

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
	taxonomy *graph.Taxonomy
	logger   *slog.Logger
	// observeSearch times each search (nil: searches are not timed).
	observeSearch func(took time.Duration, err error)
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

// Config is what the resolvers are given by the composition root
// (api.NewHandler), which documents each field in api.Config.
type Config struct {
	Store    graph.Store
	Index    *search.Index // nil: search is off
	Taxonomy *graph.Taxonomy
	Logger   *slog.Logger
	// ObserveSearch, when set, is told how long each search took.
	ObserveSearch func(took time.Duration, err error)
	CoverageK     int              // 0: graph.DefaultCoverageK; below graph.MinCoverageK New panics
	Coverage      *CoverageRelease // nil: a key for these resolvers only, DefaultCoverageBudget in memory
	Blobs         blob.Store       // nil: uploads are refused
	MediaLimits   map[graph.MediaFormat]int64
}

// New is the root resolver of cfg.
func New(cfg Config) *Resolver {
	return &Resolver{store: cfg.Store, index: cfg.Index, taxonomy: cfg.Taxonomy, logger: cfg.Logger, observeSearch: cfg.ObserveSearch,
		coverageK: coverageK(cfg.CoverageK), coverageRelease: coverageRelease(cfg.Coverage), blobs: cfg.Blobs, mediaLimits: mediaLimits(cfg.MediaLimits)}
}
