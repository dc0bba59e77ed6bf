package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/maillage/graph"
)

// Statistics (standpoint coverage, the contributor network) count every
// document a search matches, not one page of it: Scope returns all their
// ids, and the store counts over them. The index holds PUBLIC declarations
// only, so nothing here can tell a per-person AGGREGATE value; the store
// does the counting and the suppression.

// ScopeRequest asks for every document matching a text and a filter.
type ScopeRequest struct {
	// Query is the user's text, as for Request; blank matches every
	// document (that the filter keeps).
	Query  string
	Filter Filter
	// Viewer and ViewerCommunities, as for Request: the visibility clause
	// is part of the query.
	Viewer            graph.Viewer
	ViewerCommunities []string
}

// Scope returns the ids of every document the viewer may read that
// matches r, in no set order. Words match as in Search: as typed, then
// with typo tolerance when that finds nothing. Errors are as Search's.
func (ix *Index) Scope(ctx context.Context, r ScopeRequest) ([]string, error) {
	if ix.shut.Load() {
		return nil, errClosed
	}
	var uq *userQuery
	if strings.TrimFunc(r.Query, isSpace) != "" {
		var err error
		if uq, err = parseQuery(r.Query); err != nil {
			return nil, err
		}
	}
	if err := r.Filter.validate(); err != nil {
		return nil, err
	}
	// Terms and organisations have their own visibility: filtering on one
	// the viewer may not read matches nothing, as in Search.
	for _, ids := range []*[]string{&r.Filter.Terms, &r.Filter.Organisations} {
		if len(*ids) == 0 || r.Viewer.SeesEverything() {
			continue
		}
		seen, err := ix.readable(ctx, *ids, r.Viewer, r.ViewerCommunities)
		if err != nil {
			return nil, err
		}
		var keep []string
		for _, id := range *ids {
			if seen[id] {
				keep = append(keep, id)
			}
		}
		if len(keep) == 0 {
			return []string{}, nil
		}
		*ids = keep
	}
	if uq == nil {
		return ix.scopeIDs(ctx, query.NewMatchAllQuery(), nil, r)
	}
	ids, err := ix.scopeMode(ctx, uq, false, r)
	if err == nil && len(ids) == 0 && uq.tolerant() {
		ids, err = ix.scopeMode(ctx, uq, true, r)
	}
	return ids, err
}

func (ix *Index) scopeMode(ctx context.Context, uq *userQuery, approximate bool, r ScopeRequest) ([]string, error) {
	must, mustNot, _ := ix.textQuery(uq, approximate)
	if must == nil {
		return []string{}, nil // only stop words: nothing matches
	}
	return ix.scopeIDs(ctx, must, mustNot, r)
}

// scopeIDs collects every hit of must minus mustNot, within the filter and
// the visibility clause. No score is computed: only membership matters.
func (ix *Index) scopeIDs(ctx context.Context, must, mustNot query.Query, r ScopeRequest) ([]string, error) {
	total, err := ix.alias.DocCount()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if total == 0 {
		return []string{}, nil
	}
	bq := query.NewBooleanQuery(nil, nil, nil)
	bq.Must = must
	bq.MustNot = mustNot
	if f := filterQuery(r.Filter, r.Viewer, r.ViewerCommunities); f != nil {
		bq.AddFilter(f)
	}
	// One more than the index holds: every match fits, so the collector
	// never stops early nor drops any.
	req := bleve.NewSearchRequestOptions(bq, int(total)+1, 0, false)
	req.Score = bleve.ScoreNone
	res, err := ix.run(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}
