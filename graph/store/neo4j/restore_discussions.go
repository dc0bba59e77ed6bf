package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// What a dump carries beside the graph's nodes: media records and
// discussions, read whole (ScanMedia, Discussions) and restored.

// ScanMedia implements graph.MediaStore.
func (s *Store) ScanMedia(ctx context.Context, after string, limit int) ([]*graph.Media, error) {
	if limit <= 0 {
		return nil, graph.Errorf(graph.EINVALID, "limit must be positive")
	}
	var out []*graph.Media
	err := s.view(ctx, func(r *reader) error {
		out = nil
		recs, err := r.run(scanMedia, r.viewer(map[string]any{"after": after, "limit": int64(limit)}))
		if err != nil {
			return err
		}
		for _, rec := range recs {
			v, _ := rec.Get("media")
			m, err := decodeMedia(v)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Discussions implements graph.DiscussionStore.
func (s *Store) Discussions(ctx context.Context, documentIDs []string) (map[string]*graph.Discussion, error) {
	var out map[string]*graph.Discussion
	err := s.view(ctx, func(r *reader) error {
		out = map[string]*graph.Discussion{}
		ids := uniq(documentIDs)
		if len(ids) == 0 {
			return nil
		}
		recs, err := r.run(discussionsOf, r.viewer(map[string]any{"ids": ids}))
		if err != nil {
			return err
		}
		for _, rec := range recs {
			x := recordDecoder(rec)
			doc := x.str("id")
			if err := x.done("discussion of"); err != nil {
				return err
			}
			v, _ := rec.Get("comment")
			c, err := decodeComment(v)
			if err != nil {
				return err
			}
			if !r.v.CanReadComment(c) {
				continue
			}
			d := out[doc]
			if d == nil {
				d = &graph.Discussion{}
				out[doc] = d
			}
			d.Comments = append(d.Comments, c)
			revs, _ := rec.Get("revisions")
			list, _ := revs.([]any)
			for _, v := range list {
				rev, err := decodeCommentRevision(v)
				if err != nil {
					return err
				}
				d.Revisions = append(d.Revisions, rev)
			}
		}
		for _, d := range out {
			graph.SortDiscussion(d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// discussionRows turns a prepared part's media, comments and comment
// revisions into restore rows. A document that gets media is announced
// once by an UPDATE, as CreateMedia announces it (its searchable text is
// its media's too); comments append no change, as in the embedded store.
// kinds holds the kind of every document restored so far, this part's
// included.
func discussionRows(snap *graph.Snapshot, announced map[string]bool, kinds map[string]graph.Kind) ([]restoreRow, error) {
	var rows []restoreRow
	for i := range snap.Media {
		m := &snap.Media[i]
		p, err := mediaProps(m)
		if err != nil {
			return nil, err
		}
		var change func(w *writer)
		if m.DocumentID != "" && !announced[m.DocumentID] {
			announced[m.DocumentID] = true
			kind := kinds[m.DocumentID]
			change = func(w *writer) { w.record(graph.OpUpdate, kind, m.DocumentID, "", "") }
		}
		size := len(m.Description) + len(m.Alt) + len(m.Text)
		for _, c := range m.Cues {
			size += len(c.Text)
		}
		rows = append(rows, restoreRow{restoreMedia, p, size, change})
	}
	for i := range snap.Comments {
		c := &snap.Comments[i]
		rows = append(rows, restoreRow{restoreComments, commentProps(c), len(c.Body), nil})
	}
	for i := range snap.CommentRevisions {
		r := &snap.CommentRevisions[i]
		rows = append(rows, restoreRow{restoreCommentRevisions, commentRevisionProps(r), len(r.Body), nil})
	}
	return rows, nil
}

// withDiscussionRows puts a part's media and discussion rows after its
// nodes and before its flags, which may name a comment.
func withDiscussionRows(rows, more []restoreRow) []restoreRow {
	at := len(rows)
	for at > 0 && rows[at-1].cypher == restoreFlags {
		at--
	}
	return append(rows[:at:at], append(more, rows[at:]...)...)
}
