package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// openTemp opens a fresh store in a temporary directory, with a clock that
// ticks one millisecond per call so that creation orders are distinct.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	tickClock(s)
	return s
}

func tickClock(s *Store) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time {
		at = at.Add(time.Millisecond)
		return at
	}
}

var sys = graph.SystemContext(context.Background())

func as(v graph.Viewer) context.Context { return graph.WithViewer(context.Background(), v) }

func asC(id string) context.Context {
	return as(graph.Viewer{Role: graph.RoleContributor, ContributorID: id})
}

var anon = context.Background()

// must unwraps the result of a call that is set-up, not the subject of a
// test; Go cannot pass a call's two results along with t, so a failure
// panics, which still fails the test with a stack.
func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code string, what string) {
	t.Helper()
	if got := graph.ErrorCode(err); got != code {
		t.Errorf("%s: got %s (%v), want %s", what, got, err, code)
	}
}

func mkContributor(t testing.TB, s *Store, id string) *graph.Contributor {
	t.Helper()
	return must(s.CreateContributor(sys, graph.Contributor{ID: id, Name: "Personne " + id}))
}

func mkNote(t testing.TB, s *Store, id string, vis graph.Visibility, authors ...string) *graph.Document {
	t.Helper()
	return must(s.CreateDocument(sys, graph.Document{ID: id, Kind: graph.KindNote, Title: "Note " + id,
		Body: "Corps de " + id, Language: "fr", Visibility: vis}, authors))
}

func mkLink(t testing.TB, s *Store, rel graph.Relation, from, to string) {
	t.Helper()
	must(s.Link(sys, graph.Link{Relation: rel, From: from, To: to}))
}

func ptr[T any](x T) *T { return &x }

func lastSeq(t testing.TB, s *Store) uint64 {
	t.Helper()
	return must(s.LastSeq(sys))
}
