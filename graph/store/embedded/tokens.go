package embedded

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/encommun/maillage/graph"
)

// Tokens are not nodes of the graph: they get no change entries, since
// the change sequence feeds the search index and tokens have no place there.
// They are keyed by hash, so a token's id (a prefix of its hash) is found
// with one seek, and tokens written before ids existed have one.

const maxTokenHashLen = 128

// CreateToken implements graph.TokenStore.
func (s *Store) CreateToken(ctx context.Context, t graph.Token) error {
	in := t
	return s.update(ctx, func(w *writer) error {
		t = in // update may run this again: start each run from the input
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
		if t.ContributorID != "" && w.kind(t.ContributorID) != graph.KindContributor {
			return graph.NotFound(t.ContributorID)
		}
		b := w.tx.Bucket(bTokens)
		if b.Get([]byte(t.Hash)) != nil {
			return graph.Errorf(graph.ECONFLICT, "this token already exists")
		}
		if hash, _ := tokenWithID(b.Cursor().Seek, graph.TokenID(t.Hash)); hash != nil {
			return graph.Errorf(graph.ECONFLICT, "another token has the id %s: make a new secret", graph.TokenID(t.Hash))
		}
		return b.Put([]byte(t.Hash), encodeToken(&t))
	})
}

// tokenWithID returns the key and value of the token whose id is id, or
// nils. Keys that start with id have that id, when it is whole.
func tokenWithID(seek func([]byte) ([]byte, []byte), id string) (k, v []byte) {
	k, v = seek([]byte(id))
	if k == nil || !bytes.HasPrefix(k, []byte(id)) || graph.TokenID(string(k)) != id {
		return nil, nil
	}
	return k, v
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
	return graph.Unexpired(t, s.now())
}

// Tokens implements graph.TokenStore. Tokens are few (one per person or
// program at most), so a page sorts them all.
func (s *Store) Tokens(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Token], error) {
	if err := graph.CheckTokenPage(p); err != nil {
		return nil, err
	}
	var all []*graph.Token
	err := s.view(ctx, func(r *reader) error {
		if err := graph.RequireTokenAdmin(r.v); err != nil {
			return err
		}
		return r.tx.Bucket(bTokens).ForEach(func(k, v []byte) error {
			t, err := decodeToken(string(k), v)
			if err != nil {
				return fmt.Errorf("token: %w", err)
			}
			t.Hash = ""
			all = append(all, t)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return graph.Paginate(all, graph.TokenCursor, false, p)
}

// RevokeToken implements graph.TokenStore.
func (s *Store) RevokeToken(ctx context.Context, id string) (t *graph.Token, err error) {
	if err := graph.ValidTokenID(id); err != nil {
		return nil, err
	}
	err = s.update(ctx, func(w *writer) error {
		if err := graph.RequireTokenAdmin(w.v); err != nil {
			return err
		}
		b := w.tx.Bucket(bTokens)
		k, v := tokenWithID(b.Cursor().Seek, id)
		if k == nil {
			return graph.Errorf(graph.ENOTFOUND, "no token with id %s", id)
		}
		t, err = decodeToken(string(k), v)
		if err != nil {
			return fmt.Errorf("token: %w", err)
		}
		t.Hash = ""
		w.tokensGone = true
		return b.Delete(k)
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
		w.tokensGone = true
	}
	return nil
}

var _ graph.TokenWatcher = (*Store)(nil)

// TokenRevision implements graph.TokenWatcher.
func (s *Store) TokenRevision() uint64 { return s.tokenRev.Load() }

// A token record is its role, contributor and creation time, then, since
// expiry and labels, its expiry and label. Records of the first shape
// stop after the creation time and still decode: no expiry, no label.
func encodeToken(t *graph.Token) []byte {
	e := newEnc()
	e.str(string(t.Role))
	e.str(t.ContributorID)
	e.time(t.CreatedAt)
	var exp *time.Time
	if !t.ExpiresAt.IsZero() {
		exp = &t.ExpiresAt
	}
	e.optTime(exp)
	e.str(t.Label)
	return e.b
}

func decodeToken(hash string, b []byte) (*graph.Token, error) {
	x := newDec(b)
	t := &graph.Token{ID: graph.TokenID(hash), Hash: hash, Role: graph.Role(x.str()), ContributorID: x.str()}
	t.CreatedAt = x.time()
	if x.err == nil && len(x.b) > 0 {
		if exp := x.optTime(); exp != nil {
			t.ExpiresAt = exp.UTC()
		}
		t.Label = x.str()
	}
	return t, x.done()
}
