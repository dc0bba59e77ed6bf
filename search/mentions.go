package search

import (
	"context"
	"html"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/maillage/graph"
)

// Unlinked mentions and link suggestions: documents that name a term or an
// organisation (its label or one of its aliases, as the French or English
// analysis sees them, so "l'économie sociale" names "économie sociale" and
// "coopératives" names "coopérative") without being linked to it.

// Bounds on what a caller passes in, so that no request builds an
// unbounded Bleve query.
const (
	// MaxNames bounds the label and aliases matched for one target.
	MaxNames = 64
	// MaxNameLen bounds one label or alias, in bytes.
	MaxNameLen = 512
	// MaxExcluded bounds the ids a request leaves out.
	MaxExcluded = 50000
	// maxTextTokens bounds the distinct words of a document that look for
	// candidates in NamedIn; past it the document's first ones are used.
	maxTextTokens = 4096
)

// maxNamedCandidates is how many terms and organisations sharing a word
// with a document are checked for a whole name (NamedIn); past it, the
// best-scoring ones, so that a cut drops the long names that share one
// common word. A variable for the tests.
var maxNamedCandidates = 1000

// MentionsRequest asks which documents name a term or an organisation but
// are not linked to it.
type MentionsRequest struct {
	// Target is the store id of the term or organisation, Kind its kind.
	Target string
	Kind   graph.Kind
	// Names are its label and aliases; each is matched as a phrase.
	Names []string
	// Linked are documents joined to the target by links the index does
	// not record (its own outgoing links, BROADER and RELATED either way):
	// they are left out too. Documents that MENTION the term or CONCERN the
	// organisation are left out through the index itself.
	Linked []string
	// First and After page as in Request.
	First int
	After string
	// Viewer and ViewerCommunities restrict the documents as in Request.
	Viewer            graph.Viewer
	ViewerCommunities []string
}

// linkField is the index field holding the ids of the targets of kind k.
func linkField(k graph.Kind) (string, bool) {
	switch k {
	case graph.KindTerm:
		return fieldTerm, true
	case graph.KindOrganisation:
		return fieldOrganisation, true
	}
	return "", false
}

func validateNames(names []string) error {
	if len(names) > MaxNames {
		return graph.Errorf(graph.EINVALID, "at most %d names per target", MaxNames)
	}
	for _, n := range names {
		if len(n) > MaxNameLen {
			return graph.Errorf(graph.EINVALID, "a name is at most %d bytes", MaxNameLen)
		}
	}
	return nil
}

// UnlinkedMentions returns one page of the documents the viewer may read
// whose title, aliases, summary or body contain one of r.Names as a phrase
// and that are neither the target itself, nor linked to it, ordered by
// score then id, each with its highlighted fragments.
//
// Every restriction is a clause of the one Bleve query — the viewer's
// visibility, the link to the target (the index's term and organisation
// fields), r.Linked — so that TotalCount and the pages count only what the
// viewer may read and what is really unlinked. Names are analysed and
// matched through the query API, never parsed as query syntax.
func (ix *Index) UnlinkedMentions(ctx context.Context, r MentionsRequest) (*Result, error) {
	if ix.shut.Load() {
		return nil, errClosed
	}
	field, ok := linkField(r.Kind)
	if !ok {
		return nil, graph.Errorf(graph.EINVALID, "unlinked mentions are of a Term or an Organisation, not of a %s", r.Kind)
	}
	if graph.ValidateID(r.Target) != nil {
		return nil, graph.Errorf(graph.EINVALID, "invalid target id")
	}
	if err := validateNames(r.Names); err != nil {
		return nil, err
	}
	if len(r.Linked) > MaxExcluded {
		return nil, graph.Errorf(graph.EINVALID, "at most %d linked documents", MaxExcluded)
	}
	limit, err := (graph.Page{First: r.First}).Limit()
	if err != nil {
		return nil, err
	}
	var after *searchAfter
	if r.After != "" {
		if after, err = decodeAfter(r.After); err != nil {
			return nil, err
		}
		if after.approximate {
			return nil, graph.Errorf(graph.EINVALID, "invalid cursor: pass an endCursor or cursor returned by unlinkedMentions")
		}
	}
	must := ix.namesQuery(r.Names)
	if must == nil {
		return &Result{}, nil
	}
	clauses := []query.Query{must}
	if vis := visibilityQuery(r.Viewer, r.ViewerCommunities); vis != nil {
		clauses = append(clauses, unscored{vis})
	}
	bq := query.NewBooleanQuery(nil, nil, nil)
	bq.Must = conjunction(clauses)
	bq.MustNot = disjunction([]query.Query{
		term(field, r.Target),
		query.NewDocIDQuery(append([]string{r.Target}, r.Linked...)),
	})

	res, err := ix.page(ctx, bq, false, limit, after)
	if err != nil {
		return nil, err
	}
	shown := res.Hits[:min(limit, len(res.Hits))]
	details, err := ix.mentionDetails(ctx, r.Names, shown)
	if err != nil {
		return nil, err
	}
	out := &Result{TotalCount: int(res.Total), HasNextPage: len(res.Hits) > limit}
	for i, h := range shown {
		clean := i+1 >= len(res.Hits) || res.Hits[i+1].Score < h.Score
		hit := Hit{ID: h.ID, Score: h.Score, Cursor: encodeAfter(h.Score, h.ID, false, clean)}
		if d, ok := details[h.ID]; ok {
			hit.Kind, hit.Highlights = d.kind, d.highlights
		}
		out.Hits = append(out.Hits, hit)
	}
	if n := len(out.Hits); n > 0 {
		out.EndCursor = out.Hits[n-1].Cursor
	}
	return out, nil
}

// maxFragmentsPerField bounds the fragments of one field of one hit.
const maxFragmentsPerField = 3

type mentionDetail struct {
	kind       graph.Kind
	highlights []Highlight
}

// mentionDetails returns the kind and the fragments naming one of names of
// each hit, read from the hits' stored text and cut around each mention as
// NamedIn does. Bleve's highlighter would run the phrase query again, and
// advancing a phrase searcher to a given document scans on to its next
// match: for a common name, that second search cost as much as a fifth of
// the first (measured).
func (ix *Index) mentionDetails(ctx context.Context, names []string, hits []*bsearch.DocumentMatch) (map[string]mentionDetail, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
	req.Score = "none"
	req.Fields = []string{fieldKind}
	for _, l := range textLangs {
		for _, tf := range textFields {
			req.Fields = append(req.Fields, textField(l, tf.name))
		}
	}
	res, err := ix.run(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	out := make(map[string]mentionDetail, len(res.Hits))
	for _, h := range res.Hits {
		kind, _ := h.Fields[fieldKind].(string)
		d := mentionDetail{kind: graph.Kind(kind)}
		for _, l := range textLangs {
			an := ix.analyzers[l]
			var phrases []analysis.TokenStream
			for _, n := range essentialNames(an, names) {
				phrases = append(phrases, an.Analyze([]byte(n)))
			}
			for _, tf := range textFields {
				var frags []string
				for _, text := range storedStrings(h.Fields[textField(l, tf.name)]) {
					s := newFieldStream(tf.name, text, an)
					for _, p := range s.mentions(phrases) {
						if len(frags) < maxFragmentsPerField {
							frags = append(frags, fragment(text, skipElision(text, p[0], p[1]), p[1]))
						}
					}
				}
				if len(frags) > 0 {
					d.highlights = append(d.highlights, Highlight{Field: tf.name, Fragments: frags})
				}
			}
		}
		out[h.ID] = d
	}
	return out, nil
}

// mentions returns the byte ranges where one of phrases occurs in s, in
// text order.
func (s fieldStream) mentions(phrases []analysis.TokenStream) [][2]int {
	var out [][2]int
	for _, toks := range phrases {
		if len(toks) == 0 {
			continue
		}
		for _, p := range s.starts(toks[0].Term) {
			if end, ok := s.phraseAt(p, toks); ok {
				out = append(out, [2]int{s.at[p].Start, end})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// namesQuery matches any of names as a phrase in any text field of any
// language family, each family analysing the name its own way; nil when
// every name is empty or stop words only.
func (ix *Index) namesQuery(names []string) query.Query {
	var alts []query.Query
	for _, l := range textLangs {
		an := ix.analyzers[l]
		for _, n := range essentialNames(an, names) {
			if q := ix.clauseQuery(l, an, clause{Text: n, Phrase: true}, false, nil); q != nil {
				alts = append(alts, q)
			}
		}
	}
	if len(alts) == 0 {
		return nil
	}
	return disjunction(alts)
}

// essentialNames returns the names whose matches the others do not
// already cover, as an analyzer sees them. Two names analysed alike
// ("Coopérative", "coopératives") are one; a name containing another as a
// phrase ("économie sociale et solidaire" and "économie sociale") matches
// only where the shorter one does, so it adds nothing to the documents
// found — only cost, phrase matching being the dearest part of the query.
func essentialNames(an analysis.Analyzer, names []string) []string {
	type seq struct {
		name  string
		terms []string // with "" for each gap a stop word leaves
	}
	var all []seq
	for _, n := range names {
		toks := an.Analyze([]byte(n))
		if len(toks) == 0 {
			continue
		}
		var terms []string
		for i, t := range toks {
			if i > 0 {
				for range t.Position - toks[i-1].Position - 1 {
					terms = append(terms, "")
				}
			}
			terms = append(terms, string(t.Term))
		}
		all = append(all, seq{n, terms})
	}
	var out []string
	for i, a := range all {
		covered := false
		for j, b := range all {
			if i == j || len(b.terms) > len(a.terms) {
				continue
			}
			// b covers a when b occurs in a; of two equal ones, the first
			// stays.
			if containsRun(a.terms, b.terms) && (len(b.terms) < len(a.terms) || j < i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, a.name)
		}
	}
	return out
}

// containsRun reports whether sub occurs in s as a contiguous run; a gap
// ("") in sub matches any word or gap of s, as a phrase query's gap does.
func containsRun(s, sub []string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		match := true
		for j, w := range sub {
			if w != "" && s[i+j] != w {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// NamedRequest asks which terms and organisations a document's text
// names.
type NamedRequest struct {
	// Language is the document's language: its text is analysed as the
	// index analyses it.
	Language string
	// Texts are the document's text fields: title, summary, body.
	Texts []NamedText
	// Exclude are ids never to return: the document itself and what it is
	// already linked to.
	Exclude []string
	// Limit is how many targets to return at most, the most named first.
	Limit int
	// Viewer and ViewerCommunities restrict the targets as in Request.
	Viewer            graph.Viewer
	ViewerCommunities []string
}

// NamedText is one text field of a document.
type NamedText struct {
	Field string // title, summary, body
	Text  string
}

// Named is a term or organisation a document names.
type Named struct {
	ID   string
	Kind graph.Kind
	// Name is the label or alias found, as the target writes it.
	Name string
	// Count is how many times the document names the target (any of its
	// names), Weight the same count with title, summary and body weighing
	// as the search boosts them.
	Count  int
	Weight float64
	// Field and Fragment locate the first mention in the strongest field:
	// the words around it, HTML-escaped, the name in <mark>…</mark>.
	Field    string
	Fragment string
}

// fieldWeight is the boost of a text field (textFields).
func fieldWeight(field string) float64 {
	for _, tf := range textFields {
		if tf.name == field {
			return tf.boost
		}
	}
	return 1
}

// NamedIn returns the terms and organisations the viewer may read whose
// label or an alias the texts contain as a phrase (as the document's
// language analyses both), leaving r.Exclude out; the most named first
// (Weight, then id).
//
// Candidates come from the index: the terms and organisations (visibility
// inside the query) whose title or aliases share a word with the text —
// all of them, or when they are more than maxNamedCandidates, the
// best-scoring ones. Each candidate's names are then
// looked for in the text's token stream, where positions keep the gaps
// stop words leave, exactly as a phrase query matches.
func (ix *Index) NamedIn(ctx context.Context, r NamedRequest) ([]Named, error) {
	if ix.shut.Load() {
		return nil, errClosed
	}
	if len(r.Exclude) > MaxExcluded {
		return nil, graph.Errorf(graph.EINVALID, "at most %d excluded ids", MaxExcluded)
	}
	if r.Limit <= 0 {
		return nil, nil
	}
	docLang := langOf(r.Language)
	docAn := ix.analyzers[docLang]
	streams := make([]fieldStream, 0, len(r.Texts))
	for _, t := range r.Texts {
		if strings.TrimSpace(t.Text) != "" {
			streams = append(streams, newFieldStream(t.Field, t.Text, docAn))
		}
	}
	if len(streams) == 0 {
		return nil, nil
	}

	// Candidates: one term clause per distinct word, per family (each
	// family's names are indexed with its own analyzer), per name field.
	var words []query.Query
	nameFields := []string{textTitle, textAliases}
	for _, l := range textLangs {
		seen := map[string]bool{}
		for _, t := range r.Texts {
			for _, tok := range ix.analyzers[l].Analyze([]byte(t.Text)) {
				w := string(tok.Term)
				if seen[w] || len(seen) >= maxTextTokens {
					continue
				}
				seen[w] = true
				for _, f := range nameFields {
					if ix.hasField(textField(l, f)) {
						words = append(words, term(textField(l, f), w))
					}
				}
			}
		}
	}
	if len(words) == 0 {
		return nil, nil
	}
	restrict := func(q query.Query) query.Query {
		return readableExcept([]query.Query{
			q,
			unscored{anyOf(fieldKind, []string{string(graph.KindTerm), string(graph.KindOrganisation)})},
		}, r.Viewer, r.ViewerCommunities, r.Exclude)
	}
	run := func(q query.Query, size int, score, names bool) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(q, size, 0, false)
		if !score {
			req.Score = "none"
		}
		if names {
			req.Fields = []string{fieldKind}
			for _, l := range textLangs {
				for _, f := range nameFields {
					req.Fields = append(req.Fields, textField(l, f))
				}
			}
		}
		res, err := ix.run(ctx, req)
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return res, err
	}
	// Unscored, the word clauses merge into one bitmap of documents and
	// Bleve stops at the size asked: the candidates come cheaply, but in
	// no order. So they are taken that way first, one more than
	// maxNamedCandidates; when they are no more, their names are read by
	// id; otherwise the search runs again scored, for the names of the
	// best ones.
	res, err := run(restrict(unscored{query.NewDisjunctionQuery(words)}), maxNamedCandidates+1, false, false)
	if err != nil {
		return nil, err
	}
	if len(res.Hits) > maxNamedCandidates {
		res, err = run(restrict(query.NewDisjunctionQuery(words)), maxNamedCandidates, true, true)
	} else if len(res.Hits) > 0 {
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		res, err = run(query.NewDocIDQuery(ids), len(ids), false, true)
	}
	if err != nil {
		return nil, err
	}

	var out []Named
	for _, h := range res.Hits {
		kind, _ := h.Fields[fieldKind].(string)
		var names []string
		for _, f := range nameFields {
			for _, l := range textLangs {
				names = append(names, storedStrings(h.Fields[textField(l, f)])...)
			}
		}
		if n, ok := findNames(docAn, names, streams); ok {
			n.ID, n.Kind = h.ID, graph.Kind(kind)
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].ID < out[j].ID
	})
	return out[:min(len(out), r.Limit)], nil
}

// storedStrings reads a stored field Bleve returns as a string or, for
// several values, a list.
func storedStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// fieldStream is one analysed text field: its tokens by position.
type fieldStream struct {
	field  string
	text   string
	tokens analysis.TokenStream
	at     []*analysis.Token // by position; nil where a stop word was
}

func newFieldStream(field, text string, an analysis.Analyzer) fieldStream {
	s := fieldStream{field: field, text: text, tokens: an.Analyze([]byte(text))}
	if n := len(s.tokens); n > 0 {
		s.at = make([]*analysis.Token, s.tokens[n-1].Position+1)
		for _, t := range s.tokens {
			s.at[t.Position] = t
		}
	}
	return s
}

// starts returns the positions where term occurs.
func (s fieldStream) starts(term []byte) []int {
	var out []int
	for _, t := range s.tokens {
		if string(t.Term) == string(term) {
			out = append(out, t.Position)
		}
	}
	return out
}

// findNames looks for each name in the streams, as a phrase: the name's
// terms at the same relative positions. It sums every name's occurrences
// and keeps the first occurrence in the strongest field for the fragment.
func findNames(an analysis.Analyzer, names []string, streams []fieldStream) (Named, bool) {
	var n Named
	bestWeight := 0.0
	seen := map[string]bool{}
	// Two names found at one place ("économie sociale et solidaire" and
	// its alias "économie sociale") are one mention.
	counted := map[[2]int]bool{}
	for _, name := range names {
		toks := an.Analyze([]byte(name))
		if len(toks) == 0 {
			continue
		}
		key := analysedKeyOf(toks)
		if seen[key] {
			continue
		}
		seen[key] = true
		for i, s := range streams {
			w := fieldWeight(s.field)
			for _, p := range s.starts(toks[0].Term) {
				end, ok := s.phraseAt(p, toks)
				if !ok || counted[[2]int{i, p}] {
					continue
				}
				counted[[2]int{i, p}] = true
				n.Count++
				n.Weight += w
				if w > bestWeight {
					bestWeight = w
					n.Name, n.Field = name, s.field
					n.Fragment = fragment(s.text, skipElision(s.text, s.at[p].Start, end), end)
				}
			}
		}
	}
	return n, n.Count > 0
}

func analysedKeyOf(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		b.Write(t.Term)
		b.WriteByte(0)
	}
	return b.String()
}

// phraseAt reports whether the phrase toks starts at position p, and the
// byte offset where its last word ends.
func (s fieldStream) phraseAt(p int, toks analysis.TokenStream) (end int, ok bool) {
	for _, t := range toks {
		i := p + t.Position - toks[0].Position
		if i >= len(s.at) || s.at[i] == nil || string(s.at[i].Term) != string(t.Term) {
			return 0, false
		}
		end = s.at[i].End
	}
	return end, true
}

// skipElision moves start past an elided article or pronoun the token
// carries ("l'", "qu'", "jusqu’"), so that the mark covers the name alone.
func skipElision(text string, start, end int) int {
	word := text[start:end]
	for _, apo := range []string{"'", "’"} {
		if i := strings.Index(word, apo); i > 0 && i <= len("jusqu") && start+i+len(apo) < end {
			return start + i + len(apo)
		}
	}
	return start
}

// fragmentContext is how many bytes of text a fragment keeps on each side
// of the mention, about a dozen words.
const fragmentContext = 80

// fragment returns the text around text[start:end], cut at spaces, with
// the mention in <mark>…</mark> and everything else HTML-escaped, as the
// search's highlights are.
func fragment(text string, start, end int) string {
	if start < 0 || end > len(text) || start >= end {
		return ""
	}
	from := max(0, start-fragmentContext)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	if from > 0 {
		if i := strings.IndexFunc(text[from:start], unicode.IsSpace); i >= 0 {
			from += i + 1
		}
	}
	to := min(len(text), end+fragmentContext)
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	if to < len(text) {
		if i := strings.LastIndexFunc(text[end:to], unicode.IsSpace); i >= 0 {
			to = end + i
		}
	}
	marked := noSentinels.Replace(text[from:start]) + markOpen + noSentinels.Replace(text[start:end]) + markClose + noSentinels.Replace(text[end:to])
	out := fromSentinels.Replace(html.EscapeString(strings.TrimSpace(plainText(marked))))
	if from > 0 {
		out = "…" + out
	}
	if to < len(text) {
		out += "…"
	}
	return out
}

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

func (fixedScore) Weight() float64      { return 0 }
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

// readableExcept is the conjunction of clauses and the viewer's visibility
// clause, less the documents exclude names.
func readableExcept(clauses []query.Query, v graph.Viewer, viewerCommunities, exclude []string) *query.BooleanQuery {
	if vis := visibilityQuery(v, viewerCommunities); vis != nil {
		clauses = append(clauses, unscored{vis})
	}
	bq := query.NewBooleanQuery(nil, nil, nil)
	bq.Must = conjunction(clauses)
	if len(exclude) > 0 {
		bq.MustNot = query.NewDocIDQuery(exclude)
	}
	return bq
}
