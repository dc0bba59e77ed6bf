package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/encommun/maillage/graph"
)

// Dataloaders batch the store calls of one request: every nested field asks
// its loader, and the loader makes one batch call (Store.Documents,
// Contributors, …, Links, Declarations) for all the keys asked for within
// loaderWait. Loaders are per request, so their caches never outlive the
// viewer they were filled for.
const (
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
	documents      *dataloadgen.Loader[string, *graph.Document]
	contributors   *dataloadgen.Loader[string, *graph.Contributor]
	carnets        *dataloadgen.Loader[string, *graph.Carnet]
	communities    *dataloadgen.Loader[string, *graph.Community]
	knowledgeBases *dataloadgen.Loader[string, *graph.KnowledgeBase]
	links          *dataloadgen.Loader[linkKey, []graph.Link]
	declarations   *dataloadgen.Loader[string, []graph.Declaration]
}

func newLoaders(s graph.Store) *loaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(loaderWait), dataloadgen.WithBatchCapacity(loaderBatch)}
	return &loaders{
		documents:      dataloadgen.NewLoader(byIDs(s.Documents), opts...),
		contributors:   dataloadgen.NewLoader(byIDs(s.Contributors), opts...),
		carnets:        dataloadgen.NewLoader(byIDs(s.Carnets), opts...),
		communities:    dataloadgen.NewLoader(byIDs(s.Communities), opts...),
		knowledgeBases: dataloadgen.NewLoader(byIDs(s.KnowledgeBases), opts...),
		links:          dataloadgen.NewLoader(fetchLinks(s), opts...),
		declarations:   dataloadgen.NewLoader(fetchDeclarations(s), opts...),
	}
}

// clear forgets everything loaded: a write may have changed any of it.
func (l *loaders) clear() {
	l.documents.ClearAll()
	l.contributors.ClearAll()
	l.carnets.ClearAll()
	l.communities.ClearAll()
	l.knowledgeBases.ClearAll()
	l.links.ClearAll()
	l.declarations.ClearAll()
}

// byIDs adapts a Store batch getter (same order, nil for missing or hidden)
// to a loader fetch.
func byIDs[T any](get func(context.Context, []string) ([]*T, error)) func(context.Context, []string) ([]*T, []error) {
	return func(ctx context.Context, ids []string) ([]*T, []error) {
		out, err := get(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		if len(out) != len(ids) {
			return nil, []error{fmt.Errorf("store returned %d values for %d ids", len(out), len(ids))}
		}
		return out, nil
	}
}

// fetchLinks makes one Store.Links call per relation and direction asked for.
func fetchLinks(s graph.Store) func(context.Context, []linkKey) ([][]graph.Link, []error) {
	type group struct {
		rel graph.Relation
		dir graph.Direction
	}
	return func(ctx context.Context, keys []linkKey) ([][]graph.Link, []error) {
		var order []group
		ids := map[group][]string{}
		for _, k := range keys {
			g := group{k.Rel, k.Dir}
			if _, ok := ids[g]; !ok {
				order = append(order, g)
			}
			ids[g] = append(ids[g], k.ID)
		}
		found := map[linkKey][]graph.Link{}
		for _, g := range order {
			m, err := s.Links(ctx, ids[g], g.rel, g.dir)
			if err != nil {
				return nil, []error{err}
			}
			for _, id := range ids[g] {
				found[linkKey{id, g.rel, g.dir}] = m[id]
			}
		}
		out := make([][]graph.Link, len(keys))
		for i, k := range keys {
			out[i] = found[k]
		}
		return out, nil
	}
}

func fetchDeclarations(s graph.Store) func(context.Context, []string) ([][]graph.Declaration, []error) {
	return func(ctx context.Context, ids []string) ([][]graph.Declaration, []error) {
		m, err := s.Declarations(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		out := make([][]graph.Declaration, len(ids))
		for i, id := range ids {
			out[i] = m[id]
		}
		return out, nil
	}
}

type loadersKey struct{}

// withLoaders gives each request its own loaders.
func withLoaders(s graph.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, newLoaders(s))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// loaders returns the request's loaders. Outside an HTTP request (a
// resolver called directly) it returns fresh ones, which still batch.
func (r *Resolver) loaders(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r.store)
}
