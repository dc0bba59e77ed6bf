package resolve

import (
	"bytes"
	"context"
	"io"
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
	if m.Format == graph.MediaPDF {
		// Its text is for search; a zip bomb is refused here, before a
		// byte is kept.
		b, err := io.ReadAll(io.LimitReader(body, limit+1))
		if err != nil {
			return nil, err
		}
		if int64(len(b)) > limit {
			return nil, blob.TooLarge(limit)
		}
		if m.Text, err = media.PDFText(b); err != nil {
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

// mediaURL is a media's url field: a path on this server.
func mediaURL(m *graph.Media) string { return MediaPath(m.ID) }

// seconds writes a duration as GraphQL Float seconds.
func seconds(d time.Duration) float64 { return d.Seconds() }
