package embedded

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/encommun/maillage/graph"
)

// expiresAfter is a context whose deadline passes after its Err has been
// asked n times: it stands for a request that times out while the store
// is scanning, at a known point of the scan.
type expiresAfter struct {
	context.Context
	n, asked atomic.Int64
}

func (c *expiresAfter) Err() error {
	if c.asked.Add(1) > c.n.Load() {
		return context.DeadlineExceeded
	}
	return nil
}

// A scan that may visit the whole store stops at its next checkpoint once
// its request is past its timeout, rather than holding its read
// transaction to the end.
func TestScansStopWhenTheirRequestExpires(t *testing.T) {
	t.Parallel()
	s := openFast(t)
	ok(t, s.Restore(sys, generated(t))) // 2 500 notes, with terms, organisations and contributors
	curator := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleCurator, ContributorID: "cur"})

	scans := map[string]func(ctx context.Context) error{
		"ListDocuments": func(ctx context.Context) error {
			_, err := s.ListDocuments(ctx, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 10})
			return err
		},
		"ListDocuments by language": func(ctx context.Context) error {
			_, err := s.ListDocuments(ctx, graph.DocumentFilter{Language: "fr"}, graph.DocumentOrder{}, graph.Page{First: 10})
			return err
		},
		"DocumentTitles": func(ctx context.Context) error {
			_, err := s.DocumentTitles(ctx, nil)
			return err
		},
	}
	for name, scan := range scans {
		// Unhurried, the scan answers.
		if err := scan(curator); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// The deadline passes just after the scan has begun: it gives up
		// at its first checkpoint, having asked once at the start and once
		// there.
		ctx := &expiresAfter{Context: curator}
		ctx.n.Store(1)
		err := scan(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s past its deadline: %v, want context.DeadlineExceeded", name, err)
		}
		if got := ctx.asked.Load(); got != 2 {
			t.Errorf("%s asked its context %d times, want 2 (start, first checkpoint)", name, got)
		}
	}
}
