package graph_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// Store stands for a store: Observers find the method by its receiver's
// type name.
type Store struct{ obs graph.Observers }

func (s *Store) view(ctx context.Context, fn func() error) (err error) {
	o := s.obs.Begin()
	defer func() { o.End(ctx, err) }()
	return fn()
}

func (s *Store) Document(ctx context.Context) error {
	return s.view(ctx, func() error { return nil })
}

// Documents reaches view through a helper and a closure, as the stores'
// generic helpers do.
func (s *Store) Documents(ctx context.Context) error {
	return helper(ctx, s, errors.New("boom"))
}

func helper(ctx context.Context, s *Store, err error) error {
	return func() error { return s.view(ctx, func() error { return err }) }()
}

// unexported is no store method: its transactions are not observed.
func (s *Store) unexported(ctx context.Context) error {
	return s.view(ctx, func() error { return nil })
}

func TestObserversNameTheStoreMethod(t *testing.T) {
	t.Parallel()
	var s Store
	ctx := context.Background()
	if err := s.Document(ctx); err != nil { // no observer yet: nothing to tell
		t.Fatal(err)
	}
	type call struct {
		op  string
		err string
	}
	var got []call
	s.obs.Add(func(c context.Context, op string, took time.Duration, err error) {
		if c != ctx || took < 0 {
			t.Errorf("observer called with %v, %v", c, took)
		}
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		got = append(got, call{op, msg})
	})
	for range 2 { // the second time from the cache
		_ = s.Document(ctx)
		_ = s.Documents(ctx)
		_ = s.unexported(ctx)
	}
	want := []call{{"Document", ""}, {"Documents", "boom"}, {"Document", ""}, {"Documents", "boom"}}
	if len(got) != len(want) {
		t.Fatalf("observed %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("observed %v, want %v", got, want)
		}
	}
}
