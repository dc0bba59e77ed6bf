package embedded

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// Revision implements graph.DocumentStore: one key lookup once the
// document is known to be readable.
func (s *Store) Revision(ctx context.Context, id string, version int) (*graph.Revision, error) {
	var rev *graph.Revision
	err := s.view(ctx, func(r *reader) error {
		if k, err := r.visibleKind(id); err != nil {
			return err
		} else if !k.IsDocument() {
			return graph.NotFound(id)
		}
		if version < 1 {
			return noVersion(id, version)
		}
		v := r.tx.Bucket(bRevisions).Get(revisionKey(id, version))
		if v == nil {
			return noVersion(id, version)
		}
		var err error
		if rev, err = decodeRevision(id, version, v); err != nil {
			return err
		}
		if !r.canReadRevision(id, rev) {
			rev = nil
			return noVersion(id, version)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rev, nil
}

func noVersion(id string, version int) error {
	return graph.Errorf(graph.ENOTFOUND, "document %q has no version %d", id, version)
}
