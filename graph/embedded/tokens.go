package embedded

import (
	"context"
	"fmt"

	"github.com/encommun/maillage/graph"
)

// Tokens are not nodes of the graph: they get no change entries, since
// the change sequence feeds the search index and tokens have no place there.

const maxTokenHashLen = 128

// CreateToken implements graph.TokenStore.
func (s *Store) CreateToken(ctx context.Context, t graph.Token) error {
	return s.update(ctx, func(w *writer) error {
		if err := w.requireAdmin(); err != nil {
			return err
		}
		if t.Hash == "" || len(t.Hash) > maxTokenHashLen {
			return graph.Errorf(graph.EINVALID, "a token needs the hash of its secret")
		}
		if _, err := graph.ParseRole(string(t.Role)); err != nil {
			return err
		}
		if t.ContributorID != "" && w.kind(t.ContributorID) != graph.KindContributor {
			return graph.NotFound(t.ContributorID)
		}
		b := w.tx.Bucket(bTokens)
		if b.Get([]byte(t.Hash)) != nil {
			return graph.Errorf(graph.ECONFLICT, "this token already exists")
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = w.now
		}
		t.CreatedAt = t.CreatedAt.UTC()
		return b.Put([]byte(t.Hash), encodeToken(&t))
	})
}

// TokenByHash implements graph.TokenStore. The error does not echo the
// hash, so that failed sign-ins do not spread token identifiers to logs.
func (s *Store) TokenByHash(ctx context.Context, hash string) (t *graph.Token, err error) {
	err = s.view(ctx, func(r *reader) error {
		v := r.tx.Bucket(bTokens).Get([]byte(hash))
		if v == nil || hash == "" {
			return graph.Errorf(graph.ENOTFOUND, "no such token")
		}
		t, err = decodeToken(hash, v)
		if err != nil {
			return fmt.Errorf("token: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// deleteTokensOf removes the tokens that speak for a deleted contributor.
func (w *writer) deleteTokensOf(contributorID string) error {
	b := w.tx.Bucket(bTokens)
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		t, err := decodeToken(string(k), v)
		if err != nil {
			return fmt.Errorf("token: %w", err)
		}
		if t.ContributorID == contributorID {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
