package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// errorCode is the code of an error answer's first error.
func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var r response
	if err := json.Unmarshal(body, &r); err != nil || len(r.Errors) == 0 {
		t.Fatalf("not an error answer: %.200s", body)
	}
	return r.code()
}

func TestBackupIsForAdminsOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("ana", "Ana")
	const secret = "Carnet intime 5e1f"
	e.doc(graph.Document{ID: "secret", Title: secret, Visibility: graph.VisibilityPrivate}, "ana")
	for _, c := range []struct {
		name, token string
		status      int
		code        string
	}{
		{"anonymous", "", http.StatusUnauthorized, graph.EUNAUTHENTICATED},
		{"contributor", e.token(graph.RoleContributor, "ana"), http.StatusForbidden, graph.EFORBIDDEN},
		{"curator", e.token(graph.RoleCurator, "ana"), http.StatusForbidden, graph.EFORBIDDEN},
		{"wrong token", "mlg_pas-un-jeton", http.StatusUnauthorized, graph.EUNAUTHENTICATED},
	} {
		status, h, body := e.get("/admin/backup", c.token)
		if status != c.status || errorCode(t, body) != c.code {
			t.Errorf("%s: %d %.200s, want %d %s", c.name, status, body, c.status, c.code)
		}
		if h.Get(api.BackupSeqHeader) != "" {
			t.Errorf("%s: the answer announces a copy", c.name)
		}
		if bytes.Contains(body, []byte(secret)) {
			t.Errorf("%s: the refusal carries the private note: %.200s", c.name, body)
		}
	}
	// The admin's copy holds the private note's title as it is: the check
	// above would see it.
	if _, _, body := e.get("/admin/backup", e.token(graph.RoleAdmin, "")); !bytes.Contains(body, []byte(secret)) {
		t.Fatal("the admin's copy does not hold the private title: the leak check proves nothing")
	}
}

// TestBackupOpensAsTheStore takes a copy over HTTP and opens it as a
// store: same change sequence, same documents, private ones still private.
func TestBackupOpensAsTheStore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("ana", "Ana")
	e.doc(graph.Document{ID: "publique", Title: "Jardin partagé"}, "ana")
	e.doc(graph.Document{ID: "secret", Title: "Carnet intime", Visibility: graph.VisibilityPrivate}, "ana")
	admin := e.token(graph.RoleAdmin, "")
	status, h, body := e.get("/admin/backup", admin)
	if status != http.StatusOK {
		t.Fatalf("admin backup: %d %.300s", status, body)
	}
	if n, _ := strconv.Atoi(h.Get("Content-Length")); n != len(body) || n == 0 {
		t.Fatalf("Content-Length %q for %d bytes", h.Get("Content-Length"), len(body))
	}
	seq, _ := strconv.ParseUint(h.Get(api.BackupSeqHeader), 10, 64)
	if seq != e.lastSeq() {
		t.Errorf("copy announced at seq %d, store at %d", seq, e.lastSeq())
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, embedded.FileName), body, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatalf("the copy does not open as a store: %v", err)
	}
	defer c.Close()
	if got, err := c.LastSeq(e.sys()); err != nil || got != seq {
		t.Errorf("the copy ends at seq %d (%v), announced %d", got, err, seq)
	}
	if d, err := c.Document(t.Context(), "publique"); err != nil || d.Title != "Jardin partagé" {
		t.Errorf("public note in the copy: %v %v", d, err)
	}
	if _, err := c.Document(t.Context(), "secret"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("anonymous reads the private note in the copy: %v", err)
	}
}

func TestBackupOfAStoreWithoutOne(t *testing.T) {
	t.Parallel()
	// The wrapper hides the embedded store's HotBackup, as the Neo4j
	// store, which has none, would.
	e := newEnvWith(t, envOptions{wrap: func(s graph.Store) graph.Store { return struct{ graph.Store }{s} }})
	status, _, body := e.get("/admin/backup", e.token(graph.RoleAdmin, ""))
	if status != http.StatusNotImplemented || errorCode(t, body) != "NOT_SUPPORTED" {
		t.Fatalf("backup of a store that cannot copy itself: %d %.300s", status, body)
	}
}
