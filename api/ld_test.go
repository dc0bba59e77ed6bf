package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/format/jsonld/jsonldtest"
	"github.com/encommun/maillage/graph/store/embedded"
)

// ldServer is the demo commons in a real embedded store behind the real
// handler on loopback, with an admin token: /ld/ must ignore it.
func ldServer(t *testing.T) (*embedded.Store, *httptest.Server, string) {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if ok, err := demo.Load(context.Background(), s, graph.DefaultTaxonomy()); err != nil || !ok {
		t.Fatalf("demo: %v %v", ok, err)
	}
	secret, hash := graph.NewTokenSecret()
	if err := s.CreateToken(graph.SystemContext(context.Background()), graph.Token{Hash: hash, Role: graph.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(Config{Store: s, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		DefaultLicence: "CC-BY-4.0"}))
	t.Cleanup(srv.Close)
	return s, srv, secret
}

type ldResponse struct {
	status int
	media  string
	body   []byte
	obj    map[string]any
}

func getLD(t *testing.T, srv *httptest.Server, path, accept, token string) ldResponse {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := ldResponse{status: res.StatusCode, media: res.Header.Get("Content-Type")}
	r.body, _ = io.ReadAll(res.Body)
	json.Unmarshal(r.body, &r.obj)
	return r
}

const demoNote = "note-atelier-1-communs-en-bref"

func TestLinkedDataOfANote(t *testing.T) {
	t.Parallel()
	_, srv, _ := ldServer(t)
	r := getLD(t, srv, "/ld/"+demoNote, "application/ld+json", "")
	if r.status != http.StatusOK || !strings.HasPrefix(r.media, "application/ld+json") {
		t.Fatalf("GET /ld/%s: %d %s %s", demoNote, r.status, r.media, r.body)
	}
	if r.obj["@id"] != srv.URL+"/ld/"+demoNote || r.obj["@type"] != "Article" || r.obj["@context"] == nil {
		t.Errorf("note: %s", r.body)
	}
	if r.obj["license"] != "https://creativecommons.org/licenses/by-sa/4.0/" {
		t.Errorf("licence %v, the demo note is CC-BY-SA-4.0", r.obj["license"])
	}
	// The same node by its Relay global id.
	g := getLD(t, srv, "/ld/"+GlobalID(graph.KindNote, demoNote), "", "")
	if g.status != http.StatusOK || g.obj["@id"] != r.obj["@id"] {
		t.Errorf("by global id: %d %s", g.status, g.body)
	}
	// A global id of the wrong kind names nothing.
	if w := getLD(t, srv, "/ld/"+GlobalID(graph.KindTerm, demoNote), "", ""); w.status != http.StatusNotFound {
		t.Errorf("note id as a Term: %d", w.status)
	}
	nodes, types := jsonldtest.Expand(t, r.body)
	if nodes != 1 || !slices.Contains(types, "https://schema.org/Article") {
		t.Errorf("expanded: %d nodes, types %v", nodes, types)
	}
}

func TestLinkedDataContentNegotiation(t *testing.T) {
	t.Parallel()
	_, srv, _ := ldServer(t)
	for _, c := range []struct {
		accept string
		status int
		media  string
	}{
		{"", 200, "application/ld+json"},
		{"*/*", 200, "application/ld+json"},
		{"application/ld+json", 200, "application/ld+json"},
		{`application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"`, 200, "application/ld+json"},
		{"application/json", 200, "application/json"},
		{"application/*", 200, "application/ld+json"},
		{"text/html, application/json;q=0.5", 200, "application/json"},
		{"application/ld+json;q=0.2, application/json;q=0.9", 200, "application/json"},
		{"application/ld+json;q=0, */*;q=0.1", 200, "application/json"},
		{"text/html", 406, "application/json"},
		{"text/turtle, application/xml", 406, "application/json"},
		{"application/json;q=0, application/ld+json;q=0", 406, "application/json"},
	} {
		r := getLD(t, srv, "/ld/"+demoNote, c.accept, "")
		if r.status != c.status || !strings.HasPrefix(r.media, c.media) {
			t.Errorf("Accept %q: %d %s, want %d %s", c.accept, r.status, r.media, c.status, c.media)
		}
		if c.status == 200 && r.obj["@id"] == nil {
			t.Errorf("Accept %q: body %s", c.accept, r.body)
		}
	}
}

// TestLinkedDataIsPublicOnly asks, with an admin's token, for every
// document the demo hides and for every contributor: hidden documents are
// 404 like a missing id, and each person shows exactly their PUBLIC
// standpoints, never an AGGREGATE or PRIVATE one.
func TestLinkedDataIsPublicOnly(t *testing.T) {
	t.Parallel()
	s, srv, admin := ldServer(t)
	sys := graph.SystemContext(context.Background())
	all, err := s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 100})
	if err != nil {
		t.Fatal(err)
	}
	missing := getLD(t, srv, "/ld/no-such-node", "", admin)
	if missing.status != http.StatusNotFound {
		t.Fatalf("missing node: %d %s", missing.status, missing.body)
	}
	hidden := 0
	for _, d := range all.Nodes() {
		r := getLD(t, srv, "/ld/"+d.ID, "", admin)
		if d.Visibility == graph.VisibilityPublic {
			if r.status != http.StatusOK {
				t.Errorf("public %s: %d", d.ID, r.status)
			}
			// Links to hidden documents are left out of public ones.
			for _, h := range all.Nodes() {
				if h.Visibility != graph.VisibilityPublic && strings.Contains(string(r.body), `/ld/`+h.ID+`"`) {
					t.Errorf("public %s links to %s %s", d.ID, h.Visibility, h.ID)
				}
			}
			continue
		}
		hidden++
		if r.status != http.StatusNotFound || strings.Contains(string(r.body), d.Title) {
			t.Errorf("%s %s: %d %s", d.Visibility, d.ID, r.status, r.body)
		}
	}
	if hidden < 5 {
		t.Fatalf("only %d hidden documents in the fixture", hidden)
	}

	// Every contributor, page after page: the demo has more than one page.
	public, nonPublic := jsonldtest.PublicStandpoints(t, s)
	for id, want := range public {
		r := getLD(t, srv, "/ld/"+GlobalID(graph.KindContributor, id), "", admin)
		if r.status != http.StatusOK || r.obj["@type"] != "Person" {
			t.Fatalf("person %s: %d %s", id, r.status, r.body)
		}
		got := []string{}
		sps, _ := r.obj["standpoint"].([]any)
		for _, sp := range sps {
			m := sp.(map[string]any)
			got = append(got, m["inDefinedTermSet"].(map[string]any)["identifier"].(string)+":"+m["termCode"].(string))
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("person %s shows %v, their public standpoints are %v", id, got, want)
		}
	}
	if nonPublic < 10 {
		t.Fatalf("only %d non-public declarations in the fixture", nonPublic)
	}
}

// FuzzNegotiate feeds arbitrary Accept headers to the negotiation: it never
// panics, picks one of the two types or none, and never picks a type the
// header refuses with q=0.
func FuzzNegotiate(f *testing.F) {
	for _, seed := range []string{"", "*/*", "application/ld+json", "application/json;q=0.5, text/html",
		`application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"`, "application/*;q=0", ";;,,", "a/b;q=NaN",
		"application/json;q=1.5", "application/ld+json;q=0, application/*"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		media, ok := negotiate([]string{accept})
		if ok != (media != "") || (ok && media != ldMediaJSONLD && media != ldMediaJSON) {
			t.Fatalf("negotiate(%q) = %q, %v", accept, media, ok)
		}
		if ok && acceptQ([]string{accept}, media) <= 0 {
			t.Fatalf("negotiate(%q) picked %s, which the header refuses", accept, media)
		}
	})
}
