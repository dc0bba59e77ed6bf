package dump_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/dump"
	"github.com/encommun/maillage/graph/embedded"
)

var sys = graph.SystemContext(context.Background())

func open(t testing.TB) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func must[T any](t testing.TB) func(T, error) T {
	return func(x T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
}

// source builds a graph with everything a dump must carry: the demo
// commons, plus documents edited by their authors (revisions with authors
// and versions above 1), a deleted document (absent, with its links), a
// carnet with categories and positions, a publication date, and standpoint
// declarations in all three visibilities.
func source(t testing.TB) *embedded.Store {
	t.Helper()
	s := open(t)
	if loaded, err := demo.Load(context.Background(), s, graph.DefaultTaxonomy()); err != nil || !loaded {
		t.Fatalf("demo: %v %v", loaded, err)
	}
	fill(t, s)
	return s
}

// small is source without the demo, for the fuzz seed, whose inputs
// should stay small.
func small(t testing.TB) *embedded.Store {
	s := open(t)
	fill(t, s)
	return s
}

func fill(t testing.TB, s *embedded.Store) {
	t.Helper()
	as := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "rt-ada"})
	must[*graph.Contributor](t)(s.CreateContributor(sys, graph.Contributor{ID: "rt-ada", Name: "Ada Round-Trip", Bio: "Bio", Region: "montreal"}))
	must[*graph.Contributor](t)(s.UpdateContributor(as, "rt-ada", graph.ContributorUpdate{Version: 1, Bio: ptr("Bio revue")}))
	must[*graph.Carnet](t)(s.CreateCarnet(sys, graph.Carnet{ID: "rt-carnet", Title: "Carnet", Categories: []string{"Un", "Deux"}}))
	pub := time.Date(2024, 3, 4, 5, 6, 7, 890, time.UTC)
	must[*graph.Document](t)(s.CreateDocument(as, graph.Document{ID: "rt-note", Kind: graph.KindNote, Title: "Première",
		Body: "Corps", Language: "fr", Visibility: graph.VisibilityPrivate, Licence: "CC-BY-4.0", PublishedAt: &pub}, nil))
	must[*graph.Document](t)(s.UpdateDocument(as, "rt-note", graph.DocumentUpdate{Version: 1, Body: ptr("Corps revu")}))
	must[*graph.Document](t)(s.UpdateDocument(sys, "rt-note", graph.DocumentUpdate{Version: 2, Title: ptr("Première, revue"), Visibility: ptr(graph.VisibilityCommunity)}))
	must[*graph.Document](t)(s.CreateDocument(as, graph.Document{ID: "rt-gone", Kind: graph.KindNote, Title: "Partie", Visibility: graph.VisibilityPublic}, nil))
	must[*graph.Document](t)(s.CreateDocument(sys, graph.Document{ID: "rt-term", Kind: graph.KindTerm, Title: "Terme",
		Aliases: []string{"T", "Tm"}, Definition: "Déf", Visibility: graph.VisibilityPublic}, []string{"rt-ada"}))
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
	must[*graph.Document](t)(s.SetHidden(sys, "rt-term", true))
	for _, d := range []graph.Declaration{
		{ContributorID: "rt-ada", Dimension: "gender", Value: "woman", Visibility: graph.DeclPrivate},
		{ContributorID: "rt-ada", Dimension: "generation", Value: "35-49", Visibility: graph.DeclAggregate},
		{ContributorID: "rt-ada", Dimension: "language", Value: "french", Visibility: graph.DeclPublic},
	} {
		must[*graph.Declaration](t)(s.DeclareStandpoint(as, d))
	}
}

func ptr[T any](x T) *T { return &x }

// everything reads a whole store through the Store interface, as the
// system, independently of dump.Write: every node of every kind, every
// revision, every link and every declaration, sorted.
type everything struct {
	KnowledgeBases []*graph.KnowledgeBase
	Communities    []*graph.Community
	Carnets        []*graph.Carnet
	Contributors   []*graph.Contributor
	Documents      []*graph.Document
	Revisions      []*graph.Revision
	Links          []graph.Link
	Declarations   []graph.Declaration
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

func readAll(t testing.TB, s graph.Store) everything {
	t.Helper()
	var e everything
	e.KnowledgeBases = listAll(t, s.ListKnowledgeBases)
	e.Communities = listAll(t, s.ListCommunities)
	e.Carnets = listAll(t, s.ListCarnets)
	e.Contributors = listAll(t, s.ListContributors)
	e.Documents = listAll(t, func(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Document], error) {
		return s.ListDocuments(ctx, graph.DocumentFilter{}, graph.DocumentOrder{Field: graph.OrderTitle}, p)
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
	slices.SortFunc(e.Documents, func(a, b *graph.Document) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(e.Contributors, func(a, b *graph.Contributor) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(e.Revisions, func(a, b *graph.Revision) int {
		return strings.Compare(fmt.Sprintf("%s %06d", a.DocumentID, a.Version), fmt.Sprintf("%s %06d", b.DocumentID, b.Version))
	})
	slices.SortFunc(e.Links, func(a, b graph.Link) int {
		return strings.Compare(a.From+" "+string(a.Relation)+" "+a.To, b.From+" "+string(b.Relation)+" "+b.To)
	})
	return e
}

func export(t testing.TB, s graph.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := dump.Write(context.Background(), s, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTripIsLossless(t *testing.T) {
	src := source(t)
	file := export(t, src)
	dst := open(t)
	counts, err := dump.Restore(context.Background(), dst, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want, got := readAll(t, src), readAll(t, dst)

	// The source must hold what the test claims to carry, or comparing
	// two empty graphs would pass.
	d, _ := demo.Parse()
	if n := len(want.Documents); n != len(d.Notes)+len(d.Terms)+len(d.Organisations)+2 {
		t.Fatalf("source has %d documents", n)
	}
	if counts[dump.TypeDocument] != len(want.Documents) || counts[dump.TypeLink] != len(want.Links) ||
		counts[dump.TypeRevision] != len(want.Revisions) || counts[dump.TypeDeclaration] != len(want.Declarations) {
		t.Errorf("restore counts %v, source has %d documents, %d links, %d revisions, %d declarations",
			counts, len(want.Documents), len(want.Links), len(want.Revisions), len(want.Declarations))
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

	// A second export of the restored graph is the same file, header date
	// aside: nothing drifted.
	again := export(t, dst)
	if a, b := withoutHeader(file), withoutHeader(again); a != b {
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
}

func withoutHeader(b []byte) string {
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	return string(rest)
}

func TestRestoreRefusesANonEmptyStore(t *testing.T) {
	file := export(t, source(t))
	dst := open(t)
	must[*graph.Contributor](t)(dst.CreateContributor(sys, graph.Contributor{ID: "already", Name: "Déjà là"}))
	before := must[uint64](t)(dst.LastSeq(sys))
	_, err := dump.Restore(context.Background(), dst, bytes.NewReader(file))
	if !errors.Is(err, dump.ErrNotEmpty) {
		t.Fatalf("restore into a non-empty store: %v", err)
	}
	if after := must[uint64](t)(dst.LastSeq(sys)); after != before {
		t.Errorf("a refused restore wrote %d changes", after-before)
	}
	if _, err := dst.Contributor(sys, "already"); err != nil {
		t.Errorf("the store's own data is gone: %v", err)
	}
}

// lines returns a dump as lines, and join puts them back.
func lines(b []byte) []string { return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") }
func join(ls []string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

func TestBadDumpsWriteNothing(t *testing.T) {
	good := lines(export(t, source(t)))
	find := func(prefix string) int {
		for i, l := range good {
			if strings.HasPrefix(l, prefix) {
				return i
			}
		}
		t.Fatalf("no line starting %s", prefix)
		return -1
	}
	firstDoc := find(`{"type":"document"`)
	firstLink := find(`{"type":"link"`)
	edit := func(f func(ls []string) []string) []byte {
		return join(f(slices.Clone(good)))
	}
	replaceAt := func(i int, old, new string) []byte {
		return edit(func(ls []string) []string {
			if !strings.Contains(ls[i], old) {
				t.Fatalf("line %d has no %q: %s", i+1, old, ls[i])
			}
			ls[i] = strings.Replace(ls[i], old, new, 1)
			return ls
		})
	}
	cases := []struct {
		name string
		file []byte
		line int    // the line the error must name
		says string // and a word of its message
	}{
		{"empty", nil, 1, "empty file"},
		{"not a dump", []byte("hello\n"), 1, "not a maillage dump"},
		{"newer version", replaceAt(0, `"version":1`, `"version":2`), 1, "newer"},
		{"cut at a line", edit(func(ls []string) []string { return ls[:len(ls)-1] }), len(good) - 1, "truncated"},
		{"cut in a line", []byte(strings.Join(good[:firstDoc+1], "\n")[:len(strings.Join(good[:firstDoc+1], "\n"))-20]), firstDoc + 1, "malformed"},
		{"malformed line", edit(func(ls []string) []string { ls[firstDoc] = "{not json"; return ls }), firstDoc + 1, "malformed"},
		{"unknown record type", replaceAt(firstDoc, `"type":"document"`, `"type":"widget"`), firstDoc + 1, "unknown record type"},
		{"unknown kind", replaceAt(firstDoc, `"kind":"`, `"kind":"Widget`), firstDoc + 1, "unknown kind"},
		{"unknown field", replaceAt(firstDoc, `"type":"document"`, `"type":"document","colour":"red"`), firstDoc + 1, "unknown field"},
		{"unknown relation", replaceAt(firstLink, `"relation":"`, `"relation":"X`), firstLink + 1, "unknown relation"},
		{"dangling link", replaceAt(firstLink, `"to":"`, `"to":"nowhere-`), firstLink + 1, "dangling"},
		{"invalid document", replaceAt(firstDoc, `"visibility":"`, `"visibility":"SECRET`), firstDoc + 1, "visibility"},
		{"duplicate id", edit(func(ls []string) []string { return slices.Insert(ls, firstDoc+1, ls[firstDoc]) }), firstDoc + 2, "already used"},
		{"count mismatch", edit(func(ls []string) []string { return slices.Delete(ls, firstLink, firstLink+1) }), len(good) - 1, "counts"},
		{"data after the end", edit(func(ls []string) []string { return append(ls, ls[firstDoc]) }), len(good) + 1, "after the end"},
		{"out of order", edit(func(ls []string) []string {
			doc := ls[firstDoc]
			ls = slices.Delete(ls, firstDoc, firstDoc+1)
			return slices.Insert(ls, firstLink, doc) // a document among the links
		}), firstLink + 1, "grouped by type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := open(t)
			_, err := dump.Restore(context.Background(), dst, bytes.NewReader(c.file))
			var le *dump.LineError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a line error", err)
			}
			if le.Line != c.line || !strings.Contains(err.Error(), c.says) {
				t.Errorf("got %q, want line %d saying %q", err, c.line, c.says)
			}
			if seq := must[uint64](t)(dst.LastSeq(sys)); seq != 0 {
				t.Errorf("a bad dump wrote %d changes", seq)
			}
		})
	}
}

// TestStoreRestoreValidates checks the store's own guard, for callers that
// build a Snapshot without reading a file: a dangling link fails the whole
// restore and leaves the store empty.
func TestStoreRestoreValidates(t *testing.T) {
	snap, _, err := dump.Read(bytes.NewReader(export(t, source(t))))
	if err != nil {
		t.Fatal(err)
	}
	bad := *snap
	bad.Links = append(slices.Clone(snap.Links), graph.Link{Relation: graph.RelLinksTo, From: snap.Documents[0].ID, To: "nowhere"})
	dst := open(t)
	if err := dst.Restore(sys, bad); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("dangling link: %v", err)
	}
	anon := context.Background()
	if err := dst.Restore(anon, *snap); graph.ErrorCode(err) != graph.EUNAUTHENTICATED {
		t.Errorf("anonymous restore: %v", err)
	}
	if seq := must[uint64](t)(dst.LastSeq(sys)); seq != 0 {
		t.Fatalf("failed restores wrote %d changes", seq)
	}
	if err := dst.Restore(sys, *snap); err != nil {
		t.Fatal(err)
	}
	if err := dst.Restore(sys, *snap); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("second restore: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	good := export(f, small(f))
	f.Add(good)
	ls := lines(good)
	f.Add(join(ls[:len(ls)/2]))
	f.Add([]byte(`{"format":"maillage-dump","version":1}` + "\n" + `{"type":"end","counts":{}}` + "\n"))
	f.Add([]byte(`{"format":"maillage-dump","version":1}` + "\n" + `{"type":"link","relation":"LINKS_TO","from":"a","to":"a"}` + "\n"))
	f.Add([]byte("\xff\xfe\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		snap, counts, err := dump.Read(bytes.NewReader(b))
		if err != nil {
			var le *dump.LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		// What Read accepts is consistent: counts match, links have
		// their kinds and both ends.
		if counts[dump.TypeLink] != len(snap.Links) || counts[dump.TypeDocument] != len(snap.Documents) {
			t.Fatalf("counts %v for %d links, %d documents", counts, len(snap.Links), len(snap.Documents))
		}
		for _, l := range snap.Links {
			if l.FromKind == "" || l.ToKind == "" || graph.ValidateLink(l) != nil {
				t.Fatalf("accepted link %+v", l)
			}
		}
	})
}
