package demo

import (
	"context"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

func TestLoadIntoEmbeddedStoreOnce(t *testing.T) {
	t.Parallel()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	loaded, err := Load(ctx, s, graph.DefaultTaxonomy())
	if err != nil || !loaded {
		t.Fatalf("first load: %v, %v", loaded, err)
	}
	d, _ := Parse()
	sys := graph.SystemContext(ctx)
	for kind, want := range map[graph.Kind]int{graph.KindNote: len(d.Notes), graph.KindTerm: len(d.Terms), graph.KindOrganisation: len(d.Organisations)} {
		c, err := s.ListDocuments(sys, graph.DocumentFilter{Kinds: []graph.Kind{kind}}, graph.DocumentOrder{}, graph.Page{First: 1})
		if err != nil || c.TotalCount != want {
			t.Errorf("%s: %d stored, %d in demo.json (%v)", kind, c.TotalCount, want, err)
		}
	}
	// An anonymous reader sees the public notes only.
	public := 0
	for _, n := range d.Notes {
		if n.Visibility == "PUBLIC" {
			public++
		}
	}
	c, _ := s.ListDocuments(ctx, graph.DocumentFilter{Kinds: []graph.Kind{graph.KindNote}}, graph.DocumentOrder{}, graph.Page{First: 1})
	if c.TotalCount != public {
		t.Errorf("anonymous sees %d notes, %d are public", c.TotalCount, public)
	}
	seq, _ := s.LastSeq(sys)
	loaded, err = Load(ctx, s, graph.DefaultTaxonomy())
	if err != nil || loaded {
		t.Fatalf("second load: %v, %v", loaded, err)
	}
	if again, _ := s.LastSeq(sys); again != seq {
		t.Fatalf("second load wrote %d changes", again-seq)
	}
}

// TestAccounts checks the demo sign-in's picks: one contributor per role
// a token may carry, the plain contributor with standpoints in all three
// visibilities (their own page then shows what the public does not).
func TestAccounts(t *testing.T) {
	d, err := Parse()
	if err != nil {
		t.Fatal(err)
	}
	accounts := d.Accounts()
	if len(accounts) != len(graph.Roles) {
		t.Fatalf("want one account per role %v, got %+v", graph.Roles, accounts)
	}
	byID := map[string]contribData{}
	for _, c := range d.Contributors {
		byID[c.ID] = c
	}
	for i, a := range accounts {
		c, ok := byID[a.ContributorID]
		switch {
		case a.Role != graph.Roles[i]:
			t.Errorf("account %d is %s, want %s", i, a.Role, graph.Roles[i])
		case !ok || c.Name != a.Name || graph.Role(c.Role) != a.Role:
			t.Errorf("account %+v is not a demo contributor of that role", a)
		}
	}
	if c := byID[accounts[0].ContributorID]; !allVisibilities(&c) {
		t.Errorf("the demo contributor %s does not declare standpoints in all three visibilities", c.ID)
	}
}
