package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// Tokens are :Token nodes holding the hash of the secret, never the
// secret. They get no change entries: the change sequence feeds the search
// index, and tokens have no place there.

const maxTokenHashLen = 128

// CreateToken implements graph.TokenStore.
func (s *Store) CreateToken(ctx context.Context, in graph.Token) error {
	return s.update(ctx, func(w *writer) error {
		t := in
		if err := w.requireAdmin(); err != nil {
			return err
		}
		if t.Hash == "" || len(t.Hash) > maxTokenHashLen {
			return graph.Errorf(graph.EINVALID, "a token needs the hash of its secret")
		}
		if _, err := graph.ParseRole(string(t.Role)); err != nil {
			return err
		}
		if t.ContributorID != "" {
			k, err := w.kind(t.ContributorID)
			if err != nil {
				return err
			}
			if k != graph.KindContributor {
				return graph.NotFound(t.ContributorID)
			}
		}
		recs, err := w.run(tokenByHash, map[string]any{"hash": t.Hash})
		if err != nil {
			return err
		}
		if len(recs) > 0 {
			return graph.Errorf(graph.ECONFLICT, "this token already exists")
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = w.now
		}
		t.CreatedAt = t.CreatedAt.UTC()
		_, err = w.run(createToken, map[string]any{"props": map[string]any{
			"hash": t.Hash, "role": string(t.Role), "contributorId": t.ContributorID, "createdAt": t.CreatedAt,
		}})
		return err
	})
}

// TokenByHash implements graph.TokenStore. The message does not echo the
// hash: it is as good as a credential in logs.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*graph.Token, error) {
	var t *graph.Token
	err := s.view(ctx, func(r *reader) error {
		if hash == "" {
			return graph.Errorf(graph.ENOTFOUND, "no such token")
		}
		recs, err := r.run(tokenByHash, map[string]any{"hash": hash})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return graph.Errorf(graph.ENOTFOUND, "no such token")
		}
		x := recordDecoder(recs[0])
		t = &graph.Token{Hash: hash, Role: graph.Role(x.str("role")), ContributorID: x.str("contributorId"),
			CreatedAt: x.time("createdAt")}
		return x.done("token")
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
