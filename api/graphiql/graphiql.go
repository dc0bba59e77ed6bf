// Package graphiql serves GraphiQL at / and its files under /graphiql/,
// all embedded in the binary: the page loads nothing from another host,
// so it works on a closed network and tells no CDN who opens it.
//
// The third-party files in assets/vendor are the unchanged browser
// bundles of the graphiql, react and react-dom packages pinned in the
// root package.json; `npm ci && go generate ./api/graphiql` copies them
// again (TestVendoredMatchesNPM checks the two agree).
package graphiql

//go:generate cp ../../node_modules/graphiql/graphiql.min.js assets/vendor/graphiql.min.js
//go:generate cp ../../node_modules/graphiql/graphiql.min.css assets/vendor/graphiql.min.css
//go:generate cp ../../node_modules/graphiql/LICENSE assets/vendor/graphiql.LICENSE
//go:generate cp ../../node_modules/react/umd/react.production.min.js assets/vendor/react.production.min.js
//go:generate cp ../../node_modules/react/LICENSE assets/vendor/react.LICENSE
//go:generate cp ../../node_modules/react-dom/umd/react-dom.production.min.js assets/vendor/react-dom.production.min.js
//go:generate cp ../../node_modules/react-dom/LICENSE assets/vendor/react-dom.LICENSE

import (
	"embed"
	"net/http"
	"path"
	"strings"

	"github.com/encommun/maillage/api/internal/static"
)

// Prefix is where the page's files are served; the page itself is at /.
const Prefix = "/graphiql/"

//go:embed assets
var assets embed.FS

// CSP is the page's content security policy: nothing from another host.
// Inline styles are allowed because GraphiQL's dialogs (react-remove-scroll)
// insert a <style> element whose text changes with the scrollbar width, so
// no hash can name it; scripts stay strictly this origin's files.
var CSP = strings.Join([]string{
	"default-src 'self'",
	"script-src 'self'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data:",
	"font-src 'self' data:",
	"connect-src 'self'",
	"object-src 'none'",
	"base-uri 'none'",
	"form-action 'self'",
	"frame-ancestors 'none'",
}, "; ")

// Handler serves GraphiQL: index.html at / (mount it on "GET /{$}") and
// the embedded files under Prefix (mount it on Prefix too).
func Handler() http.Handler {
	files := static.Load(assets, "assets")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if static.RefuseOtherMethods(w, r) {
			return
		}
		if r.URL.Path == "/" {
			static.Serve(w, r, files["index.html"], CSP)
			return
		}
		rel, ok := strings.CutPrefix(r.URL.Path, Prefix)
		if !ok {
			http.NotFound(w, r)
			return
		}
		a, found := files[strings.TrimPrefix(path.Clean("/"+rel), "/")]
		if !found {
			http.NotFound(w, r)
			return
		}
		static.Serve(w, r, a, CSP)
	})
}
