package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// Revision implements graph.DocumentStore.
func (s *Store) Revision(ctx context.Context, id string, version int) (*graph.Revision, error) {
	var rev *graph.Revision
	err := s.view(ctx, func(r *reader) error {
		rev = nil
		recs, err := r.run(revisionAt, r.viewer(map[string]any{"id": id, "version": int64(version)}))
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return graph.NotFound(id)
		}
		v, _ := recs[0].Get("rev")
		if v == nil {
			return graph.Errorf(graph.ENOTFOUND, "document %q has no version %d", id, version)
		}
		rev, err = decodeRevision(v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rev, nil
}
