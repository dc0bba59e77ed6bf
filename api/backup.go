package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
)

// storeBackup serves GET /admin/backup: a consistent copy of the embedded
// store's file, taken while the server goes on serving, for an admin
// token only. b is nil when the store cannot copy itself.
func storeBackup(cfg Config, b graph.HotBackuper) http.Handler {
	logger := cfg.Logger
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		if err := graph.RequireAdminTo(graph.ViewerFrom(ctx), "copy the whole store"); err != nil {
			writeExportError(ctx, cfg.Logger, w, err)
			return
		}
		if b == nil {
			request.WriteError(w, http.StatusNotImplemented,
				"this store has no online copy: use its own backup tools (neo4j-admin database dump) or maillage export json",
				"NOT_SUPPORTED", request.ID(ctx))
			return
		}
		// A copy of a large file outlasts the server's write timeout,
		// which is meant for GraphQL answers.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		started := time.Now()
		var sent int64
		err := b.HotBackup(ctx, func(size int64, seq uint64) (io.Writer, error) {
			h := w.Header()
			h.Set("Content-Type", "application/octet-stream")
			h.Set("Content-Length", strconv.FormatInt(size, 10))
			h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="maillage-%d.db"`, seq))
			h.Set("Cache-Control", "no-store")
			h.Set(BackupSeqHeader, strconv.FormatUint(seq, 10))
			w.WriteHeader(http.StatusOK)
			return countingWriter{w, &sent}, nil
		})
		switch {
		case err == nil:
			logger.Info("store copied", "bytes", sent, "took", time.Since(started).Round(time.Millisecond), "request_id", request.ID(ctx))
		case sent == 0 && w.Header().Get(BackupSeqHeader) == "":
			writeExportError(ctx, cfg.Logger, w, err)
		default:
			// Headers are out: the only way left to say the copy is
			// incomplete is to cut the connection short of its
			// Content-Length, which every client reports.
			if !errors.Is(err, context.Canceled) {
				logger.Error("store copy failed half way", "err", err, "bytes", sent, "request_id", request.ID(ctx))
			}
			panic(http.ErrAbortHandler)
		}
	})
	return authenticate(cfg.Store, logger, h)
}

// BackupSeqHeader tells the change sequence a copy ends at.
const BackupSeqHeader = "X-Maillage-Seq"

type countingWriter struct {
	w io.Writer
	n *int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}
