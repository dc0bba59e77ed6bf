package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// BenchmarkLiveFanOut times one mutation over HTTP until every subscriber
// of the document has its event (each one read again with its viewer,
// authors included), for growing numbers of WebSocket subscribers on
// loopback; it reports the p50 and p99 of that delay.
//
//	go test ./api/ -run '^$' -bench LiveFanOut -benchtime 200x
func BenchmarkLiveFanOut(b *testing.B) {
	for _, n := range []int{1, 10, 100, 500} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) { benchFanOut(b, n) })
	}
}

func benchFanOut(b *testing.B, n int) {
	s, err := embedded.Open(b.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	sys := graph.SystemContext(context.Background())
	if _, err := s.CreateContributor(sys, graph.Contributor{ID: "alice", Name: "Alice"}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateDocument(sys, graph.Document{ID: "n1", Kind: graph.KindNote, Title: "Jardins", Language: "fr",
		Visibility: graph.VisibilityPublic}, []string{"alice"}); err != nil {
		b.Fatal(err)
	}
	secret, hash := graph.NewTokenSecret()
	if err := s.CreateToken(sys, graph.Token{Hash: hash, Role: graph.RoleContributor, ContributorID: "alice", CreatedAt: time.Now()}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(api.NewHandler(api.Config{Store: s, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits: api.Limits{RatePerIP: -1, RatePerToken: -1},
		Live:   api.LiveOptions{MaxConnectionsPerAddress: -1, Poll: time.Hour}}))
	b.Cleanup(srv.Close)

	got := make(chan struct{}, n)
	sub, _ := json.Marshal(map[string]any{
		"query":     `subscription($id: ID!) { documentChanged(id: $id) { kind seq document { title authors { name } } } }`,
		"variables": map[string]any{"id": api.GlobalID(graph.KindNote, "n1")},
	})
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.CloseNow() })
		c.SetReadLimit(-1)
		for _, m := range []string{`{"type":"connection_init"}`, `{"type":"subscribe","id":"1","payload":` + string(sub) + `}`} {
			if err := c.Write(context.Background(), websocket.MessageText, []byte(m)); err != nil {
				b.Fatal(err)
			}
		}
		go func() {
			for {
				_, msg, err := c.Read(context.Background())
				if err != nil {
					return
				}
				if bytes.Contains(msg, []byte(`"type":"next"`)) {
					got <- struct{}{}
				}
			}
		}()
	}
	waitGauge(b, srv, n)

	var delays []time.Duration
	version := 1
	b.ResetTimer()
	for b.Loop() {
		body, _ := json.Marshal(map[string]any{
			"query": `mutation($in: UpdateNoteInput!) { updateNote(input: $in) { note { version } } }`,
			"variables": map[string]any{"in": map[string]any{
				"id": api.GlobalID(graph.KindNote, "n1"), "version": version, "title": fmt.Sprint("Jardins ", version),
			}},
		})
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		version++
		for range n {
			select {
			case <-got:
			case <-time.After(10 * time.Second):
				b.Fatalf("not every subscriber had its event within 10 s (version %d)", version)
			}
		}
		delays = append(delays, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(delays)
	pct := func(p float64) float64 {
		return float64(delays[min(len(delays)-1, int(p*float64(len(delays))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// waitGauge waits until the server runs n subscriptions.
func waitGauge(b *testing.B, srv *httptest.Server, n int) {
	want := fmt.Sprintf("\nmaillage_subscriptions_open %d\n", n)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := srv.Client().Get(srv.URL + "/metrics")
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), want) {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d subscriptions did not start within 30 s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
