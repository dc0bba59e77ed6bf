package storetest

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

var published = time.Date(2024, 3, 14, 15, 9, 26, 0, time.UTC)

// kindSamples are one full document of each kind, kind-specific fields set.
func kindSamples() []graph.Document {
	return []graph.Document{
		{
			Kind: graph.KindNote, Slug: "atelier-cartographie", Title: "Atelier : cartographier les savoirs",
			Summary: "Compte rendu d'un atelier.", Body: "# Atelier\n\nUne note *en Markdown* avec des accents : é, à, ç.",
			Language: "fr", Visibility: graph.VisibilityPublic, Licence: "CC-BY-SA-4.0", PublishedAt: ptr(published),
		},
		{
			Kind: graph.KindTerm, Slug: "maillage", Title: "Maillage", Summary: "Terme du lexique.",
			Body: "Le maillage relie des organismes.", Language: "fr", Visibility: graph.VisibilityPublic,
			Aliases: []string{"réseautage", "tissage"}, Definition: "Action de tisser des liens durables entre organismes.",
		},
		{
			Kind: graph.KindOrganisation, Slug: "centre-plateau", Title: "Centre communautaire du Plateau",
			Body: "Un organisme de quartier.", Language: "fr", Visibility: graph.VisibilityPublic,
			Aliases: []string{"CCP"}, Website: "https://ccp.example.org", Region: "montreal", Sector: "community-action",
		},
	}
}

// kindUpdates changes kind-specific fields of each sample, plus common ones.
func kindUpdates() map[graph.Kind]graph.DocumentUpdate {
	return map[graph.Kind]graph.DocumentUpdate{
		graph.KindNote: {
			Title: ptr("Atelier : cartographier nos savoirs"), Body: ptr("Nouveau corps."), Summary: ptr(""),
			Slug: ptr("atelier-savoirs"), Licence: ptr("CC0-1.0"), Language: ptr("en"),
			PublishedAt: ptr(published.Add(48 * time.Hour)), Visibility: ptr(graph.VisibilityPrivate),
		},
		graph.KindTerm: {
			Aliases: &[]string{"tissage", "maillage social", "réseau"}, Definition: ptr("Tisser des liens."),
		},
		graph.KindOrganisation: {
			Website: ptr("https://plateau.example.org"), Region: ptr("quebec-city"), Sector: ptr("social-economy"),
			Aliases: &[]string{}, Title: ptr("Centre du Plateau"),
		},
	}
}

func testDocuments(t *testing.T, newStore factory) {
	t.Run("CreateEachKind", func(t *testing.T) {
		for _, sample := range kindSamples() {
			t.Run(string(sample.Kind), func(t *testing.T) {
				f := newFixture(t, newStore)
				f.contributor("ctb-a")
				got, err := f.s.CreateDocument(f.asC("ctb-a"), sample, nil)
				f.must(err, "create %s", sample.Kind)
				if err := graph.ValidateID(got.ID); err != nil {
					t.Errorf("generated id %q is not a valid id: %v", got.ID, err)
				}
				if diffs := diffDocument(&sample, got); len(diffs) > 0 {
					t.Errorf("created %s differs from the input: %q", sample.Kind, diffs)
				}
				if got.Version != 1 {
					t.Errorf("created version %d, want 1", got.Version)
				}
				wantTime(t, got.CreatedAt, "CreatedAt")
				wantTime(t, got.UpdatedAt, "UpdatedAt")
				if got.UpdatedAt.Before(got.CreatedAt) {
					t.Errorf("UpdatedAt %v before CreatedAt %v", got.UpdatedAt, got.CreatedAt)
				}
				read, err := f.s.Document(f.asC("ctb-a"), got.ID)
				f.must(err, "read back as the author")
				wantDocument(t, read, got, "read back as the author")
				read, err = f.s.Document(f.anon(), got.ID)
				f.must(err, "read a public %s anonymously", sample.Kind)
				wantDocument(t, read, got, "read back anonymously")

				// The authors default to the viewer's contributor.
				m, err := f.s.Links(f.sys(), []string{got.ID}, graph.RelAuthored, graph.In)
				f.must(err, "Links(AUTHORED, In)")
				authors := m[got.ID]
				if len(authors) != 1 {
					t.Fatalf("authors of a document created by ctb-a with no authorIDs: %q, want [ctb-a]", keys(authors))
				}
				a := authors[0]
				if a.From != "ctb-a" || a.To != got.ID || a.Role != graph.AuthorRoleAuthor ||
					a.FromKind != graph.KindContributor || a.ToKind != sample.Kind {
					t.Errorf("author link %+v, want ctb-a AUTHORED %s with role AUTHOR, kinds Contributor→%s", a, got.ID, sample.Kind)
				}
			})
		}
	})

	t.Run("GeneratedIDsDiffer", func(t *testing.T) {
		f := newFixture(t, newStore)
		seen := map[string]bool{}
		for i := range 5 {
			d := f.doc(graph.Document{Title: fmt.Sprintf("Même titre %d", i%2)})
			if seen[d.ID] {
				t.Errorf("generated id %q twice", d.ID)
			}
			seen[d.ID] = true
		}
	})

	t.Run("CreateWithGivenIDAndAuthors", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("ctb-a")
		f.contributor("ctb-b")
		in := graph.Document{ID: "note-donnee", Kind: graph.KindNote, Title: "Note à identifiant choisi", Language: "fr", Visibility: graph.VisibilityCommunity}
		got, err := f.s.CreateDocument(f.sys(), in, []string{"ctb-a", "ctb-b"})
		f.must(err, "create with a given id")
		if got.ID != "note-donnee" {
			t.Errorf("created id %q, want the given note-donnee", got.ID)
		}
		wantDocument(t, f.reread("note-donnee"), got, "read back")
		var authors []string
		m, err := f.s.Links(f.sys(), []string{got.ID}, graph.RelAuthored, graph.In)
		f.must(err, "Links(AUTHORED, In)")
		for _, l := range m[got.ID] {
			authors = append(authors, l.From)
			if l.Role != graph.AuthorRoleAuthor {
				t.Errorf("author %s has role %q, want AUTHOR", l.From, l.Role)
			}
		}
		sameSet(t, authors, []string{"ctb-a", "ctb-b"}, "authors named by authorIDs")
	})

	t.Run("DuplicateIDConflict", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("ctb-a")
		orig := f.doc(graph.Document{ID: "doublon", Title: "Original"}, "ctb-a")
		f.community("communaute")
		cases := []struct {
			name string
			d    graph.Document
		}{
			{"same kind", graph.Document{ID: "doublon", Kind: graph.KindNote, Title: "Copie", Language: "fr", Visibility: graph.VisibilityPublic}},
			{"other kind", graph.Document{ID: "doublon", Kind: graph.KindTerm, Title: "Copie", Language: "fr", Visibility: graph.VisibilityPublic}},
			// Links name their ends by id alone, so ids are unique across kinds.
			{"id of a contributor", graph.Document{ID: "ctb-a", Kind: graph.KindNote, Title: "Copie", Language: "fr", Visibility: graph.VisibilityPublic}},
			{"id of a community", graph.Document{ID: "communaute", Kind: graph.KindNote, Title: "Copie", Language: "fr", Visibility: graph.VisibilityPublic}},
		}
		for _, tc := range cases {
			before := f.state()
			_, err := f.s.CreateDocument(f.sys(), tc.d, []string{"ctb-a"})
			wantCode(t, err, graph.ECONFLICT, "create with a used id (%s)", tc.name)
			f.wantState(before, "create with a used id (%s)", tc.name)
		}
		wantDocument(t, f.reread("doublon"), orig, "the original after duplicate creations")
		before := f.state()
		_, err := f.s.CreateContributor(f.sys(), graph.Contributor{ID: "doublon", Name: "Homonyme"})
		wantCode(t, err, graph.ECONFLICT, "create a contributor with a document's id")
		f.wantState(before, "create a contributor with a document's id")
	})

	t.Run("BatchRead", func(t *testing.T) {
		f := newFixture(t, newStore)
		d1 := f.note("d1", graph.VisibilityPublic)
		d2 := f.doc(graph.Document{ID: "d2", Kind: graph.KindTerm})
		got, err := f.s.Documents(f.anon(), []string{"d2", "absent", "d1", "d2"})
		f.must(err, "Documents")
		if len(got) != 4 {
			t.Fatalf("Documents of 4 ids returned %d entries", len(got))
		}
		want := []*graph.Document{d2, nil, d1, d2}
		for i, w := range want {
			if w == nil {
				if got[i] != nil {
					t.Errorf("Documents[%d] (missing id) = %q, want nil", i, got[i].ID)
				}
				continue
			}
			wantDocument(t, got[i], w, "Documents[%d]", i)
		}
		empty, err := f.s.Documents(f.anon(), nil)
		f.must(err, "Documents(nil)")
		if len(empty) != 0 {
			t.Errorf("Documents(nil) returned %d entries", len(empty))
		}
	})

	t.Run("UpdateEachKind", func(t *testing.T) {
		for _, sample := range kindSamples() {
			t.Run(string(sample.Kind), func(t *testing.T) {
				f := newFixture(t, newStore)
				f.contributor("ctb-a")
				old, err := f.s.CreateDocument(f.asC("ctb-a"), sample, nil)
				f.must(err, "create")
				u := kindUpdates()[sample.Kind]
				u.Version = old.Version
				want := *old
				want.Aliases = slices.Clone(old.Aliases)
				if len(u.Apply(&want)) == 0 {
					t.Fatal("suite bug: the update changes nothing")
				}
				got, err := f.s.UpdateDocument(f.asC("ctb-a"), old.ID, u)
				f.must(err, "update %s", sample.Kind)
				if diffs := diffDocument(&want, got); len(diffs) > 0 {
					t.Errorf("updated %s: %q", sample.Kind, diffs)
				}
				if got.Version != old.Version+1 {
					t.Errorf("version after an update %d, want %d", got.Version, old.Version+1)
				}
				if !got.CreatedAt.Equal(old.CreatedAt) {
					t.Errorf("CreatedAt changed by an update: %v, was %v", got.CreatedAt, old.CreatedAt)
				}
				wantTime(t, got.UpdatedAt, "UpdatedAt after an update")
				if got.UpdatedAt.Before(old.UpdatedAt) {
					t.Errorf("UpdatedAt went back: %v, was %v", got.UpdatedAt, old.UpdatedAt)
				}
				wantDocument(t, f.reread(old.ID), got, "reread after the update")
			})
		}
	})

	t.Run("Delete", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("ctb-a")
		keep := f.note("garde", graph.VisibilityPublic, "ctb-a")
		d := f.note("efface", graph.VisibilityPublic, "ctb-a")
		before := f.state()
		f.must(f.s.DeleteDocument(f.asC("ctb-a"), d.ID, d.Version), "delete as the author")
		after := f.state()
		if after.Documents != before.Documents-1 {
			t.Errorf("document count %d after a delete, was %d", after.Documents, before.Documents)
		}
		if after.Seq <= before.Seq {
			t.Errorf("LastSeq did not advance on delete")
		}
		_, err := f.s.Document(f.sys(), d.ID)
		wantCode(t, err, graph.ENOTFOUND, "Document after delete")
		ds, err := f.s.Documents(f.sys(), []string{d.ID, keep.ID})
		f.must(err, "Documents")
		if len(ds) != 2 || ds[0] != nil || ds[1] == nil {
			t.Errorf("Documents([deleted, kept]) = %v, want [nil, kept]", ds)
		}
		_, err = f.s.Revisions(f.sys(), d.ID, graph.Page{})
		wantCode(t, err, graph.ENOTFOUND, "Revisions after delete")
		_, err = f.s.UpdateDocument(f.sys(), d.ID, graph.DocumentUpdate{Version: d.Version, Title: ptr("Revenant")})
		wantCode(t, err, graph.ENOTFOUND, "Update after delete")
		err = f.s.DeleteDocument(f.sys(), d.ID, d.Version)
		wantCode(t, err, graph.ENOTFOUND, "Delete twice")
		wantDocument(t, f.reread(keep.ID), keep, "the other document")
	})

	t.Run("RecreateAfterDeleteStartsAfresh", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("ctb-a")
		other := f.note("autre", graph.VisibilityPublic, "ctb-a")
		d := f.note("phenix", graph.VisibilityPublic, "ctb-a")
		f.link(graph.RelLinksTo, d.ID, other.ID)
		d, err := f.s.UpdateDocument(f.sys(), d.ID, graph.DocumentUpdate{Version: d.Version, Title: ptr("Avant")})
		f.must(err, "update")
		f.must(f.s.DeleteDocument(f.sys(), d.ID, d.Version), "delete")
		again, err := f.s.CreateDocument(f.sys(), graph.Document{ID: "phenix", Kind: graph.KindNote, Title: "Après", Language: "fr", Visibility: graph.VisibilityPublic}, []string{"ctb-a"})
		f.must(err, "create again with the id of a deleted document")
		if again.Version != 1 {
			t.Errorf("recreated version %d, want 1", again.Version)
		}
		revs, err := f.s.Revisions(f.sys(), "phenix", graph.Page{})
		f.must(err, "Revisions")
		if revs.TotalCount != 1 {
			t.Errorf("recreated document has %d revisions, want 1: the old ones must be gone", revs.TotalCount)
		}
		if ls := f.linkKeys(f.sys(), "phenix", graph.RelLinksTo, graph.Both); len(ls) != 0 {
			t.Errorf("recreated document has the old links %q", ls)
		}
	})

	t.Run("MissingIDNotFound", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.note("present", graph.VisibilityPublic)
		before := f.state()
		_, err := f.s.Document(f.sys(), "absent")
		wantCode(t, err, graph.ENOTFOUND, "Document(absent)")
		_, err = f.s.Revisions(f.sys(), "absent", graph.Page{})
		wantCode(t, err, graph.ENOTFOUND, "Revisions(absent)")
		_, err = f.s.UpdateDocument(f.sys(), "absent", graph.DocumentUpdate{Version: 1, Title: ptr("x")})
		wantCode(t, err, graph.ENOTFOUND, "UpdateDocument(absent)")
		err = f.s.DeleteDocument(f.sys(), "absent", 1)
		wantCode(t, err, graph.ENOTFOUND, "DeleteDocument(absent)")
		// A contributor or a group is not a document.
		f.contributor("ctb-a")
		before = f.state()
		_, err = f.s.Document(f.sys(), "ctb-a")
		wantCode(t, err, graph.ENOTFOUND, "Document(id of a contributor)")
		f.wantState(before, "failed document calls")
	})
}

func testVersions(t *testing.T, newStore factory) {
	t.Run("UpdateBumpsVersion", func(t *testing.T) {
		f := newFixture(t, newStore)
		d := f.note("v", graph.VisibilityPublic)
		for i := range 3 {
			title := fmt.Sprintf("Titre %d", i)
			got, err := f.s.UpdateDocument(f.sys(), d.ID, graph.DocumentUpdate{Version: d.Version, Title: &title})
			f.must(err, "update %d", i)
			if got.Version != d.Version+1 || got.Title != title {
				t.Errorf("update %d: version %d title %q, want version %d title %q", i, got.Version, got.Title, d.Version+1, title)
			}
			d = got
		}
		wantDocument(t, f.reread(d.ID), d, "reread")
	})

	t.Run("NoOpUpdateKeepsVersion", func(t *testing.T) {
		f := newFixture(t, newStore)
		d := f.doc(graph.Document{ID: "t", Kind: graph.KindTerm, Title: "Même", Aliases: []string{"a", "b"}})
		for name, u := range map[string]graph.DocumentUpdate{
			"no field":       {},
			"same values":    {Title: ptr(d.Title), Aliases: &[]string{"a", "b"}, Visibility: ptr(d.Visibility), Definition: ptr(d.Definition)},
			"same body only": {Body: ptr(d.Body)},
		} {
			u.Version = d.Version
			got, err := f.s.UpdateDocument(f.sys(), d.ID, u)
			f.must(err, "no-op update (%s)", name)
			if got.Version != d.Version {
				t.Errorf("no-op update (%s) bumped the version to %d (was %d)", name, got.Version, d.Version)
			}
			if diffs := diffDocument(d, got); len(diffs) > 0 {
				t.Errorf("no-op update (%s) changed fields: %q", name, diffs)
			}
			if r := f.reread(d.ID); r.Version != d.Version {
				t.Errorf("no-op update (%s): stored version %d, want %d", name, r.Version, d.Version)
			}
		}
		revs, err := f.s.Revisions(f.sys(), d.ID, graph.Page{})
		f.must(err, "Revisions")
		if revs.TotalCount != 1 {
			t.Errorf("%d revisions after no-op updates, want 1", revs.TotalCount)
		}
		// The version is still checked on a no-op.
		_, err = f.s.UpdateDocument(f.sys(), d.ID, graph.DocumentUpdate{Version: d.Version + 1})
		wantCode(t, err, graph.ECONFLICT, "no-op update with a wrong version")
	})

	t.Run("StaleUpdateConflict", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("ctb-a")
		d := f.note("conflit", graph.VisibilityPublic, "ctb-a")
		cur, err := f.s.UpdateDocument(f.asC("ctb-a"), d.ID, graph.DocumentUpdate{Version: d.Version, Title: ptr("Deuxième"), Body: ptr("Corps 2")})
		f.must(err, "first update")
		for _, v := range []int{d.Version, cur.Version + 1, 0, -1} {
			before := f.state()
			_, err := f.s.UpdateDocument(f.asC("ctb-a"), d.ID, graph.DocumentUpdate{Version: v, Title: ptr("Perdu"), Body: ptr("Perdu")})
			wantCode(t, err, graph.ECONFLICT, "update with version %d when the document is at %d", v, cur.Version)
			f.wantState(before, "stale update (version %d)", v)
			wantDocument(t, f.reread(d.ID), cur, "document after a stale update (version %d)", v)
		}
		revs, err := f.s.Revisions(f.sys(), d.ID, graph.Page{})
		f.must(err, "Revisions")
		if revs.TotalCount != cur.Version {
			t.Errorf("%d revisions after stale updates, want %d", revs.TotalCount, cur.Version)
		}
	})

	t.Run("StaleDeleteConflict", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("ctb-a")
		d := f.note("conflit", graph.VisibilityPublic, "ctb-a")
		cur, err := f.s.UpdateDocument(f.asC("ctb-a"), d.ID, graph.DocumentUpdate{Version: d.Version, Title: ptr("Deuxième")})
		f.must(err, "update")
		for _, v := range []int{d.Version, cur.Version + 1} {
			before := f.state()
			err := f.s.DeleteDocument(f.asC("ctb-a"), d.ID, v)
			wantCode(t, err, graph.ECONFLICT, "delete with version %d when the document is at %d", v, cur.Version)
			f.wantState(before, "stale delete (version %d)", v)
			wantDocument(t, f.reread(d.ID), cur, "document after a stale delete")
		}
		if ls := f.linkKeys(f.sys(), d.ID, graph.RelAuthored, graph.In); len(ls) != 1 {
			t.Errorf("authors after a stale delete: %q, want the one author", ls)
		}
	})
}

func testRevisions(t *testing.T, newStore factory) {
	t.Run("OnePerWriteNewestFirst", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("ctb-a")
		f.contributor("ctb-cur")
		curatorA := graph.Viewer{Role: graph.RoleCurator, ContributorID: "ctb-cur"}
		d, err := f.s.CreateDocument(f.asC("ctb-a"), graph.Document{Kind: graph.KindNote, Title: "T1", Body: "B1", Summary: "S1", Language: "fr", Visibility: graph.VisibilityPublic}, nil)
		f.must(err, "create")
		type write struct {
			who graph.Viewer
			u   graph.DocumentUpdate
		}
		writes := []write{
			{contributorViewer("ctb-a"), graph.DocumentUpdate{Title: ptr("T2")}},
			{curatorA, graph.DocumentUpdate{Body: ptr("B3"), Summary: ptr("S3")}},
			{graph.Viewer{Role: graph.RoleSystem}, graph.DocumentUpdate{Slug: ptr("t2"), Title: ptr("T2")}},
		}
		type expect struct {
			version           int
			author            string
			changed           []string
			title, body, summ string
		}
		want := []expect{{1, "ctb-a", nil, d.Title, d.Body, d.Summary}}
		cur := *d
		for i, w := range writes {
			w.u.Version = cur.Version
			changed := w.u.Apply(&cur)
			got, err := f.s.UpdateDocument(f.as(w.who), d.ID, w.u)
			f.must(err, "write %d", i)
			if got.Version != cur.Version+1 {
				t.Errorf("write %d: version %d, want %d", i, got.Version, cur.Version+1)
			}
			cur.Version = got.Version
			want = append(want, expect{got.Version, w.who.ContributorID, changed, cur.Title, cur.Body, cur.Summary})
		}
		slices.Reverse(want)
		revs, err := f.s.Revisions(f.anon(), d.ID, graph.Page{})
		f.must(err, "Revisions")
		if revs.TotalCount != len(want) || len(revs.Edges) != len(want) {
			t.Fatalf("%d revisions (TotalCount %d), want %d", len(revs.Edges), revs.TotalCount, len(want))
		}
		for i, e := range revs.Edges {
			r, w := e.Node, want[i]
			if r == nil {
				t.Fatalf("revision %d is nil", i)
			}
			if r.DocumentID != d.ID || r.Version != w.version || r.AuthorID != w.author ||
				r.Title != w.title || r.Body != w.body || r.Summary != w.summ {
				t.Errorf("revision %d = {doc %q v%d by %q title %q body %q summary %q}, want {doc %q v%d by %q title %q body %q summary %q}",
					i, r.DocumentID, r.Version, r.AuthorID, r.Title, r.Body, r.Summary,
					d.ID, w.version, w.author, w.title, w.body, w.summ)
			}
			if r.At.IsZero() {
				t.Errorf("revision %d has no time", i)
			}
			if w.version > 1 {
				got, exp := slices.Clone(r.Changed), slices.Clone(w.changed)
				sort.Strings(got)
				sort.Strings(exp)
				if !slices.Equal(got, exp) {
					t.Errorf("revision v%d changed %q, want %q", w.version, r.Changed, w.changed)
				}
			}
		}
	})

	t.Run("Paginated", func(t *testing.T) {
		f := newFixture(t, newStore)
		d := f.note("r", graph.VisibilityPublic)
		for i := range 6 {
			var err error
			d, err = f.s.UpdateDocument(f.sys(), d.ID, graph.DocumentUpdate{Version: d.Version, Body: ptr(fmt.Sprintf("corps %d", i))})
			f.must(err, "update %d", i)
		}
		revs, total := pageAll(t, 3, func(p graph.Page) (*graph.Connection[*graph.Revision], error) {
			return f.s.Revisions(f.anon(), d.ID, p)
		}, "Revisions")
		if total != 7 {
			t.Errorf("TotalCount %d, want 7", total)
		}
		var versions []string
		for _, r := range revs {
			versions = append(versions, fmt.Sprint(r.Version))
		}
		sameOrder(t, versions, []string{"7", "6", "5", "4", "3", "2", "1"}, "revision versions, paged by 3")
		_, err := f.s.Revisions(f.anon(), d.ID, graph.Page{First: graph.MaxFirst + 1})
		wantCode(t, err, graph.EINVALID, "Revisions with first > MaxFirst")
		_, err = f.s.Revisions(f.anon(), d.ID, graph.Page{After: "pas un curseur"})
		wantCode(t, err, graph.EINVALID, "Revisions with a garbage cursor")
	})
}
