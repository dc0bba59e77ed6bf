package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

// indexReady tells /readyz whether the index has applied every change.
func indexReady(ix *search.Index, store graph.ChangeStore) func(context.Context) error {
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

// reindexCommand rebuilds the search index kept in --data for the store
// the flags name: an embedded data directory that no server holds, or a
// Neo4j database (whose servers each keep their own index directory: run it
// with the --data of the server whose index to rebuild, while that server
// is stopped). A running server rebuilds online through the `reindex`
// mutation (ADMIN), which keeps answering searches meanwhile.
func reindexCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := newFlagSet("reindex", stderr)
	storeFlags(fs, &c)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	store, err := openStore(ctx, c, logger)
	if err != nil {
		if c.store == "embedded" {
			err = fmt.Errorf("%w\n(a running server rebuilds its index online: send the mutation `reindex` with an ADMIN token)", err)
		}
		return err
	}
	defer store.Close()
	ix, err := search.Open(cmdkit.IndexDir(c.data), search.Options{Logger: logger})
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
