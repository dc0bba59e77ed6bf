package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// Moderation: graph's rules (graph/moderation_tx.go) over these records.

func (r *reader) flags(documentID string, status graph.FlagStatus) ([]*graph.Flag, error) {
	recs, err := r.run(flagsOf, map[string]any{"documentId": documentID, "status": string(status)})
	if err != nil {
		return nil, err
	}
	out := make([]*graph.Flag, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get("flag")
		f, err := decodeFlag(v)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// moderation gives graph's moderation rules the records of one write
// transaction.
type moderation struct{ w *writer }

func (m moderation) VisibleKind(id string) (graph.Kind, error) { return m.w.visibleKind(id) }
func (m moderation) OpenFlags(docID string) ([]*graph.Flag, error) {
	return m.w.flags(docID, graph.FlagOpen)
}

func (m moderation) CreateFlag(f *graph.Flag) error {
	f.ID = graph.NewID()
	_, err := m.w.run(createFlag, map[string]any{"props": map[string]any(flagProps(f))})
	return err
}

func (m moderation) StoredFlag(id string) (*graph.Flag, error) {
	recs, err := m.w.run(flagByID, map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	v, _ := recs[0].Get("flag")
	return decodeFlag(v)
}

func (m moderation) UpdateFlag(f *graph.Flag) error {
	_, err := m.w.run(updateFlag, map[string]any{"id": f.ID, "props": map[string]any(flagProps(f))})
	return err
}

func (m moderation) StoredDocument(id string) (*graph.Document, error) {
	docs, err := m.w.visibleDocuments([]string{id}) // the viewer is a curator: every document
	if err != nil {
		return nil, err
	}
	return docs[id], nil
}

func (m moderation) SetDocumentHidden(d *graph.Document, hidden bool) error {
	if _, err := m.w.run(setHidden, map[string]any{"id": d.ID, "hidden": hidden}); err != nil {
		return err
	}
	d.Hidden = hidden
	return nil
}

func (m moderation) SetCommentHidden(id string, hidden bool) error {
	_, err := m.w.run(setCommentHidden, map[string]any{"id": id, "hidden": hidden})
	return err
}

func (m moderation) RecordChange(op graph.ChangeOp, kind graph.Kind, id, other string) error {
	m.w.record(op, kind, id, "", other)
	return nil
}

// FlagDocument implements graph.ModerationStore.
func (s *Store) FlagDocument(ctx context.Context, documentID, reason string) (out *graph.Flag, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.FlagDocument(moderation{w}, w.v, w.now, documentID, reason)
		return err
	})
	return onlyIfOK(out, err)
}

// Flags implements graph.ModerationStore.
func (s *Store) Flags(ctx context.Context, f graph.FlagFilter, p graph.Page) (*graph.Connection[*graph.Flag], error) {
	if err := graph.CheckFlagQueue(viewerOf(ctx), f); err != nil {
		return nil, err
	}
	var flags []*graph.Flag
	err := s.view(ctx, func(r *reader) (err error) {
		flags, err = r.flags(f.DocumentID, f.Status)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.Paginate(flags, (*graph.Flag).Cursor, true, p)
}

// ResolveFlag implements graph.ModerationStore.
func (s *Store) ResolveFlag(ctx context.Context, flagID string, decision graph.FlagDecision, note string) (out *graph.Flag, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.ResolveFlag(moderation{w}, w.v, w.now, flagID, decision, note)
		return err
	})
	return onlyIfOK(out, err)
}

// SetHidden implements graph.ModerationStore.
func (s *Store) SetHidden(ctx context.Context, documentID string, hidden bool) (out *graph.Document, err error) {
	err = s.update(ctx, func(w *writer) (err error) {
		out, err = graph.SetHidden(moderation{w}, w.v, documentID, hidden)
		return err
	})
	return onlyIfOK(out, err)
}
