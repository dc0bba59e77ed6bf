package search

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/maillage/graph"
)

// Related notes: the notes that mention several of the terms a document
// mentions (SharingTerms).

// SharingRequest asks which notes mention several of the same terms.
type SharingRequest struct {
	// Terms are the ids of the terms the document mentions.
	Terms []string
	// MinShared is how many of Terms a note must mention (at least 1).
	MinShared int
	// Exclude are ids never to return: the document and its linked notes.
	Exclude []string
	Limit   int
	// Viewer and ViewerCommunities restrict the notes as in Request.
	Viewer            graph.Viewer
	ViewerCommunities []string
}

// SharingTerms returns the notes the viewer may read that mention at least
// r.MinShared of r.Terms, those sharing the most first (ties by id); a
// hit's Score grows with the number of terms it shares (the caller counts
// them in the store, which is the truth).
func (ix *Index) SharingTerms(ctx context.Context, r SharingRequest) ([]Hit, error) {
	if ix.shut.Load() {
		return nil, errClosed
	}
	if len(r.Terms) > MaxExcluded || len(r.Exclude) > MaxExcluded {
		return nil, graph.Errorf(graph.EINVALID, "too many ids")
	}
	terms := uniq(r.Terms)
	minShared := max(r.MinShared, 1)
	if r.Limit <= 0 || len(terms) < minShared {
		return nil, nil
	}
	var shared []query.Query
	for _, t := range terms {
		// Each shared term counts 1: Bleve's own score of a keyword field
		// stored without norms is not a number.
		shared = append(shared, constScore{term(fieldTerm, t), 1})
	}
	dq := query.NewDisjunctionQuery(shared)
	dq.SetMin(float64(minShared))
	bq := readableExcept([]query.Query{dq, unscored{term(fieldKind, string(graph.KindNote))}}, r.Viewer, r.ViewerCommunities, r.Exclude)
	req := bleve.NewSearchRequestOptions(bq, r.Limit, 0, false)
	req.SortBy([]string{"-_score", fieldID})
	res, err := ix.run(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	out := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, Hit{ID: h.ID, Kind: graph.KindNote, Score: h.Score})
	}
	return out, nil
}

// constScore matches as q does and scores each match score, whatever the
// field's statistics; like unscored, it weighs nothing in the query norm.
type constScore struct {
	q     query.Query
	score float64
}

func (c constScore) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	opts.Score, opts.IncludeTermVectors, opts.Explain = "none", false, false
	s, err := c.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return fixedScore{s, c.score}, nil
}

type fixedScore struct {
	bsearch.Searcher
	score float64
}

func (fixedScore) Weight() float64 { return 0 }

func (fixedScore) SetQueryNorm(float64) {}

func (f fixedScore) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	d, err := f.Searcher.Next(ctx)
	if d != nil {
		d.Score = f.score
	}
	return d, err
}

func (f fixedScore) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := f.Searcher.Advance(ctx, id)
	if d != nil {
		d.Score = f.score
	}
	return d, err
}
