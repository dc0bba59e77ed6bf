package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// Live updates, end to end: a real WebSocket client speaking
// graphql-transport-ws to the real server on loopback, mutations over
// HTTP, the embedded store underneath.

// wsMsg is one graphql-transport-ws message.
type wsMsg struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsClient reads every message on its own goroutine, so that a test can
// wait for one with a deadline without closing the socket (coder/websocket
// closes a connection whose read is cancelled).
type wsClient struct {
	t       *testing.T
	conn    *websocket.Conn
	msgs    chan wsMsg
	pending []wsMsg // read while waiting for another subscription's
	mu      sync.Mutex
	raw     []string // every frame received, for leak checks
	err     error    // why reading stopped
	done    chan struct{}
}

type dialOptions struct {
	protocols []string // default: graphql-transport-ws
	header    http.Header
}

// dialWS opens a WebSocket to the env's server without any message sent.
func (e *env) dialWS(o dialOptions) (*wsClient, *http.Response, error) {
	e.t.Helper()
	if o.protocols == nil {
		o.protocols = []string{"graphql-transport-ws"}
	}
	ctx, cancel := context.WithTimeout(e.t.Context(), 5*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: o.protocols, HTTPHeader: o.header})
	if err != nil {
		return nil, res, err
	}
	c := &wsClient{t: e.t, conn: conn, msgs: make(chan wsMsg, 100), done: make(chan struct{})}
	go c.readLoop()
	e.t.Cleanup(func() { conn.CloseNow() })
	return c, res, nil
}

func (c *wsClient) readLoop() {
	defer close(c.done)
	defer close(c.msgs)
	for {
		_, b, err := c.conn.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		c.mu.Lock()
		c.raw = append(c.raw, string(b))
		c.mu.Unlock()
		var m wsMsg
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Errorf("frame is not JSON: %s", b)
			continue
		}
		if m.Type == "ping" {
			c.send(wsMsg{Type: "pong"})
			continue
		}
		c.msgs <- m
	}
}

func (c *wsClient) send(m wsMsg) {
	b, _ := json.Marshal(m)
	if err := c.conn.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.t.Errorf("write %s: %v", b, err)
	}
}

// init sends connection_init with the token (none when "") and waits for
// the acknowledgement.
func (c *wsClient) init(token string) {
	c.t.Helper()
	c.sendInit(token)
	if m := c.read(); m.Type != "connection_ack" {
		c.t.Fatalf("got %s %s, want connection_ack", m.Type, m.Payload)
	}
}

func (c *wsClient) sendInit(token string) {
	m := wsMsg{Type: "connection_init"}
	if token != "" {
		m.Payload = json.RawMessage(fmt.Sprintf(`{"authorization": "Bearer %s"}`, token))
	}
	c.send(m)
}

// read waits up to a minute for the next message (generous: a loaded
// machine runs the suite's servers in parallel).
func (c *wsClient) read() wsMsg {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatalf("connection closed: %v", c.readErr())
		}
		return m
	case <-time.After(time.Minute):
		c.t.Fatal("no message within a minute")
	}
	return wsMsg{}
}

// quiet fails if a message arrives within d, or is pending.
func (c *wsClient) quiet(d time.Duration) {
	c.t.Helper()
	if len(c.pending) > 0 {
		m := c.pending[0]
		c.t.Fatalf("unexpected message %s %s %s", m.Type, m.ID, m.Payload)
	}
	select {
	case m, ok := <-c.msgs:
		if ok {
			c.t.Fatalf("unexpected message %s %s %s", m.Type, m.ID, m.Payload)
		}
	case <-time.After(d):
	}
}

func (c *wsClient) readErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// closed waits for the server to close the socket and returns its close
// status and reason.
func (c *wsClient) closed() (websocket.StatusCode, string) {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(time.Minute):
		c.t.Fatal("the server did not close the connection within a minute")
	}
	var ce websocket.CloseError
	if !errors.As(c.readErr(), &ce) {
		c.t.Fatalf("connection ended without a close frame: %v", c.readErr())
	}
	return ce.Code, ce.Reason
}

func (c *wsClient) frames() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.raw, "\n")
}

func (c *wsClient) subscribe(id, query string, variables vars) {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	c.send(wsMsg{Type: "subscribe", ID: id, Payload: b})
}

// readFor waits for the next message of subscription id; messages of
// other subscriptions, whose order relative to id's is not defined, wait
// their turn.
func (c *wsClient) readFor(id string) wsMsg {
	c.t.Helper()
	for i, m := range c.pending {
		if m.ID == id {
			c.pending = append(c.pending[:i], c.pending[i+1:]...)
			return m
		}
	}
	for {
		m := c.read()
		if m.ID == id {
			return m
		}
		c.pending = append(c.pending, m)
	}
}

// completed sends complete for id and reads the server's complete.
func (c *wsClient) complete(id string) {
	c.t.Helper()
	c.send(wsMsg{Type: "complete", ID: id})
	if m := c.readFor(id); m.Type != "complete" {
		c.t.Fatalf("got %s %s after complete", m.Type, m.Payload)
	}
}

// event waits for the next result of subscription id and returns its data
// as a response (so the usual path helpers apply).
func (c *wsClient) event(id string) *response {
	c.t.Helper()
	m := c.readFor(id)
	if m.Type != "next" || m.ID != id {
		c.t.Fatalf("got %s (id %q) %s, want next for %s", m.Type, m.ID, m.Payload, id)
	}
	r := &response{t: c.t, Status: http.StatusOK, Raw: m.Payload}
	if err := json.Unmarshal(m.Payload, r); err != nil {
		c.t.Fatalf("payload: %v: %s", err, m.Payload)
	}
	if len(r.Errors) > 0 {
		c.t.Fatalf("event with errors: %s", m.Payload)
	}
	return r
}

// failure waits for subscription id to fail, with an error message or a
// result carrying errors (then complete), and returns the first error's
// code.
func (c *wsClient) failure(id string) (string, string) {
	c.t.Helper()
	m := c.readFor(id)
	if m.ID != id {
		c.t.Fatalf("got %s for id %q, want a failure of %s: %s", m.Type, m.ID, id, m.Payload)
	}
	var errs []gqlError
	switch m.Type {
	case "error":
		if err := json.Unmarshal(m.Payload, &errs); err != nil {
			c.t.Fatalf("error payload: %v: %s", err, m.Payload)
		}
	case "next":
		var r struct {
			Errors []gqlError `json:"errors"`
		}
		if err := json.Unmarshal(m.Payload, &r); err != nil {
			c.t.Fatalf("next payload: %v: %s", err, m.Payload)
		}
		errs = r.Errors
		if done := c.readFor(id); done.Type != "complete" {
			c.t.Fatalf("got %s %s after the errors, want complete", done.Type, done.Payload)
		}
	default:
		c.t.Fatalf("got %s %s, want error", m.Type, m.Payload)
	}
	if len(errs) == 0 {
		c.t.Fatalf("failure without errors: %s", m.Payload)
	}
	code, _ := errs[0].Extensions["code"].(string)
	return code, errs[0].Message
}

func (c *wsClient) wantFailure(id, code string) string {
	c.t.Helper()
	got, msg := c.failure(id)
	if got != code {
		c.t.Fatalf("subscription %s failed with %q (%s), want %s", id, got, msg, code)
	}
	return msg
}

// ---- the world ----

const docSub = `subscription($id: ID!) { documentChanged(id: $id) {
	kind seq documentId
	document { id title visibility hidden ... on Note { body } }
} }`

type liveWorld struct {
	*env
	alice, bob, curator string // tokens: alice writes n1, bob is another contributor
}

func newLiveWorld(t *testing.T, config func(*api.Config)) *liveWorld {
	return newLiveWorldWith(t, envOptions{config: config})
}

func newLiveWorldWith(t *testing.T, o envOptions) *liveWorld {
	e := newEnvWith(t, o)
	e.contributor("alice", "Alice")
	e.contributor("bob", "Bob")
	e.doc(graph.Document{ID: "n1", Title: "Jardins partagés", Body: "Des jardins au cœur du quartier."}, "alice")
	e.doc(graph.Document{ID: "n2", Title: "Cuisine collective", Body: "On cuisine ensemble."}, "alice")
	_, err := e.store.Carnets().Create(e.sys(), graph.Carnet{ID: "c1", Title: "Carnet du quartier", Categories: []string{"Compte rendu"}})
	e.must(err, "carnet")
	return &liveWorld{env: e,
		alice:   e.token(graph.RoleContributor, "alice"),
		bob:     e.token(graph.RoleContributor, "bob"),
		curator: e.token(graph.RoleCurator, ""),
	}
}

// subscribed waits until the server holds n open subscriptions: it handles
// a subscribe message on its own time, and a change made before the
// subscription is open is not the subscription's to see. Waiting a fixed
// time instead fails on a loaded machine.
func (w *liveWorld) subscribed(n int) {
	w.t.Helper()
	waitFor(w.t, fmt.Sprintf("%d open subscriptions", n), func() bool { return w.openSubscriptions() == n })
}

func (w *liveWorld) connect(token string) *wsClient {
	w.t.Helper()
	c, _, err := w.dialWS(dialOptions{})
	if err != nil {
		w.t.Fatalf("dial: %v", err)
	}
	c.init(token)
	return c
}

// version reads a document's current version through the API.
func (w *liveWorld) version(token, id string) int {
	w.t.Helper()
	return w.query(token, `query($id: ID!) { node(id: $id) { ... on Note { version } } }`, vars{"id": gid(graph.KindNote, id)}).ok().num("node.version")
}

func (w *liveWorld) updateNote(token, id string, fields vars) {
	w.t.Helper()
	input := vars{"id": gid(graph.KindNote, id), "version": w.version(token, id)}
	for k, v := range fields {
		input[k] = v
	}
	w.query(token, `mutation($in: UpdateNoteInput!) { updateNote(input: $in) { note { id } } }`, vars{"in": input}).ok()
}

func (w *liveWorld) setHidden(id string, hidden bool) {
	w.t.Helper()
	w.query(w.curator, `mutation($id: ID!, $h: Boolean!) { setDocumentHidden(id: $id, hidden: $h) { document { id } } }`,
		vars{"id": gid(graph.KindNote, id), "h": hidden}).ok()
}

// ---- tests ----

func TestSubscriptionSeesAMutationOverHTTP(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, nil)
	c := w.connect("") // anonymous: n1 is public
	before := w.lastSeq()
	c.subscribe("1", docSub, vars{"id": gid(graph.KindNote, "n1")})
	w.subscribed(1)
	c.quiet(50 * time.Millisecond) // nothing happens until something changes

	w.updateNote(w.alice, "n1", vars{"title": "Jardins partagés, saison 2"})
	ev := c.event("1")
	if ev.str("documentChanged.kind") != "UPDATED" || ev.str("documentChanged.document.title") != "Jardins partagés, saison 2" ||
		ev.str("documentChanged.documentId") != gid(graph.KindNote, "n1") {
		t.Fatalf("event %s", ev.Raw)
	}
	seq, err := strconv.ParseUint(ev.str("documentChanged.seq"), 10, 64)
	if err != nil || seq <= before || seq > w.lastSeq() {
		t.Fatalf("seq %q: want a decimal in (%d, %d]", ev.str("documentChanged.seq"), before, w.lastSeq())
	}

	// A link from another note is LINKED (a backlink); a change to
	// another document is not this subscription's business.
	w.query(w.alice, `mutation($f: ID!, $t: ID!) { link(input: {relation: LINKS_TO, from: $f, to: $t}) { link { relation } } }`,
		vars{"f": gid(graph.KindNote, "n2"), "t": gid(graph.KindNote, "n1")}).ok()
	if ev := c.event("1"); ev.str("documentChanged.kind") != "LINKED" {
		t.Fatalf("event %s, want LINKED", ev.Raw)
	}
	w.updateNote(w.alice, "n2", vars{"title": "Autre chose"})
	c.quiet(100 * time.Millisecond)

	// complete stops it: later changes send nothing.
	c.complete("1")
	w.subscribed(0)
	w.updateNote(w.alice, "n1", vars{"title": "Encore"})
	c.quiet(100 * time.Millisecond)
}

// Writes that do not go through this server (another process, an import)
// are seen by the broker's poll.
func TestSubscriptionSeesWritesOfAnotherProcess(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.Poll = 20 * time.Millisecond })
	c := w.connect("")
	c.subscribe("1", docSub, vars{"id": gid(graph.KindNote, "n1")})
	w.subscribed(1)
	c.quiet(30 * time.Millisecond)
	title := "Écrit par un import"
	_, err := w.store.UpdateDocument(w.sys(), "n1", graph.DocumentUpdate{Version: 1, Title: &title})
	w.must(err, "update in the store")
	if ev := c.event("1"); ev.str("documentChanged.document.title") != title {
		t.Fatalf("event %s", ev.Raw)
	}
}

func TestCarnetSubscription(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, nil)
	c := w.connect(w.bob)
	c.subscribe("c", `subscription($id: ID!) { carnetChanged(id: $id) {
		kind seq carnetId carnet { title } documentId document { title }
	} }`, vars{"id": gid(graph.KindCarnet, "c1")})
	w.subscribed(1)
	c.quiet(50 * time.Millisecond)
	want := func(kind, title string) *response {
		t.Helper()
		ev := c.event("c")
		if ev.str("carnetChanged.kind") != kind || ev.str("carnetChanged.carnetId") != gid(graph.KindCarnet, "c1") {
			t.Fatalf("event %s, want %s", ev.Raw, kind)
		}
		if title != "" && ev.str("carnetChanged.document.title") != title {
			t.Fatalf("event %s, want document %q", ev.Raw, title)
		}
		return ev
	}

	w.query(w.alice, `mutation($d: ID!, $c: ID!) { addToCarnet(documentId: $d, carnetId: $c, category: "Compte rendu") { link { relation } } }`,
		vars{"d": gid(graph.KindNote, "n1"), "c": gid(graph.KindCarnet, "c1")}).ok()
	want("ADDED", "Jardins partagés")
	w.updateNote(w.alice, "n1", vars{"title": "Jardins, suite"})
	want("UPDATED", "Jardins, suite")
	w.updateNote(w.alice, "n2", vars{"title": "Pas dans le carnet"}) // not filed here
	c.quiet(100 * time.Millisecond)
	w.query(w.curator, `mutation($id: ID!) { updateCarnet(input: {id: $id, version: 1, title: "Carnet renommé"}) { carnet { id } } }`,
		vars{"id": gid(graph.KindCarnet, "c1")}).ok()
	if ev := want("UPDATED", ""); ev.str("carnetChanged.carnet.title") != "Carnet renommé" || ev.get("carnetChanged.documentId") != nil {
		t.Fatalf("event %s, want the carnet's new title and no document", ev.Raw)
	}
	w.query(w.alice, `mutation($d: ID!, $c: ID!) { unlink(relation: IN_CARNET, from: $d, to: $c) { relation } }`,
		vars{"d": gid(graph.KindNote, "n1"), "c": gid(graph.KindCarnet, "c1")}).ok()
	if ev := want("REMOVED", "Jardins, suite"); ev.str("carnetChanged.documentId") != gid(graph.KindNote, "n1") {
		t.Fatalf("event %s", ev.Raw)
	}
	w.updateNote(w.alice, "n1", vars{"title": "Plus dans le carnet"})
	c.quiet(100 * time.Millisecond)
}

func TestModerationQueueSubscription(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, nil)
	c := w.connect(w.curator)
	c.subscribe("m", `subscription { moderationQueueChanged {
		kind seq flagId documentId flag { id status reason decision document { title } }
	} }`, nil)
	w.subscribed(1)
	c.quiet(50 * time.Millisecond)

	r := w.query(w.bob, `mutation($id: ID!) { flagDocument(id: $id, reason: "Propos à vérifier") { flag { id } } }`,
		vars{"id": gid(graph.KindNote, "n1")}).ok()
	flagID := r.str("flagDocument.flag.id")
	ev := c.event("m")
	if ev.str("moderationQueueChanged.kind") != "FLAGGED" || ev.str("moderationQueueChanged.flagId") != flagID ||
		ev.str("moderationQueueChanged.flag.reason") != "Propos à vérifier" || ev.str("moderationQueueChanged.flag.document.title") != "Jardins partagés" ||
		ev.str("moderationQueueChanged.documentId") != gid(graph.KindNote, "n1") {
		t.Fatalf("event %s", ev.Raw)
	}
	// An edit of the flagged document is not a change of the queue.
	w.updateNote(w.alice, "n1", vars{"title": "Jardins, corrigé"})
	c.quiet(100 * time.Millisecond)

	w.query(w.curator, `mutation($id: ID!) { resolveFlag(id: $id, decision: HIDE, note: "Hors sujet") { flag { id } } }`, vars{"id": flagID}).ok()
	ev = c.event("m")
	if ev.str("moderationQueueChanged.kind") != "RESOLVED" || ev.str("moderationQueueChanged.flag.decision") != "HIDE" {
		t.Fatalf("event %s", ev.Raw)
	}

	// A flag whose document is deleted leaves the queue: REMOVED.
	r = w.query(w.bob, `mutation($id: ID!) { flagDocument(id: $id, reason: "Doublon") { flag { id } } }`,
		vars{"id": gid(graph.KindNote, "n2")}).ok()
	second := r.str("flagDocument.flag.id")
	if ev := c.event("m"); ev.str("moderationQueueChanged.kind") != "FLAGGED" {
		t.Fatalf("event %s", ev.Raw)
	}
	w.query(w.alice, `mutation($id: ID!, $v: Int!) { deleteNote(id: $id, version: $v) { deletedId } }`,
		vars{"id": gid(graph.KindNote, "n2"), "v": w.version(w.alice, "n2")}).ok()
	ev = c.event("m")
	if ev.str("moderationQueueChanged.kind") != "REMOVED" || ev.str("moderationQueueChanged.flagId") != second || ev.get("moderationQueueChanged.flag") != nil {
		t.Fatalf("event %s", ev.Raw)
	}
}

// A document that becomes private or hidden stops being delivered to those
// who may no longer read it: one UNAVAILABLE event without content, then
// nothing, whatever it says; its author and curators still follow it.
func TestSubscriptionPrivacy(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, nil)
	n1 := gid(graph.KindNote, "n1")
	anon, bob, author, curator := w.connect(""), w.connect(w.bob), w.connect(w.alice), w.connect(w.curator)
	all := []*wsClient{anon, bob, author, curator}
	for _, c := range all {
		c.subscribe("d", docSub, vars{"id": n1})
		c.subscribe("c", `subscription($id: ID!) { carnetChanged(id: $id) { kind documentId document { title } } }`,
			vars{"id": gid(graph.KindCarnet, "c1")})
	}
	w.subscribed(2 * len(all))
	outsiders := []*wsClient{anon, bob}
	insiders := []*wsClient{author, curator}

	w.updateNote(w.alice, "n1", vars{"visibility": "PRIVATE"})
	for _, c := range outsiders {
		ev := c.event("d")
		if ev.str("documentChanged.kind") != "UNAVAILABLE" || ev.get("documentChanged.document") != nil {
			t.Fatalf("outsider got %s, want UNAVAILABLE without content", ev.Raw)
		}
	}
	for _, c := range insiders {
		if ev := c.event("d"); ev.str("documentChanged.kind") != "UPDATED" || ev.str("documentChanged.document.visibility") != "PRIVATE" {
			t.Fatalf("insider got %s", ev.Raw)
		}
	}

	// While private: its new text, a link to it, its filing in a public
	// carnet reach the insiders only.
	const secret = "SECRET-potager-7f3a"
	w.updateNote(w.alice, "n1", vars{"title": secret, "body": secret})
	w.query(w.alice, `mutation($f: ID!, $t: ID!) { link(input: {relation: LINKS_TO, from: $f, to: $t}) { link { relation } } }`,
		vars{"f": gid(graph.KindNote, "n2"), "t": n1}).ok()
	w.query(w.alice, `mutation($d: ID!, $c: ID!) { addToCarnet(documentId: $d, carnetId: $c) { link { relation } } }`,
		vars{"d": n1, "c": gid(graph.KindCarnet, "c1")}).ok()
	for _, c := range insiders {
		if ev := c.event("d"); ev.str("documentChanged.document.title") != secret {
			t.Fatalf("insider got %s", ev.Raw)
		}
		if ev := c.event("d"); ev.str("documentChanged.kind") != "LINKED" {
			t.Fatalf("insider got %s", ev.Raw)
		}
		if ev := c.event("d"); ev.str("documentChanged.kind") != "LINKED" { // filed: IN_CARNET
			t.Fatalf("insider got %s", ev.Raw)
		}
		if ev := c.event("c"); ev.str("carnetChanged.kind") != "ADDED" || ev.str("carnetChanged.document.title") != secret {
			t.Fatalf("insider got %s", ev.Raw)
		}
	}
	for _, c := range outsiders {
		c.quiet(150 * time.Millisecond)
	}

	// Public again: everyone reads it, and the carnet now shows it.
	w.updateNote(w.alice, "n1", vars{"visibility": "PUBLIC", "title": "Jardins partagés", "body": "Des jardins."})
	for _, c := range all {
		if ev := c.event("d"); ev.str("documentChanged.kind") != "UPDATED" || ev.str("documentChanged.document.title") != "Jardins partagés" {
			t.Fatalf("got %s", ev.Raw)
		}
	}
	for _, c := range outsiders {
		if ev := c.event("c"); ev.str("carnetChanged.kind") != "ADDED" {
			t.Fatalf("outsider got %s, want the document ADDED once readable", ev.Raw)
		}
	}
	for _, c := range insiders {
		if ev := c.event("c"); ev.str("carnetChanged.kind") != "UPDATED" {
			t.Fatalf("insider got %s", ev.Raw)
		}
	}

	// Hidden pending review: the same, by the curator's hand.
	w.setHidden("n1", true)
	for _, c := range outsiders {
		if ev := c.event("d"); ev.str("documentChanged.kind") != "UNAVAILABLE" || ev.get("documentChanged.document") != nil {
			t.Fatalf("outsider got %s", ev.Raw)
		}
		if ev := c.event("c"); ev.str("carnetChanged.kind") != "UNAVAILABLE" || ev.get("carnetChanged.document") != nil ||
			ev.str("carnetChanged.documentId") != n1 {
			t.Fatalf("outsider got %s", ev.Raw)
		}
	}
	for _, c := range insiders {
		if ev := c.event("d"); !ev.get("documentChanged.document.hidden").(bool) {
			t.Fatalf("insider got %s", ev.Raw)
		}
		c.event("c")
	}
	w.updateNote(w.alice, "n1", vars{"body": secret + " caché"})
	for _, c := range insiders {
		c.event("d")
		c.event("c")
	}
	for _, c := range outsiders {
		c.quiet(150 * time.Millisecond)
		if strings.Contains(c.frames(), secret) || strings.Contains(c.frames(), "potager") {
			t.Fatalf("an outsider received the private text:\n%s", c.frames())
		}
	}
	if !strings.Contains(author.frames(), secret) {
		t.Fatal("the author never received the text: the leak check above proves nothing")
	}

	// Nobody may start following a document they may not read.
	anon.subscribe("late", docSub, vars{"id": n1})
	anon.wantFailure("late", graph.ENOTFOUND)
}

// The payload resolves nested fields with the subscriber's viewer: an
// author's PRIVATE and AGGREGATE standpoints never show, PUBLIC ones do.
func TestSubscriptionPayloadKeepsStandpointsPrivate(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, nil)
	w.declare("alice", "disability", "living-with-disability", graph.DeclPrivate)
	w.declare("alice", "indigeneity", "inuit", graph.DeclAggregate)
	w.declare("alice", "gender", "non-binary", graph.DeclPublic)
	q := `subscription($id: ID!) { documentChanged(id: $id) { kind document { authors { name standpoints { dimension value visibility } } } } }`
	viewers := map[string]string{"anonymous": "", "bob": w.bob, "curator": w.curator, "admin": w.token(graph.RoleAdmin, "")}
	clients := map[string]*wsClient{}
	for name, tok := range viewers {
		clients[name] = w.connect(tok)
		clients[name].subscribe("1", q, vars{"id": gid(graph.KindNote, "n1")})
	}
	w.subscribed(len(clients))
	w.updateNote(w.alice, "n1", vars{"title": "Jardins de Alice"})
	for name, c := range clients {
		ev := c.event("1")
		if !strings.Contains(string(ev.Raw), "non-binary") {
			t.Fatalf("%s: the PUBLIC standpoint is missing, so the check below proves nothing: %s", name, ev.Raw)
		}
		noMarker(t, ev.Raw, "%s's event", name)
	}
}

func TestSubscriptionBadInput(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Limits.MaxDepth = 4 })
	c := w.connect(w.bob)
	cases := []struct {
		name, query string
		vars        vars
		code        string
	}{
		{"unknown id", docSub, vars{"id": gid(graph.KindNote, "nope")}, graph.ENOTFOUND},
		{"id of another kind", docSub, vars{"id": gid(graph.KindContributor, "alice")}, graph.EINVALID},
		{"not an id", docSub, vars{"id": "pas-un-id"}, graph.EINVALID},
		{"a term id for a note's id", docSub, vars{"id": gid(graph.KindTerm, "n1")}, graph.ENOTFOUND},
		{"carnet: a note's id", `subscription($id: ID!) { carnetChanged(id: $id) { kind } }`, vars{"id": gid(graph.KindNote, "n1")}, graph.EINVALID},
		{"carnet: unknown", `subscription($id: ID!) { carnetChanged(id: $id) { kind } }`, vars{"id": gid(graph.KindCarnet, "nope")}, graph.ENOTFOUND},
		{"moderation: not a curator", `subscription { moderationQueueChanged { kind } }`, nil, graph.EFORBIDDEN},
		{"too deep", `subscription($id: ID!) { documentChanged(id: $id) { document { authors { affiliations { name } } } } }`,
			vars{"id": gid(graph.KindNote, "n1")}, "DEPTH_LIMIT_EXCEEDED"},
		{"two streams", `subscription($id: ID!) { a: documentChanged(id: $id) { kind } b: documentChanged(id: $id) { kind } }`,
			vars{"id": gid(graph.KindNote, "n1")}, "GRAPHQL_VALIDATION_FAILED"},
		{"not a subscription document", `{ {`, nil, "GRAPHQL_PARSE_FAILED"},
	}
	for i, tc := range cases {
		id := strconv.Itoa(i)
		c.subscribe(id, tc.query, tc.vars)
		if code, msg := c.failure(id); code != tc.code {
			t.Errorf("%s: code %q (%s), want %s", tc.name, code, msg, tc.code)
		}
	}
	// The connection survives bad subscriptions and still works.
	c.subscribe("ok", docSub, vars{"id": gid(graph.KindNote, "n1")})
	w.subscribed(1)
	w.updateNote(w.alice, "n1", vars{"title": "Toujours là"})
	c.event("ok")

	anon := w.connect("")
	anon.subscribe("m", `subscription { moderationQueueChanged { kind } }`, nil)
	anon.wantFailure("m", graph.EUNAUTHENTICATED)

	// Over HTTP a subscription is refused at once, not left hanging.
	r := w.query("", `subscription($id: ID!) { documentChanged(id: $id) { kind } }`, vars{"id": gid(graph.KindNote, "n1")})
	if r.code() != graph.EINVALID || !strings.Contains(r.Errors[0].Message, "WebSocket") {
		t.Fatalf("subscription over HTTP: %s", r.Raw)
	}
}

func TestSubscriptionHandshake(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.CORSOrigins = []string{"https://praxis.example"} })

	t.Run("bad token closes with 4403", func(t *testing.T) {
		c, _, err := w.dialWS(dialOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c.sendInit("pas-un-jeton")
		code, reason := c.closed()
		if code != 4403 || !strings.Contains(reason, "Forbidden") {
			t.Fatalf("closed with %d %q, want 4403 Forbidden", code, reason)
		}
	})
	t.Run("authorization that is not a bearer string", func(t *testing.T) {
		c, _, err := w.dialWS(dialOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c.send(wsMsg{Type: "connection_init", Payload: json.RawMessage(`{"authorization": 42}`)})
		if code, _ := c.closed(); code != 4403 {
			t.Fatalf("closed with %d, want 4403", code)
		}
	})
	for _, protos := range [][]string{{"graphql-ws"}, {}, {"mqtt"}} {
		t.Run(fmt.Sprintf("subprotocol %v closes with 4406", protos), func(t *testing.T) {
			c, _, err := w.dialWS(dialOptions{protocols: protos})
			if err != nil {
				t.Fatal(err)
			}
			code, reason := c.closed()
			if code != 4406 || !strings.Contains(reason, "graphql-transport-ws") {
				t.Fatalf("closed with %d %q, want 4406 naming graphql-transport-ws", code, reason)
			}
		})
	}
	t.Run("origins", func(t *testing.T) {
		_, res, err := w.dialWS(dialOptions{header: http.Header{"Origin": {"https://evil.example"}}})
		if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
			t.Fatalf("foreign origin: err %v, response %v; want 403", err, res)
		}
		body, _ := io.ReadAll(res.Body)
		if !strings.Contains(string(body), `"FORBIDDEN"`) {
			t.Fatalf("body %s", body)
		}
		c, _, err := w.dialWS(dialOptions{header: http.Header{"Origin": {"https://praxis.example"}}})
		if err != nil {
			t.Fatalf("configured origin refused: %v", err)
		}
		c.init(w.bob)
	})
	t.Run("a token in the upgrade's header works too", func(t *testing.T) {
		c, _, err := w.dialWS(dialOptions{header: http.Header{"Authorization": {"Bearer " + w.curator}}})
		if err != nil {
			t.Fatal(err)
		}
		c.init("")
		c.subscribe("m", `subscription { moderationQueueChanged { kind } }`, nil)
		c.quiet(50 * time.Millisecond) // admitted: a curator
		_, res, err := w.dialWS(dialOptions{header: http.Header{"Authorization": {"Bearer faux"}}})
		if err == nil || res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad header token: %v %v, want 401", err, res)
		}
	})
	t.Run("plain GET with another upgrade", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, w.srv.URL+"/graphql", nil)
		req.Header.Set("Upgrade", "h2c")
		req.Header.Set("Connection", "Upgrade")
		r := w.send(req)
		if r.Status != http.StatusBadRequest || r.code() != "BAD_REQUEST" {
			t.Fatalf("status %d %s", r.Status, r.Raw)
		}
	})
}

func TestSubscriptionLimits(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) {
		c.Live.MaxSubscriptionsPerConnection = 2
		c.Live.MaxConnectionsPerAddress = 3
	})
	c := w.connect(w.bob)
	for _, id := range []string{"a", "b"} {
		c.subscribe(id, docSub, vars{"id": gid(graph.KindNote, "n1")})
	}
	w.subscribed(2)
	c.subscribe("c", docSub, vars{"id": gid(graph.KindNote, "n1")})
	c.wantFailure("c", "SUBSCRIPTION_LIMIT_EXCEEDED")
	// Completing one frees its slot.
	c.complete("a")
	w.subscribed(1)
	c.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n1")})
	c.quiet(50 * time.Millisecond)

	w.connect("")
	w.connect("")
	_, res, err := w.dialWS(dialOptions{})
	if err == nil || res == nil || res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("fourth connection: err %v, response %v; want 429 with Retry-After", err, res)
	}
}

// openSubscriptions reads maillage_subscriptions_open from /metrics.
func (e *env) openSubscriptions() int {
	e.t.Helper()
	res, err := e.srv.Client().Get(e.srv.URL + "/metrics")
	e.must(err, "metrics")
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`(?m)^maillage_subscriptions_open (\S+)$`).FindSubmatch(b)
	if m == nil {
		e.t.Fatalf("no maillage_subscriptions_open in /metrics")
	}
	n, err := strconv.ParseFloat(string(m[1]), 64)
	e.must(err, "parse gauge")
	return int(n)
}

// A client that goes away leaves nothing behind: its subscriptions end,
// the broker's follower stops, every goroutine exits.
func TestDisconnectCleansUp(t *testing.T) {
	w := newLiveWorld(t, nil)
	w.openSubscriptions() // warm the HTTP client's connection
	time.Sleep(20 * time.Millisecond)
	base := runtime.NumGoroutine()

	for round := range 2 {
		var clients []*wsClient
		for i := range 3 {
			c := w.connect(w.curator)
			c.subscribe("d", docSub, vars{"id": gid(graph.KindNote, "n1")})
			c.subscribe("c", `subscription($id: ID!) { carnetChanged(id: $id) { kind } }`, vars{"id": gid(graph.KindCarnet, "c1")})
			c.subscribe("m", `subscription { moderationQueueChanged { kind } }`, nil)
			clients = append(clients, c)
			_ = i
		}
		waitFor(t, "9 open subscriptions", func() bool { return w.openSubscriptions() == 9 })
		if round == 0 {
			for _, c := range clients {
				c.conn.CloseNow() // abrupt: no close frame
			}
		} else {
			for _, c := range clients {
				c.conn.Close(websocket.StatusNormalClosure, "au revoir")
			}
		}
		waitFor(t, "no open subscription", func() bool { return w.openSubscriptions() == 0 })
	}
	w.srv.Client().CloseIdleConnections()
	waitFor(t, "goroutines back to their number before", func() bool { return runtime.NumGoroutine() <= base })
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // generous: a loaded machine
	for !cond() {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("timed out waiting for %s; goroutines:\n%s", what, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Failed sign-ins in connection_init spend the address's failure budget,
// as failed HTTP sign-ins do: once it is spent, a connection that tries
// another token is closed with 4429 before the store is asked.
func TestSubscriptionFailedSignInsAreRateLimited(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Limits.RatePerIP, c.Limits.BurstPerIP = 0.001, 3 })
	// Connections opened with a valid token in the header spend no
	// anonymous budget; each then tries a bad token in connection_init.
	var clients []*wsClient
	for range 4 {
		c, _, err := w.dialWS(dialOptions{header: http.Header{"Authorization": {"Bearer " + w.bob}}})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	for i, c := range clients {
		c.sendInit("mauvais-jeton")
		code, reason := c.closed()
		want := websocket.StatusCode(4403)
		if i == 3 {
			want = 4429
		}
		if code != want {
			t.Fatalf("connection %d closed with %d %q, want %d", i, code, reason, want)
		}
	}
	// And the address may no longer try tokens over HTTP either.
	if r := w.query(w.bob, `{ __typename }`, nil); r.Status != http.StatusTooManyRequests {
		t.Fatalf("status %d after spent failures, want 429: %s", r.Status, r.Raw)
	}
}
