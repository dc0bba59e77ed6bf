package storetest

import (
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// testRevisionAt checks Revision(id, version) against the Revisions list,
// and that a hidden document's revisions are exactly as missing as an
// absent document's.
func testRevisionAt(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	f.contributor("a")
	f.contributor("x")
	d := f.doc(graph.Document{ID: "n", Title: "T1", Body: "B1\nB1 bis", Summary: "S1"}, "a")
	for _, u := range []graph.DocumentUpdate{{Title: ptr("T2")}, {Body: ptr("B3"), Summary: ptr("S3")}} {
		u.Version = d.Version
		var err error
		d, err = f.s.UpdateDocument(f.asC("a"), "n", u)
		f.must(err, "update")
	}
	f.note("priv", graph.VisibilityPrivate, "a")

	list, err := f.s.Revisions(f.anon(), "n", graph.Page{})
	f.must(err, "Revisions")
	for _, e := range list.Edges {
		want := e.Node
		got, err := f.s.Revision(f.anon(), "n", want.Version)
		if err != nil {
			t.Errorf("Revision(n, %d): %v", want.Version, err)
			continue
		}
		if got.DocumentID != "n" || got.Version != want.Version || got.Title != want.Title || got.Body != want.Body ||
			got.Summary != want.Summary || got.AuthorID != want.AuthorID || !got.At.Equal(want.At) || !slices.Equal(got.Changed, want.Changed) {
			t.Errorf("Revision(n, %d) = %+v, the list has %+v", want.Version, got, want)
		}
	}
	if len(list.Edges) != 3 {
		t.Fatalf("%d revisions, want 3", len(list.Edges))
	}
	for _, v := range []int{0, -1, 4, 1000} {
		_, err := f.s.Revision(f.anon(), "n", v)
		wantCode(t, err, graph.ENOTFOUND, "Revision(n, %d)", v)
	}
	for _, c := range []struct {
		name string
		v    graph.Viewer
		bare bool
	}{{"anonymous", anonymous, false}, {"outsider", contributorViewer("x"), false}, {"no viewer", graph.Viewer{}, true}} {
		ctx := f.as(c.v)
		if c.bare {
			ctx = f.anon()
		}
		_, errHidden := f.s.Revision(ctx, "priv", 1)
		_, errMissing := f.s.Revision(ctx, "nope", 1)
		wantLikeMissing(t, errHidden, "priv", errMissing, "nope", "%s: Revision of a hidden document", c.name)
	}
	for _, v := range []graph.Viewer{contributorViewer("a"), curator} {
		if rev, err := f.s.Revision(f.as(v), "priv", 1); err != nil || rev.Version != 1 {
			t.Errorf("%+v: Revision(priv, 1) = %+v, %v", v, rev, err)
		}
	}
	// A term's id is a document too; a contributor's is not.
	_, err = f.s.Revision(f.sys(), "a", 1)
	wantCode(t, err, graph.ENOTFOUND, "Revision of a contributor")
}
