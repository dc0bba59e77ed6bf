package search

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// BenchmarkUnlinkedMentions measures a curator's unlinkedMentions page (20
// hits with their fragments, and the total) for a common term, on the
// generated corpus of bench_test.go (MAILLAGE_BENCH_DOCS, MAILLAGE_BENCH_DIR):
//
//	MAILLAGE_BENCH_DOCS=100000 MAILLAGE_BENCH_DIR=/tmp/mlg-bench go test ./search -run '^$' -bench UnlinkedMentions -benchtime 400x -timeout 60m
//
// The terms are the corpus's most frequent topic words (each in a large
// share of the documents), each with an alias of two other frequent words,
// matched as a phrase (an alias containing the label would be left out of
// the query: see essentialNames), and with the id of a term the corpus
// links documents to, so that the exclusion of linked documents has work
// to do. It reports p50 and p99.
func BenchmarkUnlinkedMentions(b *testing.B) {
	ix := benchIndex(b)
	common := topicWords[:10]
	req := func(i int) MentionsRequest {
		w := common[i%len(common)]
		return MentionsRequest{
			Target: fmt.Sprintf("t%03d", i%len(common)),
			Kind:   graph.KindTerm,
			Names:  []string{w, common[(i+1)%len(common)] + " " + common[(i+2)%len(common)]},
			Viewer: graph.Viewer{Role: graph.RoleCurator},
		}
	}
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("common-term/clients=%d", clients), func(b *testing.B) {
			benchClients(b, clients, func(i int) func() (*Result, error) {
				r := req(i)
				return func() (*Result, error) { return ix.UnlinkedMentions(context.Background(), r) }
			})
		})
	}
	reportRSS(b)
}

// BenchmarkNamedIn measures what linkSuggestions asks the index for one
// ~300-word note: the terms and organisations it names (out of the
// corpus's 10% of terms and organisations, whose generated names share
// words with almost any note), then the notes sharing two of its terms.
func BenchmarkNamedIn(b *testing.B) {
	ix := benchIndex(b)
	gen := newCorpusGen(benchSeed + 1)
	docs := make([]entry, 50)
	for i := range docs {
		docs[i] = gen.entry(i)
	}
	b.ResetTimer()
	named := 0
	for i := 0; b.Loop(); i++ {
		e := docs[i%len(docs)]
		ns, err := ix.NamedIn(context.Background(), NamedRequest{Language: e.Language, Limit: 20, Viewer: graph.Viewer{Role: graph.RoleCurator},
			Texts: []NamedText{{"title", e.Title}, {"summary", strings.Join(e.Summary, "\n")}, {"body", e.Body}}})
		if err != nil {
			b.Fatal(err)
		}
		named += len(ns)
		if _, err := ix.SharingTerms(context.Background(), SharingRequest{Terms: []string{"t001", "t002", "t003", "t004"}, MinShared: 2, Limit: 20,
			Viewer: graph.Viewer{Role: graph.RoleCurator}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(named)/float64(b.N), "named/op")
}
