package search

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/encommun/maillage/graph"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		must    string
		mustNot string
	}{
		{"éducation populaire", "éducation|populaire", ""},
		{`"éducation populaire" québec`, `"éducation populaire"|québec`, ""},
		{`éducation -populaire`, "éducation", "populaire"},
		{`éducation -"groupe populaire"`, "éducation", `"groupe populaire"`},
		{`  l'éducation  `, "l'éducation", ""},
		{`"non fermée`, `"non fermée"`, ""},
		{`a"b c"d`, `a|"b c"|d`, ""},
		{`x - y`, "x|-|y", ""},
		{`x-y`, "x-y", ""},
		{`--x y`, "y", "-x"},
		{`title:x AND +body:/.*/`, "title:x|AND|+body:/.*/", ""},
		{`"" mot`, "mot", ""},
	}
	for _, tc := range cases {
		q, err := parseQuery(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := joinClauses(q.Must); got != tc.must {
			t.Errorf("%q: must %s, want %s", tc.in, got, tc.must)
		}
		if got := joinClauses(q.MustNot); got != tc.mustNot {
			t.Errorf("%q: must not %s, want %s", tc.in, got, tc.mustNot)
		}
	}
}

func joinClauses(cs []clause) string {
	var parts []string
	for _, c := range cs {
		if c.Phrase {
			parts = append(parts, `"`+c.Text+`"`)
		} else {
			parts = append(parts, c.Text)
		}
	}
	return strings.Join(parts, "|")
}

func TestParseQueryLimits(t *testing.T) {
	t.Parallel()
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("mot ", n)) }
	if _, err := parseQuery(words(MaxQueryTerms)); err != nil {
		t.Errorf("%d terms: %v", MaxQueryTerms, err)
	}
	for _, in := range []string{
		words(MaxQueryTerms + 1),
		`"` + words(MaxQueryTerms+1) + `"`,
		words(MaxQueryTerms) + " -x",
		strings.Repeat("x", MaxQueryChars+1),
		"", " ", "\t\n", "-x", `-"a b"`, `""`, "\xff",
	} {
		_, err := parseQuery(in)
		wantCode(t, err, graph.EINVALID, fmt.Sprintf("%.40q", in))
	}
}

func TestFuzzyFromFiveLetters(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"vélo": false, "jardin": true, "école": true, "1234567": false, `"jardinage"`: false} {
		q, err := parseQuery(in)
		ok(t, err)
		if got := q.Must[0].fuzzy(); got != want {
			t.Errorf("%s: fuzzy %v, want %v", in, got, want)
		}
	}
}

var fuzzAnalyzers = sync.OnceValue(func() map[textLang]analysis.Analyzer {
	im := newMapping()
	out := map[textLang]analysis.Analyzer{}
	for _, l := range textLangs {
		out[l] = im.AnalyzerNamed(l.analyzer())
	}
	return out
})

// FuzzParseQuery: any text either parses into clauses within the limits,
// which the query builder turns into Bleve queries without panicking, or
// is rejected with BAD_USER_INPUT. The seed corpus (f.Add below, and
// testdata/fuzz/FuzzParseQuery) runs in every `go test`.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"éducation populaire", `"éducation populaire" -québec`, `title:x AND +body:/.*/`,
		`"`, `-`, `--`, `-"`, `""`, `" "`, `a"b"c`, "\x00", "\xff\xfe", "l’éducation", "*", `\"`,
		strings.Repeat("a ", 40), strings.Repeat("é", 600), "x\u2028y", "\u00a0\u3000", "-\u00a0x",
	} {
		f.Add(s)
	}
	ix := &Index{analyzers: fuzzAnalyzers()}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQuery(s)
		if err != nil {
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Fatalf("%q: error %v is not BAD_USER_INPUT", s, err)
			}
			return
		}
		if utf8.RuneCountInString(s) > MaxQueryChars || len(q.Must) == 0 {
			t.Fatalf("%q accepted: %+v", s, q)
		}
		terms := 0
		for _, c := range append(q.Must, q.MustNot...) {
			if c.Text == "" || strings.TrimSpace(c.Text) != c.Text || strings.Contains(c.Text, `"`) {
				t.Fatalf("%q: bad clause %q", s, c.Text)
			}
			terms += len(strings.FieldsFunc(c.Text, isSpace))
		}
		if terms > MaxQueryTerms {
			t.Fatalf("%q: %d terms accepted", s, terms)
		}
		ix.textQuery(q, false)
		ix.textQuery(q, true)
	})
}
