package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/embedded"
)

func getBackup(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/admin/backup", nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var r struct {
		Errors []gqlError `json:"errors"`
	}
	if err := json.Unmarshal(body, &r); err != nil || len(r.Errors) == 0 {
		t.Fatalf("not an error answer: %.200s", body)
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code
}

func TestBackupIsForAdminsOnly(t *testing.T) {
	e := newEnv(t)
	e.contributor("ana", "Ana")
	e.doc(graph.Document{ID: "secret", Title: "Carnet intime", Visibility: graph.VisibilityPrivate}, "ana")
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
		resp, body := getBackup(t, e.srv.URL, c.token)
		if resp.StatusCode != c.status || errorCode(t, body) != c.code {
			t.Errorf("%s: %d %.200s, want %d %s", c.name, resp.StatusCode, body, c.status, c.code)
		}
		if resp.Header.Get(api.BackupSeqHeader) != "" {
			t.Errorf("%s: the answer announces a copy", c.name)
		}
	}
}

// TestBackupOpensAsTheStore takes a copy over HTTP and opens it as a
// store: same change sequence, same documents, private ones still private.
func TestBackupOpensAsTheStore(t *testing.T) {
	e := newEnv(t)
	e.contributor("ana", "Ana")
	e.doc(graph.Document{ID: "publique", Title: "Jardin partagé"}, "ana")
	e.doc(graph.Document{ID: "secret", Title: "Carnet intime", Visibility: graph.VisibilityPrivate}, "ana")
	admin := e.token(graph.RoleAdmin, "")
	resp, body := getBackup(t, e.srv.URL, admin)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("admin backup: %d %.300s", resp.StatusCode, body)
	}
	if n, _ := strconv.Atoi(resp.Header.Get("Content-Length")); n != len(body) || n == 0 {
		t.Fatalf("Content-Length %q for %d bytes", resp.Header.Get("Content-Length"), len(body))
	}
	seq, _ := strconv.ParseUint(resp.Header.Get(api.BackupSeqHeader), 10, 64)
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
	// The wrapper hides the embedded store's HotBackup, as the Neo4j
	// store, which has none, would.
	e := newEnvWith(t, envOptions{wrap: func(s graph.Store) graph.Store { return struct{ graph.Store }{s} }})
	resp, body := getBackup(t, e.srv.URL, e.token(graph.RoleAdmin, ""))
	if resp.StatusCode != http.StatusNotImplemented || errorCode(t, body) != "NOT_SUPPORTED" {
		t.Fatalf("backup of a store that cannot copy itself: %d %.300s", resp.StatusCode, body)
	}
}
