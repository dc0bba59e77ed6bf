package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportMarkdownCommand(t *testing.T) {
	t.Parallel()
	vaultDir := filepath.Join(t.TempDir(), "vault")
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(vaultDir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("accueil.md", "---\ntitle: Accueil\nvisibility: PUBLIC\n---\nVers [[Atelier]] et [[Ailleurs]]. #commun\n")
	write("ateliers/atelier.md", "---\ntitle: Atelier\nauthors: [Ada Lovelace]\n---\nRetour à l'[[accueil]].\n")
	write("casse.md", "---\ntitle: \"jamais fermé\n---\n")
	data := filepath.Join(t.TempDir(), "data")

	// A dry run lists the changes and writes nothing; flags may follow
	// the folder.
	stdout, _, err := runCmd(t, "import", "markdown", vaultDir, "--dry-run", "--data", data)
	if err == nil || !strings.Contains(err.Error(), "1 file(s) would be left out") {
		t.Errorf("dry run with a bad file: %v", err)
	}
	for _, want := range []string{"would create note", "would create contributor", "would create term tag-commun",
		"casse.md:2: skipped:", "accueil.md:5: warning: unresolved link [[Ailleurs]]", "notes: 2 would be created"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, stdout)
		}
	}
	if docs, _, seq := counts(t, data); docs != 0 || seq != 0 {
		t.Errorf("a dry run wrote %d documents, %d changes", docs, seq)
	}

	// The import itself: the bad file is reported (exit status 1), the
	// others go in; plain progress lines, since stderr is no terminal.
	stdout, stderr, err := runCmd(t, "import", "markdown", "--data", data, "--visibility", "community", vaultDir)
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "1 file(s) could not be imported") {
		t.Errorf("import with a bad file: %v", err)
	}
	if !strings.Contains(stderr, "documents: 3/3") || !strings.Contains(stderr, "files/s") {
		t.Errorf("progress: %q", stderr)
	}
	if !strings.Contains(stdout, "notes: 2 created, 0 updated, 0 unchanged") || !strings.Contains(stdout, "1 contributors") {
		t.Errorf("report: %s", stdout)
	}
	if docs, contributors, _ := counts(t, data); docs != 3 || contributors != 1 {
		t.Errorf("imported %d documents and %d contributors, want 3 (2 notes and a tag term) and 1", docs, contributors)
	}

	// Again, with the same defaults: nothing changes.
	_, _, seq := counts(t, data)
	stdout, _, _ = runCmd(t, "import", "markdown", "--data", data, "--visibility", "COMMUNITY", vaultDir)
	if _, _, again := counts(t, data); again != seq || !strings.Contains(stdout, "notes: 0 created, 0 updated, 2 unchanged") {
		t.Errorf("re-import wrote %d changes: %s", again-seq, stdout)
	}

	for _, args := range [][]string{
		{"import", "markdown", "--data", data},
		{"import", "markdown", "--data", data, "--visibility", "SECRET", vaultDir},
		{"import", "markdown", "--data", data, vaultDir, "other"},
	} {
		if _, _, err := runCmd(t, args...); exitCode(err) != 2 {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	if _, _, err := runCmd(t, "import", "markdown", "--data", data, filepath.Join(vaultDir, "accueil.md")); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("a file for a vault: %v", err)
	}
}
