package search

import (
	"context"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/maillage/graph"
)

// Unlinked mentions: documents that name a term or an organisation (its
// label or one of its aliases, as the French or English analysis sees them,
// so "l'économie sociale" names "économie sociale" and "coopératives" names
// "coopérative") without being linked to it. Link suggestions
// (mentions_named.go) and related notes (mentions_sharing.go) are the two
// other features of the same matching (mentions_text.go).

// Bounds on what a caller passes in, so that no request builds an
// unbounded Bleve query.
const (
	// MaxNames bounds the label and aliases matched for one target.
	MaxNames = 64
	// MaxNameLen bounds one label or alias, in bytes.
	MaxNameLen = 512
	// MaxExcluded bounds the ids a request leaves out.
	MaxExcluded = 50000
)

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
