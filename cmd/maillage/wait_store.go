package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/neo4j"
)

// waitFlag is --wait-for-store[=DURATION]: bare, serve waits for an
// unreachable Neo4j without limit; with a duration, for that long.
type waitFlag struct {
	on  bool
	max time.Duration // 0: no limit
}

func (w *waitFlag) IsBoolFlag() bool { return true }

func (w *waitFlag) String() string {
	switch {
	case w == nil || !w.on:
		return "false"
	case w.max == 0:
		return "true"
	}
	return w.max.String()
}

func (w *waitFlag) Set(s string) error {
	switch s {
	case "true":
		*w = waitFlag{on: true}
		return nil
	case "false":
		*w = waitFlag{}
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("want a positive duration (30s, 5m) or nothing, not %q", s)
	}
	*w = waitFlag{on: true, max: d}
	return nil
}

// openStoreWaiting is openStore that, with --wait-for-store, waits for a
// Neo4j that does not answer yet (a deployment whose database starts
// beside the API): it says once that it waits, then tries again, more
// and more slowly, until the store answers, the wait is over or serve is
// stopped (a nil store and no error). Any other failure (refused
// credentials, a missing database) ends the wait at once: waiting would
// not mend it. Without the flag, an unreachable Neo4j is the one-line
// error it always was.
func openStoreWaiting(ctx context.Context, c serveConfig, logger *slog.Logger) (graph.Store, error) {
	s, err := openStore(ctx, c, logger)
	if err == nil || !c.waitStore.on || !errors.Is(err, neo4j.ErrUnreachable) {
		return s, err
	}
	start := time.Now()
	limit := "no limit"
	var over <-chan time.Time
	if c.waitStore.max > 0 {
		limit = c.waitStore.max.String()
		timer := time.NewTimer(c.waitStore.max)
		defer timer.Stop()
		over = timer.C
	}
	logger.Warn("waiting for the store (--wait-for-store)", "for", limit, "error", err)
	for wait := 250 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		select {
		case <-ctx.Done():
			return nil, nil
		case <-over:
			return nil, fmt.Errorf("waited %s for the store: %w", c.waitStore.max, err)
		case <-time.After(wait):
		}
		if s, err = openStore(ctx, c, logger); err == nil {
			logger.Info("the store answers", "waited", time.Since(start).Round(time.Millisecond))
			return s, nil
		} else if !errors.Is(err, neo4j.ErrUnreachable) {
			return nil, err
		}
	}
}
