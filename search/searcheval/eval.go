package searcheval

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/search"
)

// The kinds of queries made from a summary.
const (
	Verbatim = "verbatim"      // the summary's words as written
	Folded   = "accent-folded" // without accents (é → e), as typed on a keyboard without them
	Missing  = "word missing"  // the longest word left out
)

// Variants lists the kinds of queries in the order they are reported.
var Variants = []string{Verbatim, Folded, Missing}

// Query is one known-item query: Target is the document it is made from.
type Query struct {
	Variant string
	Text    string
	Target  string
}

// words are s's words: letters and digits, the rest (punctuation, the
// query syntax's quotes and minus signs) as spaces, as a person would
// type them.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' })
}

// fold removes the accents of s.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// Queries makes each page's queries: verbatim always; accent-folded when
// folding changes the summary; with a word missing when it has three
// words or more (the longest is left out: the costliest word to lose).
func Queries(pages []Page) []Query {
	var qs []Query
	for _, p := range pages {
		ws := words(p.Summary)
		if len(ws) == 0 {
			continue
		}
		text := strings.Join(ws, " ")
		qs = append(qs, Query{Verbatim, text, p.ID})
		if f := fold(text); f != text {
			qs = append(qs, Query{Folded, f, p.ID})
		}
		if len(ws) >= 3 {
			longest := 0
			for i, w := range ws {
				if len([]rune(w)) > len([]rune(ws[longest])) {
					longest = i
				}
			}
			rest := append(append([]string{}, ws[:longest]...), ws[longest+1:]...)
			qs = append(qs, Query{Missing, strings.Join(rest, " "), p.ID})
		}
	}
	return qs
}

// Metrics are one variant's figures.
type Metrics struct {
	Queries  int
	MRR10    float64 // mean of 1/rank, 0 when the target is not in the first 10
	Recall10 float64 // share of queries whose target is in the first 10
}

// Report is an evaluation's result.
type Report struct {
	Documents int
	ByVariant map[string]Metrics
	All       Metrics
}

// Print writes r as a table.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d documents\n%-14s %8s %8s %10s\n", r.Documents, "queries", "count", "MRR@10", "recall@10")
	for _, v := range Variants {
		m := r.ByVariant[v]
		fmt.Fprintf(w, "%-14s %8d %8.3f %10.3f\n", v, m.Queries, m.MRR10, m.Recall10)
	}
	fmt.Fprintf(w, "%-14s %8d %8.3f %10.3f\n", "all", r.All.Queries, r.All.MRR10, r.All.Recall10)
}

// author is the one contributor every page is by: a note has an author.
const author = "c-manpages"

// Index writes pages as public French notes into a new embedded store in
// storeDir and builds maillage's search index of them in indexDir. The
// caller closes both.
func Index(ctx context.Context, pages []Page, storeDir, indexDir string) (*embedded.Store, *search.Index, error) {
	s, err := embedded.Open(storeDir, embedded.Options{NoSync: true})
	if err != nil {
		return nil, nil, err
	}
	sys := graph.SystemContext(ctx)
	b := graph.Batch{Contributors: []graph.Contributor{{ID: author, Name: "Équipe de traduction manpages-l10n"}}}
	flush := func() error {
		err := graph.WriteBatch(sys, s, b)
		b = graph.Batch{}
		return err
	}
	for _, p := range pages {
		// A note's body is bounded: the longest pages (bash) keep their
		// beginning, as an author pasting them would have to.
		p.Body = cutText(p.Body, graph.MaxBodyLen)
		d := graph.Document{ID: p.ID, Kind: graph.KindNote, Language: "fr", Visibility: graph.VisibilityPublic,
			Title: p.Names + " (" + p.Section + ")", Summary: p.Summary, Body: p.Body}
		b.Documents = append(b.Documents, graph.BatchDocument{Document: d, AuthorIDs: []string{author}})
		if len(b.Documents) == 500 {
			if err := flush(); err != nil {
				s.Close()
				return nil, nil, err
			}
		}
	}
	if err := flush(); err != nil {
		s.Close()
		return nil, nil, err
	}
	ix, err := search.Open(indexDir, search.Options{ResultCache: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	if err := ix.CatchUp(ctx, s); err != nil {
		ix.Close()
		s.Close()
		return nil, nil, err
	}
	return s, ix, nil
}

// Evaluate runs qs against ix as an anonymous reader, first 10 hits.
func Evaluate(ctx context.Context, ix *search.Index, documents int, qs []Query) (Report, error) {
	r := Report{Documents: documents, ByVariant: map[string]Metrics{}}
	add := func(m *Metrics, rank int) {
		m.Queries++
		if rank > 0 {
			m.MRR10 += 1 / float64(rank)
			m.Recall10++
		}
	}
	for _, q := range qs {
		res, err := ix.Search(ctx, search.Request{Query: q.Text, First: 10})
		if err != nil {
			return r, fmt.Errorf("query %q: %w", q.Text, err)
		}
		rank := 0
		for i, h := range res.Hits {
			if h.ID == q.Target {
				rank = i + 1
				break
			}
		}
		m := r.ByVariant[q.Variant]
		add(&m, rank)
		r.ByVariant[q.Variant] = m
		add(&r.All, rank)
	}
	norm := func(m *Metrics) {
		if m.Queries > 0 {
			m.MRR10 /= float64(m.Queries)
			m.Recall10 /= float64(m.Queries)
		}
	}
	for v, m := range r.ByVariant {
		norm(&m)
		r.ByVariant[v] = m
	}
	norm(&r.All)
	return r, nil
}

// Run indexes pages under dir and evaluates the queries made from them.
func Run(ctx context.Context, pages []Page, dir string) (Report, error) {
	s, ix, err := Index(ctx, pages, dir+"/store", dir+"/index")
	if err != nil {
		return Report{}, err
	}
	defer s.Close()
	defer ix.Close()
	return Evaluate(ctx, ix, len(pages), Queries(pages))
}

// cutText is s cut to at most n bytes, at a line end when there is one.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if cut := strings.LastIndexByte(s[:n], '\n'); cut >= 0 {
		return s[:cut]
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
