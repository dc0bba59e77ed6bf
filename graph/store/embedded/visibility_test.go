package embedded

import (
	"context"
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// visibilityWorld: "auteure" wrote a private note and a community note tied
// to "quartier", of which "membre" is a member; "autre" is neither. All
// three notes link to a public note and mention a public term; the hidden
// ones sit in a carnet.
func visibilityWorld(t *testing.T) *Store {
	s := openTemp(t)
	for _, id := range []string{"auteure", "membre", "autre"} {
		mkContributor(t, s, id)
	}
	must(s.Communities().Create(sys, graph.Community{ID: "quartier", Name: "Quartier"}))
	must(s.Carnets().Create(sys, graph.Carnet{ID: "carnet", Title: "Carnet", Categories: []string{"atelier"}}))
	mkLink(t, s, graph.RelMemberOf, "membre", "quartier")
	mkNote(t, s, "publique", graph.VisibilityPublic, "auteure")
	mkNote(t, s, "privee", graph.VisibilityPrivate, "auteure")
	mkNote(t, s, "commune", graph.VisibilityCommunity, "auteure")
	must(s.CreateDocument(sys, graph.Document{ID: "terme", Kind: graph.KindTerm, Title: "Terme", Language: "fr",
		Visibility: graph.VisibilityPublic}, []string{"auteure"}))
	mkLink(t, s, graph.RelOfCommunity, "commune", "quartier")
	for _, id := range []string{"privee", "commune"} {
		mkLink(t, s, graph.RelLinksTo, id, "publique")
		mkLink(t, s, graph.RelMentions, id, "terme")
		must(s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: id, To: "carnet", Category: "atelier"}))
	}
	mkLink(t, s, graph.RelLinksTo, "publique", "privee")
	mkLink(t, s, graph.RelMentions, "publique", "terme")
	return s
}

// readable lists what each viewer must see of the three notes.
var readable = []struct {
	name string
	ctx  context.Context
	sees []string
}{
	{"anonymous", anon, []string{"publique"}},
	{"no role but an id", as(graph.Viewer{ContributorID: "auteure"}), []string{"publique"}},
	{"researcher", as(graph.Viewer{Role: graph.RoleResearcher}), []string{"publique"}},
	{"other contributor", asC("autre"), []string{"publique"}},
	{"member", asC("membre"), []string{"publique", "commune"}},
	{"author", asC("auteure"), []string{"publique", "commune", "privee"}},
	{"curator", as(graph.Viewer{Role: graph.RoleCurator}), []string{"publique", "commune", "privee"}},
	{"admin", as(graph.Viewer{Role: graph.RoleAdmin}), []string{"publique", "commune", "privee"}},
}

func TestVisibilityThroughEveryRead(t *testing.T) {
	t.Parallel()
	s := visibilityWorld(t)
	notes := []string{"publique", "commune", "privee"}
	for _, v := range readable {
		t.Run(v.name, func(t *testing.T) {
			sees := func(id string) bool { return slices.Contains(v.sees, id) }
			for _, id := range notes {
				_, err := s.Document(v.ctx, id)
				if sees(id) && err != nil || !sees(id) && graph.ErrorCode(err) != graph.ENOTFOUND {
					t.Errorf("Document(%s): %v", id, err)
				}
				_, err = s.Revisions(v.ctx, id, graph.Page{})
				if sees(id) && err != nil || !sees(id) && graph.ErrorCode(err) != graph.ENOTFOUND {
					t.Errorf("Revisions(%s): %v", id, err)
				}
				out, err := s.Links(v.ctx, []string{id}, "", graph.Both)
				ok(t, err)
				if !sees(id) && len(out) != 0 {
					t.Errorf("Links of hidden %s: %v", id, out)
				}
				page, err := s.Neighbours(v.ctx, id, "", graph.Both, graph.Page{})
				ok(t, err)
				if !sees(id) && page.TotalCount != 0 {
					t.Errorf("Neighbours of hidden %s: %d", id, page.TotalCount)
				}
			}
			docs, err := s.Documents(v.ctx, notes)
			ok(t, err)
			for i, d := range docs {
				if (d != nil) != sees(notes[i]) {
					t.Errorf("Documents[%s] = %v", notes[i], d)
				}
			}
			filters := map[string]graph.DocumentFilter{
				"none":      {Kinds: []graph.Kind{graph.KindNote}},
				"author":    {AuthorID: "auteure", Kinds: []graph.Kind{graph.KindNote}},
				"carnet":    {CarnetID: "carnet", Category: "atelier"},
				"community": {CommunityID: "quartier"},
				"term":      {TermID: "terme"},
			}
			for name, f := range filters {
				conn, err := s.ListDocuments(v.ctx, f, graph.DocumentOrder{}, graph.Page{})
				ok(t, err)
				for _, d := range conn.Nodes() {
					if !sees(d.ID) {
						t.Errorf("ListDocuments(%s) shows hidden %s", name, d.ID)
					}
				}
				if n := len(conn.Nodes()); n != conn.TotalCount {
					t.Errorf("ListDocuments(%s): %d edges, TotalCount %d", name, n, conn.TotalCount)
				}
			}
			all, err := s.ListDocuments(v.ctx, graph.DocumentFilter{Kinds: []graph.Kind{graph.KindNote}}, graph.DocumentOrder{}, graph.Page{})
			ok(t, err)
			if all.TotalCount != len(v.sees) {
				t.Errorf("TotalCount %d, want %d", all.TotalCount, len(v.sees))
			}
			// The other ends: backlinks and mentions of public nodes.
			for _, target := range []string{"publique", "terme", "carnet", "quartier"} {
				links, err := s.Links(v.ctx, []string{target}, "", graph.Both)
				ok(t, err)
				for _, l := range links[target] {
					if other, _ := l.Other(target); slices.Contains(notes, other) && !sees(other) {
						t.Errorf("Links(%s) shows %s link to hidden %s", target, l.Relation, other)
					}
				}
				page, err := s.Neighbours(v.ctx, target, "", graph.Both, graph.Page{First: graph.MaxFirst})
				ok(t, err)
				for _, l := range page.Nodes() {
					if other, _ := l.Other(target); slices.Contains(notes, other) && !sees(other) {
						t.Errorf("Neighbours(%s) shows hidden %s", target, other)
					}
				}
				if page.TotalCount != len(links[target]) {
					t.Errorf("Neighbours(%s).TotalCount %d, Links gives %d", target, page.TotalCount, len(links[target]))
				}
			}
		})
	}
}

func TestHiddenDocumentCannotBeWrittenOrLinked(t *testing.T) {
	t.Parallel()
	s := visibilityWorld(t)
	before := lastSeq(t, s)
	ctx := asC("autre")
	_, err := s.UpdateDocument(ctx, "privee", graph.DocumentUpdate{Version: 1, Title: ptr("x")})
	wantCode(t, err, graph.ENOTFOUND, "update a hidden note")
	wantCode(t, s.DeleteDocument(ctx, "privee", 1), graph.ENOTFOUND, "delete a hidden note")
	_, err = s.Link(ctx, graph.Link{Relation: graph.RelMentions, From: "privee", To: "terme"})
	wantCode(t, err, graph.ENOTFOUND, "link from a hidden note")
	_, err = s.Link(asC("auteure"), graph.Link{Relation: graph.RelLinksTo, From: "publique", To: "commune"})
	if err != nil {
		t.Errorf("author links her own notes: %v", err)
	}
	_, err = s.Link(ctx, graph.Link{Relation: graph.RelLinksTo, From: "publique", To: "privee"})
	wantCode(t, err, graph.ENOTFOUND, "link to a hidden note")
	wantCode(t, s.Unlink(ctx, graph.RelLinksTo, "publique", "privee"), graph.ENOTFOUND, "unlink to a hidden note")
	// Visible but not editable: FORBIDDEN.
	_, err = s.UpdateDocument(ctx, "publique", graph.DocumentUpdate{Version: 1, Title: ptr("x")})
	wantCode(t, err, graph.EFORBIDDEN, "update someone else's public note")
	_, err = s.Link(ctx, graph.Link{Relation: graph.RelLinksTo, From: "publique", To: "commune"})
	wantCode(t, err, graph.ENOTFOUND, "link to a community note as an outsider")
	if got := lastSeq(t, s); got != before+1 {
		t.Errorf("LastSeq %d, want %d: only the author's link was a write", got, before+1)
	}
}

func TestNotFoundMessageHidesExistence(t *testing.T) {
	t.Parallel()
	s := visibilityWorld(t)
	_, hidden := s.Document(anon, "privee")
	_, missing := s.Document(anon, "absente")
	if graph.ErrorMessage(hidden) != graph.ErrorMessage(graph.NotFound("privee")) ||
		graph.ErrorMessage(missing) != graph.ErrorMessage(graph.NotFound("absente")) {
		t.Errorf("messages differ: %v / %v", hidden, missing)
	}
}

func TestMembershipChangeChangesVisibility(t *testing.T) {
	t.Parallel()
	s := visibilityWorld(t)
	if _, err := s.Document(asC("autre"), "commune"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("outsider reads community note: %v", err)
	}
	// Joining is by invitation: the outsider cannot add themself.
	if _, err := s.Link(asC("autre"), graph.Link{Relation: graph.RelMemberOf, From: "autre", To: "quartier"}); graph.ErrorCode(err) != graph.EFORBIDDEN {
		t.Fatalf("outsider joins a community on their own: %v", err)
	}
	if _, err := s.Document(asC("autre"), "commune"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("outsider reads community note after a refused join: %v", err)
	}
	must(s.Link(as(graph.Viewer{Role: graph.RoleCurator}), graph.Link{Relation: graph.RelMemberOf, From: "autre", To: "quartier"}))
	if _, err := s.Document(asC("autre"), "commune"); err != nil {
		t.Errorf("new member cannot read community note: %v", err)
	}
	ok(t, s.Unlink(asC("membre"), graph.RelMemberOf, "membre", "quartier"))
	if _, err := s.Document(asC("membre"), "commune"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("former member still reads community note: %v", err)
	}
}
