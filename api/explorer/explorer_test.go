package explorer

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestServesIndexAndAppRoutes(t *testing.T) {
	h := Handler()
	index := get(t, h, "GET", "/explore/", nil)
	if index.Code != 200 || !strings.HasPrefix(index.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /explore/: %d %s", index.Code, index.Header().Get("Content-Type"))
	}
	if !strings.Contains(index.Body.String(), `src="/explore/app.mjs"`) {
		t.Fatalf("index.html does not load app.mjs")
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "ETag", "X-Frame-Options"} {
		if index.Header().Get(h) == "" {
			t.Errorf("index.html without %s", h)
		}
	}
	csp := index.Header().Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "connect-src 'self'", "media-src 'self' blob:", "object-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	// The application's own addresses get index.html, so that a shared or
	// reloaded address opens the right page.
	for _, p := range []string{"/explore/node/Tm90ZTp4", "/explore/graph/abc", "/explore/coverage", "/explore/path?from=x", "/explore/nowhere/at/all"} {
		w := get(t, h, "GET", p, nil)
		if w.Code != 200 || w.Body.String() != index.Body.String() {
			t.Errorf("GET %s: %d, not index.html", p, w.Code)
		}
	}
}

func TestServesAssets(t *testing.T) {
	h := Handler()
	cases := map[string]string{
		"/explore/app.mjs":                      "text/javascript; charset=utf-8",
		"/explore/views/../views/search.mjs":    "text/javascript; charset=utf-8",
		"/explore/style.css":                    "text/css; charset=utf-8",
		"/explore/vendor/cytoscape.esm.min.mjs": "text/javascript; charset=utf-8",
		"/explore/favicon.svg":                  "image/svg+xml",
		"/explore/vendor/cytoscape.LICENSE":     "application/octet-stream",
		"/explore/vendor/README.md":             "text/plain; charset=utf-8",
		"/explore/index.html":                   "text/html; charset=utf-8",
	}
	for p, ct := range cases {
		w := get(t, h, "GET", p, nil)
		if w.Code != 200 || w.Header().Get("Content-Type") != ct {
			t.Errorf("GET %s: %d %q, want 200 %q", p, w.Code, w.Header().Get("Content-Type"), ct)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", p)
		}
	}
	for _, p := range []string{"/explore/missing.mjs", "/explore/vendor/nope.js", "/explore/app.mjs.map", "/explore/../go.mod"} {
		if w := get(t, h, "GET", p, nil); w.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
	if w := get(t, h, "GET", "/elsewhere", nil); w.Code != 404 {
		t.Errorf("GET /elsewhere: %d, want 404", w.Code)
	}
	if w := get(t, h, "POST", "/explore/", nil); w.Code != 405 || w.Header().Get("Allow") == "" {
		t.Errorf("POST /explore/: %d, want 405 with Allow", w.Code)
	}
	head := get(t, h, "HEAD", "/explore/app.mjs", nil)
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, %d bytes, length %q", head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
	}
}

func TestGzipAndRevalidation(t *testing.T) {
	h := Handler()
	plain := get(t, h, "GET", "/explore/vendor/cytoscape.esm.min.mjs", nil)
	zipped := get(t, h, "GET", "/explore/vendor/cytoscape.esm.min.mjs", map[string]string{"Accept-Encoding": "br, gzip"})
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Body.Len() >= plain.Body.Len()/2 {
		t.Fatalf("gzip: encoding %q, %d bytes for %d", zipped.Header().Get("Content-Encoding"), zipped.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !bytes.Equal(body, plain.Body.Bytes()) {
		t.Fatal("gzipped body differs")
	}
	if w := get(t, h, "GET", "/explore/app.mjs", map[string]string{"Accept-Encoding": "gzip;q=0"}); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent with q=0")
	}
	etag := plain.Header().Get("ETag")
	if w := get(t, h, "GET", "/explore/vendor/cytoscape.esm.min.mjs", map[string]string{"If-None-Match": etag}); w.Code != 304 || w.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", w.Code, w.Body.Len())
	}
	if w := get(t, h, "GET", "/explore/vendor/cytoscape.esm.min.mjs", map[string]string{"If-None-Match": `"other"`}); w.Code != 200 {
		t.Errorf("stale If-None-Match: %d", w.Code)
	}
}

func root(t *testing.T) fs.FS {
	t.Helper()
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// Every relative import of every module names an embedded file: a typo
// would otherwise only show in a browser.
func TestModuleImportsResolve(t *testing.T) {
	files := root(t)
	importRe := regexp.MustCompile(`(?:from\s+|import\s*\(\s*)'(\.{1,2}/[^']+)'`)
	n := 0
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".mjs") || strings.HasPrefix(p, "vendor/") {
			return err
		}
		src, _ := fs.ReadFile(files, p)
		for _, m := range importRe.FindAllStringSubmatch(string(src), -1) {
			target := path.Join(path.Dir(p), m[1])
			if _, err := fs.Stat(files, target); err != nil {
				t.Errorf("%s imports %s: no such file", p, m[1])
			}
			n++
		}
		return nil
	})
	if n < 20 {
		t.Fatalf("found only %d imports: the pattern is stale", n)
	}
}

// Both languages have the same keys, and every key the code names exists.
func TestStringsComplete(t *testing.T) {
	files := root(t)
	src, err := fs.ReadFile(files, "strings.mjs")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	fr, en, ok := strings.Cut(s[strings.Index(s, "fr: {"):], "\n  en: {")
	if !ok {
		t.Fatal("strings.mjs: no en table")
	}
	keyRe := regexp.MustCompile(`(?m)^\s+'?([\w.]+)'?: ['"]`)
	keys := func(block string) []string {
		var out []string
		for _, m := range keyRe.FindAllStringSubmatch(block, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return out
	}
	frKeys, enKeys := keys(fr), keys(en)
	if len(frKeys) < 100 {
		t.Fatalf("found only %d French keys: the pattern is stale", len(frKeys))
	}
	for _, k := range frKeys {
		if _, found := slices.BinarySearch(enKeys, k); !found {
			t.Errorf("%q has no English string", k)
		}
	}
	for _, k := range enKeys {
		if _, found := slices.BinarySearch(frKeys, k); !found {
			t.Errorf("%q has no French string", k)
		}
	}
	useRe := regexp.MustCompile(`\bt\('([\w.]+)'`)
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".mjs") || strings.HasPrefix(p, "vendor/") {
			return err
		}
		code, _ := fs.ReadFile(files, p)
		for _, m := range useRe.FindAllStringSubmatch(string(code), -1) {
			if _, found := slices.BinarySearch(frKeys, m[1]); !found {
				t.Errorf("%s uses %q, which strings.mjs lacks", p, m[1])
			}
		}
		return nil
	})
}

// The content security policy allows Cytoscape's one inline style by its
// hash: the vendored file must still insert exactly that text.
func TestCytoscapeStyleHash(t *testing.T) {
	src, err := fs.ReadFile(root(t), "vendor/cytoscape.esm.min.mjs")
	if err != nil {
		t.Fatal(err)
	}
	prefix, rule, _ := strings.Cut(cytoscapeStyle, " {")
	for _, want := range []string{strings.TrimPrefix(prefix, "."), `" {` + rule + `"`} {
		if !bytes.Contains(src, []byte(want)) {
			t.Errorf("vendored cytoscape no longer contains %q: update cytoscapeStyle", want)
		}
	}
}

// The vendored library is the one package.json pins, byte for byte the
// file npm installs (`npm ci && go generate ./api/explorer` refreshes it).
func TestVendoredMatchesNPM(t *testing.T) {
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
	version := pkg.DevDependencies["cytoscape"]
	if version == "" {
		t.Fatal("package.json does not pin cytoscape")
	}
	vendored, err := fs.ReadFile(root(t), "vendor/cytoscape.esm.min.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(vendored, []byte(`.version="`+version+`"`)) {
		t.Errorf("vendored cytoscape is not version %s (package.json)", version)
	}
	readme, _ := fs.ReadFile(root(t), "vendor/README.md")
	if !bytes.Contains(readme, []byte("| "+version+" |")) {
		t.Errorf("vendor/README.md does not record version %s", version)
	}
	installed, err := os.ReadFile("../../node_modules/cytoscape/dist/cytoscape.esm.min.mjs")
	if err != nil {
		t.Skip("node_modules/cytoscape not installed (npm ci): vendored copy not compared")
	}
	if !bytes.Equal(installed, vendored) {
		t.Error("assets/vendor/cytoscape.esm.min.mjs differs from node_modules: run go generate ./api/explorer")
	}
}
