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
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
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
	fillDiscussions(t, s)
}

// fillDiscussions adds a discussion on the organisation with all a dump
// must carry of one: a reply, an edit (two revisions), a deleted comment
// kept as a stand-in because a reply hangs under it, a comment hidden by
// a curator's decision on a flag, and an open flag about a comment.
func fillDiscussions(t testing.TB, s graph.Store) {
	t.Helper()
	ada := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "rt-ada"})
	bea := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "rt-bea"})
	curator := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleCurator, ContributorID: "rt-ada"})
	first := must[*graph.Comment](t)(s.AddComment(ada, "rt-org", "", "Le site a changé d'adresse ?"))
	must[*graph.Comment](t)(s.EditComment(ada, first.ID, "Le site a-t-il changé d'adresse ?", 1))
	reply := must[*graph.Comment](t)(s.AddComment(bea, "rt-org", first.ID, "Oui, depuis le printemps."))
	must[*graph.Comment](t)(s.AddComment(ada, "rt-org", reply.ID, "Merci, je corrige."))
	must[*graph.Comment](t)(s.DeleteComment(bea, reply.ID))
	rude := must[*graph.Comment](t)(s.AddComment(bea, "rt-org", "", "Hors sujet"))
	f := must[*graph.Flag](t)(s.FlagComment(ada, rude.ID, "Sans rapport avec l'organisme"))
	must[*graph.Flag](t)(s.ResolveFlag(curator, f.ID, graph.DecisionHide, "Masqué"))
	must[*graph.Flag](t)(s.FlagComment(bea, first.ID, "À vérifier"))
}

// Blobs are the media files of the stores a test made, by store.
var blobsOf sync.Map

// BlobsOf returns the blob store FillMedia gave s, or nil.
func BlobsOf(s any) blob.Store {
	if b, ok := blobsOf.Load(s); ok {
		return b.(blob.Store)
	}
	return nil
}

// NewBlobs gives s a blob store of its own in a temporary directory.
func NewBlobs(t testing.TB, s any) blob.Store {
	t.Helper()
	b, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	blobsOf.Store(s, b)
	t.Cleanup(func() { blobsOf.Delete(s) })
	return b
}

// MediaFile is the bytes of a test file of n bytes: not compressible, not
// the same for two seeds.
func MediaFile(seed byte, n int) []byte {
	b := make([]byte, n)
	x := uint32(seed) + 1
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return b
}

// FillMedia adds media to s, their files in a blob store of s's own
// (BlobsOf): a recording with a transcript on the note, larger than one
// blob record, a drawing on the hidden term, a second media sharing the
// recording's file, and a private drawing standing alone.
func FillMedia(t testing.TB, s graph.Store) {
	t.Helper()
	blobs := NewBlobs(t, s)
	ada := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "rt-ada"})
	bea := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "rt-bea"})
	put := func(b []byte) blob.Ref {
		return must[blob.Ref](t)(blobs.Put(context.Background(), bytes.NewReader(b), int64(len(b))))
	}
	rec := put(MediaFile(1, 2*dump.BlobChunk+12345))
	img := put(MediaFile(2, 5000))
	for _, x := range []struct {
		ctx context.Context
		m   graph.Media
	}{
		{ada, graph.Media{DocumentID: "rt-note", SHA256: rec.SHA256, Size: rec.Size, MIME: "audio/ogg", Format: graph.MediaAudio,
			Title: "Témoignage", Description: "Récit enregistré", Language: "fr", Cues: []graph.MediaCue{
				{Start: 0, End: 4 * time.Second, Speaker: "Odile", Text: "Bonjour à toutes"},
				{Start: 754*time.Second + 500*time.Millisecond, End: 760 * time.Second, Text: "la cuisine collective"},
			}}},
		{ada, graph.Media{DocumentID: "rt-term", SHA256: img.SHA256, Size: img.Size, MIME: "image/png", Format: graph.MediaImage,
			Alt: "Un schéma", Description: "Le terme en dessin"}},
		{ada, graph.Media{DocumentID: "rt-note", SHA256: rec.SHA256, Size: rec.Size, MIME: "audio/ogg", Format: graph.MediaAudio,
			Title: "Le même, en double"}},
		{ada, graph.Media{DocumentID: "rt-note", SHA256: img.SHA256, Size: img.Size, MIME: "application/pdf", Format: graph.MediaPDF,
			Title: "Guide", Text: "Les semis du printemps"}},
		{bea, graph.Media{SHA256: img.SHA256, Size: img.Size, MIME: "image/png", Format: graph.MediaImage,
			Alt: "Un brouillon", Visibility: graph.VisibilityPrivate}},
	} {
		must[*graph.Media](t)(s.CreateMedia(x.ctx, x.m))
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
	Media          []*graph.Media
	Comments       []*graph.Comment
	CommentRevs    []*graph.CommentRevision
	// Files are the bytes of every media's file, by digest, when the store
	// has a blob store (BlobsOf).
	Files map[string][]byte
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
	for after := ""; ; {
		ms, err := s.ScanMedia(sys, after, 2) // small pages, to cross page boundaries
		if err != nil {
			t.Fatal(err)
		}
		e.Media = append(e.Media, ms...)
		if len(ms) < 2 {
			break
		}
		after = ms[len(ms)-1].ID
	}
	if blobs := BlobsOf(s); blobs != nil {
		e.Files = map[string][]byte{}
		for _, m := range e.Media {
			f, err := blobs.Open(sys, m.SHA256)
			if err != nil {
				t.Fatalf("the file of media %s: %v", m.ID, err)
			}
			b, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			e.Files[m.SHA256] = b
		}
	}
	var docIDs []string
	for _, d := range e.Documents {
		docIDs = append(docIDs, d.ID)
	}
	slices.Sort(docIDs)
	ds, err := s.Discussions(sys, docIDs)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range docIDs {
		if d := ds[id]; d != nil {
			e.Comments = append(e.Comments, d.Comments...)
			e.CommentRevs = append(e.CommentRevs, d.Revisions...)
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
	if _, err := dump.WriteBlobs(context.Background(), s, BlobsOf(s), &buf); err != nil {
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
	FillMedia(t, src)
	file := Export(t, src)
	want := ReadAll(t, src)
	dst := open(t)
	counts, err := dump.RestoreBlobs(context.Background(), dst, NewBlobs(t, dst), bytes.NewReader(file))
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
		{"an open flag about a comment", slices.ContainsFunc(want.Flags, func(f *graph.Flag) bool { return f.Status == graph.FlagOpen && f.CommentID != "" })},
		{"a media with a transcript", slices.ContainsFunc(want.Media, func(m *graph.Media) bool { return len(m.Cues) == 2 && m.Size > dump.BlobChunk })},
		{"a PDF with its text", slices.ContainsFunc(want.Media, func(m *graph.Media) bool { return m.Text != "" })},
		{"a media of a hidden document", slices.ContainsFunc(want.Media, func(m *graph.Media) bool { return m.DocumentID == "rt-term" })},
		{"a private media standing alone", slices.ContainsFunc(want.Media, func(m *graph.Media) bool { return m.Visibility == graph.VisibilityPrivate })},
		{"a reply", slices.ContainsFunc(want.Comments, func(c *graph.Comment) bool { return c.Depth == 2 && c.AuthorID == "rt-ada" })},
		{"a deleted comment kept as a stand-in", slices.ContainsFunc(want.Comments, func(c *graph.Comment) bool { return c.Deleted && c.Body == "" })},
		{"a hidden comment", slices.ContainsFunc(want.Comments, func(c *graph.Comment) bool { return c.Hidden })},
		{"an edited comment's first body", slices.ContainsFunc(want.CommentRevs, func(r *graph.CommentRevision) bool {
			return r.Version == 1 && r.Body == "Le site a changé d'adresse ?"
		})},
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
	compare("media", want.Media, got.Media)
	compare("comments", want.Comments, got.Comments)
	compare("comment revisions", want.CommentRevs, got.CommentRevs)
	if len(want.Files) != 2 || !reflect.DeepEqual(want.Files, got.Files) {
		t.Errorf("media files: %d in the source, %d restored, or not the same bytes", len(want.Files), len(got.Files))
	}
	if counts[dump.TypeMedia] != len(want.Media) || counts[dump.TypeComment] != len(want.Comments) ||
		counts[dump.TypeCommentRevision] != len(want.CommentRevs) || counts[dump.TypeBlob] != 4 {
		t.Errorf("restore counts %v, source has %d media, %d comments, %d comment revisions (and 4 blob records: 3 + 1)",
			counts, len(want.Media), len(want.Comments), len(want.CommentRevs))
	}

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
	created, updated := map[string]bool{}, map[string]bool{}
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
			if c.Op == graph.OpUpdate && created[c.ID] {
				updated[c.ID] = true
			}
			seq = c.Seq
		}
	}
	for _, d := range want.Documents {
		if !created[d.ID] {
			t.Errorf("no CREATE change for %s after the restore", d.ID)
		}
	}
	// A document's media are searchable text of it: an index that read
	// it at its CREATE, before its media were written, reads it again.
	for _, m := range want.Media {
		if m.DocumentID != "" && !updated[m.DocumentID] {
			t.Errorf("no UPDATE change after the CREATE of %s, which has media", m.DocumentID)
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
