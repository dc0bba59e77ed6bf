package graph

import (
	"fmt"
	"testing"
)

func TestDuplicateKey(t *testing.T) {
	t.Parallel()
	same := [][]string{
		{"Les réseaux communautaires", "Réseau communautaire", "reseau-communautaire", "RÉSEAUX  COMMUNAUTAIRES!"},
		{"L'éducation populaire", "Éducation populaire", "education populaire"},
		{"Centre-Sud", "Centre Sud", "centre sud"},
	}
	for _, group := range same {
		for _, s := range group[1:] {
			if DuplicateKey(s) != DuplicateKey(group[0]) {
				t.Errorf("%q → %q and %q → %q should meet", group[0], DuplicateKey(group[0]), s, DuplicateKey(s))
			}
		}
	}
	for _, pair := range [][2]string{{"Maillage", "Mailles"}, {"Économie sociale", "Économie solidaire"}, {"Atelier 1", "Atelier 2"}} {
		if DuplicateKey(pair[0]) == DuplicateKey(pair[1]) {
			t.Errorf("%q and %q are different titles but share %q", pair[0], pair[1], DuplicateKey(pair[0]))
		}
	}
	if DuplicateKey("Le la les") != "" || DuplicateKey("—") != "" {
		t.Error("a title of stop words or punctuation only has no key")
	}
}

func TestProbableDuplicates(t *testing.T) {
	t.Parallel()
	ts := []DocumentTitle{
		{ID: "t1", Kind: KindTerm, Title: "Maillage"},
		{ID: "t2", Kind: KindTerm, Title: "Réseautage", Aliases: []string{"maillages"}},
		{ID: "t3", Kind: KindTerm, Title: "Réseautage"}, // joins t2, so t1 too: transitive
		{ID: "t4", Kind: KindTerm, Title: "Concertation", Aliases: []string{"Concertation"}},
		{ID: "o1", Kind: KindOrganisation, Title: "Maillage"}, // another kind: not a duplicate of t1
		{ID: "o2", Kind: KindOrganisation, Title: "Centre communautaire du Plateau", Aliases: []string{"CCP"}},
		{ID: "o3", Kind: KindOrganisation, Title: "C.C.P."},
		{ID: "n1", Kind: KindNote, Title: "Atelier 1"},
		{ID: "n2", Kind: KindNote, Title: "Atelier 2"},
	}
	got := fmt.Sprint(ProbableDuplicates(ts))
	want := fmt.Sprint([]DuplicateGroup{
		{Kind: KindOrganisation, Key: "ccp", IDs: []string{"o2", "o3"}},
		{Kind: KindTerm, Key: "maillage", IDs: []string{"t1", "t2", "t3"}},
	})
	if got != want {
		t.Errorf("groups\n %s\nwant\n %s", got, want)
	}
}
