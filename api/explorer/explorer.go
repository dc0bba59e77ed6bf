// Package explorer serves the web explorer at /explore/: a small
// single-page application for curators and researchers (search with facets
// and standpoints, documents, graph view, coverage) that talks only to the
// public GraphQL API at /graphql, with the user's token if they paste one.
//
// The assets are plain ES modules and CSS embedded in the binary: nothing
// is built, so `go run ./cmd/maillage serve --demo` needs no Node. The only
// third-party file, assets/vendor/cytoscape.esm.min.mjs, is copied as it is
// from the cytoscape package pinned in the root package.json; `npm ci &&
// go generate ./api/explorer` copies it again (TestVendoredMatchesNPM checks
// the two agree).
package explorer

//go:generate cp ../../node_modules/cytoscape/dist/cytoscape.esm.min.mjs assets/vendor/cytoscape.esm.min.mjs
//go:generate cp ../../node_modules/cytoscape/LICENSE assets/vendor/cytoscape.LICENSE

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// Prefix is where Handler expects to be mounted.
const Prefix = "/explore/"

//go:embed assets
var assets embed.FS

// cytoscapeStyle is the one <style> element Cytoscape.js inserts; the
// content security policy allows it by hash and nothing else inline.
const cytoscapeStyle = ".__________cytoscape_container { position: relative; }"

type asset struct {
	body        []byte
	gzipped     []byte // nil when compression does not pay
	contentType string
	etag        string
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".json": "application/json",
	".txt":  "text/plain; charset=utf-8",
	".md":   "text/plain; charset=utf-8",
}

// Handler serves the explorer under Prefix: the embedded files by name,
// and index.html for any other path without a file extension (the
// application's own routes, such as /explore/node/<id>), so that a shared
// or reloaded address opens the right page. Files are revalidated on every
// use (ETag) and sent gzipped to clients that accept it.
func Handler() http.Handler {
	files := load()
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self' 'sha256-" + hashBase64(cytoscapeStyle) + "'",
		"img-src 'self' data: blob:",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rel, ok := strings.CutPrefix(r.URL.Path, Prefix)
		if !ok {
			http.NotFound(w, r)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+rel), "/")
		a, found := files[name]
		if !found {
			if name != "" && strings.Contains(path.Base(name), ".") {
				http.NotFound(w, r)
				return
			}
			a = files["index.html"]
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", a.etag)
		h.Set("Vary", "Accept-Encoding")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if strings.HasPrefix(a.contentType, "text/html") {
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Frame-Options", "DENY")
		}
		if etagMatches(r.Header.Get("If-None-Match"), a.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := a.body
		if a.gzipped != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			body = a.gzipped
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	})
}

// load reads every embedded file once, with its ETag and gzipped form.
func load() map[string]*asset {
	files := map[string]*asset{}
	root, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err)
	}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(body)
		a := &asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		if strings.HasPrefix(ct, "text/") || ct == "image/svg+xml" || ct == "application/json" {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body)*9/10 {
				a.gzipped = buf.Bytes()
			}
		}
		files[p] = a
		return nil
	})
	if err != nil {
		panic(err)
	}
	if files["index.html"] == nil {
		panic("explorer: assets/index.html is missing")
	}
	return files
}

func hashBase64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip
// (present, and not with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return !(params == "q=0" || params == "q=0.0" || params == "q=0.00" || params == "q=0.000")
	}
	return false
}
