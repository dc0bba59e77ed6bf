package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// Tokens revoked by an operator (graph.TokenStore.RevokeToken, which
// `maillage token revoke` calls) or past their expiry stop working at the
// next request, and close the WebSockets signed in with them.

// expiringToken creates a token of role that expires at exp.
func (e *env) expiringToken(role graph.Role, contributorID string, exp time.Time) string {
	e.t.Helper()
	secret, hash := graph.NewTokenSecret()
	e.must(e.store.CreateToken(e.sys(), graph.Token{Hash: hash, Role: role, ContributorID: contributorID,
		CreatedAt: exp.Add(-time.Hour), ExpiresAt: exp}), "create token")
	return secret
}

func (e *env) revoke(secret string) {
	e.t.Helper()
	_, err := e.store.RevokeToken(e.sys(), graph.TokenID(graph.HashToken(secret)))
	e.must(err, "revoke token")
}

func TestRevokedTokenIsRefusedAtTheNextRequest(t *testing.T) {
	e := newEnv(t)
	e.doc(graph.Document{ID: "p", Title: "Note privée", Body: "Réservée.", Visibility: graph.VisibilityPrivate})
	curator, other := e.token(graph.RoleCurator, ""), e.token(graph.RoleCurator, "")
	if n := e.query(curator, `{ notes { totalCount } }`, nil).ok().num("notes.totalCount"); n != 1 {
		t.Fatalf("a curator counts %d notes, want the private one", n)
	}
	e.revoke(curator)
	r := e.query(curator, `{ notes { totalCount } }`, nil)
	if r.Status != http.StatusUnauthorized || r.code() != graph.EUNAUTHENTICATED || r.Data["notes"] != nil {
		t.Fatalf("a revoked token: %d %s, want 401 UNAUTHENTICATED and no data", r.Status, r.Raw)
	}
	if !strings.Contains(r.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("WWW-Authenticate %q", r.Header.Get("WWW-Authenticate"))
	}
	e.query(other, `{ notes { totalCount } }`, nil).ok()
}

func TestExpiredTokenIsRefused(t *testing.T) {
	e := newEnvWith(t, envOptions{config: func(c *api.Config) {
		// Three failures per address, refilled once a minute: the test
		// never waits for a refill.
		c.Limits.RatePerIP, c.Limits.BurstPerIP = 1.0/60, 3
		c.ClientIPHeader = "X-Forwarded-For"
	}})
	e.doc(graph.Document{ID: "p", Title: "Note privée", Body: "Réservée.", Visibility: graph.VisibilityPrivate})
	expiredAt := time.Date(2025, 4, 30, 12, 0, 0, 0, time.UTC)
	expired := e.expiringToken(graph.RoleAdmin, "", expiredAt)
	valid := e.expiringToken(graph.RoleAdmin, "", time.Now().Add(time.Hour))
	from := func(ip, token string) *response {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "POST", e.srv.URL+"/graphql", strings.NewReader(`{"query": "{ notes { totalCount } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", ip)
		req.Header.Set("Authorization", "Bearer "+token)
		return e.send(req)
	}
	if r := from("203.0.113.9", valid); r.Status != http.StatusOK || r.num("notes.totalCount") != 1 {
		t.Fatalf("a token that expires in an hour: %d %s", r.Status, r.Raw)
	}
	for i := range 3 {
		r := from("203.0.113.1", expired)
		if r.Status != http.StatusUnauthorized || r.code() != graph.EUNAUTHENTICATED || r.Data["notes"] != nil {
			t.Fatalf("expired token, request %d: %d %s, want 401 UNAUTHENTICATED", i, r.Status, r.Raw)
		}
		if msg := r.Errors[0].Message; !strings.Contains(msg, "expired") || !strings.Contains(msg, "2025-04-30T12:00:00Z") {
			t.Fatalf("an expired token's message %q does not say it expired, and when", msg)
		}
		if strings.Contains(string(r.Raw), graph.HashToken(expired)) {
			t.Fatalf("the response carries the token's hash: %s", r.Raw)
		}
	}
	// The three expired sign-ins spent the address's failure budget, as
	// unknown tokens do: not even a valid token gets through from there.
	if r := from("203.0.113.1", valid); r.Status != http.StatusTooManyRequests {
		t.Fatalf("after 3 failed sign-ins, a 4th attempt from the address: %d %s, want 429", r.Status, r.Raw)
	}
	if r := from("203.0.113.2", valid); r.Status != http.StatusOK {
		t.Fatalf("another address: %d %s", r.Status, r.Raw)
	}
}

// A token that expires while its WebSocket is open closes it with 4403 at
// the next periodic check, not before its expiry.
func TestExpiringTokenClosesAnIdleConnection(t *testing.T) {
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = 20 * time.Millisecond })
	exp := time.Now().Add(1500 * time.Millisecond)
	tok := w.expiringToken(graph.RoleCurator, "", exp)
	c := w.connect(tok)
	c.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n1")})
	code, reason := c.closed()
	if now := time.Now(); now.Before(exp) {
		t.Fatalf("closed %s before the token's expiry", exp.Sub(now))
	}
	if code != 4403 || !strings.Contains(reason, "expired") {
		t.Fatalf("connection closed with %d %q, want 4403 saying the token expired", code, reason)
	}
	waitFor(t, "no open subscription", func() bool { return w.openSubscriptions() == 0 })

	// Signing in again with it is refused at once, saying why.
	c2, _, err := w.dialWS(dialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c2.sendInit(tok)
	if code, reason := c2.closed(); code != 4403 || !strings.Contains(reason, "expired") {
		t.Fatalf("init with an expired token: %d %q, want 4403 saying it expired", code, reason)
	}
}

// Past its expiry, the check before an event closes the connection before
// the event goes out.
func TestExpiredTokenGetsNoMoreEvents(t *testing.T) {
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = time.Hour })
	w.doc(graph.Document{ID: "n3", Title: "Notes confidentielles", Body: "Rien à dire.", Visibility: graph.VisibilityPrivate}, "bob")
	exp := time.Now().Add(time.Second)
	tok := w.expiringToken(graph.RoleCurator, "", exp)
	c := w.connect(tok)
	c.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n3")})
	c.quiet(50 * time.Millisecond)
	time.Sleep(time.Until(exp) + 10*time.Millisecond)
	secret := "Le secret d'après l'expiration"
	w.updateNote(w.bob, "n3", vars{"title": secret})
	if code, reason := c.closed(); code != 4403 || !strings.Contains(reason, "expired") {
		t.Fatalf("connection closed with %d %q, want 4403 saying the token expired", code, reason)
	}
	if strings.Contains(c.frames(), secret) {
		t.Fatalf("the expired connection received the note's new content:\n%s", c.frames())
	}
}

// Revoking a token (not deleting its contributor) closes its connections.
func TestRevokedTokenClosesItsConnection(t *testing.T) {
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = 20 * time.Millisecond })
	tok := w.token(graph.RoleCurator, "")
	c, keep := w.connect(tok), w.connect(w.curator)
	for _, cl := range []*wsClient{c, keep} {
		cl.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n1")})
	}
	c.quiet(60 * time.Millisecond) // valid: the checks leave it open
	w.revoke(tok)
	if code, reason := c.closed(); code != 4403 || !strings.Contains(reason, "revoked") {
		t.Fatalf("connection closed with %d %q, want 4403 saying the token was revoked", code, reason)
	}
	w.updateNote(w.alice, "n1", vars{"title": "Après la révocation"})
	if ev := keep.event("d"); ev.str("documentChanged.document.title") != "Après la révocation" {
		t.Fatalf("the other connection's event: %s", ev.Raw)
	}
}
