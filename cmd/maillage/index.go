package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/embedded"
	"github.com/encommun/maillage/search"
)

// indexDir is where the search index lives under the data directory; it is
// derived from the store and can be deleted at any time.
func indexDir(data string) string { return filepath.Join(data, "index") }

// openIndex opens the search index and brings it up to the store's change
// sequence: after a crash between a store commit and the index update this
// applies the missed changes; a new or outdated index is rebuilt.
func openIndex(ctx context.Context, data string, store graph.Store, logger *slog.Logger, searches int) (*search.Index, error) {
	ix, err := search.Open(indexDir(data), search.Options{Logger: logger, MaxConcurrentSearches: searches})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := ix.CatchUp(ctx, store); err != nil {
		ix.Close()
		return nil, fmt.Errorf("search index: %w", err)
	}
	seq, _, _ := ix.LastApplied()
	logger.Info("search index in step with the store", "seq", seq, "took", time.Since(start).Round(time.Millisecond))
	return ix, nil
}

// indexReady tells /readyz whether the index has applied every change.
func indexReady(ix *search.Index, store graph.Store) func(context.Context) error {
	return func(ctx context.Context) error {
		applied, _, err := ix.LastApplied()
		if err != nil {
			return err
		}
		last, err := store.LastSeq(graph.SystemContext(ctx))
		if err != nil {
			return err
		}
		if applied < last {
			return fmt.Errorf("search index behind the store: %d changes to apply", last-applied)
		}
		return nil
	}
}

// reindexCommand rebuilds the search index of an embedded data directory
// that no server holds. A running server rebuilds online through the
// `reindex` mutation (ADMIN), which keeps answering searches meanwhile.
func reindexCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var data string
	fs := newFlagSet("reindex", stderr)
	fs.StringVar(&data, "data", "./data", "data directory")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := embedded.Open(data, embedded.Options{})
	if err != nil {
		return fmt.Errorf("%w\n(a running server rebuilds its index online: send the mutation `reindex` with an ADMIN token)", err)
	}
	defer store.Close()
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	ix, err := search.Open(indexDir(data), search.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer ix.Close()
	start := time.Now()
	if err := ix.Rebuild(ctx, store); err != nil {
		return err
	}
	n, err := ix.DocCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "search index rebuilt: %d documents in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
