package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/search/benchcorpus"
)

// Standpoint coverage on the generated corpus of bench_test.go: what one
// `coverage` request costs below GraphQL, that is Index.Scope (every
// document the search matches, for a topic) and the embedded store's
// StandpointCoverage (authors and declarations of those documents,
// counted and suppressed).
//
//	go test ./search -run '^$' -bench Coverage -benchtime 200x
//	MAILLAGE_BENCH_DOCS=100000 MAILLAGE_BENCH_DIR=/tmp/cov-bench go test ./search -run '^$' -bench Coverage -benchtime 200x -timeout 60m
//
// The corpus is the search benchmark's (same seed, same documents, 2 000
// contributors declaring in every visibility), written to an embedded
// store, then indexed from it by CatchUp. With MAILLAGE_BENCH_DIR both are
// kept in DIR/coverage-N and reused by later runs.

var (
	covOnce  sync.Once
	covStore *embedded.Store
	covIx    *Index
	covErr   error
)

// member is a contributor of the corpus who belongs to five communities:
// the viewer of the "member" cases, who reads their COMMUNITY documents.
const covMember = "c0001"

func coverageBench(b *testing.B) (*embedded.Store, *Index) {
	covOnce.Do(func() {
		n := benchDocs()
		root := os.Getenv("MAILLAGE_BENCH_DIR")
		if root == "" {
			root, covErr = os.MkdirTemp("", "maillage-coverage-bench-")
			if covErr != nil {
				return
			}
			prev := benchCleanup
			benchCleanup = func() { prev(); os.RemoveAll(root) }
		}
		dir := filepath.Join(root, fmt.Sprintf("coverage-%d", n))
		stamp := filepath.Join(dir, "bench-corpus")
		want := fmt.Sprintf("docs=%d seed=%d", n, benchSeed)
		got, _ := os.ReadFile(stamp)
		if string(got) != want {
			if covErr = os.RemoveAll(dir); covErr != nil {
				return
			}
		}
		if covStore, covErr = embedded.Open(filepath.Join(dir, "store"), embedded.Options{}); covErr != nil {
			return
		}
		if covIx, covErr = Open(filepath.Join(dir, "index"), Options{BatchSize: 2000}); covErr != nil {
			return
		}
		if string(got) != want {
			start := time.Now()
			if covErr = writeCorpus(covStore, n); covErr != nil {
				return
			}
			fmt.Fprintf(os.Stderr, "wrote %d documents to the store in %s\n", n, time.Since(start).Round(time.Millisecond))
		}
		start := time.Now()
		if covErr = covIx.CatchUp(context.Background(), covStore); covErr != nil {
			return
		}
		fmt.Fprintf(os.Stderr, "index caught up in %s\n", time.Since(start).Round(time.Millisecond))
		covErr = os.WriteFile(stamp, []byte(want), 0o600)
	})
	if covErr != nil {
		b.Fatal(covErr)
	}
	return covStore, covIx
}

// writeCorpus writes the generated corpus to s: contributors with their
// declarations, communities, and documents with their authors and
// communities, in batches of one transaction each.
func writeCorpus(s *embedded.Store, n int) error {
	ctx := graph.SystemContext(context.Background())
	gen := newCorpusGen(benchSeed)
	first := graph.Batch{}
	for i := range benchcorpus.Contributors {
		id := fmt.Sprintf("c%04d", i)
		first.Contributors = append(first.Contributors, graph.Contributor{ID: id, Name: "Personne " + id})
		first.Declarations = append(first.Declarations, gen.decls[id]...)
	}
	for i := range 50 {
		first.Communities = append(first.Communities, graph.Community{ID: fmt.Sprintf("g%02d", i), Name: fmt.Sprintf("Communauté %d", i)})
	}
	for i := range 5 {
		first.Links = append(first.Links, graph.Link{Relation: graph.RelMemberOf, From: covMember, To: fmt.Sprintf("g%02d", i)})
	}
	if err := s.LoadBatch(ctx, first); err != nil {
		return err
	}
	const chunk = 2000
	for start := 0; start < n; start += chunk {
		var b graph.Batch
		for i := start; i < min(start+chunk, n); i++ {
			e := gen.entry(i)
			d := graph.Document{ID: e.ID, Kind: e.Kind, Language: e.Language, Visibility: e.Visibility,
				Title: e.Title, Body: e.Body, Aliases: e.Aliases, PublishedAt: e.PublishedAt}
			if len(e.Summary) > 0 {
				d.Summary = e.Summary[0]
			}
			b.Documents = append(b.Documents, graph.BatchDocument{Document: d, AuthorIDs: e.AuthorIDs})
			for _, c := range e.CommunityIDs {
				b.Links = append(b.Links, graph.Link{Relation: graph.RelOfCommunity, From: e.ID, To: c})
			}
		}
		if err := s.LoadBatch(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// coverageCases are the measured requests.
var coverageCases = []struct {
	name   string
	viewer graph.Viewer
	// query returns the i-th search text; "" is the whole commons.
	query  func(i int) string
	filter func(i int) Filter
}{
	{"commons/anonymous", graph.Viewer{}, func(int) string { return "" }, nil},
	{"commons/member", graph.Viewer{Role: graph.RoleContributor, ContributorID: covMember}, func(int) string { return "" }, nil},
	{"commons/curator", graph.Viewer{Role: graph.RoleCurator}, func(int) string { return "" }, nil},
	{"topic/anonymous", graph.Viewer{}, func(i int) string { return topicWords[i%len(topicWords)] }, nil},
	{"topic/member", graph.Viewer{Role: graph.RoleContributor, ContributorID: covMember}, func(i int) string { return topicWords[i%len(topicWords)] }, nil},
	{"two-words+standpoint/anonymous", graph.Viewer{}, func(i int) string {
		return topicWords[i%len(topicWords)] + " " + topicWords[(i*7+3)%len(topicWords)]
	}, func(i int) Filter {
		d := graph.DefaultTaxonomy().Dimensions[i%3]
		return Filter{Standpoints: []Standpoint{{d.ID, d.Values[(i/3)%len(d.Values)].ID}}}
	}},
}

func BenchmarkCoverage(b *testing.B) {
	s, ix := coverageBench(b)
	for _, c := range coverageCases {
		b.Run(c.name, func(b *testing.B) {
			var comms []string
			if c.viewer.ContributorID != "" {
				links, err := s.Links(graph.WithViewer(context.Background(), c.viewer), []string{c.viewer.ContributorID}, graph.RelMemberOf, graph.Out)
				if err != nil {
					b.Fatal(err)
				}
				for _, l := range links[c.viewer.ContributorID] {
					comms = append(comms, l.To)
				}
			}
			ctx := graph.WithViewer(context.Background(), c.viewer)
			lat := make([]time.Duration, 0, b.N)
			var docs, present int
			cpu0 := cpuTime()
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				scope := graph.DocumentScope{All: true}
				if q := c.query(i); q != "" || c.filter != nil {
					r := ScopeRequest{Query: q, Viewer: c.viewer, ViewerCommunities: comms}
					if c.filter != nil {
						r.Filter = c.filter(i)
					}
					ids, err := ix.Scope(ctx, r)
					if err != nil {
						b.Fatal(err)
					}
					scope = graph.DocumentScope{IDs: ids}
				}
				cov, err := s.StandpointCoverage(ctx, graph.CoverageQuery{Scope: scope, K: graph.DefaultCoverageK})
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				docs += cov.Documents
				for _, d := range cov.Dimensions {
					for _, v := range d.Values {
						if !v.Suppressed {
							present++
						}
					}
				}
			}
			n := len(lat)
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/op")
			slices.Sort(lat)
			pct := func(p float64) float64 {
				return float64(lat[min(n-1, int(float64(n)*p))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(docs)/float64(n), "docs/op")
			b.ReportMetric(float64(present)/float64(n), "present/op")
		})
	}
	reportRSS(b)
}
