package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A first page without scoring every match.
//
// A frequent word matches thousands of documents, and Bleve scores each of
// them to rank twenty: that was three quarters of a one-word search's time.
// Most of those documents have the word in their body only, and the body
// weighs least (textFields). So a relevance page is first asked among the
// "candidates" alone — the matches that have some word in a title or
// aliases (candidateTiers; then also in a summary) — by the search's own
// query with one more unscored clause (which changes no score, see
// unscored): their scores are Bleve's, exactly. Every other match has its
// words in the other fields only, and its score cannot exceed outsideBound.
// When the candidate one past the page scores more than that bound, no
// other match can enter the page nor the hit that tells whether another
// page follows, and the page is exact; otherwise the page is asked of every
// match, as before. The same holds after a cursor: the bound is on every
// non-candidate, so on those after the cursor too. A typo-tolerant word is
// bounded the same way, over the terms it expands to; a phrase is not.
//
// The total is counted first, unscored (Bleve combines term queries on
// their postings bitmaps), and only up to Request.CountUpTo: past that bound
// the result says "at least" (Result.TotalAtLeast). A search with facets
// visits every match to count its facet values, so its total is exact
// whatever its size. At most Index.fewMatches matches are scored all
// together, among their own list (fewFirst), without candidates.

// DefaultCountUpTo is the bound up to which totals are exact when the
// request does not set one, as Elasticsearch's track_total_hits.
const DefaultCountUpTo = 10000

// MaxCountUpTo bounds Request.CountUpTo.
const MaxCountUpTo = 1000000

// textPlan is the scored part of a text query as term clauses, recorded
// while the query is built (clauseQuery): for each language family (a
// branch of the query's disjunction), the terms every matching document
// must have, each in one of its fields.
type textPlan struct {
	unbounded bool // a phrase: scored otherwise
	terms     []planTerm
	m         *marks // the marks holding the plan, for typos' expansions
}

type planTerm struct {
	lang   textLang
	term   string
	fields []textFieldBoost // the fields of the term's disjunction
	// fuzzy: in each field, the terms one edit away (markedFuzzy), each
	// weighing boost / (edits + 1), in a disjunction.
	fuzzy bool
}

func (m *marks) planTerm(l textLang, term string, fields []textFieldBoost, fuzzy bool) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.plan.terms = append(m.plan.terms, planTerm{lang: l, term: term, fields: fields, fuzzy: fuzzy})
	m.plan.m = m
}

func (m *marks) planUnbounded() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.plan.unbounded = true
}

// candidateTiers are the fields whose documents are scored first, tried in
// order: a frequent word is in few titles, so the first tier is small; the
// second adds summaries, for when title matches are too few or score too
// little to rule the others out.
var candidateTiers = [][]string{{textTitle, textAliases}, {textTitle, textAliases, textSummary}}

// bounds reports whether the plan's scores can be bounded: terms only.
func (p *textPlan) bounds() bool { return !p.unbounded && len(p.terms) > 0 }

// candidates matches the documents that have one of the plan's terms in
// one of fields; nil when the plan has no such clause.
func (p *textPlan) candidates(fields []string) query.Query {
	var qs []query.Query
	for _, t := range p.terms {
		for _, f := range t.fields {
			if !slices.Contains(fields, f.name) {
				continue
			}
			if t.fuzzy {
				qs = append(qs, markedFuzzy{term: t.term, field: textField(t.lang, f.name), boost: f.boost, m: p.m})
			} else {
				qs = append(qs, term(textField(t.lang, f.name), t.term))
			}
		}
	}
	if len(qs) == 0 {
		return nil
	}
	return disjunction(qs)
}

// outsideBound is the highest score Bleve can give a matching document
// that has none of the plan's terms in any of fields (a non-candidate). It
// follows Bleve's TF-IDF scorer (bleve/search/scorer): a term clause scores
//
//	sqrt(freq) · norm · idf · boost · idf · queryNorm
//
// with idf = 1 + ln(docCount / (termDocs + 1)) and queryNorm one over the
// square root of the sum of (boost · idf)² over every scored term clause of
// the query (the unscored filters weigh nothing, exclusions are not
// scored). A disjunction multiplies the sum of its matching clauses by
// matched / clauses (coord), a conjunction adds its clauses' scores.
// norm is 1/sqrt(field length) and freq at most the field length, so
// sqrt(freq) · norm ≤ 1 (zap rounds norm to a float32: hence the margin);
// a short list is read for its highest value instead (maxImpact).
// A document's text is in one language family: it matches one branch of
// the query, whose coord is 1/branches. In that branch, a non-candidate
// has each term in some of the other fields only: at most all of them,
// coord (others / fields).
func (p *textPlan) outsideBound(ctx context.Context, r index.IndexReader, fields []string, impacts *impactCache) (float64, error) {
	n, err := r.DocCount()
	if err != nil || n == 0 {
		return math.Inf(1), err
	}
	type branch struct {
		sum float64
		ok  bool
	}
	var order []textLang
	branches := map[textLang]*branch{}
	sumSq := 0.0
	outside := make([]float64, len(p.terms)) // Σ boost · idf² over the other fields
	others := make([]int, len(p.terms))
	for i, t := range p.terms {
		if branches[t.lang] == nil {
			branches[t.lang] = &branch{ok: true}
			order = append(order, t.lang)
		}
		for _, f := range t.fields {
			outsider := !slices.Contains(fields, f.name)
			field := textField(t.lang, f.name)
			// The field's term clauses, as markedFuzzy builds them: a
			// typo's terms each weigh boost / (edits + 1), in a
			// disjunction whose coord is at most 1.
			terms, boosts := []string{t.term}, []float64{f.boost}
			if t.fuzzy {
				expanded, edits, err := p.m.expand(r, field, t.term)
				if err != nil || expanded == nil {
					return math.Inf(1), err // not a scorch snapshot: no bound
				}
				if len(expanded) > 1 || (len(expanded) == 1 && expanded[0] != t.term) {
					terms, boosts = expanded, make([]float64, len(expanded))
					for k := range expanded {
						boosts[k] = f.boost * (1 / float64(edits[k]+1))
					}
				}
			}
			for k, tm := range terms {
				docs, impact, err := termStats(ctx, r, impacts, field, tm, outsider)
				if err != nil {
					return 0, err
				}
				idf := 1 + math.Log(float64(n)/float64(docs+1))
				w := boosts[k] * idf
				sumSq += w * w
				if outsider {
					outside[i] += boosts[k] * idf * idf * impact
				}
			}
			if outsider {
				others[i]++
			}
		}
	}
	queryNorm := 1 / math.Sqrt(sumSq)
	for i, t := range p.terms {
		b := branches[t.lang]
		if others[i] == 0 {
			b.ok = false // every field of the term is a candidate's
			continue
		}
		b.sum += outside[i] * queryNorm * float64(others[i]) / float64(len(t.fields))
	}
	bound := 0.0
	for _, l := range order {
		b := branches[l]
		if !b.ok {
			continue
		}
		s := b.sum
		if len(order) > 1 {
			s /= float64(len(order))
		}
		bound = max(bound, s)
	}
	return bound * (1 + 1e-6), nil
}

// maxImpactScan is the length of a postings list up to which outsideBound
// reads it for its highest sqrt(freq) · norm rather than assuming 1: a
// summary holds a frequent word in a few thousand documents, and reading
// their frequencies costs a tenth of scoring them; a body's list is longer,
// and the bound needs it less (it weighs least).
const maxImpactScan = 8192

// termStats is how many live documents have term in field (as Bleve's
// term reader counts them) and, with scan, the highest sqrt(freq) · norm
// of a list of at most maxImpactScan documents (else 1): from the
// dictionaries and impacts (impacts.go) on a scorch snapshot, else from a
// term reader.
func termStats(ctx context.Context, r index.IndexReader, impacts *impactCache, field, term string, scan bool) (uint64, float64, error) {
	docs, impact, ok, err := impacts.termStats(r, field, term, scan)
	if err != nil || ok {
		return docs, impact, err
	}
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, scan, scan, false)
	if err != nil {
		return 0, 0, err
	}
	defer tfr.Close()
	docs, impact = tfr.Count(), 1.0
	if scan && docs <= maxImpactScan {
		impact, err = maxImpact(tfr)
	}
	return docs, impact, err
}

// maxImpact reads a postings list for its highest sqrt(freq) · norm, as
// Bleve's scorer computes them, with outsideBound's margin.
func maxImpact(tfr index.TermFieldReader) (float64, error) {
	best := 0.0
	var tfd index.TermFieldDoc
	for {
		d, err := tfr.Next(&tfd)
		if err != nil || d == nil {
			return best, err
		}
		best = max(best, math.Sqrt(float64(d.Freq))*d.Norm)
	}
}

// boundedQuery is q, and on the searcher's index snapshot the plan's
// bodyOnlyBound, written to *bound.
type boundedQuery struct {
	q       query.Query
	plan    *textPlan
	fields  []string // the candidates' fields
	bound   *float64
	impacts *impactCache // may be nil
}

func (b boundedQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	v, err := b.plan.outsideBound(ctx, r, b.fields, b.impacts)
	if err != nil {
		return nil, err
	}
	*b.bound = v
	return b.q.Searcher(ctx, r, m, opts)
}

// pageBounded is page among the candidates of a tier (see the top of this
// file); ok false when no tier's page can be proven to be the page of
// every match.
func (ix *Index) pageBounded(ctx context.Context, clauses []query.Query, mustNot query.Query, plan *textPlan, limit int, after *searchAfter, bare query.Query, memo *matchMemo) (res *bleve.SearchResult, ok bool, err error) {
	for _, fields := range candidateTiers {
		cand := plan.candidates(fields)
		if cand == nil {
			continue
		}
		var bound float64
		q := boundedQuery{
			q:       candidatesAmong{clauses: clauses, mustNot: mustNot, cand: cand, bare: bare, memo: memo},
			plan:    plan,
			fields:  fields,
			bound:   &bound,
			impacts: ix.impacts,
		}
		if res, err = ix.page(ctx, q, false, limit, after); err != nil {
			return nil, false, err
		}
		ix.boundedCandidates.Add(int64(res.Total))
		// The hit one past the page decides HasNextPage and whether the
		// last cursor is clean: it must be exact too.
		if len(res.Hits) > limit && res.Hits[limit].Score > bound {
			ix.boundedPages.Add(1)
			return res, true, nil
		}
	}
	ix.boundedMisses.Add(1)
	return nil, false, nil
}

// candidatesAmong is the search's query (clauses, not mustNot) among the
// candidates cand. The candidates are taken on bitmaps among the search's
// matches (bare, evaluated once per snapshot: memo), and the scored text
// query asked among their list alone: the filters and exclusions are
// already in the list, and unscored clauses change no score, so the
// scores are the full query's. When the matches cannot be evaluated as
// bitmaps it is the search's query with cand as one more unscored clause.
type candidatesAmong struct {
	clauses []query.Query
	mustNot query.Query
	cand    query.Query
	bare    query.Query
	memo    *matchMemo
}

func (c candidatesAmong) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	whole := func() (bsearch.Searcher, error) {
		return booleanQuery(append(c.clauses[:len(c.clauses):len(c.clauses)], unscored{c.cand}), c.mustNot).Searcher(ctx, r, m, opts)
	}
	if c.bare == nil || !bitmapEvaluable(c.cand) {
		return whole()
	}
	ms, ok, err := c.memo.matches(r, c.bare)
	if err != nil {
		return nil, err
	}
	if !ok {
		return whole()
	}
	snap := r.(*scorch.IndexSnapshot) // matches evaluated: a scorch snapshot
	among := &segmentMatches{offsets: ms.offsets, bms: make([]*roaring.Bitmap, len(ms.bms))}
	for i, ss := range snap.Segments() {
		if i >= len(ms.bms) || ms.bms[i] == nil {
			continue
		}
		e := segmentEval{r: r, seg: ss.Segment(), dicts: map[string]segment.TermDictionary{}}
		bm, err := e.eval(c.cand)
		e.release(snap.Segments())
		if err != nil {
			return nil, err
		}
		if bm != nil {
			among.bms[i] = roaring.And(bm, ms.bms[i])
		}
	}
	return booleanQuery([]query.Query{c.clauses[0], unscored{idList(among.ids())}}, nil).Searcher(ctx, r, m, opts)
}

// count returns how many documents q matches, unscored, and with c counts
// their facet codes in it. The count is exact when it could be taken on
// bitmaps (countMatches); otherwise it stops past most (0: counting all).
func (ix *Index) count(ctx context.Context, q query.Query, c *facetCounter, most int, memo *matchMemo) (int, error) {
	counted := -1
	req := bleve.NewSearchRequestOptions(countMatches{q: q, c: c, most: most, counted: &counted, memo: memo}, 0, 0, false)
	req.Score = "none"
	res, err := ix.run(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("search: %w", err)
	}
	if counted >= 0 {
		return counted, nil
	}
	return int(res.Total), nil
}

// stopAfter matches as q does, up to its n-th document.
type stopAfter struct {
	q query.Query
	n int
}

func (s stopAfter) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	inner, err := s.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &stoppingSearcher{Searcher: inner, left: s.n}, nil
}

type stoppingSearcher struct {
	bsearch.Searcher
	left int
}

func (s *stoppingSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if s.left <= 0 {
		return nil, nil
	}
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		s.left--
	}
	return d, err
}

func (s *stoppingSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if s.left <= 0 {
		return nil, nil
	}
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		s.left--
	}
	return d, err
}

// booleanQuery is the search's query: every clause, and not mustNot.
func booleanQuery(clauses []query.Query, mustNot query.Query) query.Query {
	bq := query.NewBooleanQuery(nil, nil, nil)
	bq.Must = conjunction(clauses)
	bq.MustNot = mustNot
	return bq
}

// fewFirst is a search's query (clauses, not mustNot) that first lists its
// matches unscored on the searcher's snapshot (bare: the same matches, with
// bare filter clauses, which Bleve combines on postings bitmaps). When there
// are at most most of them, the scored query is asked among those alone:
// its conjunction then steps from them, not from each word's postings (two
// frequent words and a standpoint: 15 000 documents each, 200 together).
// Otherwise it is the scored query. The matches and scores are the scored
// query's either way (unscored changes no score).
type fewFirst struct {
	clauses []query.Query
	mustNot query.Query
	bare    query.Query
	most    int
	memo    *matchMemo // the count's matches
}

func (f fewFirst) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	ids, ok, err := listMatches(ctx, r, m, f.bare, f.most, f.memo)
	if err != nil {
		return nil, err
	}
	if !ok {
		return booleanQuery(f.clauses, f.mustNot).Searcher(ctx, r, m, opts)
	}
	// The list holds the matches of the whole query, filters and
	// exclusions included: only the scored text query is asked among it
	// (the unscored clauses changed no score), so that the filters'
	// postings are not stepped through once more.
	return booleanQuery([]query.Query{f.clauses[0], unscored{idList(ids)}}, nil).Searcher(ctx, r, m, opts)
}

// listMatches returns the internal ids of q's matches on r, in order; ok
// false when there are more than most.
func listMatches(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q query.Query, most int, memo *matchMemo) ([]index.IndexInternalID, bool, error) {
	if ms, ok, err := memo.matches(r, q); err != nil || ok {
		if err != nil || ms.count() > most {
			return nil, false, err
		}
		return ms.ids(), true, nil
	}
	s, err := q.Searcher(ctx, r, m, bsearch.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, false, err
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	var ids []index.IndexInternalID
	for {
		d, err := s.Next(sctx)
		if err != nil || d == nil {
			return ids, err == nil, err
		}
		if len(ids) == most {
			return nil, false, nil
		}
		ids = append(ids, slices.Clone(d.IndexInternalID))
		sctx.DocumentMatchPool.Put(d)
	}
}

// idList matches the documents of a sorted list of internal ids (of the
// snapshot its searcher is asked on); it scores nothing.
type idList []index.IndexInternalID

func (l idList) Searcher(context.Context, index.IndexReader, mapping.IndexMapping, bsearch.SearcherOptions) (bsearch.Searcher, error) {
	return &idListSearcher{ids: l}, nil
}

type idListSearcher struct {
	ids []index.IndexInternalID
	at  int
}

func (s *idListSearcher) match(ctx *bsearch.SearchContext) *bsearch.DocumentMatch {
	if s.at >= len(s.ids) {
		return nil
	}
	d := ctx.DocumentMatchPool.Get()
	d.IndexInternalID = append(d.IndexInternalID[:0], s.ids[s.at]...)
	s.at++
	return d
}

func (s *idListSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.match(ctx), nil
}

func (s *idListSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	s.at += sort.Search(len(s.ids)-s.at, func(i int) bool { return s.ids[s.at+i].Compare(id) >= 0 })
	return s.match(ctx), nil
}

func (s *idListSearcher) Close() error               { return nil }
func (s *idListSearcher) Weight() float64            { return 0 }
func (s *idListSearcher) SetQueryNorm(float64)       {}
func (s *idListSearcher) Count() uint64              { return uint64(len(s.ids)) }
func (s *idListSearcher) Min() int                   { return 0 }
func (s *idListSearcher) Size() int                  { return 64 + 24*len(s.ids) }
func (s *idListSearcher) DocumentMatchPoolSize() int { return 1 }
