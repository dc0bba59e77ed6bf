package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// mentionsWorld is a small commons around the term "économie sociale"
// (alias ESS), the term "coopérative" and the organisation "Territoires
// innovants en économie sociale" (alias TIESS).
func mentionsWorld(t *testing.T) (graph.Store, *Index) {
	t.Helper()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	w.contributor("bo")
	w.community("cercle")
	w.link(graph.RelMemberOf, "bo", "cercle")
	w.doc(graph.Document{ID: "ess", Kind: graph.KindTerm, Title: "économie sociale", Aliases: []string{"ESS"},
		Definition: "L'économie sociale regroupe des entreprises collectives."})
	w.doc(graph.Document{ID: "coop", Kind: graph.KindTerm, Title: "coopérative"})
	w.doc(graph.Document{ID: "solidaire", Kind: graph.KindTerm, Title: "économie solidaire",
		Definition: "Proche de l'économie sociale."})
	w.link(graph.RelRelated, "solidaire", "ess")
	w.doc(graph.Document{ID: "tiess", Kind: graph.KindOrganisation, Title: "Territoires innovants en économie sociale", Aliases: []string{"TIESS"}})

	// Unlinked mentions, in every form the analysis should meet.
	w.doc(graph.Document{ID: "elided", Title: "Un portrait régional", Body: "Ce texte parle de l'économie sociale en Estrie."}, "ana")
	w.doc(graph.Document{ID: "title", Title: "Économie sociale et logement", Body: "Des pistes."}, "ana")
	w.doc(graph.Document{ID: "alias", Title: "Réseau", Summary: "Le réseau de l'ESS se réunit."}, "ana")
	w.doc(graph.Document{ID: "plural", Title: "Habiter ensemble", Body: "Les coopératives d'habitation gèrent leurs immeubles."}, "ana")
	// Linked already, or no phrase: never an unlinked mention.
	w.doc(graph.Document{ID: "linked", Title: "Bilan", Body: "Un bilan de l'économie sociale."}, "ana")
	w.link(graph.RelMentions, "linked", "ess")
	w.doc(graph.Document{ID: "apart", Title: "Deux mots", Body: "Une économie plus juste, une vie sociale riche."}, "ana")
	// Unreadable to most: private, community, hidden pending review.
	w.doc(graph.Document{ID: "private", Title: "Brouillon", Body: "Notes sur l'économie sociale.", Visibility: graph.VisibilityPrivate}, "ana")
	w.doc(graph.Document{ID: "cercle-note", Title: "Compte rendu", Body: "L'économie sociale au cercle.", Visibility: graph.VisibilityCommunity}, "ana")
	w.link(graph.RelOfCommunity, "cercle-note", "cercle")
	w.doc(graph.Document{ID: "hidden", Title: "Signalée", Body: "Encore l'économie sociale."}, "ana")
	curator := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleCurator})
	_, err := s.SetHidden(curator, "hidden", true)
	ok(t, err)

	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(context.Background(), s))
	return s, ix
}

func mentionIDs(t *testing.T, ix *Index, r MentionsRequest) ([]string, int) {
	t.Helper()
	res, err := ix.UnlinkedMentions(context.Background(), r)
	if err != nil {
		t.Fatalf("unlinked mentions of %s: %v", r.Target, err)
	}
	got := ids(res)
	slices.Sort(got)
	return got, res.TotalCount
}

var (
	anonymous = graph.Viewer{}
	author    = graph.Viewer{Role: graph.RoleContributor, ContributorID: "ana"}
	member    = graph.Viewer{Role: graph.RoleContributor, ContributorID: "bo"}
	curatorV  = graph.Viewer{Role: graph.RoleCurator}
)

func TestUnlinkedMentionsMeetFrenchForms(t *testing.T) {
	t.Parallel()
	_, ix := mentionsWorld(t)
	ess := MentionsRequest{Target: "ess", Kind: graph.KindTerm, Names: []string{"économie sociale", "ESS"}, Linked: []string{"solidaire"}, Viewer: anonymous}
	got, total := mentionIDs(t, ix, ess)
	// Not "ess" (itself), "linked" (MENTIONS it), "solidaire" (RELATED),
	// "apart" (both words, not as a phrase), nor the unreadable ones;
	// "tiess" names it in its title.
	want := []string{"alias", "elided", "tiess", "title"}
	if !slices.Equal(got, want) || total != len(want) {
		t.Errorf("économie sociale: %v (total %d), want %v", got, total, want)
	}

	// Without the RELATED exclusion, the related term's definition counts.
	ess.Linked = nil
	if got, _ := mentionIDs(t, ix, ess); !slices.Contains(got, "solidaire") {
		t.Errorf("a term naming it without a link is a mention: %v", got)
	}

	coop := MentionsRequest{Target: "coop", Kind: graph.KindTerm, Names: []string{"coopérative"}}
	if got, _ := mentionIDs(t, ix, coop); !slices.Equal(got, []string{"plural"}) {
		t.Errorf("coopérative: %v, want the plural form", got)
	}

	// An organisation: the documents that CONCERN it are linked.
	tiess := MentionsRequest{Target: "tiess", Kind: graph.KindOrganisation, Names: []string{"TIESS"}, Viewer: curatorV}
	if got, _ := mentionIDs(t, ix, tiess); len(got) != 0 {
		t.Errorf("nobody names TIESS: %v", got)
	}
}

func TestUnlinkedMentionsHighlightTheMention(t *testing.T) {
	t.Parallel()
	_, ix := mentionsWorld(t)
	res, err := ix.UnlinkedMentions(context.Background(), MentionsRequest{Target: "ess", Kind: graph.KindTerm, Names: []string{"économie sociale"}, First: 10})
	ok(t, err)
	for _, h := range res.Hits {
		if h.ID != "elided" {
			continue
		}
		if len(h.Highlights) != 1 || h.Highlights[0].Field != "body" ||
			h.Highlights[0].Fragments[0] != "Ce texte parle de l&#39;<mark>économie sociale</mark> en Estrie." {
			t.Errorf("fragment of the body expected: %+v", h.Highlights)
		}
		return
	}
	t.Fatalf("no hit for the elided form: %v", ids(res))
}

// A document a viewer may not read is not a mention for them: not a hit,
// not in the total, on any page.
func TestUnlinkedMentionsRespectVisibility(t *testing.T) {
	t.Parallel()
	s, ix := mentionsWorld(t)
	base := []string{"alias", "elided", "tiess", "title"}
	for _, c := range []struct {
		name string
		v    graph.Viewer
		more []string
	}{
		{"anonymous", anonymous, nil},
		{"outsider", graph.Viewer{Role: graph.RoleContributor, ContributorID: "zoe"}, nil},
		{"member", member, []string{"cercle-note"}},
		{"author", author, []string{"cercle-note", "hidden", "private"}},
		{"curator", curatorV, []string{"cercle-note", "hidden", "private"}},
	} {
		want := slices.Sorted(slices.Values(append(slices.Clone(base), c.more...)))
		var communities []string
		if c.v.ContributorID == "bo" {
			communities = []string{"cercle"}
		}
		r := MentionsRequest{Target: "ess", Kind: graph.KindTerm, Names: []string{"économie sociale", "ESS"}, Linked: []string{"solidaire"},
			Viewer: c.v, ViewerCommunities: communities, First: 2}
		var got []string
		for page := 0; ; page++ {
			res, err := ix.UnlinkedMentions(context.Background(), r)
			ok(t, err)
			if res.TotalCount != len(want) {
				t.Errorf("%s: total %d, want %d", c.name, res.TotalCount, len(want))
			}
			got = append(got, ids(res)...)
			if !res.HasNextPage || page > 10 {
				break
			}
			r.After = res.EndCursor
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: mentions over all pages %v, want %v", c.name, got, want)
		}
	}

	// Shown again, the hidden note is everyone's mention once more.
	_, err := s.SetHidden(graph.WithViewer(context.Background(), curatorV), "hidden", false)
	ok(t, err)
	ok(t, ix.CatchUp(context.Background(), s))
	if got, total := mentionIDs(t, ix, MentionsRequest{Target: "ess", Kind: graph.KindTerm, Names: []string{"économie sociale", "ESS"}, Linked: []string{"solidaire"}}); !slices.Contains(got, "hidden") || total != 5 {
		t.Errorf("shown again: %v (total %d)", got, total)
	}
}

func TestUnlinkedMentionsRefuseBadInput(t *testing.T) {
	t.Parallel()
	_, ix := mentionsWorld(t)
	good := MentionsRequest{Target: "ess", Kind: graph.KindTerm, Names: []string{"économie sociale"}}
	for name, r := range map[string]func(MentionsRequest) MentionsRequest{
		"a note":          func(r MentionsRequest) MentionsRequest { r.Kind = graph.KindNote; return r },
		"a bad id":        func(r MentionsRequest) MentionsRequest { r.Target = "ESS !"; return r },
		"first too large": func(r MentionsRequest) MentionsRequest { r.First = graph.MaxFirst + 1; return r },
		"negative first":  func(r MentionsRequest) MentionsRequest { r.First = -1; return r },
		"a bad cursor":    func(r MentionsRequest) MentionsRequest { r.After = "pas-un-curseur"; return r },
		"too many names":  func(r MentionsRequest) MentionsRequest { r.Names = make([]string, MaxNames+1); return r },
		"a long name": func(r MentionsRequest) MentionsRequest {
			r.Names = []string{strings.Repeat("a", MaxNameLen+1)}
			return r
		},
	} {
		_, err := ix.UnlinkedMentions(context.Background(), r(good))
		wantCode(t, err, graph.EINVALID, name)
	}
	// Names of stop words only name nothing.
	if got, total := mentionIDs(t, ix, MentionsRequest{Target: "ess", Kind: graph.KindTerm, Names: []string{"la", "  "}}); len(got) != 0 || total != 0 {
		t.Errorf("stop words: %v", got)
	}
	// Query syntax in a name is text, not syntax.
	if got, _ := mentionIDs(t, ix, MentionsRequest{Target: "ess", Kind: graph.KindTerm, Names: []string{`+kind:Note -"économie"`}}); len(got) != 0 {
		t.Errorf("query syntax in a name matched %v", got)
	}
}

func namedIDs(t *testing.T, ix *Index, r NamedRequest) ([]string, []Named) {
	t.Helper()
	ns, err := ix.NamedIn(context.Background(), r)
	ok(t, err)
	var out []string
	for _, n := range ns {
		out = append(out, n.ID)
	}
	slices.Sort(out)
	return out, ns
}

func TestNamedInFindsTermsAndOrganisations(t *testing.T) {
	// Not parallel: it changes maxNamedCandidates, which every index of the package reads.
	s, ix := mentionsWorld(t)
	w := world{t, s}
	w.doc(graph.Document{ID: "secret-term", Kind: graph.KindTerm, Title: "habitat léger", Visibility: graph.VisibilityPrivate}, "ana")
	ok(t, ix.CatchUp(context.Background(), s))
	texts := []NamedText{
		{Field: "title", Text: "Les coopératives et le TIESS"},
		{Field: "body", Text: "Le TIESS soutient l'économie sociale.\nUne économie pas très sociale. De l'habitat léger, en coopérative."},
	}
	w.doc(graph.Document{ID: "habitat", Kind: graph.KindTerm, Title: "habitat léger et mobile", Aliases: []string{"habitat léger"}})
	ok(t, ix.CatchUp(context.Background(), s))
	r := NamedRequest{Language: "fr", Texts: texts, Exclude: []string{"note-itself", "habitat"}, Limit: 10, Viewer: anonymous}
	got, ns := namedIDs(t, ix, r)
	if want := []string{"coop", "ess", "tiess"}; !slices.Equal(got, want) {
		t.Fatalf("named: %v, want %v", got, want)
	}
	for _, n := range ns {
		switch n.ID {
		case "coop":
			// Twice, once in the title: the title's fragment.
			if n.Count != 2 || n.Field != "title" || n.Fragment != "Les <mark>coopératives</mark> et le TIESS" || n.Kind != graph.KindTerm {
				t.Errorf("coop: %+v", n)
			}
		case "tiess":
			if n.Count != 2 || n.Name != "TIESS" || n.Kind != graph.KindOrganisation {
				t.Errorf("tiess: %+v", n)
			}
		case "ess":
			if n.Count != 1 || n.Field != "body" || n.Fragment != "Le TIESS soutient l&#39;<mark>économie sociale</mark>. Une économie pas très sociale. De l&#39;habitat léger, en coopérative." {
				t.Errorf("ess: %+v", n)
			}
		}
	}
	if ns[0].ID != "coop" && ns[0].ID != "tiess" {
		t.Errorf("the most named come first: %+v", ns)
	}

	// Excluded (linked already), and the private term for its author.
	r.Exclude = []string{"ess", "tiess"}
	r.Viewer = author
	if got, _ := namedIDs(t, ix, r); !slices.Equal(got, []string{"coop", "habitat", "secret-term"}) {
		t.Errorf("excluding ess and tiess, for the author: %v", got)
	}
	// More candidates than checked: the best-scoring ones are, and what
	// they name is still found.
	defer func(n int) { maxNamedCandidates = n }(maxNamedCandidates)
	maxNamedCandidates = 2
	if got, _ := namedIDs(t, ix, r); len(got) == 0 || len(got) > 2 || !isSubset(got, []string{"coop", "habitat", "secret-term"}) {
		t.Errorf("two candidates checked: %v", got)
	}
	maxNamedCandidates = 1000
	// A label and an alias found at one place count once.
	r.Exclude = []string{"ess", "tiess"}
	r.Texts = []NamedText{{Field: "body", Text: "Un habitat léger et mobile."}}
	// (The author also sees the private term "habitat léger".)
	if got, ns := namedIDs(t, ix, r); !slices.Equal(got, []string{"habitat", "secret-term"}) ||
		ns[0].ID != "habitat" || ns[0].Count != 1 || ns[0].Name != "habitat léger et mobile" {
		t.Errorf("one mention of habitat léger et mobile: %+v", ns)
	}
	r.Texts = texts
	r.Limit = 1
	if got, _ := namedIDs(t, ix, r); len(got) != 1 {
		t.Errorf("limit 1: %v", got)
	}
	r.Limit = 0
	if got, _ := namedIDs(t, ix, r); len(got) != 0 {
		t.Errorf("limit 0: %v", got)
	}
}

func TestSharingTerms(t *testing.T) {
	t.Parallel()
	s, ix := mentionsWorld(t)
	w := world{t, s}
	w.doc(graph.Document{ID: "t1", Kind: graph.KindTerm, Title: "Jardin"})
	w.doc(graph.Document{ID: "t2", Kind: graph.KindTerm, Title: "Compost"})
	w.doc(graph.Document{ID: "t3", Kind: graph.KindTerm, Title: "Semences"})
	mention := func(note string, terms ...string) {
		for _, term := range terms {
			w.link(graph.RelMentions, note, term)
		}
	}
	w.doc(graph.Document{ID: "n1", Title: "Un"}, "ana")
	w.doc(graph.Document{ID: "n2", Title: "Deux"}, "ana")
	w.doc(graph.Document{ID: "n3", Title: "Trois"}, "ana")
	w.doc(graph.Document{ID: "n4", Title: "Quatre", Visibility: graph.VisibilityPrivate}, "ana")
	w.doc(graph.Document{ID: "n5", Title: "Cinq"}, "ana")
	w.doc(graph.Document{ID: "t4", Kind: graph.KindTerm, Title: "Potager"}, "ana")
	mention("n1", "t1", "t2", "t3")
	mention("n2", "t1", "t2")
	mention("n3", "t1")
	mention("n4", "t1", "t2", "t3")
	mention("n5", "t1", "t2", "t3")
	mention("t4", "t1", "t2") // a term, not a note
	ok(t, ix.CatchUp(context.Background(), s))

	run := func(v graph.Viewer, exclude ...string) []string {
		hs, err := ix.SharingTerms(context.Background(), SharingRequest{Terms: []string{"t1", "t2", "t3"}, MinShared: 2, Exclude: append([]string{"n1"}, exclude...), Limit: 10, Viewer: v})
		ok(t, err)
		var out []string
		for _, h := range hs {
			out = append(out, h.ID)
		}
		return out
	}
	// n5 shares three terms, n2 two; n3 only one; n4 is private.
	if got := run(anonymous); !slices.Equal(got, []string{"n5", "n2"}) {
		t.Errorf("anonymous: %v, want [n5 n2]", got)
	}
	if got := run(author); !slices.Equal(got, []string{"n4", "n5", "n2"}) {
		t.Errorf("author: %v, want [n4 n5 n2]", got)
	}
	if got := run(anonymous, "n5"); !slices.Equal(got, []string{"n2"}) {
		t.Errorf("n5 excluded: %v", got)
	}
}

func TestEssentialNamesLeaveOutCoveredOnes(t *testing.T) {
	t.Parallel()
	ix := openIndex(t, t.TempDir(), nil)
	an := ix.analyzers[langFR]
	for _, c := range []struct {
		names, want []string
	}{
		{[]string{"Économie sociale et solidaire", "ÉSS", "Économie sociale"}, []string{"ÉSS", "Économie sociale"}},
		{[]string{"Coopérative", "coopératives", "Coop"}, []string{"Coopérative", "Coop"}},
		{[]string{"Gouvernance partagée", "Gouvernance"}, []string{"Gouvernance"}},
		// A stop word's gap matches any word: "droit au logement" covers
		// "droit du logement"; a word does not cover a gap.
		{[]string{"droit du logement", "droit au logement"}, []string{"droit du logement"}},
		{[]string{"logement social", "logement de transition"}, []string{"logement social", "logement de transition"}},
		{[]string{"la", "", "Savoir situé"}, []string{"Savoir situé"}},
	} {
		if got := essentialNames(an, c.names); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.names, got, c.want)
		}
	}
}

func TestFragmentIsOneLineOfPlainText(t *testing.T) {
	t.Parallel()
	text := "## Titre\n\nAvant **gras** et <b>balise</b> puis économie sociale\n### Suite\nla fin du texte qui continue encore assez longtemps pour être coupée quelque part plus loin."
	start := strings.Index(text, "économie")
	got := fragment(text, start, start+len("économie sociale"))
	want := "Titre Avant gras et &lt;b&gt;balise&lt;/b&gt; puis <mark>économie sociale</mark> Suite la fin du texte qui continue encore assez longtemps pour être…"
	if got != want {
		t.Errorf("fragment:\n got %q\nwant %q", got, want)
	}
}

func isSubset(xs, of []string) bool {
	for _, x := range xs {
		if !slices.Contains(of, x) {
			return false
		}
	}
	return true
}

// TestSuggestionsLeaveOutUnreadable: the terms NamedIn suggests, the notes
// SharingTerms proposes and the scope of a statistic never hold a document
// the viewer may not read (private, another community's, hidden pending
// review), and the viewers who may read them do get them.
func TestSuggestionsLeaveOutUnreadable(t *testing.T) {
	t.Parallel()
	s, ix := mentionsWorld(t)
	w := world{t, s}
	w.doc(graph.Document{ID: "jardin", Kind: graph.KindTerm, Title: "jardin partagé"}, "ana")
	_, err := s.SetHidden(graph.WithViewer(context.Background(), curatorV), "jardin", true)
	ok(t, err)
	w.doc(graph.Document{ID: "compost", Kind: graph.KindTerm, Title: "compostage", Visibility: graph.VisibilityCommunity}, "ana")
	w.link(graph.RelOfCommunity, "compost", "cercle")
	w.doc(graph.Document{ID: "semis", Kind: graph.KindTerm, Title: "semis", Visibility: graph.VisibilityPrivate}, "ana")
	for _, note := range []string{"linked", "private", "cercle-note", "hidden"} {
		w.link(graph.RelMentions, note, "coop")
		if note != "linked" {
			w.link(graph.RelMentions, note, "ess")
		}
	}
	ok(t, ix.CatchUp(context.Background(), s))

	texts := []NamedText{{Field: "body", Text: "Un jardin partagé, du compostage et des semis de coopérative."}}
	for _, c := range []struct {
		name                  string
		v                     graph.Viewer
		communities           []string
		named, sharing, scope []string
	}{
		{"anonymous", anonymous, nil, []string{"coop"}, []string{"linked"}, []string{"apart", "elided", "ess", "linked", "solidaire", "tiess", "title"}},
		{"member", member, []string{"cercle"}, []string{"compost", "coop"}, []string{"cercle-note", "linked"}, []string{"apart", "cercle-note", "elided", "ess", "linked", "solidaire", "tiess", "title"}},
		{"author", author, nil, []string{"compost", "coop", "jardin", "semis"}, []string{"cercle-note", "hidden", "linked", "private"}, []string{"apart", "cercle-note", "elided", "ess", "hidden", "linked", "private", "solidaire", "tiess", "title"}},
		{"curator", curatorV, nil, []string{"compost", "coop", "jardin", "semis"}, []string{"cercle-note", "hidden", "linked", "private"}, []string{"apart", "cercle-note", "elided", "ess", "hidden", "linked", "private", "solidaire", "tiess", "title"}},
	} {
		named, _ := namedIDs(t, ix, NamedRequest{Language: "fr", Texts: texts, Limit: 10, Viewer: c.v, ViewerCommunities: c.communities})
		if !slices.Equal(named, c.named) {
			t.Errorf("%s: named %v, want %v", c.name, named, c.named)
		}
		hs, err := ix.SharingTerms(context.Background(), SharingRequest{Terms: []string{"ess", "coop"}, MinShared: 1, Limit: 10, Viewer: c.v, ViewerCommunities: c.communities})
		ok(t, err)
		var sharing []string
		for _, h := range hs {
			sharing = append(sharing, h.ID)
		}
		slices.Sort(sharing)
		if !slices.Equal(sharing, c.sharing) {
			t.Errorf("%s: sharing %v, want %v", c.name, sharing, c.sharing)
		}
		if got := scopeOf(t, ix, ScopeRequest{Query: "économie sociale", Viewer: c.v, ViewerCommunities: c.communities}); !slices.Equal(got, c.scope) {
			t.Errorf("%s: scope %v, want %v", c.name, got, c.scope)
		}
	}
}
