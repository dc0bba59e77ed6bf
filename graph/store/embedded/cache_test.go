package embedded

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/encommun/maillage/graph"
)

// cached reports whether the store's cache holds document id now.
func cached(s *Store, id string) bool {
	_, ok := s.cache.get(id, s.cache.generation())
	return ok
}

func TestCacheServesReadsAgain(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkNote(t, s, "n1", graph.VisibilityPublic)
	if cached(s, "n1") {
		t.Fatal("a write filled the cache")
	}
	d := must(s.Document(anon, "n1"))
	if !cached(s, "n1") {
		t.Fatal("a read left nothing in the cache")
	}
	// What a caller does with its copy never reaches the next reader.
	d.Title, d.Aliases = "changé", append(d.Aliases, "x")
	again := must(s.Document(anon, "n1"))
	if again.Title != "Note n1" || len(again.Aliases) != 0 {
		t.Fatalf("the cached document changed with a caller's copy: %+v", again)
	}
	if st := s.CacheStats(); st.Hits == 0 || st.Bytes == 0 || st.Max != DefaultCacheBytes {
		t.Fatalf("cache stats after a read served from it: %+v", st)
	}
	// A refused write changed nothing: the cache stays.
	_, err := s.UpdateDocument(sys, "n1", graph.DocumentUpdate{Version: again.Version + 1, Title: ptr("Refusé")})
	wantCode(t, err, graph.ECONFLICT, "stale update")
	if !cached(s, "n1") {
		t.Fatal("a refused write emptied the cache")
	}
	// A write empties it: the next read finds the new version.
	must(s.UpdateDocument(sys, "n1", graph.DocumentUpdate{Version: again.Version, Title: ptr("Nouveau titre")}))
	if st := s.CacheStats(); st.Bytes != 0 {
		t.Fatalf("cache stats after a write: %+v, want no bytes held", st)
	}
	if cached(s, "n1") {
		t.Fatal("the cache still holds the document after a write")
	}
	if got := must(s.Document(anon, "n1")); got.Title != "Nouveau titre" {
		t.Fatalf("read %q after the update", got.Title)
	}
}

// TestCacheKeepsNoDecision reads each hidden note first as a viewer who
// may read it, so that it is cached, then as every viewer: the cache holds
// documents, never who may read them.
func TestCacheKeepsNoDecision(t *testing.T) {
	t.Parallel()
	s := visibilityWorld(t)
	for _, id := range []string{"publique", "commune", "privee"} {
		must(s.Documents(asC("auteure"), []string{id}))
		if !cached(s, id) {
			t.Fatalf("%s was not cached by its author's read", id)
		}
		for _, v := range readable {
			got := must(s.Documents(v.ctx, []string{id}))[0]
			want := false
			for _, x := range v.sees {
				want = want || x == id
			}
			if (got != nil) != want {
				t.Errorf("%s reads %s: got %v, want %v", v.name, id, got != nil, want)
			}
		}
	}
}

func TestCacheAndModeration(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "auteure")
	mkNote(t, s, "n1", graph.VisibilityPublic, "auteure")
	must(s.Document(anon, "n1"))
	must(s.SetHidden(sys, "n1", true))
	if _, err := s.Document(anon, "n1"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("anonymous reads a hidden note: %v", err)
	}
	d := must(s.Document(asC("auteure"), "n1"))
	if !d.Hidden || d.Visibility != graph.VisibilityPublic {
		t.Fatalf("the author reads the hidden note as hidden=%v visibility=%s", d.Hidden, d.Visibility)
	}
	if d := must(s.Document(asC("auteure"), "n1")); !d.Hidden {
		t.Fatal("the cached copy lost its hidden flag")
	}
	must(s.SetHidden(sys, "n1", false))
	if d := must(s.Document(anon, "n1")); d.Hidden {
		t.Fatal("an unhidden note still reads as hidden")
	}
}

func TestCacheStaysInItsBudget(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir(), Options{CacheBytes: 64 << 10})
	ok(t, err)
	t.Cleanup(func() { _ = s.Close() })
	body := strings.Repeat("mot ", 100)
	var ids []string
	for i := range 200 {
		id := fmt.Sprintf("n%03d", i)
		must(s.CreateDocument(sys, graph.Document{ID: id, Kind: graph.KindNote, Title: id, Body: body,
			Language: "fr", Visibility: graph.VisibilityPublic}, nil))
		ids = append(ids, id)
	}
	for range 3 {
		got := must(s.Documents(anon, ids))
		for i, d := range got {
			if d == nil || d.ID != ids[i] || d.Body != body {
				t.Fatalf("document %d read wrong through a small cache: %+v", i, d)
			}
		}
		s.cache.mu.RLock()
		used, held := s.cache.bytes, len(s.cache.entries)
		s.cache.mu.RUnlock()
		if used > 64<<10 || held == 0 || held == len(ids) {
			t.Fatalf("cache holds %d bytes in %d entries for a budget of %d", used, held, 64<<10)
		}
	}
	off, err := Open(t.TempDir(), Options{CacheBytes: -1})
	ok(t, err)
	defer off.Close()
	mkNote(t, off, "n1", graph.VisibilityPublic)
	must(off.Document(anon, "n1"))
	if cached(off, "n1") {
		t.Fatal("a store opened without a cache cached a document")
	}
}

// TestCacheNeverServesTheOldVersion writes a note again and again, making
// it PRIVATE on every other version, while readers read it: a read that
// starts after a write was acknowledged must see that write or a later
// one, and an anonymous reader must never get a PRIVATE version.
func TestCacheNeverServesTheOldVersion(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "auteure")
	d := mkNote(t, s, "n1", graph.VisibilityPublic, "auteure")
	var acked atomic.Int64
	acked.Store(int64(d.Version))
	done := make(chan struct{})
	var wg sync.WaitGroup
	var reads atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				floor := acked.Load()
				got, err := s.Document(asC("auteure"), "n1")
				if err != nil {
					t.Error(err)
					return
				}
				if int64(got.Version) < floor {
					t.Errorf("read version %d after version %d was acknowledged", got.Version, floor)
					return
				}
				if a, err := s.Document(anon, "n1"); err == nil && a.Visibility != graph.VisibilityPublic {
					t.Errorf("anonymous read a %s version", a.Visibility)
					return
				}
				reads.Add(1)
			}
		}()
	}
	for i := range 201 { // the last version is PRIVATE
		vis := graph.VisibilityPublic
		if i%2 == 0 {
			vis = graph.VisibilityPrivate
		}
		d = must(s.UpdateDocument(asC("auteure"), "n1", graph.DocumentUpdate{Version: d.Version,
			Title: ptr(fmt.Sprintf("Version %d", i)), Visibility: &vis}))
		acked.Store(int64(d.Version))
	}
	close(done)
	wg.Wait()
	if reads.Load() == 0 {
		t.Fatal("no read ran during the writes")
	}
	if _, err := s.Document(anon, "n1"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("the last version is PUBLIC or unreadable: %v", err)
	}
}

// A write drops the entries of the documents it touched, and only those:
// the others stay cached, so a busy commons keeps its cache warm.
func TestCacheDropsOnlyWhatAWriteTouched(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	mkNote(t, s, "n1", graph.VisibilityPublic, "ana")
	mkNote(t, s, "n2", graph.VisibilityPublic, "ana")
	mkNote(t, s, "n3", graph.VisibilityPublic, "ana")
	must(s.Documents(anon, []string{"n1", "n2", "n3"}))
	for _, id := range []string{"n1", "n2", "n3"} {
		if !cached(s, id) {
			t.Fatalf("%s not cached after a read", id)
		}
	}
	n2 := must(s.Document(anon, "n2"))
	must(s.UpdateDocument(asC("ana"), "n2", graph.DocumentUpdate{Version: n2.Version, Title: ptr("Autre titre")}))
	mkLink(t, s, graph.RelLinksTo, "n1", "n3") // links are not in the cache
	must(s.SetHidden(sys, "n3", true))
	if !cached(s, "n1") {
		t.Error("n1 left the cache though no write touched it")
	}
	for _, id := range []string{"n2", "n3"} {
		if cached(s, id) {
			t.Errorf("%s is still cached after a write touched it", id)
		}
	}
	if d := must(s.Document(anon, "n2")); d.Title != "Autre titre" {
		t.Errorf("n2 reads %q after its update", d.Title)
	}
	if _, err := s.Document(anon, "n3"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("anonymous reads n3 after it was hidden: %v", err)
	}
	n1 := must(s.Document(anon, "n1"))
	ok(t, s.DeleteDocument(asC("ana"), "n1", n1.Version))
	if _, err := s.Document(anon, "n1"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("n1 reads after its deletion: %v", err)
	}
}
