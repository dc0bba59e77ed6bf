package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/encommun/maillage/graph"
)

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withRequest gives each request an id (context, X-Request-Id header),
// recovers from panics outside gqlgen, and logs one line when it is done.
func withRequest(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &requestInfo{id: newRequestID()}
		ctx := withRequestInfo(r.Context(), ri)
		w.Header().Set("X-Request-Id", ri.id)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				internalError(ctx, logger, recoverFunc(ctx, p), nil)
				if rec.status == 0 {
					writeErrorResponse(rec, http.StatusInternalServerError, internalMessage, graph.EINTERNAL, ri.id)
				}
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			level := slog.LevelInfo
			if r.URL.Path == "/healthz" {
				level = slog.LevelDebug
			}
			logger.LogAttrs(ctx, level, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("operation", ri.getOperation()),
				slog.String("outcome", outcomeFrom(ctx)),
				slog.Int("status", status),
				slog.Duration("duration", time.Since(start)),
				slog.String("request_id", ri.id),
			)
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

// limitBody refuses bodies over limit bytes (Limits.MaxBodyBytes; the
// largest document field, graph.MaxBodyLen, fits several times in the
// default): at once when the length is announced, while reading otherwise.
func limitBody(limit int64, next http.Handler) http.Handler {
	if !on(limit) {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			setOutcome(r.Context(), outcomeRejected)
			writeErrorResponse(w, http.StatusRequestEntityTooLarge,
				"request body too large: at most "+byteSize(limit), codeRequestTooLarge, requestID(r.Context()))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// writeErrorResponse writes a GraphQL response with one error, for failures
// that happen before GraphQL execution (authentication, limits, panics).
func writeErrorResponse(w http.ResponseWriter, status int, message, code, reqID string) {
	ext := map[string]any{"code": code}
	if reqID != "" {
		ext["requestId"] = reqID
	}
	body, _ := json.Marshal(map[string]any{
		"errors": []any{map[string]any{"message": message, "extensions": ext}},
	})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}
