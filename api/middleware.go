package api

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/resolve"
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

// withLoaders gives each request its own dataloaders.
func withLoaders(s resolve.LoaderSource, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(resolve.WithLoaders(r.Context(), s)))
	})
}

// withRequest gives each request an id (context, X-Request-Id header),
// recovers from panics outside gqlgen, and logs one line when it is done.
func withRequest(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := request.New()
		ctx := request.With(r.Context(), ri)
		w.Header().Set("X-Request-Id", ri.ID())
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				request.InternalError(ctx, logger, request.RecoverFunc(ctx, p), nil)
				if rec.status == 0 {
					request.WriteError(rec, http.StatusInternalServerError, request.InternalMessage, graph.EINTERNAL, ri.ID())
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
				slog.String("operation", ri.Operation()),
				slog.String("outcome", request.Outcome(ctx)),
				slog.Int("status", status),
				slog.Duration("duration", time.Since(start)),
				slog.String("request_id", ri.ID()),
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
		if request.On(limit) && r.ContentLength > limit {
			request.SetOutcome(ctx, request.OutcomeRejected)
			request.WriteError(w, http.StatusRequestEntityTooLarge,
				"request body too large: at most "+byteSize(limit), request.CodeRequestTooLarge, request.ID(ctx))
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
		if request.On(timeout) {
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(timeout))
		}
		var body io.Reader = r.Body
		if request.On(limit) {
			body = http.MaxBytesReader(w, r.Body, limit)
		}
		b, err := io.ReadAll(body)
		var tooLarge *http.MaxBytesError
		switch {
		case err == nil:
		case errors.As(err, &tooLarge):
			request.SetOutcome(ctx, request.OutcomeRejected)
			request.WriteError(w, http.StatusRequestEntityTooLarge,
				"request body too large: at most "+byteSize(tooLarge.Limit), request.CodeRequestTooLarge, request.ID(ctx))
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			request.SetOutcome(ctx, request.OutcomeRejected)
			w.Header().Set("Connection", "close")
			request.WriteError(w, http.StatusRequestTimeout,
				"the request body did not arrive within "+timeout.String(), request.CodeRequestTimeout, request.ID(ctx))
			return
		default:
			// The client went away, or sent a malformed chunked body.
			request.SetOutcome(ctx, request.OutcomeRejected)
			w.Header().Set("Connection", "close")
			request.WriteError(w, http.StatusBadRequest, "could not read the request body", request.CodeBadRequest, request.ID(ctx))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		next.ServeHTTP(w, r)
	})
}
