package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/neo4j"
	"github.com/encommun/maillage/graph/store/neo4j/neo4jtest"
)

// TestReplicasStayInStep runs two `maillage serve` processes on one real
// Neo4j, each with its own index directory, as a deployment behind a load
// balancer does. Notes written through one process, under a steady write
// load through both, must become searchable on the other, and a subscriber
// of the other must hear of an update, without any request to the other
// process having caused it. The latencies are logged; their target lives
// in the figures of the issue note, not in a timed assertion.
func TestReplicasStayInStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two servers on Neo4j")
	}
	t.Parallel()
	srv := neo4jtest.Acquire(t)
	run := fmt.Sprintf("r%d", time.Now().UnixNano())
	token := seedNeo4j(t, srv, run)

	dir := t.TempDir()
	bin := buildBinary(t, dir)
	neo := []string{"--store", "neo4j", "--neo4j-uri", srv.URI, "--neo4j-user", srv.User,
		"--neo4j-password", srv.Password, "--follow-interval", "100ms"}
	a := startBinary(t, bin, dir+"/a", neo...)
	b := startBinary(t, bin, dir+"/b", neo...)
	servers := []*binaryServer{a, b}
	client := &http.Client{Timeout: 30 * time.Second}

	// A subscriber on b follows a note that a writes.
	first := createNote(t, client, a.addr, token, run+" suivi")
	events := subscribeDocument(t, b.addr, token, first)

	var lags []time.Duration
	for i := range 20 {
		from, to := servers[i%2], servers[(i+1)%2]
		word := fmt.Sprintf("%sx%d", run, i)
		id := createNote(t, client, from.addr, token, "Réplique "+word)
		start := time.Now()
		for {
			// The words differ by a digit or two, and search forgives a
			// typo: look for the note among the hits, not at the count.
			if slices.Contains(searchIDs(t, client, to.addr, token, word), id) {
				break
			}
			if time.Since(start) > 2*time.Minute { // generous: a loaded machine
				t.Fatalf("note %d written through %s never became searchable on %s", i, from.addr, to.addr)
			}
			time.Sleep(10 * time.Millisecond)
		}
		lags = append(lags, time.Since(start))
	}
	slices.Sort(lags)
	t.Logf("written on one replica, searchable on the other after: p50 %s, max %s (%d notes)",
		lags[len(lags)/2], lags[len(lags)-1], len(lags))

	start := time.Now()
	q := fmt.Sprintf(`mutation { updateNote(input: {id: %q, version: 1, title: %q}) { note { id } } }`, first, run+" suivi, modifiée")
	var r gqlResponse
	if status, err := post(client, a.addr, token, q, &r); err != nil || status != 200 || len(r.Errors) > 0 {
		t.Fatalf("update through a: %d %v %s", status, err, r.Errors)
	}
	select {
	case ev := <-events:
		t.Logf("update on a delivered to b's subscriber after %s: %s", time.Since(start), ev)
	case <-time.After(2 * time.Minute):
		t.Fatal("b's subscriber never heard of an update made through a")
	}
}

// seedNeo4j creates a contributor and a token of theirs on the test
// server, named after run so that other tests' data does not matter.
func seedNeo4j(t *testing.T, srv neo4jtest.Server, run string) string {
	t.Helper()
	s, err := neo4j.Open(t.Context(), neo4j.Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sys := graph.SystemContext(t.Context())
	// Another test's leftovers would only slow the servers' first index build.
	if err := s.ClearForTests(sys); err != nil {
		t.Fatal(err)
	}
	id := "replica-" + run
	if _, err := s.CreateContributor(sys, graph.Contributor{ID: id, Name: "Réplique " + run}); err != nil {
		t.Fatal(err)
	}
	secret, hash := graph.NewTokenSecret()
	if err := s.CreateToken(sys, graph.Token{Hash: hash, Role: graph.RoleContributor, ContributorID: id, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return secret
}

func createNote(t *testing.T, client *http.Client, addr, token, title string) string {
	t.Helper()
	var r struct {
		Data struct {
			CreateNote struct{ Note struct{ ID string } }
		}
		Errors []json.RawMessage
	}
	q := fmt.Sprintf(`mutation { createNote(input: {title: %q, visibility: PUBLIC, body: "texte"}) { note { id } } }`, title)
	if status, err := post(client, addr, token, q, &r); err != nil || status != 200 || len(r.Errors) > 0 || r.Data.CreateNote.Note.ID == "" {
		t.Fatalf("createNote on %s: %d %v %s", addr, status, err, r.Errors)
	}
	return r.Data.CreateNote.Note.ID
}

func searchIDs(t *testing.T, client *http.Client, addr, token, word string) []string {
	t.Helper()
	var r struct {
		Data struct {
			Search struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		Errors []json.RawMessage
	}
	q := fmt.Sprintf(`{ search(query: %q, first: 50) { edges { node { id } } } }`, word)
	if status, err := post(client, addr, token, q, &r); err != nil || status != 200 || len(r.Errors) > 0 {
		t.Fatalf("search on %s: %d %v %s", addr, status, err, r.Errors)
	}
	var ids []string
	for _, e := range r.Data.Search.Edges {
		ids = append(ids, e.Node.ID)
	}
	return ids
}

// subscribeDocument subscribes to documentChanged(id) on addr and sends
// each event's payload on the returned channel.
func subscribeDocument(t *testing.T, addr, token, id string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ws := dialGraphQLWS(t, ctx, addr, token)
	ws.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": "subscription($id: ID!) { documentChanged(id: $id) { kind } }", "variables": map[string]any{"id": id}}})
	events := make(chan string, 16)
	go func() {
		for {
			m, err := ws.next()
			if err != nil {
				return
			}
			b, _ := json.Marshal(m)
			events <- string(b)
		}
	}()
	return events
}
