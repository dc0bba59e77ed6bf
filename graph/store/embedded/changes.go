package embedded

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/encommun/maillage/graph"
)

// Changes implements graph.ChangeStore; graph.ChangePage says who may
// follow the sequence and how much one call reads.
func (s *Store) Changes(ctx context.Context, since uint64, limit int) ([]graph.Change, error) {
	limit, err := graph.ChangePage(viewerOf(ctx), limit)
	if err != nil {
		return nil, err
	}
	var out []graph.Change
	err = s.view(ctx, func(r *reader) error {
		if since == ^uint64(0) {
			return nil
		}
		c := r.tx.Bucket(bChanges).Cursor()
		for k, v := c.Seek(u64(since + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			if len(k) != 8 {
				return fmt.Errorf("change key %q: %w", k, errBadRecord)
			}
			ch, err := decodeChange(binary.BigEndian.Uint64(k), v)
			if err != nil {
				return fmt.Errorf("change %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, ch)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LastSeq implements graph.ChangeStore.
func (s *Store) LastSeq(ctx context.Context) (seq uint64, err error) {
	err = s.view(ctx, func(r *reader) error {
		if b := r.tx.Bucket(bMeta).Get(keySeq); len(b) == 8 {
			seq = binary.BigEndian.Uint64(b)
		}
		return nil
	})
	return seq, err
}

// record appends one entry to the change sequence.
func (w *writer) record(op graph.ChangeOp, kind graph.Kind, id string, rel graph.Relation, other string) error {
	meta := w.tx.Bucket(bMeta)
	var seq uint64
	if b := meta.Get(keySeq); len(b) == 8 {
		seq = binary.BigEndian.Uint64(b)
	}
	seq++
	if err := meta.Put(keySeq, u64(seq)); err != nil {
		return err
	}
	c := graph.Change{Seq: seq, At: w.now, Op: op, Kind: kind, ID: id, Relation: rel, OtherID: other}
	return w.tx.Bucket(bChanges).Put(u64(seq), encodeChange(&c))
}

func (w *writer) recordLink(op graph.ChangeOp, l *graph.Link) error {
	return w.record(op, l.FromKind, l.From, l.Relation, l.To)
}
