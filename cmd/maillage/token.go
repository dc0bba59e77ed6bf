package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/encommun/maillage/graph"
)

const tokenUsage = `usage:
  maillage token create [--data DIR] --role ROLE [--contributor ID] [--expires 720h|30d] [--label TEXT]
  maillage token list [--data DIR]
  maillage token revoke [--data DIR] ID`

func tokenCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{Msg: tokenUsage}
	}
	if isHelp(args[0]) {
		fmt.Fprintln(stdout, tokenUsage)
		return nil
	}
	switch args[0] {
	case "create":
		return tokenCreateCommand(ctx, args[1:], stdout, stderr)
	case "list":
		return tokenListCommand(ctx, args[1:], stdout, stderr)
	case "revoke":
		return tokenRevokeCommand(ctx, args[1:], stdout, stderr)
	}
	return usageError{Msg: fmt.Sprintf("unknown token command %q\n%s", args[0], tokenUsage)}
}

func tokenCreateCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	var role, contributor, expires, label string
	fs := newFlagSet("token create", stderr)
	storeFlags(fs, &c)
	fs.StringVar(&role, "role", "", "CONTRIBUTOR, RESEARCHER, CURATOR or ADMIN")
	fs.StringVar(&contributor, "contributor", "", "id of the contributor the token speaks for")
	fs.StringVar(&expires, "expires", "", "lifetime of the token (720h, 30d); never expires when not given")
	fs.StringVar(&label, "label", "", "what the token is for, shown by token list (one line, up to 200 characters)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	r, err := graph.ParseRole(role)
	if err != nil {
		return usageError{Msg: graph.ErrorMessage(err)}
	}
	if r == graph.RoleContributor && contributor == "" {
		return usageError{Msg: "a CONTRIBUTOR token must name its --contributor"}
	}
	now := time.Now().UTC()
	tok := graph.Token{Role: r, ContributorID: contributor, CreatedAt: now, Label: label}
	if expires != "" {
		d, err := parseLifetime(expires)
		if err != nil {
			return err
		}
		tok.ExpiresAt = now.Add(d)
	}
	// Checked before the store is opened, so that a mistake costs no wait
	// for the lock and says what is wrong with the flags.
	if err := tok.ValidateNew(); err != nil {
		return usageError{Msg: "--label: " + graph.ErrorMessage(err)}
	}
	store, err := openStore(ctx, c, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer store.Close()
	sys := graph.SystemContext(ctx)
	if contributor != "" {
		if _, err := store.Contributor(sys, contributor); err != nil {
			return fmt.Errorf("contributor %q: %s", contributor, graph.ErrorMessage(err))
		}
	}
	secret, hash := graph.NewTokenSecret()
	tok.Hash = hash
	if err := store.CreateToken(sys, tok); err != nil {
		return err
	}
	// The secret alone on standard output, for TOKEN=$(maillage token
	// create …); what to do with it on standard error.
	fmt.Fprintln(stdout, secret)
	exp := "never expires"
	if !tok.ExpiresAt.IsZero() {
		exp = "expires " + tok.ExpiresAt.Format(time.RFC3339)
	}
	fmt.Fprintf(stderr, "token %s (%s, %s): the secret above is shown once; revoke it with `maillage token revoke %s`\n",
		graph.TokenID(hash), r, exp, graph.TokenID(hash))
	return nil
}

// parseLifetime reads --expires: a Go duration (720h, 90m) or whole days
// (30d), which operators think in and time.ParseDuration lacks.
func parseLifetime(s string) (time.Duration, error) {
	bad := usageError{Msg: fmt.Sprintf("--expires %q: give a lifetime such as 720h, 90m or 30d", s)}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > 100*365 {
			return 0, bad
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, bad
		}
	}
	if d <= 0 {
		return 0, usageError{Msg: fmt.Sprintf("--expires %q: a token's lifetime must be positive", s)}
	}
	return d, nil
}

// openTokenStore opens the store the token commands read: an existing one
// only, so that a mistyped --data says so rather than listing an empty
// store it just made.
func openTokenStore(ctx context.Context, c serveConfig, stderr io.Writer) (graph.Store, error) {
	store, err := openExisting(ctx, c, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return nil, err
	}
	if store == nil {
		return nil, fmt.Errorf("no store in %s: give the --data directory the server uses", c.data)
	}
	return store, nil
}

func tokenListCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := newFlagSet("token list", stderr)
	storeFlags(fs, &c)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := openTokenStore(ctx, c, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	sys := graph.SystemContext(ctx)
	var toks []*graph.Token
	for after := ""; ; {
		conn, err := store.Tokens(sys, graph.Page{First: graph.MaxFirst, After: after})
		if err != nil {
			return err
		}
		toks = append(toks, conn.Nodes()...)
		if !conn.PageInfo.HasNextPage {
			break
		}
		after = conn.PageInfo.EndCursor
	}
	if len(toks) == 0 {
		fmt.Fprintln(stderr, "no tokens: make one with `maillage token create`")
		return nil
	}
	now := time.Now()
	var table bytes.Buffer
	w := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tROLE\tCONTRIBUTOR\tCREATED\tEXPIRES\tLABEL")
	for _, t := range toks {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, orDash(t.ContributorID),
			t.CreatedAt.UTC().Format(time.RFC3339), expiryCell(t, now), t.Label)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	// tabwriter pads the cell before an empty label.
	for line := range strings.Lines(table.String()) {
		fmt.Fprintln(stdout, strings.TrimRight(line, " \n"))
	}
	return nil
}

func expiryCell(t *graph.Token, now time.Time) string {
	switch {
	case t.ExpiresAt.IsZero():
		return "never"
	case t.Expired(now):
		return t.ExpiresAt.UTC().Format(time.RFC3339) + " (expired)"
	}
	return t.ExpiresAt.UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func tokenRevokeCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := newFlagSet("token revoke", stderr)
	storeFlags(fs, &c)
	pos, err := parseWithArgs(fs, args, 1, "usage: maillage token revoke [--data DIR] ID (the ID column of `maillage token list`)")
	if err != nil {
		return err
	}
	id := pos[0]
	if err := graph.ValidTokenID(id); err != nil {
		return usageError{Msg: graph.ErrorMessage(err)}
	}
	store, err := openTokenStore(ctx, c, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	tok, err := store.RevokeToken(graph.SystemContext(ctx), id)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return errors.New(graph.ErrorMessage(err) + ": `maillage token list` shows the tokens there are")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked token %s (%s", tok.ID, tok.Role)
	if tok.ContributorID != "" {
		fmt.Fprintf(stdout, ", contributor %s", tok.ContributorID)
	}
	if tok.Label != "" {
		fmt.Fprintf(stdout, ", %q", tok.Label)
	}
	fmt.Fprintln(stdout, ")")
	return nil
}
