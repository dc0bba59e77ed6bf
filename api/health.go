package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/encommun/maillage/graph"
)

// readyTimeout bounds one readiness check: a store that does not answer
// within it is not ready.
const readyTimeout = 2 * time.Second

// seqReader is what readiness and the index lag read of the store: its
// last change, the cheapest read there is.
type seqReader interface {
	LastSeq(ctx context.Context) (uint64, error)
}

// readyz answers 200 when the server can serve: the store answers a read
// (LastSeq, the cheapest one), and cfg.Ready (the search index caught up,
// say) has no objection. Otherwise 503 with the reason, for the operator
// (the body names no secret: store errors are summarised).
func readyz(store seqReader, ready func(context.Context) error, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if _, err := store.LastSeq(graph.SystemContext(ctx)); err != nil {
			logger.Warn("not ready: the store does not answer", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "not ready: the store does not answer: "+graph.ErrorMessage(err)+"\n")
			return
		}
		if ready != nil {
			if err := ready(ctx); err != nil {
				logger.Warn("not ready", "error", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				io.WriteString(w, "not ready: "+err.Error()+"\n")
				return
			}
		}
		io.WriteString(w, "ready\n")
	})
}
