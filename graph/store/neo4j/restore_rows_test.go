package neo4j

import (
	"fmt"
	"testing"

	"github.com/encommun/maillage/graph"
)

// TestRestoreGroupsRowsByStatement checks that a restore transaction runs
// each statement once per bulkRows rows, not once per run of rows: a dump
// lists each document's links together, one relation after the other, and
// runs of one statement were then a link or two long, a round trip each
// (the 100 000-note import spent most of its time there). The statements
// that create nodes still come first.
func TestRestoreGroupsRowsByStatement(t *testing.T) {
	t.Parallel()
	var snap graph.Snapshot
	snap.Contributors = []graph.Contributor{{ID: "ctb"}}
	snap.Carnets = []graph.Carnet{{ID: "car"}}
	snap.Documents = []graph.Document{{ID: "term", Kind: graph.KindTerm}}
	for i := range 50 {
		id := fmt.Sprintf("note%02d", i)
		snap.Documents = append(snap.Documents, graph.Document{ID: id, Kind: graph.KindNote})
		// As a dump orders them: by document, each relation in turn.
		snap.Links = append(snap.Links,
			graph.Link{Relation: graph.RelAuthored, From: "ctb", To: id},
			graph.Link{Relation: graph.RelInCarnet, From: id, To: "car", Position: i + 1},
			graph.Link{Relation: graph.RelMentions, From: id, To: "term"})
	}
	snap.Declarations = []graph.Declaration{{ContributorID: "ctb", Dimension: "region", Value: "bretagne", Visibility: graph.DeclPublic}}
	groups := groupRows(partRows(&snap, map[string]bool{}))

	want := []struct {
		cypher string
		rows   int
	}{
		{bulkCreateNodesCypher[graph.KindCarnet], 1},
		{bulkCreateNodesCypher[graph.KindContributor], 1},
		{bulkCreateNodesCypher[graph.KindTerm], 1},
		{bulkCreateNodesCypher[graph.KindNote], 50},
		{restoreCreateLinksCypher[graph.RelAuthored], 50},
		{restoreCreateLinksCypher[graph.RelInCarnet], 50},
		{restoreCreateLinksCypher[graph.RelMentions], 50},
		{restoreDeclarations, 1},
	}
	if len(groups) != len(want) {
		for _, g := range groups {
			t.Logf("%s: %d rows", byCypher[g.cypher].Name, len(g.rows))
		}
		t.Fatalf("%d statements, want %d", len(groups), len(want))
	}
	for i, w := range want {
		if g := groups[i]; g.cypher != w.cypher || len(g.rows) != w.rows {
			t.Errorf("statement %d: %s with %d rows, want %s with %d", i, byCypher[g.cypher].Name, len(g.rows), byCypher[w.cypher].Name, w.rows)
		}
	}
}
