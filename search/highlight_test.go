package search

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/maillage/graph"
)

// rerunHighlights is how pages were highlighted before marks: the text
// query run again over the page's ids with Bleve's highlighting. It is the
// oracle the marked positions must reproduce exactly.
func rerunHighlights(t *testing.T, ix *Index, text string, approximate bool, ids []string) map[string][]Highlight {
	t.Helper()
	uq, err := parseQuery(text)
	ok(t, err)
	must, _, _ := ix.textQuery(uq, approximate)
	q := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), must})
	req := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.Fields = highlightFieldList
	res, err := ix.alias.SearchInContext(context.Background(), req)
	ok(t, err)
	out := map[string][]Highlight{}
	for _, h := range res.Hits {
		out[h.ID] = highlights(h.Fragments)
	}
	return out
}

// TestHighlightsAsTheTextQuery checks that the fragments made from the
// marked terms' positions are those Bleve made when the text query ran a
// second time: words, accents and elisions, a word the analyzer cuts in
// two, phrases (with a stop word's gap, and words present but not as the
// phrase), both languages, and typos.
func TestHighlightsAsTheTextQuery(t *testing.T) {
	t.Parallel()
	c := newCorpus(t)
	c.w.doc(graph.Document{ID: "phrase-part", Title: "Éducation et citoyenneté",
		Body: "La citoyenneté s'apprend. L'éducation à la citoyenneté aussi, dit-on, et l'éducation tout court."}, "alice")
	c.w.doc(graph.Document{ID: "long", Title: "Un long texte",
		Body: strings.Repeat("Des mots sans rapport, encore et encore. ", 30) + "Puis la gouvernance **partagée** arrive. " +
			strings.Repeat("Et d'autres mots encore. ", 30) + "Gouvernance encore, enfin."}, "bob")
	ok(t, c.ix.CatchUp(t.Context(), c.w.s))
	queries := []string{
		"éducation", "education populaire", "l'éducation", "commun", "communs",
		`"éducation à la citoyenneté"`, `"éducation populaire"`, "citoyenneté -brouillon",
		"gouvernance", "gouvernance partagée", "community education", "title:x",
		"c'est-à-dire", "reunoin", "gouvernence", "educatoin populaire",
	}
	tried := 0
	for _, text := range queries {
		res := search(t, c.ix, Request{Query: text, Viewer: graph.Viewer{Role: graph.RoleAdmin}})
		if len(res.Hits) == 0 {
			continue
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		want := rerunHighlights(t, c.ix, text, res.Approximate, ids)
		for _, h := range res.Hits {
			tried++
			if !reflect.DeepEqual(h.Highlights, want[h.ID]) {
				t.Errorf("%q, %s:\n got %+v\nwant %+v", text, h.ID, h.Highlights, want[h.ID])
			}
		}
	}
	if tried < 20 {
		t.Fatalf("only %d hits compared", tried)
	}
}

// TestTypoRanksAsBleveFuzzy checks that a typo expanded once per search
// (markedFuzzy) finds and scores every document exactly as Bleve's fuzzy
// query, field by field, did.
func TestTypoRanksAsBleveFuzzy(t *testing.T) {
	t.Parallel()
	c := newCorpus(t)
	c.w.doc(graph.Document{ID: "variantes", Title: "Gouvernances et gouvernance",
		Body: "La gouvernence mal écrite, la gouvernance bien écrite, les gouvernants."}, "alice")
	ok(t, c.ix.CatchUp(t.Context(), c.w.s))
	for _, text := range []string{"reunoin", "gouvernence", "educatoin populaire", "comunauté", "popluar educatoin", "principse"} {
		uq, err := parseQuery(text)
		ok(t, err)
		run := func(m *marks) string {
			must, _ := c.ix.markedTextQuery(uq, true, m)
			req := bleve.NewSearchRequestOptions(must, 100, 0, false)
			res, err := c.ix.alias.SearchInContext(context.Background(), req)
			ok(t, err)
			var out []string
			for _, h := range res.Hits {
				out = append(out, fmt.Sprintf("%s %v", h.ID, h.Score))
			}
			sort.Strings(out)
			return strings.Join(out, "\n")
		}
		m := newMarks()
		got, want := run(m), run(nil)
		if got != want {
			t.Errorf("%q:\n got %s\nwant %s", text, got, want)
		}
		if want == "" {
			t.Errorf("%q: nothing found", text)
		}
		if len(m.dfas) == 0 || len(m.expanded) == 0 {
			t.Errorf("%q: the typo was not expanded by marks", text)
		}
		for _, e := range m.expanded {
			if !sort.StringsAreSorted(e.terms) {
				t.Errorf("%q: terms out of order %v", text, e.terms)
			}
		}
	}
}

// highlightFieldList is every highlighted field, for the oracle that
// re-runs the text query with Bleve's own highlighting.
var highlightFieldList = func() []string {
	var out []string
	for f := range highlightFields {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}()
