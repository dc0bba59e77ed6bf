package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A request in flight when SIGTERM arrives is answered before the server
// stops: the test sends half a request, stops the server, then the rest.
func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	addr, stop := startServer(t, serveConfig{data: t.TempDir(), demo: true})
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+addr+"/graphql", pr)
	req.Header.Set("Content-Type", "application/json")
	type result struct {
		status int
		body   gqlResponse
		err    error
	}
	answered := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- result{err: err}
			return
		}
		defer resp.Body.Close()
		var r gqlResponse
		err = json.NewDecoder(resp.Body).Decode(&r)
		answered <- result{resp.StatusCode, r, err}
	}()
	if _, err := pw.Write([]byte(`{"query": "{ notes(first: 2) `)); err != nil {
		t.Fatal(err)
	}
	// Stop only once the server is reading the body, which its in-flight
	// gauge says: a fixed pause may be too short on a loaded machine.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, metrics := httpGet(t, "http://"+addr+"/metrics"); strings.Contains(metrics, "\nmaillage_graphql_requests_in_flight 1\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the half-sent request never reached the GraphQL handler")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	select {
	case err := <-stopped:
		t.Fatalf("server stopped before the in-flight request finished: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	pw.Write([]byte(`{ totalCount } }"}`))
	pw.Close()
	r := <-answered
	if r.err != nil || r.status != 200 || len(r.body.Errors) > 0 {
		t.Fatalf("in-flight request: status %d, err %v, errors %+v", r.status, r.err, r.body.Errors)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("stop: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}
