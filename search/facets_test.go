package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// TestFacetCodesSurvive checks that facet values decode the same after a
// restart, after writes that add values, and after a rebuild (which starts
// a new index part with the same code dictionary).
func TestFacetCodesSurvive(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.declare("ana", "region", "estrie", graph.DeclPublic)
	w.carnet("k1")
	w.carnet("k2")
	w.doc(graph.Document{ID: "a", Title: "Marché public"}, "ana")
	w.link(graph.RelInCarnet, "a", "k1")
	dir := t.TempDir()
	ix := openIndex(t, dir, nil)
	ok(t, ix.CatchUp(t.Context(), s))

	curator := graph.Viewer{Role: graph.RoleCurator}
	facetsOf := func(ix *Index) string {
		t.Helper()
		res := search(t, ix, Request{Query: "marché", Viewer: curator, Facets: true})
		return fmt.Sprint(facetMap(res.Facets))
	}
	want := fmt.Sprint(map[string]map[string]int{
		FacetKind: {"Note": 1}, FacetCarnet: {"k1": 1}, FacetCommunity: {}, FacetTerm: {},
		FacetOrganisation: {}, FacetLanguage: {"fr": 1}, FacetStandpoint: {"region:estrie": 1},
		FacetFormat: {"text": 1},
	})
	if got := facetsOf(ix); got != want {
		t.Fatalf("facets %s\nwant %s", got, want)
	}

	ok(t, ix.Close())
	ix = openIndex(t, dir, nil)
	if got := facetsOf(ix); got != want {
		t.Fatalf("after restart: facets %s\nwant %s", got, want)
	}

	w.doc(graph.Document{ID: "b", Title: "Marché fermier", Language: "en"}, "ana")
	w.link(graph.RelInCarnet, "b", "k2")
	ok(t, ix.CatchUp(t.Context(), s))
	want = fmt.Sprint(map[string]map[string]int{
		FacetKind: {"Note": 2}, FacetCarnet: {"k1": 1, "k2": 1}, FacetCommunity: {}, FacetTerm: {},
		FacetOrganisation: {}, FacetLanguage: {"en": 1, "fr": 1}, FacetStandpoint: {"region:estrie": 2},
		FacetFormat: {"text": 2},
	})
	if got := facetsOf(ix); got != want {
		t.Fatalf("after a write: facets %s\nwant %s", got, want)
	}
	ok(t, ix.Rebuild(t.Context(), s))
	if got := facetsOf(ix); got != want {
		t.Fatalf("after a rebuild: facets %s\nwant %s", got, want)
	}
	ok(t, ix.Close())
	ix = openIndex(t, dir, nil)
	if got := facetsOf(ix); got != want {
		t.Fatalf("after a rebuild and a restart: facets %s\nwant %s", got, want)
	}
}

func TestFacetSize(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	for i := range 5 {
		w.carnet(fmt.Sprintf("k%d", i))
		for j := range i + 1 {
			id := fmt.Sprintf("d%d-%d", i, j)
			w.doc(graph.Document{ID: id, Title: "Fiche"}, "ana")
			w.link(graph.RelInCarnet, id, fmt.Sprintf("k%d", i))
		}
	}
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))
	res := search(t, ix, Request{Query: "fiche", Facets: true, FacetSize: 3})
	got := fmt.Sprint(res.Facets[1])
	if want := fmt.Sprint(Facet{Field: FacetCarnet, Buckets: []Bucket{{"k4", 5}, {"k3", 4}, {"k2", 3}}}); got != want {
		t.Errorf("carnet facet %s, want %s", got, want)
	}
}

// TestFacetTopReadable: the term facet shows the most frequent terms the
// viewer may read, however many unreadable ones (private, community,
// hidden pending review) count more, and never one of those.
func TestFacetTopReadable(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.community("c")
	curator := graph.WithViewer(t.Context(), graph.Viewer{Role: graph.RoleCurator})
	const terms = 40
	// Term j is mentioned by terms-j notes; the 20 most frequent cannot
	// be read by an anonymous viewer, more than one page of
	// readableTop's checks.
	unreadable := map[string]bool{}
	for j := range terms {
		id := fmt.Sprintf("t%02d", j)
		vis := graph.VisibilityPublic
		switch {
		case j < 20 && j%3 == 0:
			vis = graph.VisibilityPrivate
		case j < 20 && j%3 == 1:
			vis = graph.VisibilityCommunity
		}
		w.doc(graph.Document{ID: id, Kind: graph.KindTerm, Title: fmt.Sprintf("Terme %d", j), Visibility: vis}, "ana")
		if vis == graph.VisibilityCommunity {
			w.link(graph.RelOfCommunity, id, "c")
		}
		if j < 20 && j%3 == 2 {
			_, err := s.SetHidden(curator, id, true)
			ok(t, err)
		}
		if j < 20 {
			unreadable[id] = true
		}
	}
	for i := range terms {
		id := fmt.Sprintf("n%02d", i)
		w.doc(graph.Document{ID: id, Title: "Fiche"}, "ana")
		for j := i; j < terms; j++ {
			w.link(graph.RelMentions, id, fmt.Sprintf("t%02d", terms-1-j))
		}
	}
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))
	termFacet := func(v graph.Viewer, size int) []Bucket {
		t.Helper()
		res := search(t, ix, Request{Query: "fiche", Viewer: v, Facets: true, FacetSize: size})
		for _, f := range res.Facets {
			if f.Field == FacetTerm {
				return f.Buckets
			}
		}
		t.Fatal("no term facet")
		return nil
	}
	for _, size := range []int{1, 3, 25, MaxFacetSize} {
		var want []Bucket
		for j := range terms {
			if id := fmt.Sprintf("t%02d", j); !unreadable[id] && len(want) < size {
				want = append(want, Bucket{Value: id, Count: terms - j})
			}
		}
		before := searches(ix)
		if got := termFacet(graph.Viewer{}, size); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("anonymous, size %d: %v\nwant %v", size, got, want)
		}
		anonymous := searches(ix) - before
		before = searches(ix)
		termFacet(graph.Viewer{Role: graph.RoleAdmin}, size)
		// An admin's search checks no value's readability; an anonymous
		// one at most twice, however many unreadable values come first.
		if n := anonymous - (searches(ix) - before); n > 2 {
			t.Errorf("anonymous, size %d: %d readability searches, want at most 2", size, n)
		}
		// The curator reads every term: the same facet starts with the
		// ones hidden from the anonymous viewer.
		if got := termFacet(graph.Viewer{Role: graph.RoleCurator}, size); len(got) != min(size, terms) || got[0] != (Bucket{"t00", terms}) {
			t.Errorf("curator, size %d: %v", size, got)
		}
	}
}

// searches is how many searches the live index has answered.
func searches(ix *Index) uint64 {
	n, _ := ix.live.idx.StatsMap()["searches"].(uint64)
	return n
}

// TestFacetCodesAfterCrash kills a process (a child running this test
// binary) that indexed documents bringing new facet values, without
// closing anything, and tears the end of its codes file as a crash while
// appending would: reopened, the index decodes every facet value of what
// it holds, and catches up without a rebuild.
func TestFacetCodesAfterCrash(t *testing.T) {
	t.Parallel()
	dir := runCrashChild(t, "MAILLAGE_CODES_CRASH_CHILD", codesCrashChild)
	name, err := os.ReadFile(filepath.Join(dir, "search", currentFile))
	ok(t, err)
	f, err := os.OpenFile(filepath.Join(dir, "search", strings.TrimSpace(string(name)), codesFile), os.O_WRONLY|os.O_APPEND, 0)
	ok(t, err)
	_, err = f.Write([]byte{40, 'c', 'a', 'r', 'n'}) // a record cut short
	ok(t, err)
	ok(t, f.Close())

	s := openStore(t, filepath.Join(dir, "store"))
	logs := &logBuf{}
	ix := openIndex(t, filepath.Join(dir, "search"), logs)
	curator := graph.Viewer{Role: graph.RoleCurator}
	carnets := func() map[string]int {
		t.Helper()
		res := search(t, ix, Request{Query: "panier", Viewer: curator, Facets: true, FacetSize: MaxFacetSize})
		got := facetMap(res.Facets)[FacetCarnet]
		if len(got) != res.TotalCount {
			t.Errorf("%d hits, %d carnet buckets: %v", res.TotalCount, len(got), got)
		}
		return got
	}
	before := carnets()
	if len(before) == 0 {
		t.Fatal("the child left nothing in the index")
	}
	for k, n := range before {
		if n != 1 || !strings.HasPrefix(k, "k") {
			t.Errorf("after the crash: carnet bucket %s: %d", k, n)
		}
	}
	ok(t, ix.CatchUp(t.Context(), s))
	after := carnets()
	for i := range 30 {
		if k := fmt.Sprintf("k%02d", i); after[k] != 1 {
			t.Errorf("after catching up: carnet %s counted %d times", k, after[k])
		}
	}
	// New values after the torn record get codes of their own.
	w := world{t, s}
	w.carnet("nouveau")
	w.doc(graph.Document{ID: "pn", Title: "Panier neuf"}, "ana")
	w.link(graph.RelInCarnet, "pn", "nouveau")
	ok(t, ix.CatchUp(t.Context(), s))
	if got := carnets(); got["nouveau"] != 1 || len(got) != 31 {
		t.Errorf("after a new carnet: %v", got)
	}
	ok(t, ix.Close())
	ix = openIndex(t, filepath.Join(dir, "search"), logs)
	if got := carnets(); got["nouveau"] != 1 || len(got) != 31 {
		t.Errorf("after a restart: %v", got)
	}
	if strings.Contains(logs.String(), "rebuil") {
		t.Errorf("recovery rebuilt the index:\n%s", logs)
	}
}

func codesCrashChild(dir string) {
	s, ix, fail := startCrashChild(dir)
	ctx := context.Background()
	for i := range 30 {
		// Each document in a carnet of its own: a new facet value.
		k := fmt.Sprintf("k%02d", i)
		_, err := s.Carnets().Create(sys, graph.Carnet{ID: k, Title: "Carnet " + k})
		fail(err)
		d := fmt.Sprintf("p%02d", i)
		_, err = s.CreateDocument(sys, graph.Document{ID: d, Kind: graph.KindNote,
			Language: "fr", Visibility: graph.VisibilityPublic, Title: "Panier solidaire"}, []string{"ana"})
		fail(err)
		_, err = s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: d, To: k})
		fail(err)
		if i < 20 {
			fail(ix.CatchUp(ctx, s)) // as a mutation would
		}
	}
	os.Exit(3) // no Close: as if killed
}

// TestTopFirst: the first n buckets topFirst leaves are those of a full
// sort, in its order, and no bucket is lost.
func TestTopFirst(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		bs := make([]Bucket, r.IntN(300))
		for i := range bs {
			bs[i] = Bucket{Value: fmt.Sprintf("v%04d", i), Count: r.IntN(20)}
		}
		r.Shuffle(len(bs), func(i, j int) { bs[i], bs[j] = bs[j], bs[i] })
		want := slices.Clone(bs)
		slices.SortFunc(want, func(a, b Bucket) int {
			if bucketBefore(a, b) {
				return -1
			}
			return 1
		})
		n := r.IntN(len(bs) + 3)
		topFirst(bs, n)
		n = min(n, len(bs))
		if !slices.Equal(bs[:n], want[:n]) {
			t.Fatalf("round %d, n %d: top %v\nwant %v", round, n, bs[:n], want[:n])
		}
		slices.SortFunc(bs, func(a, b Bucket) int { return strings.Compare(a.Value, b.Value) })
		for i, b := range bs {
			if b.Value != fmt.Sprintf("v%04d", i) {
				t.Fatalf("round %d: bucket %d is %v: one was lost or doubled", round, i, b)
			}
		}
	}
}
