package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/store/embedded"
)

// TestExportThenImportJSONCarriesMedia: `export json` of a data directory
// whose notes have media carries their files from its blobs directory, and
// `import json` puts them in the new data directory's, where serve reads
// them; the discussions come along.
func TestExportThenImportJSONCarriesMedia(t *testing.T) {
	t.Parallel()
	src := demoDir(t)
	func() {
		s, err := embedded.Open(src, embedded.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		blobs, err := blob.OpenDir(filepath.Join(src, "blobs"))
		if err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadMedia(context.Background(), s, blobs); err != nil {
			t.Fatal(err)
		}
	}()
	file := filepath.Join(t.TempDir(), "backup.jsonl")
	if _, stderr, err := runCmd(t, "export", "json", "--data", src, "--out", file); err != nil {
		t.Fatal(err)
	} else if !strings.Contains(stderr, " 2 media") || !strings.Contains(stderr, " comments") {
		t.Errorf("export said %q", stderr)
	}
	dst := filepath.Join(t.TempDir(), "restored")
	stdout, _, err := runCmd(t, "import", "json", "--data", dst, file)
	if err != nil {
		t.Fatal(err)
	}
	checkRestored(t, src, dst, stdout, "")
	s, err := embedded.Open(dst, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sys := graph.SystemContext(context.Background())
	ms, err := s.MediaOf(sys, []string{demo.MediaNote})
	if err != nil || len(ms[demo.MediaNote]) != 2 {
		t.Fatalf("the restored note's media: %v %v", ms, err)
	}
	blobs, err := blob.OpenDir(filepath.Join(dst, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[demo.MediaNote] {
		f, err := blobs.Open(sys, m.SHA256)
		if err != nil {
			t.Fatalf("the file of %q in the restored data directory: %v", m.Title, err)
		}
		n, _ := io.Copy(io.Discard, f)
		f.Close()
		if n != m.Size {
			t.Errorf("the file of %q: %d bytes, want %d", m.Title, n, m.Size)
		}
	}
	all, err := s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: graph.MaxFirst})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range all.Edges {
		ids = append(ids, e.Node.ID)
	}
	ds, err := s.Discussions(sys, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) == 0 {
		t.Errorf("no discussion restored")
	}
}
