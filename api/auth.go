package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
)

// tokenReader is what authentication reads of the store.
type tokenReader interface {
	TokenByHash(ctx context.Context, hash string) (*graph.Token, error)
}

// authenticate establishes the viewer. No Authorization header: an
// anonymous reader. A bearer token that is malformed, unknown or expired: 401, never
// a silent downgrade to anonymous, so that a client with a broken token
// learns it at once.
func authenticate(store tokenReader, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		header, present := r.Header["Authorization"]
		if !present {
			next.ServeHTTP(w, r.WithContext(graph.WithViewer(ctx, graph.Viewer{Role: graph.RoleAnonymous})))
			return
		}
		unauthorized := func(msg string) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="maillage", error="invalid_token"`)
			request.WriteError(w, http.StatusUnauthorized, msg, graph.EUNAUTHENTICATED, request.ID(ctx))
		}
		if len(header) != 1 {
			unauthorized("send one Authorization header: Bearer <token>")
			return
		}
		scheme, secret, ok := strings.Cut(strings.TrimSpace(header[0]), " ")
		secret = strings.TrimSpace(secret)
		if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" || strings.ContainsAny(secret, " \t") {
			unauthorized("malformed Authorization header: use Bearer <token>")
			return
		}
		tok, err := store.TokenByHash(graph.SystemContext(ctx), graph.HashToken(secret))
		switch {
		case graph.ErrorCode(err) == graph.ENOTFOUND:
			unauthorized("invalid or revoked token")
			return
		case graph.ErrorCode(err) == graph.EUNAUTHENTICATED:
			// Expired: the store's message says when, which tells its
			// holder to ask for a new token rather than check for a typo.
			// A 401 like any other, so it spends the address's failed
			// sign-in budget too.
			unauthorized(graph.ErrorMessage(err))
			return
		case err != nil:
			// A store that is down is told as such (503: a retry may
			// work), anything else as an internal error.
			status := http.StatusInternalServerError
			if errors.Is(err, graph.ErrUnavailable) {
				status = http.StatusServiceUnavailable
			}
			request.WriteError(w, status, request.InternalError(ctx, logger, err, nil).Message, graph.EINTERNAL, request.ID(ctx))
			return
		case tok == nil || !slices.Contains(graph.Roles, tok.Role):
			// Only the roles a token may carry; never SYSTEM.
			unauthorized("invalid or revoked token")
			return
		}
		v := graph.Viewer{Role: tok.Role, ContributorID: tok.ContributorID}
		next.ServeHTTP(w, r.WithContext(graph.WithViewer(ctx, v)))
	})
}
