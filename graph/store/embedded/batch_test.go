package embedded

import (
	"testing"

	"github.com/encommun/maillage/graph"
)

func TestLoadBatchIsOneTransaction(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	good := graph.Batch{
		Communities:  []graph.Community{{ID: "com", Name: "Commune"}},
		Carnets:      []graph.Carnet{{ID: "car", Title: "Carnet", Categories: []string{"A"}}},
		Contributors: []graph.Contributor{{ID: "ada", Name: "Ada"}, {ID: "bob", Name: "Bob"}},
		Documents: []graph.BatchDocument{
			{Document: graph.Document{ID: "n1", Kind: graph.KindNote, Title: "Un", Visibility: graph.VisibilityPrivate}, AuthorIDs: []string{"ada"}},
			{Document: graph.Document{ID: "n2", Kind: graph.KindNote, Title: "Deux", Visibility: graph.VisibilityPublic}},
		},
		Links: []graph.Link{
			{Relation: graph.RelLinksTo, From: "n1", To: "n2"},
			{Relation: graph.RelInCarnet, From: "n2", To: "car", Category: "A"},
			{Relation: graph.RelMemberOf, From: "bob", To: "com"},
		},
		Declarations: []graph.Declaration{{ContributorID: "ada", Dimension: "gender", Value: "woman", Visibility: graph.DeclAggregate}},
	}

	// A batch whose last link is wrong writes nothing at all.
	bad := good
	bad.Links = append(append([]graph.Link(nil), good.Links...), graph.Link{Relation: graph.RelLinksTo, From: "n1", To: "nowhere"})
	wantCode(t, s.LoadBatch(sys, bad), graph.ENOTFOUND, "dangling link")
	if seq := lastSeq(t, s); seq != 0 {
		t.Fatalf("a failed batch wrote %d changes", seq)
	}
	// Only admins and the system load batches; an admin may not declare
	// someone's standpoints, any more than through DeclareStandpoint.
	wantCode(t, s.LoadBatch(as(graph.Viewer{Role: graph.RoleCurator}), good), graph.EFORBIDDEN, "curator")
	wantCode(t, s.LoadBatch(as(graph.Viewer{Role: graph.RoleAdmin}), good), graph.EFORBIDDEN, "admin declaring for ada")
	if seq := lastSeq(t, s); seq != 0 {
		t.Fatalf("refused batches wrote %d changes", seq)
	}

	ok(t, s.LoadBatch(sys, good))
	// Same result as the one-by-one methods: authors, links, positions,
	// declarations, and a change entry for each.
	if d := must(s.Document(asC("ada"), "n1")); d.Version != 1 {
		t.Errorf("n1: %+v", d)
	}
	if l := must(s.Links(sys, []string{"n2"}, graph.RelInCarnet, graph.Out))["n2"]; len(l) != 1 || l[0].Position != 1 {
		t.Errorf("carnet entry: %+v", l)
	}
	if ds := must(s.Declarations(sys, []string{"ada"}))["ada"]; len(ds) != 1 || ds[0].Visibility != graph.DeclAggregate {
		t.Errorf("declarations: %+v", ds)
	}
	// Objects without dates get distinct, ordered creation times.
	cs := must(s.ListContributors(sys, graph.Page{})).Nodes()
	if len(cs) != 2 || cs[0].ID != "ada" || !cs[0].CreatedAt.Before(cs[1].CreatedAt) {
		t.Errorf("contributors: %+v", cs)
	}
	// 2 communities/carnets, 2 contributors, 2 documents, 1 author link,
	// 3 links, 1 declaration.
	if seq := lastSeq(t, s); seq != 2+2+2+1+3+1 {
		t.Errorf("%d changes", seq)
	}
	wantCode(t, s.LoadBatch(sys, graph.Batch{Contributors: []graph.Contributor{{ID: "ada", Name: "Encore"}}}), graph.ECONFLICT, "used id")
}
