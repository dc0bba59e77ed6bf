package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// testCarnetPositions replays issue #15 item 4: the positions a viewer is
// shown are ranks among the carnet entries that viewer may read (1..n), so
// that neither their gaps nor a new entry's position reveal hidden ones.
func testCarnetPositions(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	for _, id := range []string{"a", "x", "y"} {
		f.contributor(id)
	}
	f.community("m")
	f.carnet("k")
	f.note("p1", graph.VisibilityPublic, "a")
	f.note("hid", graph.VisibilityPrivate, "x")
	f.note("p2", graph.VisibilityPublic, "a")
	f.note("com", graph.VisibilityCommunity, "a")
	f.link(graph.RelOfCommunity, "com", "m")
	f.link(graph.RelMemberOf, "x", "m")
	f.note("p3", graph.VisibilityPublic, "a")
	for _, id := range []string{"p1", "hid", "p2", "com", "p3"} {
		f.link(graph.RelInCarnet, id, "k") // stored positions 1..5
	}
	shown := func(v graph.Viewer) map[string]int {
		t.Helper()
		m, err := f.s.Links(f.as(v), []string{"k"}, graph.RelInCarnet, graph.In)
		f.must(err, "Links(k)")
		out := map[string]int{}
		for _, l := range m["k"] {
			out[l.From] = l.Position
		}
		conn, err := f.s.Neighbours(f.as(v), "k", graph.RelInCarnet, graph.In, graph.Page{})
		f.must(err, "Neighbours(k)")
		for i, e := range conn.Edges {
			if e.Node.Position != i+1 || out[e.Node.From] != e.Node.Position {
				t.Errorf("%v: Neighbours(k) edge %d is %s at %d, Links has it at %d", v, i, e.Node.From, e.Node.Position, out[e.Node.From])
			}
		}
		for id, want := range out {
			m, err := f.s.Links(f.as(v), []string{id}, graph.RelInCarnet, graph.Out)
			f.must(err, "Links(%s)", id)
			if len(m[id]) != 1 || m[id][0].Position != want {
				t.Errorf("%v: Links(%s, OUT) = %+v, want position %d as from the carnet", v, id, m[id], want)
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		v    graph.Viewer
		want map[string]int
	}{
		{"anonymous", anonymous, map[string]int{"p1": 1, "p2": 2, "p3": 3}},
		{"outsider", contributorViewer("y"), map[string]int{"p1": 1, "p2": 2, "p3": 3}},
		{"author of the private note, member of the community", contributorViewer("x"), map[string]int{"p1": 1, "hid": 2, "p2": 3, "com": 4, "p3": 5}},
		{"curator", curator, map[string]int{"p1": 1, "hid": 2, "p2": 3, "com": 4, "p3": 5}},
	} {
		got := shown(c.v)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s is shown positions %v, want %v", c.name, got, c.want)
		}
	}

	// y files a note of theirs: it goes last, and is shown after the
	// three entries y may read, not after the five there are.
	f.note("mine", graph.VisibilityPublic, "y")
	l, err := f.s.Link(f.asC("y"), graph.Link{Relation: graph.RelInCarnet, From: "mine", To: "k"})
	f.must(err, "y files mine")
	if l.Position != 4 {
		t.Errorf("a new entry is shown at position %d to its filer, want 4 (hidden entries counted)", l.Position)
	}
	if got := shown(contributorViewer("y")); got["mine"] != 4 {
		t.Errorf("y is shown %v", got)
	}
	if got := shown(curator); got["mine"] != 6 {
		t.Errorf("the curator is shown %v", got)
	}
	// The system reads stored positions: backups restore them exactly.
	m, err := f.s.Links(f.sys(), []string{"k"}, graph.RelInCarnet, graph.In)
	f.must(err, "Links as the system")
	for _, l := range m["k"] {
		if l.From == "mine" && l.Position != 6 {
			t.Errorf("stored position of mine = %d, want 6", l.Position)
		}
	}
}

// testRevisionVisibility replays issue #15 item 6: a revision is readable
// by whoever could read the note when it was written (its authors and
// curators always), so a draft written while the note was PRIVATE or
// COMMUNITY does not become public history once the note is made PUBLIC.
func testRevisionVisibility(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	for _, id := range []string{"a", "x", "mm"} {
		f.contributor(id)
	}
	f.community("m")
	f.link(graph.RelMemberOf, "mm", "m")
	pub, com := graph.VisibilityPublic, graph.VisibilityCommunity
	// draft: v1 PRIVATE, v2 PRIVATE with a secret, v3 made COMMUNITY,
	// v4 made PUBLIC.
	d := f.note("draft", graph.VisibilityPrivate, "a")
	f.link(graph.RelOfCommunity, "draft", "m")
	for _, u := range []graph.DocumentUpdate{
		{Body: ptr("Brouillon : secret.")},
		{Visibility: &com, Body: ptr("Pour la communauté.")},
		{Visibility: &pub, Body: ptr("Pour tout le monde.")},
	} {
		u.Version = d.Version
		var err error
		d, err = f.s.UpdateDocument(f.asC("a"), "draft", u)
		f.must(err, "update draft")
	}
	for _, c := range []struct {
		name string
		v    graph.Viewer
		want []int // newest first
	}{
		{"anonymous", anonymous, []int{4}},
		{"outsider", contributorViewer("x"), []int{4}},
		{"community member", contributorViewer("mm"), []int{4, 3}},
		{"author", contributorViewer("a"), []int{4, 3, 2, 1}},
		{"curator", curator, []int{4, 3, 2, 1}},
	} {
		conn, err := f.s.Revisions(f.as(c.v), "draft", graph.Page{})
		f.must(err, "%s: Revisions", c.name)
		var got []int
		for _, e := range conn.Edges {
			got = append(got, e.Node.Version)
		}
		if !slices.Equal(got, c.want) || conn.TotalCount != len(c.want) {
			t.Errorf("%s reads revisions %v (total %d), want %v", c.name, got, conn.TotalCount, c.want)
		}
		_, errMissing := f.s.Revision(f.as(c.v), "draft", 99)
		for v := 1; v <= 4; v++ {
			rev, err := f.s.Revision(f.as(c.v), "draft", v)
			switch {
			case slices.Contains(c.want, v) && err != nil:
				t.Errorf("%s: Revision(draft, %d): %v", c.name, v, err)
			case slices.Contains(c.want, v) && rev.Version != v:
				t.Errorf("%s: Revision(draft, %d) = version %d", c.name, v, rev.Version)
			case !slices.Contains(c.want, v):
				wantCode(t, err, graph.ENOTFOUND, "%s: Revision(draft, %d) written for others", c.name, v)
				if err != nil && errMissing != nil && msgShape(err, fmt.Sprint(v)) != msgShape(errMissing, "99") {
					t.Errorf("%s: an unreadable revision says %q, a missing one %q", c.name, err, errMissing)
				}
			}
		}
	}
}

// testProfileRepeatsNoStandpoint guards issue #15 item 3: a standpoint
// exists once, in its declaration. Whatever a contributor declared, and
// with whatever visibility, no read of the contributor's profile repeats
// the value, to anyone: before the issue the profile kept a region of its
// own, shown to everyone whatever its owner had declared.
func testProfileRepeatsNoStandpoint(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	f.contributor("p")
	f.contributor("q")
	for _, d := range []graph.Declaration{
		{ContributorID: "p", Dimension: "region", Value: "abitibi-temiscamingue", Visibility: graph.DeclAggregate},
		{ContributorID: "p", Dimension: "migration", Value: "refugee", Visibility: graph.DeclPrivate},
		{ContributorID: "p", Dimension: "sector", Value: "libraries", Visibility: graph.DeclPublic},
	} {
		_, err := f.s.DeclareStandpoint(f.asC("p"), d)
		f.must(err, "declare %s", d.Value)
	}
	for _, v := range []graph.Viewer{anonymous, contributorViewer("q"), contributorViewer("p"), curator, {Role: graph.RoleAdmin}} {
		ctx := f.as(v)
		var profiles []*graph.Contributor
		c, err := f.s.Contributor(ctx, "p")
		f.must(err, "Contributor")
		profiles = append(profiles, c)
		cs, err := f.s.Contributors(ctx, []string{"p"})
		f.must(err, "Contributors")
		profiles = append(profiles, cs...)
		list, err := f.s.ListContributors(ctx, graph.Page{})
		f.must(err, "ListContributors")
		profiles = append(profiles, list.Nodes()...)
		for _, c := range profiles {
			text := fmt.Sprintf("%+v", *c)
			for _, value := range []string{"abitibi-temiscamingue", "refugee", "libraries"} {
				if strings.Contains(text, value) {
					t.Errorf("%v reads a profile that repeats the standpoint %q: %s", v, value, text)
				}
			}
		}
	}
}
