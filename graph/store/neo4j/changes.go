package neo4j

import (
	"context"
	"math"

	"github.com/encommun/maillage/graph"
)

// The change sequence lives in Neo4j (a :Sequence node and :Change nodes,
// see lockSequence), so every API replica in front of one database or
// cluster reads the same numbers in the same order.

// Changes implements graph.ChangeStore; graph.ChangePage says who may
// follow the sequence and how much one call reads.
func (s *Store) Changes(ctx context.Context, since uint64, limit int) ([]graph.Change, error) {
	limit, err := graph.ChangePage(viewerOf(ctx), limit)
	if err != nil {
		return nil, err
	}
	var out []graph.Change
	err = s.view(ctx, func(r *reader) error {
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
