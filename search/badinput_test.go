package search

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// TestBadInputIsBoundedOrRefused replays the inputs issue #17 lists: each
// answers, well within a request's time, or is refused as bad input.
func TestBadInputIsBoundedOrRefused(t *testing.T) {
	t.Parallel()
	ix := topkIndex(t, 2000)
	var common, typos []string
	for _, w := range topicWords {
		if len(common) < MaxQueryTerms {
			common = append(common, w)
		}
		if len([]rune(w)) >= fuzzyMinLetters && len(typos) < MaxQueryTerms {
			typos = append(typos, typo(w))
		}
	}
	cases := []struct {
		name    string
		r       Request
		invalid bool
	}{
		{"every word very common", Request{Query: strings.Join(common[:MaxQueryTerms], " "), Facets: true}, false},
		{"one very common word, facets, last page size", Request{Query: common[0], Facets: true, First: graph.MaxFirst, FacetSize: MaxFacetSize}, false},
		{"a 1 000-word query", Request{Query: strings.Repeat(common[0]+" ", 1000)}, true},
		{"33 words", Request{Query: strings.Repeat("mot ", MaxQueryTerms+1)}, true},
		{"a typo in every word", Request{Query: strings.Join(typos, " "), Facets: true}, false},
		{"a filter that matches nothing", Request{Query: common[0], Facets: true, Filter: Filter{Carnets: []string{"nulle-part"}}}, false},
		{"a bound too high", Request{Query: common[0], CountUpTo: MaxCountUpTo + 1}, true},
	}
	for _, c := range cases {
		for _, v := range []graph.Viewer{{}, {Role: graph.RoleAdmin}} {
			c.r.Viewer = v
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			start := time.Now()
			res, err := ix.Search(ctx, c.r)
			took := time.Since(start)
			cancel()
			switch {
			case c.invalid && graph.ErrorCode(err) != graph.EINVALID:
				t.Errorf("%s: %v, want bad input", c.name, err)
			case !c.invalid && err != nil:
				t.Errorf("%s: %v", c.name, err)
			case !c.invalid && c.name == "a filter that matches nothing" && res.TotalCount != 0:
				t.Errorf("%s: %d hits", c.name, res.TotalCount)
			}
			t.Logf("%s, viewer %q: %s", c.name, v.Role, took.Round(time.Millisecond))
		}
	}
}

// TestFacetWithManyDistinctValues counts a facet whose matches carry tens of
// thousands of distinct values, none of them readable by the viewer (term
// ids that are not documents): the readability check asks about a bounded
// number of them, and the answer comes with the other facets.
func TestFacetWithManyDistinctValues(t *testing.T) {
	t.Parallel()
	ix, err := Open(t.TempDir(), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ResultCache: -1})
	ok(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	const docs, perDoc = 4000, 10
	w := ix.newWriter(ix.live, ix.batchSize)
	for i := range docs {
		var terms []string
		for j := range perDoc {
			terms = append(terms, fmt.Sprintf("t%06d", i*perDoc+j))
		}
		d := &graph.Document{ID: fmt.Sprintf("d%05d", i), Kind: graph.KindNote, Language: "fr", Visibility: graph.VisibilityPublic,
			Title: "Atelier", Body: "un atelier de quartier"}
		ok(t, w.put(newEntry(d, map[graph.Relation][]string{graph.RelMentions: terms}, nil)))
	}
	ok(t, w.finish(docs))
	ix.refreshFields(ix.live.idx)

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	res, err := ix.Search(context.Background(), Request{Query: "atelier", Facets: true})
	ok(t, err)
	took := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if res.TotalCount != docs {
		t.Fatalf("total %d, want %d", res.TotalCount, docs)
	}
	for _, f := range res.Facets {
		if f.Field == FacetTerm && len(f.Buckets) != 0 {
			t.Fatalf("unreadable terms shown: %v", f.Buckets[:min(3, len(f.Buckets))])
		}
	}
	t.Logf("%d distinct values: %s, readability of %d asked, %d MB allocated", docs*perDoc, took.Round(time.Millisecond),
		ix.readableAsked.Load(), (after.TotalAlloc-before.TotalAlloc)>>20)
	if asked := ix.readableAsked.Load(); asked > 5000 {
		t.Fatalf("readability asked about %d of %d values", asked, docs*perDoc)
	}
}
