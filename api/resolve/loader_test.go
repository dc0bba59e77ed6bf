package resolve

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// recordingFetch answers each key with "v:"+key and remembers the batches
// it was asked for.
type recordingFetch struct {
	mu      sync.Mutex
	batches [][]string
}

func (f *recordingFetch) fetch(_ context.Context, _ LoaderSource, keys []string) ([]string, error) {
	f.mu.Lock()
	f.batches = append(f.batches, slices.Clone(keys))
	f.mu.Unlock()
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = "v:" + k
	}
	return out, nil
}

func TestLoaderBatchesConcurrentCallers(t *testing.T) {
	t.Parallel()
	f := &recordingFetch{}
	l := &loader[string, string]{fetch: f.fetch}
	ctx := context.Background()
	var wg sync.WaitGroup
	got := make([]string, 20)
	for i := range got {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				got[i], err = l.Load(ctx, fmt.Sprint(i))
			} else {
				var vs []string
				vs, err = l.LoadAll(ctx, []string{fmt.Sprint(i), "shared"})
				got[i] = vs[0]
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i, v := range got {
		if v != fmt.Sprint("v:", i) {
			t.Errorf("key %d: got %q", i, v)
		}
	}
	keys := 0
	for _, b := range f.batches {
		keys += len(b)
	}
	// 20 keys and "shared" once: a key asked for twice is fetched once.
	if keys != 21 {
		t.Errorf("%d keys fetched in %v, want 21", keys, f.batches)
	}
	// The callers start within microseconds of each other; a slow machine
	// may split them, never into one batch each.
	if len(f.batches) > 5 {
		t.Errorf("%d batches for 20 concurrent callers: %v", len(f.batches), f.batches)
	}

	// Cached: no fetch for keys already loaded, until clear.
	n := len(f.batches)
	if v, _ := l.Load(ctx, "3"); v != "v:3" || len(f.batches) != n {
		t.Errorf("cached key: %q after %d fetches, want v:3 after %d", v, len(f.batches), n)
	}
	l.clear()
	if v, _ := l.Load(ctx, "3"); v != "v:3" || len(f.batches) != n+1 {
		t.Errorf("after clear: %q after %d fetches, want v:3 after %d", v, len(f.batches), n+1)
	}
}

func TestLoaderSplitsFullBatches(t *testing.T) {
	t.Parallel()
	f := &recordingFetch{}
	l := &loader[string, string]{fetch: f.fetch}
	keys := make([]string, 2*loaderBatch+5)
	for i := range keys {
		keys[i] = fmt.Sprint(i)
	}
	vs, err := l.LoadAll(context.Background(), keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if v != "v:"+keys[i] {
			t.Fatalf("value %d: %q", i, v)
		}
	}
	var sizes []int
	for _, b := range f.batches {
		sizes = append(sizes, len(b))
	}
	if !slices.Equal(sizes, []int{loaderBatch, loaderBatch, 5}) {
		t.Errorf("batch sizes %v, want %d, %d, 5", sizes, loaderBatch, loaderBatch)
	}
}

// A failing or panicking fetch answers every waiter with an error; none
// is left waiting, and the other loaders of the request are not affected.
func TestLoaderFetchFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, fetch := range map[string]func(context.Context, LoaderSource, []string) ([]string, error){
		"error": func(context.Context, LoaderSource, []string) ([]string, error) {
			return nil, graph.Errorf(graph.EINTERNAL, "store down")
		},
		"panic": func(context.Context, LoaderSource, []string) ([]string, error) { panic("boom") },
		"short": func(context.Context, LoaderSource, []string) ([]string, error) { return []string{"x"}, nil },
	} {
		t.Run(name, func(t *testing.T) {
			l := &loader[string, string]{fetch: fetch}
			done := make(chan error, 3)
			go func() { _, err := l.Load(ctx, "a"); done <- err }()
			go func() { _, err := l.LoadAll(ctx, []string{"b", "c"}); done <- err }()
			go func() { _, err := l.LoadThunk(ctx, "d")(); done <- err }()
			for range 3 {
				select {
				case err := <-done:
					if err == nil {
						t.Error("no error")
					}
				case <-time.After(10 * time.Second):
					t.Fatal("a caller is still waiting")
				}
			}
		})
	}
}

// A thunk's batch is fetched even if the caller that started it never
// waits: other callers of the same batch must not hang.
func TestLoaderThunkNeverCalled(t *testing.T) {
	t.Parallel()
	f := &recordingFetch{}
	l := &loader[string, string]{fetch: f.fetch}
	ctx := context.Background()
	_ = l.LoadThunk(ctx, "a")
	done := make(chan string, 1)
	go func() { v, _ := l.Load(ctx, "a"); done <- v }()
	select {
	case v := <-done:
		if v != "v:a" {
			t.Errorf("got %q", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load waits for a batch nobody fetches")
	}
}
