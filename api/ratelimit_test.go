package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

func TestRateLimits(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{config: func(c *api.Config) {
		// One request a minute after a burst of 3: the test never waits
		// for a refill.
		c.Limits.RatePerIP, c.Limits.BurstPerIP = 1.0/60, 3
		c.Limits.RatePerToken, c.Limits.BurstPerToken = 1.0/60, 2
		c.ClientIPHeader = "X-Forwarded-For"
	}})
	e.contributor("alice", "Alice")
	alice := e.token(graph.RoleContributor, "alice")
	bob := e.token(graph.RoleResearcher, "")

	from := func(ip, token string) *response {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "POST", e.srv.URL+"/graphql", strings.NewReader(`{"query": "{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "198.51.100.7, "+ip) // the proxy appended the last one
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return e.send(req)
	}
	limited := func(r *response) bool {
		t.Helper()
		if r.Status != http.StatusTooManyRequests {
			return false
		}
		secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
		if err != nil || secs < 1 || secs > 60 || r.code() != "RATE_LIMITED" {
			t.Errorf("429 without a sound Retry-After or code: %q %s", r.Header.Get("Retry-After"), r.Raw)
		}
		return true
	}

	for i := range 3 {
		if r := from("203.0.113.1", ""); r.Status != 200 {
			t.Fatalf("anonymous request %d within the burst: %d %s", i, r.Status, r.Raw)
		}
	}
	if !limited(from("203.0.113.1", "")) {
		t.Fatal("the 4th anonymous request from one address was served")
	}
	if r := from("203.0.113.2", ""); r.Status != 200 {
		t.Errorf("another address shares the budget: %d", r.Status)
	}
	// IPv6 addresses count by /64.
	for i := range 3 {
		from("2001:db8:1:2::"+strconv.Itoa(i+1), "")
	}
	if !limited(from("2001:db8:1:2::99", "")) {
		t.Error("rotating addresses within one /64 escaped the limit")
	}

	// A token has its own budget, whatever its address did.
	for i := range 2 {
		if r := from("203.0.113.1", alice); r.Status != 200 {
			t.Fatalf("token request %d from an exhausted address: %d %s", i, r.Status, r.Raw)
		}
	}
	if !limited(from("203.0.113.1", alice)) {
		t.Error("the 3rd request with one token was served")
	}
	if r := from("203.0.113.1", bob); r.Status != 200 {
		t.Errorf("another token shares the budget: %d", r.Status)
	}

	// Guessing tokens spends the address's budget of failures.
	for i := range 3 {
		if r := from("203.0.113.9", "mlg_guess"+strconv.Itoa(i)); r.Status != http.StatusUnauthorized {
			t.Fatalf("bad token %d: %d", i, r.Status)
		}
	}
	if !limited(from("203.0.113.9", "mlg_guess4")) {
		t.Error("the 4th bad token from one address was looked up")
	}
	// Even a good token is refused from an address that is guessing: it
	// cannot be told from a guess without the lookup.
	if !limited(from("203.0.113.9", alice)) {
		t.Error("a token from a guessing address was looked up")
	}

	m := e.metrics()
	if m.value(`maillage_rate_limited_total{scope="ip"}`) < 3 || m.value(`maillage_rate_limited_total{scope="token"}`) != 1 {
		t.Errorf("rate-limit metrics:\n%s", m.grep("maillage_rate_limited_total"))
	}
	if m.value(`maillage_graphql_requests_total{operation="_none",outcome="rate_limited"}`) < 4 {
		t.Errorf("request metrics:\n%s", m.grep("maillage_graphql_requests_total"))
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{config: func(c *api.Config) { c.CORSOrigins = []string{"https://praxis.example"} }})
	req := func(method, origin string) *response {
		t.Helper()
		r, _ := http.NewRequestWithContext(t.Context(), method, e.srv.URL+"/graphql", strings.NewReader(`{"query": "{ __typename }"}`))
		r.Header.Set("Origin", origin)
		if method == "OPTIONS" {
			r.Header.Set("Access-Control-Request-Method", "POST")
			r.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		} else {
			r.Header.Set("Content-Type", "application/json")
		}
		return e.send(r)
	}
	pre := req("OPTIONS", "https://praxis.example")
	if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != "https://praxis.example" ||
		!strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "Authorization") ||
		!strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight from an allowed origin: %d %v", pre.Status, pre.Header)
	}
	if r := req("OPTIONS", "https://evil.example"); r.Status != http.StatusForbidden || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d %v", r.Status, r.Header)
	}
	r := req("POST", "https://praxis.example").ok()
	if r.Header.Get("Access-Control-Allow-Origin") != "https://praxis.example" || !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
		t.Errorf("POST from an allowed origin: %v", r.Header)
	}
	if r := req("POST", "https://evil.example"); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("POST from another origin got CORS headers: %v", r.Header)
	}
	// Without configured origins there is no CORS at all.
	plain := newEnv(t)
	r2, _ := http.NewRequestWithContext(t.Context(), "OPTIONS", plain.srv.URL+"/graphql", nil)
	r2.Header.Set("Origin", "https://praxis.example")
	r2.Header.Set("Access-Control-Request-Method", "POST")
	if res := plain.send(r2); res.Header.Get("Access-Control-Allow-Origin") != "" || res.Status == http.StatusNoContent {
		t.Errorf("CORS without configured origins: %d %v", res.Status, res.Header)
	}
}

// /ld/ and /export/ read the graph too: they spend the same address
// budget as /graphql, or they would be a way around it.
func TestEveryReadingRouteSharesTheAddressBudget(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{config: func(c *api.Config) {
		c.Limits.RatePerIP, c.Limits.BurstPerIP = 1.0/60, 3
		c.ClientIPHeader = "X-Forwarded-For"
	}})
	get := func(path string) int {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", e.srv.URL+path, nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		return e.send(req).Status
	}
	for _, path := range []string{"/ld/nothing-here", "/export/network.csv", "/ld/nothing-either"} {
		if s := get(path); s == http.StatusTooManyRequests {
			t.Fatalf("GET %s within the burst: 429", path)
		}
	}
	for _, path := range []string{"/graphql?query=%7B__typename%7D", "/ld/nothing-here", "/export/network.csv"} {
		if s := get(path); s != http.StatusTooManyRequests {
			t.Errorf("GET %s after the burst was spent elsewhere: %d, want 429", path, s)
		}
	}
}
