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
		if err := graph.RequireAdminWriter(w.v); err != nil {
			return err
		}
		if t.Hash == "" || len(t.Hash) > maxTokenHashLen {
			return graph.Errorf(graph.EINVALID, "a token needs the hash of its secret")
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = w.now
		}
		t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
		if err := t.ValidateNew(); err != nil {
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
		id := graph.TokenID(t.Hash)
		recs, err := w.run(tokenHashesFrom, map[string]any{"id": id})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			x := recordDecoder(rec)
			other := x.str("hash")
			if err := x.done("token"); err != nil {
				return err
			}
			if other == t.Hash {
				return graph.Errorf(graph.ECONFLICT, "this token already exists")
			}
			if graph.TokenID(other) == id {
				return graph.Errorf(graph.ECONFLICT, "another token has the id %s: make a new secret", id)
			}
		}
		p := map[string]any{"hash": t.Hash, "role": string(t.Role), "contributorId": t.ContributorID, "createdAt": t.CreatedAt}
		// Absent, not null, for a token that never expires or has no
		// label: the shape of tokens made before either existed.
		if !t.ExpiresAt.IsZero() {
			p["expiresAt"] = t.ExpiresAt
		}
		if t.Label != "" {
			p["label"] = t.Label
		}
		_, err = w.run(createToken, map[string]any{"props": p})
		return err
	})
}

// decodeTokenRecord reads what the token statements return, but the id
// and hash.
func decodeTokenRecord(x *decoder, t *graph.Token) error {
	t.Role, t.ContributorID = graph.Role(x.str("role")), x.str("contributorId")
	t.CreatedAt, t.ExpiresAt, t.Label = x.time("createdAt"), x.time("expiresAt"), x.str("label")
	return x.done("token")
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
		t = &graph.Token{ID: graph.TokenID(hash), Hash: hash}
		return decodeTokenRecord(recordDecoder(recs[0]), t)
	})
	if err != nil {
		return nil, err
	}
	return graph.Unexpired(t, s.now())
}

// Tokens implements graph.TokenStore.
func (s *Store) Tokens(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Token], error) {
	if err := graph.CheckTokenPage(p); err != nil {
		return nil, err
	}
	var all []*graph.Token
	err := s.view(ctx, func(r *reader) error {
		if err := graph.RequireTokenAdmin(r.v); err != nil {
			return err
		}
		recs, err := r.run(listTokens, map[string]any{"idLen": int64(graph.TokenIDLen)})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			x := recordDecoder(rec)
			t := &graph.Token{ID: x.str("id")}
			if err := decodeTokenRecord(x, t); err != nil {
				return err
			}
			all = append(all, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return graph.Paginate(all, graph.TokenCursor, false, p)
}

// RevokeToken implements graph.TokenStore.
func (s *Store) RevokeToken(ctx context.Context, id string) (*graph.Token, error) {
	if err := graph.ValidTokenID(id); err != nil {
		return nil, err
	}
	var t *graph.Token
	err := s.update(ctx, func(w *writer) error {
		if err := graph.RequireTokenAdmin(w.v); err != nil {
			return err
		}
		recs, err := w.run(revokeToken, map[string]any{"id": id, "idLen": int64(graph.TokenIDLen)})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return graph.Errorf(graph.ENOTFOUND, "no token with id %s", id)
		}
		t = &graph.Token{ID: id}
		return decodeTokenRecord(recordDecoder(recs[0]), t)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
