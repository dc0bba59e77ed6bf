package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// A token revoked while its WebSocket is open stops working at once: the
// connection re-reads its token before each event and every TokenCheck,
// and closes with 4403 when it is gone. Deleting a contributor deletes the
// tokens that speak for them: that is the revocation the API offers.

// revocableCurator is a curator token speaking for the contributor carol,
// which deleteContributor revokes; a curator reads every document, so a
// stale connection would go on receiving private content.
func (w *liveWorld) revocableCurator() string {
	w.t.Helper()
	w.contributor("carol", "Carol")
	return w.token(graph.RoleCurator, "carol")
}

func (w *liveWorld) deleteContributor(admin, id string) {
	w.t.Helper()
	cid := gid(graph.KindContributor, id)
	v := w.query(admin, `query($id: ID!) { node(id: $id) { ... on Contributor { version } } }`, vars{"id": cid}).ok().num("node.version")
	w.query(admin, `mutation($id: ID!, $v: Int!) { deleteContributor(id: $id, version: $v) { deletedId } }`,
		vars{"id": cid, "v": v}).ok()
}

func TestRevokedTokenClosesTheConnectionBeforeTheNextEvent(t *testing.T) {
	t.Parallel()
	// No periodic check within the test: only the check before an event
	// can close this connection.
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = time.Hour })
	w.doc(graph.Document{ID: "n3", Title: "Notes confidentielles", Body: "Rien à dire.", Visibility: graph.VisibilityPrivate}, "bob")
	carol, admin := w.revocableCurator(), w.token(graph.RoleAdmin, "")
	c := w.connect(carol)
	c.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n3")})
	c.quiet(50 * time.Millisecond)

	w.updateNote(w.bob, "n3", vars{"title": "Première version"})
	if ev := c.event("d"); ev.str("documentChanged.document.title") != "Première version" {
		t.Fatalf("event %s, want the curator to read the private note while the token is valid", ev.Raw)
	}

	w.deleteContributor(admin, "carol")
	if r := w.query(carol, `{ __typename }`, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("over HTTP the deleted contributor's token answers %d, want 401", r.Status)
	}
	secret := "Le secret d'après"
	w.updateNote(w.bob, "n3", vars{"title": secret})
	code, reason := c.closed()
	if code != 4403 || !strings.Contains(reason, "revoked") {
		t.Fatalf("connection closed with %d %q, want 4403 saying the token was revoked", code, reason)
	}
	frames := c.frames()
	if strings.Contains(frames, secret) {
		t.Fatalf("the revoked connection received the note's new content:\n%s", frames)
	}
	// The stream did not end as if normally before the close.
	if strings.Contains(frames, `"complete"`) {
		t.Fatalf("a complete went out before the close frame:\n%s", frames)
	}
}

// A connection that hears of no change finds out at the next TokenCheck;
// the token here came in the upgrade's Authorization header.
func TestRevokedTokenClosesAnIdleConnection(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = 20 * time.Millisecond })
	carol, admin := w.revocableCurator(), w.token(graph.RoleAdmin, "")
	c, _, err := w.dialWS(dialOptions{header: http.Header{"Authorization": {"Bearer " + carol}}})
	if err != nil {
		t.Fatal(err)
	}
	c.init("")
	c.subscribe("m", `subscription { moderationQueueChanged { kind flagId } }`, nil)
	c.quiet(100 * time.Millisecond) // valid: the ticks leave it open

	w.deleteContributor(admin, "carol")
	if code, reason := c.closed(); code != 4403 {
		t.Fatalf("connection closed with %d %q, want 4403", code, reason)
	}
	waitFor(t, "no open subscription", func() bool { return w.openSubscriptions() == 0 })
}

// A connection whose token is valid is not disturbed by the checks, and
// anonymous connections have nothing to check.
func TestTokenChecksLeaveValidConnectionsAlone(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = 10 * time.Millisecond })
	signed, anon := w.connect(w.bob), w.connect("")
	for _, c := range []*wsClient{signed, anon} {
		c.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n1")})
	}
	w.subscribed(2)
	w.updateNote(w.alice, "n1", vars{"title": "Toujours là"})
	for _, c := range []*wsClient{signed, anon} {
		if ev := c.event("d"); ev.str("documentChanged.document.title") != "Toujours là" {
			t.Fatalf("event %s", ev.Raw)
		}
	}
	select {
	case <-signed.done:
		t.Fatalf("a connection with a valid token was closed: %v", signed.readErr())
	default:
	}
}

// The embedded store tells in memory when tokens are revoked, so a valid
// connection does not read its token before each event; a revocation
// still closes it before the next one (TestRevokedTokenClosesTheConnectionBeforeTheNextEvent
// runs on the same store).
func TestTokenIsNotReadBeforeEveryEvent(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = time.Hour })
	c := w.connect(w.bob)
	c.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n1")})
	c.quiet(50 * time.Millisecond)
	reads := func() float64 {
		return w.metrics().value(`maillage_store_call_duration_seconds_count{method="TokenByHash"}`)
	}
	before := reads()
	const events = 6
	for i := range events {
		title := fmt.Sprintf("Version %d", i)
		w.updateNote(w.alice, "n1", vars{"title": title})
		if ev := c.event("d"); ev.str("documentChanged.document.title") != title {
			t.Fatalf("event %s, want %q", ev.Raw, title)
		}
	}
	// Each updateNote reads alice's token twice (the version query, the
	// mutation); bob's connection reads his at most once, at its first
	// event — not once per event, which would make 3 per update.
	if got := reads() - before; got > 2*events+1 {
		t.Errorf("%v token reads for %d events and %d mutations: the connection read its token before each event", got, events, events)
	}
}

// A token that expires while its connection is open closes it before the
// next event, though no token was revoked. Unlike
// TestExpiredTokenGetsNoMoreEvents, the connection has an event first, so
// its token's validity is remembered (no token read per event): what is
// remembered must end with the expiry.
func TestExpiredTokenClosesTheConnectionBeforeTheNextEvent(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = time.Hour })
	w.contributor("dora", "Dora")
	// Long enough that connecting, subscribing and the first event end
	// before it even on a loaded machine (400 ms did not, at load 40).
	exp := time.Now().Add(10 * time.Second)
	secret := w.expiringToken(graph.RoleCurator, "dora", exp)
	w.doc(graph.Document{ID: "n4", Title: "Brouillon", Visibility: graph.VisibilityPrivate}, "bob")
	c := w.connect(secret)
	c.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n4")})
	c.quiet(50 * time.Millisecond)
	w.updateNote(w.bob, "n4", vars{"title": "Avant"})
	if ev := c.event("d"); ev.str("documentChanged.document.title") != "Avant" {
		t.Fatalf("event %s while the token is valid", ev.Raw)
	}
	if time.Now().After(exp) {
		t.Fatal("the first event came after the token expired: the test's setup took over 10 s")
	}
	time.Sleep(time.Until(exp) + 100*time.Millisecond) // past the expiry
	w.updateNote(w.bob, "n4", vars{"title": "Après l'expiration"})
	code, reason := c.closed()
	if code != 4403 || !strings.Contains(reason, "expired") {
		t.Fatalf("connection closed with %d %q, want 4403 saying the token has expired", code, reason)
	}
	if strings.Contains(c.frames(), "Après l'expiration") {
		t.Fatal("the connection received a change after its token expired")
	}
}
