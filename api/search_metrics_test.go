package api_test

import (
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// A search is timed, and the index lag is 0 once the index has caught up.
func TestSearchMetrics(t *testing.T) {
	e, ix := searchEnv(t)
	e.contributor("ana", "Ana")
	e.doc(graph.Document{ID: "n1", Title: "Jardins partagés", Body: "Un potager collectif."}, "ana")
	catchUp(t, e, ix)
	e.query("", searchQuery, vars{"q": "jardin"}).ok()

	m := e.metrics()
	if got := m.value(`maillage_search_duration_seconds_count{outcome="ok"}`); got < 1 {
		t.Errorf("search duration count = %v, want >= 1\n%s", got, m.grep("maillage_search_duration_seconds"))
	}
	if !strings.Contains(string(m), "\nmaillage_search_index_lag ") {
		t.Fatalf("no index lag gauge:\n%s", m.grep("maillage_search"))
	}
	if got := m.value("maillage_search_index_lag"); got != 0 {
		t.Errorf("index lag = %v, want 0 (applied everything up to seq %d)", got, e.lastSeq())
	}
}

// The lag counts the changes the index has not applied; without an index
// the gauge is absent.
func TestSearchIndexLagCountsUnappliedChanges(t *testing.T) {
	e, ix := searchEnv(t)
	catchUp(t, e, ix)
	before := e.lastSeq()
	// Written straight to the store: nothing tells the index.
	e.contributor("ana", "Ana")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "ana")
	want := float64(e.lastSeq() - before)
	if got := e.metrics().value("maillage_search_index_lag"); got != want || want == 0 {
		t.Errorf("index lag = %v, want %v", got, want)
	}
	catchUp(t, e, ix)
	if got := e.metrics().value("maillage_search_index_lag"); got != 0 {
		t.Errorf("index lag after catch-up = %v, want 0", got)
	}

	if m := newEnv(t).metrics(); strings.Contains(string(m), "maillage_search_index_lag") {
		t.Errorf("index lag exported with search off:\n%s", m.grep("maillage_search_index_lag"))
	}
}
