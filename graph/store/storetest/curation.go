package storetest

import (
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// testCuration checks the health lists and duplicate titles: who may read
// them, what they hold, how they page, and that they follow the graph as
// it changes.
func testCuration(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	f.contributor("a")
	f.carnet("k")
	f.community("c")
	// Woven in: n1 → n2, n3 mentions t, n3 concerns o, t broader tb.
	f.note("n1", graph.VisibilityPublic, "a")
	f.note("n2", graph.VisibilityPublic)
	f.note("n3", graph.VisibilityCommunity, "a")
	f.term("t")
	f.term("tb")
	f.organisation("o")
	f.link(graph.RelLinksTo, "n1", "n2")
	f.link(graph.RelMentions, "n3", "t")
	f.link(graph.RelConcerns, "n3", "o")
	f.link(graph.RelBroader, "t", "tb")
	// Filed but not woven: carnets, communities and authors do not count.
	f.note("lone", graph.VisibilityPublic, "a")
	f.link(graph.RelInCarnet, "lone", "k")
	f.link(graph.RelOfCommunity, "lone", "c")
	f.note("secret", graph.VisibilityPrivate, "a")
	f.doc(graph.Document{ID: "blank", Kind: graph.KindTerm, Definition: " \n "})
	f.doc(graph.Document{ID: "nodef", Kind: graph.KindTerm, Title: "Réseaux", Aliases: []string{"Maillage"}})
	f.doc(graph.Document{ID: "dup", Kind: graph.KindTerm, Title: "maillage"})
	f.link(graph.RelInCarnet, "n1", "k")

	want := map[graph.HealthCheck][]string{
		graph.CheckOrphan:       {"lone", "secret", "blank", "nodef", "dup"},
		graph.CheckNoCarnet:     {"n2", "n3", "secret"},
		graph.CheckNoDefinition: {"blank", "nodef", "dup"},
	}
	for check, ids := range want {
		t.Run(string(check), func(t *testing.T) {
			f := f.on(t)
			for _, v := range []graph.Viewer{curator, admin, {Role: graph.RoleSystem}} {
				for _, first := range []int{1, 2, 0} {
					got, total := pageAll(t, first, func(p graph.Page) (*graph.Connection[*graph.Document], error) {
						return f.s.NeedsCare(f.as(v), check, p)
					}, "NeedsCare(%s) as %s, first %d", check, v.Role, first)
					sameOrder(t, docIDs(got), ids, "NeedsCare(%s) as %s, first %d: creation order", check, v.Role, first)
					if total != len(ids) {
						t.Errorf("NeedsCare(%s): TotalCount %d, want %d", check, total, len(ids))
					}
				}
			}
			for _, c := range []struct {
				v    graph.Viewer
				bare bool
				code string
			}{
				{anonymous, false, graph.EUNAUTHENTICATED}, {graph.Viewer{}, true, graph.EUNAUTHENTICATED},
				{contributorViewer("a"), false, graph.EFORBIDDEN}, {researcher, false, graph.EFORBIDDEN},
			} {
				ctx := f.as(c.v)
				if c.bare {
					ctx = f.anon()
				}
				_, err := f.s.NeedsCare(ctx, check, graph.Page{})
				wantCode(t, err, c.code, "NeedsCare(%s) as %q", check, c.v.Role)
			}
		})
	}
	t.Run("BadInput", func(t *testing.T) {
		f := f.on(t)
		_, err := f.s.NeedsCare(f.as(curator), "DANGLING", graph.Page{})
		wantCode(t, err, graph.EINVALID, "unknown check")
		_, err = f.s.NeedsCare(f.as(curator), graph.CheckOrphan, graph.Page{First: graph.MaxFirst + 1})
		wantCode(t, err, graph.EINVALID, "first too large")
		_, err = f.s.NeedsCare(f.as(curator), graph.CheckOrphan, graph.Page{After: "nope"})
		wantCode(t, err, graph.EINVALID, "bad cursor")
	})
	t.Run("Titles", func(t *testing.T) {
		f := f.on(t)
		ts, err := f.s.DocumentTitles(f.as(curator), []graph.Kind{graph.KindTerm})
		f.must(err, "DocumentTitles")
		var got []string
		for _, x := range ts {
			got = append(got, x.ID+":"+x.Title)
			if x.Kind != graph.KindTerm {
				t.Errorf("%s: kind %s, asked for terms", x.ID, x.Kind)
			}
			if x.ID == "nodef" && !slices.Equal(x.Aliases, []string{"Maillage"}) {
				t.Errorf("nodef's aliases %q", x.Aliases)
			}
		}
		slices.Sort(got)
		if want := []string{"blank:Titre blank", "dup:maillage", "nodef:Réseaux", "t:Titre t", "tb:Titre tb"}; !slices.Equal(got, want) {
			t.Errorf("term titles %q, want %q", got, want)
		}
		all, err := f.s.DocumentTitles(f.as(admin), nil)
		f.must(err, "DocumentTitles(all)")
		if len(all) != 11 {
			t.Errorf("%d titles of every kind, want 11 (the private note included)", len(all))
		}
		groups := graph.ProbableDuplicates(all)
		if len(groups) != 1 || !slices.Equal(groups[0].IDs, []string{"dup", "nodef"}) {
			t.Errorf("duplicates %+v, want dup and nodef (alias Maillage)", groups)
		}
		_, err = f.s.DocumentTitles(f.asC("a"), nil)
		wantCode(t, err, graph.EFORBIDDEN, "DocumentTitles as a contributor")
		_, err = f.s.DocumentTitles(f.anon(), nil)
		wantCode(t, err, graph.EUNAUTHENTICATED, "DocumentTitles anonymously")
		_, err = f.s.DocumentTitles(f.as(curator), []graph.Kind{graph.KindCarnet})
		wantCode(t, err, graph.EINVALID, "DocumentTitles of carnets")
	})
	// The lists follow the graph: unlinking makes an orphan, deleting
	// removes one, filing a note takes it off the carnet list.
	t.Run("Follows", func(t *testing.T) {
		f := f.on(t)
		f.must(f.s.Unlink(f.sys(), graph.RelLinksTo, "n1", "n2"), "unlink")
		f.must(f.s.DeleteDocument(f.sys(), "lone", 1), "delete")
		f.link(graph.RelInCarnet, "n2", "k")
		got, _ := pageAll(t, 0, func(p graph.Page) (*graph.Connection[*graph.Document], error) {
			return f.s.NeedsCare(f.as(curator), graph.CheckOrphan, p)
		}, "orphans after the changes")
		sameOrder(t, docIDs(got), []string{"n1", "n2", "secret", "blank", "nodef", "dup"}, "orphans after the changes")
		got, _ = pageAll(t, 0, func(p graph.Page) (*graph.Connection[*graph.Document], error) {
			return f.s.NeedsCare(f.as(curator), graph.CheckNoCarnet, p)
		}, "notes without carnet after the changes")
		sameOrder(t, docIDs(got), []string{"n3", "secret"}, "notes without carnet after the changes")
	})
}
