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
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"net/http"
	"path"
	"strings"

	"github.com/encommun/maillage/api/internal/static"
)

// Prefix is where Handler expects to be mounted.
const Prefix = "/explore/"

//go:embed assets
var assets embed.FS

// cytoscapeStyle is the one <style> element Cytoscape.js inserts; the
// content security policy allows it by hash and nothing else inline.
const cytoscapeStyle = ".__________cytoscape_container { position: relative; }"

// Handler serves the explorer under Prefix: the embedded files by name,
// and index.html for any other path without a file extension (the
// application's own routes, such as /explore/node/<id>), so that a shared
// or reloaded address opens the right page. Files are revalidated on every
// use (ETag) and sent gzipped to clients that accept it.
func Handler() http.Handler {
	files := static.Load(assets, "assets")
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self' 'sha256-" + hashBase64(cytoscapeStyle) + "'",
		"img-src 'self' data: blob:",
		// blob: holds the media of a note that only a token may read,
		// fetched with it (a media element cannot send the header), and
		// the captions track written from the transcript.
		"media-src 'self' blob:",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if static.RefuseOtherMethods(w, r) {
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
		static.Serve(w, r, a, csp)
	})
}

func hashBase64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}
