package search

import (
	"context"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/maillage/graph"
)

// Link suggestions: the terms and organisations a document's text names
// (NamedIn), found as UnlinkedMentions finds mentions.

// maxTextTokens bounds the distinct words of a document that look for
// candidates in NamedIn; past it the document's first ones are used.
const maxTextTokens = 4096

// maxNamedCandidates is how many terms and organisations sharing a word
// with a document are checked for a whole name (NamedIn); past it, the
// best-scoring ones, so that a cut drops the long names that share one
// common word. A variable for the tests.
var maxNamedCandidates = 1000

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
