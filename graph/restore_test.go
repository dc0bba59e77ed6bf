package graph_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// preparedSnapshot is a small valid snapshot with one object of each kind,
// dates in a zone other than UTC, and a link and a declaration without a
// date.
func preparedSnapshot() graph.Snapshot {
	paris := time.FixedZone("Paris", 3600)
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, paris)
	return graph.Snapshot{
		KnowledgeBases: []graph.KnowledgeBase{{ID: "base", Name: "Base", CreatedAt: at, UpdatedAt: at, Version: 1}},
		Communities:    []graph.Community{{ID: "commu", Name: "Commune", CreatedAt: at, UpdatedAt: at, Version: 1}},
		Carnets:        []graph.Carnet{{ID: "carnet", Title: "Carnet", Categories: []string{"Lectures"}, CreatedAt: at, UpdatedAt: at, Version: 2}},
		Contributors:   []graph.Contributor{{ID: "alice", Name: "Alice", CreatedAt: at, UpdatedAt: at, Version: 1}},
		Documents: []graph.Document{{ID: "note", Kind: graph.KindNote, Title: "Une note", Visibility: graph.VisibilityPublic,
			Aliases: []string{"la note"}, CreatedAt: at, UpdatedAt: at, PublishedAt: &at, Version: 2}},
		Revisions: []graph.Revision{
			{DocumentID: "note", Version: 1, At: at, Title: "Une note", Visibility: graph.VisibilityPublic},
			{DocumentID: "note", Version: 2, At: at, Title: "Une note", Visibility: graph.VisibilityPublic, Changed: []string{"title"}},
		},
		Links: []graph.Link{
			{Relation: graph.RelAuthored, From: "alice", To: "note", Role: graph.AuthorRoleAuthor, CreatedAt: at},
			{Relation: graph.RelInCarnet, From: "note", To: "carnet", Category: "Lectures", Position: 1},
		},
		Declarations: []graph.Declaration{{ContributorID: "alice", Dimension: "region", Value: "bretagne", Visibility: graph.DeclPublic}},
		Flags: []graph.Flag{{ID: "flag", DocumentID: "note", FlaggerID: "alice", Reason: "Doublon", Status: graph.FlagOpen,
			CreatedAt: at}},
	}
}

// TestPrepareSnapshot pins what PrepareSnapshot does to a valid snapshot
// (times in UTC, kinds filled in, missing dates set to now, the caller's
// snapshot untouched) and the error each kind of bad record gets, with its
// code.
func TestPrepareSnapshot(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	in := preparedSnapshot()
	before := preparedSnapshot()
	out, err := graph.PrepareSnapshot(in, now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, before) {
		t.Error("PrepareSnapshot changed its argument")
	}
	if loc := out.Documents[0].CreatedAt.Location(); loc != time.UTC {
		t.Errorf("document created in %v, want UTC", loc)
	}
	if loc := out.Documents[0].PublishedAt.Location(); loc != time.UTC || out.Documents[0].PublishedAt == in.Documents[0].PublishedAt {
		t.Errorf("published date in %v (a copy: %v), want a copy in UTC", loc, out.Documents[0].PublishedAt != in.Documents[0].PublishedAt)
	}
	if l := out.Links[1]; l.FromKind != graph.KindNote || l.ToKind != graph.KindCarnet || !l.CreatedAt.Equal(now) {
		t.Errorf("IN_CARNET link prepared as %+v", l)
	}
	if l := out.Links[0]; l.CreatedAt.Location() != time.UTC {
		t.Errorf("dated link in %v, want UTC", l.CreatedAt.Location())
	}
	if d := out.Declarations[0]; !d.DeclaredAt.Equal(now) {
		t.Errorf("undated declaration dated %v, want now", d.DeclaredAt)
	}
	if f := out.Flags[0]; f.DocumentKind != graph.KindNote || f.CreatedAt.Location() != time.UTC {
		t.Errorf("flag prepared as %+v", f)
	}
	if out.Records() != in.Records() {
		t.Errorf("%d records prepared of %d", out.Records(), in.Records())
	}

	for _, c := range []struct {
		name  string
		spoil func(s *graph.Snapshot)
		code  string
	}{
		{"bad id", func(s *graph.Snapshot) { s.Contributors[0].ID = "a b" }, graph.EINVALID},
		{"id used twice", func(s *graph.Snapshot) { s.Communities[0].ID = "base" }, graph.ECONFLICT},
		{"version 0", func(s *graph.Snapshot) { s.KnowledgeBases[0].Version = 0 }, graph.EINVALID},
		{"no creation date", func(s *graph.Snapshot) { s.Carnets[0].CreatedAt = time.Time{} }, graph.EINVALID},
		{"invalid contributor", func(s *graph.Snapshot) { s.Contributors[0].Name = "" }, graph.EINVALID},
		{"document of no document kind", func(s *graph.Snapshot) { s.Documents[0].Kind = graph.KindCarnet }, graph.EINVALID},
		{"invalid document", func(s *graph.Snapshot) { s.Documents[0].Title = " " }, graph.EINVALID},
		{"revision of no document", func(s *graph.Snapshot) { s.Revisions[0].DocumentID = "ailleurs" }, graph.ENOTFOUND},
		{"revision past the document", func(s *graph.Snapshot) { s.Revisions[1].Version = 3 }, graph.EINVALID},
		{"revision twice", func(s *graph.Snapshot) { s.Revisions[1].Version = 1 }, graph.ECONFLICT},
		{"link from nowhere", func(s *graph.Snapshot) { s.Links[0].From = "personne" }, graph.ENOTFOUND},
		{"link to nowhere", func(s *graph.Snapshot) { s.Links[1].To = "nulle-part" }, graph.ENOTFOUND},
		{"link of the wrong kinds", func(s *graph.Snapshot) { s.Links[0].FromKind = graph.KindNote }, graph.EINVALID},
		{"invalid link", func(s *graph.Snapshot) { s.Links[0].Relation = graph.RelLinksTo }, graph.EINVALID},
		{"unknown category", func(s *graph.Snapshot) { s.Links[1].Category = "Ailleurs" }, graph.EINVALID},
		{"link twice", func(s *graph.Snapshot) { s.Links[1] = s.Links[0] }, graph.ECONFLICT},
		{"declaration of no contributor", func(s *graph.Snapshot) { s.Declarations[0].ContributorID = "note" }, graph.ENOTFOUND},
		{"declaration of no taxonomy id", func(s *graph.Snapshot) { s.Declarations[0].Value = "Bre tagne" }, graph.EINVALID},
		{"declaration without visibility", func(s *graph.Snapshot) { s.Declarations[0].Visibility = "" }, graph.EINVALID},
		{"declaration twice", func(s *graph.Snapshot) { s.Declarations = append(s.Declarations, s.Declarations[0]) }, graph.ECONFLICT},
		{"invalid flag", func(s *graph.Snapshot) { s.Flags[0].Reason = "" }, graph.EINVALID},
		{"flag of no document", func(s *graph.Snapshot) { s.Flags[0].DocumentID = "alice" }, graph.ENOTFOUND},
		{"flag of the wrong kind", func(s *graph.Snapshot) { s.Flags[0].DocumentKind = graph.KindTerm }, graph.EINVALID},
		{"flag twice", func(s *graph.Snapshot) { s.Flags = append(s.Flags, s.Flags[0]) }, graph.ECONFLICT},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := preparedSnapshot()
			c.spoil(&s)
			if _, err := graph.PrepareSnapshot(s, now); graph.ErrorCode(err) != c.code {
				t.Errorf("PrepareSnapshot: %v, want %s", err, c.code)
			}
		})
	}
}

// TestSnapshotPreparerInParts checks that a part is checked against the
// parts before it: a link may name a node of an earlier part, a node may
// not reuse an earlier part's id, and a link given in two parts is a
// CONFLICT.
func TestSnapshotPreparerInParts(t *testing.T) {
	t.Parallel()
	whole := preparedSnapshot()
	nodes := whole
	nodes.Revisions, nodes.Links, nodes.Declarations, nodes.Flags = nil, nil, nil, nil
	rest := graph.Snapshot{Revisions: whole.Revisions, Links: whole.Links, Declarations: whole.Declarations, Flags: whole.Flags}
	p := graph.NewSnapshotPreparer(time.Now())
	if _, err := p.Prepare(nodes); err != nil {
		t.Fatal(err)
	}
	out, err := p.Prepare(rest)
	if err != nil {
		t.Fatalf("a part referring to an earlier one: %v", err)
	}
	if out.Links[0].FromKind != graph.KindContributor {
		t.Errorf("link's kinds not filled in from an earlier part: %+v", out.Links[0])
	}
	if _, err := p.Prepare(graph.Snapshot{Links: whole.Links[:1]}); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("a link given again in a later part: %v, want CONFLICT", err)
	}
	p = graph.NewSnapshotPreparer(time.Now())
	if _, err := p.Prepare(nodes); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Prepare(graph.Snapshot{Contributors: whole.Contributors}); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("a contributor given again in a later part: %v, want CONFLICT", err)
	}
}
