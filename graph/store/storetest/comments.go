package storetest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// testComments checks discussions: threads, edits with history, soft
// deletion, who may write and read, moderation of comments, and that a
// document one may not read has no discussion one can tell from none.
func testComments(t *testing.T, newStore factory) {
	t.Run("Thread", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		before := f.lastSeq()
		c1, err := f.s.AddComment(f.asC("x"), "pub", "", "Première remarque")
		f.must(err, "x comments on pub")
		if c1.ID == "" || c1.DocumentID != "pub" || c1.DocumentKind != graph.KindNote || c1.AuthorID != "x" ||
			c1.Body != "Première remarque" || c1.Version != 1 || c1.ParentID != "" || c1.Depth != 0 || c1.Deleted || c1.Hidden {
			t.Errorf("comment %+v", c1)
		}
		wantTime(t, c1.CreatedAt, "comment")
		before = f.wantSeqAdvanced(before, "AddComment")
		changes, err := f.s.Changes(f.sys(), before-1, 10)
		f.must(err, "changes")
		if len(changes) != 1 || changes[0].Op != graph.OpComment || changes[0].ID != "pub" || changes[0].OtherID != c1.ID ||
			changes[0].Kind != graph.KindNote {
			t.Errorf("change of AddComment %+v", changes)
		}
		c2, err := f.s.AddComment(f.asC("a"), "pub", "", "Deuxième fil")
		f.must(err, "a comments on pub")
		// Replies nest to MaxCommentDepth, then flatten.
		parent := c1
		var chain []*graph.Comment
		for i := 0; i <= graph.MaxCommentDepth+1; i++ {
			r, err := f.s.AddComment(f.asC("m"), "pub", parent.ID, "Réponse")
			f.must(err, "reply %d", i)
			chain = append(chain, r)
			wantDepth := min(i+1, graph.MaxCommentDepth)
			if r.Depth != wantDepth {
				t.Errorf("reply %d: depth %d, want %d", i, r.Depth, wantDepth)
			}
			if i+1 <= graph.MaxCommentDepth && r.ParentID != parent.ID {
				t.Errorf("reply %d: parent %q, want %q", i, r.ParentID, parent.ID)
			}
			if i+1 > graph.MaxCommentDepth && r.ParentID != parent.ParentID {
				t.Errorf("reply %d past the depth: parent %q, want the sibling's %q", i, r.ParentID, parent.ParentID)
			}
			parent = r
		}
		top, total := pageAll(t, 1, func(p graph.Page) (*graph.Connection[*graph.Comment], error) {
			return f.s.Comments(f.anon(), "pub", "", p)
		}, "top comments of pub")
		sameOrder(t, commentIDs(top), []string{c1.ID, c2.ID}, "top comments, oldest first")
		if total != 2 || top[0].ReplyCount != 1 || top[1].ReplyCount != 0 {
			t.Errorf("top comments: total %d, replies %d/%d", total, top[0].ReplyCount, top[1].ReplyCount)
		}
		replies, _ := pageAll(t, 0, func(p graph.Page) (*graph.Connection[*graph.Comment], error) {
			return f.s.Comments(f.asC("z"), "pub", c1.ID, p)
		}, "replies")
		sameOrder(t, commentIDs(replies), []string{chain[0].ID}, "replies to c1")
		got, err := f.s.Comment(f.anon(), chain[0].ID)
		f.must(err, "anonymous reads a reply")
		if got.Body != "Réponse" || got.ReplyCount != 1 {
			t.Errorf("comment read back %+v", got)
		}
		_, err = f.s.Comments(f.anon(), "pub", c2.ID+"x", graph.Page{})
		wantCode(t, err, graph.ENOTFOUND, "replies of an unknown comment")
	})

	t.Run("BadInput", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		c, err := f.s.AddComment(f.asC("a"), "priv", "", "Note pour moi")
		f.must(err, "the author comments on her private note")
		before := f.state()
		seq := f.lastSeq()

		_, errMissing := f.s.AddComment(f.asC("x"), missingID, "", "Bonjour")
		_, errHidden := f.s.AddComment(f.asC("x"), "priv", "", "Bonjour")
		wantLikeMissing(t, errHidden, "priv", errMissing, missingID, "commenting on a document one may not read")
		_, errHidden = f.s.Comments(f.asC("x"), "priv", "", graph.Page{})
		_, errMissing = f.s.Comments(f.asC("x"), missingID, "", graph.Page{})
		wantLikeMissing(t, errHidden, "priv", errMissing, missingID, "the discussion of a document one may not read")
		_, errHidden = f.s.Comment(f.asC("x"), c.ID)
		_, errMissing = f.s.Comment(f.asC("x"), missingID)
		wantLikeMissing(t, errHidden, c.ID, errMissing, missingID, "a comment on a document one may not read")
		_, errHidden = f.s.CommentRevisions(f.asC("x"), c.ID, graph.Page{})
		wantLikeMissing(t, errHidden, c.ID, errMissing, missingID, "the history of a comment on a document one may not read")
		_, errHidden = f.s.AddComment(f.asC("x"), "pub", c.ID, "Réponse volée")
		wantCode(t, errHidden, graph.ENOTFOUND, "replying on pub to a comment of priv")
		_, err = f.s.AddComment(f.asC("x"), "k", "", "Carnet")
		wantCode(t, err, graph.ENOTFOUND, "commenting on a carnet")

		_, err = f.s.AddComment(f.anon(), "pub", "", "Anonyme")
		wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous comment")
		_, err = f.s.AddComment(f.as(researcher), "pub", "", "Sans profil")
		wantCode(t, err, graph.EFORBIDDEN, "a token of no contributor comments")
		for _, body := range []string{"", "  \n\t", strings.Repeat("é", graph.MaxCommentLen/2+1), "\xff", "a\x00b"} {
			_, err = f.s.AddComment(f.asC("a"), "pub", "", body)
			wantCode(t, err, graph.EINVALID, "body %.20q", body)
		}
		f.wantState(before, "refused comments")
		_, err = f.s.AddComment(f.asC("a"), "pub", "", strings.Repeat("é", graph.MaxCommentLen/2))
		f.must(err, "a body of exactly the limit")
		_ = f.wantSeqAdvanced(seq, "the comment at the limit")
	})

	t.Run("EditAndHistory", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		c, err := f.s.AddComment(f.asC("x"), "com", "", "Version une")
		if wantCode(t, err, graph.ENOTFOUND, "an outsider comments on a community note") {
			c, err = f.s.AddComment(f.asC("m"), "com", "", "Version une")
			f.must(err, "a member comments on a community note")
		}
		_, err = f.s.EditComment(f.asC("a"), c.ID, "Par l'autrice de la note", 1)
		wantCode(t, err, graph.EFORBIDDEN, "another contributor edits")
		_, err = f.s.EditComment(f.anon(), c.ID, "Anonyme", 1)
		wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous edit")
		_, err = f.s.EditComment(f.asC("x"), c.ID, "Dehors", 1)
		wantCode(t, err, graph.ENOTFOUND, "an outsider edits a comment of a community note")
		e, err := f.s.EditComment(f.asC("m"), c.ID, "Version deux", 1)
		f.must(err, "m edits")
		if e.Version != 2 || e.Body != "Version deux" || !e.UpdatedAt.After(e.CreatedAt) {
			t.Errorf("edited %+v", e)
		}
		_, err = f.s.EditComment(f.asC("m"), c.ID, "Version périmée", 1)
		wantCode(t, err, graph.ECONFLICT, "stale version")
		_, err = f.s.EditComment(f.asC("m"), c.ID, "", 2)
		wantCode(t, err, graph.EINVALID, "emptied")
		_, err = f.s.EditComment(f.as(curator), c.ID, "Version trois, modérée", 2)
		f.must(err, "a curator edits")
		revs, total := pageAll(t, 1, func(p graph.Page) (*graph.Connection[*graph.CommentRevision], error) {
			return f.s.CommentRevisions(f.asC("m"), c.ID, p)
		}, "history")
		var bodies []string
		for _, r := range revs {
			bodies = append(bodies, r.Body)
		}
		sameOrder(t, bodies, []string{"Version trois, modérée", "Version deux", "Version une"}, "history, newest first")
		if total != 3 || revs[2].EditorID != "m" || revs[0].Version != 3 {
			t.Errorf("history: total %d, %+v", total, revs)
		}
		_, err = f.s.CommentRevisions(f.asC("x"), c.ID, graph.Page{})
		wantCode(t, err, graph.ENOTFOUND, "an outsider reads the history of a comment of a community note")
	})

	t.Run("Delete", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		root, err := f.s.AddComment(f.asC("x"), "pub", "", "Racine")
		f.must(err, "root")
		reply, err := f.s.AddComment(f.asC("m"), "pub", root.ID, "Réponse")
		f.must(err, "reply")
		leaf, err := f.s.AddComment(f.asC("x"), "pub", "", "Seule")
		f.must(err, "leaf")
		_, err = f.s.DeleteComment(f.asC("m"), root.ID)
		wantCode(t, err, graph.EFORBIDDEN, "another contributor deletes")
		_, err = f.s.DeleteComment(f.anon(), root.ID)
		wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous delete")
		d, err := f.s.DeleteComment(f.asC("x"), root.ID)
		f.must(err, "x deletes her root")
		if !d.Deleted || d.Body != "" || d.AuthorID != "" {
			t.Errorf("deleted root %+v", d)
		}
		_, err = f.s.DeleteComment(f.as(curator), leaf.ID)
		f.must(err, "a curator deletes a leaf")
		top, total := pageAll(t, 0, func(p graph.Page) (*graph.Connection[*graph.Comment], error) {
			return f.s.Comments(f.asC("z"), "pub", "", p)
		}, "top after deletes")
		sameOrder(t, commentIDs(top), []string{root.ID}, "the root stays as a stand-in, the leaf is gone")
		if total != 1 || !top[0].Deleted || top[0].Body != "" || top[0].AuthorID != "" || top[0].ReplyCount != 1 {
			t.Errorf("stand-in %+v (total %d)", top[0], total)
		}
		_, err = f.s.Comment(f.anon(), leaf.ID)
		wantCode(t, err, graph.ENOTFOUND, "a deleted leaf")
		_, err = f.s.CommentRevisions(f.as(curator), root.ID, graph.Page{})
		f.must(err, "history of a stand-in")
		revs, _ := f.s.CommentRevisions(f.as(curator), root.ID, graph.Page{})
		if revs != nil && len(revs.Edges) != 0 {
			t.Errorf("a deleted comment kept %d bodies", len(revs.Edges))
		}
		before := f.state()
		_, err = f.s.AddComment(f.asC("z"), "pub", root.ID, "Trop tard")
		wantCode(t, err, graph.ECONFLICT, "reply to a deleted comment")
		_, err = f.s.EditComment(f.asC("x"), root.ID, "Revenir", 1)
		wantCode(t, err, graph.ENOTFOUND, "edit a deleted comment")
		_, err = f.s.DeleteComment(f.asC("x"), root.ID)
		wantCode(t, err, graph.ENOTFOUND, "delete twice")
		f.wantState(before, "refused writes on a deleted comment")
		_, err = f.s.AddComment(f.asC("z"), "pub", reply.ID, "Toujours possible")
		f.must(err, "reply to a reply of a deleted comment")

		// Deleting the document drops its discussion.
		doc, err := f.s.Document(f.sys(), "pub")
		f.must(err, "pub")
		f.must(f.s.DeleteDocument(f.sys(), "pub", doc.Version), "delete pub")
		_, err = f.s.Comment(f.as(curator), reply.ID)
		wantCode(t, err, graph.ENOTFOUND, "a comment of a deleted document")
	})

	t.Run("Moderation", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		c, err := f.s.AddComment(f.asC("x"), "pub", "", "Publicité")
		f.must(err, "comment")
		fl, err := f.s.FlagComment(f.asC("a"), c.ID, "Spam")
		f.must(err, "a flags the comment")
		if fl.CommentID != c.ID || fl.DocumentID != "pub" || fl.Status != graph.FlagOpen {
			t.Errorf("flag %+v", fl)
		}
		_, err = f.s.FlagComment(f.asC("a"), c.ID, "Encore")
		wantCode(t, err, graph.ECONFLICT, "a flags twice")
		_, err = f.s.FlagDocument(f.asC("a"), "pub", "La note aussi")
		f.must(err, "a flag on the comment does not stop one on its document")
		_, err = f.s.FlagComment(f.anon(), c.ID, "Anonyme")
		wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous flag")
		_, err = f.s.FlagComment(f.asC("a"), missingID, "Absent")
		wantCode(t, err, graph.ENOTFOUND, "flag an unknown comment")
		queue, _ := pageAll(t, 0, func(p graph.Page) (*graph.Connection[*graph.Flag], error) {
			return f.s.Flags(f.as(curator), graph.FlagFilter{DocumentID: "pub"}, p)
		}, "queue")
		if len(queue) != 2 {
			t.Fatalf("queue holds %d flags, want 2", len(queue))
		}
		_, err = f.s.ResolveFlag(f.as(curator), fl.ID, graph.DecisionHide, "Spam avéré")
		f.must(err, "hide")
		if d, err := f.s.Document(f.anon(), "pub"); err != nil || d.Hidden {
			t.Errorf("hiding a comment touched its document: %v %+v", err, d)
		}
		for _, v := range []graph.Viewer{anonymous, contributorViewer("x"), contributorViewer("a")} {
			_, err = f.s.Comment(f.as(v), c.ID)
			wantCode(t, err, graph.ENOTFOUND, "%v reads a hidden comment", v)
			conn, err := f.s.Comments(f.as(v), "pub", "", graph.Page{})
			f.must(err, "discussion")
			if conn.TotalCount != 0 || len(conn.Edges) != 0 {
				t.Errorf("%v sees %d comments (total %d) beside a hidden one", v, len(conn.Edges), conn.TotalCount)
			}
		}
		_, err = f.s.EditComment(f.asC("x"), c.ID, "Autre chose", 1)
		wantCode(t, err, graph.ENOTFOUND, "the author edits her hidden comment")
		got, err := f.s.Comment(f.as(curator), c.ID)
		f.must(err, "a curator reads a hidden comment")
		if !got.Hidden {
			t.Errorf("hidden comment read by a curator: %+v", got)
		}
		fl2, err := f.s.FlagComment(f.as(contributorViewer("z")), c.ID, "Pour revoir")
		wantCode(t, err, graph.ENOTFOUND, "flag a hidden comment")
		_ = fl2
		// A second flag, by a curator's contributor, to show it again.
		cur := graph.Viewer{Role: graph.RoleCurator, ContributorID: "m"}
		fl3, err := f.s.FlagComment(f.as(cur), c.ID, "Revoir")
		f.must(err, "a curator flags a hidden comment")
		_, err = f.s.ResolveFlag(f.as(curator), fl3.ID, graph.DecisionKeep, "Finalement acceptable")
		f.must(err, "keep")
		_, err = f.s.Comment(f.anon(), c.ID)
		f.must(err, "a comment shown again")
	})

	// Discussions gives a document's whole discussion as stored, for
	// dumps: stand-ins of deleted comments, every revision, hidden
	// comments to curators only, nothing of a document one may not read.
	t.Run("Discussions", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		first, err := f.s.AddComment(f.asC("x"), "pub", "", "Première remarque")
		f.must(err, "x comments")
		_, err = f.s.EditComment(f.asC("x"), first.ID, "Première remarque, revue", 1)
		f.must(err, "x edits")
		reply, err := f.s.AddComment(f.asC("a"), "pub", first.ID, "Réponse")
		f.must(err, "a replies")
		under, err := f.s.AddComment(f.asC("x"), "pub", reply.ID, "Sous la réponse")
		f.must(err, "x replies to the reply")
		_, err = f.s.DeleteComment(f.asC("a"), reply.ID)
		f.must(err, "a deletes her reply, which stays as a stand-in")
		rude, err := f.s.AddComment(f.asC("m"), "pub", "", "Hors sujet")
		f.must(err, "m comments")
		fl, err := f.s.FlagComment(f.asC("x"), rude.ID, "Hors sujet")
		f.must(err, "flag")
		_, err = f.s.ResolveFlag(f.as(curator), fl.ID, graph.DecisionHide, "")
		f.must(err, "hide the comment")
		secret, err := f.s.AddComment(f.asC("a"), "priv", "", "Sur une note privée")
		f.must(err, "a comments on her private note")

		ds, err := f.s.Discussions(f.sys(), []string{"pub", "priv", "com", missingID, "pub"})
		f.must(err, "Discussions as the system")
		if len(ds) != 2 || ds["com"] != nil {
			t.Fatalf("discussions of %d documents, want pub and priv: %v", len(ds), ds)
		}
		pub := ds["pub"]
		sameOrder(t, commentIDs(pub.Comments), []string{first.ID, reply.ID, under.ID, rude.ID}, "the discussion of pub, oldest first")
		stand := pub.Comments[1]
		if !stand.Deleted || stand.Body != "" || stand.AuthorID != "" || stand.ReplyCount != 0 {
			t.Errorf("a deleted comment with a reply reads %+v", stand)
		}
		if !pub.Comments[3].Hidden || pub.Comments[2].Depth != 2 || pub.Comments[2].ParentID != reply.ID {
			t.Errorf("the hidden comment or the reply under the stand-in read %+v / %+v", pub.Comments[3], pub.Comments[2])
		}
		var revs []string
		for _, r := range pub.Revisions {
			revs = append(revs, r.CommentID+" v"+strconv.Itoa(r.Version)+" "+r.Body+" by "+r.EditorID)
			if r.DocumentID != "pub" || r.At.IsZero() {
				t.Errorf("revision %+v", r)
			}
		}
		sameOrder(t, revs, []string{
			first.ID + " v1 Première remarque by x", first.ID + " v2 Première remarque, revue by x",
			under.ID + " v1 Sous la réponse by x", rude.ID + " v1 Hors sujet by m",
		}, "the revisions, by comment then version (a deleted comment keeps none)")
		if got := ds["priv"]; len(got.Comments) != 1 || got.Comments[0].ID != secret.ID {
			t.Errorf("the private note's discussion for the system: %+v", got)
		}

		// Anyone else reads through the same rules as a thread.
		ds, err = f.s.Discussions(f.anon(), []string{"pub", "priv"})
		f.must(err, "Discussions anonymously")
		if ds["priv"] != nil || len(ds) != 1 {
			t.Errorf("an anonymous reader gets the private note's discussion: %v", ds)
		}
		sameOrder(t, commentIDs(ds["pub"].Comments), []string{first.ID, reply.ID, under.ID}, "pub's discussion, anonymously: no hidden comment")
		for _, r := range ds["pub"].Revisions {
			if r.CommentID == rude.ID {
				t.Errorf("an anonymous reader gets a hidden comment's revision")
			}
		}
		_, err = f.s.SetHidden(f.as(curator), "pub", true)
		f.must(err, "hide pub")
		ds, err = f.s.Discussions(f.asC("x"), []string{"pub"})
		f.must(err, "Discussions of a hidden document")
		if len(ds) != 0 {
			t.Errorf("a commenter reads the discussion of a document hidden by a curator: %v", ds)
		}
	})

	t.Run("HiddenDocument", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		c, err := f.s.AddComment(f.asC("x"), "pub", "", "Avant")
		f.must(err, "comment")
		_, err = f.s.SetHidden(f.as(curator), "pub", true)
		f.must(err, "hide pub")
		_, errHidden := f.s.AddComment(f.asC("x"), "pub", "", "Après")
		_, errMissing := f.s.AddComment(f.asC("x"), missingID, "", "Après")
		wantLikeMissing(t, errHidden, "pub", errMissing, missingID, "comment on a document hidden by a curator")
		_, err = f.s.Comment(f.asC("x"), c.ID)
		wantCode(t, err, graph.ENOTFOUND, "the author of a comment on a hidden document reads it")
		_, err = f.s.Comments(f.asC("a"), "pub", "", graph.Page{})
		f.must(err, "the document's author still reads its discussion")
	})
}

func commentIDs(cs []*graph.Comment) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// testCommentCoverage: commenters take part in coverage only as their
// consent allows (graph.CommenterTakesPart): one whose standpoints are all
// PRIVATE changes no count, released or exact; one who declares a value
// AGGREGATE counts, until their comment is deleted.
func testCommentCoverage(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	buildWorld(f)
	f.contributor("p")
	f.contributor("q")
	f.doc(graph.Document{ID: "pubm", Kind: graph.KindNote, Title: "Note publique de m", Visibility: graph.VisibilityPublic, Language: "fr"}, "m")
	declare := func(who string, vis graph.DeclarationVisibility) {
		_, err := f.s.DeclareStandpoint(f.asC(who), graph.Declaration{ContributorID: who, Dimension: "gender", Value: "woman", Visibility: vis})
		f.must(err, "%s declares", who)
	}
	declare("p", graph.DeclPrivate)
	declare("q", graph.DeclAggregate)
	all := graph.DocumentScope{All: true}
	exact := func(what string) *graph.Coverage {
		c, err := f.s.StandpointCoverage(f.anon(), graph.CoverageQuery{Scope: all, K: 2})
		f.must(err, "exact coverage %s", what)
		return c
	}
	released := func(what string) *graph.Coverage {
		noise := &graph.CoverageNoise{Key: []byte(strings.Repeat("k", graph.CoverageScopeKeySize)), Taxonomy: graph.DefaultTaxonomy()}
		c, err := f.s.StandpointCoverage(f.anon(), graph.CoverageQuery{Scope: all, K: 2, Noise: noise})
		f.must(err, "released coverage %s", what)
		return c
	}
	e0, r0 := exact("before"), released("before")
	if e0.Contributors != 4 || r0.TooFew {
		t.Fatalf("before any comment: %d contributors (want a, m, x, z), too few %v", e0.Contributors, r0.TooFew)
	}
	_, err := f.s.AddComment(f.asC("p"), "pub", "", "Mon point de vue reste privé")
	f.must(err, "p comments")
	if e, r := exact("after p"), released("after p"); !sameCoverage(e, e0) || !sameCoverage(r, r0) {
		t.Errorf("a commenter whose standpoints are all PRIVATE changed coverage:\nexact %+v\nwas   %+v\nreleased %+v\nwas      %+v", e, e0, r, r0)
	}
	qc, err := f.s.AddComment(f.asC("q"), "pub", "", "Je compte, je l'ai choisi")
	f.must(err, "q comments")
	if e := exact("after q"); e.Contributors != 5 {
		t.Errorf("a commenter who declares a value AGGREGATE is not counted: %d contributors, want 5", e.Contributors)
	}
	_, err = f.s.DeleteComment(f.asC("q"), qc.ID)
	f.must(err, "q deletes")
	if e := exact("after q deleted"); !sameCoverage(e, e0) {
		t.Errorf("a deleted comment still counts: %+v, want %+v", e, e0)
	}
}

// sameCoverage compares two coverages by everything they say.
func sameCoverage(a, b *graph.Coverage) bool {
	return strings.Join(coverageKeys(a), "|") == strings.Join(coverageKeys(b), "|") && a.Contributors == b.Contributors &&
		a.Documents == b.Documents
}
