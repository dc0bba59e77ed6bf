package embedded

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// rawKeysMentioning lists every stored link, revision or declaration key
// that names id, whoever could read it.
func rawKeysMentioning(t *testing.T, s *Store, id string) []string {
	t.Helper()
	var out []string
	ok(t, s.db.View(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bOut, bIn, bRevisions, bDecls, bNodes} {
			err := tx.Bucket(name).ForEach(func(k, _ []byte) error {
				for _, part := range bytes.Split(k, []byte{0}) {
					if string(part) == id {
						out = append(out, fmt.Sprintf("%s:%q", name, k))
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	}))
	return out
}

func TestDeleteDocumentCascades(t *testing.T) {
	t.Parallel()
	s := visibilityWorld(t)
	d := must(s.UpdateDocument(sys, "privee", graph.DocumentUpdate{Version: 1, Body: ptr("v2")}))
	if len(rawKeysMentioning(t, s, "privee")) == 0 {
		t.Fatal("test world has no links to privee")
	}
	before := lastSeq(t, s)
	ok(t, s.DeleteDocument(asC("auteure"), "privee", d.Version))
	if keys := rawKeysMentioning(t, s, "privee"); len(keys) != 0 {
		t.Errorf("left behind: %v", keys)
	}
	changes := must(s.Changes(sys, before, 0))
	// privee had 5 links: AUTHORED in, LINKS_TO out and in, MENTIONS, IN_CARNET.
	if len(changes) != 6 {
		t.Fatalf("%d changes, want 5 unlinks and a delete: %+v", len(changes), changes)
	}
	for _, c := range changes[:5] {
		if c.Op != graph.OpUnlink || (c.ID != "privee" && c.OtherID != "privee") {
			t.Errorf("cascade change %+v", c)
		}
	}
	if last := changes[5]; last.Op != graph.OpDelete || last.ID != "privee" || last.Kind != graph.KindNote {
		t.Errorf("last change %+v, want DELETE of privee", last)
	}
	links := must(s.Links(sys, []string{"publique", "terme", "carnet", "auteure"}, "", graph.Both))
	for id, ls := range links {
		for _, l := range ls {
			if l.From == "privee" || l.To == "privee" {
				t.Errorf("%s still has %+v", id, l)
			}
		}
	}
}

func TestDeleteContributorCascades(t *testing.T) {
	t.Parallel()
	s := visibilityWorld(t)
	must(s.DeclareStandpoint(asC("membre"), graph.Declaration{ContributorID: "membre", Dimension: "region", Value: "gaspesie", Visibility: graph.DeclPublic}))
	_, hash := graph.NewTokenSecret()
	ok(t, s.CreateToken(sys, graph.Token{Hash: hash, Role: graph.RoleContributor, ContributorID: "membre"}))
	_, other := graph.NewTokenSecret()
	ok(t, s.CreateToken(sys, graph.Token{Hash: other, Role: graph.RoleContributor, ContributorID: "autre"}))
	wantCode(t, s.DeleteContributor(asC("membre"), "membre", 1), graph.EFORBIDDEN, "delete oneself")
	wantCode(t, s.DeleteContributor(as(graph.Viewer{Role: graph.RoleCurator}), "membre", 1), graph.EFORBIDDEN, "curator deletes a contributor")
	ok(t, s.DeleteContributor(as(graph.Viewer{Role: graph.RoleAdmin}), "membre", 1))
	if keys := rawKeysMentioning(t, s, "membre"); len(keys) != 0 {
		t.Errorf("left behind: %v", keys)
	}
	_, err := s.TokenByHash(anon, hash)
	wantCode(t, err, graph.ENOTFOUND, "token of a deleted contributor")
	must(s.TokenByHash(anon, other))
	// Re-creating the id starts without memberships or declarations.
	mkContributor(t, s, "membre")
	if _, err := s.Document(asC("membre"), "commune"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("recreated contributor inherits a membership: %v", err)
	}
	if d := must(s.Declarations(sys, []string{"membre"})); len(d) != 0 {
		t.Errorf("recreated contributor inherits declarations: %v", d)
	}
}

func TestDeleteGroupsCascade(t *testing.T) {
	t.Parallel()
	s := visibilityWorld(t)
	cur := as(graph.Viewer{Role: graph.RoleCurator})
	ok(t, s.Communities().Delete(cur, "quartier", 1))
	ok(t, s.Carnets().Delete(cur, "carnet", 1))
	for _, id := range []string{"quartier", "carnet"} {
		if keys := rawKeysMentioning(t, s, id); len(keys) != 0 {
			t.Errorf("left behind by deleting %s: %v", id, keys)
		}
	}
	// The community note is now readable by its author only.
	if _, err := s.Document(asC("auteure"), "commune"); err != nil {
		t.Errorf("author after the community went: %v", err)
	}
	must(s.KnowledgeBases().Create(cur, graph.KnowledgeBase{ID: "base", Name: "Base"}))
	must(s.Carnets().Create(cur, graph.Carnet{ID: "c2", Title: "C2"}))
	mkLink(t, s, graph.RelInBase, "c2", "base")
	ok(t, s.KnowledgeBases().Delete(cur, "base", 1))
	if keys := rawKeysMentioning(t, s, "base"); len(keys) != 0 {
		t.Errorf("left behind by deleting base: %v", keys)
	}
}

func TestStaleVersionChangesNothing(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	d := mkNote(t, s, "n", graph.VisibilityPublic, "ana")
	d2 := must(s.UpdateDocument(asC("ana"), "n", graph.DocumentUpdate{Version: 1, Title: ptr("Deux")}))
	seq := lastSeq(t, s)
	for _, v := range []int{0, 1, 3} {
		_, err := s.UpdateDocument(asC("ana"), "n", graph.DocumentUpdate{Version: v, Title: ptr("Perdu")})
		wantCode(t, err, graph.ECONFLICT, fmt.Sprintf("update at version %d", v))
		wantCode(t, s.DeleteDocument(asC("ana"), "n", v), graph.ECONFLICT, fmt.Sprintf("delete at version %d", v))
	}
	got := must(s.Document(sys, "n"))
	if got.Title != "Deux" || got.Version != 2 || !got.UpdatedAt.Equal(d2.UpdatedAt) {
		t.Errorf("after stale writes: %+v", got)
	}
	if revs := must(s.Revisions(sys, "n", graph.Page{})); revs.TotalCount != 2 {
		t.Errorf("%d revisions, want 2", revs.TotalCount)
	}
	if lastSeq(t, s) != seq {
		t.Errorf("stale writes appended changes")
	}
	// Groups and contributors too.
	c := must(s.Carnets().Create(sys, graph.Carnet{ID: "c", Title: "C"}))
	_, err := s.Carnets().Update(sys, "c", graph.CarnetUpdate{Version: c.Version + 1, Title: ptr("x")})
	wantCode(t, err, graph.ECONFLICT, "stale carnet update")
	_, err = s.UpdateContributor(asC("ana"), "ana", graph.ContributorUpdate{Version: 7, Name: ptr("x")})
	wantCode(t, err, graph.ECONFLICT, "stale contributor update")
	_ = d
}

func TestNoOpUpdate(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	d := mkNote(t, s, "n", graph.VisibilityPublic)
	seq := lastSeq(t, s)
	got := must(s.UpdateDocument(sys, "n", graph.DocumentUpdate{Version: 1, Title: ptr(d.Title), Body: ptr(d.Body)}))
	if got.Version != 1 || lastSeq(t, s) != seq || !got.UpdatedAt.Equal(d.UpdatedAt) {
		t.Errorf("no-op update wrote: %+v", got)
	}
	c := must(s.Communities().Create(sys, graph.Community{ID: "m", Name: "M"}))
	seq = lastSeq(t, s)
	if got := must(s.Communities().Update(sys, "m", graph.GroupUpdate{Version: 1, Name: ptr(c.Name)})); got.Version != 1 || lastSeq(t, s) != seq {
		t.Errorf("no-op community update wrote: %+v", got)
	}
}

func TestRevisions(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	d := must(s.CreateDocument(asC("ana"), graph.Document{Kind: graph.KindTerm, Title: "Terme", Summary: "Court",
		Language: "fr", Visibility: graph.VisibilityPublic, Aliases: []string{"t"}, Definition: "Déf"}, nil))
	d = must(s.UpdateDocument(asC("ana"), d.ID, graph.DocumentUpdate{Version: 1, Body: ptr("Long"), Aliases: &[]string{}}))
	revs := must(s.Revisions(anon, d.ID, graph.Page{})).Nodes()
	if len(revs) != 2 || revs[0].Version != 2 || revs[1].Version != 1 {
		t.Fatalf("revisions %+v", revs)
	}
	if !slices.Equal(revs[1].Changed, []string{"title", "summary", "language", "definition", "visibility", "aliases"}) {
		t.Errorf("revision 1 changed %q", revs[1].Changed)
	}
	if !slices.Equal(revs[0].Changed, []string{"body", "aliases"}) || revs[0].Body != "Long" || revs[0].AuthorID != "ana" {
		t.Errorf("revision 2 %+v", revs[0])
	}
	if d.Aliases != nil {
		t.Errorf("cleared aliases read back as %#v", d.Aliases)
	}
}

func TestChangeSequence(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	mkNote(t, s, "a", graph.VisibilityPrivate, "ana")
	mkNote(t, s, "b", graph.VisibilityPublic)
	mkLink(t, s, graph.RelLinksTo, "a", "b")
	must(s.UpdateDocument(sys, "b", graph.DocumentUpdate{Version: 1, Title: ptr("B")}))
	ok(t, s.Unlink(sys, graph.RelLinksTo, "a", "b"))
	must(s.DeclareStandpoint(asC("ana"), graph.Declaration{ContributorID: "ana", Dimension: "gender", Value: "woman", Visibility: graph.DeclAggregate}))
	ok(t, s.WithdrawStandpoint(asC("ana"), "ana", "gender", "woman"))
	ok(t, s.DeleteDocument(sys, "b", 2))
	want := []string{
		"CREATE Contributor ana", "CREATE Note a", "LINK Contributor ana AUTHORED a", "CREATE Note b",
		"LINK Note a LINKS_TO b", "UPDATE Note b", "UNLINK Note a LINKS_TO b",
		"UPDATE Contributor ana", "UPDATE Contributor ana", "DELETE Note b",
	}
	changes := must(s.Changes(sys, 0, 0))
	var got []string
	for i, c := range changes {
		if c.Seq != uint64(i+1) {
			t.Errorf("change %d has seq %d", i, c.Seq)
		}
		if c.At.IsZero() {
			t.Errorf("change %d has no time", i)
		}
		got = append(got, strings.Join(strings.Fields(fmt.Sprint(c.Op, " ", c.Kind, " ", c.ID, " ", c.Relation, " ", c.OtherID)), " "))
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes\n got %q\nwant %q", got, want)
	}
	if seq := lastSeq(t, s); seq != uint64(len(want)) {
		t.Errorf("LastSeq %d", seq)
	}
	page := must(s.Changes(sys, 3, 2))
	if len(page) != 2 || page[0].Seq != 4 || page[1].Seq != 5 {
		t.Errorf("Changes(3, 2) = %+v", page)
	}
	if rest := must(s.Changes(sys, 10, 50_000)); len(rest) != 0 {
		t.Errorf("Changes after the last = %+v", rest)
	}
	// The sequence names hidden documents ("a" is private): only viewers
	// who see everything may follow it.
	_, err := s.Changes(anon, 0, 0)
	wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous follows changes")
	_, err = s.Changes(asC("ana"), 0, 0)
	wantCode(t, err, graph.EFORBIDDEN, "contributor follows changes")
	must(s.Changes(as(graph.Viewer{Role: graph.RoleCurator}), 0, 0))
}

func TestConcurrentWritesKeepSequenceDense(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				_, err := s.CreateDocument(sys, graph.Document{ID: fmt.Sprintf("n%d-%d", g, i), Kind: graph.KindNote,
					Title: "N", Language: "fr", Visibility: graph.VisibilityPublic}, nil)
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	changes := must(s.Changes(sys, 0, 0))
	if len(changes) != 40 {
		t.Fatalf("%d changes, want 40", len(changes))
	}
	for i, c := range changes {
		if c.Seq != uint64(i+1) {
			t.Fatalf("change %d has seq %d", i, c.Seq)
		}
	}
}

func TestInvalidInputWritesNothing(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	mkNote(t, s, "n", graph.VisibilityPublic, "ana")
	must(s.Carnets().Create(sys, graph.Carnet{ID: "c", Title: "C", Categories: []string{"a"}}))
	seq := lastSeq(t, s)
	note := graph.Document{Kind: graph.KindNote, Title: "T", Language: "fr", Visibility: graph.VisibilityPublic}
	bad := map[string]graph.Document{
		"empty title":   {Kind: graph.KindNote, Language: "fr", Visibility: graph.VisibilityPublic},
		"no visibility": {Kind: graph.KindNote, Title: "T"},
		"bad kind":      {Kind: graph.KindCarnet, Title: "T", Visibility: graph.VisibilityPublic},
		"bad id":        {ID: "Pas Bon", Kind: note.Kind, Title: note.Title, Visibility: note.Visibility},
		"long title":    {Kind: graph.KindNote, Title: strings.Repeat("x", graph.MaxTitleLen+1), Visibility: graph.VisibilityPublic},
		"definition":    {Kind: graph.KindNote, Title: "T", Definition: "d", Visibility: graph.VisibilityPublic},
	}
	for name, d := range bad {
		_, err := s.CreateDocument(sys, d, nil)
		wantCode(t, err, graph.EINVALID, name)
	}
	_, err := s.UpdateDocument(sys, "n", graph.DocumentUpdate{Version: 1, Title: ptr(" ")})
	wantCode(t, err, graph.EINVALID, "update to a blank title")
	_, err = s.Carnets().Create(sys, graph.Carnet{Title: "C", Categories: []string{"a", "a"}})
	wantCode(t, err, graph.EINVALID, "repeated category")
	_, err = s.Link(sys, graph.Link{Relation: graph.RelMemberOf, From: "n", To: "c"})
	wantCode(t, err, graph.EINVALID, "relation that does not fit the kinds")
	_, err = s.Link(sys, graph.Link{Relation: "LIKES", From: "n", To: "c"})
	wantCode(t, err, graph.EINVALID, "unknown relation")
	_, err = s.Link(sys, graph.Link{Relation: graph.RelInCarnet, From: "n", To: "c", Category: "b"})
	wantCode(t, err, graph.EINVALID, "category the carnet lacks")
	_, err = s.DeclareStandpoint(asC("ana"), graph.Declaration{ContributorID: "ana", Dimension: "Région!", Value: "x", Visibility: graph.DeclPublic})
	wantCode(t, err, graph.EINVALID, "malformed dimension")
	_, err = s.DeclareStandpoint(asC("ana"), graph.Declaration{ContributorID: "ana", Dimension: "region", Value: "x"})
	wantCode(t, err, graph.EINVALID, "declaration without visibility")
	_, err = s.ListDocuments(sys, graph.DocumentFilter{Kinds: []graph.Kind{graph.KindCarnet}}, graph.DocumentOrder{}, graph.Page{})
	wantCode(t, err, graph.EINVALID, "list a kind that is not a document")
	_, err = s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{Field: "COLOUR"}, graph.Page{})
	wantCode(t, err, graph.EINVALID, "unknown order")
	_, err = s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 101})
	wantCode(t, err, graph.EINVALID, "page too large")
	_, err = s.Links(sys, []string{"n"}, graph.RelLinksTo, "UP")
	wantCode(t, err, graph.EINVALID, "unknown direction")
	if lastSeq(t, s) != seq {
		t.Errorf("invalid input appended changes")
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	mkContributor(t, s, "bob")
	mkNote(t, s, "n", graph.VisibilityPublic, "ana")
	must(s.Communities().Create(sys, graph.Community{ID: "m", Name: "M"}))
	note := graph.Document{Kind: graph.KindNote, Title: "T", Language: "fr", Visibility: graph.VisibilityPublic}
	researcher := as(graph.Viewer{Role: graph.RoleResearcher})
	curator := as(graph.Viewer{Role: graph.RoleCurator})
	admin := as(graph.Viewer{Role: graph.RoleAdmin})

	_, err := s.CreateDocument(anon, note, nil)
	wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous create")
	_, err = s.CreateDocument(researcher, note, nil)
	wantCode(t, err, graph.EFORBIDDEN, "create without a contributor")
	_, err = s.CreateDocument(asC("bob"), note, []string{"ana"})
	wantCode(t, err, graph.EFORBIDDEN, "contributor names another author")
	if d, err := s.CreateDocument(curator, note, []string{"ana", "bob"}); err != nil {
		t.Errorf("curator names authors: %v", err)
	} else if got := must(s.Links(sys, []string{d.ID}, graph.RelAuthored, graph.In)); len(got[d.ID]) != 2 {
		t.Errorf("authors %v", got)
	}
	_, err = s.CreateDocument(curator, note, []string{"personne"})
	wantCode(t, err, graph.ENOTFOUND, "unknown author")

	_, err = s.CreateContributor(curator, graph.Contributor{Name: "X"})
	wantCode(t, err, graph.EFORBIDDEN, "curator creates a contributor")
	_, err = s.CreateContributor(anon, graph.Contributor{Name: "X"})
	wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous creates a contributor")
	must(s.CreateContributor(admin, graph.Contributor{Name: "X"}))
	_, err = s.UpdateContributor(asC("bob"), "ana", graph.ContributorUpdate{Version: 1, Bio: ptr("x")})
	wantCode(t, err, graph.EFORBIDDEN, "edit someone else's profile")
	must(s.UpdateContributor(asC("ana"), "ana", graph.ContributorUpdate{Version: 1, Bio: ptr("x")}))

	_, err = s.Communities().Create(asC("ana"), graph.Community{Name: "X"})
	wantCode(t, err, graph.EFORBIDDEN, "contributor creates a community")
	_, err = s.Communities().Update(asC("ana"), "m", graph.GroupUpdate{Version: 1, Name: ptr("X")})
	wantCode(t, err, graph.EFORBIDDEN, "contributor renames a community")
	must(s.Communities().Update(curator, "m", graph.GroupUpdate{Version: 1, Name: ptr("X")}))

	_, err = s.Link(asC("bob"), graph.Link{Relation: graph.RelMemberOf, From: "ana", To: "m"})
	wantCode(t, err, graph.EFORBIDDEN, "enrol someone else")
	_, err = s.Link(asC("bob"), graph.Link{Relation: graph.RelMemberOf, From: "bob", To: "m"})
	wantCode(t, err, graph.EFORBIDDEN, "join a community uninvited")
	must(s.Link(curator, graph.Link{Relation: graph.RelMemberOf, From: "bob", To: "m"}))
	_, err = s.Link(asC("bob"), graph.Link{Relation: graph.RelAuthored, From: "bob", To: "n"})
	wantCode(t, err, graph.EFORBIDDEN, "claim authorship of someone else's note")
	must(s.Link(asC("ana"), graph.Link{Relation: graph.RelAuthored, From: "bob", To: "n", Role: graph.AuthorRoleEditor}))
	must(s.UpdateDocument(asC("bob"), "n", graph.DocumentUpdate{Version: 1, Title: ptr("Co-écrit")}))
	_, err = s.Link(anon, graph.Link{Relation: graph.RelMemberOf, From: "bob", To: "m"})
	wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous link")

	ok(t, s.CreateToken(admin, graph.Token{Hash: "h1", Role: graph.RoleCurator}))
	wantCode(t, s.CreateToken(curator, graph.Token{Hash: "h2", Role: graph.RoleCurator}), graph.EFORBIDDEN, "curator creates a token")
	wantCode(t, s.CreateToken(sys, graph.Token{Hash: "h3", Role: graph.RoleSystem}), graph.EINVALID, "system token")
	wantCode(t, s.CreateToken(sys, graph.Token{Hash: "h1", Role: graph.RoleAdmin}), graph.ECONFLICT, "duplicate token")
	wantCode(t, s.CreateToken(sys, graph.Token{Hash: "h4", Role: graph.RoleAdmin, ContributorID: "personne"}), graph.ENOTFOUND, "token for nobody")
}

func TestStandpoints(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	mkContributor(t, s, "bob")
	declare := func(vis graph.DeclarationVisibility, value string) {
		must(s.DeclareStandpoint(asC("ana"), graph.Declaration{ContributorID: "ana", Dimension: "generation", Value: value, Visibility: vis}))
	}
	declare(graph.DeclPrivate, "p")
	declare(graph.DeclAggregate, "a")
	declare(graph.DeclPublic, "x")
	admin := as(graph.Viewer{Role: graph.RoleAdmin, ContributorID: "bob"})
	_, err := s.DeclareStandpoint(admin, graph.Declaration{ContributorID: "ana", Dimension: "g", Value: "v", Visibility: graph.DeclPublic})
	wantCode(t, err, graph.EFORBIDDEN, "admin declares for someone else")
	_, err = s.DeclareStandpoint(anon, graph.Declaration{ContributorID: "ana", Dimension: "g", Value: "v", Visibility: graph.DeclPublic})
	wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous declares")
	wantCode(t, s.WithdrawStandpoint(admin, "ana", "generation", "x"), graph.EFORBIDDEN, "admin withdraws for someone else")
	wantCode(t, s.WithdrawStandpoint(asC("ana"), "ana", "generation", "jamais"), graph.ENOTFOUND, "withdraw an undeclared value")

	values := func(ctx interface{}, who string) []string {
		var out []string
		for _, d := range must(s.Declarations(as(ctx.(graph.Viewer)), []string{who}))[who] {
			out = append(out, d.Value+":"+string(d.Visibility))
		}
		slices.Sort(out)
		return out
	}
	if got := values(graph.Viewer{Role: graph.RoleContributor, ContributorID: "ana"}, "ana"); len(got) != 3 {
		t.Errorf("owner sees %q", got)
	}
	for _, v := range []graph.Viewer{{}, {Role: graph.RoleAdmin}, {Role: graph.RoleCurator}, {Role: graph.RoleResearcher},
		{Role: graph.RoleContributor, ContributorID: "bob"}} {
		if got := values(v, "ana"); !slices.Equal(got, []string{"x:PUBLIC"}) {
			t.Errorf("%+v sees %q, want only the public value", v, got)
		}
	}
	if got := values(graph.Viewer{Role: graph.RoleSystem}, "ana"); len(got) != 3 {
		t.Errorf("system sees %q", got)
	}
	declare(graph.DeclPublic, "p") // re-declare: visibility changes
	if got := values(graph.Viewer{Role: graph.RoleAdmin}, "ana"); !slices.Equal(got, []string{"p:PUBLIC", "x:PUBLIC"}) {
		t.Errorf("after re-declaring: %q", got)
	}
	ok(t, s.WithdrawStandpoint(asC("ana"), "ana", "generation", "p"))
	if got := values(graph.Viewer{Role: graph.RoleSystem}, "ana"); len(got) != 2 {
		t.Errorf("after withdrawing: %q", got)
	}
	must(s.DeclareStandpoint(sys, graph.Declaration{ContributorID: "bob", Dimension: "region", Value: "abitibi", Visibility: graph.DeclPrivate}))
	_, err = s.DeclareStandpoint(sys, graph.Declaration{ContributorID: "personne", Dimension: "region", Value: "abitibi", Visibility: graph.DeclPrivate})
	wantCode(t, err, graph.ENOTFOUND, "declare for a missing contributor")
}
