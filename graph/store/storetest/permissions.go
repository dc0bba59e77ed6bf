package storetest

import (
	"testing"

	"github.com/encommun/maillage/graph"
)

func testPermissions(t *testing.T, newStore factory) {
	newNote := graph.Document{Kind: graph.KindNote, Title: "Nouvelle note", Language: "fr", Visibility: graph.VisibilityPublic}

	t.Run("AnonymousCannotCreate", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("a")
		for _, vc := range []viewerCase{{name: "anonymous", v: anonymous}, {name: "no_viewer_in_context", bare: true}} {
			before := f.state()
			_, err := f.s.CreateDocument(f.ctxFor(vc), newNote, nil)
			wantCode(t, err, graph.EUNAUTHENTICATED, "%s creates a document", vc.name)
			_, err = f.s.CreateDocument(f.ctxFor(vc), newNote, []string{"a"})
			wantCode(t, err, graph.EUNAUTHENTICATED, "%s creates a document naming an author", vc.name)
			f.wantState(before, "%s creating", vc.name)
		}
	})

	t.Run("SignedInWithoutProfileCannotCreate", func(t *testing.T) {
		f := newFixture(t, newStore)
		for _, v := range []graph.Viewer{researcher, {Role: graph.RoleContributor}} {
			before := f.state()
			_, err := f.s.CreateDocument(f.as(v), newNote, nil)
			wantCode(t, err, graph.EFORBIDDEN, "%s without a contributor creates a document", v.Role)
			f.wantState(before, "creating without a profile")
		}
	})

	t.Run("NamingOtherAuthors", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("a")
		f.contributor("x")
		for _, authors := range [][]string{{"a"}, {"x", "a"}} {
			before := f.state()
			_, err := f.s.CreateDocument(f.asC("x"), newNote, authors)
			wantCode(t, err, graph.EFORBIDDEN, "a contributor names authors %q", authors)
			f.wantState(before, "naming other authors")
		}
		d, err := f.s.CreateDocument(f.asC("x"), newNote, []string{"x"})
		f.must(err, "a contributor names themself")
		sameSet(t, f.linkKeys(f.sys(), d.ID, graph.RelAuthored, graph.In), []string{"AUTHORED x->" + d.ID}, "authors")
		d, err = f.s.CreateDocument(f.as(curator), newNote, []string{"a", "x"})
		f.must(err, "a curator names authors")
		sameSet(t, f.linkKeys(f.sys(), d.ID, graph.RelAuthored, graph.In), []string{"AUTHORED a->" + d.ID, "AUTHORED x->" + d.ID}, "authors named by a curator")
	})

	t.Run("EditingDocuments", func(t *testing.T) {
		f := newFixture(t, newStore)
		for _, c := range []string{"a", "b", "x"} {
			f.contributor(c)
		}
		d := f.note("n", graph.VisibilityPublic, "a", "b")
		before := f.state()
		_, err := f.s.UpdateDocument(f.asC("x"), "n", graph.DocumentUpdate{Version: d.Version, Title: ptr("Pris")})
		wantCode(t, err, graph.EFORBIDDEN, "a contributor updates someone else's document")
		err = f.s.DeleteDocument(f.asC("x"), "n", d.Version)
		wantCode(t, err, graph.EFORBIDDEN, "a contributor deletes someone else's document")
		_, err = f.s.UpdateDocument(f.as(researcher), "n", graph.DocumentUpdate{Version: d.Version, Title: ptr("Pris")})
		wantCode(t, err, graph.EFORBIDDEN, "a researcher updates a document")
		for _, vc := range []viewerCase{{name: "anonymous", v: anonymous}, {name: "no_viewer_in_context", bare: true}} {
			_, err = f.s.UpdateDocument(f.ctxFor(vc), "n", graph.DocumentUpdate{Version: d.Version, Title: ptr("Pris")})
			wantCodeIn(t, err, []string{graph.EUNAUTHENTICATED, graph.EFORBIDDEN}, "%s updates a public document", vc.name)
			err = f.s.DeleteDocument(f.ctxFor(vc), "n", d.Version)
			wantCodeIn(t, err, []string{graph.EUNAUTHENTICATED, graph.EFORBIDDEN}, "%s deletes a public document", vc.name)
		}
		f.wantState(before, "refused edits")
		wantDocument(t, f.reread("n"), d, "document after refused edits")

		for i, v := range []graph.Viewer{contributorViewer("a"), contributorViewer("b"), curator, admin} {
			cur := f.reread("n")
			title := "Titre " + string(rune('A'+i))
			got, err := f.s.UpdateDocument(f.as(v), "n", graph.DocumentUpdate{Version: cur.Version, Title: &title})
			if err != nil {
				t.Errorf("%+v may update the document: %v", v, err)
				continue
			}
			if got.Title != title || got.Version != cur.Version+1 {
				t.Errorf("%+v updated: title %q version %d", v, got.Title, got.Version)
			}
		}
		p := f.note("p", graph.VisibilityPrivate, "a")
		if _, err := f.s.UpdateDocument(f.as(curator), "p", graph.DocumentUpdate{Version: p.Version, Body: ptr("modéré")}); err != nil {
			t.Errorf("a curator may update a private document: %v", err)
		}
		if err := f.s.DeleteDocument(f.asC("a"), "n", f.reread("n").Version); err != nil {
			t.Errorf("an author may delete their document: %v", err)
		}
		if err := f.s.DeleteDocument(f.as(curator), "p", f.reread("p").Version); err != nil {
			t.Errorf("a curator may delete a document: %v", err)
		}
	})

	t.Run("LinkingFromOthersDocuments", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("a")
		f.contributor("x")
		f.note("na", graph.VisibilityPublic, "a")
		f.note("nx", graph.VisibilityPublic, "x")
		f.term("t", "a")
		f.carnet("k", "cat")
		f.community("c")
		f.link(graph.RelLinksTo, "na", "nx")
		x := f.asC("x")
		before := f.state()
		for _, l := range []graph.Link{
			{Relation: graph.RelLinksTo, From: "na", To: "nx"},
			{Relation: graph.RelMentions, From: "na", To: "t"},
			{Relation: graph.RelInCarnet, From: "na", To: "k", Category: "cat"},
			{Relation: graph.RelOfCommunity, From: "na", To: "c"},
			{Relation: graph.RelAuthored, From: "x", To: "na", Role: graph.AuthorRoleAuthor},
		} {
			_, err := f.s.Link(x, l)
			wantCode(t, err, graph.EFORBIDDEN, "x links %s", linkKey(l))
		}
		err := f.s.Unlink(x, graph.RelLinksTo, "na", "nx")
		wantCode(t, err, graph.EFORBIDDEN, "x unlinks a's link")
		_, err = f.s.Link(f.anon(), graph.Link{Relation: graph.RelLinksTo, From: "nx", To: "na"})
		wantCodeIn(t, err, []string{graph.EUNAUTHENTICATED, graph.EFORBIDDEN}, "anonymous links")
		f.wantState(before, "refused links")
		sameSet(t, f.linkKeys(f.sys(), "na", graph.RelLinksTo, graph.Out), []string{"LINKS_TO na->nx"}, "a's link after refused writes")

		for _, l := range []graph.Link{
			{Relation: graph.RelLinksTo, From: "nx", To: "na"},
			{Relation: graph.RelMentions, From: "nx", To: "t"},
			{Relation: graph.RelInCarnet, From: "nx", To: "k", Category: "cat"},
		} {
			if _, err := f.s.Link(x, l); err != nil {
				t.Errorf("x may link from their own note: %s: %v", linkKey(l), err)
			}
		}
		if err := f.s.Unlink(x, graph.RelLinksTo, "nx", "na"); err != nil {
			t.Errorf("x may unlink from their own note: %v", err)
		}
		if _, err := f.s.Link(f.as(curator), graph.Link{Relation: graph.RelMentions, From: "na", To: "t"}); err != nil {
			t.Errorf("a curator may link anything: %v", err)
		}
	})

	t.Run("GroupsAreForCurators", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("x")
		k := f.carnet("k")
		c := f.community("c")
		b := f.knowledgeBase("b")
		for _, vc := range []viewerCase{{name: "contributor", v: contributorViewer("x")}, {name: "researcher", v: researcher}} {
			ctx := f.ctxFor(vc)
			before := f.state()
			_, err := f.s.Carnets().Create(ctx, graph.Carnet{Title: "K"})
			wantCode(t, err, graph.EFORBIDDEN, "%s creates a carnet", vc.name)
			_, err = f.s.Communities().Create(ctx, graph.Community{Name: "C"})
			wantCode(t, err, graph.EFORBIDDEN, "%s creates a community", vc.name)
			_, err = f.s.KnowledgeBases().Create(ctx, graph.KnowledgeBase{Name: "B"})
			wantCode(t, err, graph.EFORBIDDEN, "%s creates a knowledge base", vc.name)
			_, err = f.s.Carnets().Update(ctx, "k", graph.CarnetUpdate{Version: k.Version, Title: ptr("Pris")})
			wantCode(t, err, graph.EFORBIDDEN, "%s updates a carnet", vc.name)
			_, err = f.s.Communities().Update(ctx, "c", graph.GroupUpdate{Version: c.Version, Name: ptr("Pris")})
			wantCode(t, err, graph.EFORBIDDEN, "%s updates a community", vc.name)
			_, err = f.s.KnowledgeBases().Update(ctx, "b", graph.GroupUpdate{Version: b.Version, Name: ptr("Pris")})
			wantCode(t, err, graph.EFORBIDDEN, "%s updates a knowledge base", vc.name)
			wantCode(t, f.s.Carnets().Delete(ctx, "k", k.Version), graph.EFORBIDDEN, "%s deletes a carnet", vc.name)
			wantCode(t, f.s.Communities().Delete(ctx, "c", c.Version), graph.EFORBIDDEN, "%s deletes a community", vc.name)
			wantCode(t, f.s.KnowledgeBases().Delete(ctx, "b", b.Version), graph.EFORBIDDEN, "%s deletes a knowledge base", vc.name)
			_, err = f.s.Link(ctx, graph.Link{Relation: graph.RelInBase, From: "k", To: "b"})
			wantCode(t, err, graph.EFORBIDDEN, "%s puts a carnet in a base", vc.name)
			f.wantState(before, "%s writing groups", vc.name)
		}
		before := f.state()
		_, err := f.s.Carnets().Create(f.anon(), graph.Carnet{Title: "K"})
		wantCodeIn(t, err, []string{graph.EUNAUTHENTICATED, graph.EFORBIDDEN}, "anonymous creates a carnet")
		f.wantState(before, "anonymous writing groups")
		for _, v := range []graph.Viewer{curator, admin} {
			if _, err := f.s.Carnets().Create(f.as(v), graph.Carnet{Title: "K"}); err != nil {
				t.Errorf("%s may create a carnet: %v", v.Role, err)
			}
			if _, err := f.s.Communities().Create(f.as(v), graph.Community{Name: "C"}); err != nil {
				t.Errorf("%s may create a community: %v", v.Role, err)
			}
			if _, err := f.s.KnowledgeBases().Create(f.as(v), graph.KnowledgeBase{Name: "B"}); err != nil {
				t.Errorf("%s may create a knowledge base: %v", v.Role, err)
			}
		}
	})

	t.Run("MembershipIsByInvitation", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("a")
		f.contributor("x")
		f.community("c")
		f.organisation("o", "a")
		f.link(graph.RelMemberOf, "a", "c")
		x := f.asC("x")
		before := f.state()
		_, err := f.s.Link(x, graph.Link{Relation: graph.RelMemberOf, From: "a", To: "c"})
		wantCode(t, err, graph.EFORBIDDEN, "x makes a a member (again)")
		err = f.s.Unlink(x, graph.RelMemberOf, "a", "c")
		wantCode(t, err, graph.EFORBIDDEN, "x removes a's membership")
		_, err = f.s.Link(x, graph.Link{Relation: graph.RelAffiliatedWith, From: "a", To: "o"})
		wantCode(t, err, graph.EFORBIDDEN, "x affiliates a")
		f.wantState(before, "refused membership changes")
		sameSet(t, f.linkKeys(f.sys(), "c", graph.RelMemberOf, graph.In), []string{"MEMBER_OF a->c"}, "members after refused changes")

		// Membership opens a community's COMMUNITY documents: joining is by
		// invitation (a curator adds members), leaving is one's own call.
		_, err = f.s.Link(x, graph.Link{Relation: graph.RelMemberOf, From: "x", To: "c"})
		wantCode(t, err, graph.EFORBIDDEN, "x adds themself to a community")
		f.wantState(before, "refused self-join")
		if _, err := f.s.Link(x, graph.Link{Relation: graph.RelAffiliatedWith, From: "x", To: "o"}); err != nil {
			t.Errorf("x may state an affiliation: %v", err)
		}
		if _, err := f.s.Link(f.as(curator), graph.Link{Relation: graph.RelMemberOf, From: "x", To: "c"}); err != nil {
			t.Errorf("a curator may add a member: %v", err)
		}
		sameSet(t, f.linkKeys(f.sys(), "c", graph.RelMemberOf, graph.In), []string{"MEMBER_OF a->c", "MEMBER_OF x->c"}, "members after a curator adds x")
		if err := f.s.Unlink(x, graph.RelMemberOf, "x", "c"); err != nil {
			t.Errorf("x may leave a community: %v", err)
		}
		sameSet(t, f.linkKeys(f.sys(), "c", graph.RelMemberOf, graph.In), []string{"MEMBER_OF a->c"}, "members after x leaves")
	})

	t.Run("ContributorProfiles", func(t *testing.T) {
		f := newFixture(t, newStore)
		a := f.contributor("a")
		f.contributor("x")
		before := f.state()
		for _, v := range []graph.Viewer{contributorViewer("x"), curator, researcher} {
			_, err := f.s.CreateContributor(f.as(v), graph.Contributor{Name: "Nouveau"})
			wantCode(t, err, graph.EFORBIDDEN, "%s creates a contributor", v.Role)
		}
		_, err := f.s.CreateContributor(f.anon(), graph.Contributor{Name: "Nouveau"})
		wantCodeIn(t, err, []string{graph.EUNAUTHENTICATED, graph.EFORBIDDEN}, "anonymous creates a contributor")
		for _, v := range []graph.Viewer{contributorViewer("x"), curator} {
			_, err := f.s.UpdateContributor(f.as(v), "a", graph.ContributorUpdate{Version: a.Version, Name: ptr("Pris")})
			wantCode(t, err, graph.EFORBIDDEN, "%+v updates a's profile", v)
		}
		for _, v := range []graph.Viewer{contributorViewer("a"), contributorViewer("x"), curator} {
			err := f.s.DeleteContributor(f.as(v), "a", a.Version)
			wantCode(t, err, graph.EFORBIDDEN, "%+v deletes a", v)
		}
		f.wantState(before, "refused profile writes")

		if _, err := f.s.CreateContributor(f.as(admin), graph.Contributor{Name: "Nouveau"}); err != nil {
			t.Errorf("an admin may create a contributor: %v", err)
		}
		a2, err := f.s.UpdateContributor(f.asC("a"), "a", graph.ContributorUpdate{Version: a.Version, Name: ptr("A elle-même")})
		if err != nil {
			t.Fatalf("a contributor may update their own profile: %v", err)
		}
		a3, err := f.s.UpdateContributor(f.as(admin), "a", graph.ContributorUpdate{Version: a2.Version, Bio: ptr("Par l'admin")})
		if err != nil {
			t.Fatalf("an admin may update a profile: %v", err)
		}
		if err := f.s.DeleteContributor(f.as(admin), "a", a3.Version); err != nil {
			t.Errorf("an admin may delete a contributor: %v", err)
		}
	})
}
