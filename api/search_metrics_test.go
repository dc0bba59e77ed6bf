package api_test

import (
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// A search is timed, and the index lag is 0 once the index has caught up.
func TestSearchMetrics(t *testing.T) {
	t.Parallel()
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
	// Nothing runs between requests: the line is empty.
	for _, g := range []string{"maillage_searches_running", "maillage_searches_waiting"} {
		if !strings.Contains(string(m), "\n"+g+" ") || m.value(g) != 0 {
			t.Errorf("%s = %v, want 0:\n%s", g, m.value(g), m.grep("maillage_searches"))
		}
	}
}

// The embedded store's document cache counts what it answered.
func TestStoreCacheMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("ana", "Ana")
	e.doc(graph.Document{ID: "n1", Title: "Jardins partagés"}, "ana")
	q := `query($id: ID!) { node(id: $id) { ... on Note { title } } }`
	for range 3 {
		e.query("", q, vars{"id": gid(graph.KindNote, "n1")}).ok()
	}
	m := e.metrics()
	if hits, misses := m.value("maillage_store_cache_hits_total"), m.value("maillage_store_cache_misses_total"); hits < 2 || misses < 1 {
		t.Errorf("cache hits %v, misses %v after reading one note three times:\n%s", hits, misses, m.grep("maillage_store_cache"))
	}
	if got := m.value("maillage_store_cache_bytes"); got <= 0 {
		t.Errorf("cache bytes = %v with a note in it", got)
	}
}

// The lag counts the changes the index has not applied; without an index
// the gauge is absent.
func TestSearchIndexLagCountsUnappliedChanges(t *testing.T) {
	t.Parallel()
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
