package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/go-viper/mapstructure/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
)

// AllowList is a set of persisted queries. When one is configured,
// anonymous requests may run only these documents: by id (the APQ
// extension's sha256Hash, or the list's own id) or by sending a document
// whose SHA-256 is in the list. Signed-in viewers are exempt: tokens are
// issued by admins to people who may explore the graph (GraphiQL), and
// each token has its own rate limit.
type AllowList struct {
	byID map[string]string // id or sha256 hex → document
	hash map[string]bool   // sha256 hex of every document
}

// Len is the number of documents in the list.
func (a *AllowList) Len() int { return len(a.hash) }

// NewAllowList builds a list from id → document pairs.
func NewAllowList(docs map[string]string) *AllowList {
	a := &AllowList{byID: map[string]string{}, hash: map[string]bool{}}
	for id, doc := range docs {
		h := sha256Hex(doc)
		a.byID[id] = doc
		a.byID[h] = doc
		a.hash[h] = true
	}
	return a
}

// With returns a list holding a's documents and docs.
func (a *AllowList) With(docs map[string]string) *AllowList {
	all := make(map[string]string, len(a.byID)+len(docs))
	for id, doc := range a.byID {
		all[id] = doc
	}
	for id, doc := range docs {
		all[id] = doc
	}
	return NewAllowList(all)
}

// LoadAllowList reads a persisted-query manifest: either a JSON object of
// id → document (Relay's and most tools' format) or Apollo's
// {"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}.
func LoadAllowList(path string) (*AllowList, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var apollo struct {
		Format     string `json:"format"`
		Operations []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		} `json:"operations"`
	}
	if json.Unmarshal(b, &apollo) == nil && apollo.Format != "" {
		if apollo.Format != "apollo-persisted-query-manifest" {
			return nil, fmt.Errorf("%s: unknown manifest format %q", path, apollo.Format)
		}
		docs := map[string]string{}
		for _, op := range apollo.Operations {
			if op.Body == "" {
				return nil, fmt.Errorf("%s: operation %q has no body", path, op.ID)
			}
			docs[op.ID] = op.Body
		}
		return NewAllowList(docs), nil
	}
	var docs map[string]string
	if err := json.Unmarshal(b, &docs); err != nil {
		return nil, fmt.Errorf("%s: want a JSON object of id → query or an Apollo manifest: %v", path, err)
	}
	return NewAllowList(docs), nil
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// persistedQueries resolves automatic persisted queries (gqlgen's
// extension, on an LRU) and enforces the allow-list. It runs before the
// shape limits, so that a document fetched by hash is checked like any.
type persistedQueries struct {
	apq   *extension.AutomaticPersistedQuery // nil: APQ off
	allow *AllowList                         // nil: everything allowed
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = persistedQueries{}

func newPersistedQueries(cacheSize int, allow *AllowList) persistedQueries {
	p := persistedQueries{allow: allow}
	if request.On(cacheSize) {
		p.apq = &extension.AutomaticPersistedQuery{Cache: scopedCache{lru.New[string](cacheSize)}}
	}
	return p
}

// Automatic persisted queries are kept per credential, not for everyone:
// a cache shared by all would answer a hash with the document someone
// else registered, telling anyone who can guess a query (one that names
// a note, a person, a search for a sensitive subject) that somebody sent
// it. A token's documents serve only requests with that token; an
// anonymous caller's, only its client address (the rate limiter's key:
// the IPv4 address, the IPv6 /64, or what --client-ip-header names), so
// anonymous callers behind one address still share theirs: all such a
// caller can learn is that someone behind the same address sent a
// document. The price is small: one LRU as before, and each client
// registers each of its documents once, the round trip APQ clients make
// on their own when told PersistedQueryNotFound.

// apqScope is the namespace of a request's persisted queries, and the
// viewer it was chosen for.
type apqScope struct {
	viewer graph.Viewer
	key    string // sha256 hex: never the token, and of bounded size
}

type apqScopeKey struct{}

// withAPQScope names the request's namespace, once authenticate has
// established the viewer.
func withAPQScope(ipHeader string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := graph.ViewerFrom(r.Context())
		key := "address " + clientKey(r, ipHeader)
		if v.SignedIn() {
			key = "token " + r.Header.Get("Authorization")
		}
		ctx := context.WithValue(r.Context(), apqScopeKey{}, apqScope{viewer: v, key: sha256Hex(key)})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// apqScopeFrom returns ctx's namespace, or "" when there is none to
// trust: no scope was named, or the viewer is no longer the one it was
// named for (a WebSocket that signed in with connection_init's payload).
func apqScopeFrom(ctx context.Context) string {
	s, ok := ctx.Value(apqScopeKey{}).(apqScope)
	if !ok || s.viewer != graph.ViewerFrom(ctx) {
		return ""
	}
	return s.key
}

// scopedCache keys the APQ cache by namespace. Without one, it neither
// finds nor keeps anything: the request runs the document it sends, and
// a hash alone gets PersistedQueryNotFound.
type scopedCache struct{ cache graphql.Cache[string] }

func (c scopedCache) Get(ctx context.Context, hash string) (string, bool) {
	scope := apqScopeFrom(ctx)
	if scope == "" {
		return "", false
	}
	return c.cache.Get(ctx, scope+" "+hash)
}

func (c scopedCache) Add(ctx context.Context, hash, query string) {
	if scope := apqScopeFrom(ctx); scope != "" {
		c.cache.Add(ctx, scope+" "+hash, query)
	}
}

func (persistedQueries) ExtensionName() string                   { return "PersistedQueries" }
func (persistedQueries) Validate(graphql.ExecutableSchema) error { return nil }

func (p persistedQueries) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	ext, hasExt := raw.Extensions["persistedQuery"]
	var hash string
	if hasExt && ext != nil {
		var pq struct {
			Sha256 string `mapstructure:"sha256Hash"`
		}
		if err := mapstructure.Decode(ext, &pq); err != nil || pq.Sha256 == "" {
			return request.Errorf(request.CodeBadRequest, "extensions.persistedQuery needs a sha256Hash string")
		}
		hash = strings.ToLower(pq.Sha256)
	}
	if p.allow != nil && !graph.ViewerFrom(ctx).SignedIn() {
		switch doc, listed := p.allow.byID[hash]; {
		case hash != "" && listed:
			if raw.Query != "" && sha256Hex(raw.Query) != sha256Hex(doc) {
				return request.Errorf(request.CodeBadRequest, "the query does not match the persisted query %s", hash)
			}
			raw.Query = doc
			return nil
		case raw.Query != "" && p.allow.hash[sha256Hex(raw.Query)]:
			// A listed document sent in full.
		default:
			return request.Errorf(request.CodePersistedNotInList, "this server runs only its persisted queries; this one is not among them")
		}
	}
	if hash == "" {
		return nil
	}
	if p.apq == nil {
		return request.Errorf("PERSISTED_QUERY_NOT_SUPPORTED", "automatic persisted queries are switched off: send the query")
	}
	if err := p.apq.MutateOperationParameters(ctx, raw); err != nil {
		if _, ok := err.Extensions["code"]; !ok {
			// gqlgen leaves its APQ input errors without a code.
			errcode.Set(err, request.CodeBadRequest)
		}
		return err
	}
	return nil
}
