package neo4j

import (
	"context"
	"math"

	"github.com/encommun/maillage/graph"
)

// The change sequence lives in Neo4j (a :Sequence node and :Change nodes,
// see lockSequence), so every API replica in front of one database or
// cluster reads the same numbers in the same order.

// Change pages are bounded so that one call cannot load the whole history.
const (
	defaultChanges = 1000
	maxChanges     = 10_000
)

// Changes implements graph.ChangeStore. The sequence names every
// document, hidden ones included, so only viewers who may read every
// document (curators, admins, the indexer as the system) may follow it.
func (s *Store) Changes(ctx context.Context, since uint64, limit int) ([]graph.Change, error) {
	switch v := viewerOf(ctx); {
	case !v.SignedIn():
		return nil, graph.Errorf(graph.EUNAUTHENTICATED, "sign in to follow the change sequence")
	case !v.SeesEverything():
		return nil, graph.Errorf(graph.EFORBIDDEN, "only curators and admins may follow the change sequence")
	}
	if limit <= 0 {
		limit = defaultChanges
	}
	limit = min(limit, maxChanges)
	var out []graph.Change
	err := s.view(ctx, func(r *reader) error {
		out = nil
		if since >= math.MaxInt64 { // Neo4j integers are signed 64-bit
			return nil
		}
		recs, err := r.run(changesSince, map[string]any{"since": int64(since), "limit": int64(limit)})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			x := recordDecoder(rec)
			c := graph.Change{Seq: uint64(x.int("seq")), At: x.time("at"), Op: graph.ChangeOp(x.str("op")),
				Kind: graph.Kind(x.str("kind")), ID: x.str("id"), Relation: graph.Relation(x.str("relation")),
				OtherID: x.str("otherId")}
			if err := x.done("change"); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LastSeq implements graph.ChangeStore.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	var seq uint64
	err := s.view(ctx, func(r *reader) error {
		rec, err := r.runSingle(lastSeq, map[string]any{"sequence": sequenceName}, "lastSeq")
		if err != nil {
			return err
		}
		x := recordDecoder(rec)
		seq = uint64(x.int("value"))
		return x.done("sequence")
	})
	if err != nil {
		return 0, err
	}
	return seq, nil
}
