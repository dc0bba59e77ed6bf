package explore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/explore"
	"github.com/encommun/maillage/graph/store/embedded"
)

// The benchmarks walk a generated graph of MAILLAGE_BENCH_NOTES notes
// (default 5 000; the target is 100 000) with ten LINKS_TO links
// per note whose targets follow a Zipf law, so degrees are power-law: a
// few hubs with thousands of backlinks, most notes with a handful. One
// note in ten is PRIVATE to one of 50 contributors, and the walks run as
// an anonymous reader, so every step pays for visibility.
//
//	MAILLAGE_BENCH_NOTES=100000 go test ./graph/explore/ -run '^$' -bench . -benchtime 2000x -timeout 0
//
// Building the 100 000-note fixture takes minutes; with
// MAILLAGE_BENCH_DATA=DIR it is built once in DIR and reused by later runs
// (the graph is generated from a fixed seed, so DIR holds the same graph
// whatever run built it; delete DIR when the generator changes).
//
// Each benchmark reports p50 and p99 latencies of single calls.

var fixture struct {
	once  sync.Once
	dir   string
	s     *embedded.Store
	notes []string
	links int
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.s != nil {
		_ = fixture.s.Close()
		if fixture.dir != "" {
			_ = os.RemoveAll(fixture.dir)
		}
	}
	os.Exit(code)
}

func benchNotes() int {
	if n, err := strconv.Atoi(os.Getenv("MAILLAGE_BENCH_NOTES")); err == nil && n > 0 {
		return n
	}
	return 5_000
}

func benchStore(b *testing.B) (*embedded.Store, []string) {
	fixture.once.Do(func() {
		start := time.Now()
		dir, keep := os.LookupEnv("MAILLAGE_BENCH_DATA")
		if keep {
			fixture.err = os.MkdirAll(dir, 0o750)
		} else {
			dir, fixture.err = os.MkdirTemp("", "maillage-explore-bench-")
			fixture.dir = dir // removed by TestMain
		}
		if fixture.err != nil {
			return
		}
		_, statErr := os.Stat(filepath.Join(dir, embedded.FileName))
		reuse := keep && statErr == nil
		// The fixture is rebuilt or reused, never precious: no fsync per write.
		fixture.s, fixture.err = embedded.Open(dir, embedded.Options{NoSync: true})
		opened := time.Since(start)
		if fixture.err != nil {
			return
		}
		snap := generate(benchNotes(), 10)
		fixture.links = len(snap.Links)
		for _, d := range snap.Documents {
			fixture.notes = append(fixture.notes, d.ID)
		}
		if reuse {
			// The ids are the generator's; a fixture of another size would
			// not hold the last of them.
			if _, err := fixture.s.Document(sys, fixture.notes[len(fixture.notes)-1]); err != nil {
				fixture.err = fmt.Errorf("%s holds another fixture (%v): delete it", dir, err)
			}
			b.Logf("fixture: %d notes, %d links, reused from %s (opened in %v, migrations included)",
				len(snap.Documents), len(snap.Links), dir, opened.Round(time.Millisecond))
			return
		}
		fixture.err = load(fixture.s, snap)
		b.Logf("fixture: %d notes, %d links in %v", len(snap.Documents), len(snap.Links), time.Since(start).Round(time.Millisecond))
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.s, fixture.notes
}

// load writes a snapshot one object at a time through the store's
// ordinary methods. (Restore writes it in one transaction, but bbolt
// inserts into one growing page per bucket until the commit, which is
// quadratic past a few hundred thousand links.)
func load(s graph.Store, snap graph.Snapshot) error {
	for _, c := range snap.Contributors {
		if _, err := s.CreateContributor(sys, c); err != nil {
			return err
		}
	}
	authors := map[string][]string{}
	var links []graph.Link
	for _, l := range snap.Links {
		if l.Relation == graph.RelAuthored {
			authors[l.To] = append(authors[l.To], l.From)
		} else {
			links = append(links, l)
		}
	}
	for _, d := range snap.Documents {
		if _, err := s.CreateDocument(sys, d, authors[d.ID]); err != nil {
			return err
		}
	}
	for _, l := range links {
		if _, err := s.Link(sys, l); err != nil {
			return err
		}
	}
	return nil
}

// generate makes n notes with about perNote LINKS_TO links each, from a
// uniform source to a Zipf-distributed target.
func generate(n, perNote int) graph.Snapshot {
	r := rand.New(rand.NewPCG(7, 11))
	var snap graph.Snapshot
	for i := range 50 {
		snap.Contributors = append(snap.Contributors, graph.Contributor{ID: fmt.Sprintf("ctb%02d", i), Name: "Personne"})
	}
	for i := range n {
		d := graph.Document{ID: fmt.Sprintf("n%06d", i), Kind: graph.KindNote, Title: fmt.Sprintf("Note %d", i),
			Language: "fr", Visibility: graph.VisibilityPublic}
		if i%10 == 7 {
			d.Visibility = graph.VisibilityPrivate
		}
		snap.Documents = append(snap.Documents, d)
		snap.Links = append(snap.Links, graph.Link{Relation: graph.RelAuthored, From: fmt.Sprintf("ctb%02d", i%50), To: d.ID})
	}
	perm := r.Perm(n)
	zipf := rand.NewZipf(r, 1.2, 4, uint64(n-1))
	seen := map[[2]int]bool{}
	for range n * perNote {
		from, to := r.IntN(n), perm[zipf.Uint64()]
		if from == to || seen[[2]int{from, to}] {
			continue
		}
		seen[[2]int{from, to}] = true
		snap.Links = append(snap.Links, linksTo(snap.Documents[from].ID, snap.Documents[to].ID))
	}
	return snap
}

// latencies runs op b.N times and reports p50 and p99 of wall time, and
// of the process's CPU time (user + system, GC included) per call: on a
// machine shared with other jobs, wall time measures the queue for the
// CPU as much as the walk, CPU time only the walk.
func latencies(b *testing.B, op func(i int)) {
	b.Helper()
	ds := make([]time.Duration, 0, b.N)
	cs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start, cpu := time.Now(), cpuTime()
		op(i)
		ds = append(ds, time.Since(start))
		cs = append(cs, cpuTime()-cpu)
	}
	b.StopTimer()
	at := func(xs []time.Duration, q float64) float64 {
		slices.Sort(xs)
		return float64(xs[min(len(xs)-1, int(q*float64(len(xs))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(ds, 0.50), "p50-ms")
	b.ReportMetric(at(ds, 0.99), "p99-ms")
	b.ReportMetric(at(cs, 0.50), "cpu-p50-ms")
	b.ReportMetric(at(cs, 0.99), "cpu-p99-ms")
}

func benchNeighbourhood(b *testing.B, ctx context.Context, depth int) {
	s, notes := benchStore(b)
	r := rand.New(rand.NewPCG(1, 2))
	nodes := 0
	latencies(b, func(int) {
		sg, err := explore.Neighbourhood(ctx, s, noteEP(notes[r.IntN(len(notes))]), explore.NeighbourhoodOptions{Depth: depth})
		if err != nil && graph.ErrorCode(err) != graph.ENOTFOUND { // a private root is NOT_FOUND
			b.Fatal(err)
		}
		if sg != nil {
			nodes += len(sg.Nodes)
		}
	})
	b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
}

func BenchmarkNeighbourhoodDepth1(b *testing.B) { benchNeighbourhood(b, anon, 1) }
func BenchmarkNeighbourhoodDepth2(b *testing.B) { benchNeighbourhood(b, anon, 2) }
func BenchmarkNeighbourhoodDepth3(b *testing.B) { benchNeighbourhood(b, anon, 3) }

// A signed-in contributor pays for the shut links: each private neighbour
// of a node is a visibility decision, where an anonymous reader's is not.
func BenchmarkNeighbourhoodDepth2Contributor(b *testing.B) { benchNeighbourhood(b, asC("ctb07"), 2) }

func benchPaths(b *testing.B, ctx context.Context, first int) {
	s, notes := benchStore(b)
	r := rand.New(rand.NewPCG(3, 4))
	found, tooBroad, paths := 0, 0, 0
	latencies(b, func(int) {
		from, to := noteEP(notes[r.IntN(len(notes))]), noteEP(notes[r.IntN(len(notes))])
		var sgs []*explore.Subgraph
		var err error
		if first == 1 {
			var sg *explore.Subgraph
			if sg, err = explore.Path(ctx, s, from, to, explore.PathOptions{MaxDepth: 6}); sg != nil {
				sgs = append(sgs, sg)
			}
		} else {
			sgs, err = explore.Paths(ctx, s, from, to, explore.PathOptions{MaxDepth: 6, First: first})
		}
		switch {
		case graph.ErrorCode(err) == graph.EINVALID:
			tooBroad++
		case err != nil:
			b.Fatal(err)
		case len(sgs) > 0:
			found++
			paths += len(sgs)
		}
	})
	b.ReportMetric(100*float64(found)/float64(b.N), "%found")
	b.ReportMetric(100*float64(tooBroad)/float64(b.N), "%over-budget")
	if first > 1 {
		b.ReportMetric(float64(paths)/float64(max(found, 1)), "paths/found")
	}
}

func BenchmarkShortestPathMaxDepth6(b *testing.B)            { benchPaths(b, anon, 1) }
func BenchmarkShortestPathMaxDepth6Contributor(b *testing.B) { benchPaths(b, asC("ctb07"), 1) }
func BenchmarkPaths3MaxDepth6(b *testing.B)                  { benchPaths(b, anon, 3) }
