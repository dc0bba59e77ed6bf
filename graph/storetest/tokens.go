package storetest

import (
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
}
