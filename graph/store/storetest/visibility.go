package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// The visibility world: contributors a (author of most notes), m (member
// of community c), x (outsider) and z (author of the term and the
// organisation); communities c and d; carnet k.
//
//	pub     PUBLIC    by a
//	com     COMMUNITY by a, tied to c
//	priv    PRIVATE   by a
//	comd    COMMUNITY by a, tied to d (nobody's community)
//	comnone COMMUNITY by a, tied to no community
//	privm   PRIVATE   by m
//	pubx    PUBLIC    by x, in English
//	t, o    PUBLIC term and organisation by z
//	tpriv   PRIVATE term by a, mentioned by pub
//
// Every note but pubx mentions t, concerns o and is in k under "cat";
// pubx is in k under "autre". LINKS_TO: pub↔priv, pub↔com, pub→privm,
// pub↔pubx, comd→priv.
func buildWorld(f *fixture) *model {
	f.t.Helper()
	m := newModel()
	for _, c := range []string{"a", "m", "x", "z"} {
		m.contributor(f, c)
	}
	m.community(f, "c")
	m.community(f, "d")
	m.carnet(f, "k", "cat", "autre")
	m.link(f, graph.Link{Relation: graph.RelMemberOf, From: "m", To: "c"})
	m.link(f, graph.Link{Relation: graph.RelOfCommunity, From: "k", To: "c"})
	m.doc(f, graph.Document{ID: "t", Kind: graph.KindTerm, Title: "Maillage"}, "z")
	m.doc(f, graph.Document{ID: "o", Kind: graph.KindOrganisation, Title: "Centre du Plateau"}, "z")
	m.link(f, graph.Link{Relation: graph.RelAffiliatedWith, From: "x", To: "o"})
	notes := []struct {
		id     string
		vis    graph.Visibility
		author string
		tie    string
	}{
		{"pub", graph.VisibilityPublic, "a", ""},
		{"com", graph.VisibilityCommunity, "a", "c"},
		{"priv", graph.VisibilityPrivate, "a", ""},
		{"comd", graph.VisibilityCommunity, "a", "d"},
		{"comnone", graph.VisibilityCommunity, "a", ""},
		{"privm", graph.VisibilityPrivate, "m", ""},
	}
	for _, n := range notes {
		m.doc(f, graph.Document{ID: n.id, Kind: graph.KindNote, Title: "Note " + n.id, Visibility: n.vis, Language: "fr"}, n.author)
		if n.tie != "" {
			m.link(f, graph.Link{Relation: graph.RelOfCommunity, From: n.id, To: n.tie})
		}
		m.link(f, graph.Link{Relation: graph.RelMentions, From: n.id, To: "t"})
		m.link(f, graph.Link{Relation: graph.RelConcerns, From: n.id, To: "o"})
		m.link(f, graph.Link{Relation: graph.RelInCarnet, From: n.id, To: "k", Category: "cat"})
	}
	m.doc(f, graph.Document{ID: "pubx", Kind: graph.KindNote, Title: "Public note by x", Visibility: graph.VisibilityPublic, Language: "en"}, "x")
	m.link(f, graph.Link{Relation: graph.RelInCarnet, From: "pubx", To: "k", Category: "autre"})
	m.doc(f, graph.Document{ID: "tpriv", Kind: graph.KindTerm, Title: "Terme privé", Visibility: graph.VisibilityPrivate}, "a")
	m.link(f, graph.Link{Relation: graph.RelMentions, From: "pub", To: "tpriv"})
	for _, l := range [][2]string{
		{"pub", "priv"}, {"priv", "pub"}, {"pub", "com"}, {"com", "pub"}, {"pub", "privm"},
		{"pub", "pubx"}, {"pubx", "pub"}, {"comd", "priv"},
	} {
		m.link(f, graph.Link{Relation: graph.RelLinksTo, From: l[0], To: l[1]})
	}
	return m
}

// worldViewers are the viewers of the world, keyed by the reader class the
// expectations below use.
var worldViewers = []struct {
	viewerCase
	class string
}{
	{viewerCase{name: "author", v: contributorViewer("a")}, "author"},
	{viewerCase{name: "member", v: contributorViewer("m")}, "member"},
	{viewerCase{name: "outsider", v: contributorViewer("x")}, "outsider"},
	{viewerCase{name: "curator", v: curator}, "curator"},
	{viewerCase{name: "admin", v: admin}, "admin"},
	{viewerCase{name: "researcher", v: researcher}, "anonymous"},
	{viewerCase{name: "anonymous", v: anonymous}, "anonymous"},
	{viewerCase{name: "no_viewer_in_context", bare: true}, "anonymous"},
}

// worldReaders says, from the visibility rule, who reads each document.
var worldReaders = map[string][]string{
	"pub":     {"author", "member", "outsider", "curator", "admin", "anonymous"},
	"pubx":    {"author", "member", "outsider", "curator", "admin", "anonymous"},
	"t":       {"author", "member", "outsider", "curator", "admin", "anonymous"},
	"o":       {"author", "member", "outsider", "curator", "admin", "anonymous"},
	"com":     {"author", "member", "curator", "admin"},
	"priv":    {"author", "curator", "admin"},
	"comd":    {"author", "curator", "admin"},
	"comnone": {"author", "curator", "admin"},
	"privm":   {"member", "curator", "admin"},
	"tpriv":   {"author", "curator", "admin"},
}

// worldReadable is the hard-coded rule for one reader class: documents per
// worldReaders, every other known node, and nothing unknown.
func worldReadable(m *model, class string) func(string) bool {
	return func(id string) bool {
		if readers, ok := worldReaders[id]; ok {
			return slices.Contains(readers, class)
		}
		_, known := m.kinds[id]
		return known
	}
}

func testVisibility(t *testing.T, newStore factory) {
	t.Run("Reads", func(t *testing.T) {
		f := newFixture(t, newStore)
		m := buildWorld(f)
		for _, vc := range worldViewers {
			t.Run(vc.name, func(t *testing.T) {
				f := f.on(t)
				readable := worldReadable(m, vc.class)
				for _, id := range m.docIDs() {
					if readable(id) != m.canRead(vc.v, id) {
						t.Fatalf("suite self-check: the expectation for %s reading %s disagrees with graph.Viewer.CanRead", vc.name, id)
					}
				}
				checkReads(t, f, m, f.ctxFor(vc.viewerCase), readable, 2)
				checkScan(t, f, m, f.ctxFor(vc.viewerCase), readable)
			})
		}
	})

	// The cases the design names, spelled out for the outsider and the
	// anonymous reader (checkReads covers them too, generically).
	t.Run("HiddenNotesAbsentFromPublicNeighbours", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		for _, vc := range []viewerCase{{name: "outsider", v: contributorViewer("x")}, {name: "anonymous", bare: true}} {
			ctx := f.ctxFor(vc)
			sameSet(t, f.linkKeys(ctx, "pub", graph.RelLinksTo, graph.Out), []string{"LINKS_TO pub->pubx"}, "%s: links of the public note", vc.name)
			sameSet(t, f.linkKeys(ctx, "pub", graph.RelLinksTo, graph.In), []string{"LINKS_TO pubx->pub"}, "%s: backlinks of the public note", vc.name)
			conn, err := f.s.Neighbours(ctx, "pub", graph.RelLinksTo, graph.Both, graph.Page{First: 1})
			f.must(err, "Neighbours")
			if conn.TotalCount != 2 {
				t.Errorf("%s: Neighbours(pub) TotalCount %d, want 2 (pub→pubx, pubx→pub)", vc.name, conn.TotalCount)
			}
			conn, err = f.s.Neighbours(ctx, "t", graph.RelMentions, graph.In, graph.Page{First: 1})
			f.must(err, "Neighbours")
			if conn.TotalCount != 1 {
				t.Errorf("%s: notes mentioning t, TotalCount %d, want 1 (pub)", vc.name, conn.TotalCount)
			}
			list, err := f.s.ListDocuments(ctx, graph.DocumentFilter{AuthorID: "a"}, byCreation, graph.Page{First: 1})
			f.must(err, "ListDocuments")
			if list.TotalCount != 1 {
				t.Errorf("%s: documents by a, TotalCount %d, want 1 (pub)", vc.name, list.TotalCount)
			}
			list, err = f.s.ListDocuments(ctx, graph.DocumentFilter{Visibility: graph.VisibilityPrivate}, byCreation, graph.Page{First: 1})
			f.must(err, "ListDocuments")
			if list.TotalCount != 0 || len(list.Edges) != 0 {
				t.Errorf("%s: PRIVATE documents, TotalCount %d, want 0", vc.name, list.TotalCount)
			}
			sameSet(t, f.linkKeys(ctx, "priv", graph.RelLinksTo, graph.Both), nil, "%s: links of the hidden note itself", vc.name)
			sameSet(t, f.linkKeys(ctx, "pub", graph.RelMentions, graph.Out), []string{"MENTIONS pub->t"}, "%s: terms the public note mentions", vc.name)
			list, err = f.s.ListDocuments(ctx, graph.DocumentFilter{TermID: "tpriv"}, byCreation, graph.Page{First: 1})
			f.must(err, "ListDocuments")
			if list.TotalCount != 0 || len(list.Edges) != 0 {
				t.Errorf("%s: documents mentioning a hidden term, TotalCount %d, want 0 as for an unknown term", vc.name, list.TotalCount)
			}
		}
	})

	t.Run("HiddenDocumentsCannotBeWritten", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		priv := f.reread("priv")
		before := f.state()
		links := f.allLinks([]string{"priv", "pub", "pubx", "privm", "com", "t"})
		x := f.asC("x")

		_, errMissing := f.s.UpdateDocument(x, missingID, graph.DocumentUpdate{Version: priv.Version, Title: ptr("x")})
		_, err := f.s.UpdateDocument(x, "priv", graph.DocumentUpdate{Version: priv.Version, Title: ptr("x")})
		wantLikeMissing(t, err, "priv", errMissing, missingID, "outsider updates a hidden note")
		errMissing = f.s.DeleteDocument(x, missingID, priv.Version)
		err = f.s.DeleteDocument(x, "priv", priv.Version)
		wantLikeMissing(t, err, "priv", errMissing, missingID, "outsider deletes a hidden note")
		_, errMissing = f.s.Link(x, graph.Link{Relation: graph.RelLinksTo, From: "pubx", To: missingID})
		_, err = f.s.Link(x, graph.Link{Relation: graph.RelLinksTo, From: "pubx", To: "priv"})
		wantLikeMissing(t, err, "priv", errMissing, missingID, "outsider links their note to a hidden note")
		_, err = f.s.Link(x, graph.Link{Relation: graph.RelLinksTo, From: "priv", To: "pubx"})
		wantCode(t, err, graph.ENOTFOUND, "outsider links from a hidden note")
		_, err = f.s.Link(x, graph.Link{Relation: graph.RelMentions, From: "priv", To: "t"})
		wantCode(t, err, graph.ENOTFOUND, "outsider links a hidden note to a term")
		err = f.s.Unlink(x, graph.RelLinksTo, "priv", "pub")
		wantCode(t, err, graph.ENOTFOUND, "outsider unlinks from a hidden note")

		_, err = f.s.UpdateDocument(f.asC("m"), "com", graph.DocumentUpdate{Version: 1, Title: ptr("m")})
		wantCode(t, err, graph.EFORBIDDEN, "member updates a community note they may read but did not write")
		_, err = f.s.UpdateDocument(f.asC("a"), "privm", graph.DocumentUpdate{Version: 1, Title: ptr("a")})
		wantCode(t, err, graph.ENOTFOUND, "an author updates someone else's private note")
		_, err = f.s.UpdateDocument(f.anon(), "priv", graph.DocumentUpdate{Version: priv.Version, Title: ptr("anon")})
		wantCodeIn(t, err, []string{graph.ENOTFOUND, graph.EUNAUTHENTICATED}, "anonymous updates a hidden note")

		f.wantState(before, "refused writes on hidden documents")
		sameSet(t, f.allLinks([]string{"priv", "pub", "pubx", "privm", "com", "t"}), links, "links after refused writes")
		wantDocument(t, f.reread("priv"), priv, "the hidden note after refused writes")
	})

	t.Run("MembershipChangesVisibility", func(t *testing.T) {
		f := newFixture(t, newStore)
		m := buildWorld(f)
		member, outsider := contributorViewer("m"), contributorViewer("x")
		m.unlinkAs(f, f.as(member), graph.RelMemberOf, "m", "c")
		_, err := f.s.Document(f.as(member), "com")
		wantCode(t, err, graph.ENOTFOUND, "a former member reads the community note")
		m.linkAs(f, f.as(curator), graph.Link{Relation: graph.RelMemberOf, From: "x", To: "c"}) // by invitation
		if _, err := f.s.Document(f.as(outsider), "com"); err != nil {
			t.Errorf("a new member cannot read the community note: %v", err)
		}
		sameSet(t, f.linkKeys(f.as(outsider), "pub", graph.RelLinksTo, graph.In), []string{"LINKS_TO pubx->pub", "LINKS_TO com->pub"}, "backlinks of pub for the new member")
		for _, v := range []graph.Viewer{member, outsider} {
			t.Run(v.ContributorID, func(t *testing.T) {
				checkReads(t, f.on(t), m, f.as(v), func(id string) bool { return m.canRead(v, id) }, 3)
			})
		}
	})

	t.Run("VisibilityChangeTakesEffect", func(t *testing.T) {
		f := newFixture(t, newStore)
		m := buildWorld(f)
		author := f.asC("a")
		m.setVisibility(f, author, "priv", graph.VisibilityPublic)
		if _, err := f.s.Document(f.anon(), "priv"); err != nil {
			t.Errorf("a note made PUBLIC is not readable anonymously: %v", err)
		}
		sameSet(t, f.linkKeys(f.anon(), "pub", graph.RelLinksTo, graph.In), []string{"LINKS_TO pubx->pub", "LINKS_TO priv->pub"}, "backlinks of pub once priv is public")
		m.setVisibility(f, author, "priv", graph.VisibilityCommunity)
		_, err := f.s.Document(f.asC("m"), "priv")
		wantCode(t, err, graph.ENOTFOUND, "a COMMUNITY note tied to no community, read by a member of another")
		m.linkAs(f, author, graph.Link{Relation: graph.RelOfCommunity, From: "priv", To: "c"})
		if _, err := f.s.Document(f.asC("m"), "priv"); err != nil {
			t.Errorf("a member cannot read a note newly tied to their community: %v", err)
		}
		_, err = f.s.Document(f.asC("x"), "priv")
		wantCode(t, err, graph.ENOTFOUND, "an outsider reads a community note")
		for _, vc := range []viewerCase{{name: "member", v: contributorViewer("m")}, {name: "outsider", v: contributorViewer("x")}, {name: "anonymous", bare: true}} {
			t.Run(vc.name, func(t *testing.T) {
				checkReads(t, f.on(t), m, f.ctxFor(vc), func(id string) bool { return m.canRead(vc.v, id) }, 3)
			})
		}
	})

	t.Run("CoAuthorReadsAndEdits", func(t *testing.T) {
		f := newFixture(t, newStore)
		m := buildWorld(f)
		x := f.asC("x")
		m.linkAs(f, f.as(curator), graph.Link{Relation: graph.RelAuthored, From: "x", To: "priv", Role: graph.AuthorRoleAuthor})
		d, err := f.s.Document(x, "priv")
		if err != nil {
			t.Fatalf("a co-author cannot read the private note: %v", err)
		}
		if _, err := f.s.UpdateDocument(x, "priv", graph.DocumentUpdate{Version: d.Version, Title: ptr("Co-écrit")}); err != nil {
			t.Errorf("a co-author cannot update the note: %v", err)
		}
		m.docs["priv"] = f.reread("priv")
		m.unlinkAs(f, f.as(curator), graph.RelAuthored, "x", "priv")
		_, err = f.s.Document(x, "priv")
		wantCode(t, err, graph.ENOTFOUND, "a former co-author reads the private note")
		checkReads(t, f, m, x, func(id string) bool { return m.canRead(contributorViewer("x"), id) }, 4)
	})
}

// checkScan walks ScanDocuments two at a time and from the middle: the
// readable documents in id order, each once, and nothing else.
func checkScan(t *testing.T, f *fixture, m *model, ctx context.Context, readable func(string) bool) {
	t.Helper()
	var want []string
	for _, id := range m.docIDs() {
		if readable(id) {
			want = append(want, id)
		}
	}
	slices.Sort(want)
	var got []string
	after := ""
	for page := 0; page <= len(want); page++ {
		docs, err := f.s.ScanDocuments(ctx, after, 2)
		f.must(err, "ScanDocuments after %q", after)
		if len(docs) > 2 {
			t.Fatalf("ScanDocuments after %q, limit 2: %d documents", after, len(docs))
		}
		for _, d := range docs {
			got = append(got, d.ID)
		}
		if len(docs) < 2 {
			break
		}
		after = docs[len(docs)-1].ID
	}
	sameOrder(t, got, want, "ScanDocuments two at a time")
	if len(want) > 1 {
		// after need not be a document id, nor a readable one.
		docs, err := f.s.ScanDocuments(ctx, want[0]+"\x00", 100)
		f.must(err, "ScanDocuments after the first")
		sameOrder(t, docIDs(docs), want[1:], "ScanDocuments after the first readable id")
	}
	_, err := f.s.ScanDocuments(ctx, "", 0)
	wantCode(t, err, graph.EINVALID, "ScanDocuments with limit 0")
}
