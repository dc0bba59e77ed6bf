package search

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search/benchcorpus"
)

// bitmapProbe matches the documents matchBitmaps finds for q; *ok reports
// whether it could evaluate q.
type bitmapProbe struct {
	q  query.Query
	ok *bool
}

func (p bitmapProbe) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	ms, ok, err := matchBitmaps(r, p.q)
	if err != nil {
		return nil, err
	}
	*p.ok = ok
	if !ok {
		return searcher.NewMatchNoneSearcher(r)
	}
	return idList(ms.ids()).Searcher(ctx, r, m, opts)
}

// TestBitmapMatchesAreBleveMatches compares the matches evaluated as
// bitmaps (bitmaps.go) with Bleve's own for the queries a search counts
// and lists: words, exclusions, typos, every filter, three viewers, on an
// index with several segments and updated and removed documents.
func TestBitmapMatchesAreBleveMatches(t *testing.T) {
	t.Parallel()
	ix := topkIndex(t, 1200)
	gen := newCorpusGen(11)
	for batch := range 4 {
		w := ix.newWriter(ix.live, 50)
		for i := range 50 {
			e := gen.entry(batch*50 + i)
			e.ID = fmt.Sprintf("d%06d", (batch*50+i)*7)
			ok(t, w.put(e))
		}
		for i := range 20 {
			ok(t, w.remove(fmt.Sprintf("d%06d", batch*97+i*13+1)))
		}
		ok(t, w.finish(uint64(1300+batch)))
	}
	tax := graph.DefaultTaxonomy()
	dim := tax.Dimensions[1]
	var reqs []Request
	for i, w := range topicWords[:10] {
		other := topicWords[(i*5+3)%len(topicWords)]
		reqs = append(reqs,
			Request{Query: w},
			Request{Query: w + " " + other},
			Request{Query: w + " -" + topicWords[(i+1)%len(topicWords)]},
			Request{Query: w, Filter: Filter{Kinds: []graph.Kind{graph.KindNote, graph.KindTerm}, Languages: []string{"fr"}}},
			Request{Query: w, Filter: Filter{Standpoints: []Standpoint{{dim.ID, dim.Values[i%len(dim.Values)].ID}}}},
			Request{Query: w, Filter: Filter{Communities: []string{benchcorpus.CommunityID(i % 3)}, Authors: []string{benchcorpus.ContributorID(i % 5)}}},
			Request{Query: "la " + w},
		)
		if len([]rune(w)) >= fuzzyMinLetters {
			reqs = append(reqs, Request{Query: typo(w)}, Request{Query: typo(w) + " " + other})
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
	compared, nonEmpty := 0, 0
	for _, r := range reqs {
		uq, err := parseQuery(r.Query)
		ok(t, err)
		for _, tolerant := range []bool{false, true} {
			for _, v := range viewers {
				must, mustNot, _ := ix.textQuery(uq, tolerant)
				for _, wrap := range []bool{false, true} {
					q := booleanQuery(append([]query.Query{must}, filterClausesAs(r.Filter, v.v, v.communities, wrap)...), mustNot)
					name := fmt.Sprintf("%q tolerant %v %+v viewer %s%s wrapped %v", r.Query, tolerant, r.Filter, v.v.ContributorID, v.v.Role, wrap)
					want := slices.Sorted(maps.Keys(ids2scores(t, ix, q)))
					evaluated := false
					res, err := ix.run(ctx, bleve.NewSearchRequestOptions(bitmapProbe{q: q, ok: &evaluated}, 100000, 0, false))
					ok(t, err)
					if !evaluated {
						t.Fatalf("%s: not evaluated as bitmaps", name)
					}
					var got []string
					for _, h := range res.Hits {
						got = append(got, h.ID)
					}
					slices.Sort(got)
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("%s: bitmaps match %d documents\n%v\nBleve %d\n%v", name, len(got), got, len(want), want)
					}
					compared++
					if len(want) > 0 {
						nonEmpty++
					}
				}
			}
		}
	}
	if nonEmpty < compared/2 {
		t.Fatalf("only %d of %d queries match something", nonEmpty, compared)
	}

	// The page's highlights, read from the segments holding its hits, are
	// those of the text query run again (several segments, deleted
	// documents in the old ones).
	tried := 0
	for _, r := range reqs[:20] {
		r.Viewer, r.First = graph.Viewer{Role: graph.RoleAdmin}, 50
		res, err := ix.Search(ctx, r)
		ok(t, err)
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(ids) == 0 {
			continue
		}
		want := rerunHighlights(t, ix, r.Query, res.Approximate, ids)
		for _, h := range res.Hits {
			tried++
			if !reflect.DeepEqual(h.Highlights, want[h.ID]) {
				t.Fatalf("%q, %s:\n got %+v\nwant %+v", r.Query, h.ID, h.Highlights, want[h.ID])
			}
		}
	}
	if tried < 200 {
		t.Fatalf("only %d hits' highlights compared", tried)
	}

	// A phrase is not evaluated: its caller takes Bleve's path.
	uq, err := parseQuery(`"` + topicWords[0] + " " + topicWords[1] + `"`)
	ok(t, err)
	must, _, _ := ix.textQuery(uq, false)
	evaluated := true
	_, err = ix.run(ctx, bleve.NewSearchRequest(bitmapProbe{q: booleanQuery([]query.Query{must}, nil), ok: &evaluated}))
	ok(t, err)
	if evaluated {
		t.Fatal("a phrase was evaluated as bitmaps")
	}
}
