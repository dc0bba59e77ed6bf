package search

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// The tests use real parts: a Bleve index and the embedded store, each in
// t.TempDir().

var sys = graph.SystemContext(context.Background())

// testLogger sends the index's log lines to a buffer the test can read.
type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func openIndex(t testing.TB, dir string, logs io.Writer) *Index {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	ix, err := Open(dir, Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix
}

func openStore(t testing.TB, dir string) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code, what string) {
	t.Helper()
	if got := graph.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %s), want %s", what, err, got, code)
	}
}

// world writes a small graph into a store, failing the test on any error.
type world struct {
	t testing.TB
	s graph.Store
}

func (w world) contributor(id string) {
	w.t.Helper()
	_, err := w.s.CreateContributor(sys, graph.Contributor{ID: id, Name: "Personne " + id})
	ok(w.t, err)
}

func (w world) community(id string) {
	w.t.Helper()
	_, err := w.s.Communities().Create(sys, graph.Community{ID: id, Name: "Communauté " + id})
	ok(w.t, err)
}

func (w world) carnet(id string) {
	w.t.Helper()
	_, err := w.s.Carnets().Create(sys, graph.Carnet{ID: id, Title: "Carnet " + id})
	ok(w.t, err)
}

// doc creates a document; zero fields get defaults (a French public note).
func (w world) doc(d graph.Document, authors ...string) *graph.Document {
	w.t.Helper()
	if d.Kind == "" {
		d.Kind = graph.KindNote
	}
	if d.Language == "" {
		d.Language = "fr"
	}
	if d.Visibility == "" {
		d.Visibility = graph.VisibilityPublic
	}
	out, err := w.s.CreateDocument(sys, d, authors)
	ok(w.t, err)
	return out
}

func (w world) link(rel graph.Relation, from, to string) {
	w.t.Helper()
	_, err := w.s.Link(sys, graph.Link{Relation: rel, From: from, To: to})
	ok(w.t, err)
}

func (w world) declare(contributor, dim, value string, vis graph.DeclarationVisibility) {
	w.t.Helper()
	ctx := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: contributor})
	_, err := w.s.DeclareStandpoint(ctx, graph.Declaration{ContributorID: contributor, Dimension: dim, Value: value, Visibility: vis})
	ok(w.t, err)
}

// search runs q for v and fails the test on error.
func search(t testing.TB, ix *Index, r Request) *Result {
	t.Helper()
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("search %q: %v", r.Query, err)
	}
	return res
}

func ids(res *Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func hasID(res *Result, id string) bool {
	for _, h := range res.Hits {
		if h.ID == id {
			return true
		}
	}
	return false
}

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}
