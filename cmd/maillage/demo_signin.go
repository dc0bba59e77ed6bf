package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
)

// demoTokenLabel opens the label of every token `serve --demo` makes: it
// is how the next start of serve, with or without --demo, finds them to
// revoke them. Demo tokens thus live only while a `serve --demo` runs
// (and until the next start after a crash); `token list` shows them by
// this label.
const demoTokenLabel = "demo sign-in, made by serve --demo"

// demoTokens is what the demo sign-in reads and writes: the demo
// accounts' contributors and their tokens.
type demoTokens interface {
	graph.TokenStore
	Contributor(ctx context.Context, id string) (*graph.Contributor, error)
}

// demoSignIn makes one token per demo account whose contributor is in the
// store, each start anew: a token's secret is not kept, only its hash,
// so the previous start's tokens could not be shown again, and are
// revoked (revokeDemoTokens, called first).
func demoSignIn(ctx context.Context, store demoTokens, accounts []demo.Account) ([]api.DemoAccount, error) {
	sys := graph.SystemContext(ctx)
	var out []api.DemoAccount
	for _, a := range accounts {
		// A data directory that held another graph did not get the demo:
		// its contributors of the same id, if any, are someone else.
		c, err := store.Contributor(sys, a.ContributorID)
		if graph.ErrorCode(err) == graph.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if c.Name != a.Name {
			continue
		}
		secret, hash := graph.NewTokenSecret()
		tok := graph.Token{Hash: hash, Role: a.Role, ContributorID: a.ContributorID, CreatedAt: time.Now().UTC(),
			Label: fmt.Sprintf("%s: %s %s", demoTokenLabel, a.Role, a.Name)}
		if err := store.CreateToken(sys, tok); err != nil {
			return nil, fmt.Errorf("demo sign-in: %w", err)
		}
		out = append(out, api.DemoAccount{Role: a.Role, ContributorID: a.ContributorID, Name: a.Name, Token: secret})
	}
	return out, nil
}

// revokeDemoTokens revokes every token a `serve --demo` made, and returns
// how many it revoked.
func revokeDemoTokens(ctx context.Context, store graph.TokenStore) (int, error) {
	sys := graph.SystemContext(ctx)
	var ids []string
	for after := ""; ; {
		conn, err := store.Tokens(sys, graph.Page{First: graph.MaxFirst, After: after})
		if err != nil {
			return 0, fmt.Errorf("demo tokens: %w", err)
		}
		for _, t := range conn.Nodes() {
			if strings.HasPrefix(t.Label, demoTokenLabel) {
				ids = append(ids, t.ID)
			}
		}
		if !conn.PageInfo.HasNextPage {
			break
		}
		after = conn.PageInfo.EndCursor
	}
	n := 0
	for _, id := range ids {
		_, err := store.RevokeToken(sys, id)
		if graph.ErrorCode(err) == graph.ENOTFOUND {
			continue // revoked meanwhile
		}
		if err != nil {
			return n, fmt.Errorf("demo tokens: %w", err)
		}
		n++
	}
	return n, nil
}

// revokeDemoTokensAtExit revokes the demo tokens once serve is done; ctx
// is cancelled by then, so the revocation has a bounded context of its own.
func revokeDemoTokensAtExit(store graph.TokenStore, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := revokeDemoTokens(ctx, store)
	if err != nil {
		logger.Warn("the demo tokens could not be revoked: the next start of serve revokes them", "err", err)
		return
	}
	logger.Info("demo tokens revoked", "tokens", n)
}

// offerDemoSignIn decides whether the explorer's picker hands the demo
// tokens out. On a loopback address only the people of this machine reach
// it; an address others reach (or a trusted proxy in front, which
// --client-ip-header implies) would give anyone the admin's token, so
// the picker then needs --demo-public-sign-in. The tokens themselves work
// either way, for whoever reads the log.
func offerDemoSignIn(c serveConfig, listening net.Addr, accounts []api.DemoAccount, logger *slog.Logger) *api.DemoSignIn {
	if len(accounts) == 0 {
		return nil
	}
	public := !isLoopback(listening) || c.hard.clientIPHeader != ""
	switch {
	case c.demoPublicSignIn:
		logger.Warn("DEMO SIGN-IN IS PUBLIC (--demo-public-sign-in): whoever reaches this server can take the demo tokens, the admin's too, from the explorer's picker",
			"addr", listening.String())
		return &api.DemoSignIn{Accounts: accounts, AnyHost: true}
	case public:
		logger.Warn("the demo listens beyond this machine: the explorer's demo sign-in picker is off (--demo-public-sign-in turns it on for everyone who reaches the server); the demo tokens below work for whoever holds them",
			"addr", listening.String(), "client_ip_header", c.hard.clientIPHeader)
		return nil
	}
	return &api.DemoSignIn{Accounts: accounts}
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// logDemoTokens prints the demo tokens, one line each, once the server is
// ready, so that they are the last thing a newcomer reads.
func logDemoTokens(logger *slog.Logger, accounts []api.DemoAccount, picker bool) {
	if len(accounts) == 0 {
		return
	}
	where := "paste one into the explorer's « Jeton » box or send it as Authorization: Bearer"
	if picker {
		where = "the explorer offers them under « Démo : agir en tant que … »"
	}
	logger.Info("demo only: tokens to act as the demo's contributors, revoked when maillage stops; " + where)
	for _, a := range accounts {
		logger.Info("demo only: sign in as", "role", string(a.Role), "name", a.Name, "contributor", a.ContributorID, "token", a.Token)
	}
}
