package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/search"
)

const mentionsQuery = `query($term: ID, $org: ID, $first: Int, $after: String) {
  unlinkedMentions(termId: $term, organisationId: $org, first: $first, after: $after) {
    totalCount
    edges { cursor score fragment node { id title } highlights { field fragments } }
    pageInfo { hasNextPage endCursor }
  }
}`

const suggestionsQuery = `query($doc: ID!, $first: Int) {
  linkSuggestions(documentId: $doc, first: $first) {
    reason score relation matched field fragment
    target { id title }
    sharedTerms { label }
  }
}`

const acceptMutation = `mutation($doc: ID!, $target: ID!, $rel: Relation) {
  acceptLinkSuggestion(documentId: $doc, targetId: $target, relation: $rel) {
    document { id version ... on Note { terms { label } } }
    link { relation }
  }
}`

// mentionsEnv is a commons with a searchable index: the term "économie
// sociale" (alias ESS) named, unlinked, by "portrait" and "prive" (a
// private note), linked from "bilan"; the organisation TIESS named by
// "portrait"; the notes "jardins" and "potagers" sharing two terms.
func mentionsEnv(t *testing.T) (*env, *search.Index) {
	t.Helper()
	e, ix := searchEnv(t)
	e.contributor("ana", "Ana")
	e.contributor("bo", "Bo")
	e.doc(graph.Document{ID: "ess", Kind: graph.KindTerm, Title: "économie sociale", Aliases: []string{"ESS"}})
	e.doc(graph.Document{ID: "tiess", Kind: graph.KindOrganisation, Title: "Territoires innovants en économie sociale et solidaire", Aliases: []string{"TIESS"}})
	e.doc(graph.Document{ID: "portrait", Title: "Portrait de l'Estrie", Body: "Le TIESS documente l'économie sociale en région.\n\nLes coopératives y sont nombreuses."}, "ana")
	e.doc(graph.Document{ID: "bilan", Title: "Bilan", Body: "Un bilan de l'économie sociale."}, "ana")
	e.link(graph.RelMentions, "bilan", "ess")
	e.doc(graph.Document{ID: "prive", Title: "Brouillon", Body: "Le réseau de l'ESS.", Visibility: graph.VisibilityPrivate}, "bo")
	e.doc(graph.Document{ID: "jardin", Kind: graph.KindTerm, Title: "jardin collectif"})
	e.doc(graph.Document{ID: "compost", Kind: graph.KindTerm, Title: "compostage"})
	e.doc(graph.Document{ID: "jardins", Title: "Jardins de quartier", Body: "Des parcelles partagées."}, "ana")
	e.doc(graph.Document{ID: "potagers", Title: "Potagers urbains", Body: "Des bacs sur les toits."}, "bo")
	for _, n := range []string{"jardins", "potagers"} {
		e.link(graph.RelMentions, n, "jardin")
		e.link(graph.RelMentions, n, "compost")
	}
	catchUp(t, e, ix)
	return e, ix
}

func edgeIDs(r *response, path string) []string {
	var out []string
	for _, x := range r.list(path) {
		out = append(out, x.(map[string]any)["node"].(map[string]any)["id"].(string))
	}
	return out
}

func TestUnlinkedMentionsAPI(t *testing.T) {
	t.Parallel()
	e, _ := mentionsEnv(t)
	curator := e.token(graph.RoleCurator, "")
	term := gid(graph.KindTerm, "ess")

	r := e.query(curator, mentionsQuery, vars{"term": term}).ok()
	// Curators read everything: the private note is a mention for them;
	// the linked note and the term itself are not; the organisation's
	// name contains the term's label.
	got := edgeIDs(r, "unlinkedMentions.edges")
	slices.Sort(got)
	want := []string{gid(graph.KindNote, "portrait"), gid(graph.KindNote, "prive"), gid(graph.KindOrganisation, "tiess")}
	slices.Sort(want)
	if !slices.Equal(got, want) || r.num("unlinkedMentions.totalCount") != 3 {
		t.Fatalf("mentions %v, want %v: %s", got, want, r.Raw)
	}
	for _, x := range r.list("unlinkedMentions.edges") {
		edge := x.(map[string]any)
		if edge["node"].(map[string]any)["title"] == "Portrait de l'Estrie" {
			if f, _ := edge["fragment"].(string); f != "Le TIESS documente l&#39;<mark>économie sociale</mark> en région. Les coopératives y sont nombreuses." {
				t.Errorf("the body's fragment, marked: %q", f)
			}
		}
	}

	// Pages of one: each mention once, the total on every page.
	var paged []string
	var after any
	for range 5 {
		p := e.query(curator, mentionsQuery, vars{"term": term, "first": 1, "after": after}).ok()
		if p.num("unlinkedMentions.totalCount") != 3 {
			t.Errorf("total on a page: %s", p.Raw)
		}
		paged = append(paged, edgeIDs(p, "unlinkedMentions.edges")...)
		if !p.get("unlinkedMentions.pageInfo.hasNextPage").(bool) {
			break
		}
		after = p.str("unlinkedMentions.pageInfo.endCursor")
	}
	slices.Sort(paged)
	if !slices.Equal(paged, want) {
		t.Errorf("paged: %v, want %v", paged, want)
	}

	// An organisation, by its alias.
	r = e.query(curator, mentionsQuery, vars{"org": gid(graph.KindOrganisation, "tiess")}).ok()
	if got := edgeIDs(r, "unlinkedMentions.edges"); !slices.Equal(got, []string{gid(graph.KindNote, "portrait")}) {
		t.Errorf("TIESS: %v", got)
	}
	// first: 0 counts without edges.
	r = e.query(curator, mentionsQuery, vars{"term": term, "first": 0}).ok()
	if r.num("unlinkedMentions.totalCount") != 3 || len(r.list("unlinkedMentions.edges")) != 0 {
		t.Errorf("first 0: %s", r.Raw)
	}
}

func TestUnlinkedMentionsBadInput(t *testing.T) {
	t.Parallel()
	e, _ := mentionsEnv(t)
	curator := e.token(graph.RoleCurator, "")
	term := gid(graph.KindTerm, "ess")
	for name, c := range map[string]struct {
		v    vars
		code string
	}{
		"a note id":           {vars{"term": gid(graph.KindNote, "portrait")}, graph.EINVALID},
		"a term as an org":    {vars{"org": term}, graph.EINVALID},
		"both ids":            {vars{"term": term, "org": gid(graph.KindOrganisation, "tiess")}, graph.EINVALID},
		"no id":               {vars{}, graph.EINVALID},
		"a malformed id":      {vars{"term": "pas un id"}, graph.EINVALID},
		"an unknown term":     {vars{"term": gid(graph.KindTerm, "inconnu")}, graph.ENOTFOUND},
		"first above the cap": {vars{"term": term, "first": graph.MaxFirst + 1}, graph.EINVALID},
		"a negative first":    {vars{"term": term, "first": -1}, graph.EINVALID},
		"a malformed cursor":  {vars{"term": term, "after": "n'importe quoi"}, graph.EINVALID},
	} {
		r := e.query(curator, mentionsQuery, c.v)
		if r.code() != c.code {
			t.Errorf("%s: code %q, want %q: %s", name, r.code(), c.code, r.Raw)
		}
		if r.Data != nil && r.Data["unlinkedMentions"] != nil {
			t.Errorf("%s: data came back: %s", name, r.Raw)
		}
	}
}

// Only curators and admins look for missing links: anyone else learns
// nothing, not even a count.
func TestMissingLinksAreForCurators(t *testing.T) {
	t.Parallel()
	e, _ := mentionsEnv(t)
	term := gid(graph.KindTerm, "ess")
	note := gid(graph.KindNote, "portrait")
	for _, c := range []struct {
		token string
		code  string
	}{
		{"", graph.EUNAUTHENTICATED},
		{e.token(graph.RoleContributor, "ana"), graph.EFORBIDDEN},
		{e.token(graph.RoleResearcher, "bo"), graph.EFORBIDDEN},
	} {
		r := e.query(c.token, mentionsQuery, vars{"term": term}).wantCode(c.code)
		if r.Data != nil && r.Data["unlinkedMentions"] != nil {
			t.Errorf("%s: %s", c.code, r.Raw)
		}
		r = e.query(c.token, suggestionsQuery, vars{"doc": note}).wantCode(c.code)
		if r.Data != nil && r.Data["linkSuggestions"] != nil {
			t.Errorf("%s: %s", c.code, r.Raw)
		}
	}
	admin := e.token(graph.RoleAdmin, "")
	e.query(admin, mentionsQuery, vars{"term": term}).ok()
	e.query(admin, suggestionsQuery, vars{"doc": note}).ok()
}

type suggestion struct {
	reason, relation, target, matched, fragment string
	score                                       float64
	shared                                      []string
}

func suggestions(r *response) []suggestion {
	var out []suggestion
	for _, x := range r.list("linkSuggestions") {
		m := x.(map[string]any)
		s := suggestion{reason: m["reason"].(string), relation: m["relation"].(string), score: m["score"].(float64),
			target: m["target"].(map[string]any)["id"].(string)}
		s.matched, _ = m["matched"].(string)
		s.fragment, _ = m["fragment"].(string)
		for _, st := range m["sharedTerms"].([]any) {
			s.shared = append(s.shared, st.(map[string]any)["label"].(string))
		}
		out = append(out, s)
	}
	return out
}

func TestLinkSuggestionsAPI(t *testing.T) {
	t.Parallel()
	e, ix := mentionsEnv(t)
	curator := e.token(graph.RoleCurator, "")

	r := e.query(curator, suggestionsQuery, vars{"doc": gid(graph.KindNote, "portrait")}).ok()
	got := suggestions(r)
	if len(got) != 2 {
		t.Fatalf("portrait names the term and the organisation: %s", r.Raw)
	}
	byTarget := map[string]suggestion{}
	for _, s := range got {
		byTarget[s.target] = s
		if s.score <= 0 || s.score >= 1 {
			t.Errorf("score out of (0, 1): %+v", s)
		}
	}
	if s := byTarget[gid(graph.KindTerm, "ess")]; s.reason != "MENTIONS_TERM" || s.relation != "MENTIONS" || s.matched != "économie sociale" ||
		!strings.Contains(s.fragment, "<mark>économie sociale</mark>") {
		t.Errorf("the term: %+v", s)
	}
	if s := byTarget[gid(graph.KindOrganisation, "tiess")]; s.reason != "MENTIONS_ORGANISATION" || s.relation != "CONCERNS" || s.matched != "TIESS" ||
		s.fragment != "Le <mark>TIESS</mark> documente l&#39;économie sociale en région. Les coopératives y sont nombreuses." {
		t.Errorf("the organisation: %+v", s)
	}

	// Two notes with the same two terms: each is suggested to the other.
	r = e.query(curator, suggestionsQuery, vars{"doc": gid(graph.KindNote, "jardins")}).ok()
	got = suggestions(r)
	if len(got) != 1 || got[0].reason != "SHARES_TERMS" || got[0].relation != "LINKS_TO" || got[0].target != gid(graph.KindNote, "potagers") ||
		got[0].score != 1 || !slices.Equal(sortedStrings(got[0].shared), []string{"compostage", "jardin collectif"}) {
		t.Errorf("jardins: %s", r.Raw)
	}
	// A link either way ends the suggestion.
	e.link(graph.RelLinksTo, "potagers", "jardins")
	catchUp(t, e, ix)
	if got := suggestions(e.query(curator, suggestionsQuery, vars{"doc": gid(graph.KindNote, "jardins")}).ok()); len(got) != 0 {
		t.Errorf("linked already: %+v", got)
	}

	// A term naming another that already MENTIONS it: linked the other way
	// round, not suggested; without that link, suggested.
	e.doc(graph.Document{ID: "tiers", Kind: graph.KindTerm, Title: "tiers-lieu", Definition: "Un lieu d'économie sociale ouvert à tous."})
	catchUp(t, e, ix)
	tiers := gid(graph.KindTerm, "tiers")
	if got := suggestions(e.query(curator, suggestionsQuery, vars{"doc": tiers}).ok()); len(got) != 1 || got[0].target != gid(graph.KindTerm, "ess") || got[0].relation != "MENTIONS" {
		t.Errorf("tiers-lieu names économie sociale: %+v", got)
	}
	e.link(graph.RelMentions, "ess", "tiers")
	catchUp(t, e, ix)
	if got := suggestions(e.query(curator, suggestionsQuery, vars{"doc": tiers}).ok()); len(got) != 0 {
		t.Errorf("économie sociale MENTIONS tiers-lieu already: %+v", got)
	}

	// Bounds and wrong ids.
	note := gid(graph.KindNote, "portrait")
	if got := suggestions(e.query(curator, suggestionsQuery, vars{"doc": note, "first": 1}).ok()); len(got) != 1 {
		t.Errorf("first 1: %+v", got)
	}
	if got := e.query(curator, suggestionsQuery, vars{"doc": note, "first": 0}).ok(); len(got.list("linkSuggestions")) != 0 {
		t.Errorf("first 0: %s", got.Raw)
	}
	e.query(curator, suggestionsQuery, vars{"doc": note, "first": 51}).wantCode(graph.EINVALID)
	e.query(curator, suggestionsQuery, vars{"doc": note, "first": -1}).wantCode(graph.EINVALID)
	e.query(curator, suggestionsQuery, vars{"doc": gid(graph.KindContributor, "ana")}).wantCode(graph.EINVALID)
	e.query(curator, suggestionsQuery, vars{"doc": gid(graph.KindNote, "inconnue")}).wantCode(graph.ENOTFOUND)
}

func TestAcceptLinkSuggestion(t *testing.T) {
	t.Parallel()
	e, _ := mentionsEnv(t)
	curator := e.token(graph.RoleCurator, "")
	ana := e.token(graph.RoleContributor, "ana")
	bo := e.token(graph.RoleContributor, "bo")
	note := gid(graph.KindNote, "portrait")
	term := gid(graph.KindTerm, "ess")

	// Someone who may not edit the note, or is not signed in: refused,
	// nothing linked.
	e.query(bo, acceptMutation, vars{"doc": note, "target": term}).wantCode(graph.EFORBIDDEN)
	e.query("", acceptMutation, vars{"doc": note, "target": term}).wantCode(graph.EUNAUTHENTICATED)
	// A target the viewer may not read is not found, exactly as a missing one.
	e.query(ana, acceptMutation, vars{"doc": note, "target": gid(graph.KindNote, "prive")}).wantCode(graph.ENOTFOUND)
	e.query(ana, acceptMutation, vars{"doc": note, "target": gid(graph.KindTerm, "inconnu")}).wantCode(graph.ENOTFOUND)
	// Relations that do not fit.
	e.query(ana, acceptMutation, vars{"doc": note, "target": term, "rel": "AUTHORED"}).wantCode(graph.EINVALID)
	e.query(ana, acceptMutation, vars{"doc": note, "target": term, "rel": "LINKS_TO"}).wantCode(graph.EINVALID)
	e.query(ana, acceptMutation, vars{"doc": note, "target": gid(graph.KindCarnet, "k")}).wantCode(graph.EINVALID)
	e.query(ana, acceptMutation, vars{"doc": note, "target": note}).wantCode(graph.EINVALID)
	if r := e.query(curator, mentionsQuery, vars{"term": term}).ok(); r.num("unlinkedMentions.totalCount") != 3 {
		t.Fatalf("a refused accept linked something: %s", r.Raw)
	}

	// The author accepts: the note MENTIONS the term, and at once it is
	// no longer an unlinked mention nor a suggestion.
	r := e.query(ana, acceptMutation, vars{"doc": note, "target": term}).ok()
	if r.str("acceptLinkSuggestion.link.relation") != "MENTIONS" || r.str("acceptLinkSuggestion.document.id") != note ||
		r.str("acceptLinkSuggestion.document.terms.0.label") != "économie sociale" {
		t.Errorf("accept: %s", r.Raw)
	}
	if r := e.query(curator, mentionsQuery, vars{"term": term}).ok(); r.num("unlinkedMentions.totalCount") != 2 || slices.Contains(edgeIDs(r, "unlinkedMentions.edges"), note) {
		t.Errorf("accepted, still a mention: %s", r.Raw)
	}
	for _, s := range suggestions(e.query(curator, suggestionsQuery, vars{"doc": note}).ok()) {
		if s.target == term {
			t.Errorf("accepted, still suggested: %+v", s)
		}
	}
	// Twice changes nothing; a curator may accept on anyone's document.
	e.query(ana, acceptMutation, vars{"doc": note, "target": term}).ok()
	r = e.query(curator, acceptMutation, vars{"doc": note, "target": gid(graph.KindOrganisation, "tiess")}).ok()
	if r.str("acceptLinkSuggestion.link.relation") != "CONCERNS" {
		t.Errorf("organisation: %s", r.Raw)
	}
	if got := suggestions(e.query(curator, suggestionsQuery, vars{"doc": note}).ok()); len(got) != 0 {
		t.Errorf("all accepted: %+v", got)
	}
}

// docs/api.md's example, on the demo commons: real mentions, real
// suggestions, and an accepted one.
func TestMissingLinksOnTheDemo(t *testing.T) {
	t.Parallel()
	e, ix := searchEnv(t)
	if ok, err := demo.Load(e.sys(), e.store, graph.DefaultTaxonomy()); err != nil || !ok {
		t.Fatalf("demo: %v", err)
	}
	catchUp(t, e, ix)
	curator := e.token(graph.RoleCurator, "")
	const readme = `{
  unlinkedMentions(termId: "VGVybTp0ZXJtLWVjb25vbWllLXNvY2lhbGU", first: 5) {
    totalCount
    edges { node { id title } fragment }
    pageInfo { hasNextPage endCursor }
  }
  linkSuggestions(documentId: "Tm90ZTpub3RlLXBvcnRyYWl0LWFiaXRpYmktdGVtaXNjYW1pbmd1ZQ") {
    reason score relation matched fragment
    target { id title }
    sharedTerms { label }
  }
}`
	r := e.query(curator, readme, nil).ok()
	if r.num("unlinkedMentions.totalCount") == 0 || r.str("unlinkedMentions.edges.0.fragment") == "" {
		t.Errorf("no mention of économie sociale in the demo: %s", r.Raw)
	}
	org := gid(graph.KindOrganisation, "org-collectif-wiki-regions")
	found := false
	for _, s := range suggestions(r) {
		found = found || (s.target == org && s.reason == "MENTIONS_ORGANISATION")
	}
	if !found {
		t.Fatalf("the Abitibi portrait names the Collectif Wiki des régions: %s", r.Raw)
	}
	r = e.query(curator, `mutation {
  acceptLinkSuggestion(documentId: "Tm90ZTpub3RlLXBvcnRyYWl0LWFiaXRpYmktdGVtaXNjYW1pbmd1ZQ",
                       targetId: "T3JnYW5pc2F0aW9uOm9yZy1jb2xsZWN0aWYtd2lraS1yZWdpb25z") {
    document { id title }
    link { relation }
  }
}`, nil).ok()
	if r.str("acceptLinkSuggestion.link.relation") != "CONCERNS" {
		t.Errorf("accept: %s", r.Raw)
	}
	if got := e.query(curator, mentionsQuery, vars{"org": org}).ok(); got.num("unlinkedMentions.totalCount") != 0 {
		t.Errorf("accepted, the portrait is still a mention: %s", got.Raw)
	}
}

// What the missing-links queries return is resolved with the viewer's
// rights like any document: Xavier's PRIVATE and AGGREGATE standpoints do
// not show through the authors of a mention or of a suggested note, for
// any viewer allowed to ask.
func TestLeakMissingLinks(t *testing.T) {
	t.Parallel()
	w := newLeakWorld(t)
	w.doc(graph.Document{ID: "zygomar", Kind: graph.KindTerm, Title: "zygomar"})
	w.doc(graph.Document{ID: "t-jardin", Kind: graph.KindTerm, Title: "jardin collectif"})
	w.doc(graph.Document{ID: "t-compost", Kind: graph.KindTerm, Title: "compostage"})
	for _, n := range []string{"x-seul", "jardin-o0"} {
		w.link(graph.RelMentions, n, "t-jardin")
		w.link(graph.RelMentions, n, "t-compost")
	}
	catchUp(t, w.env, w.ix)
	const authors = `authors { name standpoints { dimension value visibility } }`
	mentions := `query($term: ID) { unlinkedMentions(termId: $term) { totalCount edges { node { id ` + authors + ` } } } }`
	suggested := `query($doc: ID!) { linkSuggestions(documentId: $doc) { reason score relation target { id ` + authors + ` } sharedTerms { label } } }`
	for _, name := range []string{"curator", "admin", "admin_as_o1"} {
		tok := w.tokens[name]
		r := w.query(tok, mentions, vars{"term": gid(graph.KindTerm, "zygomar")}).ok()
		if r.num("unlinkedMentions.totalCount") != 2 || !strings.Contains(string(r.Raw), "non-binary") {
			t.Fatalf("%s: Xavier's two notes name zygomar, with his PUBLIC standpoint, or the check below proves nothing: %s", name, r.Raw)
		}
		noMarker(t, r.Raw, "%s's unlinked mentions", name)

		r = w.query(tok, suggested, vars{"doc": gid(graph.KindNote, "jardin-o0")}).ok()
		if got := suggestions(r); !slices.ContainsFunc(got, func(s suggestion) bool { return s.target == gid(graph.KindNote, "x-seul") }) ||
			!strings.Contains(string(r.Raw), "non-binary") {
			t.Fatalf("%s: Xavier's note shares two terms with jardin-o0, with his PUBLIC standpoint, or the check below proves nothing: %s", name, r.Raw)
		}
		noMarker(t, r.Raw, "%s's link suggestions", name)
	}
}
