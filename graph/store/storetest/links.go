package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// linkWorld holds one node of every kind, for the per-relation checks.
func linkWorld(f *fixture) {
	f.t.Helper()
	f.contributor("ctb-a")
	f.contributor("ctb-b")
	f.community("c1")
	f.carnet("k", "Pratiques", "Outils")
	f.knowledgeBase("b1")
	f.note("n1", graph.VisibilityPublic, "ctb-a")
	f.note("n2", graph.VisibilityPublic, "ctb-a")
	f.term("t1", "ctb-a")
	f.term("t2", "ctb-a")
	f.organisation("o1", "ctb-a")
}

var kindOf = map[string]graph.Kind{
	"ctb-a": graph.KindContributor, "ctb-b": graph.KindContributor, "c1": graph.KindCommunity,
	"k": graph.KindCarnet, "b1": graph.KindKnowledgeBase, "n1": graph.KindNote, "n2": graph.KindNote,
	"t1": graph.KindTerm, "t2": graph.KindTerm, "o1": graph.KindOrganisation,
}

// sameLink compares everything about a link but its creation time.
func sameLink(a, b graph.Link) bool {
	return a.Relation == b.Relation && a.From == b.From && a.To == b.To && a.FromKind == b.FromKind &&
		a.ToKind == b.ToKind && a.Role == b.Role && a.Category == b.Category && a.Position == b.Position
}

func findLink(ls []graph.Link, rel graph.Relation, from, to string) []graph.Link {
	var out []graph.Link
	for _, l := range ls {
		if l.Relation == rel && l.From == from && l.To == to {
			out = append(out, l)
		}
	}
	return out
}

func testLinks(t *testing.T, newStore factory) {
	t.Run("EachRelation", func(t *testing.T) {
		cases := []graph.Link{
			{Relation: graph.RelAuthored, From: "ctb-b", To: "n1", Role: graph.AuthorRoleEditor},
			{Relation: graph.RelAuthored, From: "ctb-b", To: "o1", Role: graph.AuthorRoleContributor},
			{Relation: graph.RelLinksTo, From: "n1", To: "n2"},
			{Relation: graph.RelMentions, From: "n1", To: "t1"},
			{Relation: graph.RelMentions, From: "t2", To: "t1"},
			{Relation: graph.RelMentions, From: "o1", To: "t1"},
			{Relation: graph.RelConcerns, From: "n1", To: "o1"},
			{Relation: graph.RelConcerns, From: "t1", To: "o1"},
			{Relation: graph.RelInCarnet, From: "n1", To: "k", Category: "Outils", Position: 2},
			{Relation: graph.RelInCarnet, From: "t1", To: "k", Category: "Pratiques", Position: 1},
			{Relation: graph.RelInBase, From: "k", To: "b1"},
			{Relation: graph.RelOfCommunity, From: "n1", To: "c1"},
			{Relation: graph.RelOfCommunity, From: "k", To: "c1"},
			{Relation: graph.RelMemberOf, From: "ctb-a", To: "c1"},
			{Relation: graph.RelAffiliatedWith, From: "ctb-a", To: "o1"},
			{Relation: graph.RelBroader, From: "t1", To: "t2"},
			{Relation: graph.RelRelated, From: "t1", To: "t2"},
		}
		for _, l := range cases {
			l.FromKind, l.ToKind = kindOf[l.From], kindOf[l.To]
			t.Run(fmt.Sprintf("%s_%s_%s", l.Relation, l.FromKind, l.ToKind), func(t *testing.T) {
				f := newFixture(t, newStore)
				linkWorld(f)
				ctx := f.sys()
				outBefore := f.linkKeys(ctx, l.From, l.Relation, graph.Out)
				inBefore := f.linkKeys(ctx, l.To, l.Relation, graph.In)
				seq := f.lastSeq()

				got, err := f.s.Link(ctx, graph.Link{Relation: l.Relation, From: l.From, To: l.To, Role: l.Role, Category: l.Category, Position: l.Position})
				f.must(err, "Link %s", linkKey(l))
				if !sameLink(*got, l) {
					t.Errorf("Link returned %+v, want %+v", *got, l)
				}
				if got.CreatedAt.IsZero() {
					t.Errorf("Link returned no CreatedAt")
				}
				seq = f.wantSeqAdvanced(seq, "Link")

				for _, q := range []struct {
					id  string
					dir graph.Direction
				}{{l.From, graph.Out}, {l.To, graph.In}, {l.From, graph.Both}, {l.To, graph.Both}} {
					m, err := f.s.Links(ctx, []string{q.id}, l.Relation, q.dir)
					f.must(err, "Links")
					found := findLink(m[q.id], l.Relation, l.From, l.To)
					if len(found) != 1 {
						t.Errorf("Links([%s], %s, %s) holds the new link %d times: %q", q.id, l.Relation, q.dir, len(found), keys(m[q.id]))
						continue
					}
					if !sameLink(found[0], l) || !found[0].CreatedAt.Equal(got.CreatedAt) {
						t.Errorf("Links([%s], %s, %s) = %+v, want %+v", q.id, l.Relation, q.dir, found[0], *got)
					}
				}
				sameSet(t, f.linkKeys(ctx, l.From, l.Relation, graph.Out), append(outBefore, linkKey(l)), "out-links of %s after the link", l.From)
				sameSet(t, f.linkKeys(ctx, l.To, l.Relation, graph.In), append(inBefore, linkKey(l)), "in-links of %s after the link", l.To)
				// The opposite direction does not see it (no self-links, so the ends differ).
				if found := findLink(must1(f, func() (map[string][]graph.Link, error) {
					return f.s.Links(ctx, []string{l.From}, l.Relation, graph.In)
				})[l.From], l.Relation, l.From, l.To); len(found) != 0 {
					t.Errorf("Links([%s], %s, In) holds the link going out of %s", l.From, l.Relation, l.From)
				}
				nb, err := f.s.Neighbours(ctx, l.To, l.Relation, graph.In, graph.Page{})
				f.must(err, "Neighbours")
				if len(findLink(nb.Nodes(), l.Relation, l.From, l.To)) != 1 || nb.TotalCount != len(inBefore)+1 {
					t.Errorf("Neighbours(%s, %s, In) = %q (TotalCount %d), want the new link among %d", l.To, l.Relation, keys(nb.Nodes()), nb.TotalCount, len(inBefore)+1)
				}

				f.must(f.s.Unlink(ctx, l.Relation, l.From, l.To), "Unlink")
				seq = f.wantSeqAdvanced(seq, "Unlink")
				sameSet(t, f.linkKeys(ctx, l.From, l.Relation, graph.Out), outBefore, "out-links of %s after unlink", l.From)
				sameSet(t, f.linkKeys(ctx, l.To, l.Relation, graph.In), inBefore, "in-links of %s after unlink", l.To)
				before := f.state()
				err = f.s.Unlink(ctx, l.Relation, l.From, l.To)
				wantCode(t, err, graph.ENOTFOUND, "Unlink twice")
				f.wantState(before, "Unlink of an absent link")
			})
		}
	})

	t.Run("BacklinksAndDirections", func(t *testing.T) {
		f := newFixture(t, newStore)
		for _, id := range []string{"n1", "n2", "n3", "n4"} {
			f.note(id, graph.VisibilityPublic)
		}
		f.link(graph.RelLinksTo, "n1", "n3")
		f.link(graph.RelLinksTo, "n2", "n3")
		f.link(graph.RelLinksTo, "n3", "n4")
		f.link(graph.RelLinksTo, "n4", "n3")
		ctx := f.anon()
		m, err := f.s.Links(ctx, []string{"n1", "n2", "n3", "n4", "absent"}, graph.RelLinksTo, graph.Out)
		f.must(err, "Links Out")
		sameSet(t, keys(m["n1"]), []string{"LINKS_TO n1->n3"}, "out of n1")
		sameSet(t, keys(m["n2"]), []string{"LINKS_TO n2->n3"}, "out of n2")
		sameSet(t, keys(m["n3"]), []string{"LINKS_TO n3->n4"}, "out of n3")
		sameSet(t, keys(m["n4"]), []string{"LINKS_TO n4->n3"}, "out of n4")
		sameSet(t, keys(m["absent"]), nil, "out of a missing id")
		m, err = f.s.Links(ctx, []string{"n1", "n3"}, graph.RelLinksTo, graph.In)
		f.must(err, "Links In")
		sameSet(t, keys(m["n3"]), []string{"LINKS_TO n1->n3", "LINKS_TO n2->n3", "LINKS_TO n4->n3"}, "backlinks of n3")
		sameSet(t, keys(m["n1"]), nil, "backlinks of n1")
		for _, l := range m["n3"] {
			if other, kind := l.Other("n3"); l.To != "n3" || kind != graph.KindNote || other == "n3" {
				t.Errorf("backlink %+v of n3 is not oriented from the source to n3", l)
			}
		}
		m, err = f.s.Links(ctx, []string{"n3"}, graph.RelLinksTo, graph.Both)
		f.must(err, "Links Both")
		sameSet(t, keys(m["n3"]), []string{"LINKS_TO n1->n3", "LINKS_TO n2->n3", "LINKS_TO n4->n3", "LINKS_TO n3->n4"}, "both ways of n3")
		m, err = f.s.Links(ctx, []string{"n3"}, graph.RelMentions, graph.Both)
		f.must(err, "Links of another relation")
		sameSet(t, keys(m["n3"]), nil, "MENTIONS of n3")
	})

	t.Run("RelinkUpdatesAttributes", func(t *testing.T) {
		f := newFixture(t, newStore)
		linkWorld(f)
		ctx := f.sys()
		f.linkL(graph.Link{Relation: graph.RelInCarnet, From: "n1", To: "k", Category: "Pratiques", Position: 3})
		seq := f.lastSeq()
		got, err := f.s.Link(ctx, graph.Link{Relation: graph.RelInCarnet, From: "n1", To: "k", Category: "Outils", Position: 7})
		f.must(err, "re-link")
		if got.Category != "Outils" || got.Position != 7 {
			t.Errorf("re-link returned category %q position %d, want Outils 7", got.Category, got.Position)
		}
		f.wantSeqAdvanced(seq, "re-link with new attributes")
		m, err := f.s.Links(ctx, []string{"k"}, graph.RelInCarnet, graph.In)
		f.must(err, "Links")
		if len(m["k"]) != 1 || m["k"][0].Category != "Outils" || m["k"][0].Position != 7 {
			t.Errorf("carnet entries after a re-link: %+v, want one n1 entry in Outils at 7", m["k"])
		}
		// n1 was created with ctb-a as AUTHOR: re-linking changes the role.
		f.linkL(graph.Link{Relation: graph.RelAuthored, From: "ctb-a", To: "n1", Role: graph.AuthorRoleEditor})
		m, err = f.s.Links(ctx, []string{"n1"}, graph.RelAuthored, graph.In)
		f.must(err, "Links")
		if len(m["n1"]) != 1 || m["n1"][0].Role != graph.AuthorRoleEditor {
			t.Errorf("authors after a re-link: %+v, want ctb-a once as EDITOR", m["n1"])
		}
		f.link(graph.RelLinksTo, "n1", "n2")
		f.link(graph.RelLinksTo, "n1", "n2")
		sameSet(t, f.linkKeys(ctx, "n1", graph.RelLinksTo, graph.Out), []string{"LINKS_TO n1->n2"}, "LINKS_TO made twice")
	})

	t.Run("MissingEnds", func(t *testing.T) {
		f := newFixture(t, newStore)
		linkWorld(f)
		for _, l := range []graph.Link{
			{Relation: graph.RelLinksTo, From: "n1", To: "absent"},
			{Relation: graph.RelLinksTo, From: "absent", To: "n1"},
			{Relation: graph.RelMemberOf, From: "ctb-a", To: "absent"},
		} {
			before := f.state()
			_, err := f.s.Link(f.sys(), l)
			wantCode(t, err, graph.ENOTFOUND, "link %s", linkKey(l))
			f.wantState(before, "link to a missing node")
		}
		err := f.s.Unlink(f.sys(), graph.RelLinksTo, "n1", "n2")
		wantCode(t, err, graph.ENOTFOUND, "Unlink of a link never made")
		err = f.s.Unlink(f.sys(), graph.RelLinksTo, "absent", "n2")
		wantCode(t, err, graph.ENOTFOUND, "Unlink from a missing node")
		f.link(graph.RelLinksTo, "n1", "n2")
		err = f.s.Unlink(f.sys(), graph.RelLinksTo, "n2", "n1")
		wantCode(t, err, graph.ENOTFOUND, "Unlink in the wrong direction")
		err = f.s.Unlink(f.sys(), graph.RelMentions, "n1", "n2")
		wantCode(t, err, graph.ENOTFOUND, "Unlink with the wrong relation")
		sameSet(t, f.linkKeys(f.sys(), "n1", graph.RelLinksTo, graph.Out), []string{"LINKS_TO n1->n2"}, "the link after failed unlinks")
	})

	t.Run("NeighboursPagination", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.note("hub", graph.VisibilityPublic)
		var want []string
		for i := range 25 {
			id := fmt.Sprintf("out-%02d", i)
			f.note(id, graph.VisibilityPublic)
			f.link(graph.RelLinksTo, "hub", id)
			want = append(want, "LINKS_TO hub->"+id)
		}
		for i := range 3 {
			id := fmt.Sprintf("in-%02d", i)
			f.note(id, graph.VisibilityPublic)
			f.link(graph.RelLinksTo, id, "hub")
			want = append(want, "LINKS_TO "+id+"->hub")
		}
		m, err := f.s.Links(f.anon(), []string{"hub"}, graph.RelLinksTo, graph.Both)
		f.must(err, "Links")
		all := m["hub"]
		sameSet(t, keys(all), want, "Links(hub, Both)")
		// Expected order: LinkCursor, by creation time then other end's id.
		cursor := graph.LinkCursor("hub")
		sorted := slices.Clone(all)
		slices.SortStableFunc(sorted, func(a, b graph.Link) int { return cursor(a).Compare(cursor(b)) })

		for _, dir := range []graph.Direction{graph.Both, graph.Out, graph.In} {
			var wantDir []string
			for _, l := range sorted {
				if dir == graph.Both || (dir == graph.Out) == (l.From == "hub") {
					wantDir = append(wantDir, linkKey(l))
				}
			}
			got, total := pageAll(t, 10, func(p graph.Page) (*graph.Connection[graph.Link], error) {
				return f.s.Neighbours(f.anon(), "hub", graph.RelLinksTo, dir, p)
			}, "Neighbours(hub, %s)", dir)
			sameOrder(t, keys(got), wantDir, "Neighbours(hub, LINKS_TO, %s) paged by 10", dir)
			if total != len(wantDir) {
				t.Errorf("Neighbours(hub, %s) TotalCount %d, want %d", dir, total, len(wantDir))
			}
		}
		first, err := f.s.Neighbours(f.anon(), "hub", graph.RelLinksTo, graph.Out, graph.Page{First: 10})
		f.must(err, "first page")
		if !first.PageInfo.HasNextPage || len(first.Edges) != 10 || first.TotalCount != 25 {
			t.Errorf("first page: %d edges, hasNextPage %v, TotalCount %d; want 10, true, 25", len(first.Edges), first.PageInfo.HasNextPage, first.TotalCount)
		}
		_, err = f.s.Neighbours(f.anon(), "hub", graph.RelLinksTo, graph.Out, graph.Page{First: graph.MaxFirst + 1})
		wantCode(t, err, graph.EINVALID, "Neighbours with first > MaxFirst")
		_, err = f.s.Neighbours(f.anon(), "hub", graph.RelLinksTo, graph.Out, graph.Page{First: -1})
		wantCode(t, err, graph.EINVALID, "Neighbours with first < 0")
		_, err = f.s.Neighbours(f.anon(), "hub", graph.RelLinksTo, graph.Out, graph.Page{After: "!!"})
		wantCode(t, err, graph.EINVALID, "Neighbours with a garbage cursor")
	})

	t.Run("InCarnetPositions", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.carnet("k", "Pratiques", "Outils")
		for _, id := range []string{"p3", "p1", "p2b", "p2a", "sans", "p1bis"} {
			f.note(id, graph.VisibilityPublic)
		}
		positions := map[string]int{"p3": 3, "p1": 1, "p2b": 2, "p2a": 2, "p1bis": 1}
		for _, id := range []string{"p3", "p1", "p2b", "p2a"} {
			f.linkL(graph.Link{Relation: graph.RelInCarnet, From: id, To: "k", Category: "Pratiques", Position: positions[id]})
		}
		// No position given: the store chooses the default.
		def := f.linkL(graph.Link{Relation: graph.RelInCarnet, From: "sans", To: "k", Category: "Outils"})
		f.linkL(graph.Link{Relation: graph.RelInCarnet, From: "p1bis", To: "k", Position: 1})
		if def.Position != 0 && def.Position <= 3 {
			t.Errorf("default position %d: want 0 or after the last entry (> 3)", def.Position)
		}
		// The system reads positions as stored (backups); everyone else is
		// shown ranks (testCarnetPositions), checked after the order.
		m, err := f.s.Links(f.sys(), []string{"k"}, graph.RelInCarnet, graph.In)
		f.must(err, "Links")
		stored := map[string]graph.Link{}
		for _, l := range m["k"] {
			stored[l.From] = l
		}
		if stored["sans"].Position != def.Position {
			t.Errorf("default position: Link returned %d, Links shows %d", def.Position, stored["sans"].Position)
		}
		for id, p := range positions {
			if stored[id].Position != p {
				t.Errorf("%s stored at position %d, want %d", id, stored[id].Position, p)
			}
		}
		conn, err := f.s.Neighbours(f.anon(), "k", graph.RelInCarnet, graph.In, graph.Page{})
		f.must(err, "Neighbours")
		var got []string
		for _, l := range conn.Nodes() {
			got = append(got, l.From)
		}
		// Position, then id: p1 < p1bis at 1, p2a < p2b at 2, then p3; the
		// default-placed entry first (position 0) or last (appended).
		want := []string{"p1", "p1bis", "p2a", "p2b", "p3"}
		if def.Position == 0 {
			want = append([]string{"sans"}, want...)
		} else {
			want = append(want, "sans")
		}
		sameOrder(t, got, want, "carnet entries in position order")
		for i, l := range conn.Nodes() {
			if l.Position != i+1 {
				t.Errorf("anonymous is shown %s at position %d, want its rank %d", l.From, l.Position, i+1)
			}
		}
		paged, _ := pageAll(t, 2, func(p graph.Page) (*graph.Connection[graph.Link], error) {
			return f.s.Neighbours(f.anon(), "k", graph.RelInCarnet, graph.In, p)
		}, "carnet entries, 2 per page")
		var gotPaged []string
		for _, l := range paged {
			gotPaged = append(gotPaged, l.From)
		}
		sameOrder(t, gotPaged, want, "carnet entries paged by 2")
	})
}

// testCascade deletes each kind of node out of a densely linked graph and
// checks that no link is left dangling and no other link is lost.
func testCascade(t *testing.T, newStore factory) {
	nodes := []string{"a", "b", "c", "o", "t", "t2", "n1", "n2", "n3", "k", "kb"}
	build := func(f *fixture) {
		f.t.Helper()
		f.contributor("a")
		f.contributor("b")
		f.community("c")
		f.organisation("o", "b")
		f.term("t", "a")
		f.term("t2", "b")
		f.note("n1", graph.VisibilityPublic, "a")
		f.note("n2", graph.VisibilityCommunity, "a", "b")
		f.note("n3", graph.VisibilityPrivate, "b")
		f.carnet("k", "cat")
		f.knowledgeBase("kb")
		for _, l := range []graph.Link{
			{Relation: graph.RelLinksTo, From: "n1", To: "n2"},
			{Relation: graph.RelLinksTo, From: "n3", To: "n1"},
			{Relation: graph.RelLinksTo, From: "n2", To: "n3"},
			{Relation: graph.RelMentions, From: "n1", To: "t"},
			{Relation: graph.RelMentions, From: "o", To: "t"},
			{Relation: graph.RelMentions, From: "n2", To: "t2"},
			{Relation: graph.RelBroader, From: "t", To: "t2"},
			{Relation: graph.RelRelated, From: "t2", To: "t"},
			{Relation: graph.RelConcerns, From: "n1", To: "o"},
			{Relation: graph.RelConcerns, From: "n2", To: "o"},
			{Relation: graph.RelInCarnet, From: "n1", To: "k", Category: "cat", Position: 1},
			{Relation: graph.RelInCarnet, From: "t", To: "k", Position: 2},
			{Relation: graph.RelInBase, From: "k", To: "kb"},
			{Relation: graph.RelOfCommunity, From: "n2", To: "c"},
			{Relation: graph.RelOfCommunity, From: "k", To: "c"},
			{Relation: graph.RelMemberOf, From: "a", To: "c"},
			{Relation: graph.RelMemberOf, From: "b", To: "c"},
			{Relation: graph.RelAffiliatedWith, From: "a", To: "o"},
			{Relation: graph.RelAuthored, From: "b", To: "n1", Role: graph.AuthorRoleEditor},
		} {
			f.linkL(l)
		}
		for _, d := range []graph.Declaration{
			{ContributorID: "a", Dimension: "gender", Value: "woman", Visibility: graph.DeclPublic},
			{ContributorID: "a", Dimension: "region", Value: "montreal", Visibility: graph.DeclPrivate},
			{ContributorID: "b", Dimension: "region", Value: "outaouais", Visibility: graph.DeclPublic},
		} {
			_, err := f.s.DeclareStandpoint(f.asC(d.ContributorID), d)
			f.must(err, "declare")
		}
	}
	version := func(f *fixture, id string) int {
		f.t.Helper()
		ctx := f.sys()
		switch id {
		case "a", "b":
			return must1(f, func() (*graph.Contributor, error) { return f.s.Contributor(ctx, id) }).Version
		case "c":
			return must1(f, func() (*graph.Community, error) { return f.s.Communities().Get(ctx, id) }).Version
		case "k":
			return must1(f, func() (*graph.Carnet, error) { return f.s.Carnets().Get(ctx, id) }).Version
		case "kb":
			return must1(f, func() (*graph.KnowledgeBase, error) { return f.s.KnowledgeBases().Get(ctx, id) }).Version
		}
		return f.reread(id).Version
	}
	del := func(f *fixture, id string) error {
		v := version(f, id)
		switch id {
		case "a", "b":
			return f.s.DeleteContributor(f.as(admin), id, v)
		case "c":
			return f.s.Communities().Delete(f.sys(), id, v)
		case "k":
			return f.s.Carnets().Delete(f.sys(), id, v)
		case "kb":
			return f.s.KnowledgeBases().Delete(f.sys(), id, v)
		}
		return f.s.DeleteDocument(f.sys(), id, v)
	}
	for _, victim := range []string{"n1", "n2", "t", "o", "k", "kb", "c", "a"} {
		t.Run("delete_"+victim, func(t *testing.T) {
			f := newFixture(t, newStore)
			build(f)
			before := f.allLinks(nodes)
			var survivors []string
			for _, k := range before {
				if !strings.Contains(k, " "+victim+"->") && !strings.HasSuffix(k, "->"+victim) {
					survivors = append(survivors, k)
				}
			}
			if len(survivors) == len(before) {
				t.Fatalf("suite bug: %s has no links", victim)
			}
			seq := f.lastSeq()
			f.must(del(f, victim), "delete %s", victim)
			f.wantSeqAdvanced(seq, "delete %s", victim)
			var rest []string
			for _, n := range nodes {
				if n != victim {
					rest = append(rest, n)
				}
			}
			sameSet(t, f.allLinks(rest), survivors, "links of the other nodes after deleting %s", victim)
			for _, rel := range graph.Relations {
				m, err := f.s.Links(f.sys(), []string{victim}, rel, graph.Both)
				f.must(err, "Links")
				if len(m[victim]) > 0 {
					t.Errorf("deleted %s still has %s links %q", victim, rel, keys(m[victim]))
				}
			}
			if victim == "a" {
				// Documents stay, without that author; the declarations go.
				for _, id := range []string{"n1", "n2"} {
					f.reread(id)
				}
				sameSet(t, f.linkKeys(f.sys(), "n2", graph.RelAuthored, graph.In), []string{"AUTHORED b->n2"}, "authors of n2 after deleting a")
				decls, err := f.s.Declarations(f.anon(), []string{"a", "b"})
				f.must(err, "Declarations")
				if len(decls["a"]) != 0 || len(decls["b"]) != 1 {
					t.Errorf("declarations after deleting a: %+v, want none of a and b's one", decls)
				}
				// A new contributor with the same id inherits nothing.
				_, err = f.s.CreateContributor(f.as(admin), graph.Contributor{ID: "a", Name: "Homonyme"})
				f.must(err, "create a contributor with a deleted contributor's id")
				decls, err = f.s.Declarations(f.asC("a"), []string{"a"})
				f.must(err, "Declarations")
				if len(decls["a"]) != 0 {
					t.Errorf("the new contributor a sees the deleted one's declarations %+v", decls["a"])
				}
				sameSet(t, f.allLinks([]string{"a"}), nil, "links of the new contributor a")
			}
		})
	}
}
