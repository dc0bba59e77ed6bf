// Package jsonldtest checks JSON-LD with a real JSON-LD processor, for the
// tests of the packages that produce it.
package jsonldtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Expand runs doc through jsonld.js (the npm package jsonld) in safe mode,
// which fails on any term that does not expand to an IRI, with a document
// loader that refuses to fetch anything: the context must be inline. It
// returns the number of expanded top-level nodes and their types (full
// IRIs, sorted). It needs Node and the package (`npm ci` at the repository
// root, or NODE_PATH naming a node_modules that has it); without them the
// test is skipped with a one-line reason.
func Expand(t testing.TB, doc []byte) (nodes int, types []string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("JSON-LD expansion check skipped: no node on PATH")
	}
	env := os.Environ()
	if root := moduleRoot(); root != "" {
		env = append(env, "NODE_PATH="+filepath.Join(root, "node_modules")+string(os.PathListSeparator)+os.Getenv("NODE_PATH"))
	}
	probe := exec.Command(node, "-e", "require.resolve('jsonld')")
	probe.Env = env
	if probe.Run() != nil {
		t.Skip("JSON-LD expansion check skipped: the npm package jsonld is not installed (npm ci)")
	}
	cmd := exec.Command(node, "-e", script)
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(doc)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("jsonld.expand refused the document: %v\n%s", err, stderr.String())
	}
	var res struct {
		Nodes int      `json:"nodes"`
		Types []string `json:"types"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("expansion output %q: %v", stdout.String(), err)
	}
	return res.Nodes, res.Types
}

const script = `
const jsonld = require('jsonld');
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', async () => {
  const documentLoader = url => { throw new Error('a remote context was needed: ' + url); };
  try {
    const out = await jsonld.expand(JSON.parse(input), {safe: true, documentLoader});
    const types = new Set();
    for (const n of out) for (const t of (n['@type'] || [])) types.add(t);
    console.log(JSON.stringify({nodes: out.length, types: [...types].sort()}));
  } catch (e) {
    console.error(e.message, JSON.stringify(e.details || {}).slice(0, 800));
    process.exit(1);
  }
});`

// moduleRoot is the directory of the go.mod above the working directory.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
