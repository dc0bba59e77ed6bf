package resolve

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/encommun/maillage/graph"
)

// Dataloaders batch the store calls of one request: every nested field asks
// its loader, and the loader makes one batch call (Store.Documents,
// Contributors, …, Links, Declarations) for all the keys asked for while
// they keep coming: a batch is fetched once loaderQuiet passes with no new
// key, or loaderWait after it opened. A fixed window would have to be as
// long as the slowest list takes to ask (fifty notes' authors on a busy
// machine: a millisecond or more), and every note page would wait that
// long for two keys asked within microseconds. Loaders are per request, so
// their caches never outlive the viewer they were filled for.
const (
	loaderQuiet = 200 * time.Microsecond
	loaderWait  = 1 * time.Millisecond
	loaderBatch = 1000
)

// linkKey asks for one node's links of one relation in one direction.
type linkKey struct {
	ID  string
	Rel graph.Relation
	Dir graph.Direction
}

type loaders struct {
	documents      loader[string, *graph.Document]
	contributors   loader[string, *graph.Contributor]
	carnets        loader[string, *graph.Carnet]
	communities    loader[string, *graph.Community]
	knowledgeBases loader[string, *graph.KnowledgeBase]
	links          loader[linkKey, []graph.Link]
	declarations   loader[string, []graph.Declaration]
	media          loader[string, []*graph.Media]
}

// LoaderSource is what the dataloaders read: the batch getters.
type LoaderSource interface {
	Documents(ctx context.Context, ids []string) ([]*graph.Document, error)
	Contributors(ctx context.Context, ids []string) ([]*graph.Contributor, error)
	Carnets() graph.CarnetOps
	Communities() graph.CommunityOps
	KnowledgeBases() graph.KnowledgeBaseOps
	LinksOf(ctx context.Context, sel []graph.LinkSelection) ([][]graph.Link, error)
	Declarations(ctx context.Context, contributorIDs []string) (map[string][]graph.Declaration, error)
	MediaOf(ctx context.Context, documentIDs []string) (map[string][]*graph.Media, error)
}

// newLoaders is one allocation: the fetch functions capture nothing, so a
// request that reads nothing through a loader pays for no maps or closures.
func newLoaders(s LoaderSource) *loaders {
	return &loaders{
		documents:      loader[string, *graph.Document]{store: s, fetch: fetchDocuments},
		contributors:   loader[string, *graph.Contributor]{store: s, fetch: fetchContributors},
		carnets:        loader[string, *graph.Carnet]{store: s, fetch: fetchCarnets},
		communities:    loader[string, *graph.Community]{store: s, fetch: fetchCommunities},
		knowledgeBases: loader[string, *graph.KnowledgeBase]{store: s, fetch: fetchKnowledgeBases},
		links:          loader[linkKey, []graph.Link]{store: s, fetch: fetchLinks},
		declarations:   loader[string, []graph.Declaration]{store: s, fetch: fetchDeclarations},
		media:          loader[string, []*graph.Media]{store: s, fetch: fetchMedia},
	}
}

// clear forgets everything loaded: a write may have changed any of it.
func (l *loaders) clear() {
	l.documents.clear()
	l.contributors.clear()
	l.carnets.clear()
	l.communities.clear()
	l.knowledgeBases.clear()
	l.links.clear()
	l.declarations.clear()
	l.media.clear()
}

// The Store batch getters return values in the order of the ids, nil for
// missing or hidden ones.
func fetchDocuments(ctx context.Context, s LoaderSource, ids []string) ([]*graph.Document, error) {
	return s.Documents(ctx, ids)
}

func fetchContributors(ctx context.Context, s LoaderSource, ids []string) ([]*graph.Contributor, error) {
	return s.Contributors(ctx, ids)
}

func fetchCarnets(ctx context.Context, s LoaderSource, ids []string) ([]*graph.Carnet, error) {
	return s.Carnets().GetMany(ctx, ids)
}

func fetchCommunities(ctx context.Context, s LoaderSource, ids []string) ([]*graph.Community, error) {
	return s.Communities().GetMany(ctx, ids)
}

func fetchKnowledgeBases(ctx context.Context, s LoaderSource, ids []string) ([]*graph.KnowledgeBase, error) {
	return s.KnowledgeBases().GetMany(ctx, ids)
}

// fetchLinks reads every list asked for in one Store.LinksOf call,
// whatever their relations and directions: the authors and the backlinks
// of a page of notes are one round trip to a remote store, not two.
func fetchLinks(ctx context.Context, s LoaderSource, keys []linkKey) ([][]graph.Link, error) {
	sel := make([]graph.LinkSelection, len(keys))
	for i, k := range keys {
		sel[i] = graph.LinkSelection{ID: k.ID, Relation: k.Rel, Direction: k.Dir}
	}
	return s.LinksOf(ctx, sel)
}

func fetchDeclarations(ctx context.Context, s LoaderSource, ids []string) ([][]graph.Declaration, error) {
	m, err := s.Declarations(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([][]graph.Declaration, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out, nil
}

// fetchMedia reads the media attached to each document, in the order of
// the ids (none for a document the viewer may not read).
func fetchMedia(ctx context.Context, s LoaderSource, ids []string) ([][]*graph.Media, error) {
	m, err := s.MediaOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([][]*graph.Media, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out, nil
}

// loader batches and caches the reads of one kind for one request. The
// caller that opens a batch waits for the others' keys (see wait), then
// fetches it itself: no goroutine is started per batch (one that would
// also grow its stack anew to run the store's read), and a full batch is
// fetched at once by the caller that filled it. Its zero value, with store
// and fetch set, is ready.
type loader[K comparable, V any] struct {
	store LoaderSource
	fetch func(context.Context, LoaderSource, []K) ([]V, error)

	mu      sync.Mutex
	known   map[K]slot[K, V] // every key asked for, in its batch
	pending *batch[K, V]     // collecting keys; nil when none is
}

type batch[K comparable, V any] struct {
	keys   []K
	values []V
	err    error
	done   chan struct{} // closed once values and err are set
	taken  bool          // a caller is fetching it (guarded by loader.mu)
}

type slot[K comparable, V any] struct {
	b *batch[K, V]
	i int
}

func (s slot[K, V]) get() (V, error) {
	<-s.b.done
	if s.b.err != nil {
		var zero V
		return zero, s.b.err
	}
	return s.b.values[s.i], nil
}

// Load returns the value of key, nil when the store has none the viewer
// may see.
func (l *loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	l.mu.Lock()
	s, opened, full := l.slot(key)
	l.mu.Unlock()
	if full != nil {
		l.run(ctx, full)
	} else if opened != nil {
		l.wait(ctx, opened)
	}
	return s.get()
}

// loadAlone is Load for a caller that no other field of its request can
// join (the only root field, resolving alone): nothing would come to its
// batch, so it fetches at once instead of waiting loaderWait for nothing.
func (l *loader[K, V]) loadAlone(ctx context.Context, key K) (V, error) {
	l.mu.Lock()
	s, opened, full := l.slot(key)
	if opened != nil && full == nil {
		opened.taken = true
		l.pending = nil
		full = opened
	}
	l.mu.Unlock()
	if full != nil {
		l.run(ctx, full)
	}
	return s.get()
}

// load is Load, or loadAlone when alone.
func load[K comparable, V any](ctx context.Context, l *loader[K, V], key K, alone bool) (V, error) {
	if alone {
		return l.loadAlone(ctx, key)
	}
	return l.Load(ctx, key)
}

// loadAllNow is LoadAll for a caller that holds every key of a level
// (a list resolver, for the fields its items will ask for): it fetches
// the batch it opened at once, instead of waiting for keys that would
// only come once it returns. Keys that joined a batch someone else
// opened are fetched with that batch.
func (l *loader[K, V]) loadAllNow(ctx context.Context, keys []K) ([]V, error) {
	l.mu.Lock()
	slots, opened, full := l.slots(keys)
	if opened != nil && !opened.taken {
		opened.taken = true
		if l.pending == opened {
			l.pending = nil
		}
		full = append(full, opened)
	}
	l.mu.Unlock()
	for _, b := range full {
		l.run(ctx, b)
	}
	return collect(slots)
}

// LoadThunk starts loading key and returns a function that waits for
// its value, for callers that ask several loaders before waiting on any.
// Such a caller may never wait, so its batch is fetched by a goroutine of
// its own rather than by the caller.
func (l *loader[K, V]) LoadThunk(ctx context.Context, key K) func() (V, error) {
	l.mu.Lock()
	s, opened, full := l.slot(key)
	l.mu.Unlock()
	if full != nil {
		go l.run(ctx, full)
	} else if opened != nil {
		go l.wait(ctx, opened)
	}
	return s.get
}

// LoadAll returns the values of keys, in order. On error the values it
// could load are returned with the first error.
func (l *loader[K, V]) LoadAll(ctx context.Context, keys []K) ([]V, error) {
	l.mu.Lock()
	slots, opened, full := l.slots(keys)
	l.mu.Unlock()
	for _, b := range full {
		l.run(ctx, b)
		if b == opened {
			opened = nil
		}
	}
	if opened != nil {
		l.wait(ctx, opened)
	}
	return collect(slots)
}

// slots is slot for each of keys: their slots, the batch the last key
// opened (if any) and the batches they filled. Called with l.mu held.
func (l *loader[K, V]) slots(keys []K) (slots []slot[K, V], opened *batch[K, V], full []*batch[K, V]) {
	slots = make([]slot[K, V], len(keys))
	for i, k := range keys {
		var o, f *batch[K, V]
		slots[i], o, f = l.slot(k)
		if o != nil {
			opened = o
		}
		if f != nil {
			full = append(full, f)
		}
	}
	return slots, opened, full
}

// collect waits for every slot and returns their values in order, with
// the first error.
func collect[K comparable, V any](slots []slot[K, V]) ([]V, error) {
	values := make([]V, len(slots))
	var first error
	for i, s := range slots {
		var err error
		if values[i], err = s.get(); err != nil && first == nil {
			first = err
		}
	}
	return values, first
}

// slot finds key, or adds it to the pending batch (opening one if none
// is). It returns the batch it opened, which the caller must wait for and
// fetch, and the batch it filled, which the caller must fetch at once.
// Called with l.mu held.
func (l *loader[K, V]) slot(key K) (s slot[K, V], opened, full *batch[K, V]) {
	if s, ok := l.known[key]; ok {
		return s, nil, nil
	}
	if l.pending == nil {
		l.pending = &batch[K, V]{done: make(chan struct{})}
		opened = l.pending
	}
	b := l.pending
	s = slot[K, V]{b, len(b.keys)}
	b.keys = append(b.keys, key)
	if l.known == nil {
		l.known = map[K]slot[K, V]{}
	}
	l.known[key] = s
	if len(b.keys) >= loaderBatch {
		b.taken = true
		l.pending = nil
		full = b
	}
	return s, opened, full
}

// wait lets the other fields add their keys to b, then fetches it unless
// it filled up meanwhile (whoever filled it fetches it).
func (l *loader[K, V]) wait(ctx context.Context, b *batch[K, V]) {
	deadline := time.Now().Add(loaderWait)
	l.mu.Lock()
	seen := len(b.keys)
	l.mu.Unlock()
	for {
		time.Sleep(loaderQuiet)
		l.mu.Lock()
		n, taken := len(b.keys), b.taken
		l.mu.Unlock()
		if taken || n == seen || time.Now().After(deadline) {
			break
		}
		seen = n
	}
	l.mu.Lock()
	mine := !b.taken
	if mine {
		b.taken = true
		if l.pending == b {
			l.pending = nil
		}
	}
	l.mu.Unlock()
	if mine {
		l.run(ctx, b)
	}
}

// run fetches b and releases its waiters, whatever happens: a panic in the
// store becomes every key's error rather than a request that never ends.
func (l *loader[K, V]) run(ctx context.Context, b *batch[K, V]) {
	defer close(b.done)
	defer func() {
		if p := recover(); p != nil {
			b.values, b.err = nil, fmt.Errorf("panic during fetch: %v", p)
		}
	}()
	values, err := l.fetch(ctx, l.store, b.keys)
	if err == nil && len(values) != len(b.keys) {
		err = fmt.Errorf("store returned %d values for %d keys", len(values), len(b.keys))
	}
	b.values, b.err = values, err
}

// clear forgets every key asked for; a batch being fetched still answers
// those who wait for it.
func (l *loader[K, V]) clear() {
	l.mu.Lock()
	l.known = nil
	l.mu.Unlock()
}

type loadersKey struct{}

// WithLoaders gives ctx dataloaders of its own: each HTTP request, each
// operation of a WebSocket and each event of a subscription gets them.
func WithLoaders(ctx context.Context, s LoaderSource) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(s))
}

// loaders returns the request's loaders. Outside an HTTP request (a
// resolver called directly) it returns fresh ones, which still batch.
func (r *Resolver) loaders(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r.store)
}
