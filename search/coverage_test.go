package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// scopeIDs runs Scope and returns its ids sorted.
func scopeOf(t *testing.T, ix *Index, r ScopeRequest) []string {
	t.Helper()
	got, err := ix.Scope(context.Background(), r)
	if err != nil {
		t.Fatalf("Scope(%q): %v", r.Query, err)
	}
	slices.Sort(got)
	return got
}

// allHits pages through Search to the end and returns the ids sorted.
func allHits(t *testing.T, ix *Index, r Request) []string {
	t.Helper()
	var out []string
	r.First = graph.MaxFirst
	for {
		res := search(t, ix, r)
		out = append(out, ids(res)...)
		if !res.HasNextPage {
			break
		}
		r.After = res.EndCursor
	}
	slices.Sort(out)
	return out
}

// Scope matches what Search matches, every page of it, for every viewer:
// the same words, filters and visibility clause.
func TestScopeIsEverySearchHit(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.contributor("bo")
	w.community("cercle")
	w.link(graph.RelMemberOf, "bo", "cercle")
	w.carnet("k")
	vis := []graph.Visibility{graph.VisibilityPublic, graph.VisibilityCommunity, graph.VisibilityPrivate}
	for i := range 230 {
		body := "Une note sur la cuisine."
		if i%4 == 0 {
			body = "La gouvernance des communs et la cuisine."
		}
		d := w.doc(graph.Document{ID: fmt.Sprintf("n%03d", i), Title: fmt.Sprintf("Note %d", i), Body: body, Visibility: vis[i%len(vis)]}, []string{"ana", "bo"}[i%2])
		if d.Visibility == graph.VisibilityCommunity {
			w.link(graph.RelOfCommunity, d.ID, "cercle")
		}
		if i%5 == 0 {
			w.link(graph.RelInCarnet, d.ID, "k")
		}
	}
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(context.Background(), s))

	viewers := []struct {
		name  string
		v     graph.Viewer
		comms []string
	}{
		{"anonymous", graph.Viewer{}, nil},
		{"ana", graph.Viewer{Role: graph.RoleContributor, ContributorID: "ana"}, nil},
		{"bo", graph.Viewer{Role: graph.RoleContributor, ContributorID: "bo"}, []string{"cercle"}},
		{"curator", graph.Viewer{Role: graph.RoleCurator}, nil},
	}
	for _, vc := range viewers {
		for _, c := range []struct {
			query  string
			filter Filter
		}{
			{"gouvernance", Filter{}},
			{"cuisine", Filter{}},
			{"cuisine", Filter{Carnets: []string{"k"}}},
			{"gouvernanse", Filter{}}, // a typo: matched with tolerance, as in Search
			{"-gouvernance cuisine", Filter{}},
		} {
			got := scopeOf(t, ix, ScopeRequest{Query: c.query, Filter: c.filter, Viewer: vc.v, ViewerCommunities: vc.comms})
			want := allHits(t, ix, Request{Query: c.query, Filter: c.filter, Viewer: vc.v, ViewerCommunities: vc.comms})
			if len(want) == 0 {
				t.Fatalf("%s, %q: the search finds nothing: the test proves nothing", vc.name, c.query)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s, %q %+v: Scope has %d ids, Search %d", vc.name, c.query, c.filter, len(got), len(want))
			}
		}
	}

	// A blank text is every document the viewer may read.
	for _, c := range []struct {
		v     graph.Viewer
		comms []string
		want  int
	}{
		{graph.Viewer{}, nil, 77}, // PUBLIC: i%3 == 0
		{graph.Viewer{Role: graph.RoleContributor, ContributorID: "bo"}, []string{"cercle"}, 77 + 77 + 38}, // + COMMUNITY + bo's PRIVATE (odd i, i%3 == 2)
		{graph.Viewer{Role: graph.RoleAdmin}, nil, 230},
	} {
		got := scopeOf(t, ix, ScopeRequest{Query: "  ", Viewer: c.v, ViewerCommunities: c.comms})
		if len(got) != c.want {
			t.Errorf("blank query for %+v: %d documents, want %d", c.v, len(got), c.want)
		}
	}
	got := scopeOf(t, ix, ScopeRequest{Filter: Filter{Carnets: []string{"k"}}, Viewer: graph.Viewer{Role: graph.RoleCurator}})
	if len(got) != 46 {
		t.Errorf("no text, carnet k: %d documents, want 46", len(got))
	}
	if got := scopeOf(t, ix, ScopeRequest{Query: "la les"}); len(got) != 0 {
		t.Errorf("stop words only: %d documents, want none", len(got))
	}
}

// A filter naming a term the viewer may not read matches nothing, as an
// unknown one does: the scope does not reveal what the term is on.
func TestScopeHiddenTermMatchesNothing(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.doc(graph.Document{ID: "secret", Kind: graph.KindTerm, Title: "Terme", Visibility: graph.VisibilityPrivate}, "ana")
	w.doc(graph.Document{ID: "pub", Title: "Note publique", Body: "jardin"}, "ana")
	w.link(graph.RelMentions, "pub", "secret")
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(context.Background(), s))
	f := Filter{Terms: []string{"secret"}}
	if got := scopeOf(t, ix, ScopeRequest{Query: "jardin", Filter: f}); len(got) != 0 {
		t.Errorf("anonymous, filter on a private term: %q, want nothing", got)
	}
	if got := scopeOf(t, ix, ScopeRequest{Query: "jardin", Filter: f, Viewer: graph.Viewer{Role: graph.RoleContributor, ContributorID: "ana"}}); !slices.Equal(got, []string{"pub"}) {
		t.Errorf("the term's author, filter on it: %q, want [pub]", got)
	}
}

func TestScopeBadInput(t *testing.T) {
	t.Parallel()
	ix := openIndex(t, t.TempDir(), nil)
	for _, r := range []ScopeRequest{
		{Query: "-seulement"},
		{Filter: Filter{Carnets: []string{"Not An Id"}}},
		{Filter: Filter{Standpoints: []Standpoint{{Dimension: "gender", Value: "x y"}}}},
	} {
		_, err := ix.Scope(context.Background(), r)
		wantCode(t, err, graph.EINVALID, fmt.Sprintf("Scope(%+v)", r))
	}
	ok(t, ix.Close())
	if _, err := ix.Scope(context.Background(), ScopeRequest{}); err == nil {
		t.Error("Scope on a closed index: no error")
	}
}
