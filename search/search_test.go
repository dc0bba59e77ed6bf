package search

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// corpus is a small French-and-English commons written into a real
// embedded store and indexed from it.
type corpus struct {
	w  world
	ix *Index
}

func newCorpus(t *testing.T) *corpus {
	t.Helper()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	for _, c := range []string{"alice", "bob", "carol"} {
		w.contributor(c)
	}
	w.community("quartier")
	w.carnet("ateliers")
	w.declare("alice", "region", "montreal", graph.DeclPublic)
	w.declare("alice", "gender", "woman", graph.DeclPrivate)
	w.declare("alice", "generation", "25-34", graph.DeclAggregate)
	w.declare("bob", "region", "estrie", graph.DeclPublic)
	w.declare("bob", "generation", "18-24", graph.DeclPublic)

	w.doc(graph.Document{ID: "commun", Kind: graph.KindTerm, Title: "Commun",
		Aliases: []string{"biens communs"}, Definition: "Ressource partagée et gouvernée par une communauté."}, "alice")
	w.doc(graph.Document{ID: "tiess", Kind: graph.KindOrganisation, Title: "Territoires innovants en économie sociale et solidaire",
		Aliases: []string{"TIESS"}, Body: "Organisme de liaison et de transfert."}, "bob")
	w.doc(graph.Document{ID: "educ-pop", Title: "L'éducation populaire au Québec",
		Summary:     "Une histoire des groupes d'éducation populaire.",
		Body:        "Les groupes d'éducation populaire autonome ont formé des générations de militantes.",
		PublishedAt: date(2024, 3, 1)}, "alice")
	w.link(graph.RelInCarnet, "educ-pop", "ateliers")
	w.link(graph.RelOfCommunity, "educ-pop", "quartier")
	w.link(graph.RelMentions, "educ-pop", "commun")
	w.link(graph.RelConcerns, "educ-pop", "tiess")
	w.doc(graph.Document{ID: "communs-num", Title: "Les communs numériques",
		Body: "Un wiki est un commun quand sa communauté en décide les règles.", PublishedAt: date(2025, 1, 10)}, "bob")
	w.link(graph.RelMentions, "communs-num", "commun")
	w.doc(graph.Document{ID: "popular-ed", Language: "en", Title: "Popular education in community groups",
		Body: "Communities learn together; education is shared.", PublishedAt: date(2023, 6, 1)}, "bob")
	w.doc(graph.Document{ID: "reserve", Visibility: graph.VisibilityCommunity, Title: "Atelier réservé",
		Body: "Compte rendu d'éducation populaire, pour le quartier seulement."}, "carol")
	w.link(graph.RelOfCommunity, "reserve", "quartier")
	w.doc(graph.Document{ID: "brouillon", Visibility: graph.VisibilityPrivate, Title: "Brouillon",
		Body: "Notes privées sur l'éducation et la coopération."}, "carol")
	w.doc(graph.Document{ID: "xss", Title: "Sécurité des pages",
		Body: "Ne jamais insérer <script>alert('éducation')</script> tel quel dans une page."}, "alice")
	w.doc(graph.Document{ID: "syntax", Title: "Syntaxe de requête",
		Body: "Un exemple de texte: title:x AND +body:/.*/ ne doit rien casser."}, "bob")
	w.doc(graph.Document{ID: "gouv-titre", Title: "Gouvernance partagée", Body: "Quelques principes."}, "bob")
	w.doc(graph.Document{ID: "gouv-corps", Title: "Principes d'animation",
		Body: "Des principes d'animation de réunion, et un mot sur la gouvernance, parmi beaucoup d'autres mots sur les réunions."}, "bob")
	w.doc(graph.Document{ID: "velo", Title: "Atelier vélo", Body: "Réparer son vélo ensemble."}, "carol")
	w.doc(graph.Document{ID: "faute", Title: "Compte rendu", Body: "La reunoin a commencé en retard."}, "carol")
	w.doc(graph.Document{ID: "ordre", Title: "Populaire, et pas seulement",
		Body: "Un mouvement populaire qui fait aussi de l'éducation."}, "carol")

	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))
	return &corpus{w: w, ix: ix}
}

func (c *corpus) ids(t *testing.T, r Request) []string {
	t.Helper()
	got := ids(search(t, c.ix, r))
	sort.Strings(got)
	return got
}

func TestSearch(t *testing.T) {
	t.Parallel()
	c := newCorpus(t)

	t.Run("french forms meet", func(t *testing.T) {
		// French forms, in French documents: the English analyzer does not
		// know French elision, so "l'éducation" is not meant to meet the
		// English "education".
		fr := Filter{Languages: []string{"fr"}}
		want := c.ids(t, Request{Query: "éducation", Filter: fr})
		if !slices.Equal(want, []string{"educ-pop", "ordre", "xss"}) {
			t.Errorf("éducation → %q", want)
		}
		for _, q := range []string{"education", "l'éducation", "L’Éducation", "EDUCATION", "d'éducation", "éducations"} {
			if got := c.ids(t, Request{Query: q, Filter: fr}); !slices.Equal(got, want) {
				t.Errorf("%q → %q, want %q (as éducation)", q, got, want)
			}
		}
	})

	t.Run("communs finds commun", func(t *testing.T) {
		got := c.ids(t, Request{Query: "communs"})
		for _, id := range []string{"commun", "communs-num"} {
			if !slices.Contains(got, id) {
				t.Errorf("communs → %q, want %s", got, id)
			}
		}
	})

	t.Run("english document", func(t *testing.T) {
		got := c.ids(t, Request{Query: "communities"})
		if !slices.Contains(got, "popular-ed") {
			t.Errorf("communities → %q, want popular-ed", got)
		}
	})

	t.Run("aliases and acronyms", func(t *testing.T) {
		if got := c.ids(t, Request{Query: "TIESS"}); !slices.Equal(got, []string{"tiess"}) {
			t.Errorf("TIESS → %q", got)
		}
		if got := c.ids(t, Request{Query: `"biens communs"`}); !slices.Equal(got, []string{"commun"}) {
			t.Errorf(`"biens communs" → %q`, got)
		}
	})

	t.Run("title outranks body", func(t *testing.T) {
		got := ids(search(t, c.ix, Request{Query: "gouvernance"}))
		if len(got) < 2 || got[0] != "gouv-titre" {
			t.Errorf("gouvernance → %q, want gouv-titre first", got)
		}
	})

	t.Run("typo tolerance from five letters", func(t *testing.T) {
		for _, q := range []string{"éducaton", "édukation", "éducattion", "gouvernanse", "gouvernance partajée", "Gouvernanze"} {
			res := search(t, c.ix, Request{Query: q})
			if len(res.Hits) == 0 || !res.Approximate {
				t.Errorf("%s → %q approximate %v, want hits, approximate", q, ids(res), res.Approximate)
			}
		}
		if got := c.ids(t, Request{Query: "gouvernanse"}); !slices.Contains(got, "gouv-titre") {
			t.Errorf("gouvernanse → %q", got)
		}
		if res := search(t, c.ix, Request{Query: "gouvernance"}); res.Approximate {
			t.Error("an exact match is reported approximate")
		}
		if got := c.ids(t, Request{Query: "velo"}); !slices.Equal(got, []string{"velo"}) {
			t.Errorf("velo → %q, want velo (accent folding)", got)
		}
		if got := c.ids(t, Request{Query: "valo"}); len(got) != 0 {
			t.Errorf("valo (4 letters, no typo tolerance) → %q, want nothing", got)
		}
		// Typo tolerance applies only when the words as typed find nothing:
		// a word misspelt in a document is found as typed, alone.
		if got := c.ids(t, Request{Query: "reunoin"}); !slices.Equal(got, []string{"faute"}) {
			t.Errorf("reunoin → %q, want only the document that has that spelling", got)
		}
	})

	t.Run("phrase", func(t *testing.T) {
		got := c.ids(t, Request{Query: `"éducation populaire"`})
		if !slices.Contains(got, "educ-pop") || slices.Contains(got, "ordre") {
			t.Errorf(`"éducation populaire" → %q: want educ-pop, not ordre`, got)
		}
		// Without quotes both words suffice, in any order.
		if got := c.ids(t, Request{Query: `éducation populaire`}); !slices.Contains(got, "ordre") {
			t.Errorf(`éducation populaire → %q: want ordre too`, got)
		}
	})

	t.Run("exclusion", func(t *testing.T) {
		got := c.ids(t, Request{Query: "éducation -populaire"})
		if slices.Contains(got, "educ-pop") || slices.Contains(got, "ordre") || !slices.Contains(got, "xss") {
			t.Errorf("éducation -populaire → %q", got)
		}
		got = c.ids(t, Request{Query: `éducation -"éducation populaire"`})
		if slices.Contains(got, "educ-pop") || !slices.Contains(got, "ordre") {
			t.Errorf(`éducation -"éducation populaire" → %q`, got)
		}
	})

	t.Run("stop words only", func(t *testing.T) {
		res := search(t, c.ix, Request{Query: "le la les", Facets: true})
		if res.TotalCount != 0 || len(res.Facets) != len(FacetFields) {
			t.Errorf("stop words → %+v", res)
		}
	})

	t.Run("highlights are escaped", func(t *testing.T) {
		res := search(t, c.ix, Request{Query: "script"})
		if len(res.Hits) != 1 || res.Hits[0].ID != "xss" {
			t.Fatalf("script → %q", ids(res))
		}
		var body []string
		for _, h := range res.Hits[0].Highlights {
			if h.Field == "body" {
				body = h.Fragments
			}
		}
		joined := strings.Join(body, " ")
		if !strings.Contains(joined, "<mark>script</mark>") || !strings.Contains(joined, "&lt;") || strings.Contains(joined, "<script") {
			t.Errorf("body fragments %q: want <mark>script</mark>, escaped brackets, no <script", body)
		}
		if res.Hits[0].Kind != graph.KindNote {
			t.Errorf("hit kind %q", res.Hits[0].Kind)
		}
	})

	t.Run("highlights name plain fields", func(t *testing.T) {
		res := search(t, c.ix, Request{Query: "gouvernance"})
		for _, h := range res.Hits {
			for _, hl := range h.Highlights {
				for _, f := range hl.Fragments {
					if !strings.Contains(f, "<mark>") {
						t.Errorf("%s: %s fragment without a match: %q", h.ID, hl.Field, f)
					}
				}
			}
			if h.ID == "gouv-titre" {
				if len(h.Highlights) == 0 || h.Highlights[0].Field != "title" ||
					!strings.Contains(h.Highlights[0].Fragments[0], "<mark>Gouvernance</mark>") {
					t.Errorf("gouv-titre highlights %+v", h.Highlights)
				}
			}
		}
	})

	t.Run("query syntax is text", func(t *testing.T) {
		res := search(t, c.ix, Request{Query: `title:x AND +body:/.*/`})
		if got := ids(res); !slices.Equal(got, []string{"syntax"}) {
			t.Errorf("title:x AND +body:/.*/ → %q, want only the document that contains that text", got)
		}
		for _, q := range []string{`*`, `body:*`, `/.*/`, `+`, `title:"x`, `\`, `(éducation OR`, `éducation^10`, `éducation~3`} {
			if _, err := c.ix.Search(t.Context(), Request{Query: q}); err != nil {
				t.Errorf("%q: %v", q, err)
			}
		}
		if got := c.ids(t, Request{Query: "*"}); len(got) != 0 {
			t.Errorf("* → %q, want nothing (not a wildcard)", got)
		}
	})
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	c := newCorpus(t)
	curator := graph.Viewer{Role: graph.RoleCurator}
	cases := []struct {
		name   string
		query  string
		filter Filter
		want   []string
	}{
		{"kinds", "commun communs", Filter{Kinds: []graph.Kind{graph.KindTerm}}, []string{"commun"}},
		{"kinds or", "communs", Filter{Kinds: []graph.Kind{graph.KindTerm, graph.KindNote}, Languages: []string{"fr"}}, []string{"commun", "communs-num"}},
		{"language", "éducation", Filter{Languages: []string{"en"}}, []string{"popular-ed"}},
		{"language case", "éducation", Filter{Languages: []string{"EN"}}, []string{"popular-ed"}},
		{"carnet", "éducation", Filter{Carnets: []string{"ateliers"}}, []string{"educ-pop"}},
		{"community", "éducation", Filter{Communities: []string{"quartier"}}, []string{"educ-pop", "reserve"}},
		{"term", "communs", Filter{Terms: []string{"commun"}}, []string{"communs-num"}},
		{"organisation", "éducation", Filter{Organisations: []string{"tiess"}}, []string{"educ-pop"}},
		{"author", "éducation", Filter{Authors: []string{"bob"}}, []string{"popular-ed"}},
		{"standpoint", "éducation", Filter{Standpoints: []Standpoint{{"region", "montreal"}}}, []string{"educ-pop", "xss"}},
		{"standpoint values or", "éducation", Filter{Standpoints: []Standpoint{{"region", "montreal"}, {"region", "estrie"}}}, []string{"educ-pop", "popular-ed", "xss"}},
		{"standpoint values or 2", "principes", Filter{Standpoints: []Standpoint{{"region", "montreal"}, {"region", "estrie"}}}, []string{"gouv-corps", "gouv-titre"}},
		{"standpoint dimensions and", "éducation", Filter{Standpoints: []Standpoint{{"region", "estrie"}, {"generation", "18-24"}}}, []string{"popular-ed"}},
		{"standpoint dimensions and none", "éducation", Filter{Standpoints: []Standpoint{{"region", "montreal"}, {"generation", "18-24"}}}, nil},
		{"private standpoint never indexed", "éducation", Filter{Standpoints: []Standpoint{{"gender", "woman"}}}, nil},
		{"aggregate standpoint never indexed", "éducation", Filter{Standpoints: []Standpoint{{"generation", "25-34"}}}, nil},
		{"published after", "éducation", Filter{PublishedAfter: date(2024, 1, 1)}, []string{"educ-pop"}},
		{"published after inclusive", "éducation", Filter{PublishedAfter: date(2024, 3, 1)}, []string{"educ-pop"}},
		{"published before exclusive", "éducation", Filter{PublishedBefore: date(2024, 3, 1)}, []string{"popular-ed"}},
		{"published range", "communs éducation", Filter{PublishedAfter: date(2025, 1, 1), PublishedBefore: date(2026, 1, 1)}, nil},
		{"published range 2", "communs", Filter{PublishedAfter: date(2025, 1, 1), PublishedBefore: date(2026, 1, 1)}, []string{"communs-num"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := c.ids(t, Request{Query: tc.query, Filter: tc.filter, Viewer: curator})
			if !slices.Equal(got, tc.want) {
				t.Errorf("%q with %+v → %q, want %q", tc.query, tc.filter, got, tc.want)
			}
		})
	}

	// Filters and the visibility clause narrow without reordering: a hit
	// scores exactly as it does unfiltered.
	for _, tc := range cases {
		all := map[string]float64{}
		for _, h := range search(t, c.ix, Request{Query: tc.query, Viewer: curator, First: graph.MaxFirst}).Hits {
			all[h.ID] = h.Score
		}
		for _, v := range []graph.Viewer{curator, {}} {
			for _, h := range search(t, c.ix, Request{Query: tc.query, Filter: tc.filter, Viewer: v, First: graph.MaxFirst}).Hits {
				if h.Score != all[h.ID] {
					t.Errorf("%s: %s scores %v filtered, %v unfiltered", tc.name, h.ID, h.Score, all[h.ID])
				}
			}
		}
	}
}

func TestSearchFacets(t *testing.T) {
	t.Parallel()
	c := newCorpus(t)
	res := search(t, c.ix, Request{Query: "éducation", Facets: true})
	got := map[string]map[string]int{}
	for _, f := range res.Facets {
		got[f.Field] = map[string]int{}
		for _, b := range f.Buckets {
			got[f.Field][b.Value] = b.Count
		}
	}
	want := map[string]map[string]int{
		FacetKind:         {"Note": 4},
		FacetCarnet:       {"ateliers": 1},
		FacetCommunity:    {"quartier": 1},
		FacetTerm:         {"commun": 1},
		FacetOrganisation: {"tiess": 1},
		FacetLanguage:     {"fr": 3, "en": 1},
		FacetStandpoint:   {"region:montreal": 2, "region:estrie": 1, "generation:18-24": 1},
		FacetFormat:       {"text": 4},
	}
	if res.TotalCount != 4 {
		t.Errorf("total %d, want 4 (educ-pop, xss, ordre, popular-ed) in %q", res.TotalCount, ids(res))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("facets\n got %v\nwant %v", got, want)
	}
	if len(res.Facets) != len(FacetFields) {
		t.Fatalf("%d facets", len(res.Facets))
	}
	for i, f := range res.Facets {
		if f.Field != FacetFields[i] {
			t.Errorf("facet %d is %s, want %s", i, f.Field, FacetFields[i])
		}
	}
	if got := search(t, c.ix, Request{Query: "éducation"}).Facets; got != nil {
		t.Errorf("facets without asking: %v", got)
	}
}

func TestSearchVisibility(t *testing.T) {
	t.Parallel()
	c := newCorpus(t)
	q := "éducation"
	cases := []struct {
		name   string
		v      graph.Viewer
		member []string
		see    []string
		hidden []string
	}{
		{"anonymous", graph.Viewer{}, nil, nil, []string{"reserve", "brouillon"}},
		{"member", graph.Viewer{Role: graph.RoleContributor, ContributorID: "bob"}, []string{"quartier"}, []string{"reserve"}, []string{"brouillon"}},
		{"non member", graph.Viewer{Role: graph.RoleContributor, ContributorID: "bob"}, []string{"ailleurs"}, nil, []string{"reserve", "brouillon"}},
		{"author", graph.Viewer{Role: graph.RoleContributor, ContributorID: "carol"}, nil, []string{"reserve", "brouillon"}, nil},
		{"researcher", graph.Viewer{Role: graph.RoleResearcher}, nil, nil, []string{"reserve", "brouillon"}},
		{"curator", graph.Viewer{Role: graph.RoleCurator}, nil, []string{"reserve", "brouillon"}, nil},
		{"admin", graph.Viewer{Role: graph.RoleAdmin}, nil, []string{"reserve", "brouillon"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := search(t, c.ix, Request{Query: q, Viewer: tc.v, ViewerCommunities: tc.member, Facets: true})
			for _, id := range tc.see {
				if !hasID(res, id) {
					t.Errorf("%s should see %s: %q", tc.name, id, ids(res))
				}
			}
			for _, id := range tc.hidden {
				if hasID(res, id) {
					t.Errorf("%s sees hidden %s", tc.name, id)
				}
			}
			if res.TotalCount != len(res.Hits) {
				t.Errorf("total %d but %d hits", res.TotalCount, len(res.Hits))
			}
			kinds := 0
			for _, b := range res.Facets[0].Buckets {
				kinds += b.Count
			}
			if kinds != res.TotalCount {
				t.Errorf("kind facet counts %d, total %d", kinds, res.TotalCount)
			}
		})
	}
}

func TestSearchPagination(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	w := world{t, s}
	w.contributor("ana")
	// Many documents with the same score (ties broken by id) and some with
	// different scores.
	for i := range 37 {
		body := "Une note sur la pagination."
		if i%5 == 0 {
			body += strings.Repeat(" pagination", i%7)
		}
		w.doc(graph.Document{ID: fmt.Sprintf("p%02d", i), Title: fmt.Sprintf("Note %d", i), Body: body}, "ana")
	}
	w.doc(graph.Document{ID: "cache", Visibility: graph.VisibilityPrivate, Title: "pagination cachée"}, "ana")
	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))

	for _, tc := range []struct {
		query string
		first int
	}{{"pagination", 1}, {"pagination", 4}, {"pagination", 10}, {"pagination", 37}, {"pagination", 100},
		{"paginasion", 3}, {"paginasion", 8}} {
		query, first := tc.query, tc.first
		canonical := ids(search(t, ix, Request{Query: query, First: graph.MaxFirst}))
		var order []string
		seen := map[string]int{}
		after := ""
		pages := 0
		var lastScore float64 = 1e300
		for {
			res := search(t, ix, Request{Query: query, First: first, After: after})
			if res.TotalCount != 37 {
				t.Fatalf("%s first %d: total %d, want 37", query, first, res.TotalCount)
			}
			if res.Approximate != (query != "pagination") {
				t.Errorf("%s: approximate %v", query, res.Approximate)
			}
			for _, h := range res.Hits {
				order = append(order, h.ID)
				seen[h.ID]++
				if h.Score > lastScore {
					t.Errorf("%s first %d: scores not descending at %s", query, first, h.ID)
				}
				lastScore = h.Score
			}
			pages++
			if !res.HasNextPage {
				break
			}
			if res.EndCursor == "" || len(res.Hits) != first {
				t.Fatalf("%s first %d: next page announced after %d hits, cursor %q", query, first, len(res.Hits), res.EndCursor)
			}
			after = res.EndCursor
			if pages > 40 {
				t.Fatal("too many pages")
			}
		}
		if !slices.Equal(order, canonical) {
			t.Errorf("%s first %d: pages in order\n%q\nwant (one page)\n%q", query, first, order, canonical)
		}
		if len(seen) != 37 {
			t.Errorf("%s first %d: %d distinct hits, want 37", query, first, len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s first %d: %s seen %d times", query, first, id, n)
			}
		}
		if want := (37 + first - 1) / first; pages != want {
			t.Errorf("%s first %d: %d pages, want %d", query, first, pages, want)
		}
	}

	// A hit's own cursor resumes right after it.
	all := search(t, ix, Request{Query: "pagination", First: 37})
	rest := search(t, ix, Request{Query: "pagination", First: 37, After: all.Hits[9].Cursor})
	if !slices.Equal(ids(rest), ids(all)[10:]) {
		t.Errorf("after hit 10: %q, want %q", ids(rest), ids(all)[10:])
	}
	// Default page size.
	if got := search(t, ix, Request{Query: "pagination"}); len(got.Hits) != graph.DefaultFirst || !got.HasNextPage {
		t.Errorf("default page: %d hits", len(got.Hits))
	}
}

func TestSearchBadInput(t *testing.T) {
	t.Parallel()
	c := newCorpus(t)
	long := strings.Repeat("a", MaxQueryChars+1)
	many := strings.Repeat("mot ", MaxQueryTerms+1)
	okCursor := search(t, c.ix, Request{Query: "éducation", First: 1}).EndCursor
	cases := []struct {
		name string
		r    Request
	}{
		{"empty", Request{Query: ""}},
		{"whitespace", Request{Query: " \t\n "}},
		{"control characters", Request{Query: "\x00\x01"}},
		{"too long", Request{Query: long}},
		{"too many terms", Request{Query: many}},
		{"too many phrase terms", Request{Query: `"` + many + `"`}},
		{"only exclusions", Request{Query: "-éducation"}},
		{"empty phrase", Request{Query: `""`}},
		{"invalid utf-8", Request{Query: "\xff\xfe"}},
		{"unknown kind", Request{Query: "x", Filter: Filter{Kinds: []graph.Kind{"Contributor"}}}},
		{"unknown kind 2", Request{Query: "x", Filter: Filter{Kinds: []graph.Kind{"note"}}}},
		{"bad language", Request{Query: "x", Filter: Filter{Languages: []string{"fr CA"}}}},
		{"bad id", Request{Query: "x", Filter: Filter{Carnets: []string{"a b"}}}},
		{"bad author", Request{Query: "x", Filter: Filter{Authors: []string{""}}}},
		{"bad standpoint", Request{Query: "x", Filter: Filter{Standpoints: []Standpoint{{"region", "mont:real"}}}}},
		{"dates reversed", Request{Query: "x", Filter: Filter{PublishedAfter: date(2025, 1, 1), PublishedBefore: date(2024, 1, 1)}}},
		{"dates equal", Request{Query: "x", Filter: Filter{PublishedAfter: date(2025, 1, 1), PublishedBefore: date(2025, 1, 1)}}},
		{"date out of range", Request{Query: "x", Filter: Filter{PublishedAfter: date(10000, 1, 1)}}},
		{"too many values", Request{Query: "x", Filter: Filter{Terms: slices.Repeat([]string{"t"}, MaxFilterValues+1)}}},
		{"negative first", Request{Query: "x", First: -1}},
		{"first too big", Request{Query: "x", First: graph.MaxFirst + 1}},
		{"bad cursor", Request{Query: "x", After: "nope"}},
		{"cursor without score", Request{Query: "x", After: graph.Cursor{Key: "abc", ID: "x"}.Encode()}},
		{"facet size", Request{Query: "x", FacetSize: MaxFacetSize + 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ix.Search(t.Context(), tc.r)
			wantCode(t, err, graph.EINVALID, tc.name)
		})
	}
	if _, err := c.ix.Search(t.Context(), Request{Query: "éducation", After: okCursor, First: graph.MaxFirst}); err != nil {
		t.Errorf("a returned cursor: %v", err)
	}
	if _, err := c.ix.Search(t.Context(), Request{Query: strings.Repeat("é", MaxQueryChars)}); err != nil {
		t.Errorf("%d accented characters (more bytes than the limit): %v", MaxQueryChars, err)
	}
}
