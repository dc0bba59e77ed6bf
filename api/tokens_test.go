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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = 20 * time.Millisecond })
	exp := time.Now().Add(2500 * time.Millisecond) // room for a loaded machine to sign in first
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
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = time.Hour })
	w.doc(graph.Document{ID: "n3", Title: "Notes confidentielles", Body: "Rien à dire.", Visibility: graph.VisibilityPrivate}, "bob")
	exp := time.Now().Add(2 * time.Second) // room for a loaded machine to sign in first
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
	t.Parallel()
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

const tokensQuery = `query($first: Int, $after: String) { tokens(first: $first, after: $after) {
	totalCount
	edges { cursor node { id role createdAt expiresAt expired label
		contributor { name standpoints { dimension value } } } }
	pageInfo { hasNextPage endCursor }
} }`

// Admins list and revoke tokens over GraphQL; no one else does, and no
// page shows a secret or a hash.
func TestTokensQueryAndRevokeMutation(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = 20 * time.Millisecond })
	w.contributor("ines", "Inès")
	w.declare("ines", "disability", "living-with-disability", graph.DeclPrivate)
	w.declare("ines", "gender", "non-binary", graph.DeclPublic)
	admin := w.token(graph.RoleAdmin, "")
	secret, hash := graph.NewTokenSecret()
	w.must(w.store.CreateToken(w.sys(), graph.Token{Hash: hash, Role: graph.RoleContributor, ContributorID: "ines",
		ExpiresAt: time.Now().Add(720 * time.Hour), Label: "Tablette de l'atelier"}), "create token")
	ines, inesID := secret, graph.TokenID(hash)
	expired := w.expiringToken(graph.RoleResearcher, "", time.Now().Add(-time.Hour))
	secrets := []string{w.alice, w.bob, w.curator, admin, ines, expired}

	// Two at a time to the end: 6 tokens, one expired, Inès's labelled.
	var nodes []map[string]any
	after := any(nil)
	for page := 0; ; page++ {
		r := w.query(admin, tokensQuery, vars{"first": 2, "after": after}).ok()
		if n := r.num("tokens.totalCount"); n != len(secrets) {
			t.Fatalf("totalCount %d, want %d", n, len(secrets))
		}
		for _, s := range secrets {
			if h := graph.HashToken(s); strings.Contains(string(r.Raw), s) || strings.Contains(string(r.Raw), h[:graph.TokenIDLen+1]) {
				t.Fatalf("a page of tokens shows a secret or more of a hash than its id: %s", r.Raw)
			}
		}
		for _, e := range r.list("tokens.edges") {
			nodes = append(nodes, e.(map[string]any)["node"].(map[string]any))
		}
		if r.get("tokens.pageInfo.hasNextPage") != true {
			break
		}
		after = r.str("tokens.pageInfo.endCursor")
		if page > 5 {
			t.Fatal("the end cursor does not advance")
		}
	}
	if len(nodes) != len(secrets) {
		t.Fatalf("paged through %d tokens, want %d", len(nodes), len(secrets))
	}
	byID := map[string]map[string]any{}
	for _, n := range nodes {
		byID[n["id"].(string)] = n
	}
	in := byID[inesID]
	if in == nil || in["role"] != "CONTRIBUTOR" || in["label"] != "Tablette de l'atelier" || in["expired"] != false || in["expiresAt"] == nil {
		t.Fatalf("Inès's token reads %v", in)
	}
	c := in["contributor"].(map[string]any)
	if c["name"] != "Inès" {
		t.Errorf("Inès's token speaks for %v", c)
	}
	// An admin sees a contributor's PUBLIC standpoints only, here as on
	// the profile.
	if sp := c["standpoints"].([]any); len(sp) != 1 || sp[0].(map[string]any)["value"] != "non-binary" {
		t.Errorf("through tokens an admin sees Inès's standpoints %v, want the public one only", sp)
	}
	if ex := byID[graph.TokenID(graph.HashToken(expired))]; ex == nil || ex["expired"] != true || ex["contributor"] != nil || ex["label"] != nil {
		t.Errorf("the expired token reads %v", ex)
	}

	// No one but admins: not even a count.
	for who, tok := range map[string]string{"a curator": w.curator, "a contributor": ines} {
		r := w.query(tok, `{ tokens { totalCount } }`, nil).wantCode(graph.EFORBIDDEN)
		if r.Data["tokens"] != nil || strings.Contains(string(r.Raw), inesID) {
			t.Errorf("%s lists tokens: %s", who, r.Raw)
		}
		w.query(tok, `mutation($id: ID!) { revokeToken(id: $id) { token { id } } }`, vars{"id": inesID}).wantCode(graph.EFORBIDDEN)
	}
	w.query("", `{ tokens { totalCount } }`, nil).wantCode(graph.EUNAUTHENTICATED)
	w.query(ines, `{ viewer { id } }`, nil).ok()

	// Bad input.
	w.query(admin, tokensQuery, vars{"first": graph.MaxFirst + 1}).wantCode(graph.EINVALID)
	w.query(admin, tokensQuery, vars{"after": "pas un curseur"}).wantCode(graph.EINVALID)
	// An id in capitals is refused. One id in 280 is all digits, which
	// capitals leave alone: its first digit becomes an A then.
	upper := strings.ToUpper(inesID)
	if upper == inesID {
		upper = "A" + inesID[1:]
	}
	for _, bad := range []string{"", "abc", upper, graph.HashToken(ines)} {
		w.query(admin, `mutation($id: ID!) { revokeToken(id: $id) { token { id } } }`, vars{"id": bad}).wantCode(graph.EINVALID)
	}
	w.query(admin, `mutation($id: ID!) { revokeToken(id: $id) { token { id } } }`, vars{"id": "0123456789ab"}).wantCode(graph.ENOTFOUND)

	// Revoking Inès's token: her next request and her open subscription end.
	sub := w.connect(ines)
	sub.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n1")})
	sub.quiet(50 * time.Millisecond)
	r := w.query(admin, `mutation($id: ID!) { revokeToken(id: $id) { token { id role label contributor { name } } } }`, vars{"id": inesID}).ok()
	if r.str("revokeToken.token.id") != inesID || r.str("revokeToken.token.contributor.name") != "Inès" {
		t.Fatalf("revokeToken answered %s", r.Raw)
	}
	if r := w.query(ines, `{ viewer { id } }`, nil); r.Status != http.StatusUnauthorized || r.code() != graph.EUNAUTHENTICATED {
		t.Fatalf("the revoked token: %d %s", r.Status, r.Raw)
	}
	if code, reason := sub.closed(); code != 4403 || !strings.Contains(reason, "revoked") {
		t.Fatalf("her subscription closed with %d %q, want 4403", code, reason)
	}
	w.query(admin, `mutation($id: ID!) { revokeToken(id: $id) { token { id } } }`, vars{"id": inesID}).wantCode(graph.ENOTFOUND)
	if n := w.query(admin, `{ tokens { totalCount } }`, nil).ok().num("tokens.totalCount"); n != len(secrets)-1 {
		t.Errorf("after a revocation totalCount %d, want %d", n, len(secrets)-1)
	}
	if !strings.Contains(w.logs.String(), `"token_id":"`+inesID+`"`) {
		t.Errorf("the revocation is not logged with the token's id")
	}

	// An admin may revoke their own token; it stops working there and then.
	adminID := graph.TokenID(graph.HashToken(admin))
	w.query(admin, `mutation($id: ID!) { revokeToken(id: $id) { token { id } } }`, vars{"id": adminID}).ok()
	if r := w.query(admin, `{ tokens { totalCount } }`, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("an admin's own revoked token: %d %s", r.Status, r.Raw)
	}
}
