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
	"strconv"
	"strings"
	"time"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/search"
	"github.com/encommun/maillage/search/benchcorpus"
)

// The corpus of `maillage-bench http`: a generated commons, reproducible
// from its size and seed, shaped like the real one where it costs the
// server something. Notes of ~260 words of French-like prose (package
// benchcorpus: real topic words from Zipf rank 50, stop words, elisions),
// 5 % terms and 5 % organisations; 70 % PUBLIC, 20 % COMMUNITY, 10 %
// PRIVATE; one or two authors among 2 000 contributors whose standpoint
// declarations use every visibility; carnets, communities, mentions of
// terms; and LINKS_TO links whose targets follow a Zipf law, so that a few
// notes have thousands of backlinks and most a handful.

// benchCorpusVersion changes whenever the generator does, so that a
// --data directory built by another version is not silently reused.
const benchCorpusVersion = 1

// benchCorpus generates the documents of a corpus of docs documents.
type benchCorpus struct {
	*benchcorpus.Generator
	docs int
	seed uint64
}

func newBenchCorpus(docs int, seed uint64) *benchCorpus {
	return &benchCorpus{Generator: benchcorpus.New(seed), docs: docs, seed: seed}
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

// setup is everything but the documents and their links: contributors
// with declarations, communities with members, carnets.
func (c *benchCorpus) setup() graph.Batch {
	var b graph.Batch
	tax := graph.DefaultTaxonomy()
	regions := tax.Dimension("region")
	for i := range benchcorpus.Communities {
		b.Communities = append(b.Communities, graph.Community{ID: benchcorpus.CommunityID(i),
			Name: fmt.Sprintf("Communauté %s %d", benchcorpus.TopicWords[i%len(benchcorpus.TopicWords)], i), Description: c.Text(30)})
	}
	for i := range benchcorpus.Carnets {
		b.Carnets = append(b.Carnets, graph.Carnet{ID: benchcorpus.CarnetID(i), Title: "Carnet " + c.Title(3),
			Description: c.Text(20), Categories: []string{"Comptes rendus", "Fiches pratiques", "Réflexions"}})
	}
	for i := range benchcorpus.Contributors {
		id := benchcorpus.ContributorID(i)
		ct := graph.Contributor{ID: id, Name: c.Name(), Bio: c.Text(25)}
		// Contributors had a profile region here; it is a standpoint now
		// (issue #15), which c.Declarations gives. The draws stay, so that
		// the rest of the corpus is the one earlier runs measured.
		if regions != nil && c.Rand.IntN(2) == 0 {
			_ = c.Rand.IntN(len(regions.Values))
		}
		b.Contributors = append(b.Contributors, ct)
		b.Declarations = append(b.Declarations, c.Declarations(tax, id)...)
		for range c.Rand.IntN(3) {
			b.Links = append(b.Links, graph.Link{Relation: graph.RelMemberOf, From: id, To: benchcorpus.CommunityID(c.Rand.IntN(benchcorpus.Communities))})
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
	r := c.Rand
	lang := "fr"
	if r.IntN(10) == 0 {
		lang = "en"
	}
	published := c.PublishedAt()
	d := graph.Document{ID: m.id, Kind: m.kind, Language: lang, Visibility: m.visibility,
		Title: c.Title(4 + r.IntN(6)), Summary: c.Text(20 + r.IntN(20)), PublishedAt: &published}
	switch m.kind {
	case graph.KindNote:
		d.Body = c.Text(240 + r.IntN(40))
	case graph.KindTerm:
		d.Aliases = []string{strings.ToUpper(c.Text(1))}
		d.Definition = c.Text(30)
		d.Body = c.Text(80)
	case graph.KindOrganisation:
		d.Aliases = []string{strings.ToUpper(c.Text(1))}
		d.Body = c.Text(80)
		d.Website = fmt.Sprintf("https://organisme-%d.example.org", i)
	}
	authors := []string{benchcorpus.ContributorID(r.IntN(benchcorpus.Contributors))}
	if r.IntN(3) == 0 {
		if other := benchcorpus.ContributorID(r.IntN(benchcorpus.Contributors)); other != authors[0] {
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
	r := c.Rand
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
			ls = append(ls, graph.Link{Relation: graph.RelInCarnet, From: m.id, To: benchcorpus.CarnetID(r.IntN(benchcorpus.Carnets)),
				Category: "Fiches pratiques", Position: i})
		}
	}
	if m.visibility == graph.VisibilityCommunity || r.IntN(5) == 0 {
		add(graph.RelOfCommunity, benchcorpus.CommunityID(r.IntN(benchcorpus.Communities)))
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
		return usageError{Msg: fmt.Sprintf("%s holds another bench corpus (%s): use another --data directory or the same --docs",
			dir, strings.TrimSpace(string(got)))}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return usageError{Msg: fmt.Sprintf("%s is not empty and holds no bench corpus: the bench writes notes, give it an empty or new directory", dir)}
	}
	// Each step in a child process of its own, so that each reports its
	// own peak RSS (issue #17 asks indexing to fit in 1 GiB).
	if err := runStep(ctx, out, stepStore, dir, strconv.Itoa(c.docs), strconv.FormatUint(c.seed, 10)); err != nil {
		return err
	}
	if err := runStep(ctx, out, stepIndex, dir); err != nil {
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
	fmt.Fprintf(out, "generating %d documents in %s\n", c.docs, dir)
	return writeCorpusTo(ctx, s, c, out)
}

// prepareNeo4jCorpus writes the corpus into the Neo4j database of cfg,
// which must be empty, and returns the clients' tokens there when the mix
// writes.
func prepareNeo4jCorpus(ctx context.Context, cfg benchHTTPConfig, c *benchCorpus, out io.Writer) ([]string, error) {
	neo := cfg.neo
	neo.MaxPool = 10
	s, err := neo.Open(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sys := graph.SystemContext(ctx)
	if seq, err := s.LastSeq(sys); err != nil {
		return nil, err
	} else if seq > 0 {
		return nil, errors.New("bench http: the Neo4j database is not empty: the bench writes its corpus and notes into it (use a database of its own, emptied between runs)")
	}
	fmt.Fprintf(out, "generating %d documents in the Neo4j database\n", c.docs)
	start := time.Now()
	if err := writeCorpusTo(ctx, s, c, out); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "store written in %s\n", time.Since(start).Round(time.Second))
	if cfg.mix[opMutate] == 0 {
		return nil, nil
	}
	return benchTokens(ctx, s, cfg.concurrency)
}

// writeCorpusTo writes the corpus into s.
func writeCorpusTo(ctx context.Context, s graph.Creator, c *benchCorpus, out io.Writer) error {
	sys := graph.SystemContext(ctx)
	links, err := c.emit(func(b graph.Batch) error { return graph.WriteBatch(sys, s, b) })
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d documents, %d contributors, %d links\n", c.docs, benchcorpus.Contributors, links)
	return nil
}

// emit hands the whole corpus to write in batches, in the order a store
// takes them (the commons, the documents, then their links), and returns
// the number of documents' links. The peers of `maillage-bench search`
// take the same batches as the stores do.
func (c *benchCorpus) emit(write func(graph.Batch) error) (links int, err error) {
	if err := write(c.setup()); err != nil {
		return 0, err
	}
	const batch = 1000
	var b graph.Batch
	flush := func() error {
		err := write(b)
		b = graph.Batch{}
		return err
	}
	for i := range c.docs {
		b.Documents = append(b.Documents, c.document(i))
		if len(b.Documents) == batch {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	// Link targets: notes in a fixed shuffled order, ranked by a Zipf law.
	var notes []int
	for i := range c.docs {
		if c.meta(i).kind == graph.KindNote {
			notes = append(notes, i)
		}
	}
	if len(notes) < 2 {
		return 0, usageError{Msg: "--docs is too small for a corpus with notes: use at least 100"}
	}
	c.Rand.Shuffle(len(notes), func(a, b int) { notes[a], notes[b] = notes[b], notes[a] })
	zipf := rand.NewZipf(c.Rand, 1.1, 4, uint64(len(notes)-1))
	for i := range c.docs {
		ls := c.links(i, notes, zipf)
		b.Links = append(b.Links, ls...)
		links += len(ls)
		// Bounded transactions: bbolt's cost per insert grows with the
		// pages a transaction has dirtied.
		if len(b.Links) >= 5000 {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return links, nil
}

func buildBenchIndex(ctx context.Context, dir string, out io.Writer) error {
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	ix, err := search.Open(cmdkit.IndexDir(dir), search.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
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
	took := time.Since(start)
	fmt.Fprintf(out, "search index: %d documents in %s (%.0f docs/s)\n", n, took.Round(time.Second), float64(n)/took.Seconds())
	return nil
}

// benchTokens creates one CONTRIBUTOR token per client, each for its own
// contributor: the mutations run as authors do.
func benchTokens(ctx context.Context, s graph.TokenStore, n int) ([]string, error) {
	sys := graph.SystemContext(ctx)
	tokens := make([]string, n)
	for i := range tokens {
		secret, hash := graph.NewTokenSecret()
		if err := s.CreateToken(sys, graph.Token{Hash: hash, Role: graph.RoleContributor,
			ContributorID: benchcorpus.ContributorID(i % benchcorpus.Contributors), CreatedAt: time.Now().UTC()}); err != nil {
			return nil, err
		}
		tokens[i] = secret
	}
	return tokens, nil
}
