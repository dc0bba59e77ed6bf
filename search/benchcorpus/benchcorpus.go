// Package benchcorpus generates the French-like prose, people and
// standpoint declarations of the benchmark corpora: the search package's
// benchmarks and `maillage-bench http`. A generator is reproducible from
// its seed, and corpora built from a seed are kept on disk and reused:
// any change to what a seed yields changes those corpora, so it must come
// with a new corpus version for the callers that stamp one.
package benchcorpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/maillage/graph"
)

// The shape of the commons the documents refer to.
const (
	Contributors = 2000
	Communities  = 50
	Carnets      = 200
)

// generatedWords is the size of the made-up part of the vocabulary: large
// enough that the Zipf tail gives a realistic number of distinct terms.
const generatedWords = 20000

// topicRank is the rank of the first topic word in the vocabulary.
const topicRank = 50

// TopicWords are real words of the domain; the benchmarks query them.
var TopicWords = strings.Fields(`éducation populaire communauté coopérative économie sociale solidaire
	quartier logement alimentation jardin transport santé culture bibliothèque atelier formation
	gouvernance participation bénévolat militantisme organisme financement subvention territoire
	région ruralité autonomie savoirs partage numérique plateforme données licence communs
	mobilisation concertation évaluation recherche pratique réseau collectif entraide accueil
	immigration jeunesse aînés famille enfance itinérance pauvreté inclusion accessibilité handicap
	environnement climat énergie agriculture forêt rivière patrimoine mémoire histoire langue
	autochtone nation traité réconciliation égalité féminisme genre diversité racisme justice
	démocratie citoyenneté politique municipalité conseil assemblée projet programme démarche
	méthode outil guide fiche ressource répertoire annuaire carte portrait diagnostic bilan rapport`)

// glue are frequent short words, stop words most of them, as in real prose.
var glue = strings.Fields(`le la les de des du un une et à au aux en dans pour par sur avec qui que
	est sont a ont été plus mais ou où ce cette ces son sa ses leur leurs nous vous ils elles
	aussi comme très bien tout tous toutes entre sans sous chez depuis pendant après avant`)

// elided prefixes exercise the analyzers' elision filters.
var elided = []string{"l'", "d'", "qu'", "l’"}

var syllables = strings.Fields(`ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go
	la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te
	ti to tu va ve vi vo tré pré cré dé mé né ré sé té gré bré fré ain ein oin ion ien eau ou oi`)

var firstNames = strings.Fields(`Amélie Benoît Chloé Denis Élise François Gabrielle Hugo Inès Jacques
	Karine Louis Maude Nicolas Océane Pierre Rosalie Samuel Thérèse Ulrich Valérie William Yasmine Zoé
	Aputi Kaniatarowanenneh Malik Nadia Fatou Minh`)

var lastNames = strings.Fields(`Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné
	Ouellet Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu
	Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre Nguyen Diallo Mukendi`)

// Generator draws words, texts, names and declarations from one random
// stream. Callers draw their own choices from Rand too, so that a whole
// corpus is one stream: the order of the calls is part of what a seed
// yields.
type Generator struct {
	Rand  *rand.Rand
	vocab []string
	zipf  *rand.Zipf
}

// New prepares a vocabulary of the topic words and 20 000 made-up words,
// drawn with a Zipf law.
func New(seed uint64) *Generator {
	rng := rand.New(rand.NewPCG(seed, 0x6d61696c6c616765))
	g := &Generator{Rand: rng}
	seen := map[string]bool{}
	for _, w := range TopicWords {
		seen[w] = true
	}
	var generated []string
	for len(generated) < generatedWords {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			generated = append(generated, w)
		}
	}
	// Topic words sit just after the 50 most frequent words: frequent, but
	// not stop-word frequent, so that a one-word search matches thousands
	// of documents of a large corpus, not all of them.
	g.vocab = append(g.vocab, generated[:topicRank]...)
	g.vocab = append(g.vocab, TopicWords...)
	g.vocab = append(g.vocab, generated[topicRank:]...)
	g.zipf = rand.NewZipf(rng, 1.07, 2, uint64(len(g.vocab)-1))
	return g
}

// Word is a glue word one time in three, else a vocabulary word, elided
// one time in twelve.
func (g *Generator) Word() string {
	if g.Rand.IntN(3) == 0 {
		return glue[g.Rand.IntN(len(glue))]
	}
	w := g.vocab[g.zipf.Uint64()]
	if g.Rand.IntN(12) == 0 {
		w = elided[g.Rand.IntN(len(elided))] + w
	}
	return w
}

// Text is n words, with a sentence break one time in fifteen.
func (g *Generator) Text(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			if g.Rand.IntN(15) == 0 {
				b.WriteString(". ")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.Word())
	}
	return b.String()
}

// Title is n words starting with a topic word, so that titles are
// searchable, capitalised as a title is.
func (g *Generator) Title(n int) string {
	t := TopicWords[g.Rand.IntN(len(TopicWords))] + " " + g.Text(n-1)
	r, size := utf8.DecodeRuneInString(t)
	return string(unicode.ToUpper(r)) + t[size:]
}

// Name is a first and a last name.
func (g *Generator) Name() string {
	return firstNames[g.Rand.IntN(len(firstNames))] + " " + lastNames[g.Rand.IntN(len(lastNames))]
}

// PublishedAt is an hour of the ten years from 2015.
func (g *Generator) PublishedAt() time.Time {
	return time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(g.Rand.IntN(10*365*24)) * time.Hour)
}

// declVisibilities weighs PUBLIC twice: the indexed standpoints are the
// public ones, and the corpus must have enough of them to facet on.
var declVisibilities = []graph.DeclarationVisibility{graph.DeclPublic, graph.DeclPublic, graph.DeclAggregate, graph.DeclPrivate}

// Declarations are contributor id's declarations: a value in two
// dimensions of three, with every visibility.
func (g *Generator) Declarations(tax *graph.Taxonomy, id string) []graph.Declaration {
	var ds []graph.Declaration
	for _, d := range tax.Dimensions {
		if g.Rand.IntN(3) == 0 || len(d.Values) == 0 {
			continue
		}
		ds = append(ds, graph.Declaration{ContributorID: id, Dimension: d.ID,
			Value: d.Values[g.Rand.IntN(len(d.Values))].ID, Visibility: declVisibilities[g.Rand.IntN(len(declVisibilities))]})
	}
	return ds
}

// The ids the generated links and authors refer to.
func ContributorID(i int) string { return fmt.Sprintf("c%04d", i) }
func CommunityID(i int) string   { return fmt.Sprintf("g%02d", i) }
func CarnetID(i int) string      { return fmt.Sprintf("k%03d", i) }
