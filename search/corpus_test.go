package search

import (
	"fmt"
	"strings"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search/benchcorpus"
)

// topicWords are the words the benchmarks query.
var topicWords = benchcorpus.TopicWords

// corpusGen makes the documents of the search benchmarks, reproducible
// from a seed: the same seed gives the same documents, authors and
// declarations.
type corpusGen struct {
	*benchcorpus.Generator
	decls map[string][]graph.Declaration
}

// newCorpusGen prepares the generator's vocabulary, and 2 000 contributors
// with declarations of every visibility.
func newCorpusGen(seed uint64) *corpusGen {
	g := &corpusGen{Generator: benchcorpus.New(seed), decls: map[string][]graph.Declaration{}}
	tax := graph.DefaultTaxonomy()
	for i := range benchcorpus.Contributors {
		id := benchcorpus.ContributorID(i)
		if ds := g.Declarations(tax, id); len(ds) > 0 {
			g.decls[id] = ds
		}
	}
	return g
}

// entry returns document i: mostly French public notes of ~300 words,
// some terms and organisations, some English, some community or private.
func (g *corpusGen) entry(i int) entry {
	r := g.Rand
	kind := graph.KindNote
	switch n := r.IntN(20); {
	case n == 0:
		kind = graph.KindTerm
	case n == 1:
		kind = graph.KindOrganisation
	}
	lang := "fr"
	if r.IntN(10) == 0 {
		lang = "en"
	}
	vis := graph.VisibilityPublic
	switch n := r.IntN(10); {
	case n == 0:
		vis = graph.VisibilityPrivate
	case n <= 2:
		vis = graph.VisibilityCommunity
	}
	links := map[graph.Relation][]string{}
	for range 1 + r.IntN(2) {
		links[graph.RelAuthored] = append(links[graph.RelAuthored], benchcorpus.ContributorID(r.IntN(benchcorpus.Contributors)))
	}
	for range r.IntN(2) {
		links[graph.RelOfCommunity] = append(links[graph.RelOfCommunity], benchcorpus.CommunityID(r.IntN(benchcorpus.Communities)))
	}
	for range r.IntN(2) {
		links[graph.RelInCarnet] = append(links[graph.RelInCarnet], benchcorpus.CarnetID(r.IntN(benchcorpus.Carnets)))
	}
	for range r.IntN(4) {
		links[graph.RelMentions] = append(links[graph.RelMentions], fmt.Sprintf("t%03d", r.IntN(500)))
	}
	for range r.IntN(3) {
		links[graph.RelConcerns] = append(links[graph.RelConcerns], fmt.Sprintf("o%03d", r.IntN(300)))
	}
	published := g.PublishedAt()
	d := &graph.Document{
		ID: fmt.Sprintf("d%06d", i), Kind: kind, Language: lang, Visibility: vis,
		Title: g.Text(4 + r.IntN(6)), Summary: g.Text(20 + r.IntN(20)), Body: g.Text(240 + r.IntN(40)),
		PublishedAt: &published,
	}
	if kind != graph.KindNote {
		d.Aliases = []string{strings.ToUpper(g.Text(1))}
	}
	decls := map[string][]graph.Declaration{}
	for _, a := range links[graph.RelAuthored] {
		decls[a] = g.decls[a]
	}
	return newEntry(d, links, decls)
}

// typo returns w with one edit (a substitution) in its middle.
func typo(w string) string {
	rs := []rune(w)
	i := len(rs) / 2
	if rs[i] == 'x' {
		rs[i] = 'z'
	} else {
		rs[i] = 'x'
	}
	return string(rs)
}
