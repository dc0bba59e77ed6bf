package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/search/benchcorpus"
)

// `maillage-bench http` measures the server as front-ends meet it: a real
// `serve` in a child process (so that its peak RSS is its own), a corpus
// of generated documents with its search index caught up, and concurrent
// clients on loopback sending a mix of searches, note pages and writes.
// The client runs on the same machine and its CPU is part of the figure.
// With --store neo4j the same corpus is also written into an empty Neo4j
// database and the same load sent to a server over it, after the one over
// the embedded store: both tables, then one beside the other.
//
// The server child is maillage built with -tags maillagebench, which adds
// the child's command (cmd/maillage/benchserver.go) to the server as
// deployed.

type benchOp int

const (
	opSearch benchOp = iota
	opNote
	opMutate
	benchOps
)

var benchOpNames = [benchOps]string{"search", "note", "mutate"}

type benchHTTPConfig struct {
	docs          int
	seed          uint64
	concurrency   int
	duration      time.Duration
	warmup        time.Duration
	mix           [benchOps]int // weights
	data          string
	cpuProfile    string // the server's CPU profile, written when it stops
	memProfile    string // the server's allocation profile, written when it stops
	clientProfile string // the client's CPU profile of the measured load
	bin           string // the maillage binary the server runs from
	// store is the server's: embedded (the corpus in data) or neo4j (the
	// corpus in the database neo, the server's index in data).
	store string
	neo   cmdkit.Neo4j
}

func benchHTTPCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg benchHTTPConfig
	var mix, only string
	fs := newFlagSet("maillage-bench http", stderr)
	fs.IntVar(&cfg.docs, "docs", 100_000, "documents in the generated corpus")
	fs.IntVar(&cfg.concurrency, "concurrency", 16, "concurrent clients")
	fs.DurationVar(&cfg.duration, "duration", 30*time.Second, "measured duration")
	fs.DurationVar(&cfg.warmup, "warmup", 3*time.Second, "load before measuring, not counted")
	fs.StringVar(&mix, "mix", "search=70,note=20,mutate=10", "weights of the operations: search, note, mutate")
	fs.StringVar(&only, "only", "", "run one operation alone (search, note or mutate) instead of the mix")
	fs.StringVar(&cfg.data, "data", "", "data directory to build the corpus in, or reuse it from (a fresh temporary one by default)")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write the server's CPU profile of the whole run to this file")
	fs.StringVar(&cfg.memProfile, "memprofile", "", "write the server's allocation profile of the whole run to this file")
	fs.StringVar(&cfg.clientProfile, "clientcpuprofile", "", "write the client's CPU profile of the measured load to this file")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the generated corpus")
	fs.StringVar(&cfg.bin, "server-bin", "", "the server to measure: maillage built with -tags maillagebench (built from the repository by default)")
	fs.StringVar(&cfg.store, "store", "embedded", "embedded, or neo4j: the same load on the embedded store, then on an empty Neo4j database, side by side")
	cfg.neo.AddFlags(fs) // with --store neo4j: a database of the bench's own, empty
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfg.store != "embedded" && cfg.store != "neo4j" {
		return usageError{Msg: fmt.Sprintf("--store must be embedded or neo4j, not %q", cfg.store)}
	}
	if cfg.store == "neo4j" && cfg.neo.URI == "" {
		return usageError{Msg: "--store neo4j needs --neo4j-uri (or MAILLAGE_NEO4J_URI)"}
	}
	var err error
	if only != "" {
		mix = only + "=1"
	}
	if cfg.mix, err = parseBenchMix(mix); err != nil {
		return err
	}
	if cfg.docs < 100 {
		return usageError{Msg: "--docs must be at least 100"}
	}
	if cfg.concurrency < 1 || cfg.duration <= 0 || cfg.warmup < 0 {
		return usageError{Msg: "--concurrency and --duration must be positive, --warmup not negative"}
	}
	if cfg.data == "" {
		dir, err := os.MkdirTemp("", "maillage-bench-http-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.data = dir
	}
	for _, p := range []*string{&cfg.cpuProfile, &cfg.memProfile, &cfg.clientProfile} {
		if *p != "" {
			if *p, err = filepath.Abs(*p); err != nil {
				return err
			}
		}
	}
	if cfg.bin == "" {
		dir, err := os.MkdirTemp("", "maillage-bench-server-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if cfg.bin, err = buildBenchServer(ctx, dir, stdout); err != nil {
			return err
		}
	}
	if cfg.store == "embedded" {
		_, err = runBenchHTTP(ctx, cfg, stdout)
		return err
	}
	return runBenchHTTPStores(ctx, cfg, stdout)
}

// buildBenchServer builds the server child into dir, from the module the
// current directory is in.
func buildBenchServer(ctx context.Context, dir string, out io.Writer) (string, error) {
	bin := filepath.Join(dir, "maillage")
	fmt.Fprintln(out, "building the server (go build -tags maillagebench ./cmd/maillage)")
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "maillagebench", "-o", bin, "github.com/encommun/maillage/cmd/maillage")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the server failed (run from the repository, or give --server-bin): %v\n%s", err, b)
	}
	return bin, nil
}

// runBenchHTTPStores runs the load on the embedded store, then on Neo4j,
// and sets the two reports side by side. The Neo4j database must be empty
// (the bench writes the corpus into it, and notes during the load): give
// it one of its own, and empty it between runs.
func runBenchHTTPStores(ctx context.Context, cfg benchHTTPConfig, out io.Writer) error {
	emb := cfg
	emb.store = "embedded"
	fmt.Fprintln(out, "== embedded store")
	re, err := runBenchHTTP(ctx, emb, out)
	if err != nil {
		return err
	}
	// The Neo4j server's data directory holds its search index only,
	// rebuilt each run as the database is.
	neo := cfg
	if neo.data, err = os.MkdirTemp("", "maillage-bench-http-neo4j-"); err != nil {
		return err
	}
	defer os.RemoveAll(neo.data)
	fmt.Fprintln(out, "\n== neo4j store")
	rn, err := runBenchHTTP(ctx, neo, out)
	if err != nil {
		return err
	}
	printSideBySide(out, cfg, re, rn)
	return nil
}

// printSideBySide is one row per operation: each store's rate and
// latencies, and the ratio of the medians (neo4j over embedded).
func printSideBySide(out io.Writer, cfg benchHTTPConfig, re, rn *benchReport) {
	fmt.Fprintf(out, "\n%d documents, %d clients, mix %s: embedded and neo4j side by side\n\n", cfg.docs, cfg.concurrency, mixString(cfg.mix))
	const row = "%-10s %9s %10s %10s   %9s %10s %10s   %7s\n"
	fmt.Fprintf(out, "%-10s %-31s   %s\n", "", "embedded", "neo4j")
	fmt.Fprintf(out, row, "operation", "req/s", "p50", "p99", "req/s", "p50", "p99", "p50 ×")
	rate := func(r *benchReport, n int) string { return fmt.Sprintf("%.1f", float64(n)/r.elapsed.Seconds()) }
	for op := range benchOps {
		if cfg.mix[op] == 0 {
			continue
		}
		e, n := re.ops[op], rn.ops[op]
		ratio := "-"
		if e.p50 > 0 && n.p50 > 0 {
			ratio = fmt.Sprintf("%.1f", float64(n.p50)/float64(e.p50))
		}
		fmt.Fprintf(out, row, benchOpNames[op], rate(re, e.count), ms(e.p50), ms(e.p99), rate(rn, n.count), ms(n.p50), ms(n.p99), ratio)
	}
	fmt.Fprintf(out, "%-10s %9s %21s   %9s\n", "total", rate(re, re.total), "", rate(rn, rn.total))
	fmt.Fprintf(out, "peak RSS: embedded %s, neo4j %s; errors: embedded %d, neo4j %d\n", mib(re.peakRSS), mib(rn.peakRSS), re.errors, rn.errors)
}

// parseBenchMix reads "search=70,note=20,mutate=10".
func parseBenchMix(s string) ([benchOps]int, error) {
	var mix [benchOps]int
	total := 0
	for part := range strings.SplitSeq(s, ",") {
		name, weight, ok := strings.Cut(strings.TrimSpace(part), "=")
		op := slices.Index(benchOpNames[:], name)
		w, err := strconv.Atoi(weight)
		if !ok || op < 0 || err != nil || w < 0 {
			return mix, usageError{Msg: fmt.Sprintf("--mix: %q is not OPERATION=WEIGHT with an operation among %s", part, strings.Join(benchOpNames[:], ", "))}
		}
		mix[op] = w
		total += w
	}
	if total == 0 {
		return mix, usageError{Msg: "--mix: every weight is zero"}
	}
	return mix, nil
}

// benchReport is what one run measured.
type benchReport struct {
	elapsed    time.Duration
	ops        [benchOps]benchOpReport
	total      int
	errors     int
	errSamples []string
	created    []string // ids of the notes the mutations created
	peakRSS    int64    // bytes, the server's VmHWM
	anonRSS    int64    // bytes, the server's RssAnon at the end: its heap and stacks
	fileRSS    int64    // bytes, the server's RssFile at the end: mapped store and index pages
	startRSS   int64    // bytes, the server's VmRSS once ready
	serverCPU  time.Duration
	clientCPU  time.Duration
}

type benchOpReport struct {
	count, errors int
	p50, p99      time.Duration
}

func runBenchHTTP(ctx context.Context, cfg benchHTTPConfig, out io.Writer) (*benchReport, error) {
	corpus := newBenchCorpus(cfg.docs, cfg.seed)
	var tokens []string
	if cfg.store == "neo4j" {
		var err error
		if tokens, err = prepareNeo4jCorpus(ctx, cfg, corpus, out); err != nil {
			return nil, err
		}
	} else {
		if err := prepareBenchCorpus(ctx, cfg.data, corpus, out); err != nil {
			return nil, err
		}
		if cfg.mix[opMutate] > 0 {
			s, err := embedded.Open(cfg.data, embedded.Options{})
			if err != nil {
				return nil, err
			}
			tokens, err = benchTokens(ctx, s, cfg.concurrency)
			s.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	srv, err := startBenchServer(cfg)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	startRSS, _ := procStatusBytes(srv.cmd.Process.Pid, "VmRSS")

	clients := newBenchClients(srv.addr, cfg, corpus.publicNotes(), tokens)
	fmt.Fprintf(out, "server ready on %s (RSS %s); %d clients, mix %s\n", srv.addr, mib(startRSS), cfg.concurrency, mixString(cfg.mix))
	if cfg.warmup > 0 {
		runBenchClients(ctx, clients, cfg.warmup)
		for _, c := range clients {
			c.reset()
		}
	}
	if cfg.clientProfile != "" {
		f, err := os.Create(cfg.clientProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
	}
	cpu0, _ := procCPU(srv.cmd.Process.Pid)
	self0 := selfCPU()
	start := time.Now()
	runBenchClients(ctx, clients, cfg.duration)
	r := &benchReport{elapsed: time.Since(start), startRSS: startRSS}
	cpu1, _ := procCPU(srv.cmd.Process.Pid)
	r.serverCPU, r.clientCPU = cpu1-cpu0, selfCPU()-self0
	if cfg.clientProfile != "" {
		pprof.StopCPUProfile()
	}
	r.peakRSS, _ = procStatusBytes(srv.cmd.Process.Pid, "VmHWM")
	r.anonRSS, _ = procStatusBytes(srv.cmd.Process.Pid, "RssAnon")
	r.fileRSS, _ = procStatusBytes(srv.cmd.Process.Pid, "RssFile")
	for op := range benchOps {
		var lat []time.Duration
		for _, c := range clients {
			lat = append(lat, c.lat[op]...)
			r.ops[op].errors += c.errs[op]
		}
		slices.Sort(lat)
		r.ops[op].count = len(lat)
		r.ops[op].p50, r.ops[op].p99 = percentile(lat, 0.50), percentile(lat, 0.99)
		r.total += len(lat)
		r.errors += r.ops[op].errors
	}
	for _, c := range clients {
		if len(r.errSamples) < 5 {
			r.errSamples = append(r.errSamples, c.errSamples...)
		}
		for _, n := range c.mine {
			r.created = append(r.created, n.id)
		}
	}
	if err := srv.stop(); err != nil {
		return r, err
	}
	r.print(out, cfg)
	return r, nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func mixString(mix [benchOps]int) string {
	var parts []string
	for op, w := range mix {
		if w > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", benchOpNames[op], w))
		}
	}
	return strings.Join(parts, ",")
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func (r *benchReport) print(out io.Writer, cfg benchHTTPConfig) {
	secs := r.elapsed.Seconds()
	fmt.Fprintf(out, "\n%d documents, %d clients, %s measured after %s of warm-up, mix %s\n\n",
		cfg.docs, cfg.concurrency, r.elapsed.Round(time.Millisecond), cfg.warmup, mixString(cfg.mix))
	fmt.Fprintf(out, "%-10s %9s %9s %10s %10s %7s\n", "operation", "count", "req/s", "p50", "p99", "errors")
	for op := range benchOps {
		o := r.ops[op]
		if cfg.mix[op] == 0 {
			continue
		}
		fmt.Fprintf(out, "%-10s %9d %9.0f %10s %10s %7d\n", benchOpNames[op], o.count, float64(o.count)/secs, ms(o.p50), ms(o.p99), o.errors)
	}
	fmt.Fprintf(out, "%-10s %9d %9.0f %10s %10s %7d\n", "total", r.total, float64(r.total)/secs, "", "", r.errors)
	perReq := func(d time.Duration) string {
		if r.total == 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000/float64(r.total))
	}
	// The store and the index are memory-mapped: the pages they read
	// count as resident, though the kernel can drop them at will.
	fmt.Fprintf(out, "\nserver: peak RSS %s (%s once ready; at the end %s heap and stacks, %s mapped store and index pages)\n",
		mib(r.peakRSS), mib(r.startRSS), mib(r.anonRSS), mib(r.fileRSS))
	fmt.Fprintf(out, "CPU per request: server %s, client %s\n", perReq(r.serverCPU), perReq(r.clientCPU))
	for _, s := range r.errSamples {
		fmt.Fprintf(out, "error: %s\n", s)
	}
}

// benchServer is the `serve` child process.
type benchServer struct {
	cmd    *exec.Cmd
	addr   string
	log    string
	done   chan error
	once   sync.Once
	result error
}

func startBenchServer(cfg benchHTTPConfig) (*benchServer, error) {
	args := []string{"bench-server", "--data", cfg.data}
	if cfg.store == "neo4j" {
		args = append(args, "--store", "neo4j")
	}
	if cfg.cpuProfile != "" {
		args = append(args, "--cpuprofile", cfg.cpuProfile)
	}
	if cfg.memProfile != "" {
		args = append(args, "--memprofile", cfg.memProfile)
	}
	s := &benchServer{cmd: exec.Command(cfg.bin, args...), log: filepath.Join(cfg.data, "bench-server.log"), done: make(chan error, 1)}
	if cfg.store == "neo4j" {
		// The connection goes by the environment: a password on the
		// command line would show in the process list.
		s.cmd.Env = append(os.Environ(), "MAILLAGE_NEO4J_URI="+cfg.neo.URI, "MAILLAGE_NEO4J_USER="+cfg.neo.User,
			"MAILLAGE_NEO4J_PASSWORD="+cfg.neo.Password, "MAILLAGE_NEO4J_DATABASE="+cfg.neo.Database)
	}
	logFile, err := os.Create(s.log)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child holds its own descriptor
	s.cmd.Stderr = logFile
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				addr <- a
			}
		}
		s.done <- s.cmd.Wait()
	}()
	select {
	case s.addr = <-addr:
	case err := <-s.done:
		s.done <- err
		return nil, fmt.Errorf("the server stopped before it was ready (%v): see %s", err, s.log)
	case <-time.After(10 * time.Minute):
		s.stop()
		return nil, fmt.Errorf("the server was not ready after 10 minutes: see %s", s.log)
	}
	return s, nil
}

// stop sends SIGTERM, as an operator would, and waits for the drain.
func (s *benchServer) stop() error {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.done:
			if err != nil {
				s.result = fmt.Errorf("server: %v: see %s", err, s.log)
			}
		case <-time.After(45 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
			s.result = fmt.Errorf("the server did not stop within 45 s of SIGTERM: see %s", s.log)
		}
	})
	return s.result
}

// benchWorkload is what every client shares.
type benchWorkload struct {
	url    string
	client *http.Client
	mix    [benchOps]int
	// notes are the note query's bodies' variables, one per public note
	// (what anonymous readers open), marshalled once: a note request is
	// then a few appends, as in a load tool that replays prepared requests.
	notes [][]byte
}

// newBenchClients makes cfg.concurrency clients of the server at addr,
// sharing one Transport; tokens, when there are mutations, has one per
// client.
func newBenchClients(addr string, cfg benchHTTPConfig, notes, tokens []string) []*benchClient {
	w := &benchWorkload{url: "http://" + addr + "/graphql", mix: cfg.mix, notes: noteVariables(notes),
		client: &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * cfg.concurrency, MaxIdleConnsPerHost: 2 * cfg.concurrency,
			// Large enough for most answers to be read in one system call.
			DisableCompression: true, ReadBufferSize: 64 << 10}, Timeout: time.Minute}}
	clients := make([]*benchClient, cfg.concurrency)
	for i := range clients {
		clients[i] = &benchClient{w: w, rng: rand.New(rand.NewPCG(cfg.seed, uint64(i)+1))}
		if tokens != nil {
			clients[i].authHeader = benchHeader(tokens[i])
		}
	}
	return clients
}

// noteVariables marshals the variables of the note query for each note.
func noteVariables(ids []string) [][]byte {
	vars := make([][]byte, len(ids))
	for i, id := range ids {
		gid, _ := json.Marshal(api.GlobalID(graph.KindNote, id))
		vars[i] = slices.Concat([]byte(`{"id":`), gid, []byte(`}`))
	}
	return vars
}

type benchClient struct {
	w          *benchWorkload
	rng        *rand.Rand
	lat        [benchOps][]time.Duration
	errs       [benchOps]int
	errSamples []string
	mine       []benchNote // notes this client created, for updates
	// next is the variables of the next page of this client's last
	// search, when it has one.
	next *benchSearchVars
	// authHeader is the headers of the client's mutations, with its
	// token; never changed once made, as the Transport only reads them.
	authHeader http.Header
	// answer holds the answer being read; reused, so that reading one
	// costs no allocation once the buffer has grown to the largest.
	answer bytes.Buffer
}

type benchNote struct {
	id      string
	version int
}

func (c *benchClient) reset() {
	for op := range benchOps {
		c.lat[op] = c.lat[op][:0]
		c.errs[op] = 0
	}
	c.errSamples = nil
}

// runBenchClients sends requests for d; requests in flight then finish
// (and count), so that no write is left half-known to its client.
func runBenchClients(ctx context.Context, clients []*benchClient, d time.Duration) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				c.one(ctx)
			}
		})
	}
	wg.Wait()
}

func (c *benchClient) pick() benchOp {
	total := 0
	for _, w := range c.w.mix {
		total += w
	}
	n := c.rng.IntN(total)
	for op, w := range c.w.mix {
		if n < w {
			return benchOp(op)
		}
		n -= w
	}
	return opSearch
}

// The queries are those of a front-end: a results page with highlights
// and facets, a note page with its authors and backlinks, an author's
// edit or new note.
const (
	benchSearchQuery = `query BenchSearch($q: String!, $filter: SearchFilter) {
  search(query: $q, filter: $filter, first: 10) {
    totalCount
    edges { cursor score node { id kind title summary } highlights { field fragments } }
    facets { field buckets { value label count } }
    pageInfo { hasNextPage endCursor }
  }
}`
	// The next page of results, as an infinite scroll asks for it: the
	// facets are already on screen.
	benchNextPageQuery = `query BenchSearchNext($q: String!, $filter: SearchFilter, $after: String) {
  search(query: $q, filter: $filter, first: 10, after: $after) {
    edges { cursor score node { id kind title summary } highlights { field fragments } }
    pageInfo { hasNextPage endCursor }
  }
}`
	benchNoteQuery = `query BenchNote($id: ID!) {
  node(id: $id) {
    id
    ... on Note {
      title summary body language publishedAt updatedAt version
      authors { id name region }
      backlinks(first: 10) { totalCount edges { node { id title } } }
    }
  }
}`
	benchCreateQuery = `mutation BenchCreateNote($input: CreateNoteInput!) {
  createNote(input: $input) { note { id version } }
}`
	benchUpdateQuery = `mutation BenchUpdateNote($input: UpdateNoteInput!) {
  updateNote(input: $input) { note { id version } }
}`
)

// benchBody is the start of a request body, up to its variables: the
// query is marshalled once.
type benchBody []byte

func newBenchBody(query string) benchBody {
	q, _ := json.Marshal(query)
	return slices.Concat([]byte(`{"query":`), q, []byte(`,"variables":`))
}

// with returns a body with these marshalled variables.
func (b benchBody) with(vars []byte) []byte {
	return slices.Concat(b, vars, []byte(`}`))
}

var (
	benchSearchBody   = newBenchBody(benchSearchQuery)
	benchNextPageBody = newBenchBody(benchNextPageQuery)
	benchNoteBody     = newBenchBody(benchNoteQuery)
	benchCreateBody   = newBenchBody(benchCreateQuery)
	benchUpdateBody   = newBenchBody(benchUpdateQuery)
)

type benchSearchVars struct {
	Q      string       `json:"q"`
	Filter *benchFilter `json:"filter,omitempty"`
	After  string       `json:"after,omitempty"`
}

type benchFilter struct {
	Kinds     []string `json:"kinds"`
	Languages []string `json:"languages"`
}

type benchNoteInput struct {
	ID         string `json:"id,omitempty"`
	Version    int    `json:"version,omitempty"`
	Title      string `json:"title,omitempty"`
	Summary    string `json:"summary"`
	Body       string `json:"body"`
	Visibility string `json:"visibility,omitempty"`
}

func (c *benchClient) one(ctx context.Context) {
	op := c.pick()
	var body []byte
	var search *benchSearchVars
	var update *benchNote
	switch op {
	case opSearch:
		search = c.searchVars()
		vars, _ := json.Marshal(search)
		if search.After != "" {
			body = benchNextPageBody.with(vars)
		} else {
			body = benchSearchBody.with(vars)
		}
	case opNote:
		body = benchNoteBody.with(c.w.notes[c.rng.IntN(len(c.w.notes))])
	case opMutate:
		var in benchNoteInput
		tmpl := benchCreateBody
		if len(c.mine) > 0 && c.rng.IntN(2) == 0 {
			update = &c.mine[c.rng.IntN(len(c.mine))]
			in.ID, in.Version, tmpl = update.id, update.version, benchUpdateBody
		} else {
			in.Title, in.Visibility = "Note de banc d'essai "+c.words(4), "PUBLIC"
		}
		in.Summary, in.Body = c.words(25), c.words(200)
		vars, _ := json.Marshal(struct {
			Input benchNoteInput `json:"input"`
		}{in})
		body = tmpl.with(vars)
	}
	start := time.Now()
	answer, err := c.post(ctx, body, op == opMutate)
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return // interrupted: not an answer
	}
	if err == nil {
		switch op {
		case opSearch:
			c.next, err = nextPage(search, answer)
		case opNote:
			err = noteFound(answer)
		case opMutate:
			err = c.wrote(answer, update)
		}
	}
	if err != nil {
		c.errs[op]++
		if len(c.errSamples) < 3 {
			c.errSamples = append(c.errSamples, fmt.Sprintf("%s: %v", benchOpNames[op], err))
		}
		return
	}
	c.lat[op] = append(c.lat[op], elapsed)
}

// nextPage returns the variables of the page after a search's answer,
// nil when it was the last. It decodes the pageInfo alone: it is the last
// field the queries ask for, and a string in the answer cannot hold an
// unescaped quote, so the last `"pageInfo":` is its key.
func nextPage(vars *benchSearchVars, answer []byte) (*benchSearchVars, error) {
	key := []byte(`"pageInfo":`)
	i := bytes.LastIndex(answer, key)
	if i < 0 {
		return nil, errors.New("no pageInfo in the answer")
	}
	var p struct {
		HasNextPage *bool   `json:"hasNextPage"`
		EndCursor   *string `json:"endCursor"`
	}
	if err := json.NewDecoder(bytes.NewReader(answer[i+len(key):])).Decode(&p); err != nil {
		return nil, fmt.Errorf("unreadable pageInfo: %v", err)
	}
	switch {
	case p.HasNextPage == nil:
		return nil, errors.New("no hasNextPage in the answer")
	case !*p.HasNextPage:
		return nil, nil
	case p.EndCursor == nil || *p.EndCursor == "":
		return nil, errors.New("hasNextPage without an endCursor")
	}
	next := *vars
	next.After = *p.EndCursor
	return &next, nil
}

// noteFound checks that the note query found its note: every note it
// asks for is public.
func noteFound(answer []byte) error {
	if !bytes.HasPrefix(answer, []byte(`{"data":{"node":{`)) {
		return errors.New("the public note was not found")
	}
	return nil
}

// wrote records the note of a createNote answer among the client's, or
// the new version of the note it updated.
func (c *benchClient) wrote(answer []byte, update *benchNote) error {
	note, err := mutatedNote(answer)
	switch {
	case err != nil:
		return err
	case update != nil:
		update.version = note.version
	default:
		c.mine = append(c.mine, note)
	}
	return nil
}

// mutatedNote reads the note of a createNote or updateNote answer: small,
// decoded whole.
func mutatedNote(answer []byte) (benchNote, error) {
	var r struct {
		Data map[string]*struct {
			Note *struct {
				ID      string `json:"id"`
				Version int    `json:"version"`
			} `json:"note"`
		} `json:"data"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		return benchNote{}, fmt.Errorf("unreadable answer: %v", err)
	}
	for _, p := range r.Data {
		if p != nil && p.Note != nil && p.Note.ID != "" && p.Note.Version > 0 {
			return benchNote{p.Note.ID, p.Note.Version}, nil
		}
	}
	return benchNote{}, errors.New("no note id and version in the answer")
}

// searchVars draws words of the corpus vocabulary: one word, two words,
// or one word in notes of one language; one search in four is the next
// page of the client's previous one, when there is one.
func (c *benchClient) searchVars() *benchSearchVars {
	if c.next != nil && c.rng.IntN(4) == 0 {
		return c.next
	}
	w := func() string { return benchcorpus.TopicWords[c.rng.IntN(len(benchcorpus.TopicWords))] }
	switch n := c.rng.IntN(10); {
	case n < 5:
		return &benchSearchVars{Q: w()}
	case n < 8:
		return &benchSearchVars{Q: w() + " " + w()}
	default:
		return &benchSearchVars{Q: w(), Filter: &benchFilter{Kinds: []string{"NOTE"}, Languages: []string{"fr"}}}
	}
}

func (c *benchClient) words(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = benchcorpus.TopicWords[c.rng.IntN(len(benchcorpus.TopicWords))]
	}
	return strings.Join(ws, " ")
}

var (
	answerData   = []byte(`{"data":{`)
	answerErrors = []byte(`"errors":`)
)

// post sends one request and returns its answer, valid until the
// client's next request. An HTTP status other than 200, any GraphQL error
// or a null data is an error. The answers of a healthy server are
// checked without decoding them: gqlgen writes "errors" before "data",
// and only when there are errors; and since a string in JSON cannot hold
// an unescaped quote, `"errors":` in the raw answer can only be a key.
// Anything else is decoded whole, for its status, code and message.
func (c *benchClient) post(ctx context.Context, body []byte, authed bool) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.w.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = benchAnonHeader
	if authed {
		req.Header = c.authHeader
	}
	resp, err := c.w.client.Do(req)
	if err != nil {
		return nil, err
	}
	c.answer.Reset()
	_, err = c.answer.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	answer := c.answer.Bytes()
	if resp.StatusCode == http.StatusOK && bytes.HasPrefix(answer, answerData) && !bytes.Contains(answer, answerErrors) {
		return answer, nil
	}
	var r struct {
		Data   json.RawMessage  `json:"data"`
		Errors cmdkit.ErrorList `json:"errors"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		return nil, fmt.Errorf("status %d, unreadable answer: %v", resp.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return nil, fmt.Errorf("status %d, %s: %s", resp.StatusCode, r.Errors[0].Extensions.Code, r.Errors[0].Message)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	if len(r.Data) == 0 || string(r.Data) == "null" {
		return nil, errors.New("no data")
	}
	return answer, nil
}

// benchHeader is the headers of a request; benchAnonHeader, of an
// anonymous one.
func benchHeader(token string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/graphql-response+json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return h
}

var benchAnonHeader = benchHeader("")

// procStatusBytes reads a kB field of /proc/PID/status (Linux): VmHWM is
// the peak resident set size, VmRSS the current one.
func procStatusBytes(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// procCPU is the user and system CPU time of a process (Linux), from
// /proc/PID/stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: count from its ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("unreadable /proc stat")
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
