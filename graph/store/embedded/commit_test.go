package embedded

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// holdWrites starts a write that blocks until release is called, so that
// the writes started meanwhile queue behind its commit; waitQueued returns
// once n of them wait.
func holdWrites(t *testing.T, s *Store) (waitQueued func(n int), release func()) {
	t.Helper()
	started, hold, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.update(sys, func(w *writer) error {
			close(started)
			<-hold
			return nil
		})
	}()
	<-started
	waitQueued = func(n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			s.commits.mu.Lock()
			queued := len(s.commits.pending)
			s.commits.mu.Unlock()
			if queued >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d writes queued after 30 s, want %d", queued, n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	release = func() {
		t.Helper()
		close(hold)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	return waitQueued, release
}

// checkSequence checks that the change sequence after since is gapless and
// ordered and returns it.
func checkSequence(t *testing.T, s *Store, since uint64) []graph.Change {
	t.Helper()
	cs := must(s.Changes(sys, since, 1000))
	for i, c := range cs {
		if c.Seq != since+uint64(i)+1 {
			t.Fatalf("change %d has seq %d, want %d", i, c.Seq, since+uint64(i)+1)
		}
	}
	return cs
}

// Writes that arrive while a commit runs share the next one (issue #17):
// 20 notes created while a write holds the transaction take one more
// transaction, not 20, and each is durable and in the sequence once.
func TestConcurrentWritesShareOneCommit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := must(Open(dir, Options{}))
	mkContributor(t, s, "ana")
	seq := lastSeq(t, s)
	waitQueued, release := holdWrites(t, s)
	before := s.commits.transactions.Load()
	const n = 20
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := s.CreateDocument(asC("ana"), graph.Document{Kind: graph.KindNote, Title: fmt.Sprintf("Note %d", i),
				Language: "fr", Visibility: graph.VisibilityPublic}, []string{"ana"})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = d.ID
		}()
	}
	waitQueued(n)
	release()
	wg.Wait()
	if got := s.commits.transactions.Load() - before; got != 1 {
		t.Errorf("%d writes took %d transactions, want 1", n, got)
	}
	cs := checkSequence(t, s, seq)
	// Each note: its CREATE and the AUTHORED link's LINK.
	if len(cs) != 2*n {
		t.Fatalf("%d changes, want %d", len(cs), 2*n)
	}
	created := map[string]int{}
	for _, c := range cs {
		if c.Op == graph.OpCreate {
			created[c.ID]++
		}
	}
	ok(t, s.Close())
	s = must(Open(dir, Options{}))
	defer s.Close()
	for _, id := range ids {
		if created[id] != 1 {
			t.Errorf("note %s created %d times in the sequence", id, created[id])
		}
		if _, err := s.Document(sys, id); err != nil {
			t.Errorf("acknowledged note %s after reopening: %v", id, err)
		}
	}
}

// A write that fails in a shared transaction rolls it back: the others
// must still commit exactly once, and the failure must be the one the
// write meets in commit order (here a CONFLICT: a sibling before it
// updated the same note), with nothing of it written.
func TestSharedCommitSurvivesFailures(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	target := must(s.CreateDocument(asC("ana"), graph.Document{Kind: graph.KindNote, Title: "Cible",
		Language: "fr", Visibility: graph.VisibilityPublic}, []string{"ana"}))
	seq := lastSeq(t, s)
	waitQueued, release := holdWrites(t, s)
	before := s.commits.transactions.Load()

	type result struct {
		what string
		err  error
		id   string
	}
	results := make(chan result, 64)
	var wg sync.WaitGroup
	start := func(what string, f func() (string, error)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := f()
			results <- result{what, err, id}
		}()
	}
	queued := 0
	create := func(i int) {
		queued++
		start("create", func() (string, error) {
			d, err := s.CreateDocument(asC("ana"), graph.Document{Kind: graph.KindNote, Title: fmt.Sprintf("Note %d", i),
				Language: "fr", Visibility: graph.VisibilityPublic}, []string{"ana"})
			if err != nil {
				return "", err
			}
			return d.ID, nil
		})
	}
	edit := func(body string) {
		queued++
		start("edit", func() (string, error) {
			_, err := s.UpdateDocument(asC("ana"), target.ID, graph.DocumentUpdate{Version: target.Version, Body: &body})
			return target.ID, err
		})
	}
	// In arrival order: creates, two edits of the same version (the
	// second must conflict), a bad input, a panic, more creates.
	for i := range 5 {
		create(i)
		waitQueued(queued)
	}
	edit("première")
	waitQueued(queued)
	edit("seconde")
	waitQueued(queued)
	queued++
	start("bad", func() (string, error) {
		_, err := s.CreateDocument(asC("ana"), graph.Document{Kind: graph.KindNote, Language: "fr"}, nil)
		return "", err
	})
	waitQueued(queued)
	queued++
	start("panic", func() (id string, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panicked: %v", r)
			}
		}()
		return "", s.update(sys, func(w *writer) error {
			if err := w.record(graph.OpUpdate, graph.KindNote, "fantome", "", ""); err != nil {
				return err
			}
			panic("boom")
		})
	})
	waitQueued(queued)
	for i := 5; i < 10; i++ {
		create(i)
		waitQueued(queued)
	}
	release()
	wg.Wait()
	close(results)

	var created []string
	edits := map[string]int{}
	for r := range results {
		switch r.what {
		case "create":
			if r.err != nil {
				t.Errorf("create: %v", r.err)
			}
			created = append(created, r.id)
		case "edit":
			edits[graph.ErrorCode(r.err)]++
		case "bad":
			wantCode(t, r.err, graph.EINVALID, "a note without a title")
		case "panic":
			if r.err == nil || r.err.Error() != "panicked: boom" {
				t.Errorf("panicking write: %v, want its panic in its own caller", r.err)
			}
		}
	}
	if edits[""] != 1 || edits[graph.ECONFLICT] != 1 {
		t.Errorf("two edits of version %d: outcomes %v, want one success and one CONFLICT", target.Version, edits)
	}
	if got := s.commits.transactions.Load() - before; got >= uint64(queued) {
		t.Errorf("%d writes took %d transactions: none shared", queued, got)
	}
	cs := checkSequence(t, s, seq)
	// 10 notes × (CREATE + LINK) + one UPDATE; nothing of the failures.
	if len(cs) != 21 {
		t.Errorf("%d changes, want 21: %+v", len(cs), cs)
	}
	for _, c := range cs {
		if c.ID == "fantome" {
			t.Errorf("a panicked write's change was committed: %+v", c)
		}
	}
	for _, id := range created {
		if _, err := s.Document(sys, id); err != nil {
			t.Errorf("acknowledged note %s: %v", id, err)
		}
	}
	if d := must(s.Document(sys, target.ID)); d.Version != target.Version+1 {
		t.Errorf("target at version %d, want %d", d.Version, target.Version+1)
	}
}
