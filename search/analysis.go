package search

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// Analyzer names, as registered in Bleve's registry and written in the
// index mapping. Changing what one of them does means bumping formatVersion.
const (
	analyzerFR    = "maillage_fr"
	analyzerEN    = "maillage_en"
	analyzerPlain = "maillage_plain"
	foldFilter    = "maillage_fold"
	pluralFilter  = "maillage_fr_short_plural"
)

// The three analyzers share one idea: the same pipeline runs on documents
// and on query words, so whatever a reader types meets what a writer wrote.
//
//   - French: unicode words → lowercase → elision (l' d' qu' jusqu' …, both
//     apostrophes) → French stop words → accent folding → light stemming.
//     Stop words are removed before folding because Bleve's French list is
//     accented ("été", "à"); folding before the stemmer makes "éducation"
//     and "education" reach the stemmer as the same letters.
//   - English: possessives → lowercase → English stop words → folding →
//     plural stemming.
//   - Plain, for any other language: lowercase → folding. No stemming is
//     better than the wrong language's stemming.
//
// Light stemming is Savoy's minimal French stemmer (plurals, feminines,
// infinitive -r: communs → commun, sociaux → social, militantes →
// militant), preceded by a rule for the short plurals it leaves alone
// (biens → bien). Bleve's "light" French stemmer was measured and rejected:
// it merges words a reader keeps apart (coopération and copie both become
// "cop", numérique becomes "num", organisation and organe "organ"), and its
// short stems defeat typo tolerance, which compares the typed word's stem
// with indexed stems: "educaton" is one edit from "education", four from
// "educ". English uses the plural stemmer rather than Porter for the same
// reasons.
func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(registry.RegisterTokenFilter(foldFilter, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldTokens{asciifolding.New()}, nil
	}))
	must(registry.RegisterTokenFilter(pluralFilter, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return shortPlural{}, nil
	}))
	must(registry.RegisterAnalyzer(analyzerFR, pipeline(unicode.Name, lowercase.Name, fr.ElisionName, fr.StopName, foldFilter, pluralFilter, fr.MinimalStemmerName)))
	must(registry.RegisterAnalyzer(analyzerEN, pipeline(unicode.Name, en.PossessiveName, lowercase.Name, en.StopName, foldFilter, en.PluralStemmerName)))
	must(registry.RegisterAnalyzer(analyzerPlain, pipeline(unicode.Name, lowercase.Name, foldFilter)))
}

// pipeline returns an analyzer constructor: a tokenizer and token filters
// taken from Bleve's registry by name.
func pipeline(tokenizer string, filters ...string) registry.AnalyzerConstructor {
	return func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		tok, err := cache.TokenizerNamed(tokenizer)
		if err != nil {
			return nil, err
		}
		a := &analysis.DefaultAnalyzer{Tokenizer: tok}
		for _, name := range filters {
			f, err := cache.TokenFilterNamed(name)
			if err != nil {
				return nil, err
			}
			a.TokenFilters = append(a.TokenFilters, f)
		}
		return a, nil
	}
}

// foldTokens folds each token to ASCII ("é" → "e", "œ" → "oe"). Bleve ships
// ASCII folding only as a character filter, which would run before the
// tokenizer and so before elision and stop words; as a token filter it runs
// where the pipeline needs it. Most tokens are ASCII already and are left
// untouched without allocating.
type foldTokens struct {
	f *asciifolding.AsciiFoldingFilter
}

func (t foldTokens) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if !isASCII(tok.Term) {
			tok.Term = t.f.Filter(tok.Term)
		}
	}
	return input
}

// shortPlural drops the plural s of four- and five-letter French words,
// which the minimal stemmer (words of six letters and more) leaves:
// biens → bien, amis → ami, lois → loi. "ss" endings stay (stress).
// It runs after folding, on ASCII or folded text.
type shortPlural struct{}

func (shortPlural) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		t := tok.Term
		if n := utf8.RuneCount(t); n >= 4 && n < 6 && t[len(t)-1] == 's' && t[len(t)-2] != 's' {
			tok.Term = t[:len(t)-1]
		}
	}
	return input
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// textLang is one of the three families of text fields a document's text
// goes to, chosen from its language.
type textLang string

const (
	langFR    textLang = "fr"
	langEN    textLang = "en"
	langPlain textLang = "xx"
)

// textLangs lists every family; a query searches all of them, each with its
// own analyzer.
var textLangs = []textLang{langFR, langEN, langPlain}

func (l textLang) analyzer() string {
	switch l {
	case langFR:
		return analyzerFR
	case langEN:
		return analyzerEN
	}
	return analyzerPlain
}

// langOf maps a document's BCP 47 language tag to its text family: "fr",
// "fr-CA" → French; "en", "en-GB" → English; anything else → plain.
func langOf(tag string) textLang {
	primary := tag
	for i := 0; i < len(tag); i++ {
		if tag[i] == '-' || tag[i] == '_' {
			primary = tag[:i]
			break
		}
	}
	switch normLanguage(primary) {
	case "fr", "fra", "fre":
		return langFR
	case "en", "eng":
		return langEN
	}
	return langPlain
}
