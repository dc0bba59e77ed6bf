package neo4j

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// The Cypher lint: every statement of Statements goes, with its declared
// parameters, through lintCypherQuery of @neo4j-cypher/language-support
// (Neo4j's own grammar and semantic analysis), in one Node process. There
// is no Neo4j server on the development and CI machines, so this is what
// catches a syntax error, an undefined variable or parameter, a misspelt
// label, relationship type or property key before a real server does.

// lintSchema is the graph the statements may name. Declaring it turns a
// misspelt label, relationship type or property into a diagnostic.
func lintSchema() map[string][]string {
	labels := []string{"Node", "Document", "Revision", "StandpointValue", "Token", "Change", "Sequence", "Flag", "Media", "Comment", "CommentRevision",
		"ListedNote", "ListedTerm", "ListedOrganisation"}
	for _, k := range graph.Kinds {
		labels = append(labels, string(k))
	}
	rels := []string{"DECLARES"}
	for _, r := range graph.Relations {
		rels = append(rels, string(r))
	}
	keys := map[string]bool{}
	var d graph.Document
	now := time.Now()
	d.PublishedAt = &now
	for _, p := range []props{
		documentProps(&d), contributorProps(&graph.Contributor{}), carnetProps(&graph.Carnet{Categories: []string{"x"}}),
		groupProps(graph.KindCommunity, "", "", "", now, now, 0), revisionProps(&graph.Revision{}),
		linkProps(&graph.Link{Role: "x", Category: "x", Position: 1}), flagProps(&graph.Flag{ResolvedAt: &now, CommentID: "x"}),
		commentProps(&graph.Comment{}), commentRevisionProps(&graph.CommentRevision{}),
	} {
		for k := range p {
			keys[k] = true
		}
	}
	media, err := mediaProps(&graph.Media{DocumentID: "x", Cues: []graph.MediaCue{{}}})
	if err != nil {
		panic(err)
	}
	media["visibility"] = ""
	for k := range media {
		keys[k] = true
	}
	// Properties written by the statements themselves: the sequence, the
	// changes, the declarations, the tokens, the restore marker.
	for _, k := range []string{"name", "value", "_LOCK_", "seq", "at", "op", "relation", "otherId",
		"dimension", "declaredAt", "hash", "role", "contributorId", "expiresAt", "label", "hidden",
		"owner", "host", "pid", "startedAt", "heartbeat"} {
		keys[k] = true
	}
	return map[string][]string{"labels": labels, "relationshipTypes": rels, "propertyKeys": sortedKeys(keys)}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// paramSamples gives each parameter a value of the type the store sends,
// so that the linter's type checks see what Neo4j will see.
var paramSamples = map[string]any{
	"all": true, "system": true, "stored": false, "hasCursor": true, "desc": false,
	"ids": []string{"a"}, "kinds": []string{"Note"}, "rels": []string{"LINKS_TO"},
	"version": 1, "limit": 20, "since": 0, "timeoutSeconds": 300,
	"props":   map[string]any{"id": "a"},
	"rows":    []any{map[string]any{"id": "a", "from": "a", "to": "b", "props": map[string]any{}}},
	"changes": []any{map[string]any{"op": "CREATE", "kind": "Note", "id": "a", "relation": "", "otherId": ""}},
}

func sample(name string) any {
	if v, ok := paramSamples[name]; ok {
		return v
	}
	return "x"
}

type lintStatement struct {
	Name   string         `json:"name"`
	Cypher string         `json:"cypher"`
	Params map[string]any `json:"params"`
}

type diagnostic struct {
	Severity int    `json:"severity"`
	Message  string `json:"message"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

type lintResult struct {
	Name        string       `json:"name"`
	Diagnostics []diagnostic `json:"diagnostics"`
}

// LSP severities.
const (
	severityError   = 1
	severityWarning = 2
)

// probes are broken statements that the lint must flag: they prove that
// a passing lint means something. The misspelt label and relationship
// type draw warnings, which TestCypherLint fails on too.
var probes = []Statement{
	{Name: "probe:syntax", Cypher: "MATCH (n RETURN n"},
	{Name: "probe:undeclared-parameter", Cypher: "MATCH (n:Node {id: $nope}) RETURN n"},
	{Name: "probe:undefined-variable", Cypher: "MATCH (n:Node) RETURN m"},
	{Name: "probe:removed-syntax", Cypher: "MATCH (n:Node) WHERE exists(n.id) RETURN n"},
	{Name: "probe:misspelt-label", Cypher: "MATCH (n:Nodes) RETURN n"},
	{Name: "probe:misspelt-relationship", Cypher: "MATCH (n:Node)-[:LINK_TO]->(m:Node) RETURN n, m"},
}

var (
	lintOnce    sync.Once
	lintResults map[string][]diagnostic
	lintErr     error
)

// lintAll lints the registry and the probes in one Node process.
func lintAll(t *testing.T) map[string][]diagnostic {
	t.Helper()
	lintOnce.Do(func() { lintResults, lintErr = runLint(append(slices.Clone(Statements), probes...)) })
	if lintErr != nil {
		t.Fatal(lintErr)
	}
	return lintResults
}

func runLint(stmts []Statement) (map[string][]diagnostic, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@neo4j-cypher", "language-support", "package.json")); err != nil {
		return nil, fmt.Errorf("the Cypher lint needs @neo4j-cypher/language-support: run `npm ci` at the repository root (%s)", root)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("the Cypher lint needs Node.js (node) on PATH: install Node.js 20 or later, then run `npm ci` at the repository root")
	}
	schema := lintSchema()
	cache, err := openLintCache(root, schema)
	if err != nil {
		return nil, err
	}
	out := map[string][]diagnostic{}
	in := struct {
		Schema     map[string][]string `json:"schema"`
		Statements []lintStatement     `json:"statements"`
	}{Schema: schema}
	for _, st := range stmts {
		params := map[string]any{}
		for _, p := range st.Params {
			params[p] = sample(p)
		}
		ls := lintStatement{Name: st.Name, Cypher: st.Cypher, Params: params}
		if diags, ok := cache.get(ls); ok {
			out[st.Name] = diags
			continue
		}
		in.Statements = append(in.Statements, ls)
	}
	if len(in.Statements) == 0 {
		return out, nil
	}
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(node, filepath.Join(root, "graph", "store", "neo4j", "lint", "lint.mjs"))
	cmd.Dir = root
	cmd.Stdin = bytes.NewReader(body)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node lint/lint.mjs: %v\n%s", err, stderr.String())
	}
	var results []lintResult
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		return nil, fmt.Errorf("lint output is not JSON: %v\n%.2000s", err, stdout.String())
	}
	if len(results) != len(in.Statements) {
		return nil, fmt.Errorf("lint returned %d results for %d statements", len(results), len(in.Statements))
	}
	for i, r := range results {
		out[r.Name] = r.Diagnostics
		cache.put(in.Statements[i], r.Diagnostics)
	}
	return out, nil
}

// lintCache keeps each statement's diagnostics under a hash of everything
// that decides them: the statement with its parameter samples, the schema,
// the lint script and the pinned linter's package-lock entry. The linter
// is deterministic, so a hit is the answer Node would give; it spares the
// ~100 ms of CPU per statement that made the lint a long pole of the test
// run, and a changed statement is linted again alone.
// MAILLAGE_CYPHER_LINT_CACHE=off lints everything afresh.
type lintCache struct {
	dir  string // empty: no cache
	salt []byte
}

func openLintCache(root string, schema map[string][]string) (*lintCache, error) {
	if os.Getenv("MAILLAGE_CYPHER_LINT_CACHE") == "off" {
		return &lintCache{}, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return &lintCache{}, nil // no home: lint without a cache
	}
	h := sha256.New()
	for _, f := range []string{
		filepath.Join(root, "graph", "store", "neo4j", "lint", "lint.mjs"),
		filepath.Join(root, "package-lock.json"),
		filepath.Join(root, "node_modules", "@neo4j-cypher", "language-support", "package.json"),
	} {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		h.Write(b)
	}
	sb, err := json.Marshal(schema)
	if err != nil {
		return nil, err
	}
	h.Write(sb)
	return &lintCache{dir: filepath.Join(base, "maillage", "cypher-lint"), salt: h.Sum(nil)}, nil
}

func (c *lintCache) path(st lintStatement) string {
	b, _ := json.Marshal(st) // maps marshal with sorted keys: stable
	h := sha256.New()
	h.Write(c.salt)
	h.Write(b)
	return filepath.Join(c.dir, hex.EncodeToString(h.Sum(nil))+".json")
}

func (c *lintCache) get(st lintStatement) ([]diagnostic, bool) {
	if c.dir == "" {
		return nil, false
	}
	b, err := os.ReadFile(c.path(st))
	if err != nil {
		return nil, false
	}
	var diags []diagnostic
	if json.Unmarshal(b, &diags) != nil {
		return nil, false
	}
	return diags, true
}

// put writes through a temporary file and a rename, so that two test runs
// side by side never read half a file.
func (c *lintCache) put(st lintStatement, diags []diagnostic) {
	if c.dir == "" || os.MkdirAll(c.dir, 0o755) != nil {
		return
	}
	if diags == nil {
		diags = []diagnostic{}
	}
	b, err := json.Marshal(diags)
	if err != nil {
		return
	}
	f, err := os.CreateTemp(c.dir, "put-*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr != nil || cerr != nil {
		os.Remove(f.Name())
		return
	}
	if os.Rename(f.Name(), c.path(st)) != nil {
		os.Remove(f.Name())
	}
}

// repoRoot is the directory holding go.mod and package.json.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no repository root (go.mod and package.json) above the test directory")
		}
		dir = parent
	}
}

// TestCypherLint fails on any error diagnostic of any statement, and on
// warnings too: with the whole schema declared, a warning means a label,
// relationship type or property the store never writes (a typo that
// would silently match nothing), or a deprecated construct.
func TestCypherLint(t *testing.T) {
	t.Parallel()
	results := lintAll(t)
	for _, st := range Statements {
		for _, d := range results[st.Name] {
			if d.Severity <= severityWarning {
				kind := "warning"
				if d.Severity == severityError {
					kind = "error"
				}
				t.Errorf("statement %s: %s at %d:%d: %s\n%s", st.Name, kind, d.Line, d.Column, d.Message, numbered(st.Cypher))
			}
		}
	}
}

// TestCypherLintCatchesErrors proves the lint can fail.
func TestCypherLintCatchesErrors(t *testing.T) {
	t.Parallel()
	results := lintAll(t)
	for _, p := range probes {
		want := severityError
		if strings.HasPrefix(p.Name, "probe:misspelt-") {
			want = severityWarning
		}
		found := false
		for _, d := range results[p.Name] {
			found = found || d.Severity <= want
		}
		if !found {
			t.Errorf("%s: %q drew no diagnostic of severity %d or worse (got %+v): the lint would pass broken statements",
				p.Name, p.Cypher, want, results[p.Name])
		}
	}
}

var (
	paramRef    = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)
	propertyRef = regexp.MustCompile(`\b[A-Za-z_][A-Za-z0-9_]*\.([A-Za-z_][A-Za-z0-9_]*)\b(\s*\()?`)
	mapKey      = regexp.MustCompile(`[{,]\s*([A-Za-z_][A-Za-z0-9_]*)\s*:`)
)

// TestStatementParameters checks that each statement declares exactly the
// parameters it uses: the linter reports undeclared ones, this catches
// declared ones a statement no longer uses (the store passes exactly the
// declared set, so a stale declaration means a value is silently ignored).
func TestStatementParameters(t *testing.T) {
	t.Parallel()
	names := map[string]bool{}
	for _, st := range Statements {
		if names[st.Name] {
			t.Errorf("statement name %s is used twice", st.Name)
		}
		names[st.Name] = true
		used := map[string]bool{}
		for _, m := range paramRef.FindAllStringSubmatch(st.Cypher, -1) {
			used[m[1]] = true
		}
		declared := map[string]bool{}
		for _, p := range st.Params {
			if declared[p] {
				t.Errorf("statement %s declares $%s twice", st.Name, p)
			}
			declared[p] = true
		}
		if u, d := sortedKeys(used), sortedKeys(declared); !slices.Equal(u, d) {
			t.Errorf("statement %s uses parameters %v but declares %v", st.Name, u, d)
		}
	}
}

// TestStatementPropertyKeys checks every property a statement reads or
// writes by name against the properties the store writes: the linter
// does not check property keys, and a misspelt one matches nothing
// instead of failing.
func TestStatementPropertyKeys(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, k := range lintSchema()["propertyKeys"] {
		known[k] = true
	}
	// Keys of the maps the bulk statements unwind ($rows, $changes).
	for _, k := range []string{"from", "to", "props", "valueId"} {
		known[k] = true
	}
	// Keys of the selections visibleLinks unwinds ($sel: which relations, which way).
	for _, k := range []string{"rels", "dir"} {
		known[k] = true
	}
	// Keys of the maps coverage returns (one row: per author, their
	// documents' positions and declarations): result fields, never stored.
	for _, k := range []string{"documents", "declarations"} {
		known[k] = true
	}
	// Keys of the accumulator the neighbourhood walk reduces each level
	// into: values of the statement, never stored.
	for _, k := range []string{"kept", "ids", "next", "truncated", "full"} {
		known[k] = true
	}
	for _, st := range Statements {
		for _, m := range propertyRef.FindAllStringSubmatch(st.Cypher, -1) {
			if m[2] != "" { // a namespaced function or procedure: db.awaitIndexes(…)
				continue
			}
			if !known[m[1]] {
				t.Errorf("statement %s names property %q, which the store never writes", st.Name, m[1])
			}
		}
		for _, m := range mapKey.FindAllStringSubmatch(st.Cypher, -1) {
			if !known[m[1]] {
				t.Errorf("statement %s names property %q in a map, which the store never writes", st.Name, m[1])
			}
		}
	}
}

func numbered(s string) string {
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		fmt.Fprintf(&b, "  %3d  %s\n", i+1, line)
	}
	return b.String()
}

// Every registered statement is found by its text at run time with its own
// name and parameters, whichever init block registered it.
func TestEveryStatementIsFoundAtRunTime(t *testing.T) {
	t.Parallel()
	for _, st := range Statements {
		got := byCypher[st.Cypher]
		if got == nil {
			t.Errorf("%s: not in byCypher", st.Name)
			continue
		}
		if got.Name != st.Name || !slices.Equal(got.Params, st.Params) {
			t.Errorf("%s: byCypher has %s %v, want %v", st.Name, got.Name, got.Params, st.Params)
		}
	}
}
