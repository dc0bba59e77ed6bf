package api

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/jsonld"
)

// Media types /ld/{id} can answer with, in the server's order of
// preference: the body is the same JSON-LD either way.
const (
	ldMediaJSONLD = "application/ld+json"
	ldMediaJSON   = "application/json"
)

// linkedDataHandler serves GET /ld/{id}: the JSON-LD form of a node, for
// a store id or a Relay global id. It reads as an anonymous viewer whatever
// the request carries (it is not behind authenticate, and graph/format/jsonld
// forces the anonymous viewer too), so only public content is ever served,
// and a hidden or missing node is the same 404.
func linkedDataHandler(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		w.Header().Set("Vary", "Accept")
		media, ok := negotiate(r.Header.Values("Accept"))
		if !ok {
			request.WriteError(w, http.StatusNotAcceptable,
				"not acceptable: /ld/ answers with application/ld+json or application/json", graph.EINVALID, request.ID(ctx))
			return
		}
		id := r.PathValue("id")
		var kind graph.Kind
		if graph.ValidateID(id) != nil {
			k, storeID, err := ParseGlobalID(id)
			if err != nil {
				request.WriteError(w, http.StatusNotFound, graph.NotFound(request.Clip(id, 80)).Message, graph.ENOTFOUND, request.ID(ctx))
				return
			}
			kind, id = k, storeID
		}
		b := &jsonld.Builder{Store: cfg.Store, Taxonomy: cfg.Taxonomy, Base: baseIRI(r), DefaultLicence: cfg.DefaultLicence}
		obj, err := b.Node(ctx, kind, id)
		switch code := graph.ErrorCode(err); {
		case err == nil:
		case code == graph.ENOTFOUND:
			request.WriteError(w, http.StatusNotFound, graph.ErrorMessage(err), code, request.ID(ctx))
			return
		default:
			request.InternalError(ctx, cfg.Logger, err, nil)
			request.WriteError(w, http.StatusInternalServerError, request.InternalMessage, graph.EINTERNAL, request.ID(ctx))
			return
		}
		body, err := json.Marshal(obj)
		if err != nil {
			request.InternalError(ctx, cfg.Logger, err, nil)
			request.WriteError(w, http.StatusInternalServerError, request.InternalMessage, graph.EINTERNAL, request.ID(ctx))
			return
		}
		w.Header().Set("Content-Type", media+"; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
}

// baseIRI is where this server's /ld/ pages are, as the request reached
// it; the @id of every node is this base and its store id.
func baseIRI(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/ld/"
}

// negotiate picks the media type for the Accept header values: the
// acceptable type with the highest q, ties going to JSON-LD; no header
// means anything. ok is false when neither type is acceptable.
func negotiate(accept []string) (media string, ok bool) {
	if len(accept) == 0 {
		return ldMediaJSONLD, true
	}
	best, bestQ := "", 0.0
	for _, offer := range []string{ldMediaJSONLD, ldMediaJSON} {
		q := acceptQ(accept, offer)
		if q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best, best != ""
}

// acceptQ returns the quality the Accept header gives offer: the most
// specific matching range decides (type/subtype over type/* over */*).
func acceptQ(accept []string, offer string) float64 {
	offerType, _, _ := strings.Cut(offer, "/")
	q, specificity := 0.0, -1
	for _, header := range accept {
		for _, part := range strings.Split(header, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			rangeType, rangeSub, _ := strings.Cut(mt, "/")
			spec := -1
			switch {
			case mt == offer:
				spec = 2
			case rangeType == offerType && rangeSub == "*":
				spec = 1
			case mt == "*/*":
				spec = 0
			}
			if spec < specificity || spec < 0 {
				continue
			}
			weight := 1.0
			if s, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f <= 1 {
					weight = f
				} else {
					weight = 0
				}
			}
			if spec > specificity || weight > q {
				q, specificity = weight, spec
			}
		}
	}
	return q
}
