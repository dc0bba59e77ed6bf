package api_test

import (
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

const addCommentMutation = `mutation($doc: ID!, $replyTo: ID, $body: String!) {
	addComment(documentId: $doc, replyTo: $replyTo, body: $body) { comment { id body version depth replyTo deleted author { name } document { title } } }
}`

const editCommentMutation = `mutation($id: ID!, $body: String!, $v: Int!) {
	editComment(id: $id, body: $body, expectedVersion: $v) { comment { id body version } }
}`

const deleteCommentMutation = `mutation($id: ID!) { deleteComment(id: $id) { comment { id deleted body author { name } } } }`

const discussionQuery = `query($doc: ID!) {
	node(id: $doc) { ... on Document { discussion(first: 10) {
		totalCount
		nodes { id body deleted replyCount author { name }
			replies(first: 10) { totalCount nodes { id body author { name } revisions(first: 5) { totalCount nodes { version body editor { name } } } } } }
	} } }
}`

// TestDiscussionAPI walks a discussion through GraphQL: threads, replies,
// edits with history, deletion, and each bad input of issue #19 item 4,
// which must change nothing.
func TestDiscussionAPI(t *testing.T) {
	t.Parallel()
	w := newPrivacyWorld(t)
	e := w.env
	alice, bob, carol := w.tokens["alice"], w.tokens["bob"], w.tokens["carol"]
	pub, priv, comm := gid(graph.KindNote, "pub"), gid(graph.KindNote, "priv"), gid(graph.KindNote, "comm")

	r := e.query(carol, addCommentMutation, vars{"doc": pub, "body": "Une **première** remarque"}).ok()
	root := r.str("addComment.comment.id")
	if r.str("addComment.comment.author.name") != "Carol" || r.num("addComment.comment.version") != 1 ||
		r.str("addComment.comment.document.title") != "Public" || r.get("addComment.comment.replyTo") != nil {
		t.Errorf("addComment: %s", r.Raw)
	}
	r = e.query(bob, addCommentMutation, vars{"doc": pub, "replyTo": root, "body": "Je réponds"}).ok()
	reply := r.str("addComment.comment.id")
	if r.str("addComment.comment.replyTo") != root || r.num("addComment.comment.depth") != 1 {
		t.Errorf("reply: %s", r.Raw)
	}
	e.query(bob, editCommentMutation, vars{"id": reply, "body": "Je réponds, corrigé", "v": 1}).ok()

	d := e.query("", discussionQuery, vars{"doc": pub}).ok()
	if d.num("node.discussion.totalCount") != 1 || d.num("node.discussion.nodes.0.replyCount") != 1 ||
		d.str("node.discussion.nodes.0.replies.nodes.0.body") != "Je réponds, corrigé" ||
		d.num("node.discussion.nodes.0.replies.nodes.0.revisions.totalCount") != 2 ||
		d.str("node.discussion.nodes.0.replies.nodes.0.revisions.nodes.1.body") != "Je réponds" {
		t.Errorf("discussion read anonymously: %s", d.Raw)
	}

	seq := e.lastSeq()
	// Bad input: each refused with its code, nothing written.
	e.query(carol, addCommentMutation, vars{"doc": priv, "body": "Bonjour"}).wantCode(graph.ENOTFOUND)
	hidden := e.query(carol, addCommentMutation, vars{"doc": priv, "body": "Bonjour"})
	missing := e.query(carol, addCommentMutation, vars{"doc": gid(graph.KindNote, "absente"), "body": "Bonjour"})
	if strings.ReplaceAll(hidden.Errors[0].Message, "priv", "X") != strings.ReplaceAll(missing.Errors[0].Message, "absente", "X") {
		t.Errorf("a hidden document's error %q differs from an unknown one's %q", hidden.Errors[0].Message, missing.Errors[0].Message)
	}
	e.query(carol, discussionQuery, vars{"doc": comm}).ok() // node is null for carol: no discussion to read
	if got := e.query(carol, discussionQuery, vars{"doc": comm}).get("node"); got != nil {
		t.Errorf("carol reads the community note's discussion: %v", got)
	}
	e.query("", addCommentMutation, vars{"doc": pub, "body": "Anonyme"}).wantCode(graph.EUNAUTHENTICATED)
	e.query(w.tokens["admin"], addCommentMutation, vars{"doc": pub, "body": "Sans profil"}).wantCode(graph.EFORBIDDEN)
	e.query(carol, addCommentMutation, vars{"doc": pub, "body": "  "}).wantCode(graph.EINVALID)
	e.query(carol, addCommentMutation, vars{"doc": pub, "body": strings.Repeat("x", graph.MaxCommentLen+1)}).wantCode(graph.EINVALID)
	e.query(carol, addCommentMutation, vars{"doc": pub, "replyTo": "pas un id!", "body": "x"}).wantCode(graph.EINVALID)
	e.query(alice, editCommentMutation, vars{"id": reply, "body": "Pas à moi", "v": 2}).wantCode(graph.EFORBIDDEN)
	e.query(bob, editCommentMutation, vars{"id": reply, "body": "Périmé", "v": 1}).wantCode(graph.ECONFLICT)
	e.query(alice, deleteCommentMutation, vars{"id": reply}).wantCode(graph.EFORBIDDEN)
	if got := e.lastSeq(); got != seq {
		t.Errorf("refused writes advanced the change sequence from %d to %d", seq, got)
	}

	r = e.query(carol, deleteCommentMutation, vars{"id": root}).ok()
	if r.get("deleteComment.comment.deleted") != true || r.get("deleteComment.comment.body") != nil || r.get("deleteComment.comment.author") != nil {
		t.Errorf("deleteComment: %s", r.Raw)
	}
	e.query(alice, addCommentMutation, vars{"doc": pub, "replyTo": root, "body": "Trop tard"}).wantCode(graph.ECONFLICT)
	d = e.query("", discussionQuery, vars{"doc": pub}).ok()
	if d.num("node.discussion.totalCount") != 1 || d.get("node.discussion.nodes.0.deleted") != true ||
		d.get("node.discussion.nodes.0.body") != nil || d.get("node.discussion.nodes.0.author") != nil ||
		d.str("node.discussion.nodes.0.replies.nodes.0.author.name") != "Bob" {
		t.Errorf("a deleted comment with a reply: %s", d.Raw)
	}
}

// TestCommentModerationAPI: a contributor flags a comment, a curator
// hides it from everyone but curators, then shows it again.
func TestCommentModerationAPI(t *testing.T) {
	t.Parallel()
	w := newPrivacyWorld(t)
	e := w.env
	e.contributor("cur", "Curatrice")
	curator := e.token(graph.RoleCurator, "cur")
	pub := gid(graph.KindNote, "pub")
	c := e.query(w.tokens["carol"], addCommentMutation, vars{"doc": pub, "body": "Achetez ici"}).ok().str("addComment.comment.id")
	const flagComment = `mutation($id: ID!, $reason: String!) { flagComment(id: $id, reason: $reason) { flag { id status comment { body } document { title } } } }`
	e.query("", flagComment, vars{"id": c, "reason": "Spam"}).wantCode(graph.EUNAUTHENTICATED)
	f := e.query(w.tokens["bob"], flagComment, vars{"id": c, "reason": "Spam"}).ok()
	if f.str("flagComment.flag.comment.body") != "Achetez ici" || f.str("flagComment.flag.document.title") != "Public" {
		t.Errorf("flagComment: %s", f.Raw)
	}
	e.query(w.tokens["bob"], flagComment, vars{"id": c, "reason": "Encore"}).wantCode(graph.ECONFLICT)
	q := e.query(curator, `{ moderationQueue { totalCount nodes { id comment { body } } } }`, nil).ok()
	if q.num("moderationQueue.totalCount") != 1 || q.str("moderationQueue.nodes.0.comment.body") != "Achetez ici" {
		t.Errorf("queue: %s", q.Raw)
	}
	e.query(curator, resolveMutation, vars{"id": f.str("flagComment.flag.id"), "decision": "HIDE", "note": "Spam"}).ok()
	const one = `query($id: ID!) { comment(id: $id) { body hidden } }`
	for _, who := range []string{"anonymous", "carol", "bob", "alice"} {
		e.query(w.tokens[who], one, vars{"id": c}).wantCode(graph.ENOTFOUND)
		if n := e.query(w.tokens[who], discussionQuery, vars{"doc": pub}).ok().num("node.discussion.totalCount"); n != 0 {
			t.Errorf("%s counts %d comments beside a hidden one", who, n)
		}
	}
	if r := e.query(curator, one, vars{"id": c}).ok(); r.get("comment.hidden") != true {
		t.Errorf("curator reads the hidden comment: %s", r.Raw)
	}
}
