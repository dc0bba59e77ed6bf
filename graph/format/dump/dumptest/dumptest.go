// Package dumptest is the dump round trip that every store that restores
// must pass: a graph holding everything a dump carries is built in the
// store under test, exported, restored into an empty one, read back
// through the Store interface and exported again, and nothing may differ.
// The kit opens no store itself: each test hands it an Opener, so that a
// store's test binary links that store alone (cmd/maillage's tests cover
// embedded → file → Neo4j, the way an operator moves to Neo4j).
package dumptest

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/format/dump"
)

var sys = graph.SystemContext(context.Background())

// Opener returns an empty store for t. A store that keeps its graph on a
// server may return the same store emptied again: the kit reads all it
// needs from one store before it asks for the next.
type Opener func(t testing.TB) graph.Store

func must[T any](t testing.TB) func(T, error) T {
	return func(x T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
}

// Source builds a graph with everything a dump must carry: the demo
// commons, plus documents edited by their authors (revisions with authors
// and versions above 1), a deleted document (absent, with its links), a
// carnet with categories and positions, a publication date, standpoint
// declarations in all three visibilities, a document hidden by a
// curator's decision on a flag, and an open flag.
func Source(t testing.TB, open Opener) graph.Store {
	t.Helper()
	s := open(t)
	if loaded, err := demo.Load(context.Background(), s, graph.DefaultTaxonomy()); err != nil || !loaded {
		t.Fatalf("demo: %v %v", loaded, err)
	}
	Fill(t, s)
	return s
}

// Small is Source without the demo, for fuzz seeds, which should stay
// small.
func Small(t testing.TB, open Opener) graph.Store {
	s := open(t)
	Fill(t, s)
	return s
}

// Fill adds the round-trip's own objects (ids rt-…) to s.
func Fill(t testing.TB, s graph.Store) {
	t.Helper()
	as := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "rt-ada"})
	curator := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleCurator, ContributorID: "rt-ada"})
	must[*graph.Contributor](t)(s.CreateContributor(sys, graph.Contributor{ID: "rt-ada", Name: "Ada Round-Trip", Bio: "Bio"}))
	must[*graph.Contributor](t)(s.UpdateContributor(as, "rt-ada", graph.ContributorUpdate{Version: 1, Bio: ptr("Bio revue")}))
	must[*graph.Contributor](t)(s.CreateContributor(sys, graph.Contributor{ID: "rt-bea", Name: "Béa Signale"}))
	bea := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "rt-bea"})
	must[*graph.Carnet](t)(s.Carnets().Create(sys, graph.Carnet{ID: "rt-carnet", Title: "Carnet", Categories: []string{"Un", "Deux"}}))
	pub := time.Date(2024, 3, 4, 5, 6, 7, 890, time.UTC)
	must[*graph.Document](t)(s.CreateDocument(as, graph.Document{ID: "rt-note", Kind: graph.KindNote, Title: "Première",
		Body: "Corps", Language: "fr", Visibility: graph.VisibilityPrivate, Licence: "CC-BY-4.0", PublishedAt: &pub}, nil))
	must[*graph.Document](t)(s.UpdateDocument(as, "rt-note", graph.DocumentUpdate{Version: 1, Body: ptr("Corps revu")}))
	must[*graph.Document](t)(s.UpdateDocument(sys, "rt-note", graph.DocumentUpdate{Version: 2, Title: ptr("Première, revue"), Visibility: ptr(graph.VisibilityCommunity)}))
	must[*graph.Document](t)(s.CreateDocument(as, graph.Document{ID: "rt-gone", Kind: graph.KindNote, Title: "Partie", Visibility: graph.VisibilityPublic}, nil))
	must[*graph.Document](t)(s.CreateDocument(sys, graph.Document{ID: "rt-term", Kind: graph.KindTerm, Title: "Terme",
		Aliases: []string{"T", "Tm"}, Definition: "Déf", Visibility: graph.VisibilityPublic}, []string{"rt-ada"}))
	must[*graph.Document](t)(s.CreateDocument(sys, graph.Document{ID: "rt-org", Kind: graph.KindOrganisation, Title: "Organisme",
		Website: "https://example.org", Region: "montreal", Sector: "communautaire", Visibility: graph.VisibilityPublic}, nil))
	for _, l := range []graph.Link{
		{Relation: graph.RelLinksTo, From: "rt-note", To: "rt-gone"},
		{Relation: graph.RelMentions, From: "rt-note", To: "rt-term"},
		{Relation: graph.RelInCarnet, From: "rt-note", To: "rt-carnet", Category: "Deux"},
		{Relation: graph.RelInCarnet, From: "rt-term", To: "rt-carnet", Category: "Un", Position: 7},
		{Relation: graph.RelAuthored, From: "rt-ada", To: "rt-term", Role: graph.AuthorRoleEditor},
	} {
		must[*graph.Link](t)(s.Link(sys, l))
	}
	if err := s.DeleteDocument(sys, "rt-gone", 1); err != nil {
		t.Fatal(err)
	}
	// Moderation: a flag a curator resolved by hiding the term, one she
	// resolved by keeping the organisation, and one still open.
	hide := must[*graph.Flag](t)(s.FlagDocument(bea, "rt-term", "Définition à vérifier"))
	must[*graph.Flag](t)(s.ResolveFlag(curator, hide.ID, graph.DecisionHide, "Masqué en attendant une source"))
	keep := must[*graph.Flag](t)(s.FlagDocument(bea, "rt-org", "Site introuvable"))
	must[*graph.Flag](t)(s.ResolveFlag(sys, keep.ID, graph.DecisionKeep, ""))
	must[*graph.Flag](t)(s.FlagDocument(as, "rt-org", "Région à préciser"))
	for _, d := range []graph.Declaration{
		{ContributorID: "rt-ada", Dimension: "gender", Value: "woman", Visibility: graph.DeclPrivate},
		{ContributorID: "rt-ada", Dimension: "generation", Value: "35-49", Visibility: graph.DeclAggregate},
		{ContributorID: "rt-ada", Dimension: "language", Value: "french", Visibility: graph.DeclPublic},
	} {
		must[*graph.Declaration](t)(s.DeclareStandpoint(as, d))
	}
}

func ptr[T any](x T) *T { return &x }

// Everything is a whole store read through the Store interface, as the
// system, independently of dump.Write: every node of every kind, every
// revision, link, declaration and flag, sorted.
type Everything struct {
	KnowledgeBases []*graph.KnowledgeBase
	Communities    []*graph.Community
	Carnets        []*graph.Carnet
	Contributors   []*graph.Contributor
	Documents      []*graph.Document
	Revisions      []*graph.Revision
	Links          []graph.Link
	Declarations   []graph.Declaration
	Flags          []*graph.Flag
}

func listAll[T any](t testing.TB, list func(context.Context, graph.Page) (*graph.Connection[T], error)) []T {
	t.Helper()
	var out []T
	p := graph.Page{First: 7} // small pages, to cross page boundaries
	for {
		c, err := list(sys, p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c.Nodes()...)
		if !c.PageInfo.HasNextPage {
			return out
		}
		p.After = c.PageInfo.EndCursor
	}
}

// ReadAll reads a whole store.
func ReadAll(t testing.TB, s dump.Source) Everything {
	t.Helper()
	var e Everything
	e.KnowledgeBases = listAll(t, s.KnowledgeBases().List)
	e.Communities = listAll(t, s.Communities().List)
	e.Carnets = listAll(t, s.Carnets().List)
	e.Contributors = listAll(t, s.ListContributors)
	e.Documents = listAll(t, func(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Document], error) {
		return s.ListDocuments(ctx, graph.DocumentFilter{}, graph.DocumentOrder{Field: graph.OrderTitle}, p)
	})
	e.Flags = listAll(t, func(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Flag], error) {
		return s.Flags(ctx, graph.FlagFilter{}, p)
	})
	var ids, contributors []string
	for _, x := range e.KnowledgeBases {
		ids = append(ids, x.ID)
	}
	for _, x := range e.Communities {
		ids = append(ids, x.ID)
	}
	for _, x := range e.Carnets {
		ids = append(ids, x.ID)
	}
	for _, x := range e.Contributors {
		ids = append(ids, x.ID)
		contributors = append(contributors, x.ID)
	}
	for _, d := range e.Documents {
		ids = append(ids, d.ID)
		e.Revisions = append(e.Revisions, listAll(t, func(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Revision], error) {
			return s.Revisions(ctx, d.ID, p)
		})...)
	}
	links, err := s.Links(sys, ids, "", graph.Both)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		for _, l := range links[id] {
			if l.From == id { // each link once, from its From end
				e.Links = append(e.Links, l)
			}
		}
	}
	decls, err := s.Declarations(sys, contributors)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range contributors {
		e.Declarations = append(e.Declarations, decls[id]...)
	}
	byID := func(a, b string) int { return strings.Compare(a, b) }
	slices.SortFunc(e.KnowledgeBases, func(a, b *graph.KnowledgeBase) int { return byID(a.ID, b.ID) })
	slices.SortFunc(e.Communities, func(a, b *graph.Community) int { return byID(a.ID, b.ID) })
	slices.SortFunc(e.Carnets, func(a, b *graph.Carnet) int { return byID(a.ID, b.ID) })
	slices.SortFunc(e.Documents, func(a, b *graph.Document) int { return byID(a.ID, b.ID) })
	slices.SortFunc(e.Contributors, func(a, b *graph.Contributor) int { return byID(a.ID, b.ID) })
	slices.SortFunc(e.Flags, func(a, b *graph.Flag) int { return byID(a.ID, b.ID) })
	slices.SortFunc(e.Revisions, func(a, b *graph.Revision) int {
		return strings.Compare(fmt.Sprintf("%s %06d", a.DocumentID, a.Version), fmt.Sprintf("%s %06d", b.DocumentID, b.Version))
	})
	slices.SortFunc(e.Links, func(a, b graph.Link) int {
		return strings.Compare(a.From+" "+string(a.Relation)+" "+a.To, b.From+" "+string(b.Relation)+" "+b.To)
	})
	slices.SortFunc(e.Declarations, func(a, b graph.Declaration) int {
		return strings.Compare(a.ContributorID+" "+a.Dimension+" "+a.Value, b.ContributorID+" "+b.Dimension+" "+b.Value)
	})
	return e
}

// Export dumps s.
func Export(t testing.TB, s dump.Source) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := dump.Write(context.Background(), s, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// RoundTrip builds Source in a store from open, exports it, restores the
// file into a second store from open and checks that this one holds the
// same graph, that exporting it gives the same records, and that its
// change sequence announces every document. It returns the file.
func RoundTrip(t *testing.T, open Opener) []byte {
	src := Source(t, open)
	file := Export(t, src)
	want := ReadAll(t, src)
	dst := open(t)
	counts, err := dump.Restore(context.Background(), dst, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	got := ReadAll(t, dst)

	// The source must hold what the test claims to carry, or comparing
	// two empty graphs would pass.
	d, _ := demo.Parse()
	if n := len(want.Documents); n != len(d.Notes)+len(d.Terms)+len(d.Organisations)+3 {
		t.Fatalf("source has %d documents", n)
	}
	if counts[dump.TypeDocument] != len(want.Documents) || counts[dump.TypeLink] != len(want.Links) ||
		counts[dump.TypeRevision] != len(want.Revisions) || counts[dump.TypeDeclaration] != len(want.Declarations) ||
		counts[dump.TypeFlag] != len(want.Flags) {
		t.Errorf("restore counts %v, source has %d documents, %d links, %d revisions, %d declarations, %d flags",
			counts, len(want.Documents), len(want.Links), len(want.Revisions), len(want.Declarations), len(want.Flags))
	}
	for _, check := range []struct {
		name string
		ok   bool
	}{
		{"a document at version 3", slices.ContainsFunc(want.Documents, func(d *graph.Document) bool { return d.ID == "rt-note" && d.Version == 3 })},
		{"a revision by a contributor", slices.ContainsFunc(want.Revisions, func(r *graph.Revision) bool {
			return r.DocumentID == "rt-note" && r.Version == 2 && r.AuthorID == "rt-ada"
		})},
		{"a hidden document", slices.ContainsFunc(want.Documents, func(d *graph.Document) bool { return d.ID == "rt-term" && d.Hidden })},
		{"a private declaration", slices.ContainsFunc(want.Declarations, func(d graph.Declaration) bool { return d.Visibility == graph.DeclPrivate })},
		{"an aggregate declaration", slices.ContainsFunc(want.Declarations, func(d graph.Declaration) bool { return d.Visibility == graph.DeclAggregate })},
		{"an editor", slices.ContainsFunc(want.Links, func(l graph.Link) bool { return l.Role == graph.AuthorRoleEditor })},
		{"a positioned carnet entry", slices.ContainsFunc(want.Links, func(l graph.Link) bool { return l.Position == 7 && l.Category == "Un" })},
		{"a contributor at version 2", slices.ContainsFunc(want.Contributors, func(c *graph.Contributor) bool { return c.ID == "rt-ada" && c.Version == 2 })},
		{"no deleted document", !slices.ContainsFunc(want.Documents, func(d *graph.Document) bool { return d.ID == "rt-gone" })},
		{"a flag resolved by hiding, with its note and resolver", slices.ContainsFunc(want.Flags, func(f *graph.Flag) bool {
			return f.Decision == graph.DecisionHide && f.Note != "" && f.ResolverID == "rt-ada" && f.ResolvedAt != nil && f.DocumentKind == graph.KindTerm
		})},
		{"a flag resolved by keeping", slices.ContainsFunc(want.Flags, func(f *graph.Flag) bool { return f.Decision == graph.DecisionKeep })},
		{"an open flag", slices.ContainsFunc(want.Flags, func(f *graph.Flag) bool { return f.Status == graph.FlagOpen && f.Reason != "" })},
	} {
		if !check.ok {
			t.Fatalf("the source graph lacks %s", check.name)
		}
	}

	compare := func(name string, a, b any) {
		t.Helper()
		if reflect.DeepEqual(a, b) {
			return
		}
		va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
		if va.Len() != vb.Len() {
			t.Errorf("%s: %d in the source, %d restored", name, va.Len(), vb.Len())
			return
		}
		for i := range va.Len() {
			x, y := reflect.Indirect(va.Index(i)).Interface(), reflect.Indirect(vb.Index(i)).Interface()
			if !reflect.DeepEqual(x, y) {
				t.Errorf("%s differ after the round trip:\nsource   %+v\nrestored %+v", name, x, y)
				return
			}
		}
	}
	compare("knowledge bases", want.KnowledgeBases, got.KnowledgeBases)
	compare("communities", want.Communities, got.Communities)
	compare("carnets", want.Carnets, got.Carnets)
	compare("contributors", want.Contributors, got.Contributors)
	compare("documents", want.Documents, got.Documents)
	compare("revisions", want.Revisions, got.Revisions)
	compare("links", want.Links, got.Links)
	compare("declarations", want.Declarations, got.Declarations)
	compare("flags", want.Flags, got.Flags)

	// A second export of the restored graph holds the same records: the
	// same lines, header aside. Another store may list ties in another
	// order, so the lines are compared as sets.
	again := Export(t, dst)
	if a, b := records(file), records(again); !slices.Equal(a, b) {
		for _, l := range a {
			if !slices.Contains(b, l) {
				t.Errorf("export of the restored graph lacks %s", l)
				break
			}
		}
		t.Errorf("export of the restored graph differs from the original dump")
	}

	// The restored store's change sequence announces every document, so
	// a search index following it indexes the restored graph.
	created := map[string]bool{}
	for seq := uint64(0); ; {
		cs, err := dst.Changes(sys, seq, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			if c.Op == graph.OpCreate {
				created[c.ID] = true
			}
			seq = c.Seq
		}
	}
	for _, d := range want.Documents {
		if !created[d.ID] {
			t.Errorf("no CREATE change for %s after the restore", d.ID)
		}
	}
	return file
}

// records is a dump's lines but the header, sorted.
func records(b []byte) []string {
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	ls := strings.Split(string(rest), "\n")
	slices.Sort(ls)
	return ls
}
