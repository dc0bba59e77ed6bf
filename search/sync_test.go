package search

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// lastApplied returns the index's last applied Seq, failing if it was never
// built.
func lastApplied(t *testing.T, ix *Index) uint64 {
	t.Helper()
	seq, built, err := ix.LastApplied()
	ok(t, err)
	if !built {
		t.Fatal("index was never built")
	}
	return seq
}

func storeSeq(t *testing.T, s graph.Store) uint64 {
	t.Helper()
	seq, err := s.LastSeq(sys)
	ok(t, err)
	return seq
}

func liveName(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	ok(t, err)
	return strings.TrimSpace(string(b))
}

// find returns the ids a curator finds for query with filter f.
func find(t *testing.T, ix *Index, query string, f Filter) []string {
	t.Helper()
	res := search(t, ix, Request{Query: query, Filter: f, Viewer: graph.Viewer{Role: graph.RoleCurator}, First: graph.MaxFirst})
	out := ids(res)
	slices.Sort(out)
	return out
}

func TestCatchUpFollowsEveryKindOfChange(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.contributor("ben")
	w.community("quartier")
	w.carnet("atelier")
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))
	step := func(what string) {
		t.Helper()
		ok(t, ix.CatchUp(t.Context(), s))
		if got, want := lastApplied(t, ix), storeSeq(t, s); got != want {
			t.Fatalf("after %s: index at %d, store at %d", what, got, want)
		}
	}
	expect := func(what, query string, f Filter, want ...string) {
		t.Helper()
		if got := find(t, ix, query, f); !slices.Equal(got, want) {
			t.Errorf("after %s: %q %+v → %q, want %q", what, query, f, got, want)
		}
	}

	d := w.doc(graph.Document{ID: "n1", Title: "Jardins collectifs", Body: "Cultiver ensemble."}, "ana")
	step("create")
	expect("create", "jardins", Filter{}, "n1")

	title := "Potagers partagés"
	d, err := s.UpdateDocument(sys, d.ID, graph.DocumentUpdate{Version: d.Version, Title: &title})
	ok(t, err)
	step("update")
	expect("update", "jardins", Filter{})
	expect("update", "potagers", Filter{}, "n1")

	w.link(graph.RelOfCommunity, "n1", "quartier")
	w.link(graph.RelInCarnet, "n1", "atelier")
	w.link(graph.RelAuthored, "ben", "n1")
	step("link")
	expect("link community", "potagers", Filter{Communities: []string{"quartier"}}, "n1")
	expect("link carnet", "potagers", Filter{Carnets: []string{"atelier"}}, "n1")
	expect("link author", "potagers", Filter{Authors: []string{"ben"}}, "n1")

	// Declarations are the authors', not the document's: changing one
	// reindexes the documents they wrote.
	region := Filter{Standpoints: []Standpoint{{"region", "outaouais"}}}
	w.declare("ben", "region", "outaouais", graph.DeclPublic)
	step("declare public")
	expect("declare public", "potagers", region, "n1")
	w.declare("ben", "region", "outaouais", graph.DeclPrivate)
	step("make private")
	expect("make private", "potagers", region)
	w.declare("ben", "region", "outaouais", graph.DeclPublic)
	step("public again")
	expect("public again", "potagers", region, "n1")
	ctxBen := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "ben"})
	ok(t, s.WithdrawStandpoint(ctxBen, "ben", "region", "outaouais"))
	step("withdraw")
	expect("withdraw", "potagers", region)

	// A term deleted: documents that mentioned it lose its id.
	w.doc(graph.Document{ID: "t1", Kind: graph.KindTerm, Title: "Agriculture urbaine"}, "ana")
	w.link(graph.RelMentions, "n1", "t1")
	step("mention")
	expect("mention", "potagers", Filter{Terms: []string{"t1"}}, "n1")
	term, err := s.Document(sys, "t1")
	ok(t, err)
	ok(t, s.DeleteDocument(sys, "t1", term.Version))
	step("delete term")
	expect("delete term", "potagers", Filter{Terms: []string{"t1"}})
	expect("delete term", "agriculture", Filter{})

	ok(t, s.Unlink(sys, graph.RelOfCommunity, "n1", "quartier"))
	step("unlink")
	expect("unlink", "potagers", Filter{Communities: []string{"quartier"}})

	// A community deleted with documents still tied to it.
	w.link(graph.RelOfCommunity, "n1", "quartier")
	step("relink")
	com, err := s.Communities().Get(sys, "quartier")
	ok(t, err)
	ok(t, s.Communities().Delete(sys, "quartier", com.Version))
	step("delete community")
	expect("delete community", "potagers", Filter{Communities: []string{"quartier"}})

	// A contributor deleted: the documents stay, without that author.
	w.declare("ben", "generation", "50-64", graph.DeclPublic)
	step("declare")
	ben, err := s.Contributor(sys, "ben")
	ok(t, err)
	ok(t, s.DeleteContributor(sys, "ben", ben.Version))
	step("delete contributor")
	expect("delete contributor", "potagers", Filter{Authors: []string{"ben"}})
	expect("delete contributor", "potagers", Filter{Standpoints: []Standpoint{{"generation", "50-64"}}})
	expect("delete contributor", "potagers", Filter{Authors: []string{"ana"}}, "n1")

	cur, err := s.Document(sys, "n1")
	ok(t, err)
	ok(t, s.DeleteDocument(sys, "n1", cur.Version))
	step("delete")
	expect("delete", "potagers", Filter{})
}

// TestCatchUpAfterCrash writes to the store without updating the index, as
// a process killed between the store commit and the index update would,
// then reopens the index: CatchUp converges from the recorded sequence,
// without a rebuild.
func TestCatchUpAfterCrash(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.doc(graph.Document{ID: "a", Title: "Cuisine collective"}, "ana")
	w.doc(graph.Document{ID: "b", Title: "Cuisine de rue"}, "ana")
	dir := t.TempDir()
	ix := openIndex(t, dir, nil)
	ok(t, ix.CatchUp(t.Context(), s))
	seqBefore := lastApplied(t, ix)
	partBefore := liveName(t, dir)

	// The store moves on; the index does not hear of it.
	w.doc(graph.Document{ID: "c", Title: "Cuisine du monde"}, "ana")
	b, err := s.Document(sys, "b")
	ok(t, err)
	ok(t, s.DeleteDocument(sys, "b", b.Version))
	w.declare("ana", "region", "estrie", graph.DeclPublic)
	ok(t, ix.Close())

	logs := &logBuf{}
	ix = openIndex(t, dir, logs)
	if got := lastApplied(t, ix); got != seqBefore {
		t.Fatalf("reopened index at seq %d, want %d", got, seqBefore)
	}
	if got := find(t, ix, "cuisine", Filter{}); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("before catch-up: %q", got)
	}
	ok(t, ix.CatchUp(t.Context(), s))
	if got, want := lastApplied(t, ix), storeSeq(t, s); got != want {
		t.Errorf("after catch-up: index at %d, store at %d", got, want)
	}
	if got := find(t, ix, "cuisine", Filter{}); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("after catch-up: %q, want a c", got)
	}
	if got := find(t, ix, "cuisine", Filter{Standpoints: []Standpoint{{"region", "estrie"}}}); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("after catch-up, standpoint: %q, want a c", got)
	}
	if liveName(t, dir) != partBefore || strings.Contains(logs.String(), "rebuil") {
		t.Errorf("catch-up rebuilt the index; logs:\n%s", logs)
	}
}

func TestFormatMismatchRebuilds(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.doc(graph.Document{ID: "a", Title: "Habitat coopératif"}, "ana")
	dir := t.TempDir()
	ix := openIndex(t, dir, nil)
	ok(t, ix.CatchUp(t.Context(), s))
	old := liveName(t, dir)
	ok(t, ix.Close())

	// An index written by another version of the mapping.
	idx, err := bleve.Open(filepath.Join(dir, old))
	ok(t, err)
	batch := idx.NewBatch()
	batch.SetInternal(keyFormat, []byte("v0:an-older-mapping"))
	ok(t, durably(idx, batch))
	ok(t, idx.Close())

	logs := &logBuf{}
	ix = openIndex(t, dir, logs)
	if !strings.Contains(logs.String(), "format differs") {
		t.Errorf("no log line about the format; logs:\n%s", logs)
	}
	if _, built, _ := ix.LastApplied(); built {
		t.Error("an index of another format was kept")
	}
	if got := find(t, ix, "habitat", Filter{}); len(got) != 0 {
		t.Errorf("search before rebuild: %q", got)
	}
	ok(t, ix.CatchUp(t.Context(), s))
	if got := find(t, ix, "habitat", Filter{}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after rebuild: %q", got)
	}
	if !strings.Contains(logs.String(), "search index rebuilt") {
		t.Errorf("no rebuild log line; logs:\n%s", logs)
	}
	if _, err := os.Stat(filepath.Join(dir, old)); !os.IsNotExist(err) {
		t.Errorf("old index %s still there: %v", old, err)
	}
}

func TestUnreadableIndexRebuilds(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	world{t, s}.contributor("ana")
	world{t, s}.doc(graph.Document{ID: "a", Title: "Friperie solidaire"}, "ana")
	dir := t.TempDir()
	ok(t, os.MkdirAll(filepath.Join(dir, partPrefix+"broken"), 0o700))
	ok(t, os.WriteFile(filepath.Join(dir, partPrefix+"broken", "index_meta.json"), []byte("{not json"), 0o600))
	ok(t, os.WriteFile(filepath.Join(dir, currentFile), []byte(partPrefix+"broken\n"), 0o600))
	logs := &logBuf{}
	ix := openIndex(t, dir, logs)
	if !strings.Contains(logs.String(), "unreadable") {
		t.Errorf("no log line; logs:\n%s", logs)
	}
	ok(t, ix.CatchUp(t.Context(), s))
	if got := find(t, ix, "friperie", Filter{}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after rebuild: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, partPrefix+"broken")); !os.IsNotExist(err) {
		t.Errorf("broken index still there")
	}
}

func TestStoreBehindIndexRebuilds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s1 := openStore(t, t.TempDir())
	world{t, s1}.contributor("ana")
	for i := range 5 {
		world{t, s1}.doc(graph.Document{ID: fmt.Sprintf("d%d", i), Title: "Ancien magasin"}, "ana")
	}
	ix := openIndex(t, dir, nil)
	ok(t, ix.CatchUp(t.Context(), s1))

	// A fresh store behind the same index directory.
	s2 := openStore(t, t.TempDir())
	world{t, s2}.contributor("ana")
	world{t, s2}.doc(graph.Document{ID: "n", Title: "Nouveau magasin"}, "ana")
	ok(t, ix.CatchUp(t.Context(), s2))
	if got := find(t, ix, "magasin", Filter{}); !slices.Equal(got, []string{"n"}) {
		t.Errorf("after a store swap: %q, want n", got)
	}
}

// TestRebuildOnline rebuilds while searches and writes go on: every search
// answers, and writes made during the rebuild are in the new index.
func TestRebuildOnline(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	for i := range 300 {
		w.doc(graph.Document{ID: fmt.Sprintf("d%03d", i), Title: fmt.Sprintf("Fiche %d", i), Body: "Une ressource du répertoire."}, "ana")
	}
	dir := t.TempDir()
	ix := openIndex(t, dir, nil)
	ok(t, ix.CatchUp(t.Context(), s))
	old := liveName(t, dir)

	var stop atomic.Bool
	var searches, failures atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				res, err := ix.Search(context.Background(), Request{Query: "ressource", First: 1})
				searches.Add(1)
				if err != nil || res.TotalCount < 300 {
					failures.Add(1)
				}
			}
		}()
	}
	// Writes during the rebuild, each caught up as a mutation would be.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			w.doc(graph.Document{ID: fmt.Sprintf("late%02d", i), Title: "Tardive", Body: "Une ressource ajoutée pendant la reconstruction."}, "ana")
			if err := ix.CatchUp(context.Background(), s); err != nil {
				t.Error(err)
			}
		}
	}()
	ok(t, ix.Rebuild(t.Context(), s))
	stop.Store(true)
	wg.Wait()
	ok(t, ix.CatchUp(t.Context(), s))

	if searches.Load() == 0 || failures.Load() != 0 {
		t.Errorf("%d searches during the rebuild, %d failed", searches.Load(), failures.Load())
	}
	if got := len(find(t, ix, "tardive", Filter{})); got != 20 {
		t.Errorf("%d late documents, want 20", got)
	}
	if res := search(t, ix, Request{Query: "ressource"}); res.TotalCount != 320 {
		t.Errorf("total %d, want 320", res.TotalCount)
	}
	if liveName(t, dir) == old {
		t.Error("CURRENT still names the old index")
	}
	if _, err := os.Stat(filepath.Join(dir, old)); !os.IsNotExist(err) {
		t.Errorf("old index still there")
	}
	if got, want := lastApplied(t, ix), storeSeq(t, s); got != want {
		t.Errorf("index at %d, store at %d", got, want)
	}

	// The rebuilt index survives a restart.
	ok(t, ix.Close())
	ix = openIndex(t, dir, nil)
	if res := search(t, ix, Request{Query: "ressource"}); res.TotalCount != 320 {
		t.Errorf("after reopen: total %d, want 320", res.TotalCount)
	}
}

func TestClosedIndex(t *testing.T) {
	t.Parallel()
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.Close())
	ok(t, ix.Close())
	if _, err := ix.Search(t.Context(), Request{Query: "x"}); err == nil {
		t.Error("search on a closed index succeeded")
	}
	if _, _, err := ix.LastApplied(); err == nil {
		t.Error("LastApplied on a closed index succeeded")
	}
}

func TestIndexInUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	openIndex(t, dir, nil)
	if ix, err := Open(dir, Options{}); err == nil {
		ix.Close()
		t.Fatal("a second Open of the same directory succeeded")
	}
}

// TestCrashBetweenStoreAndIndex kills a process (a child running this test
// binary) right after store commits, some caught up by the index and some
// not, without closing anything: the index, reopened, converges through
// CatchUp alone, without a rebuild.
func TestCrashBetweenStoreAndIndex(t *testing.T) {
	t.Parallel()
	dir := runCrashChild(t, "MAILLAGE_CRASH_CHILD", crashChild)

	s := openStore(t, filepath.Join(dir, "store"))
	logs := &logBuf{}
	ix := openIndex(t, filepath.Join(dir, "search"), logs)
	before := lastApplied(t, ix)
	last := storeSeq(t, s)
	if before >= last {
		t.Fatalf("index at %d, store at %d: the child did not leave work behind", before, last)
	}
	t.Logf("after the crash: index at seq %d, store at %d", before, last)
	ok(t, ix.CatchUp(t.Context(), s))
	if got := lastApplied(t, ix); got != last {
		t.Errorf("after catch-up: index at %d, store at %d", got, last)
	}
	if got := len(find(t, ix, "panier", Filter{})); got != 60 {
		t.Errorf("%d documents found, want 60", got)
	}
	if strings.Contains(logs.String(), "rebuil") {
		t.Errorf("recovery rebuilt the index:\n%s", logs)
	}
}

// runCrashChild runs the test t again in a child process, which runs
// child on a new directory; child ends as if killed, with exit code 3,
// leaving the directory for t to check. In the child (env is set), it
// runs child, which does not return.
func runCrashChild(t *testing.T, env string, child func(dir string)) string {
	t.Helper()
	if dir := os.Getenv(env); dir != "" {
		child(dir)
		panic("a crash child returned")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$")
	cmd.Env = append(os.Environ(), env+"="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("child: %v\n%s", err, out)
	}
	return dir
}

// startCrashChild is the start of a child process that a crash test kills:
// the store and index under dir, a contributor, the index caught up, and
// fail, which ends the child on the first error.
func startCrashChild(dir string) (*embedded.Store, *Index, func(error)) {
	fail := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	s, err := embedded.Open(filepath.Join(dir, "store"), embedded.Options{})
	fail(err)
	ix, err := Open(filepath.Join(dir, "search"), Options{})
	fail(err)
	_, err = s.CreateContributor(sys, graph.Contributor{ID: "ana", Name: "Ana"})
	fail(err)
	fail(ix.CatchUp(context.Background(), s))
	return s, ix, fail
}

func crashChild(dir string) {
	s, ix, fail := startCrashChild(dir)
	ctx := context.Background()
	for i := range 60 {
		_, err := s.CreateDocument(sys, graph.Document{ID: fmt.Sprintf("p%02d", i), Kind: graph.KindNote,
			Language: "fr", Visibility: graph.VisibilityPublic, Title: "Panier solidaire"}, []string{"ana"})
		fail(err)
		if i < 40 {
			fail(ix.CatchUp(ctx, s)) // as a mutation would
		}
	}
	os.Exit(3) // no Close: as if killed
}

// A rebuild in many batches (load): with batches of 7 documents, 300
// documents make over 40 batches; the index must hold every one of them,
// and the Seq of the last, also after a reopen.
func TestRebuildInSmallBatches(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	for i := range 300 {
		w.doc(graph.Document{ID: fmt.Sprintf("d%03d", i), Title: fmt.Sprintf("Fiche %d", i), Body: "Une ressource du répertoire."}, "ana")
	}
	dir := t.TempDir()
	open := func() *Index {
		ix, err := Open(dir, Options{BatchSize: 7, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		ok(t, err)
		return ix
	}
	ix := open()
	ok(t, ix.CatchUp(t.Context(), s))
	check := func(when string) {
		t.Helper()
		if res := search(t, ix, Request{Query: "ressource"}); res.TotalCount != 300 {
			t.Errorf("%s: %d documents found, want 300", when, res.TotalCount)
		}
		for _, i := range []int{0, 7, 150, 299} {
			if got := find(t, ix, fmt.Sprintf("fiche %d", i), Filter{}); !slices.Contains(got, fmt.Sprintf("d%03d", i)) {
				t.Errorf("%s: d%03d not found", when, i)
			}
		}
		if n, err := ix.DocCount(); err != nil || n < 300 {
			t.Errorf("%s: %d documents in the index (%v), want at least 300", when, n, err)
		}
		if got, want := lastApplied(t, ix), storeSeq(t, s); got != want {
			t.Errorf("%s: index at %d, store at %d", when, got, want)
		}
	}
	check("built")
	ok(t, ix.Close())
	ix = open()
	defer ix.Close()
	check("reopened")
}
