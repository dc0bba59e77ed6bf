package search

import (
	"context"
	"time"

	"github.com/encommun/maillage/graph"
)

// Follow keeps the index in step with writes made by other processes
// (other API replicas on one Neo4j, an import): every interval it reads the
// store's last sequence, one cheap read, and catches up when the index is
// behind. Each API process keeps its own index this way, which is how
// several of them share one store. It returns when ctx ends. (Subscribers
// hear of those writes through the live broker, which polls the store at
// the same pace: serve sets its Poll to the same interval.)
//
// A failing store is logged once when it starts failing and once when it
// answers again, not at every tick.
func (ix *Index) Follow(ctx context.Context, src Source, interval time.Duration) {
	if interval <= 0 {
		return
	}
	sys := graph.SystemContext(ctx)
	t := time.NewTicker(interval)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := ix.followOnce(sys, src)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			failing = true
			ix.log.Warn("search index cannot follow the store; retrying", "err", err)
		case err == nil && failing:
			failing = false
			ix.log.Info("search index follows the store again")
		}
	}
}

// followOnce catches up if the store is ahead.
func (ix *Index) followOnce(ctx context.Context, src Source) error {
	last, err := src.LastSeq(ctx)
	if err != nil {
		return err
	}
	seq, built, err := ix.LastApplied()
	if err != nil {
		return err
	}
	if built && seq >= last {
		return nil
	}
	return ix.CatchUp(ctx, src)
}
