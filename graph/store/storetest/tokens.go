package storetest

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

func testTokens(t *testing.T, newStore factory) {
	t.Run("RoundTrip", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("a")
		created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		var hashes []string
		for _, tok := range []graph.Token{
			{Role: graph.RoleCurator, CreatedAt: created},
			{Role: graph.RoleContributor, ContributorID: "a", CreatedAt: created},
		} {
			secret, hash := graph.NewTokenSecret()
			if graph.HashToken(secret) != hash {
				t.Fatal("suite bug: HashToken disagrees with NewTokenSecret")
			}
			tok.Hash = hash
			f.must(f.s.CreateToken(f.sys(), tok), "CreateToken(%s)", tok.Role)
			got, err := f.s.TokenByHash(f.anon(), graph.HashToken(secret))
			f.must(err, "TokenByHash")
			if got.Hash != tok.Hash || got.Role != tok.Role || got.ContributorID != tok.ContributorID || !got.CreatedAt.Equal(tok.CreatedAt) {
				t.Errorf("TokenByHash = %+v, want %+v", *got, tok)
			}
			hashes = append(hashes, hash)
		}
		if a, err := f.s.TokenByHash(f.anon(), hashes[0]); err == nil && a.Role != graph.RoleCurator {
			t.Errorf("the first token changed: %+v", *a)
		}
		_, err := f.s.TokenByHash(f.anon(), graph.HashToken("mlg_inconnu"))
		wantCode(t, err, graph.ENOTFOUND, "TokenByHash of an unknown secret")
		_, err = f.s.TokenByHash(f.anon(), "")
		wantCode(t, err, graph.ENOTFOUND, "TokenByHash of an empty hash")
	})

	t.Run("AdminsAndSystemOnly", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("a")
		for _, v := range []graph.Viewer{contributorViewer("a"), curator, researcher} {
			_, hash := graph.NewTokenSecret()
			err := f.s.CreateToken(f.as(v), graph.Token{Hash: hash, Role: graph.RoleAdmin, CreatedAt: time.Now()})
			wantCode(t, err, graph.EFORBIDDEN, "%s creates a token", v.Role)
			_, err = f.s.TokenByHash(f.anon(), hash)
			wantCode(t, err, graph.ENOTFOUND, "a refused token is not stored")
		}
		_, hash := graph.NewTokenSecret()
		err := f.s.CreateToken(f.anon(), graph.Token{Hash: hash, Role: graph.RoleAdmin, CreatedAt: time.Now()})
		wantCodeIn(t, err, []string{graph.EUNAUTHENTICATED, graph.EFORBIDDEN}, "anonymous creates a token")
		_, hash = graph.NewTokenSecret()
		f.must(f.s.CreateToken(f.as(admin), graph.Token{Hash: hash, Role: graph.RoleResearcher, CreatedAt: time.Now()}), "an admin creates a token")
		got, err := f.s.TokenByHash(f.anon(), hash)
		f.must(err, "TokenByHash")
		if got.Role != graph.RoleResearcher {
			t.Errorf("token role %s, want RESEARCHER", got.Role)
		}
	})

	t.Run("ExpiryAndLabel", func(t *testing.T) { testTokenExpiry(t, newStore) })
	t.Run("ListAndRevoke", func(t *testing.T) { testTokenListRevoke(t, newStore) })
	t.Run("ListAndRevokeAdminsOnly", func(t *testing.T) { testTokenAdminsOnly(t, newStore) })
}

// newToken stores a token as the system and returns its secret and hash.
func (f *fixture) newToken(tok graph.Token) (secret, hash string) {
	f.t.Helper()
	secret, hash = graph.NewTokenSecret()
	tok.Hash = hash
	f.must(f.s.CreateToken(f.sys(), tok), "CreateToken(%s %q)", tok.Role, tok.Label)
	return secret, hash
}

// allTokens lists every token as viewer ctx, two at a time.
func (f *fixture) allTokens() ([]*graph.Token, int) {
	f.t.Helper()
	return pageAll(f.t, 2, func(p graph.Page) (*graph.Connection[*graph.Token], error) {
		return f.s.Tokens(f.as(admin), p)
	}, "Tokens")
}

func testTokenExpiry(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	created := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	later := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	label := "Tableau de bord de l'atelier — éducation populaire"
	secret, hash := f.newToken(graph.Token{Role: graph.RoleResearcher, CreatedAt: created, ExpiresAt: later, Label: label})
	got, err := f.s.TokenByHash(f.anon(), graph.HashToken(secret))
	f.must(err, "TokenByHash of a token that expires tomorrow")
	if got.ID != graph.TokenID(hash) || !got.ExpiresAt.Equal(later) || got.Label != label || !got.CreatedAt.Equal(created) {
		t.Errorf("TokenByHash = %+v, want id %s, expiry %s, label %q", *got, graph.TokenID(hash), later, label)
	}

	// Expired yesterday, or a year ago: refused, saying so.
	for _, exp := range []time.Time{time.Now().Add(-24 * time.Hour), created.Add(time.Hour)} {
		_, gone := f.newToken(graph.Token{Role: graph.RoleAdmin, CreatedAt: created, ExpiresAt: exp})
		_, err = f.s.TokenByHash(f.anon(), gone)
		if wantCode(t, err, graph.EUNAUTHENTICATED, "TokenByHash of a token expired at %s", exp) &&
			!strings.Contains(graph.ErrorMessage(err), "expired") {
			t.Errorf("an expired token's error says %q, not that it expired", graph.ErrorMessage(err))
		}
		if err != nil && strings.Contains(err.Error(), gone) {
			t.Errorf("the error echoes the hash: %v", err)
		}
	}
	// Still listed, so that an admin sees what to clean up.
	if _, total := f.allTokens(); total != 3 {
		t.Errorf("Tokens lists %d tokens, want 3 (expired ones included)", total)
	}

	for _, bad := range []struct {
		what string
		tok  graph.Token
	}{
		{"expires before it is created", graph.Token{Role: graph.RoleAdmin, CreatedAt: created, ExpiresAt: created.Add(-time.Second)}},
		{"expires as it is created", graph.Token{Role: graph.RoleAdmin, CreatedAt: created, ExpiresAt: created}},
		{"a label too long", graph.Token{Role: graph.RoleAdmin, Label: strings.Repeat("é", graph.MaxTokenLabel+1)}},
		{"a label on two lines", graph.Token{Role: graph.RoleAdmin, Label: "tableau\nde bord"}},
		{"a label with an escape sequence", graph.Token{Role: graph.RoleAdmin, Label: "\x1b[2Jeffacé"}},
		{"a label that is not UTF-8", graph.Token{Role: graph.RoleAdmin, Label: "caf\xe9"}},
	} {
		_, h := graph.NewTokenSecret()
		bad.tok.Hash = h
		wantCode(t, f.s.CreateToken(f.sys(), bad.tok), graph.EINVALID, "a token that %s", bad.what)
		_, err := f.s.TokenByHash(f.anon(), h)
		wantCode(t, err, graph.ENOTFOUND, "a refused token (%s) is not stored", bad.what)
	}
	// A label of exactly the maximum is fine.
	f.newToken(graph.Token{Role: graph.RoleAdmin, Label: strings.Repeat("é", graph.MaxTokenLabel)})
	if _, total := f.allTokens(); total != 4 {
		t.Errorf("Tokens lists %d tokens, want 4", total)
	}
}

func testTokenListRevoke(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	f.contributor("a")
	base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	type made struct {
		secret, hash string
		tok          graph.Token
	}
	var toks []made
	// Created out of order, two at the same instant: listed oldest first,
	// ties by id.
	for i, off := range []int{3, 0, 4, 1, 1} {
		tok := graph.Token{Role: graph.RoleCurator, CreatedAt: base.Add(time.Duration(off) * time.Hour), Label: fmt.Sprintf("jeton %d", i)}
		if i == 1 {
			tok.Role, tok.ContributorID = graph.RoleContributor, "a"
			tok.ExpiresAt = base.Add(1000 * 24 * time.Hour)
		}
		secret, hash := f.newToken(tok)
		tok.ID = graph.TokenID(hash)
		toks = append(toks, made{secret, hash, tok})
	}
	want := func(ms []made) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.tok.ID)
		}
		return out
	}
	byAge := []made{toks[1], toks[3], toks[4], toks[0], toks[2]}
	if byAge[1].tok.ID > byAge[2].tok.ID {
		byAge[1], byAge[2] = byAge[2], byAge[1]
	}
	listed, total := f.allTokens()
	if total != 5 {
		t.Fatalf("Tokens TotalCount %d, want 5", total)
	}
	var ids []string
	for i, got := range listed {
		ids = append(ids, got.ID)
		if got.Hash != "" {
			t.Errorf("Tokens returns a hash: %+v", *got)
		}
		if i < len(byAge) {
			w := byAge[i].tok
			if got.ID != w.ID || got.Role != w.Role || got.ContributorID != w.ContributorID || !got.CreatedAt.Equal(w.CreatedAt) ||
				!got.ExpiresAt.Equal(w.ExpiresAt) || got.Label != w.Label {
				t.Errorf("Tokens item %d = %+v, want %+v", i, *got, w)
			}
		}
	}
	sameOrder(t, ids, want(byAge), "Tokens, oldest first")
	// Nothing in a page (items, cursors) gives away more of a hash than
	// its id.
	page, err := f.s.Tokens(f.as(admin), graph.Page{First: 5})
	f.must(err, "Tokens")
	var shown strings.Builder
	for _, e := range page.Edges {
		c, _ := base64.RawURLEncoding.DecodeString(e.Cursor)
		fmt.Fprintf(&shown, "%+v %s %s\n", *e.Node, e.Cursor, c)
	}
	fmt.Fprintf(&shown, "%+v", page.PageInfo)
	for _, m := range toks {
		if strings.Contains(shown.String(), m.hash[:graph.TokenIDLen+1]) {
			t.Errorf("a page of tokens shows more than the id of %s:\n%s", m.tok.ID, shown.String())
		}
	}

	// Revoke the contributor's token: gone by its secret, gone from the list.
	victim := toks[1]
	got, err := f.s.RevokeToken(f.as(admin), victim.tok.ID)
	f.must(err, "RevokeToken")
	if got.ID != victim.tok.ID || got.Hash != "" || got.Role != graph.RoleContributor || got.ContributorID != "a" || got.Label != "jeton 1" {
		t.Errorf("RevokeToken returned %+v, want the revoked token without its hash", *got)
	}
	_, err = f.s.TokenByHash(f.anon(), graph.HashToken(victim.secret))
	wantCode(t, err, graph.ENOTFOUND, "TokenByHash of a revoked token")
	_, err = f.s.RevokeToken(f.sys(), victim.tok.ID)
	wantCode(t, err, graph.ENOTFOUND, "revoking a token twice")
	listed, total = f.allTokens()
	if total != 4 || len(listed) != 4 {
		t.Errorf("after a revocation Tokens lists %d (TotalCount %d), want 4", len(listed), total)
	}
	for _, m := range toks {
		if m.hash == victim.hash {
			continue
		}
		if _, err := f.s.TokenByHash(f.anon(), m.hash); err != nil {
			t.Errorf("revoking %s took %s with it: %v", victim.tok.ID, m.tok.ID, err)
		}
	}

	// Ids are whole, lowercase hex: no prefix picks a token.
	keep := toks[0].tok.ID
	for _, bad := range []string{"", keep[:graph.TokenIDLen-1], keep + "0", strings.ToUpper(keep), toks[0].hash, "zzzzzzzzzzzz", keep[:graph.TokenIDLen-1] + "*", "' OR 1=1 --"} {
		if bad == keep {
			continue
		}
		_, err := f.s.RevokeToken(f.sys(), bad)
		wantCode(t, err, graph.EINVALID, "RevokeToken(%q)", bad)
	}
	_, err = f.s.RevokeToken(f.sys(), "0123456789ab")
	if wantCode(t, err, graph.ENOTFOUND, "RevokeToken of an unknown id") && !strings.Contains(graph.ErrorMessage(err), "0123456789ab") {
		t.Errorf("the error does not name the unknown id: %v", err)
	}
	if _, err := f.s.TokenByHash(f.anon(), toks[0].hash); err != nil {
		t.Errorf("bad revocations took a token with them: %v", err)
	}

	// Another token with the same id would make revoking it ambiguous.
	twin := toks[0].hash[:graph.TokenIDLen] + strings.Repeat("0", len(toks[0].hash)-graph.TokenIDLen)
	if twin == toks[0].hash {
		twin = toks[0].hash[:graph.TokenIDLen] + strings.Repeat("1", len(toks[0].hash)-graph.TokenIDLen)
	}
	wantCode(t, f.s.CreateToken(f.sys(), graph.Token{Hash: twin, Role: graph.RoleAdmin}), graph.ECONFLICT, "a token whose id another has")

	// Bad pages.
	_, err = f.s.Tokens(f.as(admin), graph.Page{After: "n'importe quoi"})
	wantCode(t, err, graph.EINVALID, "Tokens after a malformed cursor")
	_, err = f.s.Tokens(f.as(admin), graph.Page{After: graph.Cursor{Key: "hier", ID: keep}.Encode()})
	wantCode(t, err, graph.EINVALID, "Tokens after a document-like cursor")
	_, err = f.s.Tokens(f.as(admin), graph.Page{First: graph.MaxFirst + 1})
	wantCode(t, err, graph.EINVALID, "Tokens with first over the maximum")
	_, err = f.s.Tokens(f.as(admin), graph.Page{First: -1})
	wantCode(t, err, graph.EINVALID, "Tokens with a negative first")
}

func testTokenAdminsOnly(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	f.contributor("a")
	secret, hash := f.newToken(graph.Token{Role: graph.RoleContributor, ContributorID: "a"})
	id := graph.TokenID(hash)
	for _, v := range []graph.Viewer{contributorViewer("a"), curator, researcher} {
		_, err := f.s.Tokens(f.as(v), graph.Page{})
		wantCode(t, err, graph.EFORBIDDEN, "%s lists tokens", v.Role)
		// Not even one's own: a stolen token must not be able to revoke
		// the others of its owner, nor to learn their ids.
		_, err = f.s.RevokeToken(f.as(v), id)
		wantCode(t, err, graph.EFORBIDDEN, "%s revokes a token", v.Role)
	}
	_, err := f.s.Tokens(f.anon(), graph.Page{})
	wantCodeIn(t, err, []string{graph.EUNAUTHENTICATED, graph.EFORBIDDEN}, "anonymous lists tokens")
	_, err = f.s.RevokeToken(f.anon(), id)
	wantCodeIn(t, err, []string{graph.EUNAUTHENTICATED, graph.EFORBIDDEN}, "anonymous revokes a token")
	if _, err := f.s.TokenByHash(f.anon(), graph.HashToken(secret)); err != nil {
		t.Fatalf("refused revocations revoked the token: %v", err)
	}
	conn, err := f.s.Tokens(f.as(admin), graph.Page{})
	f.must(err, "an admin lists tokens")
	if conn.TotalCount != 1 || len(conn.Edges) != 1 || conn.Edges[0].Node.ID != id {
		t.Fatalf("an admin lists %+v, want the one token %s", conn, id)
	}
	_, err = f.s.RevokeToken(f.as(admin), id)
	f.must(err, "an admin revokes a token")
	_, err = f.s.TokenByHash(f.anon(), hash)
	wantCode(t, err, graph.ENOTFOUND, "TokenByHash after an admin revoked it")
}
