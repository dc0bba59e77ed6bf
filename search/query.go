package search

import (
	"context"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/maillage/graph"
)

// textQuery turns the parsed user text into Bleve queries, with typo
// tolerance for long enough words when tolerant: the scored part
// (nil when every word is a stop word: nothing can match) and the excluded
// part (nil when nothing is excluded), and the terms the scored part
// matches, by field, for highlighting (marks).
//
// Documents are analysed per language family (fr, en, xx), each family in
// its own fields, so the text query is a disjunction over families of: all
// the words, each analysed by that family's analyzer, each matched in
// title^4, aliases^3, summary^2 or body. A word that is a stop word in a
// family ("la" in French) is left out of that family's branch only, so
// "la coopération" still finds French documents and "la" in a Spanish
// title still counts.
func (ix *Index) textQuery(uq *userQuery, tolerant bool) (must, mustNot query.Query, m *marks) {
	m = newMarks()
	must, mustNot = ix.markedTextQuery(uq, tolerant, m)
	if must == nil {
		return nil, nil, nil
	}
	return must, mustNot, m
}

// markedTextQuery is textQuery noting the terms in m; with m nil, a typo
// is Bleve's own fuzzy query (the reference the tests compare with).
func (ix *Index) markedTextQuery(uq *userQuery, tolerant bool, m *marks) (must, mustNot query.Query) {
	var branches []query.Query
	for _, l := range textLangs {
		an := ix.analyzers[l]
		var all []query.Query
		for _, c := range uq.Must {
			if q := ix.clauseQuery(l, an, c, tolerant && c.fuzzy(), m); q != nil {
				all = append(all, q)
			}
		}
		if len(all) > 0 {
			branches = append(branches, conjunction(all))
		}
	}
	if len(branches) == 0 {
		return nil, nil
	}
	must = disjunction(branches)

	// Exclusions are exact (no typo tolerance): excluding near misses of a
	// word would hide documents the reader did not mean to hide.
	var excluded []query.Query
	for _, c := range uq.MustNot {
		for _, l := range textLangs {
			if q := ix.clauseQuery(l, ix.analyzers[l], c, false, nil); q != nil {
				excluded = append(excluded, q)
			}
		}
	}
	if len(excluded) > 0 {
		mustNot = disjunction(excluded)
	}
	return must, mustNot
}

// clauseQuery matches one word or phrase in the text fields of family l,
// or returns nil when the analyzer leaves nothing of it or the index has
// none of those fields. The terms it matches go to m (when not nil).
func (ix *Index) clauseQuery(l textLang, an analysis.Analyzer, c clause, fuzzy bool, m *marks) query.Query {
	var fields []textFieldBoost
	for _, tf := range textFields {
		if ix.hasField(textField(l, tf.name)) {
			fields = append(fields, tf)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	tokens := an.Analyze([]byte(c.Text))
	if len(tokens) == 0 {
		return nil
	}
	if c.Phrase && len(tokens) > 1 {
		phrase := tokenPhrase(tokens)
		var perField []query.Query
		for _, tf := range fields {
			// MatchPhraseQuery analyses the phrase again with the same
			// analyzer and keeps the gaps stop words leave, so "éducation
			// à la citoyenneté" matches with any two words in between.
			pq := query.NewMatchPhraseQuery(c.Text)
			pq.SetField(textField(l, tf.name))
			pq.Analyzer = l.analyzer()
			pq.SetBoost(tf.boost)
			perField = append(perField, pq)
			m.addPhrase(textField(l, tf.name), phrase)
		}
		m.planUnbounded()
		return disjunction(perField)
	}
	// A word the analyzer cuts in several terms ("c'est-à-dire",
	// "title:x") needs all of them, each anywhere in the document's text.
	var terms []query.Query
	for _, tok := range dedupTokens(tokens) {
		m.planTerm(l, tok, fields, fuzzy)
		var perField []query.Query
		for _, tf := range fields {
			var q query.Query
			if fuzzy && m != nil {
				q = markedFuzzy{term: tok, field: textField(l, tf.name), boost: tf.boost, m: m}
			} else if fuzzy {
				fq := query.NewFuzzyQuery(tok)
				fq.SetFuzziness(1)
				fq.SetField(textField(l, tf.name))
				fq.SetBoost(tf.boost)
				q = fq
			} else {
				m.addTerm(textField(l, tf.name), tok)
				tq := query.NewTermQuery(tok)
				tq.SetField(textField(l, tf.name))
				tq.SetBoost(tf.boost)
				q = tq
			}
			perField = append(perField, q)
		}
		terms = append(terms, disjunction(perField))
	}
	return conjunction(terms)
}

// tokenPhrase is a phrase's terms by position, as MatchPhraseQuery makes
// them: a stop word's gap is an empty position.
func tokenPhrase(ts analysis.TokenStream) [][]string {
	first, last := ts[0].Position, ts[0].Position
	for _, t := range ts {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	out := make([][]string, last-first+1)
	for _, t := range ts {
		out[t.Position-first] = append(out[t.Position-first], string(t.Term))
	}
	return out
}

func dedupTokens(ts analysis.TokenStream) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range ts {
		s := string(t.Term)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// filterClauses are the unscored part of a search: the viewer's
// visibility clause and the caller's filters, each to be AND-ed with the
// text query.
//
// Each is an unscored clause of the query's conjunction rather than a
// Bleve post-filter (BooleanQuery.Filter): it adds nothing to a score nor
// to the query norm, so ranking is unchanged (a test checks it), while
// Bleve's conjunction, which advances its clauses from the rarest, lets a
// selective filter (a standpoint, a carnet) lead. As a post-filter, the
// text query would first score every document that has the words.
func filterClauses(f Filter, v graph.Viewer, viewerCommunities []string) []query.Query {
	return filterClausesAs(f, v, viewerCommunities, true)
}

// filterClausesAs is filterClauses, each clause wrapped in unscored or not:
// a search that scores nothing (a count) leaves them bare, so that Bleve
// may combine term clauses on their postings bitmaps.
func filterClausesAs(f Filter, v graph.Viewer, viewerCommunities []string, wrap bool) []query.Query {
	var all []query.Query
	add := func(q query.Query) {
		if q != nil {
			if wrap {
				q = unscored{q}
			}
			all = append(all, q)
		}
	}
	add(visibilityQuery(v, viewerCommunities))
	kinds := make([]string, len(f.Kinds))
	for i, k := range f.Kinds {
		kinds[i] = string(k)
	}
	add(anyOf(fieldKind, kinds))
	langs := make([]string, len(f.Languages))
	for i, l := range f.Languages {
		langs[i] = normLanguage(l)
	}
	add(anyOf(fieldLanguage, langs))
	add(anyOf(fieldCarnet, f.Carnets))
	add(anyOf(fieldCommunity, f.Communities))
	add(anyOf(fieldTerm, f.Terms))
	add(anyOf(fieldOrganisation, f.Organisations))
	add(anyOf(fieldAuthor, f.Authors))

	// Standpoints: OR within a dimension, AND across dimensions.
	byDim := map[string][]string{}
	var dims []string
	for _, s := range f.Standpoints {
		if _, ok := byDim[s.Dimension]; !ok {
			dims = append(dims, s.Dimension)
		}
		byDim[s.Dimension] = append(byDim[s.Dimension], standpointKey(s.Dimension, s.Value))
	}
	sort.Strings(dims)
	for _, d := range dims {
		add(anyOf(fieldStandpoint, byDim[d]))
	}

	if f.PublishedAfter != nil || f.PublishedBefore != nil {
		var start, end time.Time
		if f.PublishedAfter != nil {
			start = f.PublishedAfter.UTC()
		}
		if f.PublishedBefore != nil {
			end = f.PublishedBefore.UTC()
		}
		incl, excl := true, false
		dq := query.NewDateRangeInclusiveQuery(start, end, &incl, &excl)
		dq.SetField(fieldPublished)
		add(dq)
	}
	return all
}

// visibilityQuery is graph.Viewer.CanRead as a Bleve query: PUBLIC, or
// authored by the viewer, or COMMUNITY and tied to one of the viewer's
// communities. Curators and admins get none. It sits inside the query, so
// totals and facet counts never include a document the viewer cannot read.
func visibilityQuery(v graph.Viewer, viewerCommunities []string) query.Query {
	if v.SeesEverything() {
		return nil
	}
	either := []query.Query{term(fieldVisibility, string(graph.VisibilityPublic))}
	if v.ContributorID != "" {
		either = append(either, term(fieldAuthor, v.ContributorID))
	}
	if cs := anyOf(fieldCommunity, viewerCommunities); cs != nil {
		either = append(either, conjunction([]query.Query{term(fieldVisibility, string(graph.VisibilityCommunity)), cs}))
	}
	return disjunction(either)
}

// anyOf matches documents whose field holds one of values; nil for none.
func anyOf(field string, values []string) query.Query {
	var qs []query.Query
	for _, v := range uniq(values) {
		qs = append(qs, term(field, v))
	}
	if len(qs) == 0 {
		return nil
	}
	return disjunction(qs)
}

func term(field, value string) query.Query {
	q := query.NewTermQuery(value)
	q.SetField(field)
	return q
}

// unscored is a query that matches as q does and scores nothing: its
// searcher scores 0, weighs 0 in the query norm and ignores the norm it is
// given. (A boost of 0 does not do: Bleve then divides by a zero norm.)
type unscored struct{ q query.Query }

func (u unscored) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	opts.Score, opts.IncludeTermVectors, opts.Explain = "none", false, false
	s, err := u.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return zeroScore{s}, nil
}

type zeroScore struct{ bsearch.Searcher }

func (zeroScore) Weight() float64      { return 0 }
func (zeroScore) SetQueryNorm(float64) {}

func (z zeroScore) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	d, err := z.Searcher.Next(ctx)
	if d != nil {
		d.Score = 0
	}
	return d, err
}

func (z zeroScore) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := z.Searcher.Advance(ctx, id)
	if d != nil {
		d.Score = 0
	}
	return d, err
}

// conjunction and disjunction skip the wrapper around a single query.
func conjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

func disjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// filterQuery is filterClauses as one query, or nil when nothing filters.
func filterQuery(f Filter, v graph.Viewer, viewerCommunities []string) query.Query {
	cs := filterClauses(f, v, viewerCommunities)
	if len(cs) == 0 {
		return nil
	}
	return conjunction(cs)
}
