package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
)

// The demo commons answers the curators' missing-link queries with real
// data: notes name terms and organisations they do not link to, and some
// notes share terms without a link.
func TestDemoHasMissingLinks(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	if _, err := demo.Load(sys, s, graph.DefaultTaxonomy()); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(context.Background(), s))

	ess, err := s.Document(sys, "term-economie-sociale")
	ok(t, err)
	res, err := ix.UnlinkedMentions(context.Background(), MentionsRequest{Target: ess.ID, Kind: graph.KindTerm,
		Names: append([]string{ess.Title}, ess.Aliases...), Viewer: graph.Viewer{}})
	ok(t, err)
	if !hasID(res, "note-pilier-communaute") {
		t.Errorf("économie sociale: the public note naming it is not a mention: %v", ids(res))
	}
	for _, h := range res.Hits {
		if len(h.Highlights) == 0 || !strings.Contains(h.Highlights[0].Fragments[0], "<mark>") {
			t.Errorf("%s: no marked fragment: %+v", h.ID, h.Highlights)
		}
	}

	d, err := s.Document(sys, "note-portrait-abitibi-temiscamingue")
	ok(t, err)
	named, err := ix.NamedIn(context.Background(), NamedRequest{Language: d.Language, Exclude: []string{d.ID}, Limit: 20,
		Texts: []NamedText{{"title", d.Title}, {"summary", d.Summary}, {"body", d.Body}}})
	ok(t, err)
	var got []string
	for _, n := range named {
		got = append(got, n.ID)
	}
	if !slices.Contains(got, "org-collectif-wiki-regions") {
		t.Errorf("the Abitibi portrait names the Collectif Wiki des régions: %v", got)
	}

	hits, err := ix.SharingTerms(context.Background(), SharingRequest{Terms: []string{"term-financement-mixte", "term-financement", "term-commun", "term-gouvernance"},
		MinShared: 2, Exclude: []string{"note-pilier-ressources"}, Limit: 5})
	ok(t, err)
	if len(hits) == 0 {
		t.Errorf("no demo note shares two terms")
	}
}
