package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// testModeration checks flags, the curators' queue, resolutions, and above
// all that a hidden document behaves as PRIVATE on every read path, for
// every viewer but its authors and curators.
func testModeration(t *testing.T, newStore factory) {
	t.Run("Flag", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		before := f.lastSeq()
		fl, err := f.s.FlagDocument(f.asC("x"), "pub", "Contenu publicitaire")
		f.must(err, "x flags pub")
		if fl.ID == "" || fl.DocumentID != "pub" || fl.DocumentKind != graph.KindNote || fl.FlaggerID != "x" ||
			fl.Reason != "Contenu publicitaire" || fl.Status != graph.FlagOpen || fl.Decision != "" || fl.ResolvedAt != nil {
			t.Errorf("flag %+v", fl)
		}
		wantTime(t, fl.CreatedAt, "flag")
		before = f.wantSeqAdvanced(before, "FlagDocument")
		_, err = f.s.FlagDocument(f.asC("x"), "pub", "Encore")
		wantCode(t, err, graph.ECONFLICT, "x flags pub twice")
		_, err = f.s.FlagDocument(f.asC("m"), "pub", "Hors sujet")
		f.must(err, "m flags pub too")
		_, err = f.s.FlagDocument(f.asC("m"), "t", "Définition fausse")
		f.must(err, "m flags a term")

		_, errMissing := f.s.FlagDocument(f.asC("x"), missingID, "Pourquoi")
		_, errHidden := f.s.FlagDocument(f.asC("x"), "priv", "Pourquoi")
		wantLikeMissing(t, errHidden, "priv", errMissing, missingID, "flagging a document one may not read")
		_, err = f.s.FlagDocument(f.asC("x"), "k", "Carnet")
		wantCode(t, err, graph.ENOTFOUND, "flagging a carnet")
		_, err = f.s.FlagDocument(f.anon(), "pub", "Anonyme")
		wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous flag")
		_, err = f.s.FlagDocument(f.as(researcher), "pub", "Sans profil")
		wantCode(t, err, graph.EFORBIDDEN, "a token of no contributor flags")
		for _, reason := range []string{"", "  \n", strings.Repeat("é", graph.MaxReasonLen), "\xff"} {
			_, err = f.s.FlagDocument(f.asC("a"), "pub", reason)
			wantCode(t, err, graph.EINVALID, "reason %.20q", reason)
		}
		_ = f.wantSeqAdvanced(before, "the two other flags")
	})

	t.Run("Queue", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		var ids []string
		for _, x := range []struct{ who, doc string }{{"x", "pub"}, {"m", "pub"}, {"m", "t"}, {"a", "o"}} {
			fl, err := f.s.FlagDocument(f.asC(x.who), x.doc, "Raison de "+x.who)
			f.must(err, "flag")
			ids = append(ids, fl.ID)
		}
		slices.Reverse(ids) // newest first
		for _, first := range []int{1, 3, 0} {
			got, total := pageAll(t, first, func(p graph.Page) (*graph.Connection[*graph.Flag], error) {
				return f.s.Flags(f.as(curator), graph.FlagFilter{}, p)
			}, "Flags, %d per page", first)
			sameOrder(t, flagIDs(got), ids, "queue, newest first, %d per page", first)
			if total != 4 {
				t.Errorf("queue TotalCount %d, want 4", total)
			}
		}
		got, _ := pageAll(t, 0, func(p graph.Page) (*graph.Connection[*graph.Flag], error) {
			return f.s.Flags(f.as(admin), graph.FlagFilter{DocumentID: "pub", Status: graph.FlagOpen}, p)
		}, "Flags of pub")
		sameOrder(t, flagIDs(got), ids[2:], "open flags of pub")
		for _, c := range []struct {
			ctxName string
			code    string
			v       graph.Viewer
		}{{"contributor", graph.EFORBIDDEN, contributorViewer("a")}, {"researcher", graph.EFORBIDDEN, researcher}, {"anonymous", graph.EUNAUTHENTICATED, anonymous}} {
			_, err := f.s.Flags(f.as(c.v), graph.FlagFilter{}, graph.Page{})
			wantCode(t, err, c.code, "queue for a %s", c.ctxName)
		}
		_, err := f.s.Flags(f.as(curator), graph.FlagFilter{Status: "PENDING"}, graph.Page{})
		wantCode(t, err, graph.EINVALID, "unknown status")
		// Deleting a document takes its flags with it.
		f.must(f.s.DeleteDocument(f.sys(), "o", 1), "delete o")
		conn, err := f.s.Flags(f.as(curator), graph.FlagFilter{}, graph.Page{})
		f.must(err, "Flags")
		if conn.TotalCount != 3 || slices.Contains(flagIDs(conn.Nodes()), ids[0]) {
			t.Errorf("after deleting o: %d flags %q, want 3 without o's", conn.TotalCount, flagIDs(conn.Nodes()))
		}
	})

	t.Run("Resolve", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		f.contributor("cur")
		cur := graph.Viewer{Role: graph.RoleCurator, ContributorID: "cur"}
		fx, err := f.s.FlagDocument(f.asC("x"), "pub", "Publicité")
		f.must(err, "flag")
		fm, err := f.s.FlagDocument(f.asC("m"), "pub", "Hors sujet")
		f.must(err, "flag")
		_, err = f.s.ResolveFlag(f.asC("a"), fx.ID, graph.DecisionKeep, "")
		wantCode(t, err, graph.EFORBIDDEN, "the author resolves a flag")
		_, err = f.s.ResolveFlag(f.as(cur), "nope", graph.DecisionKeep, "")
		wantCode(t, err, graph.ENOTFOUND, "unknown flag")
		_, err = f.s.ResolveFlag(f.as(cur), fx.ID, "DELETE", "")
		wantCode(t, err, graph.EINVALID, "unknown decision")

		before := f.lastSeq()
		got, err := f.s.ResolveFlag(f.as(cur), fx.ID, graph.DecisionHide, "Masquée le temps de vérifier")
		f.must(err, "resolve with HIDE")
		if got.Status != graph.FlagResolved || got.Decision != graph.DecisionHide || got.Note != "Masquée le temps de vérifier" ||
			got.ResolverID != "cur" || got.ResolvedAt == nil || got.FlaggerID != "x" || got.Reason != "Publicité" {
			t.Errorf("resolved flag %+v", got)
		}
		f.wantSeqAdvanced(before, "ResolveFlag")
		if d := f.reread("pub"); !d.Hidden || d.Visibility != graph.VisibilityPublic {
			t.Errorf("pub after HIDE: hidden %v visibility %s, want hidden and still PUBLIC underneath", d.Hidden, d.Visibility)
		}
		_, err = f.s.ResolveFlag(f.as(cur), fx.ID, graph.DecisionKeep, "")
		wantCode(t, err, graph.ECONFLICT, "resolving twice")
		// x may flag again once their flag is resolved: but pub is hidden
		// from x now, exactly like a missing document.
		_, errMissing := f.s.FlagDocument(f.asC("x"), missingID, "Encore")
		_, err = f.s.FlagDocument(f.asC("x"), "pub", "Encore")
		wantLikeMissing(t, err, "pub", errMissing, missingID, "flagging a hidden document")
		// KEEP shows it again.
		_, err = f.s.ResolveFlag(f.as(admin), fm.ID, graph.DecisionKeep, "Rien à redire")
		f.must(err, "resolve with KEEP")
		if d := f.reread("pub"); d.Hidden {
			t.Error("pub still hidden after KEEP")
		}
		if _, err := f.s.FlagDocument(f.asC("x"), "pub", "Encore"); err != nil {
			t.Errorf("x flags pub again after their flag was resolved: %v", err)
		}
		open, err := f.s.Flags(f.as(cur), graph.FlagFilter{Status: graph.FlagOpen}, graph.Page{})
		f.must(err, "Flags")
		resolved, err := f.s.Flags(f.as(cur), graph.FlagFilter{Status: graph.FlagResolved}, graph.Page{})
		f.must(err, "Flags")
		if open.TotalCount != 1 || resolved.TotalCount != 2 {
			t.Errorf("%d open and %d resolved flags, want 1 and 2", open.TotalCount, resolved.TotalCount)
		}
	})

	t.Run("SetHidden", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		_, err := f.s.SetHidden(f.asC("a"), "pub", true)
		wantCode(t, err, graph.EFORBIDDEN, "an author hides their own note")
		_, err = f.s.SetHidden(f.anon(), "pub", true)
		wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous hides")
		_, err = f.s.SetHidden(f.as(curator), missingID, true)
		wantCode(t, err, graph.ENOTFOUND, "hiding a missing document")
		_, err = f.s.SetHidden(f.as(curator), "k", true)
		wantCode(t, err, graph.ENOTFOUND, "hiding a carnet")
		before := f.lastSeq()
		d, err := f.s.SetHidden(f.as(curator), "pub", false)
		f.must(err, "showing a shown document")
		if d.Hidden || f.lastSeq() != before {
			t.Errorf("a no-op SetHidden must change nothing: hidden %v, seq %d → %d", d.Hidden, before, f.lastSeq())
		}
		d, err = f.s.SetHidden(f.as(curator), "pub", true)
		f.must(err, "hide")
		if !d.Hidden || d.Version != 1 {
			t.Errorf("hidden document %+v: hidden, version unchanged (hiding is not an edit)", d)
		}
		f.wantSeqAdvanced(before, "SetHidden")
	})

	// HiddenReads: pub (PUBLIC) and com (COMMUNITY, member m) are hidden;
	// every read path of every viewer must treat them as PRIVATE: authors
	// and curators see them, nobody else, not even in a count.
	t.Run("HiddenReads", func(t *testing.T) {
		f := newFixture(t, newStore)
		m := buildWorld(f)
		for _, id := range []string{"pub", "com"} {
			_, err := f.s.SetHidden(f.as(curator), id, true)
			f.must(err, "hide %s", id)
		}
		hidden := map[string]bool{"pub": true, "com": true}
		for _, vc := range worldViewers {
			t.Run(vc.name, func(t *testing.T) {
				f := f.on(t)
				base := worldReadable(m, vc.class)
				readable := func(id string) bool {
					if hidden[id] {
						return vc.class == "author" || vc.class == "curator" || vc.class == "admin"
					}
					return base(id)
				}
				checkReads(t, f, m, f.ctxFor(vc.viewerCase), readable, 2)
				if readable("pub") {
					d, err := f.s.Document(f.ctxFor(vc.viewerCase), "pub")
					f.must(err, "Document(pub)")
					if !d.Hidden {
						t.Errorf("%s reads pub without its hidden mark", vc.name)
					}
				}
			})
		}
		// The author's own lists filter on the visibility they chose.
		ctx := f.asC("a")
		pubs, _ := f.listDocs(ctx, graph.DocumentFilter{Visibility: graph.VisibilityPublic, AuthorID: "a"}, byCreation, 0)
		privs, _ := f.listDocs(ctx, graph.DocumentFilter{Visibility: graph.VisibilityPrivate, AuthorID: "a"}, byCreation, 0)
		sameSet(t, docIDs(pubs), []string{"pub"}, "a's PUBLIC documents, pub hidden")
		sameSet(t, docIDs(privs), []string{"priv", "tpriv"}, "a's PRIVATE documents, pub hidden")

		// An edit while hidden keeps it hidden; showing it again applies
		// the visibility it has then.
		d := f.reread("pub")
		_, err := f.s.UpdateDocument(ctx, "pub", graph.DocumentUpdate{Version: d.Version, Title: ptr("Retouchée"), Visibility: ptr(graph.VisibilityCommunity)})
		f.must(err, "the author edits their hidden note")
		f.link(graph.RelOfCommunity, "pub", "c")
		if _, err := f.s.Document(f.asC("m"), "pub"); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("member reads the hidden note after its edit: %v", err)
		}
		_, err = f.s.SetHidden(f.as(curator), "pub", false)
		f.must(err, "show pub")
		if _, err := f.s.Document(f.asC("m"), "pub"); err != nil {
			t.Errorf("member of c reads pub, now COMMUNITY and shown: %v", err)
		}
		if _, err := f.s.Document(f.anon(), "pub"); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("anonymous reads pub, now COMMUNITY: %v", err)
		}
		if d := f.reread("pub"); d.Hidden || d.Visibility != graph.VisibilityCommunity || d.Title != "Retouchée" {
			t.Errorf("pub after showing: %+v", d)
		}
	})
}

func flagIDs(fs []*graph.Flag) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}
