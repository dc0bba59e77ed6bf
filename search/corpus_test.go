package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/encommun/maillage/graph"
)

// A generated French-like corpus for benchmarks, reproducible from a seed:
// the same seed gives the same documents, authors and declarations.

// topicWords are real words of the domain; the benchmark queries them.
var topicWords = strings.Fields(`éducation populaire communauté coopérative économie sociale solidaire
	quartier logement alimentation jardin transport santé culture bibliothèque atelier formation
	gouvernance participation bénévolat militantisme organisme financement subvention territoire
	région ruralité autonomie savoirs partage numérique plateforme données licence communs
	mobilisation concertation évaluation recherche pratique réseau collectif entraide accueil
	immigration jeunesse aînés famille enfance itinérance pauvreté inclusion accessibilité handicap
	environnement climat énergie agriculture forêt rivière patrimoine mémoire histoire langue
	autochtone nation traité réconciliation égalité féminisme genre diversité racisme justice
	démocratie citoyenneté politique municipalité conseil assemblée projet programme démarche
	méthode outil guide fiche ressource répertoire annuaire carte portrait diagnostic bilan rapport`)

// glue is frequent short words, stop words most of them, as in real prose.
var glue = strings.Fields(`le la les de des du un une et à au aux en dans pour par sur avec qui que
	est sont a ont été plus mais ou où ce cette ces son sa ses leur leurs nous vous ils elles
	aussi comme très bien tout tous toutes entre sans sous chez depuis pendant après avant`)

var elided = []string{"l'", "d'", "qu'", "l’"}

var syllables = strings.Fields(`ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go
	la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te
	ti to tu va ve vi vo tré pré cré dé mé né ré sé té gré bré fré ain ein oin ion ien eau ou oi`)

type corpusGen struct {
	rng          *rand.Rand
	vocab        []string
	zipf         *rand.Zipf
	contributors int
	decls        map[string][]graph.Declaration
}

// newCorpusGen prepares a vocabulary of topic words and 20 000 generated
// words drawn with a Zipf law, and 2 000 contributors with declarations
// of every visibility.
func newCorpusGen(seed uint64) *corpusGen {
	rng := rand.New(rand.NewPCG(seed, 0x6d61696c6c616765))
	g := &corpusGen{rng: rng, contributors: 2000, decls: map[string][]graph.Declaration{}}
	seen := map[string]bool{}
	for _, w := range topicWords {
		seen[w] = true
	}
	// Topic words sit at ranks 50-300: frequent but not stop-word frequent.
	var generated []string
	for len(generated) < 20000 {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			generated = append(generated, w)
		}
	}
	g.vocab = append(g.vocab, generated[:50]...)
	g.vocab = append(g.vocab, topicWords...)
	g.vocab = append(g.vocab, generated[50:]...)
	g.zipf = rand.NewZipf(rng, 1.07, 2, uint64(len(g.vocab)-1))

	tax := graph.DefaultTaxonomy()
	vis := []graph.DeclarationVisibility{graph.DeclPublic, graph.DeclPublic, graph.DeclAggregate, graph.DeclPrivate}
	for i := range g.contributors {
		id := fmt.Sprintf("c%04d", i)
		for _, d := range tax.Dimensions {
			if rng.IntN(3) == 0 || len(d.Values) == 0 {
				continue
			}
			v := d.Values[rng.IntN(len(d.Values))]
			g.decls[id] = append(g.decls[id], graph.Declaration{ContributorID: id, Dimension: d.ID, Value: v.ID, Visibility: vis[rng.IntN(len(vis))]})
		}
	}
	return g
}

func (g *corpusGen) word() string {
	if g.rng.IntN(3) == 0 {
		return glue[g.rng.IntN(len(glue))]
	}
	w := g.vocab[g.zipf.Uint64()]
	if g.rng.IntN(12) == 0 {
		w = elided[g.rng.IntN(len(elided))] + w
	}
	return w
}

func (g *corpusGen) text(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			if g.rng.IntN(15) == 0 {
				b.WriteString(". ")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.word())
	}
	return b.String()
}

// entry returns document i: mostly French public notes of ~300 words,
// some terms and organisations, some English, some community or private.
func (g *corpusGen) entry(i int) entry {
	r := g.rng
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
		links[graph.RelAuthored] = append(links[graph.RelAuthored], fmt.Sprintf("c%04d", r.IntN(g.contributors)))
	}
	for range r.IntN(2) {
		links[graph.RelOfCommunity] = append(links[graph.RelOfCommunity], fmt.Sprintf("g%02d", r.IntN(50)))
	}
	for range r.IntN(2) {
		links[graph.RelInCarnet] = append(links[graph.RelInCarnet], fmt.Sprintf("k%03d", r.IntN(200)))
	}
	for range r.IntN(4) {
		links[graph.RelMentions] = append(links[graph.RelMentions], fmt.Sprintf("t%03d", r.IntN(500)))
	}
	for range r.IntN(3) {
		links[graph.RelConcerns] = append(links[graph.RelConcerns], fmt.Sprintf("o%03d", r.IntN(300)))
	}
	published := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(10*365*24)) * time.Hour)
	d := &graph.Document{
		ID: fmt.Sprintf("d%06d", i), Kind: kind, Language: lang, Visibility: vis,
		Title: g.text(4 + r.IntN(6)), Summary: g.text(20 + r.IntN(20)), Body: g.text(240 + r.IntN(40)),
		PublishedAt: &published,
	}
	if kind != graph.KindNote {
		d.Aliases = []string{strings.ToUpper(g.text(1))}
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
