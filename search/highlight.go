package search

import (
	"context"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum/levenshtein"
)

// Highlighting a page needs the positions of the query's terms in the
// page's hits only. Asking the main search for them would make Bleve decode
// term positions for every match; running the text query a second time,
// restricted to the page's ids, cost 13 % of a frequent word's search and
// 18 % of a two-word one (100 000 documents), and a typo's expansion all
// over again. So the text query notes, as it is built (and, for a typo,
// as Bleve's dictionary expands it), which terms it matches in which field
// (marks); the page's hits then have the positions of exactly those terms
// read from the index, and Bleve's highlighter makes the fragments from
// them, as it did from the second query's.
//
// A document's text is in the fields of one language family only, and each
// hit matched the branch of its family, so the positions are those the
// text query itself would report: every occurrence of each word, a phrase's
// words only where they form the phrase.

// marks are the terms, by field, that a text query matches.
type marks struct {
	mu      sync.Mutex
	terms   map[string]map[string]bool // field → terms
	phrases map[string][][][]string    // field → phrases: positions → terms (none in a stop word's gap)

	dfas     map[string]*levenshtein.DFA // a typo's word → its automaton
	expanded map[string]expansion        // field, word → its terms

	plan textPlan // the scored term clauses, for the bounded first page (topk.go)
}

func newMarks() *marks {
	return &marks{
		terms: map[string]map[string]bool{}, phrases: map[string][][][]string{},
		dfas: map[string]*levenshtein.DFA{}, expanded: map[string]expansion{},
	}
}

func (m *marks) addTerm(field, term string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.addTermLocked(field, term)
}

func (m *marks) addTermLocked(field, term string) {
	if m.terms[field] == nil {
		m.terms[field] = map[string]bool{}
	}
	m.terms[field][term] = true
}

func (m *marks) addPhrase(field string, phrase [][]string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.phrases[field] = append(m.phrases[field], phrase)
}

// markPage is a query that matches the documents ids and reports, for each,
// the positions of the terms m holds (see marks). It scores nothing.
type markPage struct {
	ids []string
	m   *marks
}

func (q markPage) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	opts.Score = "none"
	ds, err := searcher.NewDocIDSearcher(ctx, r, q.ids, 0, opts)
	if err != nil {
		return nil, err
	}
	s := &markingSearcher{Searcher: ds}
	segs := newSegmentsView(r)
	open := func(field, term string) (*termPositions, error) {
		if segs != nil {
			return &termPositions{field: field, term: term, segs: segs, its: make([]segment.PostingsIterator, len(segs.segs))}, nil
		}
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, true)
		if err != nil {
			return nil, err
		}
		tp := &termPositions{field: field, term: term, tfr: tfr}
		s.readers = append(s.readers, tp)
		return tp, nil
	}
	q.m.mu.Lock()
	defer q.m.mu.Unlock()
	for field, terms := range q.m.terms {
		for t := range terms {
			tp, err := open(field, t)
			if err != nil {
				_ = s.Close()
				return nil, err
			}
			s.words = append(s.words, tp)
		}
	}
	for field, phrases := range q.m.phrases {
		for _, p := range phrases {
			ph := phrasePositions{field: field, at: make([][]*termPositions, len(p))}
			for i, alts := range p {
				for _, t := range alts {
					tp, err := open(field, t)
					if err != nil {
						_ = s.Close()
						return nil, err
					}
					ph.at[i] = append(ph.at[i], tp)
				}
			}
			s.phrases = append(s.phrases, ph)
		}
	}
	return s, nil
}

// termPositions reads one term's positions in one field, document after
// document in index order: on a scorch snapshot from the postings of the
// segments that hold the page's hits only (a Bleve term reader opened the
// term in every segment, for a page in a few of them), else from a term
// reader.
type termPositions struct {
	field, term string
	tfr         index.TermFieldReader
	cur         *index.TermFieldDoc // the last document read, at or after the one asked

	segs *segmentsView
	its  []segment.PostingsIterator // by segment, opened when a hit is in it
	at1  []uint64                   // by segment: the last posting read, plus one (0: none)
	locs [][]*index.TermFieldVector // by segment: its positions
}

// segmentsView is a scorch snapshot's segments and their first global
// document numbers.
type segmentsView struct {
	segs    []*scorch.SegmentSnapshot
	offsets []uint64
}

func newSegmentsView(r index.IndexReader) *segmentsView {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	v := &segmentsView{segs: snap.Segments()}
	var running uint64
	for _, ss := range v.segs {
		v.offsets = append(v.offsets, running)
		running += ss.Segment().Count()
	}
	return v
}

// atSegment is at on a scorch snapshot.
func (tp *termPositions) atSegment(id index.IndexInternalID) ([]*index.TermFieldVector, error) {
	g := id.Value()
	i := sort.Search(len(tp.segs.offsets), func(i int) bool { return tp.segs.offsets[i] > g }) - 1
	if i < 0 {
		return nil, nil
	}
	local := g - tp.segs.offsets[i]
	if tp.at1 == nil {
		tp.at1 = make([]uint64, len(tp.segs.segs))
		tp.locs = make([][]*index.TermFieldVector, len(tp.segs.segs))
	}
	if tp.its[i] == nil {
		seg := tp.segs.segs[i].Segment()
		dict, err := dicts.get(seg, tp.field)
		if err != nil {
			return nil, err
		}
		var pl segment.PostingsList
		if dict != nil {
			pl, err = dict.PostingsList([]byte(tp.term), nil, nil)
			dicts.put(seg, tp.field, dict, tp.segs.segs)
			if err != nil {
				return nil, err
			}
		}
		if pl == nil {
			tp.at1[i] = math.MaxUint64 // nothing to read
			return nil, nil
		}
		tp.its[i] = pl.Iterator(true, true, true, nil)
	}
	// The iterator is past the last posting it returned: a document at or
	// before it is answered from what was read.
	if tp.at1[i] > local {
		if tp.at1[i] == local+1 {
			return tp.locs[i], nil
		}
		return nil, nil
	}
	p, err := tp.its[i].Advance(local)
	if err != nil {
		return nil, err
	}
	if p == nil {
		tp.at1[i] = math.MaxUint64
		return nil, nil
	}
	tp.at1[i] = p.Number() + 1
	tp.locs[i] = tp.locs[i][:0]
	for _, loc := range p.Locations() {
		tp.locs[i] = append(tp.locs[i], &index.TermFieldVector{
			Start: loc.Start(), End: loc.End(), Pos: loc.Pos(),
			ArrayPositions: slices.Clone(loc.ArrayPositions()), Field: loc.Field(),
		})
	}
	if p.Number() == local {
		return tp.locs[i], nil
	}
	return nil, nil
}

// at returns the term's positions in document id (none if it lacks it).
// Ids must be asked in increasing order.
func (tp *termPositions) at(id index.IndexInternalID) ([]*index.TermFieldVector, error) {
	if tp.segs != nil {
		return tp.atSegment(id)
	}
	if tp.cur == nil || tp.cur.ID.Compare(id) < 0 {
		d, err := tp.tfr.Advance(id, nil)
		if err != nil {
			return nil, err
		}
		if d == nil {
			// Past the last document: nothing further matches.
			tp.cur = &index.TermFieldDoc{ID: index.IndexInternalID{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
			return nil, nil
		}
		tp.cur = d
	}
	if tp.cur.ID.Equals(id) {
		return tp.cur.Vectors, nil
	}
	return nil, nil
}

type phrasePositions struct {
	field string
	at    [][]*termPositions // by position in the phrase; empty in a gap
}

type markingSearcher struct {
	bsearch.Searcher
	readers []*termPositions // all, to close
	words   []*termPositions
	phrases []phrasePositions
}

func (s *markingSearcher) Weight() float64      { return 0 }
func (s *markingSearcher) SetQueryNorm(float64) {}

func (s *markingSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if err != nil || d == nil {
		return d, err
	}
	return d, s.mark(d)
}

func (s *markingSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if err != nil || d == nil {
		return d, err
	}
	return d, s.mark(d)
}

func (s *markingSearcher) Close() error {
	err := s.Searcher.Close()
	for _, tp := range s.readers {
		if cerr := tp.tfr.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func locationOf(v *index.TermFieldVector, term string) bsearch.FieldTermLocation {
	var ap bsearch.ArrayPositions
	if len(v.ArrayPositions) > 0 {
		ap = append(ap, v.ArrayPositions...)
	}
	return bsearch.FieldTermLocation{Field: v.Field, Term: term, Location: bsearch.Location{
		Pos: v.Pos, Start: v.Start, End: v.End, ArrayPositions: ap,
	}}
}

// mark adds to d the positions of the marked terms, as the term and phrase
// searchers of the text query would have.
func (s *markingSearcher) mark(d *bsearch.DocumentMatch) error {
	id := d.IndexInternalID
	for _, tp := range s.words {
		vs, err := tp.at(id)
		if err != nil {
			return err
		}
		for _, v := range vs {
			d.FieldTermLocations = append(d.FieldTermLocations, locationOf(v, tp.term))
		}
	}
	for _, ph := range s.phrases {
		// Each position's terms and where they occur in the document.
		type occ struct {
			term string
			v    *index.TermFieldVector
		}
		at := make([][]occ, len(ph.at))
		found := true
		for i, tps := range ph.at {
			for _, tp := range tps {
				vs, err := tp.at(id)
				if err != nil {
					return err
				}
				for _, v := range vs {
					at[i] = append(at[i], occ{tp.term, v})
				}
			}
			if len(tps) > 0 && len(at[i]) == 0 {
				found = false
			}
		}
		if !found || len(at) == 0 {
			continue
		}
		// A phrase occurs where its first word is followed, position after
		// position, by each of the others (a gap takes any word).
		for _, first := range at[0] {
			path := []occ{first}
			ok := true
			for i := 1; i < len(at) && ok; i++ {
				if len(ph.at[i]) == 0 {
					continue
				}
				ok = false
				for _, o := range at[i] {
					if o.v.Pos == first.v.Pos+uint64(i) && bsearch.ArrayPositions(o.v.ArrayPositions).Equals(first.v.ArrayPositions) {
						path = append(path, o)
						ok = true
						break
					}
				}
			}
			if ok {
				for _, o := range path {
					d.FieldTermLocations = append(d.FieldTermLocations, locationOf(o.v, o.term))
				}
			}
		}
	}
	return nil
}

// markedFuzzy is a one-edit typo-tolerant match of term in field, as
// query.FuzzyQuery with fuzziness 1 and no prefix, that notes the terms the
// index's dictionary expands it to in m, so that highlighting reuses them
// instead of expanding the word again.
//
// A typo is matched in four fields of each language family, and Bleve
// builds a Levenshtein automaton for each (two thirds of the expansion's
// cost, measured on a typo's search): here the automaton of a word is
// built once per search (m.expand) and walked through every field's
// dictionary, and a field's expansion is kept for the search's other
// passes (a page asked again, the highlighting).
type markedFuzzy struct {
	term, field string
	boost       float64
	m           *marks
}

func (q markedFuzzy) Searcher(ctx context.Context, r index.IndexReader, mp mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	terms, edits, err := q.m.expand(r, q.field, q.term)
	if err != nil {
		return nil, err
	}
	if terms == nil {
		// Not a scorch index: Bleve's own fuzzy query, its terms unknown
		// but the word's own.
		fq := query.NewFuzzyQuery(q.term)
		fq.SetFuzziness(1)
		fq.SetField(q.field)
		fq.SetBoost(q.boost)
		q.m.addTerm(q.field, q.term)
		return fq.Searcher(ctx, r, mp, opts)
	}
	// As Bleve's fuzzy searcher: each term weighs by its distance.
	if len(terms) == 0 || (len(terms) == 1 && terms[0] == q.term) {
		return searcher.NewTermSearcher(ctx, r, q.term, q.field, q.boost, opts)
	}
	return searcher.NewMultiTermSearcherBoosted(ctx, r, terms, q.field, q.boost, edits, opts, true)
}

// lev1 makes one-edit Levenshtein automata; making the builder itself
// costs milliseconds, so it is made once.
var lev1 = sync.OnceValues(func() (*levenshtein.LevenshteinAutomatonBuilder, error) {
	return levenshtein.NewLevenshteinAutomatonBuilder(1, true)
})

type expansion struct {
	terms []string
	edits []uint8
}

// expand returns the terms of field one edit or less from term, in term
// order, with their distances, as Bleve's fuzzy searcher finds them; nil
// terms if r is not a scorch snapshot. Each word's automaton is built once
// per search, each field's expansion made once; the terms are marked.
func (m *marks) expand(r index.IndexReader, field, term string) ([]string, []uint8, error) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := field + "\x00" + term
	if e, ok := m.expanded[key]; ok {
		return e.terms, e.edits, nil
	}
	dfa, ok := m.dfas[term]
	if !ok {
		lb, err := lev1()
		if err != nil {
			return nil, nil, err
		}
		if dfa, err = lb.BuildDfa(term, 1); err != nil {
			return nil, nil, err
		}
		m.dfas[term] = dfa
	}
	found := map[string]uint8{}
	for _, ss := range is.Segments() {
		dict, err := ss.Segment().Dictionary(field)
		if err != nil {
			return nil, nil, err
		}
		it := dict.AutomatonIterator(dfa, nil, nil)
		d, err := it.Next()
		for err == nil && d != nil {
			if _, seen := found[d.Term]; !seen {
				found[d.Term] = d.EditDistance
			}
			d, err = it.Next()
		}
		if err != nil {
			return nil, nil, err
		}
	}
	e := expansion{terms: make([]string, 0, len(found))}
	for t := range found {
		e.terms = append(e.terms, t)
	}
	sort.Strings(e.terms)
	for _, t := range e.terms {
		e.edits = append(e.edits, found[t])
		m.addTermLocked(field, t)
	}
	m.expanded[key] = e
	return e.terms, e.edits, nil
}
