package demo

import (
	"context"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// The demo holds a discussion on several notes, readable anonymously, and
// they change no coverage: each commenter authored the note discussed.
func TestDemoDiscussions(t *testing.T) {
	t.Parallel()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if loaded, err := Load(ctx, s, graph.DefaultTaxonomy()); err != nil || !loaded {
		t.Fatalf("load: %v, %v", loaded, err)
	}
	d, _ := Parse()
	authors := map[string][]string{}
	for _, n := range d.Notes {
		authors[n.ID] = n.Authors
	}
	discussed := 0
	var walk func(doc, parent string)
	walk = func(doc, parent string) {
		c, err := s.Comments(ctx, doc, parent, graph.Page{First: graph.MaxFirst})
		if err != nil {
			t.Fatalf("discussion of %s: %v", doc, err)
		}
		for _, x := range c.Nodes() {
			if !contains(authors[doc], x.AuthorID) {
				t.Errorf("%s comments on %s, which they did not write: coverage would change", x.AuthorID, doc)
			}
			walk(doc, x.ID)
		}
	}
	for id := range authors {
		c, err := s.Comments(ctx, id, "", graph.Page{First: 1})
		if err != nil {
			continue // not public
		}
		if c.TotalCount > 0 {
			discussed++
			walk(id, "")
		}
	}
	if discussed < 3 {
		t.Errorf("%d notes have a discussion, want several", discussed)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
