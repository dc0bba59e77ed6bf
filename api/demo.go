package api

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"

	"github.com/encommun/maillage/graph"
)

// DemoSignInPath is where the explorer asks for the demo accounts. It is
// outside /explore/, whose handler answers index.html for any path: here,
// a server that offers no demo sign-in answers 404.
const DemoSignInPath = "/demo/accounts"

// DemoAccount is a token `maillage serve --demo` made for one demo
// contributor, handed to whoever asks at DemoSignInPath so that the
// explorer can act as each role.
type DemoAccount struct {
	Role          graph.Role
	ContributorID string // store id
	Name          string
	Token         string // the secret
}

// DemoSignIn is the demo sign-in picker's configuration.
type DemoSignIn struct {
	Accounts []DemoAccount
	// AnyHost serves the accounts whatever the request's Host. Otherwise
	// only a loopback name or address is answered (localhost, 127.0.0.1,
	// [::1]): a page of another site whose name was made to resolve to
	// 127.0.0.1 (DNS rebinding) is same-origin to the browser, and must
	// not read the tokens.
	AnyHost bool
}

// demoAccounts answers the demo sign-in picker: the accounts' role,
// contributor and token, and nothing else about the server or the graph.
func demoAccounts(d DemoSignIn) http.Handler {
	accounts := d.Accounts
	type account struct {
		Role        graph.Role `json:"role"`
		Contributor string     `json:"contributor"` // global id, for a link to their page
		Name        string     `json:"name"`
		Token       string     `json:"token"`
	}
	out := struct {
		Demo     bool      `json:"demo"`
		Accounts []account `json:"accounts"`
	}{Demo: true, Accounts: []account{}}
	for _, a := range accounts {
		out.Accounts = append(out.Accounts, account{Role: a.Role, Contributor: GlobalID(graph.KindContributor, a.ContributorID),
			Name: a.Name, Token: a.Token})
	}
	body, err := json.Marshal(out)
	if err != nil {
		panic(err) // strings only
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !d.AnyHost && !loopbackHost(r.Host) {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		// Secrets: kept by no cache, and read by no other site's page
		// (no CORS header is ever set here).
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.Write(body)
	})
}

// loopbackHost tells whether a request's Host names this machine.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
