package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/embedded"
	"github.com/encommun/maillage/search"
)

// The corpus of `maillage bench http`: a generated commons, reproducible
// from its size and seed, shaped like the real one where it costs the
// server something. Notes of ~260 words of French-like prose (real topic
// words at Zipf ranks 50–300, stop words, elisions), 5 % terms and 5 %
// organisations; 70 % PUBLIC, 20 % COMMUNITY, 10 % PRIVATE; one or two
// authors among 2 000 contributors whose standpoint declarations use every
// visibility; carnets, communities, mentions of terms; and LINKS_TO links
// whose targets follow a Zipf law, so that a few notes have thousands of
// backlinks and most a handful.

// benchCorpusVersion changes whenever the generator does, so that a
// --data directory built by another version is not silently reused.
const benchCorpusVersion = 1

const (
	benchContributors = 2000
	benchCommunities  = 50
	benchCarnets      = 200
)

// topicWords are real words of the domain; the search operation queries them.
var benchTopicWords = strings.Fields(`éducation populaire communauté coopérative économie sociale solidaire
	quartier logement alimentation jardin transport santé culture bibliothèque atelier formation
	gouvernance participation bénévolat militantisme organisme financement subvention territoire
	région ruralité autonomie savoirs partage numérique plateforme données licence communs
	mobilisation concertation évaluation recherche pratique réseau collectif entraide accueil
	immigration jeunesse aînés famille enfance itinérance pauvreté inclusion accessibilité handicap
	environnement climat énergie agriculture forêt rivière patrimoine mémoire histoire langue
	autochtone nation traité réconciliation égalité féminisme genre diversité racisme justice
	démocratie citoyenneté politique municipalité conseil assemblée projet programme démarche
	méthode outil guide fiche ressource répertoire annuaire carte portrait diagnostic bilan rapport`)

// benchGlue are frequent short words, stop words most of them, as in real prose.
var benchGlue = strings.Fields(`le la les de des du un une et à au aux en dans pour par sur avec qui que
	est sont a ont été plus mais ou où ce cette ces son sa ses leur leurs nous vous ils elles
	aussi comme très bien tout tous toutes entre sans sous chez depuis pendant après avant`)

var benchElided = []string{"l'", "d'", "qu'", "l’"}

var benchSyllables = strings.Fields(`ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go
	la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te
	ti to tu va ve vi vo tré pré cré dé mé né ré sé té gré bré fré ain ein oin ion ien eau ou oi`)

var benchFirstNames = strings.Fields(`Amélie Benoît Chloé Denis Élise François Gabrielle Hugo Inès Jacques
	Karine Louis Maude Nicolas Océane Pierre Rosalie Samuel Thérèse Ulrich Valérie William Yasmine Zoé
	Aputi Kaniatarowanenneh Malik Nadia Fatou Minh`)

var benchLastNames = strings.Fields(`Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné
	Ouellet Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu
	Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre Nguyen Diallo Mukendi`)

// benchCorpus generates the documents of a corpus of docs documents.
type benchCorpus struct {
	docs  int
	seed  uint64
	rng   *rand.Rand
	vocab []string
	zipf  *rand.Zipf
}

func newBenchCorpus(docs int, seed uint64) *benchCorpus {
	rng := rand.New(rand.NewPCG(seed, 0x6d61696c6c616765))
	c := &benchCorpus{docs: docs, seed: seed, rng: rng}
	seen := map[string]bool{}
	for _, w := range benchTopicWords {
		seen[w] = true
	}
	var generated []string
	for len(generated) < 20000 {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(benchSyllables[rng.IntN(len(benchSyllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			generated = append(generated, w)
		}
	}
	// Topic words sit at ranks 50–300: frequent, but not stop-word frequent,
	// so that a one-word search matches thousands of documents, not all.
	c.vocab = append(c.vocab, generated[:50]...)
	c.vocab = append(c.vocab, benchTopicWords...)
	c.vocab = append(c.vocab, generated[50:]...)
	c.zipf = rand.NewZipf(rng, 1.07, 2, uint64(len(c.vocab)-1))
	return c
}

// benchDocMeta is what the load generator needs to know of a document
// without generating its text: reproducible from the index alone.
type benchDocMeta struct {
	id         string
	kind       graph.Kind
	visibility graph.Visibility
}

func (c *benchCorpus) terms() int { return max(1, c.docs/20) }
func (c *benchCorpus) orgs() int  { return max(1, c.docs/20) }

func (c *benchCorpus) meta(i int) benchDocMeta {
	m := benchDocMeta{id: fmt.Sprintf("d%06d", i), kind: graph.KindNote, visibility: graph.VisibilityPublic}
	switch {
	case i < c.terms():
		m.kind = graph.KindTerm
	case i < c.terms()+c.orgs():
		m.kind = graph.KindOrganisation
	}
	switch (i * 7919) % 10 { // a fixed spread, independent of the rng stream
	case 0:
		m.visibility = graph.VisibilityPrivate
	case 1, 2:
		m.visibility = graph.VisibilityCommunity
	}
	return m
}

// publicNotes lists the ids of the notes an anonymous reader may read.
func (c *benchCorpus) publicNotes() []string {
	var ids []string
	for i := range c.docs {
		if m := c.meta(i); m.kind == graph.KindNote && m.visibility == graph.VisibilityPublic {
			ids = append(ids, m.id)
		}
	}
	return ids
}

func (c *benchCorpus) word() string {
	if c.rng.IntN(3) == 0 {
		return benchGlue[c.rng.IntN(len(benchGlue))]
	}
	w := c.vocab[c.zipf.Uint64()]
	if c.rng.IntN(12) == 0 {
		w = benchElided[c.rng.IntN(len(benchElided))] + w
	}
	return w
}

func (c *benchCorpus) text(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			if c.rng.IntN(15) == 0 {
				b.WriteString(". ")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(c.word())
	}
	return b.String()
}

// title is a few words, starting with a topic word so that titles are
// searchable, capitalised like one.
func (c *benchCorpus) title(n int) string {
	t := benchTopicWords[c.rng.IntN(len(benchTopicWords))] + " " + c.text(n-1)
	r, size := utf8.DecodeRuneInString(t)
	return string(unicode.ToUpper(r)) + t[size:]
}

func (c *benchCorpus) contributorID(i int) string { return fmt.Sprintf("c%04d", i) }

// setup is everything but the documents and their links: contributors
// with declarations, communities with members, carnets.
func (c *benchCorpus) setup() graph.Batch {
	var b graph.Batch
	tax := graph.DefaultTaxonomy()
	regions := tax.Dimension("region")
	for i := range benchCommunities {
		b.Communities = append(b.Communities, graph.Community{ID: fmt.Sprintf("g%02d", i),
			Name: fmt.Sprintf("Communauté %s %d", benchTopicWords[i%len(benchTopicWords)], i), Description: c.text(30)})
	}
	for i := range benchCarnets {
		b.Carnets = append(b.Carnets, graph.Carnet{ID: fmt.Sprintf("k%03d", i), Title: "Carnet " + c.title(3),
			Description: c.text(20), Categories: []string{"Comptes rendus", "Fiches pratiques", "Réflexions"}})
	}
	vis := []graph.DeclarationVisibility{graph.DeclPublic, graph.DeclPublic, graph.DeclAggregate, graph.DeclPrivate}
	for i := range benchContributors {
		id := c.contributorID(i)
		name := benchFirstNames[c.rng.IntN(len(benchFirstNames))] + " " + benchLastNames[c.rng.IntN(len(benchLastNames))]
		ct := graph.Contributor{ID: id, Name: name, Bio: c.text(25)}
		if regions != nil && c.rng.IntN(2) == 0 {
			ct.Region = regions.Values[c.rng.IntN(len(regions.Values))].ID
		}
		b.Contributors = append(b.Contributors, ct)
		for _, d := range tax.Dimensions {
			if c.rng.IntN(3) == 0 || len(d.Values) == 0 {
				continue
			}
			b.Declarations = append(b.Declarations, graph.Declaration{ContributorID: id, Dimension: d.ID,
				Value: d.Values[c.rng.IntN(len(d.Values))].ID, Visibility: vis[c.rng.IntN(len(vis))]})
		}
		for range c.rng.IntN(3) {
			b.Links = append(b.Links, graph.Link{Relation: graph.RelMemberOf, From: id, To: fmt.Sprintf("g%02d", c.rng.IntN(benchCommunities))})
		}
	}
	b.Links = dedupLinks(b.Links)
	return b
}

func dedupLinks(ls []graph.Link) []graph.Link {
	seen := map[[3]string]bool{}
	out := ls[:0]
	for _, l := range ls {
		k := [3]string{string(l.Relation), l.From, l.To}
		if !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	return out
}

// document returns document i and its authors.
func (c *benchCorpus) document(i int) graph.BatchDocument {
	m := c.meta(i)
	r := c.rng
	lang := "fr"
	if r.IntN(10) == 0 {
		lang = "en"
	}
	published := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(10*365*24)) * time.Hour)
	d := graph.Document{ID: m.id, Kind: m.kind, Language: lang, Visibility: m.visibility,
		Title: c.title(4 + r.IntN(6)), Summary: c.text(20 + r.IntN(20)), PublishedAt: &published}
	switch m.kind {
	case graph.KindNote:
		d.Body = c.text(240 + r.IntN(40))
	case graph.KindTerm:
		d.Aliases = []string{strings.ToUpper(c.text(1))}
		d.Definition = c.text(30)
		d.Body = c.text(80)
	case graph.KindOrganisation:
		d.Aliases = []string{strings.ToUpper(c.text(1))}
		d.Body = c.text(80)
		d.Website = fmt.Sprintf("https://organisme-%d.example.org", i)
	}
	authors := []string{c.contributorID(r.IntN(benchContributors))}
	if r.IntN(3) == 0 {
		if other := c.contributorID(r.IntN(benchContributors)); other != authors[0] {
			authors = append(authors, other)
		}
	}
	return graph.BatchDocument{Document: d, AuthorIDs: authors}
}

// links returns the links from document i: LINKS_TO (notes only, to
// Zipf-chosen notes), MENTIONS, CONCERNS, IN_CARNET, OF_COMMUNITY. A
// COMMUNITY document gets a community, or it would be readable by its
// authors only.
func (c *benchCorpus) links(i int, hubs []int, zipf *rand.Zipf) []graph.Link {
	m := c.meta(i)
	r := c.rng
	var ls []graph.Link
	add := func(rel graph.Relation, to string) {
		ls = append(ls, graph.Link{Relation: rel, From: m.id, To: to})
	}
	if m.kind == graph.KindNote {
		for range r.IntN(7) { // 3 on average
			if to := hubs[zipf.Uint64()]; to != i {
				add(graph.RelLinksTo, c.meta(to).id)
			}
		}
		for range r.IntN(4) {
			add(graph.RelMentions, c.meta(r.IntN(c.terms())).id)
		}
		for range r.IntN(3) {
			add(graph.RelConcerns, c.meta(c.terms()+r.IntN(c.orgs())).id)
		}
		if r.IntN(3) > 0 {
			ls = append(ls, graph.Link{Relation: graph.RelInCarnet, From: m.id, To: fmt.Sprintf("k%03d", r.IntN(benchCarnets)),
				Category: "Fiches pratiques", Position: i})
		}
	}
	if m.visibility == graph.VisibilityCommunity || r.IntN(5) == 0 {
		add(graph.RelOfCommunity, fmt.Sprintf("g%02d", r.IntN(benchCommunities)))
	}
	return dedupLinks(ls)
}

// benchStamp is written into the data directory once the corpus and its
// search index are complete.
const benchStampFile = "bench-corpus"

func benchStamp(docs int, seed uint64) string {
	return fmt.Sprintf("maillage bench corpus v%d docs=%d seed=%d\n", benchCorpusVersion, docs, seed)
}

// prepareBenchCorpus makes sure dir holds the corpus and an index in step
// with it: reused when its stamp matches, generated into an empty or
// missing directory, refused otherwise (the bench writes notes: it must
// not write into someone's commons).
func prepareBenchCorpus(ctx context.Context, dir string, c *benchCorpus, out io.Writer) error {
	want := benchStamp(c.docs, c.seed)
	got, err := os.ReadFile(filepath.Join(dir, benchStampFile))
	switch {
	case err == nil && string(got) == want:
		fmt.Fprintf(out, "reusing the corpus in %s\n", dir)
		return nil
	case err == nil:
		return usageError{fmt.Sprintf("%s holds another bench corpus (%s): use another --data directory or the same --docs",
			dir, strings.TrimSpace(string(got)))}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return usageError{fmt.Sprintf("%s is not empty and holds no bench corpus: the bench writes notes, give it an empty or new directory", dir)}
	}
	start := time.Now()
	if err := writeBenchCorpus(ctx, dir, c, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "store written in %s\n", time.Since(start).Round(time.Second))
	if err := buildBenchIndex(ctx, dir, out); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, benchStampFile), []byte(want), 0o600)
}

func writeBenchCorpus(ctx context.Context, dir string, c *benchCorpus, out io.Writer) error {
	// Generated data is rebuilt from scratch when a load fails: no fsync
	// per batch. The server reopens the file with its usual durability.
	s, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer s.Close()
	sys := graph.SystemContext(ctx)
	fmt.Fprintf(out, "generating %d documents in %s\n", c.docs, dir)
	if err := graph.WriteBatch(sys, s, c.setup()); err != nil {
		return err
	}
	const batch = 1000
	var b graph.Batch
	flush := func() error {
		err := graph.WriteBatch(sys, s, b)
		b = graph.Batch{}
		return err
	}
	for i := range c.docs {
		b.Documents = append(b.Documents, c.document(i))
		if len(b.Documents) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	// Link targets: notes in a fixed shuffled order, ranked by a Zipf law.
	var notes []int
	for i := range c.docs {
		if c.meta(i).kind == graph.KindNote {
			notes = append(notes, i)
		}
	}
	if len(notes) < 2 {
		return usageError{"--docs is too small for a corpus with notes: use at least 100"}
	}
	c.rng.Shuffle(len(notes), func(a, b int) { notes[a], notes[b] = notes[b], notes[a] })
	zipf := rand.NewZipf(c.rng, 1.1, 4, uint64(len(notes)-1))
	links := 0
	for i := range c.docs {
		ls := c.links(i, notes, zipf)
		b.Links = append(b.Links, ls...)
		links += len(ls)
		// Bounded transactions: bbolt's cost per insert grows with the
		// pages a transaction has dirtied.
		if len(b.Links) >= 5000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d documents, %d contributors, %d links\n", c.docs, benchContributors, links)
	return nil
}

func buildBenchIndex(ctx context.Context, dir string, out io.Writer) error {
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	ix, err := search.Open(indexDir(dir), search.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer ix.Close()
	start := time.Now()
	fmt.Fprintln(out, "building the search index")
	if err := ix.CatchUp(ctx, s); err != nil {
		return err
	}
	n, err := ix.DocCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "search index: %d documents in %s\n", n, time.Since(start).Round(time.Second))
	return nil
}

// benchTokens creates one CONTRIBUTOR token per client, each for its own
// contributor: the mutations run as authors do.
func benchTokens(ctx context.Context, dir string, n int) ([]string, error) {
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sys := graph.SystemContext(ctx)
	tokens := make([]string, n)
	for i := range tokens {
		secret, hash := graph.NewTokenSecret()
		if err := s.CreateToken(sys, graph.Token{Hash: hash, Role: graph.RoleContributor,
			ContributorID: fmt.Sprintf("c%04d", i%benchContributors), CreatedAt: time.Now().UTC()}); err != nil {
			return nil, err
		}
		tokens[i] = secret
	}
	return tokens, nil
}
