package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree describes every file under dir: its mode, size, modification time
// and content hash, so that any change shows.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		desc := info.Mode().String() + " " + info.ModTime().String()
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			desc += " " + hex.EncodeToString(sum[:])
		}
		out[p] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for p, d := range after {
		if before[p] == "" {
			t.Errorf("%s created %s", what, p)
		} else if before[p] != d {
			t.Errorf("%s changed %s: %s → %s", what, p, before[p], d)
		}
	}
	for p := range before {
		if after[p] == "" {
			t.Errorf("%s removed %s", what, p)
		}
	}
}

func TestDryRunsLeaveTheDataDirectoryAlone(t *testing.T) {
	t.Parallel()
	vaultDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(vaultDir, "note.md"), []byte("---\ntitle: Une note\n---\nVers [[Ailleurs]].\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, file := demoBackup(t)
	dryRuns := func(data string) [][]string {
		return [][]string{
			{"import", "markdown", "--dry-run", "--data", data, vaultDir},
			{"import", "json", "--dry-run", "--data", data, file},
		}
	}

	// A fresh path: the dry runs report against an empty store and do
	// not create the directory.
	parent := t.TempDir()
	fresh := filepath.Join(parent, "data")
	for _, args := range dryRuns(fresh) {
		stdout, _, err := runCmd(t, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if want := map[string]string{"markdown": "would create note", "json": "would restore "}[args[1]]; !strings.Contains(stdout, want) {
			t.Errorf("%v said %q, want %q", args, stdout, want)
		}
		if _, err := os.Stat(fresh); !os.IsNotExist(err) {
			t.Fatalf("%v created the data directory (%v)", args, err)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 0 {
			t.Fatalf("%v left %v beside it", args, entries)
		}
	}

	// An empty directory stays empty.
	empty := t.TempDir()
	for _, args := range dryRuns(empty) {
		if _, _, err := runCmd(t, args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if entries, _ := os.ReadDir(empty); len(entries) != 0 {
			t.Fatalf("%v wrote %v into an empty data directory", args, entries)
		}
	}

	// A directory holding a store: not a byte nor a date changes. The
	// JSON dry run refuses it, since a restore would.
	before := tree(t, src)
	stdout, _, err := runCmd(t, "import", "markdown", "--dry-run", "--data", src, vaultDir)
	if err != nil || !strings.Contains(stdout, "would create note") {
		t.Errorf("markdown dry run on a store: %v\n%s", err, stdout)
	}
	if _, _, err := runCmd(t, "import", "json", "--dry-run", "--data", src, file); err == nil || !strings.Contains(err.Error(), "already holds a graph") {
		t.Errorf("JSON dry run on a full store: %v", err)
	}
	sameTree(t, "a dry run", before, tree(t, src))
}

func TestImportJSONDryRunChecksTheFile(t *testing.T) {
	t.Parallel()
	_, file := demoBackup(t)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.jsonl")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "data")
	_, _, err = runCmd(t, "import", "json", "--dry-run", "--data", data, cut)
	if err == nil || !strings.Contains(err.Error(), "line ") {
		t.Errorf("dry run of a cut file: %v, want an error naming a line", err)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("a dry run created the data directory (%v)", err)
	}

	// What the dry run announces is what the restore does.
	stdout, _, err := runCmd(t, "import", "json", "--dry-run", "--data", data, file)
	if err != nil {
		t.Fatal(err)
	}
	done, stderr, err := runCmd(t, "import", "json", "--data", data, file)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(stdout, "would restore", "restored", 1); done != want {
		t.Errorf("dry run said %q, restore said %q", stdout, done)
	}
	if !strings.Contains(stderr, "records/s") {
		t.Errorf("the restore did not report its speed: %q", stderr)
	}
}
