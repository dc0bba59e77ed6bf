package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
	"github.com/encommun/maillage/search/benchcorpus"
)

// `maillage-bench search` measures the search index alone, beside its
// peers, on the corpus of `maillage-bench http` (same --docs and --seed
// give the same documents): maillage's index (package search, through its
// public API, as the server uses it), raw Bleve with its defaults over the
// same text, and Neo4j's own full-text index (Lucene, French analyzer)
// when --neo4j-uri is given. One client, the four query shapes of the
// search package's BenchmarkSearch:
//
//	(a) one topic word
//	(b) two words + a standpoint filter + all facets
//	(c) a word with one typo
//	(d) one word + all facets
//
// Every engine answers as an anonymous reader (PUBLIC documents only, the
// visibility decided inside the engine's query) with the first 20 hits by
// relevance and the exact number of matches. maillage runs three times:
// without its result cache (every query computed), with it and a cold
// stream (no query repeats), and with it and a Zipf stream over a pool of
// distinct queries (see searchStream).

type benchSearchConfig struct {
	docs    int
	seed    uint64
	queries int
	warmup  int
	data    string
	zipfS   float64
	zipfV   float64
	pool    int
	neo     cmdkit.Neo4j
	neoPID  int
	engines string
}

func benchSearchCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg benchSearchConfig
	fs := newFlagSet("maillage-bench search", stderr)
	fs.IntVar(&cfg.docs, "docs", 10_000, "documents in the generated corpus (that of `maillage-bench http`)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the generated corpus")
	fs.IntVar(&cfg.queries, "queries", 200, "measured queries per shape and engine")
	fs.IntVar(&cfg.warmup, "warmup", 20, "queries per shape and engine before measuring, not counted")
	fs.StringVar(&cfg.data, "data", "", "data directory to build the corpus and the indexes in, or reuse them from (a fresh temporary one by default)")
	fs.Float64Var(&cfg.zipfS, "zipf-s", 1.1, "the Zipf stream's s (> 1): query k of the pool is drawn with weight (v+k)^-s")
	fs.Float64Var(&cfg.zipfV, "zipf-v", 1, "the Zipf stream's v (≥ 1)")
	fs.IntVar(&cfg.pool, "zipf-pool", 1000, "distinct queries per shape in the Zipf stream (at most as many as the shape has)")
	fs.IntVar(&cfg.neoPID, "neo4j-pid", 0, "process id of the Neo4j server (on this machine), to read its CPU time from /proc")
	fs.StringVar(&cfg.engines, "engines", "maillage,bleve,neo4j", "engines to run, among maillage, bleve, neo4j")
	cfg.neo.AddFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfg.docs < 100 {
		return usageError{Msg: "--docs must be at least 100"}
	}
	if cfg.queries < 1 || cfg.warmup < 0 || cfg.pool < 1 {
		return usageError{Msg: "--queries and --zipf-pool must be positive, --warmup not negative"}
	}
	if cfg.zipfS <= 1 || cfg.zipfV < 1 {
		return usageError{Msg: "--zipf-s must be > 1 and --zipf-v ≥ 1"}
	}
	engines := map[string]bool{}
	for _, e := range strings.Split(cfg.engines, ",") {
		switch e = strings.TrimSpace(e); e {
		case "maillage", "bleve", "neo4j":
			engines[e] = true
		default:
			return usageError{Msg: fmt.Sprintf("--engines: unknown engine %q (maillage, bleve, neo4j)", e)}
		}
	}
	if cfg.data == "" {
		dir, err := os.MkdirTemp("", "maillage-bench-search-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.data = dir
	} else if err := os.MkdirAll(cfg.data, 0o700); err != nil {
		return err
	}
	return benchSearch(ctx, cfg, engines, stdout)
}

// searchShape is one of the four query shapes: req(i) is its i-th query,
// distinct(i) one that no other i repeats (for the cold stream), and
// variants the number of distinct queries req yields.
type searchShape struct {
	key, name string
	req       func(i int) search.Request
	variants  int
}

// longTopicWords are the topic words the typo shape misspells: long
// enough (7 letters or more) that one edit is tolerated.
var longTopicWords = func() []string {
	var long []string
	for _, w := range benchcorpus.TopicWords {
		if len([]rune(w)) >= 7 {
			long = append(long, w)
		}
	}
	return long
}()

// searchShapes are BenchmarkSearch's (search/bench_test.go).
func searchShapes() []searchShape {
	words := benchcorpus.TopicWords
	dims := graph.DefaultTaxonomy().Dimensions[:3] // gender, region, generation
	return []searchShape{
		{key: "a", name: "one word", variants: len(words), req: func(i int) search.Request {
			return search.Request{Query: words[i%len(words)]}
		}},
		{key: "b", name: "two words + standpoint + facets", variants: len(words) * len(words), req: func(i int) search.Request {
			d := dims[i%len(dims)]
			v := d.Values[(i/len(dims))%len(d.Values)]
			return search.Request{
				Query:  words[i%len(words)] + " " + words[(i/len(words)+i*7+3)%len(words)],
				Filter: search.Filter{Standpoints: []search.Standpoint{{Dimension: d.ID, Value: v.ID}}},
				Facets: true,
			}
		}},
		{key: "c", name: "one typo", variants: len(longTopicWords), req: func(i int) search.Request {
			return search.Request{Query: typo(longTopicWords[i%len(longTopicWords)])}
		}},
		{key: "d", name: "one word + facets", variants: len(words), req: func(i int) search.Request {
			return search.Request{Query: words[i%len(words)], Facets: true}
		}},
	}
}

// typo returns w with one edit (a substitution) in its middle.
func typo(w string) string {
	rs := []rune(w)
	i := len(rs) / 2
	if rs[i] == 'x' {
		rs[i] = 'z'
	} else {
		rs[i] = 'x'
	}
	return string(rs)
}

// coldRequest makes the i-th query of a shape distinct from every other
// one without changing what it matches: it excludes a made-up word that
// no document holds (the generated vocabulary has no q), so the cache
// never has it.
func coldRequest(r search.Request, i int) search.Request {
	r.Query += " -qzq" + strings.Map(func(c rune) rune { return 'a' + (c - '0') }, fmt.Sprint(i))
	return r
}

// searchStream is a measured sequence of queries: the i-th is shape
// query index(i).
type searchStream struct {
	name  string
	index func(i int) int
}

// zipfStream draws the queries of a shape from a pool of its first pool
// variants, query k with weight (v+k)^-s: a few queries come back often,
// most rarely, as on a real site.
func zipfStream(cfg benchSearchConfig, variants int) func(int) int {
	pool := min(cfg.pool, variants)
	z := rand.NewZipf(rand.New(rand.NewPCG(cfg.seed, 7)), cfg.zipfS, cfg.zipfV, uint64(pool-1))
	draws := make([]int, cfg.warmup+cfg.queries)
	for i := range draws {
		draws[i] = int(z.Uint64())
	}
	return func(i int) int { return draws[i%len(draws)] }
}

// measurement is one engine's figures on one shape.
type measurement struct {
	cpu      time.Duration // this process's CPU per query
	server   time.Duration // the server's CPU per query (Neo4j with --neo4j-pid); -1 unknown
	p50, p99 time.Duration // wall latency at one client
	hits     float64       // matches per query
	distinct int           // distinct queries in the stream
	err      error
}

// measureShape runs warmup then queries calls of run, one at a time.
func measureShape(cfg benchSearchConfig, serverCPU func() time.Duration, run func(i int) (int, error)) measurement {
	var m measurement
	for i := range cfg.warmup {
		if _, err := run(i); err != nil {
			return measurement{err: err}
		}
	}
	lat := make([]time.Duration, cfg.queries)
	var hits int
	cpu0, srv0 := selfCPU(), serverCPU()
	for i := range cfg.queries {
		start := time.Now()
		n, err := run(cfg.warmup + i)
		lat[i] = time.Since(start)
		if err != nil {
			return measurement{err: err}
		}
		hits += n
	}
	q := time.Duration(cfg.queries)
	m.cpu = (selfCPU() - cpu0) / q
	m.server = -1
	if srv0 >= 0 {
		if srv := serverCPU(); srv >= 0 {
			m.server = (srv - srv0) / q
		}
	}
	slices.Sort(lat)
	m.p50 = lat[len(lat)/2]
	m.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	m.hits = float64(hits) / float64(cfg.queries)
	return m
}

func noServerCPU() time.Duration { return -1 }

// engineRun is one column of the table.
type engineRun struct {
	name    string
	stream  string
	results map[string]measurement // by shape key
	note    string                 // instead of results: why it did not run
}

func benchSearch(ctx context.Context, cfg benchSearchConfig, engines map[string]bool, out io.Writer) error {
	shapes := searchShapes()
	c := newBenchCorpus(cfg.docs, cfg.seed)
	var runs []engineRun
	if engines["maillage"] {
		if err := prepareBenchCorpus(ctx, cfg.data, c, out); err != nil {
			return err
		}
		rs, err := benchMaillage(ctx, cfg, shapes, out)
		if err != nil {
			return err
		}
		runs = append(runs, rs...)
	}
	var docs []peerDoc
	if engines["bleve"] || (engines["neo4j"] && cfg.neo.URI != "") {
		start := time.Now()
		var err error
		if docs, err = peerDocs(newBenchCorpus(cfg.docs, cfg.seed)); err != nil {
			return err
		}
		fmt.Fprintf(out, "peers' documents generated in %s\n", time.Since(start).Round(time.Millisecond))
	}
	if engines["bleve"] {
		r, err := benchRawBleve(ctx, cfg, shapes, docs, out)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	if engines["neo4j"] {
		if cfg.neo.URI == "" {
			runs = append(runs, engineRun{name: "Neo4j full-text", note: "not run (no --neo4j-uri)"})
		} else {
			r, err := benchNeo4jFulltext(ctx, cfg, shapes, docs, out)
			if err != nil {
				return err
			}
			runs = append(runs, r)
		}
	}
	printSearchTable(out, cfg, shapes, runs)
	return nil
}

// benchMaillage measures the index the server uses, opened on the
// corpus's index directory: without the result cache, then with it on a
// cold and on a Zipf stream.
func benchMaillage(ctx context.Context, cfg benchSearchConfig, shapes []searchShape, out io.Writer) ([]engineRun, error) {
	open := func(cache int) (*search.Index, error) {
		return search.Open(cmdkit.IndexDir(cfg.data), search.Options{ResultCache: cache,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}
	run := func(ix *search.Index, name, stream string, req func(s searchShape, i int) search.Request) engineRun {
		fmt.Fprintf(out, "measuring %s (%s)\n", name, stream)
		er := engineRun{name: name, stream: stream, results: map[string]measurement{}}
		for _, s := range shapes {
			seen := map[string]bool{}
			m := measureShape(cfg, noServerCPU, func(i int) (int, error) {
				r := req(s, i)
				if i >= cfg.warmup {
					seen[fmt.Sprint(r)] = true
				}
				res, err := ix.Search(ctx, r)
				if err != nil {
					return 0, err
				}
				return res.TotalCount, nil
			})
			m.distinct = len(seen)
			er.results[s.key] = m
		}
		return er
	}
	ix, err := open(-1)
	if err != nil {
		return nil, err
	}
	runs := []engineRun{run(ix, "maillage", "no cache", func(s searchShape, i int) search.Request { return s.req(i) })}
	if err := ix.Close(); err != nil {
		return nil, err
	}
	if ix, err = open(0); err != nil {
		return nil, err
	}
	defer ix.Close()
	runs = append(runs, run(ix, "maillage", "cache, cold", func(s searchShape, i int) search.Request {
		return coldRequest(s.req(i), i)
	}))
	zipf := map[string]func(int) int{}
	for _, s := range shapes {
		zipf[s.key] = zipfStream(cfg, s.variants)
	}
	runs = append(runs, run(ix, "maillage", fmt.Sprintf("cache, Zipf s=%g v=%g", cfg.zipfS, cfg.zipfV), func(s searchShape, i int) search.Request {
		return s.req(zipf[s.key](i))
	}))
	return runs, nil
}

func printSearchTable(out io.Writer, cfg benchSearchConfig, shapes []searchShape, runs []engineRun) {
	fmt.Fprintf(out, "\n%d documents (seed %d), %d queries per shape after %d of warm-up, one client, first 20 hits by relevance, anonymous reader\n",
		cfg.docs, cfg.seed, cfg.queries, cfg.warmup)
	fmt.Fprintln(out, "cpu: this process's CPU per query; for Neo4j, server: the server's CPU per query (from /proc, with --neo4j-pid)")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "shape\tengine\tstream\tdistinct\tcpu ms\tserver ms\tp50 ms\tp99 ms\tmatches\t")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }
	for _, s := range shapes {
		for _, r := range runs {
			if r.note != "" {
				fmt.Fprintf(tw, "(%s) %s\t%s\t%s\t-\t-\t-\t-\t-\t-\t\n", s.key, s.name, r.name, r.note)
				continue
			}
			m := r.results[s.key]
			if m.err != nil {
				fmt.Fprintf(tw, "(%s) %s\t%s\t%s\t\terror: %v\t\t\t\t\t\n", s.key, s.name, r.name, r.stream, m.err)
				continue
			}
			server := "-"
			if m.server >= 0 {
				server = ms(m.server)
			}
			distinct := "-"
			if m.distinct > 0 {
				distinct = fmt.Sprint(m.distinct)
			}
			fmt.Fprintf(tw, "(%s) %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t\n", s.key, s.name, r.name, r.stream, distinct,
				ms(m.cpu), server, ms(m.p50), ms(m.p99), m.hits)
		}
	}
	tw.Flush()
}
