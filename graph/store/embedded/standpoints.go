package embedded

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/encommun/maillage/graph"
)

// Declarations are personal data: they live in their own bucket, keyed
// contributor\x00dimension\x00value, and only Declarations reads them, with
// the owner check in the same place as the read.

func declKey(contributor, dimension, value string) []byte {
	return []byte(contributor + "\x00" + dimension + "\x00" + value)
}

// DeclareStandpoint implements graph.StandpointStore. Declaring a value
// again changes its visibility; declaring it unchanged writes nothing.
func (s *Store) DeclareStandpoint(ctx context.Context, d graph.Declaration) (*graph.Declaration, error) {
	in := d
	err := s.update(ctx, func(w *writer) error {
		d = in // update may run this again: start each run from the input
		if err := graph.CheckDeclaration(w.v, d); err != nil {
			return err
		}
		if w.kind(d.ContributorID) != graph.KindContributor {
			return graph.NotFound(d.ContributorID)
		}
		key := declKey(d.ContributorID, d.Dimension, d.Value)
		b := w.tx.Bucket(bDecls)
		if v := b.Get(key); v != nil {
			old, err := decodeDeclaration(d.ContributorID, d.Dimension, d.Value, v)
			if err != nil {
				return fmt.Errorf("declaration %q: %w", key, err)
			}
			if old.Visibility == d.Visibility {
				d = old
				return nil
			}
		}
		if d.DeclaredAt.IsZero() {
			d.DeclaredAt = w.now
		}
		d.DeclaredAt = d.DeclaredAt.UTC()
		if err := b.Put(key, encodeDeclaration(&d)); err != nil {
			return err
		}
		return w.record(graph.OpUpdate, graph.KindContributor, d.ContributorID, "", "")
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// WithdrawStandpoint implements graph.StandpointStore. The change entry
// names the contributor only, so the sequence keeps no trace of the value.
func (s *Store) WithdrawStandpoint(ctx context.Context, contributorID, dimension, value string) error {
	return s.update(ctx, func(w *writer) error {
		if err := graph.RequireOwnDeclarations(w.v, contributorID); err != nil {
			return err
		}
		key := declKey(contributorID, dimension, value)
		b := w.tx.Bucket(bDecls)
		if b.Get(key) == nil {
			return graph.Errorf(graph.ENOTFOUND, "standpoint %s:%s is not declared", dimension, value)
		}
		if err := b.Delete(key); err != nil {
			return err
		}
		return w.record(graph.OpUpdate, graph.KindContributor, contributorID, "", "")
	})
}

// Declarations implements graph.StandpointStore. Others' PRIVATE and
// AGGREGATE values never leave this function, whatever the role: only the
// owner and the process itself see them.
func (s *Store) Declarations(ctx context.Context, contributorIDs []string) (map[string][]graph.Declaration, error) {
	out := map[string][]graph.Declaration{}
	err := s.view(ctx, func(r *reader) error {
		for _, id := range contributorIDs {
			if _, done := out[id]; done || id == "" {
				continue
			}
			all := r.v.Role == graph.RoleSystem || r.v.ContributorID == id
			prefix := idPrefix(id)
			c := r.tx.Bucket(bDecls).Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				dim, val, ok := strings.Cut(string(k[len(prefix):]), "\x00")
				if !ok {
					return fmt.Errorf("declaration key %q: %w", k, errBadRecord)
				}
				d, err := decodeDeclaration(id, dim, val, v)
				if err != nil {
					return fmt.Errorf("declaration %q: %w", k, err)
				}
				if all || d.Visibility == graph.DeclPublic {
					out[id] = append(out[id], d)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
