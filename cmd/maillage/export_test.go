package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/store/embedded"
)

// demoDir is a data directory holding the demo commons, closed again so
// that commands can open it.
func demoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ok, err := demo.Load(context.Background(), s, graph.DefaultTaxonomy()); err != nil || !ok {
		t.Fatalf("demo: %v %v", ok, err)
	}
	return dir
}

// demoBackup is a demoDir and its `export json` backup file.
func demoBackup(t *testing.T) (src, file string) {
	t.Helper()
	src = demoDir(t)
	file = filepath.Join(t.TempDir(), "backup.jsonl")
	if _, _, err := runCmd(t, "export", "json", "--data", src, "--out", file); err != nil {
		t.Fatal(err)
	}
	return src, file
}

// runCmd runs the command line in-process and returns its outputs.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// counts opens a data directory and counts what it holds, as the system.
// checkRestored fails t unless dst holds the documents and contributors of
// src (which has some) and the import's output says it restored them; how
// tells where the dump came from.
func checkRestored(t *testing.T, src, dst, stdout, how string) {
	t.Helper()
	wantDocs, wantContribs, _ := counts(t, src)
	gotDocs, gotContribs, _ := counts(t, dst)
	if gotDocs != wantDocs || gotContribs != wantContribs || wantDocs == 0 {
		t.Errorf("restored %d documents and %d contributors%s, the source has %d and %d", gotDocs, gotContribs, how, wantDocs, wantContribs)
	}
	if !strings.Contains(stdout, "restored ") {
		t.Errorf("import said %q", stdout)
	}
}

func counts(t *testing.T, dir string) (docs, contributors int, seq uint64) {
	t.Helper()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sys := graph.SystemContext(context.Background())
	d, err := s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.ListContributors(sys, graph.Page{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	seq, err = s.LastSeq(sys)
	if err != nil {
		t.Fatal(err)
	}
	return d.TotalCount, c.TotalCount, seq
}

func TestExportThenImportJSON(t *testing.T) {
	t.Parallel()
	src := demoDir(t)
	file := filepath.Join(t.TempDir(), "backup.jsonl")
	_, stderr, err := runCmd(t, "export", "json", "--data", src, "--out", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "exported ") || !strings.Contains(stderr, " documents") {
		t.Errorf("export said %q", stderr)
	}
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("the dump holds personal data but is mode %v", info.Mode().Perm())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	dst := filepath.Join(t.TempDir(), "restored")
	// Flags after the file name work as well as before it.
	stdout, stderr, err := runCmd(t, "import", "json", file, "--data", dst)
	if err != nil {
		t.Fatal(err)
	}
	checkRestored(t, src, dst, stdout, "")
	// Progress lines (stderr is no terminal): the check of the whole
	// file, then what is written, ending with every record.
	var records int
	if _, err := fmt.Sscanf(stderr[strings.Index(stderr, "restored ")+len("restored "):], "%d records", &records); err != nil || records == 0 {
		t.Fatalf("no record count in %q: %v", stderr, err)
	}
	for _, want := range []string{fmt.Sprintf("checked: %d/%d\n", records, records), fmt.Sprintf("restored: %d/%d\n", records, records)} {
		if !strings.Contains(stderr, want) {
			t.Errorf("progress lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Index(stderr, "checked:") > strings.Index(stderr, "restored:") {
		t.Errorf("progress out of order:\n%s", stderr)
	}

	// Restoring again into the now full directory is refused, and changes
	// nothing.
	_, _, seqBefore := counts(t, dst)
	_, _, err = runCmd(t, "import", "json", "--data", dst, file)
	if err == nil || !strings.Contains(err.Error(), "already holds a graph") {
		t.Errorf("second import: %v", err)
	}
	if _, _, seq := counts(t, dst); seq != seqBefore {
		t.Errorf("a refused import wrote %d changes", seq-seqBefore)
	}
}

func TestImportJSONBadFileWritesNothing(t *testing.T) {
	t.Parallel()
	src := demoDir(t)
	var dumpOut bytes.Buffer
	if err := run(context.Background(), []string{"export", "json", "--data", src}, &dumpOut, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(dumpOut.String(), "\n"), "\n")
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	// A dangling link near the end: everything before it is valid.
	for i := len(lines) - 1; i > 0; i-- {
		if strings.HasPrefix(lines[i], `{"type":"link"`) {
			lines[i] = strings.Replace(lines[i], `"to":"`, `"to":"gone-`, 1)
			if err := os.WriteFile(bad, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			dst := t.TempDir()
			_, _, err := runCmd(t, "import", "json", "--data", dst, bad)
			want := "line " + itoa(i+1) + ": "
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "nothing was written") {
				t.Fatalf("bad dump: %v (want %q)", err, want)
			}
			if docs, _, seq := counts(t, dst); docs != 0 || seq != 0 {
				t.Errorf("a bad dump wrote %d documents, %d changes", docs, seq)
			}
			return
		}
	}
	t.Fatal("the dump has no link")
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestExportWhileTheServerRuns(t *testing.T) {
	t.Parallel()
	dir := demoDir(t)
	s, err := embedded.Open(dir, embedded.Options{}) // holds the lock, as a running server does
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, args := range [][]string{
		{"export", "json", "--data", dir},
		{"export", "jsonld", "--data", dir},
		{"import", "json", "--data", dir, "/dev/null"},
		{"import", "markdown", "--data", dir, t.TempDir()},
	} {
		_, _, err := runCmd(t, args...)
		if err == nil || !strings.Contains(err.Error(), "in use by another maillage process") {
			t.Errorf("%v with the directory locked: %v", args, err)
		}
	}
}

func TestExportJSONLDIsPublicOnly(t *testing.T) {
	t.Parallel()
	dir := demoDir(t)
	file := filepath.Join(t.TempDir(), "commons.jsonld")
	if _, _, err := runCmd(t, "export", "jsonld", "--data", dir, "--out", file, "--base-url", "https://commun.example"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Graph []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, o := range doc.Graph {
		id, _ := o["@id"].(string)
		if !strings.HasPrefix(id, "https://commun.example/ld/") {
			t.Errorf("@id %q is not under the base URL", id)
		}
		ids[strings.TrimPrefix(id, "https://commun.example/ld/")] = true
	}
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.ListDocuments(graph.SystemContext(context.Background()), graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 100})
	if err != nil {
		t.Fatal(err)
	}
	hidden := 0
	for _, d := range all.Nodes() {
		public := d.Visibility == graph.VisibilityPublic
		if !public {
			hidden++
		}
		if ids[d.ID] != public {
			t.Errorf("%s document %s: in the export = %v", d.Visibility, d.ID, ids[d.ID])
		}
		if !public && bytes.Contains(b, []byte("/ld/"+d.ID+`"`)) {
			t.Errorf("%s document %s is referenced in the export", d.Visibility, d.ID)
		}
	}
	if hidden < 5 {
		t.Fatalf("only %d hidden documents in the fixture", hidden)
	}
}

func TestExportImportUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"export"}, {"export", "xml"}, {"import"}, {"import", "csv"},
		{"import", "json", "--data", t.TempDir()},
		{"export", "jsonld", "--base-url", "ftp://x", "--data", t.TempDir()},
	} {
		_, _, err := runCmd(t, args...)
		if exitCode(err) != 2 {
			t.Errorf("%v: exit %d (%v), want 2", args, exitCode(err), err)
		}
	}
}
