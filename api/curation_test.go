package api_test

import (
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

const healthQuery = `query($first: Int, $after: String) {
	orphanDocuments(first: $first, after: $after) { totalCount nodes { title } pageInfo { hasNextPage endCursor } }
	notesWithoutCarnet { totalCount nodes { title } }
	termsWithoutDefinition { totalCount nodes { label } }
	probableDuplicates { totalCount nodes { key kind documents { title } } }
}`

func TestGraphHealthAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	_, err := e.store.Carnets().Create(e.sys(), graph.Carnet{ID: "k", Title: "Carnet"})
	e.must(err, "carnet")
	e.doc(graph.Document{ID: "a", Title: "Réseau communautaire"}, "alice")
	e.doc(graph.Document{ID: "b", Title: "Les réseaux communautaires", Visibility: graph.VisibilityPrivate}, "alice")
	e.doc(graph.Document{ID: "c", Title: "Relié"}, "alice")
	e.doc(graph.Document{ID: "t", Kind: graph.KindTerm, Title: "Maillage", Definition: "Tisser des liens."})
	e.doc(graph.Document{ID: "u", Kind: graph.KindTerm, Title: "Concertation"})
	e.link(graph.RelMentions, "c", "t")
	e.link(graph.RelInCarnet, "c", "k")
	curator := e.token(graph.RoleCurator, "")

	r := e.query(curator, healthQuery, vars{"first": 2}).ok()
	if r.num("orphanDocuments.totalCount") != 3 || !r.get("orphanDocuments.pageInfo.hasNextPage").(bool) {
		t.Errorf("orphans: a, b (private: curators see it) and u: %s", r.Raw)
	}
	next := e.query(curator, healthQuery, vars{"first": 2, "after": r.str("orphanDocuments.pageInfo.endCursor")}).ok()
	titles := append(sortedTitles(r, "orphanDocuments.nodes"), sortedTitles(next, "orphanDocuments.nodes")...)
	if want := []string{"Les réseaux communautaires", "Réseau communautaire", "Concertation"}; !slices.Equal(sortedStrings(titles), sortedStrings(want)) {
		t.Errorf("orphans over two pages %v, want %v", titles, want)
	}
	if r.num("notesWithoutCarnet.totalCount") != 2 || r.num("termsWithoutDefinition.totalCount") != 1 || r.str("termsWithoutDefinition.nodes.0.label") != "Concertation" {
		t.Errorf("carnets and definitions: %s", r.Raw)
	}
	if r.num("probableDuplicates.totalCount") != 1 || r.str("probableDuplicates.nodes.0.key") != "reseaucommunautaire" ||
		r.str("probableDuplicates.nodes.0.kind") != "NOTE" || len(r.list("probableDuplicates.nodes.0.documents")) != 2 {
		t.Errorf("duplicates: %s", r.Raw)
	}
	e.query("", healthQuery, nil).wantCode(graph.EUNAUTHENTICATED)
	for _, role := range []graph.Role{graph.RoleContributor, graph.RoleResearcher} {
		r := e.query(e.token(role, "alice"), healthQuery, nil).wantCode(graph.EFORBIDDEN)
		if r.get("orphanDocuments") != nil {
			t.Errorf("%s: no data may come back: %s", role, r.Raw)
		}
	}
	e.query(e.token(graph.RoleAdmin, ""), healthQuery, nil).ok()
}

func sortedStrings(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}
