package graphiql

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestServesPageAndFiles(t *testing.T) {
	t.Parallel()
	h := Handler()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	page := w.Body.String()
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp+";", want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Contains(strings.Split(csp, "style-src")[0], "unsafe-inline") {
		t.Errorf("CSP allows inline or evaluated scripts: %q", csp)
	}
	// Every file the page names is served here, from this origin.
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 6 {
		t.Fatalf("found only %d references in the page: the pattern is stale", len(refs))
	}
	for _, m := range refs {
		ref := m[1]
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Errorf("the page names %q, not a path of this server", ref)
			continue
		}
		if !strings.HasPrefix(ref, Prefix) {
			continue // the explorer's favicon, its link
		}
		r := httptest.NewRecorder()
		h.ServeHTTP(r, httptest.NewRequest("GET", ref, nil))
		if r.Code != 200 || r.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d", ref, r.Code)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
		t.Error("inline script or style in the page")
	}
	for _, p := range []string{"/graphiql/missing.js", "/graphiql/../go.mod", "/elsewhere"} {
		r := httptest.NewRecorder()
		h.ServeHTTP(r, httptest.NewRequest("GET", p, nil))
		if r.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, r.Code)
		}
	}
	r := httptest.NewRecorder()
	h.ServeHTTP(r, httptest.NewRequest("POST", "/", nil))
	if r.Code != 405 {
		t.Errorf("POST /: %d, want 405", r.Code)
	}
}

// No embedded file names another host to load from: a bundle that
// fetched a font or a script from a CDN would fail on a closed network.
func TestNoOtherHostInStylesheets(t *testing.T) {
	t.Parallel()
	root, _ := fs.Sub(assets, "assets")
	for _, name := range []string{"vendor/graphiql.min.css", "page.css"} {
		css, err := fs.ReadFile(root, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`url\(\s*["']?([^"')]{0,40})`).FindAllSubmatch(css, -1) {
			if u := string(m[1]); !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "#") {
				t.Errorf("%s loads %q", name, u)
			}
		}
		if bytes.Contains(css, []byte("@import")) {
			t.Errorf("%s imports another stylesheet", name)
		}
	}
}

// The vendored bundles are the versions package.json pins, byte for byte
// the files npm installs (`npm ci && go generate ./api/graphiql` refreshes
// them).
func TestVendoredMatchesNPM(t *testing.T) {
	t.Parallel()
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	raw, err := os.ReadFile("../../package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	root, _ := fs.Sub(assets, "assets")
	readme, _ := fs.ReadFile(root, "vendor/README.md")
	copies := map[string][]string{
		"graphiql":  {"graphiql.min.js", "graphiql.min.css", "LICENSE:graphiql.LICENSE"},
		"react":     {"umd/react.production.min.js:react.production.min.js", "LICENSE:react.LICENSE"},
		"react-dom": {"umd/react-dom.production.min.js:react-dom.production.min.js", "LICENSE:react-dom.LICENSE"},
	}
	for name, files := range copies {
		version := pkg.DevDependencies[name]
		if version == "" || strings.ContainsAny(version, "^~<>=* ") {
			t.Errorf("package.json does not pin %s exactly: %q", name, version)
			continue
		}
		if !bytes.Contains(readme, []byte("| "+version+" |")) {
			t.Errorf("vendor/README.md does not record %s %s", name, version)
		}
		installed, err := os.ReadFile("../../node_modules/" + name + "/package.json")
		if err != nil {
			t.Logf("node_modules/%s not installed (npm ci): vendored copies not compared", name)
			continue
		}
		var meta struct{ Version string }
		json.Unmarshal(installed, &meta)
		if meta.Version != version {
			t.Errorf("node_modules has %s %s, package.json pins %s: run npm ci", name, meta.Version, version)
		}
		for _, f := range files {
			from, to, ok := strings.Cut(f, ":")
			if !ok {
				to = from
			}
			want, err := os.ReadFile("../../node_modules/" + name + "/" + from)
			if err != nil {
				t.Error(err)
				continue
			}
			got, err := fs.ReadFile(root, "vendor/"+to)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("assets/vendor/%s differs from node_modules/%s/%s: run go generate ./api/graphiql", to, name, from)
			}
		}
	}
}
