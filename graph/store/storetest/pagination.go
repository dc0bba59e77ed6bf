package storetest

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// chainTitles must come out of a TITLE sort in this order: accents and
// case are folded, so "Éducation" sorts with "education", not after "Z".
var chainTitles = []string{
	"Âge d'or", "Bâtir ensemble", "Ça va", "Dialogue", "économie sociale", "education permanente",
	"Éducation populaire", "Facile", "Île-de-la-Visitation", "îlot", "Zèbre", "zoologie",
}

// paginationTitles are the 45 titles: the chain, three titles that fold to
// the same key (ordered by id), and numbered fillers.
func paginationTitles() []string {
	titles := slices.Clone(chainTitles)
	titles = append(titles, "Atelier", "atelier", "ATELIER", "Œuvre commune")
	for i := 0; len(titles) < 45; i++ {
		titles = append(titles, fmt.Sprintf("Note %02d", i))
	}
	return titles
}

func testPagination(t *testing.T, newStore factory) {
	t.Run("ListedCounts", func(t *testing.T) { testListedCounts(t, newFixture(t, newStore)) })
	t.Run("FortyFiveNotes", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("ctb-a")
		titles := paginationTitles()
		ids := make([]string, len(titles))
		// Created in a shuffled order so that creation order and title order differ.
		order := []int{}
		for i := range titles {
			order = append(order, (i*17)%len(titles))
		}
		for _, i := range order {
			d, err := f.s.CreateDocument(f.asC("ctb-a"), graph.Document{Kind: graph.KindNote, Title: titles[i], Language: "fr", Visibility: graph.VisibilityPublic}, nil)
			f.must(err, "create %q", titles[i])
			ids[i] = d.ID
		}
		docs, err := f.s.Documents(f.sys(), ids)
		f.must(err, "Documents")
		for i, d := range docs {
			if d == nil {
				t.Fatalf("created note %q is missing", titles[i])
			}
		}
		titleOf := map[string]string{}
		for _, d := range docs {
			titleOf[d.ID] = d.Title
		}

		for _, o := range []graph.DocumentOrder{
			{Field: graph.OrderCreatedAt}, {Field: graph.OrderCreatedAt, Desc: true},
			{Field: graph.OrderTitle}, {Field: graph.OrderTitle, Desc: true},
		} {
			name := string(o.Field)
			if o.Desc {
				name += "_desc"
			}
			t.Run(name, func(t *testing.T) {
				f := f.on(t)
				want := expectedOrder(docs, o)
				var got []string
				after := ""
				for page := 0; ; page++ {
					conn, err := f.s.ListDocuments(f.anon(), graph.DocumentFilter{}, o, graph.Page{First: 10, After: after})
					f.must(err, "page %d", page)
					checkPage(t, conn, 10, page > 0, "page %d", page)
					if conn.TotalCount != 45 {
						t.Errorf("page %d: TotalCount %d, want 45", page, conn.TotalCount)
					}
					wantLen, wantNext := 10, page < 4
					if page == 4 {
						wantLen = 5
					}
					if len(conn.Edges) != wantLen || conn.PageInfo.HasNextPage != wantNext {
						t.Errorf("page %d: %d edges, hasNextPage %v; want %d, %v", page, len(conn.Edges), conn.PageInfo.HasNextPage, wantLen, wantNext)
					}
					if page > 0 && !conn.PageInfo.HasPreviousPage {
						t.Errorf("page %d: hasPreviousPage false after a cursor", page)
					}
					got = append(got, docIDs(conn.Nodes())...)
					if !conn.PageInfo.HasNextPage || page > 10 {
						break
					}
					after = conn.PageInfo.EndCursor
				}
				sameOrder(t, got, want, "45 notes by %s, 10 per page", name)
				sameSet(t, got, ids, "45 notes by %s, each exactly once", name)
				if o.Field == graph.OrderTitle {
					var chain []string
					for _, id := range got {
						if slices.Contains(chainTitles, titleOf[id]) {
							chain = append(chain, titleOf[id])
						}
					}
					wantChain := slices.Clone(chainTitles)
					if o.Desc {
						slices.Reverse(wantChain)
					}
					sameOrder(t, chain, wantChain, "titles with accents and capitals, %s", name)
				}
			})
		}

		t.Run("DefaultAndMaxFirst", func(t *testing.T) {
			f := f.on(t)
			conn, err := f.s.ListDocuments(f.anon(), graph.DocumentFilter{}, byCreation, graph.Page{})
			f.must(err, "first 0")
			if len(conn.Edges) != graph.DefaultFirst || !conn.PageInfo.HasNextPage || conn.TotalCount != 45 {
				t.Errorf("first 0: %d edges, hasNextPage %v, TotalCount %d; want %d, true, 45", len(conn.Edges), conn.PageInfo.HasNextPage, conn.TotalCount, graph.DefaultFirst)
			}
			conn, err = f.s.ListDocuments(f.anon(), graph.DocumentFilter{}, byCreation, graph.Page{First: graph.MaxFirst})
			f.must(err, "first MaxFirst")
			if len(conn.Edges) != 45 || conn.PageInfo.HasNextPage {
				t.Errorf("first MaxFirst: %d edges, hasNextPage %v; want 45, false", len(conn.Edges), conn.PageInfo.HasNextPage)
			}
			for _, first := range []int{graph.MaxFirst + 1, 1000, -1} {
				_, err := f.s.ListDocuments(f.anon(), graph.DocumentFilter{}, byCreation, graph.Page{First: first})
				wantCode(t, err, graph.EINVALID, "ListDocuments with first %d", first)
			}
			last, err := f.s.ListDocuments(f.anon(), graph.DocumentFilter{}, byCreation, graph.Page{First: 45})
			f.must(err, "first 45")
			end, err := f.s.ListDocuments(f.anon(), graph.DocumentFilter{}, byCreation, graph.Page{First: 10, After: last.PageInfo.EndCursor})
			f.must(err, "after the last item")
			if len(end.Edges) != 0 || end.PageInfo.HasNextPage || end.TotalCount != 45 {
				t.Errorf("after the last item: %d edges, hasNextPage %v, TotalCount %d", len(end.Edges), end.PageInfo.HasNextPage, end.TotalCount)
			}
		})

		t.Run("GarbageCursor", func(t *testing.T) {
			f := f.on(t)
			b64 := base64.RawURLEncoding.EncodeToString
			for _, after := range []string{
				"garbage!!", "%%%", b64([]byte("not json")), b64([]byte("{}")), b64([]byte(`{"k":"x"}`)),
				b64([]byte(`{"k":"x","i":"y","z":1}`)), b64([]byte(`[1,2]`)), strings.Repeat("A", 5000),
			} {
				_, err := f.s.ListDocuments(f.anon(), graph.DocumentFilter{}, byCreation, graph.Page{First: 10, After: after})
				wantCode(t, err, graph.EINVALID, "ListDocuments after %.40q", after)
			}
		})
	})

	t.Run("CursorOfDeletedItemResumes", func(t *testing.T) {
		for _, o := range []graph.DocumentOrder{{Field: graph.OrderCreatedAt}, {Field: graph.OrderTitle, Desc: true}} {
			t.Run(string(o.Field), func(t *testing.T) {
				f := newFixture(t, newStore)
				var docs []*graph.Document
				for _, title := range paginationTitles() {
					docs = append(docs, f.doc(graph.Document{Title: title}))
				}
				want := expectedOrder(docs, o)
				byID := map[string]*graph.Document{}
				for _, d := range docs {
					byID[d.ID] = d
				}
				page, err := f.s.ListDocuments(f.anon(), graph.DocumentFilter{}, o, graph.Page{First: 10})
				f.must(err, "first page")
				sameOrder(t, docIDs(page.Nodes()), want[:10], "first page")
				// Delete the item the end cursor points at, and the next one.
				for _, id := range want[9:11] {
					f.must(f.s.DeleteDocument(f.sys(), id, byID[id].Version), "delete %s", id)
				}
				rest, total := pageAllFrom(t, 10, page.PageInfo.EndCursor, func(p graph.Page) (*graph.Connection[*graph.Document], error) {
					return f.s.ListDocuments(f.anon(), graph.DocumentFilter{}, o, p)
				}, "resume after a deleted item")
				sameOrder(t, docIDs(rest), want[11:], "items after the deleted cursor")
				if total != 43 {
					t.Errorf("TotalCount %d after two deletions, want 43", total)
				}
			})
		}
	})

	t.Run("UpdatedAtAndPublishedAt", func(t *testing.T) {
		f := newFixture(t, newStore)
		var ids []string
		for i := range 8 {
			d := graph.Document{Title: fmt.Sprintf("N%d", i)}
			if i%3 != 0 {
				d.PublishedAt = ptr(published.Add(time.Duration(7-i) * time.Hour))
			}
			ids = append(ids, f.doc(d).ID)
		}
		for _, i := range []int{5, 1, 3} {
			d := f.reread(ids[i])
			_, err := f.s.UpdateDocument(f.sys(), d.ID, graph.DocumentUpdate{Version: d.Version, Body: ptr("modifié")})
			f.must(err, "update")
		}
		docs, err := f.s.Documents(f.sys(), ids)
		f.must(err, "Documents")
		for _, o := range []graph.DocumentOrder{
			{Field: graph.OrderUpdatedAt}, {Field: graph.OrderUpdatedAt, Desc: true},
			{Field: graph.OrderPublishedAt}, {Field: graph.OrderPublishedAt, Desc: true},
		} {
			got, _ := f.listDocs(f.anon(), graph.DocumentFilter{}, o, 3)
			sameOrder(t, docIDs(got), expectedOrder(docs, o), "order %+v, 3 per page", o)
		}
	})
}

// testFilters checks each DocumentFilter field on a small graph, as the
// system (visibility is the Visibility test's business).
func testFilters(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	f.contributor("a")
	f.contributor("b")
	f.community("c")
	f.carnet("k", "x", "y")
	f.doc(graph.Document{ID: "n1", Language: "fr"}, "a")
	f.doc(graph.Document{ID: "n2", Language: "en"}, "b")
	f.doc(graph.Document{ID: "n3", Language: "fr", Visibility: graph.VisibilityCommunity}, "a", "b")
	f.doc(graph.Document{ID: "n4", Language: "fr", Visibility: graph.VisibilityPrivate}, "b")
	f.doc(graph.Document{ID: "t", Kind: graph.KindTerm, Language: "fr"}, "a")
	f.doc(graph.Document{ID: "t2", Kind: graph.KindTerm, Language: "en"}, "b")
	f.doc(graph.Document{ID: "o", Kind: graph.KindOrganisation, Language: "fr"}, "b")
	for _, l := range []graph.Link{
		{Relation: graph.RelInCarnet, From: "n1", To: "k", Category: "x"},
		{Relation: graph.RelInCarnet, From: "n2", To: "k", Category: "y"},
		{Relation: graph.RelInCarnet, From: "t", To: "k", Category: "x"},
		{Relation: graph.RelOfCommunity, From: "n1", To: "c"},
		{Relation: graph.RelOfCommunity, From: "n3", To: "c"},
		{Relation: graph.RelOfCommunity, From: "o", To: "c"},
		{Relation: graph.RelOfCommunity, From: "k", To: "c"},
		{Relation: graph.RelMentions, From: "n1", To: "t"},
		{Relation: graph.RelMentions, From: "n3", To: "t"},
		{Relation: graph.RelMentions, From: "t2", To: "t"},
		{Relation: graph.RelMentions, From: "o", To: "t"},
		{Relation: graph.RelConcerns, From: "n2", To: "o"},
		{Relation: graph.RelConcerns, From: "n3", To: "o"},
		{Relation: graph.RelLinksTo, From: "n4", To: "n1"},
	} {
		f.linkL(l)
	}
	cases := []struct {
		name   string
		filter graph.DocumentFilter
		want   []string
	}{
		{"none", graph.DocumentFilter{}, []string{"n1", "n2", "n3", "n4", "t", "t2", "o"}},
		{"kind Note", graph.DocumentFilter{Kinds: []graph.Kind{graph.KindNote}}, []string{"n1", "n2", "n3", "n4"}},
		{"kind Term", graph.DocumentFilter{Kinds: []graph.Kind{graph.KindTerm}}, []string{"t", "t2"}},
		{"kinds Term and Organisation", graph.DocumentFilter{Kinds: []graph.Kind{graph.KindTerm, graph.KindOrganisation}}, []string{"t", "t2", "o"}},
		{"language en", graph.DocumentFilter{Language: "en"}, []string{"n2", "t2"}},
		{"language fr", graph.DocumentFilter{Language: "fr"}, []string{"n1", "n3", "n4", "t", "o"}},
		{"visibility PUBLIC", graph.DocumentFilter{Visibility: graph.VisibilityPublic}, []string{"n1", "n2", "t", "t2", "o"}},
		{"visibility COMMUNITY", graph.DocumentFilter{Visibility: graph.VisibilityCommunity}, []string{"n3"}},
		{"visibility PRIVATE", graph.DocumentFilter{Visibility: graph.VisibilityPrivate}, []string{"n4"}},
		{"author a", graph.DocumentFilter{AuthorID: "a"}, []string{"n1", "n3", "t"}},
		{"author b", graph.DocumentFilter{AuthorID: "b"}, []string{"n2", "n3", "n4", "t2", "o"}},
		{"carnet k", graph.DocumentFilter{CarnetID: "k"}, []string{"n1", "n2", "t"}},
		{"carnet k category x", graph.DocumentFilter{CarnetID: "k", Category: "x"}, []string{"n1", "t"}},
		{"carnet k category y", graph.DocumentFilter{CarnetID: "k", Category: "y"}, []string{"n2"}},
		{"community c", graph.DocumentFilter{CommunityID: "c"}, []string{"n1", "n3", "o"}},
		{"term t", graph.DocumentFilter{TermID: "t"}, []string{"n1", "n3", "t2", "o"}},
		{"organisation o", graph.DocumentFilter{OrganisationID: "o"}, []string{"n2", "n3"}},
		{"note fr by b", graph.DocumentFilter{Kinds: []graph.Kind{graph.KindNote}, Language: "fr", AuthorID: "b"}, []string{"n3", "n4"}},
		{"community c and term t", graph.DocumentFilter{CommunityID: "c", TermID: "t"}, []string{"n1", "n3", "o"}},
		{"carnet k and organisation o", graph.DocumentFilter{CarnetID: "k", OrganisationID: "o"}, []string{"n2"}},
		{"unknown author", graph.DocumentFilter{AuthorID: "personne"}, nil},
		{"unknown carnet", graph.DocumentFilter{CarnetID: "nulle-part"}, nil},
		{"term that is a note", graph.DocumentFilter{TermID: "n1"}, nil},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			f := f.on(t)
			got, total := f.listDocs(f.sys(), tc.filter, byCreation, 2)
			sameSet(t, docIDs(got), tc.want, "filter %s", tc.name)
			if total != len(tc.want) {
				t.Errorf("filter %s: TotalCount %d, want %d", tc.name, total, len(tc.want))
			}
		})
	}
}
