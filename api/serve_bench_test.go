package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/search"
)

// The operations of `maillage-bench http`, one client at a time, in one
// process: the server's and the client's allocations are both counted.
// B/op and allocs/op do not depend on the machine's load, which wall-clock
// figures on a shared machine do; they are the before/after figures of
// the server's hot spots.
//
//	go test ./api/ -run '^$' -bench 'Serve' -benchmem

var benchWords = strings.Fields(`gouvernance communs financement quartier logement alimentation
	coopérative bénévolat territoire éducation populaire solidaire réseau entraide`)

func benchServer(b *testing.B) (*httptest.Server, []string) {
	b.Helper()
	srv, ids, _ := benchServerWith(b, nil)
	return srv, ids
}

// benchServerWith is benchServer whose Config cfg (nil: none) sets further;
// it returns the store too.
func benchServerWith(b *testing.B, cfg func(*api.Config)) (*httptest.Server, []string, *embedded.Store) {
	b.Helper()
	dir := b.TempDir()
	s, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	var batch graph.Batch
	for i := range 20 {
		batch.Contributors = append(batch.Contributors, graph.Contributor{ID: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("Personne %d", i)})
	}
	var ids []string
	for i := range 500 {
		var body strings.Builder
		for j := range 250 {
			body.WriteString(benchWords[(i*7+j*13)%len(benchWords)])
			body.WriteString(" le de la ")
		}
		id := fmt.Sprintf("n%03d", i)
		vis := graph.VisibilityPublic
		if i%10 == 0 {
			vis = graph.VisibilityPrivate
		} else {
			ids = append(ids, id)
		}
		batch.Documents = append(batch.Documents, graph.BatchDocument{Document: graph.Document{ID: id, Kind: graph.KindNote,
			Title: "Note " + benchWords[i%len(benchWords)], Summary: "Résumé " + benchWords[(i+3)%len(benchWords)],
			Body: body.String(), Language: "fr", Visibility: vis}, AuthorIDs: []string{fmt.Sprintf("c%02d", i%20)}})
		for k := range 3 {
			batch.Links = append(batch.Links, graph.Link{Relation: graph.RelLinksTo, From: id, To: fmt.Sprintf("n%03d", (i*31+k*7+1)%(i+1))})
		}
	}
	batch.Links = dedupBenchLinks(batch.Links)
	if err := graph.WriteBatch(graph.SystemContext(b.Context()), s, batch); err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := search.Open(dir+"/index", search.Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	if err := ix.CatchUp(b.Context(), s); err != nil {
		b.Fatal(err)
	}
	c := api.Config{Store: s, Index: ix, Logger: quiet, Limits: api.Limits{RatePerIP: -1, RatePerToken: -1}}
	if cfg != nil {
		cfg(&c)
	}
	srv := httptest.NewServer(api.NewHandler(c))
	b.Cleanup(srv.Close)
	return srv, ids, s
}

func dedupBenchLinks(ls []graph.Link) []graph.Link {
	seen := map[string]bool{}
	var out []graph.Link
	for _, l := range ls {
		if k := l.From + ">" + l.To; l.From != l.To && !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	return out
}

// benchHTTP keeps a connection per concurrent client, as browsers and
// `bench http` do: the default keeps two, and the others would dial anew.
var benchHTTP = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

func benchPost(b *testing.B, url, query string, vars map[string]any) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := benchHTTP.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		b.Fatalf("status %d: %s", resp.StatusCode, out)
	}
}

const benchNoteQuery = `query($id: ID!) { node(id: $id) { id ... on Note { title summary body publishedAt updatedAt version
	authors { id name region } backlinks(first: 10) { totalCount edges { node { id title } } } } } }`

func BenchmarkServeNote(b *testing.B) {
	srv, ids := benchServer(b)
	b.ReportAllocs()
	defer reportCPU(b)()
	for i := 0; b.Loop(); i++ {
		benchPost(b, srv.URL, benchNoteQuery, map[string]any{"id": api.GlobalID(graph.KindNote, ids[i%len(ids)])})
	}
}

// BenchmarkServeNoteParallel is the note page under 16 concurrent clients,
// as `maillage-bench http --only note` runs it: batches then wait for
// each other, and idle processors wake up and sleep again.
func BenchmarkServeNoteParallel(b *testing.B) {
	srv, ids := benchServer(b)
	b.ReportAllocs()
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	var next atomic.Int64
	defer reportCPU(b)()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			benchPost(b, srv.URL, benchNoteQuery, map[string]any{"id": api.GlobalID(graph.KindNote, ids[i%len(ids)])})
		}
	})
}

// reportCPU reports the process's CPU time (user and system, client and
// server together) per operation: unlike ns/op, it barely moves with the
// load of a shared machine. Call it after the set-up, and defer what it
// returns.
func reportCPU(b *testing.B) func() {
	start := processCPU(b)
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkServeSearch(b *testing.B) {
	srv, _ := benchServer(b)
	const q = `query($q: String!) { search(query: $q, first: 10) { totalCount
		edges { cursor score node { id kind title summary } highlights { field fragments } }
		facets { field buckets { value label count } } pageInfo { hasNextPage endCursor } } }`
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		benchPost(b, srv.URL, q, map[string]any{"q": benchWords[i%len(benchWords)]})
	}
}
