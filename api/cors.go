package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/encommun/maillage/api/internal/request"
)

// cors lets the browsers of the configured origins call the GraphQL
// endpoint. "*" allows any origin: the API authenticates with bearer
// tokens, never cookies, so a foreign page gains nothing it could not do
// from a server. Requests from other origins still run (CORS only stops a
// browser from reading the answer); a GET cannot mutate and a cross-origin
// POST needs a preflight, since the body must be application/json.
func cors(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	anyOrigin := slices.Contains(origins, "*")
	allowed := func(origin string) bool {
		return origin != "" && (anyOrigin || slices.ContainsFunc(origins, func(o string) bool { return strings.EqualFold(o, origin) }))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		h := w.Header()
		h.Add("Vary", "Origin")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if !allowed(origin) {
				request.SetOutcome(r.Context(), request.OutcomeRejected)
				w.WriteHeader(http.StatusForbidden)
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept")
			h.Set("Access-Control-Max-Age", "600")
			request.SetOutcome(r.Context(), request.OutcomeOK)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if allowed(origin) {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
		}
		next.ServeHTTP(w, r)
	})
}
