package api_test

import (
	"strings"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

// searchEnv is an env whose server answers `search` from a real Bleve index.
func searchEnv(t *testing.T) (*env, *search.Index) {
	t.Helper()
	return searchEnvWith(t, nil)
}

// searchEnvWith is searchEnv whose server's Config cfg (nil: none) sets
// further.
func searchEnvWith(t *testing.T, cfg func(*api.Config)) (*env, *search.Index) {
	t.Helper()
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	e := newEnvWith(t, envOptions{config: func(c *api.Config) {
		c.Index = ix
		if cfg != nil {
			cfg(c)
		}
	}})
	return e, ix
}

func catchUp(t *testing.T, e *env, ix *search.Index) {
	t.Helper()
	if err := ix.CatchUp(e.sys(), e.store); err != nil {
		t.Fatal(err)
	}
}

const searchQuery = `query($q: String!, $f: SearchFilter) { search(query: $q, filter: $f) {
  totalCount edges { node { id title } highlights { field fragments } }
  facets { field buckets { value label count } } } }`

// A mutation answers only once its write is searchable.
func TestSearchFindsAWriteAsSoonAsTheMutationAnswers(t *testing.T) {
	t.Parallel()
	e, _ := searchEnv(t)
	e.contributor("ana", "Ana")
	tok := e.token(graph.RoleContributor, "ana")
	e.query(tok, `mutation { createNote(input: {title: "Coopératives d'habitation", body: "Les coopératives gèrent leurs logements.", visibility: PUBLIC}) { note { id } } }`, nil).ok()
	r := e.query("", searchQuery, vars{"q": "coopérative"}).ok()
	if r.num("search.totalCount") != 1 || r.str("search.edges.0.node.title") != "Coopératives d'habitation" {
		t.Fatalf("the new note is not found: %s", r.Raw)
	}
}

// Hidden documents count nowhere: not in hits, totals or facets, and a
// facet never names a node the viewer may not read.
func TestSearchKeepsHiddenDocumentsHidden(t *testing.T) {
	t.Parallel()
	e, ix := searchEnv(t)
	e.contributor("ana", "Ana")
	e.contributor("bo", "Bo")
	e.contributor("out", "Outsider")
	comm, err := e.store.Communities().Create(e.sys(), graph.Community{ID: "cercle", Name: "Cercle"})
	e.must(err, "community")
	e.link(graph.RelMemberOf, "bo", comm.ID)
	secretTerm := e.doc(graph.Document{ID: "term-secret", Kind: graph.KindTerm, Title: "Terme discret", Visibility: graph.VisibilityCommunity}, "ana")
	e.link(graph.RelOfCommunity, secretTerm.ID, comm.ID)
	pub := e.doc(graph.Document{ID: "pub", Title: "Jardins partagés", Body: "Un potager collectif."}, "ana")
	e.link(graph.RelMentions, pub.ID, secretTerm.ID)
	priv := e.doc(graph.Document{ID: "priv", Title: "Jardins secrets", Body: "Un potager privé.", Visibility: graph.VisibilityPrivate}, "ana")
	com := e.doc(graph.Document{ID: "com", Title: "Jardins du cercle", Body: "Un potager du cercle.", Visibility: graph.VisibilityCommunity}, "ana")
	e.link(graph.RelOfCommunity, com.ID, comm.ID)
	catchUp(t, e, ix)

	for _, c := range []struct {
		who   string
		token string
		want  []string
	}{
		{"anonymous", "", []string{pub.ID}},
		{"outsider", e.token(graph.RoleContributor, "out"), []string{pub.ID}},
		{"member", e.token(graph.RoleContributor, "bo"), []string{pub.ID, com.ID}},
		{"author", e.token(graph.RoleContributor, "ana"), []string{pub.ID, priv.ID, com.ID}},
		{"curator", e.token(graph.RoleCurator, ""), []string{pub.ID, priv.ID, com.ID}},
	} {
		r := e.query(c.token, searchQuery, vars{"q": "potager"}).ok()
		if got := r.num("search.totalCount"); got != len(c.want) {
			t.Errorf("%s: totalCount %d, want %d: %s", c.who, got, len(c.want), r.Raw)
		}
		var ids []string
		for _, edge := range r.list("search.edges") {
			ids = append(ids, edge.(map[string]any)["node"].(map[string]any)["id"].(string))
		}
		for _, want := range c.want {
			if !strings.Contains(strings.Join(ids, " "), gid(graph.KindNote, want)) {
				t.Errorf("%s does not find %s", c.who, want)
			}
		}
		for _, f := range r.list("search.facets") {
			f := f.(map[string]any)
			for _, b := range f["buckets"].([]any) {
				b := b.(map[string]any)
				if f["field"] == "kind" && int(b["count"].(float64)) != len(c.want) {
					t.Errorf("%s: kind facet counts %v documents, %d readable", c.who, b["count"], len(c.want))
				}
				if f["field"] == "term" && b["value"] == gid(graph.KindTerm, secretTerm.ID) && (c.who == "anonymous" || c.who == "outsider") {
					t.Errorf("%s: the term facet names a COMMUNITY term", c.who)
				}
				if f["field"] == "community" && (c.who == "anonymous" || c.who == "outsider") {
					t.Errorf("%s: a community facet bucket counts a hidden document: %v", c.who, b)
				}
			}
		}
	}
}

// Standpoint filters use PUBLIC declarations only: filtering on an
// AGGREGATE value would single out the person who declared it.
func TestSearchFiltersOnPublicStandpointsOnly(t *testing.T) {
	t.Parallel()
	e, ix := searchEnv(t)
	e.contributor("ana", "Ana")
	for _, d := range []graph.Declaration{
		{ContributorID: "ana", Dimension: "region", Value: "montreal", Visibility: graph.DeclPublic},
		{ContributorID: "ana", Dimension: "gender", Value: "woman", Visibility: graph.DeclAggregate},
		{ContributorID: "ana", Dimension: "generation", Value: "25-34", Visibility: graph.DeclPrivate},
	} {
		_, err := e.store.DeclareStandpoint(e.sys(), d)
		e.must(err, "declare")
	}
	e.doc(graph.Document{ID: "n1", Title: "Éducation populaire en ville", Body: "Des ateliers."}, "ana")
	catchUp(t, e, ix)
	count := func(dim, val string) int {
		r := e.query("", searchQuery, vars{"q": "education", "f": vars{"standpoints": []vars{{"dimension": dim, "value": val}}}}).ok()
		for _, f := range r.list("search.facets") {
			f := f.(map[string]any)
			if f["field"] != "standpoint" {
				continue
			}
			for _, b := range f["buckets"].([]any) {
				if v := b.(map[string]any)["value"].(string); !strings.HasPrefix(v, "region:") {
					t.Errorf("the standpoint facet shows a non-public value %q", v)
				}
			}
		}
		return r.num("search.totalCount")
	}
	if n := count("region", "montreal"); n != 1 {
		t.Errorf("PUBLIC region filter: %d hits, want 1", n)
	}
	if n := count("gender", "woman"); n != 0 {
		t.Errorf("AGGREGATE gender filter finds %d: it singles out its author", n)
	}
	if n := count("generation", "25-34"); n != 0 {
		t.Errorf("PRIVATE generation filter finds %d", n)
	}
}

func TestSearchBadInput(t *testing.T) {
	t.Parallel()
	e, ix := searchEnv(t)
	e.doc(graph.Document{ID: "n1", Title: "Titre", Body: "corps"})
	catchUp(t, e, ix)
	seq := e.lastSeq()
	for name, v := range map[string]vars{
		"empty query":       {"q": "   "},
		"too long":          {"q": strings.Repeat("mot ", 200)},
		"unknown value":     {"q": "titre", "f": vars{"standpoints": []vars{{"dimension": "region", "value": "atlantis"}}}},
		"unknown dimension": {"q": "titre", "f": vars{"standpoints": []vars{{"dimension": "zodiac", "value": "leo"}}}},
		"bad carnet id":     {"q": "titre", "f": vars{"carnets": []string{"not-a-global-id"}}},
		"wrong kind of id":  {"q": "titre", "f": vars{"carnets": []string{gid(graph.KindNote, "n1")}}},
		"bad cursor":        {"q": "titre", "after": "garbage"},
	} {
		q := searchQuery
		if _, ok := v["after"]; ok {
			q = `query($q: String!, $after: String) { search(query: $q, after: $after) { totalCount } }`
		}
		e.query("", q, v).wantCode(graph.EINVALID)
		_ = name
	}
	// Query syntax of the engine is text, never syntax.
	r := e.query("", searchQuery, vars{"q": `title:x AND +body:/.*/`}).ok()
	if r.num("search.totalCount") != 0 {
		t.Fatalf("engine syntax was interpreted: %s", r.Raw)
	}
	if e.lastSeq() != seq {
		t.Fatal("a search wrote to the store")
	}
}

func TestReindexIsForAdmins(t *testing.T) {
	t.Parallel()
	e, ix := searchEnv(t)
	e.contributor("ana", "Ana")
	e.doc(graph.Document{ID: "n1", Title: "Titre", Body: "corps"}, "ana")
	e.doc(graph.Document{ID: "n2", Title: "Autre", Body: "corps", Visibility: graph.VisibilityPrivate}, "ana")
	catchUp(t, e, ix)
	const m = `mutation { reindex { documents sequence } }`
	e.query("", m, nil).wantCode(graph.EUNAUTHENTICATED)
	e.query(e.token(graph.RoleContributor, "ana"), m, nil).wantCode(graph.EFORBIDDEN)
	r := e.query(e.token(graph.RoleAdmin, ""), m, nil).ok()
	if r.num("reindex.documents") != 2 {
		t.Fatalf("reindex: %s", r.Raw)
	}
	if got := e.query("", searchQuery, vars{"q": "corps"}).ok().num("search.totalCount"); got != 1 {
		t.Fatalf("after reindex, anonymous finds %d documents, want 1", got)
	}
}
