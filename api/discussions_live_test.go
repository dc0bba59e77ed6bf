package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

const commentSub = `subscription($id: ID!) { commentAdded(documentId: $id) {
	seq documentId comment { id body author { name } }
} }`

func (w *liveWorld) comment(token, docID, body string) string {
	w.t.Helper()
	return w.query(token, addCommentMutation, vars{"doc": gid(graph.KindNote, docID), "body": body}).ok().str("addComment.comment.id")
}

// TestCommentAddedSubscription follows new comments over the real
// WebSocket: delivered to whoever may read the document when the comment
// comes, not for edits, and nothing once the document turned private to a
// subscriber.
func TestCommentAddedSubscription(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, nil)
	w.doc(graph.Document{ID: "n3", Title: "Brouillon", Visibility: graph.VisibilityPrivate}, "alice")
	alice, bob, anon := w.connect(w.alice), w.connect(w.bob), w.connect("")
	for _, c := range []*wsClient{alice, bob, anon} {
		c.subscribe("c", commentSub, vars{"id": gid(graph.KindNote, "n1")})
	}
	bob.subscribe("p", commentSub, vars{"id": gid(graph.KindNote, "n3")})
	bob.wantFailure("p", graph.ENOTFOUND)
	w.subscribed(3)

	id := w.comment(w.bob, "n1", "Bonne idée, le jardin")
	for name, c := range map[string]*wsClient{"alice": alice, "bob": bob, "anonymous": anon} {
		ev := c.event("c")
		if ev.str("commentAdded.comment.id") != id || ev.str("commentAdded.comment.body") != "Bonne idée, le jardin" ||
			ev.str("commentAdded.comment.author.name") != "Bob" || ev.str("commentAdded.documentId") != gid(graph.KindNote, "n1") {
			t.Errorf("%s got %s", name, ev.Raw)
		}
	}
	// An edit is not a new comment.
	w.query(w.bob, editCommentMutation, vars{"id": id, "body": "Bonne idée, corrigée", "v": 1}).ok()

	// n1 becomes private: only its author hears of the next comment.
	w.updateNote(w.alice, "n1", vars{"visibility": "PRIVATE"})
	secret := "Réservé à l'autrice"
	second := w.comment(w.alice, "n1", secret)
	if ev := alice.event("c"); ev.str("commentAdded.comment.id") != second {
		t.Fatalf("alice got %s, want her new comment (not the edit)", ev.Raw)
	}
	bob.quiet(100 * time.Millisecond)
	anon.quiet(10 * time.Millisecond)
	for _, c := range []*wsClient{bob, anon} {
		if strings.Contains(c.frames(), secret) {
			t.Fatalf("a subscriber who may no longer read n1 received %q:\n%s", secret, c.frames())
		}
	}
}

// TestCommentAddedStopsWithTheToken: the subscriber's token is checked at
// delivery; once revoked, the connection closes before the comment goes
// out.
func TestCommentAddedStopsWithTheToken(t *testing.T) {
	t.Parallel()
	w := newLiveWorld(t, func(c *api.Config) { c.Live.TokenCheck = time.Hour })
	w.doc(graph.Document{ID: "n3", Title: "Notes confidentielles", Visibility: graph.VisibilityPrivate}, "bob")
	carol, admin := w.revocableCurator(), w.token(graph.RoleAdmin, "")
	c := w.connect(carol)
	c.subscribe("c", commentSub, vars{"id": gid(graph.KindNote, "n3")})
	w.subscribed(1)
	first := w.comment(w.bob, "n3", "Première remarque")
	if ev := c.event("c"); ev.str("commentAdded.comment.id") != first {
		t.Fatalf("event %s, want the curator to read the private note's comment while the token is valid", ev.Raw)
	}
	w.deleteContributor(admin, "carol")
	secret := "Le secret d'après"
	w.comment(w.bob, "n3", secret)
	if code, reason := c.closed(); code != 4403 || !strings.Contains(reason, "revoked") {
		t.Fatalf("connection closed with %d %q, want 4403 saying the token was revoked", code, reason)
	}
	if strings.Contains(c.frames(), secret) {
		t.Fatalf("the revoked connection received the new comment:\n%s", c.frames())
	}
}
