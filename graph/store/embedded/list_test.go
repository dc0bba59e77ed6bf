package embedded

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

func TestListDocumentsOrderAndPages(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	titles := []string{"Économie", "abeille", "Zèbre", "éducation", "Arbre", "banque", "Cité"}
	var docs []*graph.Document
	for i, title := range titles {
		pub := time.Date(2024, 1, 10-i, 0, 0, 0, 0, time.UTC)
		d := graph.Document{ID: fmt.Sprintf("d%d", i), Kind: graph.KindNote, Title: title, Language: "fr",
			Visibility: graph.VisibilityPublic}
		if i%2 == 0 {
			d.PublishedAt = &pub
		}
		docs = append(docs, must(s.CreateDocument(sys, d, nil)))
	}
	docs[3] = must(s.UpdateDocument(sys, "d3", graph.DocumentUpdate{Version: 1, Body: ptr("neuf")}))
	for _, field := range headOrders {
		for _, desc := range []bool{false, true} {
			o := graph.DocumentOrder{Field: field, Desc: desc}
			want := slices.Clone(docs)
			slices.SortStableFunc(want, func(a, b *graph.Document) int {
				c := graph.Cursor{Key: o.SortKey(a), ID: a.ID}.Compare(graph.Cursor{Key: o.SortKey(b), ID: b.ID})
				if desc {
					return -c
				}
				return c
			})
			var got []string
			after := ""
			for {
				conn := must(s.ListDocuments(anon, graph.DocumentFilter{}, o, graph.Page{First: 3, After: after}))
				if conn.TotalCount != len(docs) {
					t.Errorf("%v: TotalCount %d", o, conn.TotalCount)
				}
				for _, d := range conn.Nodes() {
					got = append(got, d.ID)
				}
				if !conn.PageInfo.HasNextPage {
					break
				}
				after = conn.PageInfo.EndCursor
			}
			if w := docIDs(want); !slices.Equal(got, w) {
				t.Errorf("%+v: got %q, want %q", o, got, w)
			}
		}
	}
}

func docIDs(ds []*graph.Document) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func TestListDocumentsFilters(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	mkContributor(t, s, "bob")
	must(s.Carnets().Create(sys, graph.Carnet{ID: "c", Title: "C", Categories: []string{"x", "y"}}))
	must(s.Communities().Create(sys, graph.Community{ID: "m", Name: "M"}))
	must(s.CreateDocument(sys, graph.Document{ID: "t", Kind: graph.KindTerm, Title: "T", Visibility: graph.VisibilityPublic}, nil))
	must(s.CreateDocument(sys, graph.Document{ID: "o", Kind: graph.KindOrganisation, Title: "O", Visibility: graph.VisibilityPublic, Language: "en"}, []string{"bob"}))
	mkNote(t, s, "n1", graph.VisibilityPublic, "ana")
	mkNote(t, s, "n2", graph.VisibilityPublic, "ana", "bob")
	mkNote(t, s, "n3", graph.VisibilityCommunity, "bob")
	must(s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: "n1", To: "c", Category: "x"}))
	must(s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: "n2", To: "c", Category: "y"}))
	must(s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: "t", To: "c"}))
	mkLink(t, s, graph.RelOfCommunity, "n3", "m")
	mkLink(t, s, graph.RelOfCommunity, "n2", "m")
	mkLink(t, s, graph.RelMentions, "n1", "t")
	mkLink(t, s, graph.RelMentions, "o", "t")
	mkLink(t, s, graph.RelConcerns, "n3", "o")
	cases := []struct {
		f    graph.DocumentFilter
		want []string
	}{
		{graph.DocumentFilter{}, []string{"t", "o", "n1", "n2", "n3"}},
		{graph.DocumentFilter{Kinds: []graph.Kind{graph.KindTerm, graph.KindOrganisation}}, []string{"t", "o"}},
		{graph.DocumentFilter{Language: "EN"}, []string{"o"}},
		{graph.DocumentFilter{Visibility: graph.VisibilityCommunity}, []string{"n3"}},
		{graph.DocumentFilter{AuthorID: "bob"}, []string{"o", "n2", "n3"}},
		{graph.DocumentFilter{AuthorID: "bob", Kinds: []graph.Kind{graph.KindNote}}, []string{"n2", "n3"}},
		{graph.DocumentFilter{CarnetID: "c"}, []string{"t", "n1", "n2"}},
		{graph.DocumentFilter{CarnetID: "c", Category: "y"}, []string{"n2"}},
		{graph.DocumentFilter{CommunityID: "m"}, []string{"n2", "n3"}},
		{graph.DocumentFilter{CommunityID: "m", AuthorID: "ana"}, []string{"n2"}},
		{graph.DocumentFilter{TermID: "t"}, []string{"o", "n1"}},
		{graph.DocumentFilter{OrganisationID: "o"}, []string{"n3"}},
		{graph.DocumentFilter{AuthorID: "personne"}, nil},
		{graph.DocumentFilter{TermID: "n1"}, nil},
	}
	for _, tc := range cases {
		conn := must(s.ListDocuments(sys, tc.f, graph.DocumentOrder{}, graph.Page{}))
		if got := docIDs(conn.Nodes()); !slices.Equal(got, tc.want) || conn.TotalCount != len(tc.want) {
			t.Errorf("%+v: got %q (total %d), want %q", tc.f, got, conn.TotalCount, tc.want)
		}
	}
	// bob reads his community note; ana does not.
	for who, want := range map[string]int{"bob": 2, "ana": 1} {
		conn := must(s.ListDocuments(asC(who), graph.DocumentFilter{CommunityID: "m"}, graph.DocumentOrder{}, graph.Page{}))
		if conn.TotalCount != want {
			t.Errorf("%s sees %d of the community's documents, want %d", who, conn.TotalCount, want)
		}
	}
}

func TestCarnetPositionsAndCategories(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	must(s.Carnets().Create(sys, graph.Carnet{ID: "c", Title: "C", Categories: []string{"x", "y"}}))
	for _, id := range []string{"a", "b", "d"} {
		mkNote(t, s, id, graph.VisibilityPublic)
	}
	must(s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: "a", To: "c", Category: "x"}))
	must(s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: "b", To: "c", Position: 10}))
	l := must(s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: "d", To: "c", Category: "y"}))
	if l.Position != 11 {
		t.Errorf("default position %d, want 11", l.Position)
	}
	// Re-linking updates in place and keeps the position when none is given.
	seq := lastSeq(t, s)
	l = must(s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: "a", To: "c", Category: "y"}))
	if l.Position != 1 || l.Category != "y" {
		t.Errorf("updated link %+v", l)
	}
	if lastSeq(t, s) != seq+1 {
		t.Errorf("updating a link appended %d changes, want 1", lastSeq(t, s)-seq)
	}
	var order []string
	for _, e := range must(s.Neighbours(anon, "c", graph.RelInCarnet, graph.In, graph.Page{})).Nodes() {
		order = append(order, e.From)
	}
	if !slices.Equal(order, []string{"a", "b", "d"}) {
		t.Errorf("carnet order %q", order)
	}
	_, err := s.Carnets().Update(sys, "c", graph.CarnetUpdate{Version: 1, Categories: &[]string{"x"}})
	wantCode(t, err, graph.ECONFLICT, "remove a used category")
	c := must(s.Carnets().Update(sys, "c", graph.CarnetUpdate{Version: 1, Categories: &[]string{"y", "z"}}))
	if c.Version != 2 || !slices.Equal(c.Categories, []string{"y", "z"}) {
		t.Errorf("carnet after update %+v", c)
	}
	wantCode(t, s.Unlink(sys, graph.RelInCarnet, "b", "zzz"), graph.ENOTFOUND, "unlink from a missing node")
	ok(t, s.Unlink(sys, graph.RelInCarnet, "b", "c"))
	wantCode(t, s.Unlink(sys, graph.RelInCarnet, "b", "c"), graph.ENOTFOUND, "unlink twice")
}

func TestLinksBothDirections(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for _, id := range []string{"a", "b", "c"} {
		mkNote(t, s, id, graph.VisibilityPublic)
	}
	mkLink(t, s, graph.RelLinksTo, "a", "b")
	mkLink(t, s, graph.RelLinksTo, "b", "c")
	m := must(s.Links(anon, []string{"b", "a", "nobody"}, graph.RelLinksTo, graph.Both))
	if len(m["b"]) != 2 || len(m["a"]) != 1 || len(m["nobody"]) != 0 {
		t.Errorf("Links = %+v", m)
	}
	back := must(s.Links(anon, []string{"c"}, graph.RelLinksTo, graph.In))["c"]
	if len(back) != 1 || back[0].From != "b" || back[0].FromKind != graph.KindNote || back[0].CreatedAt.IsZero() {
		t.Errorf("backlinks of c = %+v", back)
	}
	_, err := s.Link(sys, graph.Link{Relation: graph.RelLinksTo, From: "a", To: "a"})
	wantCode(t, err, graph.EINVALID, "self link")
}

func TestSortIndexFollowsWrites(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for _, id := range []string{"a", "b", "c"} {
		mkNote(t, s, id, graph.VisibilityPublic)
	}
	must(s.UpdateDocument(sys, "a", graph.DocumentUpdate{Version: 1, Title: ptr("Zut"), Visibility: ptr(graph.VisibilityPrivate)}))
	ok(t, s.DeleteDocument(sys, "b", 1))
	var entries int
	ok(t, s.db.View(func(tx *bbolt.Tx) error {
		entries = tx.Bucket(sortBucket(graph.KindNote)).Stats().KeyN
		return nil
	}))
	if entries != 2*len(headOrders) {
		t.Errorf("%d sort entries for 2 notes, want %d", entries, 2*len(headOrders))
	}
	byTitle := must(s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{Field: graph.OrderTitle}, graph.Page{}))
	if got := docIDs(byTitle.Nodes()); !slices.Equal(got, []string{"c", "a"}) {
		t.Errorf("by title %q", got)
	}
	if n := must(s.ListDocuments(anon, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{})).TotalCount; n != 1 {
		t.Errorf("anonymous sees %d notes, want 1 after a became private", n)
	}
}

func TestImportKeepsDates(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	montreal := time.FixedZone("EST", -5*3600)
	created := time.Date(2019, 3, 4, 5, 6, 7, 8, montreal)
	published := time.Date(2019, 4, 1, 0, 0, 0, 0, montreal)
	d := must(s.CreateDocument(sys, graph.Document{Kind: graph.KindNote, Title: "Ancienne", Visibility: graph.VisibilityPublic,
		CreatedAt: created, PublishedAt: &published}, nil))
	got := must(s.Document(sys, d.ID))
	if !got.CreatedAt.Equal(created) || got.CreatedAt.Location() != time.UTC || !got.UpdatedAt.Equal(created) ||
		!got.PublishedAt.Equal(published) || got.PublishedAt.Location() != time.UTC {
		t.Errorf("imported dates: created %v updated %v published %v", got.CreatedAt, got.UpdatedAt, got.PublishedAt)
	}
}

func TestDamagedRecordIsAnErrorNotAPanic(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkNote(t, s, "n", graph.VisibilityPublic)
	ok(t, s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(recordBucket(graph.KindNote)).Put([]byte("n"), []byte{recordFormat, 0xff, 0xff, 0xff})
	}))
	_, err := s.Document(sys, "n")
	if graph.ErrorCode(err) != graph.EINTERNAL {
		t.Errorf("damaged record: %v, want an internal error", err)
	}
	if graph.ErrorMessage(err) != "internal error" {
		t.Errorf("damaged record leaks %q", graph.ErrorMessage(err))
	}
}
