package dump

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/encommun/maillage/graph"
)

// GenerateOptions sizes a generated dump.
type GenerateOptions struct {
	Notes int // notes; contributors, terms and carnets scale with them
	Links int // LINKS_TO links between notes
	Seed  uint64
}

// Generate writes a valid dump of a synthetic commons, for benchmarks and
// scale tests of restores: ids are random like the store's own (so that
// writes land all over the key space, as a real dump's do), note links
// follow a skewed distribution (a few notes are linked from many), and
// every record type is present. The same options give the same file,
// creation date in the header aside.
func Generate(w io.Writer, o GenerateOptions) (Counts, error) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x6d61696c6c616765))
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	counts := Counts{}
	var err error
	put := func(typ string, rec any) {
		if err == nil {
			counts[typ]++
			err = enc.Encode(rec)
		}
	}
	if e := enc.Encode(Header{Format: Format, Version: Version, CreatedAt: time.Now().UTC(), Generator: "maillage generate"}); e != nil {
		return nil, e
	}
	used := map[string]bool{}
	newID := func() string {
		for {
			id := fmt.Sprintf("%016x", rng.Uint64())
			if !used[id] {
				used[id] = true
				return id
			}
		}
	}
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }

	nContrib := max(1, o.Notes/20)
	nTerms := max(1, o.Notes/50)
	nCarnets := max(1, o.Notes/500)
	kb := newID()
	put(TypeKnowledgeBase, groupRecord{TypeKnowledgeBase, kb, "Base de connaissances", "", base, base, 1})
	community := newID()
	put(TypeCommunity, groupRecord{TypeCommunity, community, "Communauté de pratique", "Générée pour les essais", base, base, 1})
	carnets := make([]string, nCarnets)
	for i := range carnets {
		carnets[i] = newID()
		put(TypeCarnet, carnetRecord{TypeCarnet, carnets[i], fmt.Sprintf("Carnet %d", i+1), "", []string{"bilan", "outil"}, base, base, 1})
	}
	contributors := make([]string, nContrib)
	for i := range contributors {
		contributors[i] = newID()
		put(TypeContributor, contributorRecord{TypeContributor, contributors[i], fmt.Sprintf("Personne %d", i+1), "", "", base, base, 1})
	}
	notes := make([]string, o.Notes)
	terms := make([]string, nTerms)
	visibilities := []graph.Visibility{graph.VisibilityPublic, graph.VisibilityPublic, graph.VisibilityCommunity, graph.VisibilityPrivate}
	type doc struct {
		id, title, body string
		version         int
		created         time.Time
		visibility      graph.Visibility
	}
	var docs []doc
	for i := range terms {
		terms[i] = newID()
		d := doc{terms[i], fmt.Sprintf("Terme %d", i+1), "", 1, at(i), graph.VisibilityPublic}
		docs = append(docs, d)
		put(TypeDocument, documentRecord{Type: TypeDocument, ID: d.id, Kind: string(graph.KindTerm), Title: d.title,
			Definition: "Une définition du terme.", Language: "fr", Visibility: string(graph.VisibilityPublic),
			CreatedAt: d.created, UpdatedAt: d.created, Version: 1})
	}
	for i := range notes {
		notes[i] = newID()
		d := doc{notes[i], fmt.Sprintf("Note %d sur la pratique", i+1), body(rng), 1 + rng.IntN(3), at(nTerms + i),
			visibilities[rng.IntN(len(visibilities))]}
		docs = append(docs, d)
		put(TypeDocument, documentRecord{Type: TypeDocument, ID: d.id, Kind: string(graph.KindNote), Title: d.title,
			Body: d.body, Language: "fr", Visibility: string(d.visibility),
			CreatedAt: d.created, UpdatedAt: d.created.Add(time.Duration(d.version-1) * time.Hour), Version: d.version,
			Hidden: i%997 == 3})
	}
	for _, d := range docs {
		for v := 1; v <= d.version; v++ {
			put(TypeRevision, revisionRecord{TypeRevision, d.id, v, contributors[rng.IntN(nContrib)],
				d.created.Add(time.Duration(v-1) * time.Hour), []string{"body"}, d.title, "", d.body, string(d.visibility)})
		}
	}
	put(TypeLink, linkRecord{Type: TypeLink, Relation: string(graph.RelInBase), From: carnets[0], To: kb, CreatedAt: base})
	for _, c := range contributors {
		put(TypeLink, linkRecord{Type: TypeLink, Relation: string(graph.RelMemberOf), From: c, To: community, CreatedAt: base})
	}
	for i, n := range notes {
		put(TypeLink, linkRecord{Type: TypeLink, Relation: string(graph.RelAuthored), From: contributors[rng.IntN(nContrib)], To: n,
			Role: graph.AuthorRoleAuthor, CreatedAt: at(i)})
		put(TypeLink, linkRecord{Type: TypeLink, Relation: string(graph.RelInCarnet), From: n, To: carnets[i%nCarnets],
			Category: []string{"", "bilan", "outil"}[i%3], Position: i/nCarnets + 1, CreatedAt: at(i)})
		put(TypeLink, linkRecord{Type: TypeLink, Relation: string(graph.RelMentions), From: n, To: terms[rng.IntN(nTerms)], CreatedAt: at(i)})
		if i%4 == 0 {
			put(TypeLink, linkRecord{Type: TypeLink, Relation: string(graph.RelOfCommunity), From: n, To: community, CreatedAt: at(i)})
		}
	}
	if len(notes) > 1 {
		seen := map[[2]int]bool{}
		for made := 0; made < o.Links && len(seen) < len(notes)*(len(notes)-1); {
			from := rng.IntN(len(notes))
			// Squaring a uniform draw favours low indices: a few notes
			// gather most backlinks, as hubs do in a real commons.
			to := int(float64(len(notes)) * pow2(rng.Float64()))
			if from == to || seen[[2]int{from, to}] {
				continue
			}
			seen[[2]int{from, to}] = true
			put(TypeLink, linkRecord{Type: TypeLink, Relation: string(graph.RelLinksTo), From: notes[from], To: notes[to], CreatedAt: at(made)})
			made++
		}
	}
	dims := [][2]string{{"region", "montreal"}, {"generation", "35-49"}, {"language", "french"}, {"gender", "woman"}}
	declVis := []graph.DeclarationVisibility{graph.DeclPrivate, graph.DeclAggregate, graph.DeclPublic}
	for i, c := range contributors {
		for j, d := range dims[:1+i%len(dims)] {
			put(TypeDeclaration, declarationRecord{TypeDeclaration, c, d[0], d[1], string(declVis[(i+j)%len(declVis)]), base})
		}
	}
	for i := 0; i < len(notes); i += 100 {
		f := flagRecord{Type: TypeFlag, ID: newID(), Document: notes[i], Flagger: contributors[rng.IntN(nContrib)],
			Reason: "Contenu à vérifier", Status: string(graph.FlagOpen), CreatedAt: at(i)}
		if i%200 == 0 {
			resolved := at(i).Add(time.Hour)
			f.Status, f.Decision, f.Note, f.Resolver, f.ResolvedAt = string(graph.FlagResolved), string(graph.DecisionKeep), "Vérifié", contributors[0], &resolved
		}
		put(TypeFlag, f)
	}
	if err != nil {
		return nil, err
	}
	if err := enc.Encode(endRecord{Type: TypeEnd, Counts: counts}); err != nil {
		return nil, err
	}
	return counts, bw.Flush()
}

func pow2(x float64) float64 { return x * x }

var words = strings.Fields(`atelier communauté savoir pratique quartier entraide organisme bénévole
	alimentation logement mobilisation rencontre partage outil bilan démarche territoire accueil
	réseau concertation jeunesse aînés culture éducation solidarité projet ressource animation`)

// body is a paragraph of some 60 to 200 words.
func body(rng *rand.Rand) string {
	n := 60 + rng.IntN(140)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	b.WriteByte('.')
	return b.String()
}
