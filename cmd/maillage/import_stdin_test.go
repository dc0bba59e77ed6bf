package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportJSONFromStandardInput: `import json -` reads a pipe, which a
// restore cannot read twice: it is copied beside the data directory,
// restored, and the copy removed; a bad dump from a pipe writes nothing.
func TestImportJSONFromStandardInput(t *testing.T) {
	src, file := demoBackup(t)
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fromPipe := func(content []byte, args ...string) (string, error) {
		t.Helper()
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		go func() {
			w.Write(content)
			w.Close()
		}()
		saved := os.Stdin
		os.Stdin = r
		defer func() { os.Stdin = saved }()
		stdout, _, err := runCmd(t, append([]string{"import", "json"}, args...)...)
		return stdout, err
	}
	parent := t.TempDir()
	dst := filepath.Join(parent, "restored")
	stdout, err := fromPipe(good, "--data", dst, "-")
	if err != nil {
		t.Fatal(err)
	}
	checkRestored(t, src, dst, stdout, " from a pipe")
	if left, _ := filepath.Glob(filepath.Join(parent, "maillage-restore-*")); len(left) != 0 {
		t.Errorf("the copy of standard input is left behind: %v", left)
	}

	bad := []byte(strings.Replace(string(good), `"type":"link"`, `"type":"lien"`, 1))
	dst = filepath.Join(parent, "bad")
	_, err = fromPipe(bad, "--data", dst, "-")
	if err == nil || !strings.Contains(err.Error(), "nothing was written") || !strings.Contains(err.Error(), `unknown record type "lien"`) {
		t.Errorf("bad dump from a pipe: %v", err)
	}
	if docs, contributors, seq := counts(t, dst); docs+contributors != 0 || seq != 0 {
		t.Errorf("a bad dump from a pipe wrote %d documents, %d contributors, %d changes", docs, contributors, seq)
	}
	if left, _ := filepath.Glob(filepath.Join(parent, "maillage-restore-*")); len(left) != 0 {
		t.Errorf("the copy of a bad standard input is left behind: %v", left)
	}
}
