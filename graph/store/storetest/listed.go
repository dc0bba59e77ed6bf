package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// testListedCounts: the total of a document list that no filter narrows
// but kinds and visibility (which a store may keep rather than count, as
// the Neo4j store does) is exactly what the viewer may read, through every
// write that changes who may read what: a hidden document changes no
// anonymous count, nor a private one, and a document shown again or made
// public counts at once. Each list is walked three by three, so that its
// page info after a cursor is checked too.
func testListedCounts(t *testing.T, f *fixture) {
	for _, c := range []string{"a", "m", "x"} {
		f.contributor(c)
	}
	f.community("c")
	f.link(graph.RelMemberOf, "m", "c")
	for _, id := range []string{"pub1", "pub2", "pub3", "hid"} {
		f.note(id, graph.VisibilityPublic, "a")
	}
	f.note("priv", graph.VisibilityPrivate, "a")
	f.note("com", graph.VisibilityCommunity, "a")
	f.link(graph.RelOfCommunity, "com", "c")
	f.term("t1")
	f.organisation("o1")
	f.doc(graph.Document{ID: "tpriv", Kind: graph.KindTerm, Visibility: graph.VisibilityPrivate, Definition: "Privé"}, "a")

	type doc struct {
		kind   graph.Kind
		vis    graph.Visibility
		hidden bool
	}
	state := map[string]*doc{}
	for _, id := range []string{"pub1", "pub2", "pub3", "hid", "priv", "com", "t1", "o1", "tpriv"} {
		d := f.reread(id)
		state[id] = &doc{d.Kind, d.Visibility, d.Hidden}
	}
	// readable is the visibility rule, written out for this graph: a is
	// the author of every note and of tpriv, m the member of c.
	readable := func(viewer string, id string) bool {
		d := state[id]
		switch {
		case viewer == "curator":
			return true
		case viewer == "a" && (d.kind == graph.KindNote || id == "tpriv"):
			return true
		case d.hidden:
			return false
		case d.vis == graph.VisibilityPublic:
			return true
		}
		return d.vis == graph.VisibilityCommunity && viewer == "m"
	}
	ctxOf := func(viewer string) context.Context {
		switch viewer {
		case "":
			return f.anon()
		case "curator":
			return f.as(curator)
		}
		return f.asC(viewer)
	}
	filters := []graph.DocumentFilter{{}, {Kinds: []graph.Kind{graph.KindNote}}, {Kinds: []graph.Kind{graph.KindTerm, graph.KindOrganisation}},
		{Visibility: graph.VisibilityPublic}, {Visibility: graph.VisibilityCommunity}, {Visibility: graph.VisibilityPrivate},
		{Kinds: []graph.Kind{graph.KindTerm}, Visibility: graph.VisibilityPrivate}}
	check := func(step string) {
		t.Helper()
		for _, viewer := range []string{"", "a", "m", "x", "curator"} {
			for _, filter := range filters {
				var want []string
				for id, d := range state {
					if readable(viewer, id) && (len(filter.Kinds) == 0 || slices.Contains(filter.Kinds, d.kind)) &&
						(filter.Visibility == "" || filter.Visibility == d.vis) {
						want = append(want, id)
					}
				}
				slices.Sort(want)
				orders := []graph.DocumentOrder{byCreation}
				if step == "created" {
					orders = append(orders, graph.DocumentOrder{Field: graph.OrderTitle, Desc: true})
				}
				for _, order := range orders {
					what := fmt.Sprintf("%s: viewer %q, %+v, %+v", step, viewer, filter, order)
					docs, total := f.listDocs(ctxOf(viewer), filter, order, 3)
					var got []string
					for _, d := range docs {
						got = append(got, d.ID)
					}
					slices.Sort(got)
					if !slices.Equal(got, want) || total != len(want) {
						t.Errorf("%s: %v (TotalCount %d), want %v", what, got, total, want)
					}
				}
			}
		}
	}
	check("created")
	_, err := f.s.SetHidden(f.as(curator), "hid", true)
	f.must(err, "hide")
	state["hid"].hidden = true
	check("hid hidden")
	update := func(id string, vis graph.Visibility) {
		t.Helper()
		d := f.reread(id)
		_, err := f.s.UpdateDocument(f.sys(), id, graph.DocumentUpdate{Version: d.Version, Visibility: &vis})
		f.must(err, "make %s %s", id, vis)
		state[id].vis = vis
	}
	update("priv", graph.VisibilityPublic)
	update("pub1", graph.VisibilityPrivate)
	update("hid", graph.VisibilityCommunity) // hidden still
	check("visibilities changed")
	_, err = f.s.SetHidden(f.as(curator), "hid", false)
	f.must(err, "show")
	state["hid"].hidden = false
	_, err = f.s.SetHidden(f.as(curator), "com", true)
	f.must(err, "hide com")
	state["com"].hidden = true
	update("hid", graph.VisibilityPublic)
	check("hid shown again, com hidden")
	f.must(f.s.DeleteDocument(f.sys(), "pub2", f.reread("pub2").Version), "delete pub2")
	delete(state, "pub2")
	check("pub2 deleted")
}
