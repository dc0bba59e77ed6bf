package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/api/resolve"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/network"
)

// The contributor network as files for graph tools (GET /export/network…),
// built by the resolvers' Network (api/resolve) as contributorNetwork is,
// so both show the same network and the same PUBLIC standpoints only.

// exportPaths are the files GET /export/ serves; /export/network takes
// ?format= (graphml by default) instead.
var exportPaths = map[string]network.Format{
	"/export/network.graphml":   network.GraphML,
	"/export/network.gexf":      network.GEXF,
	"/export/network-nodes.csv": network.NodesCSV,
	"/export/network-edges.csv": network.EdgesCSV,
}

// maxFilterParam bounds the filter given in an export's URL.
const maxFilterParam = 16 << 10

// networkExport serves the contributor network as a file, to researchers
// and above, with the Bearer token of the GraphQL endpoint. `query` and
// `filter` (a SearchFilter as JSON) narrow it as in contributorNetwork.
// Errors are the GraphQL error shape with their code: 400
// BAD_USER_INPUT, 401 UNAUTHENTICATED, 403 FORBIDDEN, 404 NOT_FOUND.
func networkExport(cfg Config, r *resolve.Resolver) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		format, ok := exportPaths[req.URL.Path]
		if req.URL.Path == "/export/network" {
			format, ok = network.GraphML, true
			if f := req.URL.Query().Get("format"); f != "" {
				ok = false
				for _, known := range network.Formats {
					if string(known) == f {
						format, ok = known, true
					}
				}
				if !ok {
					writeExportError(ctx, cfg.Logger, w, graph.Errorf(graph.EINVALID, "format must be graphml, gexf, csv-nodes or csv-edges"))
					return
				}
			}
		}
		if !ok {
			writeExportError(ctx, cfg.Logger, w, graph.Errorf(graph.ENOTFOUND, "no export at %s: try /export/network.graphml", request.Clip(req.URL.Path, 80)))
			return
		}
		var query *string
		if q := req.URL.Query().Get("query"); q != "" {
			query = &q
		}
		var filter *model.SearchFilter
		if raw := req.URL.Query().Get("filter"); raw != "" {
			filter = &model.SearchFilter{}
			dec := json.NewDecoder(strings.NewReader(raw))
			dec.DisallowUnknownFields()
			if len(raw) > maxFilterParam || dec.Decode(filter) != nil || dec.More() {
				writeExportError(ctx, cfg.Logger, w, graph.Errorf(graph.EINVALID, "filter must be a SearchFilter as JSON, such as {\"carnets\": [\"…\"]}"))
				return
			}
		}
		g, err := r.Network(ctx, query, filter)
		if err != nil {
			writeExportError(ctx, cfg.Logger, w, err)
			return
		}
		// Written aside first: an error half-way must not send a file
		// that looks complete.
		var buf bytes.Buffer
		if err := network.Write(&buf, g, format); err != nil {
			writeExportError(ctx, cfg.Logger, w, err)
			return
		}
		w.Header().Set("Content-Type", format.ContentType())
		w.Header().Set("Content-Disposition", `attachment; filename="`+format.FileName()+`"`)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(buf.Bytes())
	})
	return authenticate(cfg.Store, cfg.Logger, h)
}

// writeExportError answers with the error's code, as GraphQL would carry
// it; an internal error is logged and told as "internal error".
func writeExportError(ctx context.Context, logger *slog.Logger, w http.ResponseWriter, err error) {
	status := map[string]int{
		graph.EINVALID:         http.StatusBadRequest,
		graph.EUNAUTHENTICATED: http.StatusUnauthorized,
		graph.EFORBIDDEN:       http.StatusForbidden,
		graph.ENOTFOUND:        http.StatusNotFound,
	}
	code := graph.ErrorCode(err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		code = graph.EINTERNAL
	}
	st, ok := status[code]
	if !ok {
		request.InternalError(ctx, logger, err, nil)
		request.WriteError(w, http.StatusInternalServerError, request.InternalMessage, graph.EINTERNAL, request.ID(ctx))
		return
	}
	if code == graph.EUNAUTHENTICATED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="maillage"`)
	}
	request.WriteError(w, st, graph.ErrorMessage(err), code, request.ID(ctx))
}
