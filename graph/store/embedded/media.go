package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/encommun/maillage/graph"
)

// Media records (graph.MediaStore). Their buckets are made by the first
// media written rather than by a schema migration: a file without them
// simply holds no media, and an older binary opening a newer file sees
// buckets it ignores, so the schema version need not move for them.
var (
	bMedia   = []byte("media")    // id → JSON record
	bMediaOf = []byte("media-of") // document\x00media → empty: a document's media, for MediaOf and the cascade
)

// mediaRecord is the stored shape of a graph.Media: the id is the key.
type mediaRecord struct {
	DocumentID  string           `json:"document,omitempty"`
	SHA256      string           `json:"sha256"`
	Size        int64            `json:"size"`
	MIME        string           `json:"mime"`
	Format      string           `json:"format"`
	Title       string           `json:"title,omitempty"`
	Alt         string           `json:"alt,omitempty"`
	Description string           `json:"description,omitempty"`
	Language    string           `json:"language,omitempty"`
	Visibility  string           `json:"visibility,omitempty"`
	UploaderID  string           `json:"uploader,omitempty"`
	Cues        []graph.MediaCue `json:"cues,omitempty"`
	Text        string           `json:"text,omitempty"`
	CreatedAt   int64            `json:"created"` // Unix nanoseconds, UTC
}

func encodeMedia(m *graph.Media) ([]byte, error) {
	return json.Marshal(mediaRecord{DocumentID: m.DocumentID, SHA256: m.SHA256, Size: m.Size, MIME: m.MIME,
		Format: string(m.Format), Title: m.Title, Alt: m.Alt, Description: m.Description, Language: m.Language,
		Visibility: string(m.Visibility), UploaderID: m.UploaderID, Cues: m.Cues, Text: m.Text, CreatedAt: m.CreatedAt.UnixNano()})
}

func decodeMedia(id string, b []byte) (*graph.Media, error) {
	var rec mediaRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("media %s: %w", id, errBadRecord)
	}
	return &graph.Media{ID: id, DocumentID: rec.DocumentID, SHA256: rec.SHA256, Size: rec.Size, MIME: rec.MIME,
		Format: graph.MediaFormat(rec.Format), Title: rec.Title, Alt: rec.Alt, Description: rec.Description,
		Language: rec.Language, Visibility: graph.Visibility(rec.Visibility), UploaderID: rec.UploaderID,
		Cues: rec.Cues, Text: rec.Text, CreatedAt: time.Unix(0, rec.CreatedAt).UTC()}, nil
}

// visibleMedia loads a media the viewer may read; nil otherwise. An
// attached media is readable exactly when its document is, read in this
// transaction; one whose document is gone is not (deletion takes it too,
// so that is only a guard).
func (r *reader) visibleMedia(id string) (*graph.Media, error) {
	b := r.tx.Bucket(bMedia)
	if b == nil || id == "" {
		return nil, nil
	}
	v := b.Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	m, err := decodeMedia(id, v)
	if err != nil {
		return nil, err
	}
	if m.DocumentID == "" {
		if !r.v.CanRead(m.StandaloneAccess(), nil) {
			return nil, nil
		}
		return m, nil
	}
	k, err := r.visibleKind(m.DocumentID)
	if err != nil || !k.IsDocument() {
		return nil, err
	}
	return m, nil
}

// CreateMedia implements graph.MediaStore.
func (s *Store) CreateMedia(ctx context.Context, in graph.Media) (*graph.Media, error) {
	m := in
	m.Cues = append([]graph.MediaCue(nil), in.Cues...)
	if len(m.Cues) == 0 {
		m.Cues = nil
	}
	start := m
	err := s.update(ctx, func(w *writer) error {
		m = start // update may run this again: start each run from the input
		if err := graph.MediaRules(w.v, &m); err != nil {
			return err
		}
		if m.DocumentID != "" {
			k, err := w.visibleKind(m.DocumentID)
			if err != nil {
				return err
			}
			if !k.IsDocument() {
				return graph.NotFound(m.DocumentID)
			}
			if !w.v.CanEditDocument(w.authors(m.DocumentID)) {
				return graph.Errorf(graph.EFORBIDDEN, "only the authors and curators may attach media to %s %q", k, m.DocumentID)
			}
		}
		media, err := w.tx.CreateBucketIfNotExists(bMedia)
		if err != nil {
			return err
		}
		of, err := w.tx.CreateBucketIfNotExists(bMediaOf)
		if err != nil {
			return err
		}
		for m.ID = graph.NewID(); media.Get([]byte(m.ID)) != nil || w.kind(m.ID) != ""; m.ID = graph.NewID() {
		}
		m.CreatedAt = w.now
		rec, err := encodeMedia(&m)
		if err != nil {
			return err
		}
		if err := media.Put([]byte(m.ID), rec); err != nil {
			return err
		}
		if m.DocumentID == "" {
			return nil
		}
		if err := of.Put(mediaOfKey(m.DocumentID, m.ID), nil); err != nil {
			return err
		}
		// The document's searchable text changed (search/media.go).
		return w.record(graph.OpUpdate, w.kind(m.DocumentID), m.DocumentID, "", "")
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

func mediaOfKey(docID, mediaID string) []byte { return append(idPrefix(docID), mediaID...) }

// Media implements graph.MediaStore.
func (s *Store) Media(ctx context.Context, id string) (*graph.Media, error) {
	var m *graph.Media
	err := s.view(ctx, func(r *reader) (err error) {
		m, err = r.visibleMedia(id)
		return err
	})
	if err == nil && m == nil {
		err = graph.NotFound(id)
	}
	return m, err
}

// MediaOf implements graph.MediaStore.
func (s *Store) MediaOf(ctx context.Context, documentIDs []string) (map[string][]*graph.Media, error) {
	out := map[string][]*graph.Media{}
	err := s.view(ctx, func(r *reader) error {
		of, media := r.tx.Bucket(bMediaOf), r.tx.Bucket(bMedia)
		if of == nil || media == nil {
			return nil
		}
		for _, doc := range uniq(documentIDs) {
			if k, err := r.visibleKind(doc); err != nil {
				return err
			} else if !k.IsDocument() {
				continue
			}
			var ms []*graph.Media
			prefix := idPrefix(doc)
			c := of.Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				id := string(k[len(prefix):])
				v := media.Get([]byte(id))
				if v == nil {
					return fmt.Errorf("media %s of %s: %w", id, doc, errBadRecord)
				}
				m, err := decodeMedia(id, v)
				if err != nil {
					return err
				}
				ms = append(ms, m)
			}
			if len(ms) > 0 {
				graph.SortMedia(ms)
				out[doc] = ms
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteMedia implements graph.MediaStore.
func (s *Store) DeleteMedia(ctx context.Context, id string) error {
	return s.update(ctx, func(w *writer) error {
		if err := graph.RequireWriter(w.v); err != nil {
			return err
		}
		m, err := w.visibleMedia(id)
		if err != nil {
			return err
		}
		if m == nil {
			return graph.NotFound(id)
		}
		var authors []string
		if m.DocumentID != "" {
			authors = w.authors(m.DocumentID)
		}
		if !w.v.CanDeleteMedia(m, authors) {
			return graph.Errorf(graph.EFORBIDDEN, "only the uploader, the document's authors and curators may delete this media")
		}
		return w.deleteMedia(m)
	})
}

func (w *writer) deleteMedia(m *graph.Media) error {
	if err := w.tx.Bucket(bMedia).Delete([]byte(m.ID)); err != nil {
		return err
	}
	if m.DocumentID == "" {
		return nil
	}
	if err := w.tx.Bucket(bMediaOf).Delete(mediaOfKey(m.DocumentID, m.ID)); err != nil {
		return err
	}
	return w.record(graph.OpUpdate, w.kind(m.DocumentID), m.DocumentID, "", "")
}

// dropMediaOf deletes the media attached to document id, which is being
// deleted: a later document given the same id must not inherit them.
func (w *writer) dropMediaOf(id string) error {
	of, media := w.tx.Bucket(bMediaOf), w.tx.Bucket(bMedia)
	if of == nil || media == nil {
		return nil
	}
	prefix := idPrefix(id)
	var keys [][]byte
	c := of.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
	}
	for _, k := range keys {
		if err := media.Delete(k[len(prefix):]); err != nil {
			return err
		}
		if err := of.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
