package api_test

import (
	"context"
	"regexp"
	"strconv"
	"sync/atomic"
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
	t.Parallel()
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
	t.Parallel()
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

// flagCounter counts the Flags calls of the API (moderation reads are not
// in the store metrics).
type flagCounter struct {
	graph.Store
	n *atomic.Int64
}

func (s flagCounter) Flags(ctx context.Context, f graph.FlagFilter, p graph.Page) (*graph.Connection[*graph.Flag], error) {
	s.n.Add(1)
	return s.Store.Flags(ctx, f, p)
}

// Moderation streams cannot tell a flag from an edit by the change record
// (both update the document), but they share one read of the document's
// flags per change, however many curators follow the queue.
func TestModerationSubscribersShareOneFlagRead(t *testing.T) {
	t.Parallel()
	var flagCalls atomic.Int64
	w := newLiveWorldWith(t, envOptions{
		wrap:   func(s graph.Store) graph.Store { return flagCounter{s, &flagCalls} },
		config: func(c *api.Config) { c.Live.Poll = 10 * time.Millisecond },
	})
	var curators []*wsClient
	for range 3 {
		c := w.connect(w.token(graph.RoleCurator, ""))
		c.subscribe("m", `subscription { moderationQueueChanged { kind flagId flag { reason } } }`, nil)
		curators = append(curators, c)
	}
	waitFor(t, "3 open subscriptions", func() bool { return w.openSubscriptions() == 3 })
	// Each stream first reads the open flags; on a loaded machine that read
	// may come after the subscription is counted as open, and must not be
	// taken for one of the reads below.
	waitFor(t, "the 3 streams' first read of the queue", func() bool { return flagCalls.Load() >= 3 })

	for round, id := range []string{"n1", "n2"} {
		before := flagCalls.Load()
		// Straight to the store: the Flags calls counted are the streams'.
		bob := graph.WithViewer(w.t.Context(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "bob"})
		f, err := w.store.FlagDocument(bob, id, "Propos à vérifier")
		w.must(err, "flag")
		for _, c := range curators {
			if ev := c.event("m"); ev.str("moderationQueueChanged.kind") != "FLAGGED" || ev.str("moderationQueueChanged.flagId") != f.ID {
				t.Fatalf("event %s", ev.Raw)
			}
		}
		if n := flagCalls.Load() - before; n != 1 {
			t.Fatalf("round %d: three moderation streams made %d Flags calls for one change, want 1", round, n)
		}
	}
}
