package search

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search/benchcorpus"
)

// topkIndex is an index of generated documents (corpus_test.go) and of
// documents made to test the bound: bodies of one or two words that hold a
// topic word (the highest impact a body can have), summaries of one word,
// long titles, aliases, in both languages and every visibility.
func topkIndex(t *testing.T, n int) *Index {
	t.Helper()
	ix, err := Open(t.TempDir(), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ResultCache: -1})
	ok(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	gen := newCorpusGen(3)
	w := ix.newWriter(ix.live, ix.batchSize)
	for i := range n {
		ok(t, w.put(gen.entry(i)))
	}
	langs := []string{"fr", "en", "es"}
	vis := []graph.Visibility{graph.VisibilityPublic, graph.VisibilityPublic, graph.VisibilityCommunity, graph.VisibilityPrivate}
	for i, word := range topicWords[:12] {
		for j, d := range []graph.Document{
			{Title: "Sans rapport", Body: word},
			{Title: "Autre chose", Body: word + " " + word},
			{Title: "Encore", Summary: word, Body: "rien " + word},
			{Title: strings.Repeat("mot ", 30) + word, Body: word},
			{Title: word, Body: strings.Repeat(word+" ", 5)},
			{Kind: graph.KindTerm, Title: "Terme", Aliases: []string{strings.ToUpper(word)}, Body: word},
		} {
			d.ID = fmt.Sprintf("z%02d%d", i, j)
			if d.Kind == "" {
				d.Kind = graph.KindNote
			}
			d.Language = langs[(i+j)%len(langs)]
			d.Visibility = vis[(i*7+j)%len(vis)]
			links := map[graph.Relation][]string{graph.RelAuthored: {benchcorpus.ContributorID((i + j) % 5)}}
			if d.Visibility == graph.VisibilityCommunity {
				links[graph.RelOfCommunity] = []string{benchcorpus.CommunityID(j % 3)}
			}
			ok(t, w.put(newEntry(&d, links, nil)))
		}
	}
	ok(t, w.finish(uint64(n)))
	ix.refreshFields(ix.live.idx)
	return ix
}

// TestBoundedPageIsTheExhaustivePage compares every page asked among the
// candidates (topk.go), and every page asked among the listed matches
// (fewFirst), with the page asked of every match, as before:
// the same hits, in the same order, with the same scores and cursors, the
// same facets; totals exact or, past the bound, the bound.
func TestBoundedPageIsTheExhaustivePage(t *testing.T) {
	t.Parallel()
	ix := topkIndex(t, 2000)
	tax := graph.DefaultTaxonomy()
	dim := tax.Dimensions[1]
	var reqs []Request
	for i, w := range topicWords[:8] {
		reqs = append(reqs,
			Request{Query: w},
			Request{Query: w + " " + topicWords[(i*5+3)%len(topicWords)]},
			Request{Query: w + " -" + topicWords[(i+1)%len(topicWords)]},
			Request{Query: w, Filter: Filter{Kinds: []graph.Kind{graph.KindNote}, Languages: []string{"fr"}}},
			Request{Query: w, Filter: Filter{Standpoints: []Standpoint{{dim.ID, dim.Values[i%len(dim.Values)].ID}}}},
			Request{Query: w, Facets: true, FacetSize: 5},
			Request{Query: w, CountUpTo: 30},
		)
		if i < 4 && len([]rune(w)) >= fuzzyMinLetters {
			reqs = append(reqs,
				Request{Query: typo(w)},
				Request{Query: typo(w) + " " + topicWords[(i*3+1)%len(topicWords)], Facets: true},
			)
		}
	}
	viewers := []struct {
		v           graph.Viewer
		communities []string
	}{
		{graph.Viewer{}, nil},
		{graph.Viewer{Role: graph.RoleContributor, ContributorID: benchcorpus.ContributorID(1)}, []string{benchcorpus.CommunityID(0), benchcorpus.CommunityID(2)}},
		{graph.Viewer{Role: graph.RoleAdmin}, nil},
	}
	ctx := context.Background()
	// fewMatches 0: every page among candidates first; MaxInt: every page
	// among the listed matches (fewFirst); -1: the exhaustive reference.
	run := func(r Request, fewMatches int) (*Result, error) {
		ix.fewMatches = fewMatches
		return ix.Search(ctx, r)
	}
	for _, r := range reqs {
		for _, v := range viewers {
			for _, first := range []int{1, 7, 100} {
				r := r
				r.Viewer, r.ViewerCommunities, r.First = v.v, v.communities, first
				name := fmt.Sprintf("%q %+v viewer %s first %d", r.Query, r.Filter, v.v.ContributorID+string(v.v.Role), first)
				for page := 0; page < 3; page++ {
					want, err := run(r, -1)
					ok(t, err)
					for _, few := range []int{0, math.MaxInt} {
						got, err := run(r, few)
						ok(t, err)
						name := fmt.Sprintf("%s (fewMatches %d)", name, few)
						if g, w := hitsLine(got), hitsLine(want); g != w {
							t.Fatalf("%s page %d:\n got %s\nwant %s", name, page, g, w)
						}
						if got.HasNextPage != want.HasNextPage || got.EndCursor != want.EndCursor {
							t.Fatalf("%s page %d: next page %v %q, want %v %q", name, page, got.HasNextPage, got.EndCursor, want.HasNextPage, want.EndCursor)
						}
						if fmt.Sprint(got.Facets) != fmt.Sprint(want.Facets) {
							t.Fatalf("%s page %d: facets\n%v\nwant\n%v", name, page, got.Facets, want.Facets)
						}
						if got.TotalCount != want.TotalCount || got.TotalAtLeast != want.TotalAtLeast {
							t.Fatalf("%s page %d: total %d (at least: %v), want %d (%v)", name, page, got.TotalCount, got.TotalAtLeast, want.TotalCount, want.TotalAtLeast)
						}
					}
					if !want.HasNextPage {
						break
					}
					r.After = want.EndCursor
				}
			}
		}
	}
	if ix.boundedPages.Load() < 100 || ix.boundedMisses.Load() == 0 {
		t.Fatalf("%d pages bounded, %d not: both paths must be compared", ix.boundedPages.Load(), ix.boundedMisses.Load())
	}
	t.Logf("%d pages bounded, %d not", ix.boundedPages.Load(), ix.boundedMisses.Load())
}

func hitsLine(res *Result) string {
	var b strings.Builder
	for _, h := range res.Hits {
		fmt.Fprintf(&b, "%s:%v:%s:%v ", h.ID, h.Score, h.Cursor, h.Highlights)
	}
	return b.String()
}

// TestOutsideBoundHoldsForEveryMatch checks the bound itself: every match
// of a query that is not a candidate of a tier scores at most the tier's
// outsideBound, on documents made to come close to it.
func TestOutsideBoundHoldsForEveryMatch(t *testing.T) {
	t.Parallel()
	ix := topkIndex(t, 1000)
	ctx := context.Background()
	closest := 0.0
	for i, w := range topicWords[:12] {
		for _, text := range []string{w, w + " " + topicWords[(i+4)%len(topicWords)]} {
			uq, err := parseQuery(text)
			ok(t, err)
			must, mustNot, marked := ix.textQuery(uq, false)
			all := ids2scores(t, ix, booleanQuery([]query.Query{must}, mustNot))
			for _, fields := range candidateTiers {
				cand := ids2scores(t, ix, booleanQuery([]query.Query{must, unscored{marked.plan.candidates(fields)}}, mustNot))
				var bound float64
				bq := boundedQuery{q: query.NewMatchNoneQuery(), plan: &marked.plan, fields: fields, bound: &bound, impacts: ix.impacts}
				_, err := ix.run(ctx, bleve.NewSearchRequest(bq))
				ok(t, err)
				for id, score := range all {
					if _, in := cand[id]; in {
						if cand[id] != score {
							t.Fatalf("%q: %s scores %v among candidates, %v among all", text, id, cand[id], score)
						}
						continue
					}
					if score > bound {
						t.Fatalf("%q, tier %v: %s scores %v, over the bound %v", text, fields, id, score, bound)
					}
					closest = max(closest, score/bound)
				}
			}
		}
	}
	// The documents with one-word bodies come close: the bound is not
	// vacuous.
	if closest < 0.5 {
		t.Fatalf("the highest score outside the candidates is %.2f of the bound", closest)
	}
	t.Logf("the highest score outside the candidates is %.3f of the bound", closest)
}

func ids2scores(t *testing.T, ix *Index, q query.Query) map[string]float64 {
	req := bleve.NewSearchRequestOptions(q, 100000, 0, false)
	res, err := ix.run(context.Background(), req)
	ok(t, err)
	out := make(map[string]float64, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out
}

// TestFacetColumnsCountAsDocValues compares facet counts taken from the
// segments' columns (facetcols.go) with counts read from doc values per
// match, on an index with several segments, updated and deleted documents.
func TestFacetColumnsCountAsDocValues(t *testing.T) {
	t.Parallel()
	ix := topkIndex(t, 1200)
	// Rewrite some documents with other links, in small batches: more
	// segments, and deleted documents in the old ones.
	gen := newCorpusGen(11)
	for batch := range 4 {
		w := ix.newWriter(ix.live, 50)
		for i := range 50 {
			e := gen.entry(batch*50 + i)
			e.ID = fmt.Sprintf("d%06d", (batch*50+i)*7)
			ok(t, w.put(e))
		}
		ok(t, w.finish(uint64(1300+batch)))
	}
	ctx := context.Background()
	for i, w := range topicWords[:8] {
		for _, v := range []graph.Viewer{{}, {Role: graph.RoleAdmin}} {
			r := Request{Query: w, Facets: true, FacetSize: MaxFacetSize, Viewer: v}
			if i%2 == 1 {
				r.Query += " " + topicWords[i+1]
			}
			cols := ix.facetCols
			got, err := ix.Search(ctx, r)
			ok(t, err)
			ix.facetCols = nil
			want, err := ix.Search(ctx, r)
			ix.facetCols = cols
			ok(t, err)
			if fmt.Sprint(got.Facets) != fmt.Sprint(want.Facets) || got.TotalCount != want.TotalCount {
				t.Fatalf("%q viewer %s: columns count\n%v\ndoc values\n%v", r.Query, v.Role, got.Facets, want.Facets)
			}
		}
	}
	if n := len(ix.facetCols.cols); n < 2 {
		t.Fatalf("%d segments read into columns", n)
	}
}
