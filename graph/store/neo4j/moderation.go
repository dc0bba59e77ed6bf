package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// The moderation methods mirror the embedded store's, check for check and
// in the same order, so that both give the same error for the same input.

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

// FlagDocument implements graph.ModerationStore.
func (s *Store) FlagDocument(ctx context.Context, documentID, reason string) (*graph.Flag, error) {
	var out *graph.Flag
	err := s.update(ctx, func(w *writer) error {
		out = nil
		if err := graph.RequireFlagger(w.v); err != nil {
			return err
		}
		if err := graph.CheckFlagReason(reason); err != nil {
			return err
		}
		kind, err := w.visibleKind(documentID)
		if err != nil {
			return err
		}
		if !kind.IsDocument() {
			return graph.NotFound(documentID)
		}
		open, err := w.flags(documentID, graph.FlagOpen)
		if err != nil {
			return err
		}
		if err := graph.CheckNewFlag(open, w.v.ContributorID, "", documentID); err != nil {
			return err
		}
		f := &graph.Flag{ID: graph.NewID(), DocumentID: documentID, DocumentKind: kind, FlaggerID: w.v.ContributorID,
			Reason: reason, Status: graph.FlagOpen, CreatedAt: w.now}
		if _, err := w.run(createFlag, map[string]any{"props": map[string]any(flagProps(f))}); err != nil {
			return err
		}
		w.record(graph.OpUpdate, kind, documentID, "", "")
		out = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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
func (s *Store) ResolveFlag(ctx context.Context, flagID string, decision graph.FlagDecision, note string) (*graph.Flag, error) {
	var out *graph.Flag
	err := s.update(ctx, func(w *writer) error {
		out = nil
		if err := graph.RequireCurator(w.v); err != nil {
			return err
		}
		if err := graph.CheckResolution(decision, note); err != nil {
			return err
		}
		recs, err := w.run(flagByID, map[string]any{"id": flagID})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return graph.Errorf(graph.ENOTFOUND, "no flag with id %q", flagID)
		}
		v, _ := recs[0].Get("flag")
		f, err := decodeFlag(v)
		if err != nil {
			return err
		}
		if f.Status != graph.FlagOpen {
			return graph.Errorf(graph.ECONFLICT, "flag %q is already resolved", flagID)
		}
		at := w.now
		f.Status, f.Decision, f.Note, f.ResolverID, f.ResolvedAt = graph.FlagResolved, decision, note, w.v.ContributorID, &at
		if _, err := w.run(updateFlag, map[string]any{"id": f.ID, "props": map[string]any(flagProps(f))}); err != nil {
			return err
		}
		if f.CommentID != "" {
			if _, err := w.run(setCommentHidden, map[string]any{"id": f.CommentID, "hidden": decision == graph.DecisionHide}); err != nil {
				return err
			}
			w.record(graph.OpComment, f.DocumentKind, f.DocumentID, "", f.CommentID)
			out = f
			return nil
		}
		if _, err := w.run(setHidden, map[string]any{"id": f.DocumentID, "hidden": decision == graph.DecisionHide}); err != nil {
			return err
		}
		w.record(graph.OpUpdate, f.DocumentKind, f.DocumentID, "", "")
		out = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetHidden implements graph.ModerationStore.
func (s *Store) SetHidden(ctx context.Context, documentID string, hidden bool) (*graph.Document, error) {
	var out *graph.Document
	err := s.update(ctx, func(w *writer) error {
		out = nil
		if err := graph.RequireCurator(w.v); err != nil {
			return err
		}
		docs, err := w.visibleDocuments([]string{documentID}) // curators read every document
		if err != nil {
			return err
		}
		d := docs[documentID]
		if d == nil {
			return graph.NotFound(documentID)
		}
		out = d
		if d.Hidden == hidden {
			return nil
		}
		if _, err := w.run(setHidden, map[string]any{"id": documentID, "hidden": hidden}); err != nil {
			return err
		}
		d.Hidden = hidden
		w.record(graph.OpUpdate, d.Kind, d.ID, "", "")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
