package neo4j

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/neo4j/neo4jtest"
	"github.com/encommun/maillage/graph/store/storetest"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// testConfig locks a test server for t (see neo4jtest) and returns its
// configuration; t skips when none is configured.
func testConfig(t testing.TB) Config {
	t.Helper()
	s := neo4jtest.Acquire(t)
	return Config{URI: s.URI, User: s.User, Password: s.Password, Database: s.Database}
}

// TestConformance runs the store contract's suite against a real Neo4j.
// Each group of the suite locks a server of its own and runs beside the
// others; each test in it starts from an emptied database, so point
// MAILLAGE_TEST_NEO4J_URI at servers kept for tests.
//
// A group opens its store once and empties it for each test: Open sets up
// the schema in some thirty transactions, half a second on a loaded
// machine, against some 25 ms for emptying a test's graph, and the suite
// makes hundreds of stores. The Store keeps no state of its own between
// calls (the graph is all on the server), so a test sees what a freshly
// opened store would show it; Open itself is checked by every group.
func TestConformance(t *testing.T) {
	if len(neo4jtest.URIs()) == 0 {
		t.Skip(neo4jtest.Skip)
	}
	t.Parallel()
	storetest.RunGroups(t, func(t *testing.T) func(t *testing.T) graph.Store {
		s := openEmpty(t, testConfig(t))
		return func(t *testing.T) graph.Store { return emptied(t, s) }
	}, storetest.PropertySeeds(1), storetest.PropertyReaders(3))
	t.Run("Batch", func(t *testing.T) {
		t.Parallel()
		s, err := Open(t.Context(), testConfig(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		testBatch(t, s)
	})
	t.Run("Health", func(t *testing.T) {
		t.Parallel()
		testHealth(t, testConfig(t))
	})
}

// openEmpty opens the test database, emptied, for t.
func openEmpty(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("open %s: %v", redactURI(cfg.URI), err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return emptied(t, s)
}

// emptied empties s's database for t and returns s.
func emptied(t testing.TB, s *Store) *Store {
	t.Helper()
	if err := s.clearForTests(t.Context()); err != nil {
		t.Fatalf("clear the test database: %v", err)
	}
	return s
}

// testBatch loads a batch and reads it back through the one-by-one
// methods.
func testBatch(t *testing.T, s *Store) {
	ctx := graph.SystemContext(t.Context())
	if err := s.clearForTests(ctx); err != nil {
		t.Fatal(err)
	}
	published := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	b := graph.Batch{
		Contributors: []graph.Contributor{{ID: "ctb-a", Name: "A"}, {ID: "ctb-b", Name: "B"}},
		Communities:  []graph.Community{{ID: "com", Name: "Communauté"}},
		Carnets:      []graph.Carnet{{ID: "car", Title: "Carnet", Categories: []string{"bilan"}}},
		Documents: []graph.BatchDocument{
			{Document: graph.Document{ID: "n1", Kind: graph.KindNote, Title: "Une", Visibility: graph.VisibilityPublic, PublishedAt: &published}, AuthorIDs: []string{"ctb-a"}},
			{Document: graph.Document{ID: "n2", Kind: graph.KindNote, Title: "Deux", Visibility: graph.VisibilityCommunity}, AuthorIDs: []string{"ctb-b"}},
		},
		Links: []graph.Link{
			{Relation: graph.RelLinksTo, From: "n1", To: "n2"},
			{Relation: graph.RelInCarnet, From: "n1", To: "car", Category: "bilan"},
			{Relation: graph.RelInCarnet, From: "n2", To: "car"},
			{Relation: graph.RelOfCommunity, From: "n2", To: "com"},
			{Relation: graph.RelMemberOf, From: "ctb-a", To: "com"},
		},
		Declarations: []graph.Declaration{{ContributorID: "ctb-a", Dimension: "region", Value: "montreal", Visibility: graph.DeclPublic}},
	}
	before, err := s.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	after, err := s.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 6 nodes, 2 AUTHORED + 5 links, 1 declaration.
	if got := after - before; got != 14 {
		t.Errorf("a batch appended %d changes, want 14", got)
	}
	d, err := s.Document(graph.WithViewer(t.Context(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "ctb-a"}), "n2")
	if err != nil {
		t.Fatalf("a member reads a COMMUNITY note of the batch: %v", err)
	}
	if d.Version != 1 || d.Title != "Deux" {
		t.Errorf("batch document %+v", d)
	}
	if _, err := s.Document(t.Context(), "n2"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("anonymous read of a COMMUNITY note: %v, want NOT_FOUND", err)
	}
	m, err := s.Links(ctx, []string{"car"}, graph.RelInCarnet, graph.In)
	if err != nil {
		t.Fatal(err)
	}
	if ls := m["car"]; len(ls) != 2 || ls[0].From != "n1" || ls[0].Position != 1 || ls[1].Position != 2 {
		t.Errorf("carnet entries %+v, want n1 at 1 and n2 at 2", ls)
	}
	if err := s.LoadBatch(ctx, graph.Batch{Contributors: []graph.Contributor{{ID: "ctb-a", Name: "Again"}}}); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("a batch reusing an id: %v, want CONFLICT", err)
	}
	if err := s.LoadBatch(graph.WithViewer(t.Context(), graph.Viewer{Role: graph.RoleCurator}), b); graph.ErrorCode(err) != graph.EFORBIDDEN {
		t.Errorf("a batch loaded by a curator: %v, want FORBIDDEN", err)
	}
	// Each bad batch is refused whole, with the code the one-by-one
	// methods give, and writes nothing.
	n3 := graph.BatchDocument{Document: graph.Document{ID: "n3", Kind: graph.KindNote, Title: "Trois", Visibility: graph.VisibilityPublic}}
	for _, c := range []struct {
		name string
		b    graph.Batch
		code string
	}{
		{"no id", graph.Batch{Contributors: []graph.Contributor{{Name: "Sans id"}}}, graph.EINVALID},
		{"an invalid node", graph.Batch{Carnets: []graph.Carnet{{ID: "car2"}}}, graph.EINVALID},
		{"an id given twice", graph.Batch{KnowledgeBases: []graph.KnowledgeBase{{ID: "kb", Name: "Base"}, {ID: "kb", Name: "Base"}}}, graph.ECONFLICT},
		{"an author who is not there", graph.Batch{Documents: []graph.BatchDocument{{Document: n3.Document, AuthorIDs: []string{"personne"}}}}, graph.ENOTFOUND},
		{"a link to no node", graph.Batch{Links: []graph.Link{{Relation: graph.RelLinksTo, From: "n1", To: "ailleurs"}}}, graph.ENOTFOUND},
		{"a link given twice", graph.Batch{Documents: []graph.BatchDocument{n3},
			Links: []graph.Link{{Relation: graph.RelLinksTo, From: "n3", To: "n1"}, {Relation: graph.RelLinksTo, From: "n3", To: "n1"}}}, graph.EINVALID},
		{"a category the carnet lacks", graph.Batch{Links: []graph.Link{{Relation: graph.RelInCarnet, From: "n2", To: "car", Category: "outil"}}}, graph.EINVALID},
		{"a declaration without visibility", graph.Batch{Declarations: []graph.Declaration{{ContributorID: "ctb-b", Dimension: "region", Value: "quebec"}}}, graph.EINVALID},
		{"a declaration of no contributor", graph.Batch{Declarations: []graph.Declaration{{ContributorID: "n1", Dimension: "region", Value: "quebec", Visibility: graph.DeclPublic}}}, graph.ENOTFOUND},
	} {
		if err := s.LoadBatch(ctx, c.b); graph.ErrorCode(err) != c.code {
			t.Errorf("a batch with %s: %v, want %s", c.name, err, c.code)
		}
	}
	if seq, err := s.LastSeq(ctx); err != nil || seq != after {
		t.Errorf("refused batches moved the sequence from %d to %d (%v)", after, seq, err)
	}
	// A later batch files entries after those the carnet holds.
	if err := s.LoadBatch(ctx, graph.Batch{Documents: []graph.BatchDocument{n3},
		Links: []graph.Link{{Relation: graph.RelInCarnet, From: "n3", To: "car"}}}); err != nil {
		t.Fatal(err)
	}
	m, err = s.Links(ctx, []string{"n3"}, graph.RelInCarnet, graph.Out)
	if err != nil {
		t.Fatal(err)
	}
	if ls := m["n3"]; len(ls) != 1 || ls[0].Position != 3 {
		t.Errorf("a later carnet entry %+v, want position 3", ls)
	}
}

// testHealth checks the health probe and the credentials check.
func testHealth(t *testing.T, cfg Config) {
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Health(t.Context()); err != nil {
		t.Fatal(err)
	}
	bad := cfg
	bad.Password += "-wrong"
	if _, err := Open(t.Context(), bad); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Open with a wrong password: %v, want ErrUnauthorized", err)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The tests below need no server.

func TestOpenRefusesBadConfig(t *testing.T) {
	t.Parallel()
	for _, uri := range []string{"", "http://localhost:7474", "localhost:7687", "::"} {
		if _, err := Open(t.Context(), Config{URI: uri}); !errors.Is(err, ErrConfig) {
			t.Errorf("Open(%q): %v, want ErrConfig", uri, err)
		}
	}
}

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	// Port 1 on the loopback interface: nothing listens there, so the
	// connection is refused at once.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := Open(ctx, Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x",
		ConnectTimeout: time.Second, AcquireTimeout: 2 * time.Second})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Open on a closed port: %v, want ErrUnreachable", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Open took %v to give up on a closed port", d)
	}
}

func TestOpenErrorClassifiesCredentials(t *testing.T) {
	t.Parallel()
	c := Config{URI: "neo4j+s://user:secret@example.invalid:7687", User: "neo4j"}
	err := openError(c, &neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized", Msg: "bad"})
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Unauthorized: %v, want ErrUnauthorized", err)
	}
	if err := openError(c, errors.New("dial tcp: connection refused")); !errors.Is(err, ErrUnreachable) {
		t.Errorf("connection refused: %v, want ErrUnreachable", err)
	}
	for _, err := range []error{err, openError(c, errors.New("x"))} {
		if s := err.Error(); strings.Contains(s, "secret") {
			t.Errorf("an Open error shows the URI's password: %s", s)
		}
	}
}

func TestMapError(t *testing.T) {
	t.Parallel()
	s := &Store{log: discardLogger()}
	ctx := t.Context()
	domain := graph.Errorf(graph.EFORBIDDEN, "no")
	if got := s.mapError(ctx, domain); got != error(domain) {
		t.Errorf("a domain error is changed: %v", got)
	}
	constraint := &neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed", Msg: "Node(12) already exists with label `Node` and property `id` = 'x'"}
	got := s.mapError(ctx, constraint)
	if graph.ErrorCode(got) != graph.ECONFLICT {
		t.Errorf("a constraint violation: %v, want CONFLICT", got)
	}
	if msg := graph.ErrorMessage(got); strings.Contains(msg, "Node(12)") {
		t.Errorf("a constraint violation's message reaches the caller: %q", msg)
	}
	for _, err := range []error{
		&neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable", Msg: "down"},
		&neo4j.ConnectivityError{Inner: errors.New("EOF")},
		&neo4j.TransactionExecutionLimit{Cause: "timeout"},
	} {
		got := s.mapError(ctx, err)
		if !errors.Is(got, ErrUnavailable) || graph.ErrorCode(got) != graph.EINTERNAL {
			t.Errorf("%T %v: %v, want INTERNAL wrapping ErrUnavailable", err, err, got)
		}
		// The caller learns the store is unavailable, in our words, and
		// nothing of the driver's.
		if msg := graph.ErrorMessage(got); msg != graph.ErrorMessage(graph.ErrUnavailable) || strings.Contains(msg, "EOF") || strings.Contains(msg, "down") {
			t.Errorf("%T: message %q reaches the caller, want %q", err, msg, graph.ErrorMessage(graph.ErrUnavailable))
		}
	}
	syntax := &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "Invalid input"}
	if got := s.mapError(ctx, syntax); graph.ErrorCode(got) != graph.EINTERNAL || errors.Is(got, ErrUnavailable) {
		t.Errorf("a syntax error: %v, want a plain INTERNAL", got)
	}
}

func TestRunChecksParameters(t *testing.T) {
	t.Parallel()
	if _, err := run(t.Context(), nil, "MATCH (n) RETURN n", nil); err == nil {
		t.Error("run accepted a statement that is not in the registry")
	}
	if _, err := run(t.Context(), nil, lastSeq, map[string]any{"sequence": "x", "extra": 1}); err == nil {
		t.Error("run accepted an undeclared parameter")
	}
	if _, err := run(t.Context(), nil, lastSeq, map[string]any{}); err == nil {
		t.Error("run accepted a missing parameter")
	}
}

func TestSortKeysOrderLikeGo(t *testing.T) {
	t.Parallel()
	// Hex keeps the byte order of the folded titles, which is the order
	// graph.Paginate uses, whatever Neo4j's own string order is.
	titles := []string{"Éducation", "education", "zèbre", "Ärger", "emoji 😀", "\ue000 private"}
	for _, a := range titles {
		for _, b := range titles {
			da, db := graph.Document{Title: a}, graph.Document{Title: b}
			o := graph.DocumentOrder{Field: graph.OrderTitle}
			want := compare(o.SortKey(&da), o.SortKey(&db))
			if got := compare(sortKey(graph.OrderTitle, &da), sortKey(graph.OrderTitle, &db)); got != want {
				t.Errorf("%q vs %q: hex keys compare %d, titles %d", a, b, got, want)
			}
		}
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestMigrateIssue15 gives the graph what it held before issue #15 (a
// profile region on contributors, revisions without a visibility) and
// opens it again: the regions are gone, a declaration stays as declared,
// and the draft a PRIVATE note had before it was made PUBLIC stays PRIVATE.
func TestMigrateIssue15(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	s := openEmpty(t, cfg)
	sys := graph.SystemContext(t.Context())
	as := func(id string) context.Context {
		return graph.WithViewer(t.Context(), graph.Viewer{Role: graph.RoleContributor, ContributorID: id})
	}
	for _, id := range []string{"ana", "bea"} {
		if _, err := s.CreateContributor(sys, graph.Contributor{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DeclareStandpoint(as("ana"), graph.Declaration{ContributorID: "ana", Dimension: "region", Value: "montreal", Visibility: graph.DeclAggregate}); err != nil {
		t.Fatal(err)
	}
	d, err := s.CreateDocument(sys, graph.Document{ID: "draft", Kind: graph.KindNote, Title: "Brouillon", Language: "fr", Visibility: graph.VisibilityPrivate}, []string{"ana"})
	if err != nil {
		t.Fatal(err)
	}
	if d, err = s.UpdateDocument(as("ana"), "draft", graph.DocumentUpdate{Version: d.Version, Body: ptrTo("Secret.")}); err != nil {
		t.Fatal(err)
	}
	pub := graph.VisibilityPublic
	if _, err = s.UpdateDocument(as("ana"), "draft", graph.DocumentUpdate{Version: d.Version, Visibility: &pub, Body: ptrTo("Public.")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDocument(sys, graph.Document{ID: "open", Kind: graph.KindNote, Title: "Ouverte", Language: "fr", Visibility: pub}, []string{"bea"}); err != nil {
		t.Fatal(err)
	}
	err = s.update(sys, func(w *writer) error {
		for id, region := range map[string]string{"ana": "montreal", "bea": "estrie"} {
			if _, err := w.run(legacyRegionForTests, map[string]any{"id": id, "region": region}); err != nil {
				return err
			}
		}
		_, err := w.run(legacyRevisionsForTests, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	s2, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	left := 0
	err = s2.view(sys, func(r *reader) error {
		recs, err := r.run(allOfKind, map[string]any{"kind": string(graph.KindContributor)})
		for _, rec := range recs {
			n, _ := rec.Get("node")
			if m, _ := n.(map[string]any); m["region"] != nil {
				left++
			}
		}
		return err
	})
	if err != nil || left != 0 {
		t.Errorf("%d contributors keep a region after the migration (%v)", left, err)
	}
	decls, err := s2.Declarations(as("ana"), []string{"ana"})
	if err != nil || len(decls["ana"]) != 1 || decls["ana"][0].Visibility != graph.DeclAggregate {
		t.Errorf("ana's declarations after the migration: %+v, %v", decls["ana"], err)
	}
	anon := t.Context()
	revs, err := s2.Revisions(anon, "draft", graph.Page{})
	if err != nil || len(revs.Edges) != 1 || revs.Edges[0].Node.Version != 3 {
		t.Errorf("anonymous reads revisions of draft after the migration: %+v, %v", revs, err)
	}
	if revs, err := s2.Revisions(as("ana"), "draft", graph.Page{}); err != nil || len(revs.Edges) != 3 {
		t.Errorf("the author reads revisions of draft after the migration: %+v, %v", revs, err)
	}
	if revs, err := s2.Revisions(anon, "open", graph.Page{}); err != nil || len(revs.Edges) != 1 {
		t.Errorf("revisions of an always public note after the migration: %+v, %v", revs, err)
	}
}

func ptrTo[T any](v T) *T { return &v }
