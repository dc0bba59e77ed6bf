package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/media"
)

// DefaultMediaLimits bound the stored file of each format: the limits of
// every way in (graph/media), a vault import's too.
var DefaultMediaLimits = media.DefaultLimits

func mediaLimits(given map[graph.MediaFormat]int64) map[graph.MediaFormat]int64 {
	return media.Limits(given)
}

// MediaPath is where GET serves media id's file.
func MediaPath(id string) string { return "/media/" + id }

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
			setOutcome(ctx, outcomeRejected)
			// The body is not read: the connection cannot be reused.
			w.Header().Set("Connection", "close")
			writeErrorResponse(w, status, msg, code, requestID(ctx))
		}
		switch {
		case !enabled:
			refuse(http.StatusUnsupportedMediaType, "media uploads are off on this server: send application/json", codeUnsupportedMedia)
			return
		case !graph.ViewerFrom(ctx).SignedIn():
			refuse(http.StatusUnauthorized, "sign in to upload: send Authorization: Bearer <token>", graph.EUNAUTHENTICATED)
			return
		case on(limit) && r.ContentLength > limit:
			refuse(http.StatusRequestEntityTooLarge, "request body too large: at most "+byteSize(limit), codeRequestTooLarge)
			return
		}
		if on(timeout) {
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(timeout))
		}
		if on(limit) {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		upload.ServeHTTP(w, r)
	})
}

// uploadMedia checks, cleans and stores an uploaded file, then writes its
// record. Everything that can refuse the upload (rights, the document,
// the type, the size, the captions) is decided before the blob is
// written. A blob whose record then fails to be written is left in the
// blob store unreferenced rather than deleted: the same content may be
// another media's (blobs are shared by content), and nothing serves a
// blob but through a readable record (serveMedia), so an orphan is bytes
// on disk, never a leak.
func (r *Resolver) uploadMedia(ctx context.Context, in model.UploadMediaInput) (*graph.Media, error) {
	v, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	if !v.CanCreateDocument() {
		return nil, graph.Errorf(graph.EFORBIDDEN, "your token does not speak for a contributor: it cannot upload media")
	}
	if r.blobs == nil {
		return nil, graph.Errorf(graph.EINVALID, "media uploads are off on this server")
	}
	m := graph.Media{Title: deref(in.Title), Alt: deref(in.Alt), Description: deref(in.Description),
		Language: deref(in.Language), Visibility: graph.VisibilityPrivate}
	if m.Language == "" {
		m.Language = "fr"
	}
	if in.AttachTo != nil {
		if in.Visibility != nil {
			return nil, graph.Errorf(graph.EINVALID, "an attached media has its document's visibility: omit visibility")
		}
		_, m.DocumentID, err = r.existing(ctx, *in.AttachTo, graph.DocumentKinds...)
		if err != nil {
			return nil, err
		}
		m.Visibility = ""
		// The store decides again in its write; asked here too, so that
		// a refusal comes before a byte is kept.
		authors, err := r.store.Links(ctx, []string{m.DocumentID}, graph.RelAuthored, graph.In)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, l := range authors[m.DocumentID] {
			ids = append(ids, l.From)
		}
		if !v.CanEditDocument(ids) {
			return nil, graph.Errorf(graph.EFORBIDDEN, "only the authors and curators may attach media to this document")
		}
	} else if in.Visibility != nil {
		m.Visibility = *in.Visibility
	}

	head := make([]byte, media.SniffLen)
	n, err := io.ReadFull(in.File.File, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	head = head[:n]
	if n == 0 {
		return nil, graph.Errorf(graph.EINVALID, "the file is empty")
	}
	typ, err := media.Check(head, in.File.ContentType)
	if err != nil {
		return nil, err
	}
	m.MIME, m.Format = typ.MIME, graph.MediaFormat(typ.Format)
	limit := r.mediaLimits[m.Format]
	if in.File.Size > limit {
		return nil, blob.TooLarge(limit)
	}
	if in.Captions != nil {
		if m.Format != graph.MediaAudio && m.Format != graph.MediaVideo {
			return nil, graph.Errorf(graph.EINVALID, "captions go with audio or video, not with %s", m.Format)
		}
		b, err := io.ReadAll(io.LimitReader(in.Captions.File, media.MaxCaptionBytes+1))
		if err != nil {
			return nil, err
		}
		cues, err := media.ParseCaptions(b)
		if err != nil {
			return nil, err
		}
		for _, c := range cues {
			m.Cues = append(m.Cues, graph.MediaCue{Start: c.Start, End: c.End, Speaker: c.Speaker, Text: c.Text})
		}
	}
	// The record is checked whole before any byte is kept, so a bad
	// title does not leave a blob behind either.
	probe := m
	probe.SHA256, probe.Size = strings.Repeat("0", 64), 1
	if err := graph.MediaRules(v, &probe); err != nil {
		return nil, err
	}

	var body io.Reader = io.MultiReader(bytes.NewReader(head), in.File.File)
	if m.Format == graph.MediaImage {
		// The original, with its location and camera metadata, is never
		// written anywhere but the request's own spool.
		b, err := io.ReadAll(io.LimitReader(body, limit+1))
		if err != nil {
			return nil, err
		}
		if int64(len(b)) > limit {
			return nil, blob.TooLarge(limit)
		}
		if b, err = media.StripImage(m.MIME, b); err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	ref, err := r.blobs.Put(ctx, body, limit)
	if err != nil {
		return nil, err
	}
	m.SHA256, m.Size = ref.SHA256, ref.Size
	out, err := r.store.CreateMedia(ctx, m)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return out, nil
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
			writeErrorResponse(w, http.StatusNotFound, graph.NotFound(clip(r.PathValue("id"), 80)).Message, graph.ENOTFOUND, requestID(ctx))
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
			writeErrorResponse(w, http.StatusInternalServerError, internalMessage, graph.EINTERNAL, requestID(ctx))
			return
		}
		f, err := blobs.Open(ctx, m.SHA256)
		switch {
		case graph.ErrorCode(err) == graph.ENOTFOUND:
			notFound()
			return
		case err != nil:
			writeErrorResponse(w, http.StatusInternalServerError, internalMessage, graph.EINTERNAL, requestID(ctx))
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

// mediaURL is a media's url field: a path on this server.
func mediaURL(m *graph.Media) string { return MediaPath(m.ID) }

// seconds writes a duration as GraphQL Float seconds.
func seconds(d time.Duration) float64 { return d.Seconds() }

// jsonPartLimit bounds the JSON parts of a multipart request like a JSON
// body; with MaxBodyBytes off, at 1 MiB all the same, since they are read
// whole.
func jsonPartLimit(maxBody int64) int64 {
	if on(maxBody) {
		return maxBody
	}
	return 1 << 20
}
