package neo4j

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/encommun/maillage/graph"
)

// Media records are :Media nodes (cypher.go says why they are not :Node).
// The transcript cues are one JSON string property: they are read and
// written whole, never queried one by one.

func mediaProps(m *graph.Media) (props, error) {
	p := props{"id": m.ID, "sha256": m.SHA256, "size": m.Size, "mime": m.MIME, "format": string(m.Format),
		"title": m.Title, "alt": m.Alt, "description": m.Description, "language": m.Language,
		"uploaderId": m.UploaderID, "createdAt": m.CreatedAt}
	// Absent rather than empty: mediaByID tells an attached media from a
	// standing-alone one by documentId IS NULL.
	if m.DocumentID != "" {
		p["documentId"] = m.DocumentID
	} else {
		p["visibility"] = string(m.Visibility)
	}
	if m.Text != "" {
		p["text"] = m.Text
	}
	if len(m.Cues) > 0 {
		b, err := json.Marshal(m.Cues)
		if err != nil {
			return nil, err
		}
		p["cues"] = string(b)
	}
	return p, nil
}

func decodeMedia(v any) (*graph.Media, error) {
	x := newDecoder(v)
	m := &graph.Media{ID: x.str("id"), DocumentID: x.str("documentId"), SHA256: x.str("sha256"), Size: x.int("size"),
		MIME: x.str("mime"), Format: graph.MediaFormat(x.str("format")), Title: x.str("title"), Alt: x.str("alt"),
		Description: x.str("description"), Language: x.str("language"), Visibility: graph.Visibility(x.str("visibility")),
		UploaderID: x.str("uploaderId"), Text: x.str("text"), CreatedAt: x.time("createdAt")}
	cues := x.str("cues")
	if err := x.done("media"); err != nil {
		return nil, err
	}
	if cues != "" {
		if err := json.Unmarshal([]byte(cues), &m.Cues); err != nil {
			return nil, fmt.Errorf("neo4j store: media %s: cues: %w", m.ID, err)
		}
	}
	return m, nil
}

// visibleMedia returns the media the viewer may read with its document's
// authors, or nil.
func (r *reader) visibleMedia(id string) (*graph.Media, []string, error) {
	recs, err := r.run(mediaByID, r.viewer(map[string]any{"id": id}))
	if err != nil || len(recs) == 0 {
		return nil, nil, err
	}
	v, _ := recs[0].Get("media")
	m, err := decodeMedia(v)
	if err != nil {
		return nil, nil, err
	}
	x := recordDecoder(recs[0])
	authors := x.strs("authors")
	return m, authors, x.done("authors of the document of media " + id)
}

// CreateMedia implements graph.MediaStore.
func (s *Store) CreateMedia(ctx context.Context, in graph.Media) (*graph.Media, error) {
	var out *graph.Media
	err := s.update(ctx, func(w *writer) error {
		m := in // the driver may run this function again: start from the input
		m.Cues = append([]graph.MediaCue(nil), in.Cues...)
		if len(m.Cues) == 0 {
			m.Cues = nil
		}
		if err := graph.MediaRules(w.v, &m); err != nil {
			return err
		}
		if m.DocumentID != "" {
			recs, err := w.run(documentForWrite, w.viewer(map[string]any{"id": m.DocumentID}))
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				return graph.NotFound(m.DocumentID)
			}
			v, _ := recs[0].Get("doc")
			d, err := decodeDocument(v)
			if err != nil {
				return err
			}
			x := recordDecoder(recs[0])
			authors := x.strs("authors")
			if err := x.done("authors of " + m.DocumentID); err != nil {
				return err
			}
			if !w.v.CanEditDocument(authors) {
				return graph.Errorf(graph.EFORBIDDEN, "only the authors and curators may attach media to %s %q", d.Kind, m.DocumentID)
			}
			// The document's searchable text changes (search/media.go).
			w.record(graph.OpUpdate, d.Kind, m.DocumentID, "", "")
		}
		for {
			m.ID = graph.NewID()
			rec, err := w.runSingle(mediaIDTaken, map[string]any{"id": m.ID}, "mediaIDTaken")
			if err != nil {
				return err
			}
			if taken, _ := rec.Get("taken"); taken != true {
				break
			}
		}
		m.CreatedAt = w.now
		p, err := mediaProps(&m)
		if err != nil {
			return err
		}
		if _, err := w.run(createMedia, map[string]any{"props": map[string]any(p)}); err != nil {
			return err
		}
		out = &m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Media implements graph.MediaStore.
func (s *Store) Media(ctx context.Context, id string) (*graph.Media, error) {
	var m *graph.Media
	err := s.view(ctx, func(r *reader) (err error) {
		m, _, err = r.visibleMedia(id)
		return err
	})
	if err == nil && m == nil {
		err = graph.NotFound(id)
	}
	return m, err
}

// MediaOf implements graph.MediaStore.
func (s *Store) MediaOf(ctx context.Context, documentIDs []string) (map[string][]*graph.Media, error) {
	var out map[string][]*graph.Media
	err := s.view(ctx, func(r *reader) error {
		out = map[string][]*graph.Media{}
		ids := uniq(documentIDs)
		if len(ids) == 0 {
			return nil
		}
		recs, err := r.run(mediaOfDocuments, r.viewer(map[string]any{"ids": ids}))
		if err != nil {
			return err
		}
		for _, rec := range recs {
			x := recordDecoder(rec)
			doc := x.str("id")
			if err := x.done("media of"); err != nil {
				return err
			}
			v, _ := rec.Get("media")
			m, err := decodeMedia(v)
			if err != nil {
				return err
			}
			out[doc] = append(out[doc], m)
		}
		for _, ms := range out {
			graph.SortMedia(ms)
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
		m, authors, err := w.visibleMedia(id)
		if err != nil {
			return err
		}
		if m == nil {
			return graph.NotFound(id)
		}
		if !w.v.CanDeleteMedia(m, authors) {
			return graph.Errorf(graph.EFORBIDDEN, "only the uploader, the document's authors and curators may delete this media")
		}
		if _, err := w.run(deleteMedia, map[string]any{"id": id}); err != nil {
			return err
		}
		if m.DocumentID != "" {
			k, err := w.kind(m.DocumentID)
			if err != nil {
				return err
			}
			w.record(graph.OpUpdate, k, m.DocumentID, "", "")
		}
		return nil
	})
}
