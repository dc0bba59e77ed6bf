package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph/store/embedded"
)

const backupSearch = `{ search(query: "éducation populaire") { totalCount } notes { totalCount } }`

func searchCounts(t *testing.T, addr string) string {
	t.Helper()
	status, r := postGraphQL(t, addr, "", backupSearch)
	if status != 200 || len(r.Errors) > 0 {
		t.Fatalf("status %d errors %+v", status, r.Errors)
	}
	return string(r.Data)
}

// TestBackupThenRestore copies a running server's store over HTTP, then
// serves the copy from an empty directory: the index is rebuilt from it
// and the same searches find the same documents.
func TestBackupThenRestore(t *testing.T) {
	t.Parallel()
	dir := demoDir(t)
	admin, _ := createToken(t, "--data", dir, "--role", "ADMIN")
	reader, _ := createToken(t, "--data", dir, "--role", "RESEARCHER")
	addr, stop := startServer(t, serveConfig{data: dir})
	want := searchCounts(t, addr)
	if !strings.Contains(want, `"totalCount":`) || strings.Contains(want, `"search":{"totalCount":0}`) {
		t.Fatalf("the demo search finds nothing: %s", want)
	}
	out := filepath.Join(t.TempDir(), "maillage.db")
	url := "http://" + addr

	// Refusals leave nothing behind.
	for _, args := range [][]string{
		{"backup", "--url", url, "--out", out},
		{"backup", "--url", url, "--token", reader, "--out", out},
		{"backup", "--url", url, "--token", "mlg_faux", "--out", out},
		{"backup", "--data", dir, "--out", out}, // the server holds the file
	} {
		_, _, err := runCmd(t, args...)
		if err == nil {
			t.Fatalf("%q succeeded", args)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Fatalf("%q left %s", args, out)
		}
		if _, serr := os.Stat(out + ".part"); serr == nil {
			t.Fatalf("%q left %s.part", args, out)
		}
	}
	_, _, err := runCmd(t, "backup", "--url", url, "--token", reader, "--out", out)
	if !strings.Contains(err.Error(), "FORBIDDEN") {
		t.Errorf("a researcher's backup: %v, want FORBIDDEN", err)
	}

	stdout, _, err := runCmd(t, "backup", "--url", url, "--token", admin, "--out", out)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(stdout, "(checked)") {
		t.Errorf("backup said %q", stdout)
	}
	if _, _, err := runCmd(t, "backup", "--url", url, "--token", admin, "--out", out); err == nil ||
		!strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second backup onto the same file: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	restored := t.TempDir()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, embedded.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	addr2, _ := startServer(t, serveConfig{data: restored})
	if got := searchCounts(t, addr2); got != want {
		t.Errorf("the restored server answers %s, the original %s", got, want)
	}
	var r struct{ Notes struct{ TotalCount int } }
	if err := json.Unmarshal([]byte(want), &r); err != nil || r.Notes.TotalCount == 0 {
		t.Fatalf("notes: %s %v", want, err)
	}
}

func TestBackupOfAStoppedServer(t *testing.T) {
	t.Parallel()
	dir := demoDir(t)
	out := filepath.Join(t.TempDir(), "copie.db")
	if _, _, err := runCmd(t, "backup", "--data", dir, "--out", out); err != nil {
		t.Fatal(err)
	}
	_, _, seq := counts(t, dir)
	if got, err := embedded.VerifyCopy(out); err != nil || got != seq {
		t.Fatalf("the copy checks as seq %d (%v), the store is at %d", got, err, seq)
	}
	_, _, err := runCmd(t, "backup", "--data", dir)
	var u usageError
	if !errors.As(err, &u) {
		t.Errorf("backup without --out: %v, want a usage error", err)
	}
}
