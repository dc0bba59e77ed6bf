package storetest

import (
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

func testValidation(t *testing.T, newStore factory) {
	valid := func() graph.Document {
		return graph.Document{Kind: graph.KindNote, Title: "Une note", Body: "Corps", Language: "fr", Visibility: graph.VisibilityPublic}
	}

	t.Run("CreateDocument", func(t *testing.T) {
		cases := []struct {
			name   string
			modify func(*graph.Document)
		}{
			{"empty title", func(d *graph.Document) { d.Title = "" }},
			{"blank title", func(d *graph.Document) { d.Title = " \t\n" }},
			{"title too long", func(d *graph.Document) { d.Title = strings.Repeat("é", graph.MaxTitleLen/2+1) }},
			{"body too long", func(d *graph.Document) { d.Body = strings.Repeat("x", graph.MaxBodyLen+1) }},
			{"summary too long", func(d *graph.Document) { d.Summary = strings.Repeat("x", graph.MaxSummaryLen+1) }},
			{"invalid UTF-8 title", func(d *graph.Document) { d.Title = "Titre \xff" }},
			{"invalid UTF-8 body", func(d *graph.Document) { d.Body = "corps \xc3\x28" }},
			{"invalid UTF-8 summary", func(d *graph.Document) { d.Summary = "\xed\xa0\x80" }},
			{"bad id: capitals and space", func(d *graph.Document) { d.ID = "Pas Valide" }},
			{"bad id: path", func(d *graph.Document) { d.ID = "../etc" }},
			{"bad id: too long", func(d *graph.Document) { d.ID = strings.Repeat("a", 65) }},
			{"bad id: leading dash", func(d *graph.Document) { d.ID = "-x" }},
			{"empty visibility", func(d *graph.Document) { d.Visibility = "" }},
			{"unknown visibility", func(d *graph.Document) { d.Visibility = "SECRET" }},
			{"lower-case visibility", func(d *graph.Document) { d.Visibility = "public" }},
			{"empty kind", func(d *graph.Document) { d.Kind = "" }},
			{"kind that is not a document", func(d *graph.Document) { d.Kind = graph.KindContributor }},
			{"definition on a note", func(d *graph.Document) { d.Definition = "Une définition" }},
			{"definition on an organisation", func(d *graph.Document) { d.Kind = graph.KindOrganisation; d.Definition = "Une définition" }},
			{"website on a note", func(d *graph.Document) { d.Website = "https://example.org" }},
			{"sector on a term", func(d *graph.Document) { d.Kind = graph.KindTerm; d.Sector = "health" }},
			{"empty alias", func(d *graph.Document) { d.Kind = graph.KindTerm; d.Aliases = []string{"ok", ""} }},
			{"too many aliases", func(d *graph.Document) {
				d.Kind = graph.KindTerm
				for range graph.MaxAliases + 1 {
					d.Aliases = append(d.Aliases, "alias")
				}
			}},
		}
		setup := func(t *testing.T) *fixture {
			f := newFixture(t, newStore)
			f.contributor("ctb-a")
			f.note("existante", graph.VisibilityPublic, "ctb-a")
			return f
		}
		for _, tc := range cases {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				f := setup(t)
				d := valid()
				tc.modify(&d)
				before := f.state()
				_, err := f.s.CreateDocument(f.asC("ctb-a"), d, nil)
				wantCode(t, err, graph.EINVALID, "create with %s", tc.name)
				f.wantState(before, "create with %s", tc.name)
			})
		}
		t.Run("limits_themselves_are_accepted", func(t *testing.T) {
			f := setup(t)
			d := valid()
			d.Title = strings.Repeat("t", graph.MaxTitleLen)
			d.Body = strings.Repeat("b", graph.MaxBodyLen)
			d.Summary = strings.Repeat("s", graph.MaxSummaryLen)
			d.ID = strings.Repeat("z", 64)
			got, err := f.s.CreateDocument(f.asC("ctb-a"), d, nil)
			f.must(err, "create at the limits")
			if r := f.reread(got.ID); len(r.Body) != graph.MaxBodyLen || r.Title != d.Title {
				t.Errorf("document at the limits stored with a %d-byte body", len(r.Body))
			}
		})
	})

	t.Run("UpdateDocument", func(t *testing.T) {
		cases := []struct {
			name string
			u    graph.DocumentUpdate
		}{
			{"empty title", graph.DocumentUpdate{Title: ptr("")}},
			{"body too long", graph.DocumentUpdate{Body: ptr(strings.Repeat("x", graph.MaxBodyLen+1))}},
			{"invalid UTF-8 body", graph.DocumentUpdate{Body: ptr("\xff")}},
			{"unknown visibility", graph.DocumentUpdate{Visibility: ptr(graph.Visibility("SECRET"))}},
			{"empty visibility", graph.DocumentUpdate{Visibility: ptr(graph.Visibility(""))}},
			{"definition on a note", graph.DocumentUpdate{Definition: ptr("Une définition")}},
			{"website on a note", graph.DocumentUpdate{Website: ptr("https://example.org")}},
			{"valid title with an invalid body", graph.DocumentUpdate{Title: ptr("Nouveau titre"), Body: ptr("\xc3")}},
		}
		for _, tc := range cases {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				f := newFixture(t, newStore)
				f.contributor("ctb-a")
				d := f.note("cible", graph.VisibilityPublic, "ctb-a")
				tc.u.Version = d.Version
				before := f.state()
				_, err := f.s.UpdateDocument(f.asC("ctb-a"), d.ID, tc.u)
				wantCode(t, err, graph.EINVALID, "update with %s", tc.name)
				f.wantState(before, "update with %s", tc.name)
				wantDocument(t, f.reread(d.ID), d, "document after an update with %s", tc.name)
			})
		}
	})

	t.Run("Link", func(t *testing.T) {
		all := []string{"ctb-a", "c", "k", "b", "n1", "n2", "t", "o"}
		setup := func(t *testing.T) *fixture {
			f := newFixture(t, newStore)
			f.contributor("ctb-a")
			f.community("c")
			f.carnet("k", "Pratiques")
			f.knowledgeBase("b")
			f.note("n1", graph.VisibilityPublic, "ctb-a")
			f.note("n2", graph.VisibilityPublic, "ctb-a")
			f.term("t", "ctb-a")
			f.organisation("o", "ctb-a")
			f.link(graph.RelLinksTo, "n2", "n1")
			return f
		}
		cases := []struct {
			name string
			l    graph.Link
		}{
			{"LINKS_TO note to term", graph.Link{Relation: graph.RelLinksTo, From: "n1", To: "t"}},
			{"LINKS_TO term to note", graph.Link{Relation: graph.RelLinksTo, From: "t", To: "n1"}},
			{"MENTIONS note to organisation", graph.Link{Relation: graph.RelMentions, From: "n1", To: "o"}},
			{"CONCERNS note to term", graph.Link{Relation: graph.RelConcerns, From: "n1", To: "t"}},
			{"IN_CARNET note to community", graph.Link{Relation: graph.RelInCarnet, From: "n1", To: "c"}},
			{"IN_BASE note to base", graph.Link{Relation: graph.RelInBase, From: "n1", To: "b"}},
			{"OF_COMMUNITY contributor to community", graph.Link{Relation: graph.RelOfCommunity, From: "ctb-a", To: "c"}},
			{"MEMBER_OF note to community", graph.Link{Relation: graph.RelMemberOf, From: "n1", To: "c"}},
			{"AFFILIATED_WITH contributor to note", graph.Link{Relation: graph.RelAffiliatedWith, From: "ctb-a", To: "n1"}},
			{"AUTHORED from a note", graph.Link{Relation: graph.RelAuthored, From: "n1", To: "n2"}},
			{"BROADER note to term", graph.Link{Relation: graph.RelBroader, From: "n1", To: "t"}},
			{"unknown relation", graph.Link{Relation: "FOLLOWS", From: "n1", To: "n2"}},
			{"empty relation", graph.Link{Relation: "", From: "n1", To: "n2"}},
			{"lower-case relation", graph.Link{Relation: "links_to", From: "n1", To: "n2"}},
			{"self-link", graph.Link{Relation: graph.RelLinksTo, From: "n1", To: "n1"}},
			{"IN_CARNET with a category not in the carnet", graph.Link{Relation: graph.RelInCarnet, From: "n1", To: "k", Category: "Inconnue"}},
			{"IN_CARNET with a negative position", graph.Link{Relation: graph.RelInCarnet, From: "n1", To: "k", Category: "Pratiques", Position: -1}},
			{"role on LINKS_TO", graph.Link{Relation: graph.RelLinksTo, From: "n1", To: "n2", Role: graph.AuthorRoleAuthor}},
			{"category on LINKS_TO", graph.Link{Relation: graph.RelLinksTo, From: "n1", To: "n2", Category: "Pratiques"}},
			{"position on MENTIONS", graph.Link{Relation: graph.RelMentions, From: "n1", To: "t", Position: 3}},
			{"unknown author role", graph.Link{Relation: graph.RelAuthored, From: "ctb-a", To: "n1", Role: "BOSS"}},
		}
		for _, tc := range cases {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				f := setup(t)
				before, linksBefore := f.state(), f.allLinks(all)
				_, err := f.s.Link(f.sys(), tc.l)
				wantCode(t, err, graph.EINVALID, "link with %s", tc.name)
				f.wantState(before, "link with %s", tc.name)
				sameSet(t, f.allLinks(all), linksBefore, "links after a link with %s", tc.name)
			})
		}
	})

	t.Run("LinkQueries", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.note("n", graph.VisibilityPublic)
		_, err := f.s.Links(f.anon(), []string{"n"}, "FOLLOWS", graph.Out)
		wantCode(t, err, graph.EINVALID, "Links with an unknown relation")
		_, err = f.s.Links(f.anon(), []string{"n"}, graph.RelLinksTo, "SIDEWAYS")
		wantCode(t, err, graph.EINVALID, "Links with an unknown direction")
		_, err = f.s.Neighbours(f.anon(), "n", "FOLLOWS", graph.Out, graph.Page{})
		wantCode(t, err, graph.EINVALID, "Neighbours with an unknown relation")
		_, err = f.s.Neighbours(f.anon(), "n", graph.RelLinksTo, "", graph.Page{})
		wantCode(t, err, graph.EINVALID, "Neighbours with an empty direction")
		ok := graph.LinkSelection{ID: "n", Relation: graph.RelLinksTo, Direction: graph.Out}
		_, err = f.s.LinksOf(f.anon(), []graph.LinkSelection{ok, {ID: "n", Relation: "FOLLOWS", Direction: graph.Out}})
		wantCode(t, err, graph.EINVALID, "LinksOf with an unknown relation")
		_, err = f.s.LinksOf(f.anon(), []graph.LinkSelection{ok, {ID: "n", Relation: graph.RelLinksTo}})
		wantCode(t, err, graph.EINVALID, "LinksOf with an empty direction")
	})
}
