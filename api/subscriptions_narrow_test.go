package api_test

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// storeReads sums the store calls the API made, from
// maillage_store_call_duration_seconds, leaving out the broker's reads of
// the change sequence, which every subscription shares.
func (e *env) storeReads() (int, map[string]int) {
	e.t.Helper()
	re := regexp.MustCompile(`(?m)^maillage_store_call_duration_seconds_count\{method="(\w+)"\} (\S+)$`)
	total, by := 0, map[string]int{}
	for _, m := range re.FindAllStringSubmatch(string(e.metrics()), -1) {
		if m[1] == "Changes" || m[1] == "LastSeq" {
			continue
		}
		n, err := strconv.ParseFloat(m[2], 64)
		e.must(err, "parse "+m[0])
		by[m[1]] = int(n)
		total += int(n)
	}
	return total, by
}

// A carnet subscriber reads nothing for a write to a document that is not
// filed in its carnet: the change record alone rules it out.
func TestCarnetSubscriptionReadsNothingForUnrelatedWrites(t *testing.T) {
	w := newLiveWorld(t, func(c *api.Config) { c.Live.Poll = 10 * time.Millisecond })
	w.link(graph.RelInCarnet, "n1", "c1")
	c := w.connect(w.bob)
	c.subscribe("c", `subscription($id: ID!) { carnetChanged(id: $id) { kind document { title } } }`,
		vars{"id": gid(graph.KindCarnet, "c1")})
	c.quiet(50 * time.Millisecond)

	// Writes straight to the store, as an import would make them: the
	// API's own store calls are then the subscription's alone.
	version := map[string]int{"n1": 1, "n2": 1}
	write := func(id, title string) {
		t.Helper()
		_, err := w.store.UpdateDocument(w.sys(), id, graph.DocumentUpdate{Version: version[id], Title: &title})
		w.must(err, "update "+id)
		version[id]++
	}
	filedUpdate := func(title string) {
		t.Helper()
		write("n1", title)
		if ev := c.event("c"); ev.str("carnetChanged.kind") != "UPDATED" || ev.str("carnetChanged.document.title") != title {
			t.Fatalf("event %s, want UPDATED %q", ev.Raw, title)
		}
	}

	// One update of the filed note: what one event costs.
	before, _ := w.storeReads()
	filedUpdate("Jardins, un")
	one, byOne := w.storeReads()
	if one-before == 0 {
		t.Fatal("the event cost no store call: the count does not see the subscription")
	}
	// Five updates elsewhere, then one of the filed note: events come in
	// sequence order, so when its event arrives the five were handled.
	for i := range 5 {
		write("n2", "Ailleurs "+strconv.Itoa(i))
	}
	filedUpdate("Jardins, deux")
	after, byAfter := w.storeReads()
	if after-one != one-before {
		t.Fatalf("five unrelated writes and one filed cost %d store calls, one filed alone %d\nbefore: %v\nafter: %v",
			after-one, one-before, byOne, byAfter)
	}
}

// The carnet's documents a subscriber may not read are still followed
// (as ids, read as the system), so that one that becomes readable comes
// as ADDED; while unreadable, its updates send nothing.
func TestCarnetSubscriptionFollowsUnreadableDocuments(t *testing.T) {
	w := newLiveWorld(t, nil)
	w.doc(graph.Document{ID: "n3", Title: "Brouillon", Visibility: graph.VisibilityPrivate}, "alice")
	w.link(graph.RelInCarnet, "n3", "c1")
	c := w.connect(w.bob)
	c.subscribe("c", `subscription($id: ID!) { carnetChanged(id: $id) { kind documentId document { title } } }`,
		vars{"id": gid(graph.KindCarnet, "c1")})
	c.quiet(50 * time.Millisecond)

	w.updateNote(w.alice, "n3", vars{"title": "Brouillon secret"})
	c.quiet(100 * time.Millisecond)
	w.updateNote(w.alice, "n3", vars{"title": "Publié", "visibility": "PUBLIC"})
	ev := c.event("c")
	if ev.str("carnetChanged.kind") != "ADDED" || ev.str("carnetChanged.document.title") != "Publié" {
		t.Fatalf("event %s, want ADDED with the now public note", ev.Raw)
	}
	if frames := c.frames(); regexp.MustCompile(`secret`).MatchString(frames) {
		t.Fatalf("the private title went out:\n%s", frames)
	}
}
