package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encommun/maillage/api/explorer"
)

// hardeningFrom parses serve's hardening flags as serveCommand does,
// MAILLAGE_* variables included.
func hardeningFrom(t *testing.T, args ...string) hardening {
	t.Helper()
	var h hardening
	fs := newFlagSet("serve", &bytes.Buffer{})
	addHardeningFlags(fs, &h)
	if err := parseFlags(fs, args); err != nil {
		t.Fatalf("flags %q: %v", args, err)
	}
	return h
}

func TestServeHardeningFlags(t *testing.T) {
	t.Setenv("MAILLAGE_MAX_DEPTH", "3")
	h := hardeningFrom(t, "--introspection=false", "--max-aliases", "0")
	addr, _ := startServer(t, serveConfig{data: t.TempDir(), demo: true, hard: h})

	// MAILLAGE_MAX_DEPTH=3 from the environment.
	_, r := postGraphQL(t, addr, "", `{ notes { nodes { authors { name } } } }`)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "DEPTH_LIMIT_EXCEEDED" {
		t.Errorf("depth 4 with MAILLAGE_MAX_DEPTH=3: %+v", r.Errors)
	}
	// --introspection=false.
	_, r = postGraphQL(t, addr, "", `{ __schema { queryType { name } } }`)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "INTROSPECTION_DISABLED" {
		t.Errorf("introspection: %+v", r.Errors)
	}
	// --max-aliases 0 switches the alias limit off.
	var q strings.Builder
	q.WriteString("{ notes { nodes { ")
	for i := range 40 {
		fmt.Fprintf(&q, "a%d: title ", i)
	}
	q.WriteString("} } }")
	if _, r = postGraphQL(t, addr, "", q.String()); len(r.Errors) > 0 {
		t.Errorf("40 aliases with the limit off: %+v", r.Errors)
	}
}

func TestServeAllowListFlag(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "persisted.json")
	os.WriteFile(list, []byte(`{"count": "{ notes { totalCount } }"}`), 0o600)
	addr, _ := startServer(t, serveConfig{data: t.TempDir(), demo: true, hard: hardeningFrom(t, "--allow-list", list)})
	if _, r := postGraphQL(t, addr, "", `{ notes { totalCount } }`); len(r.Errors) > 0 {
		t.Errorf("listed query: %+v", r.Errors)
	}
	if _, r := postGraphQL(t, addr, "", `{ __typename }`); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "PERSISTED_QUERY_NOT_IN_LIST" {
		t.Errorf("unlisted query: %+v", r.Errors)
	}
	// The explorer's own documents run for anonymous readers too, sent as
	// the page sends them, and answer with the demo's data.
	docs, err := explorer.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if _, r := postGraphQL(t, addr, "", docs["Dimensions"]); len(r.Errors) > 0 || !strings.Contains(string(r.Data), "standpointDimensions") {
		t.Errorf("explorer document under the allow-list: %s %+v", r.Data, r.Errors)
	}
	// … unless the operator leaves them out.
	addr, _ = startServer(t, serveConfig{data: t.TempDir(), demo: true, hard: hardeningFrom(t, "--allow-list", list, "--allow-list-explorer=false")})
	if _, r := postGraphQL(t, addr, "", docs["Coverage"]); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "PERSISTED_QUERY_NOT_IN_LIST" {
		t.Errorf("explorer document with --allow-list-explorer=false: %+v", r.Errors)
	}
	err = serve(t.Context(), serveConfig{data: t.TempDir(), addr: "127.0.0.1:0", store: "embedded",
		hard: hardeningFrom(t, "--allow-list", filepath.Join(dir, "missing.json"))}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err == nil || !strings.Contains(err.Error(), "--allow-list") {
		t.Errorf("missing allow-list file: %v", err)
	}
}
