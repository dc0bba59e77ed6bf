package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// cli runs the command line in-process and returns its outputs.
func cli(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

var createdID = regexp.MustCompile(`^token ([0-9a-f]{12}) \(`)

// createToken runs `token create` and returns the secret and the id it
// printed.
func createToken(t *testing.T, args ...string) (secret, id string) {
	t.Helper()
	out, errOut, err := cli(t, append([]string{"token", "create"}, args...)...)
	if err != nil {
		t.Fatalf("token create %q: %v\n%s", args, err, errOut)
	}
	secret = strings.TrimSpace(out)
	if !strings.HasPrefix(secret, "mlg_") || strings.Contains(secret, "\n") {
		t.Fatalf("token create printed %q on stdout, want the secret alone", out)
	}
	m := createdID.FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("token create said %q on stderr, want the token's id", errOut)
	}
	if m[1] != graph.TokenID(graph.HashToken(secret)) {
		t.Fatalf("token create printed the id %s, which is not the secret's", m[1])
	}
	return secret, m[1]
}

// tokenRows runs `token list` and returns its rows by id, each the
// columns after the id.
func tokenRows(t *testing.T, dir string, secrets ...string) map[string][]string {
	t.Helper()
	out, errOut, err := cli(t, "token", "list", "--data", dir)
	if err != nil {
		t.Fatalf("token list: %v\n%s", err, errOut)
	}
	for _, s := range secrets {
		hash := graph.HashToken(s)
		if strings.Contains(out, s) || strings.Contains(out, hash[:graph.TokenIDLen+1]) {
			t.Fatalf("token list shows a secret or more of a hash than the id:\n%s", out)
		}
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) == 0 || strings.Join(strings.Fields(lines[0]), " ") != "ID ROLE CONTRIBUTOR CREATED EXPIRES LABEL" {
		t.Fatalf("token list header %q\n%s", lines[0], out)
	}
	rows := map[string][]string{}
	for _, l := range lines[1:] {
		if strings.HasSuffix(l, " ") {
			t.Errorf("token list line %q ends in spaces", l)
		}
		f := strings.Fields(l)
		rows[f[0]] = f[1:]
	}
	return rows
}

func TestTokenCreateListRevoke(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateContributor(graph.SystemContext(context.Background()), graph.Contributor{ID: "ines", Name: "Inès"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	admin, adminID := createToken(t, "--data", dir, "--role", "ADMIN", "--label", "Poste de la coordination")
	ines, inesID := createToken(t, "--data", dir, "--role", "CONTRIBUTOR", "--contributor", "ines", "--expires", "30d")
	short, shortID := createToken(t, "--data", dir, "--role", "RESEARCHER", "--expires", "1ms", "--label", "essai")
	time.Sleep(5 * time.Millisecond) // the 1 ms token is past its expiry by now

	rows := tokenRows(t, dir, admin, ines, short)
	if len(rows) != 3 {
		t.Fatalf("token list shows %d tokens, want 3: %q", len(rows), rows)
	}
	if r := rows[adminID]; len(r) < 5 || r[0] != "ADMIN" || r[1] != "-" || r[3] != "never" || strings.Join(r[4:], " ") != "Poste de la coordination" {
		t.Errorf("admin row %q", r)
	}
	if r := rows[inesID]; len(r) != 4 || r[0] != "CONTRIBUTOR" || r[1] != "ines" {
		t.Errorf("contributor row %q", r)
	} else if exp, err := time.Parse(time.RFC3339, r[3]); err != nil || exp.Sub(time.Now()) < 29*24*time.Hour || exp.Sub(time.Now()) > 30*24*time.Hour {
		t.Errorf("a 30d token expires %q", r[3])
	}
	if r := rows[shortID]; len(r) < 5 || r[0] != "RESEARCHER" || r[4] != "(expired)" {
		t.Errorf("expired row %q, want it marked expired", r)
	}

	// Over HTTP: the admin token works; the expired one is refused, saying so.
	addr, stop := startServer(t, serveConfig{data: dir})
	if status, r := postGraphQL(t, addr, admin, `{ notes { totalCount } }`); status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("admin token: %d %+v", status, r.Errors)
	}
	status, r := postGraphQL(t, addr, short, `{ notes { totalCount } }`)
	if status != http.StatusUnauthorized || len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" ||
		!strings.Contains(r.Errors[0].Message, "expired") {
		t.Fatalf("expired token: %d %+v, want 401 UNAUTHENTICATED saying it expired", status, r.Errors)
	}
	// The store is locked while the server runs: the command says so.
	if _, _, err := cli(t, "token", "revoke", "--data", dir, adminID); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("token revoke while the server runs: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// The id may come before or after the flags.
	out, _, err := cli(t, "token", "revoke", adminID, "--data", dir)
	if err != nil {
		t.Fatalf("token revoke: %v", err)
	}
	if !strings.Contains(out, "revoked token "+adminID) || !strings.Contains(out, "ADMIN") || !strings.Contains(out, "Poste de la coordination") {
		t.Errorf("token revoke said %q", out)
	}
	rows = tokenRows(t, dir, admin, ines, short)
	if _, still := rows[adminID]; still || len(rows) != 2 {
		t.Errorf("after revoking %s, token list shows %q", adminID, rows)
	}
	addr, _ = startServer(t, serveConfig{data: dir})
	status, r = postGraphQL(t, addr, admin, `{ notes { totalCount } }`)
	if status != http.StatusUnauthorized || len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Fatalf("revoked token: %d %+v, want 401 UNAUTHENTICATED", status, r.Errors)
	}
	if status, r := postGraphQL(t, addr, ines, `{ viewer { id } }`); status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("revoking another token broke this one: %d %+v", status, r.Errors)
	}
}

func TestTokenCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, id := createToken(t, "--data", dir, "--role", "CURATOR")
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"token"}, 2, "usage"},
		{[]string{"token", "forget"}, 2, "unknown token command"},
		{[]string{"token", "revoke", "--data", dir}, 2, "usage"},
		{[]string{"token", "revoke", "--data", dir, id, id}, 2, "usage"},
		{[]string{"token", "revoke", "--data", dir, id[:6]}, 2, "12"},
		{[]string{"token", "revoke", "--data", dir, strings.ToUpper(id)}, 2, "hexadecimal"},
		{[]string{"token", "revoke", "--data", dir, "0123456789ab"}, 1, "no token with id 0123456789ab"},
		{[]string{"token", "list", "--data", dir, "stray"}, 2, "unexpected argument"},
		{[]string{"token", "list", "--data", dir + "/ailleurs"}, 1, "no store"},
		{[]string{"token", "revoke", "--data", dir + "/ailleurs", id}, 1, "no store"},
		{[]string{"token", "create", "--data", dir, "--role", "ADMIN", "--expires", "bientôt"}, 2, "--expires"},
		{[]string{"token", "create", "--data", dir, "--role", "ADMIN", "--expires", "-1h"}, 2, "positive"},
		{[]string{"token", "create", "--data", dir, "--role", "ADMIN", "--expires", "0d"}, 2, "positive"},
		{[]string{"token", "create", "--data", dir, "--role", "ADMIN", "--label", "deux\nlignes"}, 2, "--label"},
		{[]string{"token", "create", "--data", dir, "--role", "ADMIN", "--label", strings.Repeat("x", graph.MaxTokenLabel+1)}, 2, "--label"},
	} {
		out, _, err := cli(t, c.args...)
		if err == nil || exitCode(err) != c.code || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: %v (exit %d), want exit %d saying %q", c.args, err, exitCode(err), c.code, c.says)
		}
		if out != "" {
			t.Errorf("%q printed %q", c.args, out)
		}
	}
	// Nothing the errors above did changed the one token.
	if rows := tokenRows(t, dir); len(rows) != 1 || rows[id] == nil {
		t.Errorf("after failed commands, token list shows %q", rows)
	}
}
