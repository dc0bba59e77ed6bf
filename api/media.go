package api

import (
	"net/http"
	"time"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
)

// The HTTP side of media: uploads reach the uploadMedia resolver
// (api/resolve) through uploadBody and the multipart transport; files are
// served by serveMedia.

// uploadBody takes multipart requests (uploads) away from readBody, which
// would read them whole into memory: anonymous callers are refused before
// a byte of the body is read, a declared length past limit at once, and
// the body is cut at limit and given timeout to arrive. Every other
// request goes to other.
func uploadBody(limit int64, timeout time.Duration, enabled bool, upload, other http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !isMultipart(r) {
			other.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		refuse := func(status int, msg, code string) {
			request.SetOutcome(ctx, request.OutcomeRejected)
			// The body is not read: the connection cannot be reused.
			w.Header().Set("Connection", "close")
			request.WriteError(w, status, msg, code, request.ID(ctx))
		}
		switch {
		case !enabled:
			refuse(http.StatusUnsupportedMediaType, "media uploads are off on this server: send application/json", request.CodeUnsupportedMedia)
			return
		case !graph.ViewerFrom(ctx).SignedIn():
			refuse(http.StatusUnauthorized, "sign in to upload: send Authorization: Bearer <token>", graph.EUNAUTHENTICATED)
			return
		case request.On(limit) && r.ContentLength > limit:
			refuse(http.StatusRequestEntityTooLarge, "request body too large: at most "+byteSize(limit), request.CodeRequestTooLarge)
			return
		}
		if request.On(timeout) {
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(timeout))
		}
		if request.On(limit) {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		upload.ServeHTTP(w, r)
	})
}

// serveMedia serves GET /media/{id}: the file of a media the viewer
// (Authorization: Bearer) may read, decided by reading the media record
// from the store with that viewer, never by the digest alone. A hidden
// media is the same 404 as an unknown one. Range requests are served by
// http.ServeContent, so players seek without fetching the whole file.
func serveMedia(store graph.Store, blobs blob.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		notFound := func() {
			request.WriteError(w, http.StatusNotFound, graph.NotFound(request.Clip(r.PathValue("id"), 80)).Message, graph.ENOTFOUND, request.ID(ctx))
		}
		id := r.PathValue("id")
		if blobs == nil || graph.ValidateID(id) != nil {
			notFound()
			return
		}
		m, err := store.Media(ctx, id)
		switch {
		case graph.ErrorCode(err) == graph.ENOTFOUND:
			notFound()
			return
		case err != nil:
			request.WriteError(w, http.StatusInternalServerError, request.InternalMessage, graph.EINTERNAL, request.ID(ctx))
			return
		}
		f, err := blobs.Open(ctx, m.SHA256)
		switch {
		case graph.ErrorCode(err) == graph.ENOTFOUND:
			notFound()
			return
		case err != nil:
			request.WriteError(w, http.StatusInternalServerError, request.InternalMessage, graph.EINTERNAL, request.ID(ctx))
			return
		}
		defer f.Close()
		h := w.Header()
		h.Set("Content-Type", m.MIME)
		h.Set("X-Content-Type-Options", "nosniff")
		// Whatever the file holds, it runs nothing in this origin.
		h.Set("Content-Security-Policy", "default-src 'none'; media-src 'self'; img-src 'self'; sandbox")
		disposition := "inline"
		if m.Format == graph.MediaPDF {
			disposition = "attachment"
		}
		h.Set("Content-Disposition", disposition+`; filename="`+id+mediaExtension(m.MIME)+`"`)
		// Who may read it depends on the token: no shared cache keeps it.
		h.Set("Cache-Control", "private, no-cache")
		h.Set("Vary", "Authorization")
		h.Set("ETag", `"`+m.SHA256+`"`)
		http.ServeContent(w, r, "", f.ModTime(), f)
	})
}

func mediaExtension(mime string) string {
	switch mime {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	case "audio/mpeg":
		return ".mp3"
	case "audio/ogg":
		return ".ogg"
	case "audio/wav":
		return ".wav"
	case "audio/flac":
		return ".flac"
	case "audio/mp4":
		return ".m4a"
	case "video/mp4":
		return ".mp4"
	case "video/webm":
		return ".webm"
	case "application/pdf":
		return ".pdf"
	}
	return ""
}

// jsonPartLimit bounds the JSON parts of a multipart request like a JSON
// body; with MaxBodyBytes off, at 1 MiB all the same, since they are read
// whole.
func jsonPartLimit(maxBody int64) int64 {
	if request.On(maxBody) {
		return maxBody
	}
	return 1 << 20
}
