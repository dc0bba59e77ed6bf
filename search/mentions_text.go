package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/encommun/maillage/graph"
)

// What the mention features share: a text field analysed into positions,
// where a name is looked for as a phrase query would match it, the
// fragments cut around a mention, and the readable-documents clause.

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
