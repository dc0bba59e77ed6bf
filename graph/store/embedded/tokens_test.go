package embedded

import (
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/encommun/maillage/graph"
)

// encodeTokenV1 is the token record as written before tokens had an
// expiry and a label: role, contributor, creation time.
func encodeTokenV1(role graph.Role, contributor string, created time.Time) []byte {
	e := newEnc()
	e.str(string(role))
	e.str(contributor)
	e.time(created)
	return e.b
}

// Tokens written before expiry and labels existed keep working after an
// upgrade, never expire, have an id, are listed and can be revoked.
func TestTokensOfEarlierVersionsStillWork(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	ok(t, err)
	mkContributor(t, s, "ana")
	_, hash := graph.NewTokenSecret()
	_, other := graph.NewTokenSecret()
	created := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	ok(t, s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bTokens)
		if err := b.Put([]byte(hash), encodeTokenV1(graph.RoleContributor, "ana", created)); err != nil {
			return err
		}
		return b.Put([]byte(other), encodeTokenV1(graph.RoleAdmin, "", created.Add(time.Hour)))
	}))
	ok(t, s.Close())

	s, err = Open(dir, Options{})
	ok(t, err)
	defer s.Close()
	// Far in the future, an old token still works: it has no expiry.
	s.now = func() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }
	tok := must(s.TokenByHash(anon, hash))
	if tok.ID != hash[:graph.TokenIDLen] || tok.Role != graph.RoleContributor || tok.ContributorID != "ana" ||
		!tok.CreatedAt.Equal(created) || !tok.ExpiresAt.IsZero() || tok.Label != "" {
		t.Errorf("an old token reads as %+v", *tok)
	}
	conn := must(s.Tokens(sys, graph.Page{}))
	if conn.TotalCount != 2 || conn.Edges[0].Node.ID != tok.ID || conn.Edges[0].Node.Hash != "" {
		t.Fatalf("Tokens lists %+v, want the two old tokens, oldest first, without hashes", conn.Edges)
	}
	// An old record next to new ones: a new token that expires.
	_, fresh := graph.NewTokenSecret()
	ok(t, s.CreateToken(sys, graph.Token{Hash: fresh, Role: graph.RoleResearcher, ExpiresAt: time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC), Label: "panel"}))
	if got := must(s.TokenByHash(anon, fresh)); got.Label != "panel" || got.ExpiresAt.Year() != 2101 {
		t.Errorf("a new token next to old ones reads as %+v", *got)
	}
	must(s.RevokeToken(sys, tok.ID))
	_, err = s.TokenByHash(anon, hash)
	wantCode(t, err, graph.ENOTFOUND, "an old token after its revocation")
	must(s.TokenByHash(anon, other))
}

// A token record cut short or with bytes past its label is damage, not an
// old format.
func TestTokenRecordDamage(t *testing.T) {
	t.Parallel()
	full := encodeToken(&graph.Token{Role: graph.RoleAdmin, CreatedAt: time.Unix(1, 0), ExpiresAt: time.Unix(2, 0), Label: "x"})
	if _, err := decodeToken("h", full); err != nil {
		t.Fatalf("a whole record: %v", err)
	}
	v1 := encodeTokenV1(graph.RoleAdmin, "", time.Unix(1, 0))
	for _, bad := range [][]byte{full[:len(full)-1], append(append([]byte(nil), full...), 0), append(append([]byte(nil), v1...), 1)} {
		if _, err := decodeToken("h", bad); err == nil {
			t.Errorf("the damaged record %x decodes", bad)
		}
	}
}

// The token revision moves with every write that takes tokens away, and
// only with those.
func TestTokenRevisionFollowsRevocations(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	mkContributor(t, s, "bea")
	token := func(contributor string) string {
		_, hash := graph.NewTokenSecret()
		ok(t, s.CreateToken(sys, graph.Token{Hash: hash, Role: graph.RoleContributor, ContributorID: contributor, CreatedAt: time.Now()}))
		return graph.TokenID(hash)
	}
	ana, _ := token("ana"), token("bea")
	rev := s.TokenRevision()
	mkNote(t, s, "n1", graph.VisibilityPublic, "ana")
	token("ana")
	if s.TokenRevision() != rev {
		t.Fatal("a note and a new token moved the token revision")
	}
	if _, err := s.RevokeToken(sys, "000000000000"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("revoking an unknown token: %v", err)
	}
	if s.TokenRevision() != rev {
		t.Fatal("a refused revocation moved the token revision")
	}
	must(s.RevokeToken(sys, ana))
	if s.TokenRevision() == rev {
		t.Fatal("a revocation left the token revision where it was")
	}
	rev = s.TokenRevision()
	bea := must(s.Contributor(sys, "bea"))
	ok(t, s.DeleteContributor(sys, "bea", bea.Version))
	if s.TokenRevision() == rev {
		t.Fatal("deleting a contributor with a token left the token revision where it was")
	}
}
