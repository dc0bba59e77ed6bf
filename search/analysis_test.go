package search

import (
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

func analyze(t *testing.T, name, text string) []string {
	t.Helper()
	a := newMapping().AnalyzerNamed(name)
	if a == nil {
		t.Fatalf("analyzer %s not registered", name)
	}
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

var _ analysis.Analyzer = (*analysis.DefaultAnalyzer)(nil)

func TestFrenchAnalysisMeets(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{"education", "éducation", "l'éducation", "L’éducation", "EDUCATION", "ÉDUCATION", "educations"},
		{"commun", "communs", "Communs"},
		{"coopération", "cooperation", "coopérations", "la coopération"},
		{"qu'atelier", "atelier", "ateliers"},
		{"d'organisme", "organismes", "jusqu'organisme"},
		{"cœur", "coeur"},
	}
	for _, g := range groups {
		want := analyze(t, analyzerFR, g[0])
		if len(want) != 1 {
			t.Fatalf("%q analyses to %q, want one term", g[0], want)
		}
		for _, w := range g[1:] {
			if got := analyze(t, analyzerFR, w); !slices.Equal(got, want) {
				t.Errorf("fr %q → %q, want %q (as %q)", w, got, want, g[0])
			}
		}
	}
	for _, stop := range []string{"le", "la", "les", "de", "des", "et", "à"} {
		if got := analyze(t, analyzerFR, stop); len(got) != 0 {
			t.Errorf("fr stop word %q → %q, want nothing", stop, got)
		}
	}
}

func TestEnglishAnalysisMeets(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{"community", "communities", "Community's", "COMMUNITIES"},
		{"cafe", "café", "Cafés"},
	}
	for _, g := range groups {
		want := analyze(t, analyzerEN, g[0])
		for _, w := range g[1:] {
			if got := analyze(t, analyzerEN, w); !slices.Equal(got, want) {
				t.Errorf("en %q → %q, want %q", w, got, want)
			}
		}
	}
	if got := analyze(t, analyzerEN, "the of and"); len(got) != 0 {
		t.Errorf("en stop words → %q", got)
	}
}

func TestPlainAnalysisFoldsOnly(t *testing.T) {
	t.Parallel()
	if got := analyze(t, analyzerPlain, "Educación POPULAR"); !slices.Equal(got, []string{"educacion", "popular"}) {
		t.Errorf("plain → %q", got)
	}
}

func TestLangOf(t *testing.T) {
	t.Parallel()
	for tag, want := range map[string]textLang{
		"fr": langFR, "FR": langFR, "fr-CA": langFR, "en": langEN, "en-GB": langEN,
		"es": langPlain, "": langPlain, "iu": langPlain,
	} {
		if got := langOf(tag); got != want {
			t.Errorf("langOf(%q) = %s, want %s", tag, got, want)
		}
	}
}
