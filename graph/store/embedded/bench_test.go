package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// The benchmarks read a store of 10 000 notes shaped like the commons: 50
// contributors, 5 communities, 10 carnets, 20 terms; 80 % public notes,
// 10 % community, 10 % private, mixed in every carnet; bodies of about
// 1.5 KB.
const benchNotes = 10_000

var bench struct {
	once sync.Once
	dir  string
	s    *Store
	ids  []string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.s != nil {
		_ = bench.s.Close()
		_ = os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

var words = strings.Fields("maillage communauté savoir pratique atelier carnet note organisme quartier " +
	"éducation populaire économie sociale solidarité territoire mobilisation action collective écoute")

func benchBody(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.String()
}

// benchStore builds the fixture once per process, in batches of 1 000
// notes per transaction through the same code as CreateDocument and Link:
// 10 000 synced transactions would measure the disk, not the store.
func benchStore(b *testing.B) *Store {
	bench.once.Do(func() {
		start := time.Now()
		bench.dir, bench.err = os.MkdirTemp("", "maillage-bench-")
		if bench.err != nil {
			return
		}
		bench.s, bench.err = Open(bench.dir, Options{})
		if bench.err != nil {
			return
		}
		bench.err = fillBench(bench.s)
		b.Logf("fixture: %d notes in %v", benchNotes, time.Since(start).Round(time.Millisecond))
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.s
}

func fillBench(s *Store) error {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		if _, err := s.CreateContributor(sys, graph.Contributor{ID: fmt.Sprintf("ctb%02d", i), Name: fmt.Sprintf("Personne %d", i)}); err != nil {
			return err
		}
	}
	for i := range 5 {
		if _, err := s.Communities().Create(sys, graph.Community{ID: fmt.Sprintf("com%d", i), Name: "Communauté"}); err != nil {
			return err
		}
	}
	for i := range 10 {
		if _, err := s.Carnets().Create(sys, graph.Carnet{ID: fmt.Sprintf("car%d", i), Title: "Carnet", Categories: []string{"a", "b", "c"}}); err != nil {
			return err
		}
	}
	for i := range 20 {
		_, err := s.CreateDocument(sys, graph.Document{ID: fmt.Sprintf("term%02d", i), Kind: graph.KindTerm,
			Title: words[i%len(words)], Language: "fr", Visibility: graph.VisibilityPublic}, nil)
		if err != nil {
			return err
		}
	}
	for i := range 10 {
		if _, err := s.Link(sys, graph.Link{Relation: graph.RelMemberOf, From: fmt.Sprintf("ctb%02d", i), To: fmt.Sprintf("com%d", i%5)}); err != nil {
			return err
		}
	}
	for batch := 0; batch < benchNotes; batch += 1000 {
		err := s.update(sys, func(w *writer) error {
			for i := batch; i < batch+1000; i++ {
				vis := graph.VisibilityPublic
				switch i % 10 {
				case 3:
					vis = graph.VisibilityCommunity
				case 7:
					vis = graph.VisibilityPrivate
				}
				d := graph.Document{ID: fmt.Sprintf("note%05d", i), Kind: graph.KindNote,
					Title:    strings.ToUpper(words[r.IntN(len(words))][:1]) + benchBody(r, 60),
					Summary:  benchBody(r, 200),
					Body:     benchBody(r, 1500),
					Language: "fr", Visibility: vis}
				if err := w.createDocument(&d, []string{fmt.Sprintf("ctb%02d", i%50)}); err != nil {
					return err
				}
				links := []graph.Link{{Relation: graph.RelInCarnet, From: d.ID, To: fmt.Sprintf("car%d", i/10%10), Category: "abc"[i%3 : i%3+1]}}
				if vis == graph.VisibilityCommunity {
					links = append(links, graph.Link{Relation: graph.RelOfCommunity, From: d.ID, To: fmt.Sprintf("com%d", i%5)})
				}
				if i%3 == 0 {
					links = append(links, graph.Link{Relation: graph.RelMentions, From: d.ID, To: fmt.Sprintf("term%02d", i%20)})
				}
				for j := range links {
					if err := w.checkedLink(&links[j]); err != nil {
						return err
					}
				}
				bench.ids = append(bench.ids, d.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// latencies records each operation so that a benchmark reports the tail,
// which is what a page load feels, not only the mean.
type latencies []time.Duration

func (l *latencies) time(f func()) {
	start := time.Now()
	f()
	*l = append(*l, time.Since(start))
}

func (l latencies) report(b *testing.B, unit string, scale time.Duration) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	q := func(p float64) float64 { return float64(s[int(p*float64(len(s)-1))]) / float64(scale) }
	b.ReportMetric(q(0.50), "p50-"+unit)
	b.ReportMetric(q(0.99), "p99-"+unit)
	b.ReportMetric(float64(len(l))/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkCreateDocument is one synced write transaction per note: the
// cost a contributor sees when saving, disk flush included.
func BenchmarkCreateDocument(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.CreateContributor(sys, graph.Contributor{ID: "ana", Name: "Ana"}); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	ctx := asC("ana")
	var lat latencies
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d := graph.Document{Kind: graph.KindNote, Title: fmt.Sprintf("Note %d", i), Body: benchBody(r, 1500),
			Language: "fr", Visibility: graph.VisibilityPublic}
		lat.time(func() {
			if _, err := s.CreateDocument(ctx, d, nil); err != nil {
				b.Fatal(err)
			}
		})
	}
	lat.report(b, "ms", time.Millisecond)
}

// BenchmarkDocument reads random notes of the 10 000 as a contributor who
// is a member of a community, so that some reads check authors and
// communities.
//
// With the cache, every note is read from it once the loop has met them
// all; without, every read walks the file (cache.go).
func BenchmarkDocument(b *testing.B) {
	s := benchStore(b)
	cache := s.cache
	defer func() { s.cache = cache }()
	for _, on := range []bool{true, false} {
		b.Run(fmt.Sprintf("cache=%v", on), func(b *testing.B) {
			s.cache = newDocCache(0)
			if on {
				s.cache = newDocCache(DefaultCacheBytes)
			}
			ctx := asC("ctb03")
			r := rand.New(rand.NewPCG(5, 6))
			var lat latencies
			found := 0
			for b.Loop() {
				id := bench.ids[r.IntN(len(bench.ids))]
				lat.time(func() {
					if _, err := s.Document(ctx, id); err == nil {
						found++
					} else if graph.ErrorCode(err) != graph.ENOTFOUND {
						b.Fatal(err)
					}
				})
			}
			lat.report(b, "µs", time.Microsecond)
			b.ReportMetric(float64(found)/float64(len(lat)), "readable/op")
		})
	}
}

// BenchmarkListDocuments50 pages 50 notes out of the 10 000: the first
// page and a page deep in the list, for an anonymous reader and a member,
// and through a carnet filter that starts from the carnet's links.
func BenchmarkListDocuments50(b *testing.B) {
	s := benchStore(b)
	newest := graph.DocumentOrder{Field: graph.OrderCreatedAt, Desc: true}
	notes := graph.DocumentFilter{Kinds: []graph.Kind{graph.KindNote}}
	deep := must(s.ListDocuments(anon, notes, newest, graph.Page{First: 100})).PageInfo.EndCursor
	cases := []struct {
		name  string
		ctx   context.Context
		f     graph.DocumentFilter
		o     graph.DocumentOrder
		after string
	}{
		{"anonymous/newest", anon, notes, newest, ""},
		{"anonymous/title", anon, notes, graph.DocumentOrder{Field: graph.OrderTitle}, ""},
		{"anonymous/deep", anon, notes, newest, deep},
		{"member/newest", asC("ctb03"), notes, newest, ""},
		{"curator/newest", as(graph.Viewer{Role: graph.RoleCurator}), notes, newest, ""},
		{"member/carnet", asC("ctb03"), graph.DocumentFilter{CarnetID: "car3"}, newest, ""},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			ctx := tc.ctx
			var lat latencies
			var total, got int
			for b.Loop() {
				lat.time(func() {
					conn, err := s.ListDocuments(ctx, tc.f, tc.o, graph.Page{First: 50, After: tc.after})
					if err != nil {
						b.Fatal(err)
					}
					total, got = conn.TotalCount, len(conn.Edges)
				})
			}
			lat.report(b, "ms", time.Millisecond)
			b.ReportMetric(float64(got), "notes/page")
			b.ReportMetric(float64(total), "totalCount")
		})
	}
}
