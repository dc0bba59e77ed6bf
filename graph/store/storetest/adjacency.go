package storetest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// adjacencyQueries are the query shapes every check tries: relation
// filters, directions, caps and an Among set holding readable, hidden and
// missing ids alike.
func adjacencyQueries(among []string) []graph.AdjacencyQuery {
	var qs []graph.AdjacencyQuery
	for _, rels := range [][]graph.Relation{nil, {graph.RelLinksTo}, {graph.RelMentions, graph.RelLinksTo, graph.RelAuthored}} {
		for _, dir := range []graph.Direction{graph.Out, graph.In, graph.Both} {
			for _, limit := range []int{-1, 0, 1, 2} {
				for _, am := range [][]string{nil, among} {
					qs = append(qs, graph.AdjacencyQuery{Relations: rels, Direction: dir, Limit: limit, Among: am, Degrees: limit != 1})
				}
			}
		}
	}
	return qs
}

// adjacencyOrder is the order Adjacency promises: OUT before IN, then
// relation, then the other end's id.
func adjacencyOrder(self string) func(a, b graph.Link) int {
	return func(a, b graph.Link) int {
		aIn, bIn := a.From != self, b.From != self
		if aIn != bIn {
			if aIn {
				return 1
			}
			return -1
		}
		ao, _ := a.Other(self)
		bo, _ := b.Other(self)
		return cmp.Or(cmp.Compare(a.Relation, b.Relation), cmp.Compare(ao, bo))
	}
}

// wantAdjacency derives one node's expected answer from its visible links
// (all of them, of every relation, both directions) and the query.
func wantAdjacency(self string, visible []graph.Link, q graph.AdjacencyQuery) graph.Adjacent {
	var a graph.Adjacent
	for _, l := range visible {
		if len(q.Relations) > 0 && !slices.Contains(q.Relations, l.Relation) {
			continue
		}
		if (q.Direction == graph.Out && l.From != self) || (q.Direction == graph.In && l.To != self) {
			continue
		}
		a.Degree++
		if other, _ := l.Other(self); q.Among == nil || slices.Contains(q.Among, other) {
			a.Links = append(a.Links, l)
		}
	}
	slices.SortFunc(a.Links, adjacencyOrder(self))
	if q.Limit >= 0 && len(a.Links) > q.Limit {
		a.Links = a.Links[:q.Limit]
	}
	if !q.Degrees {
		a.Degree = 0
	}
	return a
}

// checkAdjacency compares Adjacency for every id, in one call per query,
// with what visibleOf says each readable id's visible links are.
func checkAdjacency(t *testing.T, s graph.Store, ctx context.Context, ids, among []string, readable func(string) bool,
	visibleOf func(id string) []graph.Link, what string) {
	t.Helper()
	for _, q := range adjacencyQueries(among) {
		got, err := s.Adjacency(ctx, ids, q)
		if err != nil {
			t.Fatalf("%s: Adjacency %+v: %v", what, q, err)
		}
		for _, id := range ids {
			a, ok := got[id]
			if !readable(id) {
				if ok {
					t.Errorf("%s: %+v: unreadable %s is in the answer: %+v", what, q, id, a)
				}
				continue
			}
			want := wantAdjacency(id, visibleOf(id), q)
			if !ok && (len(want.Links) > 0 || want.Degree > 0) {
				t.Errorf("%s: %+v: %s missing, want %d links, degree %d", what, q, id, len(want.Links), want.Degree)
				continue
			}
			if a.Degree != want.Degree {
				t.Errorf("%s: %+v: degree of %s %d, want %d", what, q, id, a.Degree, want.Degree)
			}
			if g, w := keys(a.Links), keys(want.Links); !slices.Equal(g, w) {
				t.Errorf("%s: %+v: links of %s\n got %v\nwant %v", what, q, id, g, w)
			}
			for i := range min(len(a.Links), len(want.Links)) {
				w := want.Links[i]
				if !graph.ViewerFrom(ctx).SeesStoredPositions() {
					w.Position = 0 // graph.Adjacent: no carnet position
				}
				if !sameLink(a.Links[i], w) {
					t.Errorf("%s: %+v: link %d of %s is %+v, want %+v", what, q, i, id, a.Links[i], w)
				}
			}
		}
	}
}

func testAdjacency(t *testing.T, newStore factory) {
	t.Run("Visibility", func(t *testing.T) {
		f := newFixture(t, newStore)
		m := buildWorld(f)
		ids := slices.Sorted(maps.Keys(m.kinds))
		ids = append(ids, missingID)
		among := []string{"pub", "priv", "com", "t", "k", "a", missingID}
		for _, vc := range worldViewers {
			t.Run(vc.name, func(t *testing.T) {
				readable := worldReadable(m, vc.class)
				// The model's links whose two ends this viewer reads.
				visibleOf := func(id string) []graph.Link {
					var out []graph.Link
					for _, l := range m.links {
						if (l.From == id || l.To == id) && readable(l.From) && readable(l.To) {
							out = append(out, l)
						}
					}
					return out
				}
				checkAdjacency(t, f.s, f.on(t).ctxFor(vc.viewerCase), ids, among, readable, visibleOf, vc.name)
			})
		}
		// Spelled out for the anonymous reader: pub's hidden neighbours
		// are neither links nor counted, even when asked for by name.
		a, err := f.s.Adjacency(f.anon(), []string{"pub"}, graph.AdjacencyQuery{Direction: graph.Both, Limit: -1, Degrees: true})
		f.must(err, "anonymous adjacency of pub")
		for _, l := range a["pub"].Links {
			if other, _ := l.Other("pub"); !slices.Contains(worldReaders[other], "anonymous") && m.kinds[other].IsDocument() {
				t.Errorf("anonymous reader sees pub's link to %s: %+v", other, l)
			}
		}
		a, err = f.s.Adjacency(f.anon(), []string{"pub"}, graph.AdjacencyQuery{Direction: graph.Both, Limit: -1,
			Among: []string{"priv", "com", "privm", "tpriv"}, Degrees: true})
		f.must(err, "anonymous adjacency of pub among hidden notes")
		if n := len(a["pub"].Links); n != 0 {
			t.Errorf("anonymous reader gets %d links from pub to hidden notes named in Among", n)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.note("n1", graph.VisibilityPublic)
		for _, q := range []graph.AdjacencyQuery{
			{Direction: "SIDEWAYS"}, {Direction: ""}, {Direction: graph.Both, Relations: []graph.Relation{"NOPE"}},
			{Direction: graph.Both, Relations: []graph.Relation{graph.RelLinksTo, "links_to"}},
		} {
			_, err := f.s.Adjacency(f.anon(), []string{"n1"}, q)
			wantCode(t, err, graph.EINVALID, "Adjacency %+v", q)
		}
		got, err := f.s.Adjacency(f.anon(), nil, graph.AdjacencyQuery{Direction: graph.Both, Degrees: true})
		f.must(err, "Adjacency of no ids")
		if len(got) != 0 {
			t.Errorf("Adjacency of no ids: %v", got)
		}
	})

	// FollowsWrites: the degrees and the visible links stay right through
	// every write that changes a link or who may read one of its ends,
	// checked after each step against every stored link (as a curator
	// reads them) and what each viewer may read (Documents).
	t.Run("FollowsWrites", func(t *testing.T) {
		f := newFixture(t, newStore)
		m := buildWorld(f)
		ids := slices.Sorted(maps.Keys(m.kinds))
		among := []string{"pub", "priv", "com", "t", "k", "a", "n9"}
		check := func(step string) {
			t.Helper()
			all, err := f.s.Links(f.as(curator), ids, "", graph.Both)
			f.must(err, "%s: every link", step)
			for _, vc := range worldViewers {
				ctx := f.ctxFor(vc.viewerCase)
				ds, err := f.s.Documents(ctx, ids)
				f.must(err, "%s: Documents as %s", step, vc.name)
				canRead := map[string]bool{}
				for i, id := range ids {
					canRead[id] = !m.kinds[id].IsDocument() || ds[i] != nil
				}
				readable := func(id string) bool { return canRead[id] }
				visibleOf := func(id string) []graph.Link {
					var out []graph.Link
					for _, l := range all[id] {
						if readable(l.From) && readable(l.To) {
							out = append(out, l)
						}
					}
					return out
				}
				checkAdjacency(t, f.s, ctx, ids, among, readable, visibleOf, fmt.Sprintf("%s, as %s", step, vc.name))
			}
		}
		check("world")

		setVis := func(id string, vis graph.Visibility) {
			d := f.reread(id)
			_, err := f.s.UpdateDocument(f.sys(), id, graph.DocumentUpdate{Version: d.Version, Visibility: &vis})
			f.must(err, "set %s %s", id, vis)
		}
		setVis("priv", graph.VisibilityPublic)
		check("priv made PUBLIC")
		setVis("pub", graph.VisibilityCommunity)
		check("pub made COMMUNITY")
		setVis("pub", graph.VisibilityPublic)
		setVis("priv", graph.VisibilityPrivate)
		check("both back")
		// Between two visibilities that each hide the note from someone:
		// com's community members lose it, then get it back.
		setVis("com", graph.VisibilityPrivate)
		check("com made PRIVATE")
		setVis("com", graph.VisibilityCommunity)
		check("com back to COMMUNITY")
		_, err := f.s.SetHidden(f.as(curator), "com", true)
		f.must(err, "hide com")
		check("com hidden")
		_, err = f.s.SetHidden(f.as(curator), "com", false)
		f.must(err, "show com")
		check("com shown again")
		f.link(graph.RelOfCommunity, "priv", "c")
		setVis("priv", graph.VisibilityCommunity)
		check("priv made COMMUNITY in c")
		setVis("priv", graph.VisibilityPrivate)
		check("priv PRIVATE again")

		_, err = f.s.SetHidden(f.as(curator), "pub", true)
		f.must(err, "hide pub")
		check("pub hidden")
		setVis("pub", graph.VisibilityPublic) // an update while hidden
		check("pub updated while hidden")
		_, err = f.s.SetHidden(f.as(curator), "pub", false)
		f.must(err, "show pub")
		check("pub shown again")

		f.must(f.s.Unlink(f.sys(), graph.RelLinksTo, "pub", "priv"), "unlink pub→priv")
		f.link(graph.RelLinksTo, "pub", "priv")
		f.link(graph.RelLinksTo, "pub", "priv") // again: an update, not a second link
		f.link(graph.RelMentions, "com", "tpriv")
		check("links changed")

		f.note("n9", graph.VisibilityPrivate, "a")
		m.kinds["n9"] = graph.KindNote
		f.link(graph.RelLinksTo, "n9", "pub")
		f.link(graph.RelLinksTo, "com", "n9")
		ids = append(ids, "n9")
		check("n9 added")
		d := f.reread("n9")
		f.must(f.s.DeleteDocument(f.sys(), "n9", d.Version), "delete n9")
		ids = ids[:len(ids)-1]
		check("n9 deleted")
		f.note("n9", graph.VisibilityPublic, "m") // the id again, afresh
		f.link(graph.RelLinksTo, "pub", "n9")
		ids = append(ids, "n9")
		check("n9 reborn")
	})
}
