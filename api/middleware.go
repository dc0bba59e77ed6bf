package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
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

// readBody reads the request body whole before the request goes on to
// the concurrency cap, bounded in size (Limits.MaxBodyBytes: 413 past it,
// at once when the length is announced; the largest document field,
// graph.MaxBodyLen, fits several times in the default) and in time
// (Limits.BodyTimeout, counted from here, when the headers are in: 408
// past it). Were the body read by the transport, inside a slot, a few
// dozen clients sending a byte a second would hold every slot and the
// server would answer everyone else 503 for as long as they kept at it.
func readBody(limit int64, timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if on(limit) && r.ContentLength > limit {
			setOutcome(ctx, outcomeRejected)
			writeErrorResponse(w, http.StatusRequestEntityTooLarge,
				"request body too large: at most "+byteSize(limit), codeRequestTooLarge, requestID(ctx))
			return
		}
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		// The deadline is the connection's, so it stops a read blocked on
		// a silent client, which a timer around io.ReadAll could not. It
		// takes the place of http.Server.ReadTimeout for this request, and
		// net/http drops it once the body is read to its end, so it does
		// not cut short the operation that follows. Without a net/http
		// connection underneath (ErrNotSupported), only that ReadTimeout
		// bounds the read.
		if on(timeout) {
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(timeout))
		}
		var body io.Reader = r.Body
		if on(limit) {
			body = http.MaxBytesReader(w, r.Body, limit)
		}
		b, err := io.ReadAll(body)
		var tooLarge *http.MaxBytesError
		switch {
		case err == nil:
		case errors.As(err, &tooLarge):
			setOutcome(ctx, outcomeRejected)
			writeErrorResponse(w, http.StatusRequestEntityTooLarge,
				"request body too large: at most "+byteSize(tooLarge.Limit), codeRequestTooLarge, requestID(ctx))
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			setOutcome(ctx, outcomeRejected)
			w.Header().Set("Connection", "close")
			writeErrorResponse(w, http.StatusRequestTimeout,
				"the request body did not arrive within "+timeout.String(), codeRequestTimeout, requestID(ctx))
			return
		default:
			// The client went away, or sent a malformed chunked body.
			setOutcome(ctx, outcomeRejected)
			w.Header().Set("Connection", "close")
			writeErrorResponse(w, http.StatusBadRequest, "could not read the request body", codeBadRequest, requestID(ctx))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		next.ServeHTTP(w, r)
	})
}

// writeErrorResponse writes a GraphQL response with one error, for failures
// that happen before GraphQL execution (authentication, limits, panics).
func writeErrorResponse(w http.ResponseWriter, status int, message, code, reqID string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(errorBody(message, code, reqID))
}

// errorBody is the JSON of a GraphQL response with one error; reqID ""
// adds no requestId.
func errorBody(message, code, reqID string) []byte {
	ext := map[string]any{"code": code}
	if reqID != "" {
		ext["requestId"] = reqID
	}
	body, _ := json.Marshal(map[string]any{
		"errors": []any{map[string]any{"message": message, "extensions": ext}},
	})
	return body
}
