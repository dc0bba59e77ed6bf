package api_test

import (
	"testing"

	"github.com/encommun/maillage/graph"
)

const flagMutation = `mutation($id: ID!, $reason: String!) {
	flagDocument(id: $id, reason: $reason) { flag { id status reason decision note flagger { name } document { title } } }
}`

const queueQuery = `query($status: FlagStatus, $doc: ID) {
	moderationQueue(status: $status, document: $doc) {
		totalCount
		nodes { id reason status decision note flagger { name } resolvedBy { name } document { title hidden } }
	}
}`

const resolveMutation = `mutation($id: ID!, $decision: FlagDecision!, $note: String!) {
	resolveFlag(id: $id, decision: $decision, note: $note) { flag { status decision note resolvedAt document { title hidden } } }
}`

// A hidden document, seen by everyone: the public note pub by alice,
// linked from pub2, hidden after carol's flag.
const hiddenProbe = `query($pub: ID!, $pub2: ID!) {
	notes { totalCount nodes { title hidden } }
	pub: node(id: $pub) { ... on Note { title hidden } }
	pub2: node(id: $pub2) { ... on Note { links { totalCount } } }
	neighbourhood(id: $pub2) { nodes { label } }
}`

func TestModerationAPI(t *testing.T) {
	t.Parallel()
	w := newPrivacyWorld(t) // pub, pub2 → pub, priv → pub, comm → pub; alice writes, bob is a member
	e := w.env
	e.contributor("cur", "Curatrice")
	curator := e.token(graph.RoleCurator, "cur")
	carol := w.tokens["carol"]
	pub, pub2 := gid(graph.KindNote, "pub"), gid(graph.KindNote, "pub2")

	e.query("", flagMutation, vars{"id": pub, "reason": "Spam"}).wantCode(graph.EUNAUTHENTICATED)
	e.query(w.tokens["admin"], flagMutation, vars{"id": pub, "reason": "Spam"}).wantCode(graph.EFORBIDDEN) // no contributor
	e.query(carol, flagMutation, vars{"id": pub, "reason": ""}).wantCode(graph.EINVALID)
	e.query(carol, flagMutation, vars{"id": gid(graph.KindNote, "priv"), "reason": "Spam"}).wantCode(graph.ENOTFOUND)
	r := e.query(carol, flagMutation, vars{"id": pub, "reason": "Publicité déguisée"}).ok()
	if r.str("flagDocument.flag.status") != "OPEN" || r.str("flagDocument.flag.flagger.name") != "Carol" ||
		r.get("flagDocument.flag.decision") != nil || r.get("flagDocument.flag.note") != nil || r.str("flagDocument.flag.document.title") != "Public" {
		t.Errorf("flag: %s", r.Raw)
	}
	flagID := r.str("flagDocument.flag.id")
	e.query(carol, flagMutation, vars{"id": pub, "reason": "Encore"}).wantCode(graph.ECONFLICT)

	e.query(carol, queueQuery, nil).wantCode(graph.EFORBIDDEN)
	e.query("", queueQuery, nil).wantCode(graph.EUNAUTHENTICATED)
	q := e.query(curator, queueQuery, vars{"doc": pub}).ok()
	if q.num("moderationQueue.totalCount") != 1 || q.str("moderationQueue.nodes.0.id") != flagID || q.str("moderationQueue.nodes.0.reason") != "Publicité déguisée" {
		t.Errorf("queue: %s", q.Raw)
	}

	before := map[string]*response{}
	for who, tok := range w.tokens {
		before[who] = e.query(tok, hiddenProbe, vars{"pub": pub, "pub2": pub2}).ok()
	}
	e.query(carol, resolveMutation, vars{"id": flagID, "decision": "HIDE", "note": "À vérifier"}).wantCode(graph.EFORBIDDEN)
	e.query(curator, resolveMutation, vars{"id": "Not a flag!", "decision": "HIDE", "note": ""}).wantCode(graph.EINVALID)
	e.query(curator, resolveMutation, vars{"id": "nope", "decision": "HIDE", "note": ""}).wantCode(graph.ENOTFOUND)
	r = e.query(curator, resolveMutation, vars{"id": flagID, "decision": "HIDE", "note": "À vérifier"}).ok()
	if r.str("resolveFlag.flag.status") != "RESOLVED" || r.str("resolveFlag.flag.decision") != "HIDE" ||
		r.str("resolveFlag.flag.note") != "À vérifier" || r.get("resolveFlag.flag.document.hidden") != true {
		t.Errorf("resolution: %s", r.Raw)
	}
	e.query(curator, resolveMutation, vars{"id": flagID, "decision": "KEEP", "note": ""}).wantCode(graph.ECONFLICT)

	// Hidden: gone for everyone but its author (alice) and curators, counts
	// included; the author and admins see it marked hidden.
	for who, tok := range w.tokens {
		t.Run(who, func(t *testing.T) {
			b, a := before[who], e.query(tok, hiddenProbe, vars{"pub": pub, "pub2": pub2}).ok()
			sees := who == "alice" || who == "admin"
			delta := 1
			if sees {
				delta = 0
			}
			if got, want := a.num("notes.totalCount"), b.num("notes.totalCount")-delta; got != want {
				t.Errorf("notes.totalCount %d, want %d", got, want)
			}
			if got, want := a.num("pub2.links.totalCount"), b.num("pub2.links.totalCount")-delta; got != want {
				t.Errorf("pub2's links %d, want %d", got, want)
			}
			if got, want := len(a.list("neighbourhood.nodes")), len(b.list("neighbourhood.nodes"))-delta; got != want {
				t.Errorf("neighbourhood of pub2: %d nodes, want %d", got, want)
			}
			if sees != (a.get("pub") != nil) || (sees && a.get("pub.hidden") != true) {
				t.Errorf("node(pub): %v", a.get("pub"))
			}
		})
	}
	// Carol's view of her own flag: the document is gone for her.
	q = e.query(curator, queueQuery, vars{"status": "RESOLVED"}).ok()
	if q.str("moderationQueue.nodes.0.resolvedBy.name") != "Curatrice" {
		t.Errorf("resolved queue: %s", q.Raw)
	}
	// Shown again.
	r = e.query(curator, `mutation($id: ID!) { setDocumentHidden(id: $id, hidden: false) { document { hidden } } }`, vars{"id": pub}).ok()
	if r.get("setDocumentHidden.document.hidden") != false {
		t.Errorf("setDocumentHidden: %s", r.Raw)
	}
	e.query(carol, `mutation($id: ID!) { setDocumentHidden(id: $id, hidden: true) { document { hidden } } }`, vars{"id": pub}).wantCode(graph.EFORBIDDEN)
	for who, tok := range w.tokens {
		a := e.query(tok, hiddenProbe, vars{"pub": pub, "pub2": pub2}).ok()
		if a.num("notes.totalCount") != before[who].num("notes.totalCount") {
			t.Errorf("%s: shown again, notes.totalCount %d, was %d", who, a.num("notes.totalCount"), before[who].num("notes.totalCount"))
		}
	}
}
