package api_test

import (
	"encoding/csv"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

const networkQuery = `query($q: String, $f: SearchFilter) { contributorNetwork(query: $q, filter: $f) {
  documentCount
  nodes { id kind label degree weightedDegree documents standpoints { dimension value visibility } }
  edges { relation from to weight } } }`

// networkWorld is coverageWorld plus groups: p0 is a member of the
// community "cercle" and affiliated with the public organisation "orga";
// p1 with the PRIVATE organisation "cachee".
func networkWorld(t *testing.T) *env {
	e, ix := coverageWorld(t, nil)
	_, err := e.store.Communities().Create(e.sys(), graph.Community{ID: "cercle", Name: "Cercle"})
	e.must(err, "community")
	e.doc(graph.Document{ID: "orga", Kind: graph.KindOrganisation, Title: "Organisme public"})
	e.doc(graph.Document{ID: "cachee", Kind: graph.KindOrganisation, Title: "Organisme caché", Visibility: graph.VisibilityPrivate})
	e.link(graph.RelMemberOf, "p0", "cercle")
	e.link(graph.RelAffiliatedWith, "p0", "orga")
	e.link(graph.RelAffiliatedWith, "p1", "cachee")
	catchUp(t, e, ix)
	return e
}

func TestContributorNetwork(t *testing.T) {
	t.Parallel()
	e := networkWorld(t)
	research := e.token(graph.RoleResearcher, "")
	r := e.query(research, networkQuery, nil).ok()
	// Documents: 7 notes and the public organisation.
	if r.num("contributorNetwork.documentCount") != 8 {
		t.Errorf("documentCount: %s", r.Raw)
	}
	nodes := r.list("contributorNetwork.nodes")
	var labels []string
	for _, n := range nodes {
		labels = append(labels, n.(map[string]any)["label"].(string))
	}
	want := []string{"Personne p0", "Personne p1", "Personne p2", "Personne p3", "Personne p4", "Personne p5", "Cercle", "Organisme public"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("nodes %q, want %q (the PRIVATE organisation left out)", labels, want)
	}
	p0 := nodes[0].(map[string]any)
	// p0: co-author of p1 (1 document), member of cercle, affiliated with orga.
	if p0["id"] != gid(graph.KindContributor, "p0") || p0["kind"] != "CONTRIBUTOR" || p0["degree"] != 3.0 || p0["weightedDegree"] != 3.0 || p0["documents"] != 2.0 {
		t.Errorf("p0: %v", p0)
	}
	sp := p0["standpoints"].([]any)
	if len(sp) != 1 || sp[0].(map[string]any)["value"] != "woman" {
		t.Errorf("p0's standpoints: %v, want the PUBLIC gender only", sp)
	}
	if cercle := nodes[6].(map[string]any); cercle["kind"] != "COMMUNITY" || cercle["documents"] != nil || cercle["degree"] != 1.0 {
		t.Errorf("cercle: %v", cercle)
	}
	edges := r.list("contributorNetwork.edges")
	if len(edges) != 3 {
		t.Fatalf("edges: %s", r.Raw)
	}
	if e0 := edges[0].(map[string]any); e0["relation"] != "COAUTHORED" || e0["from"] != gid(graph.KindContributor, "p0") ||
		e0["to"] != gid(graph.KindContributor, "p1") || e0["weight"] != 1.0 {
		t.Errorf("first edge: %v", e0)
	}
	if e1 := edges[1].(map[string]any); e1["relation"] != "AFFILIATED_WITH" || e1["to"] != gid(graph.KindOrganisation, "orga") {
		t.Errorf("second edge: %v", e1)
	}

	// Narrowed by a search: the cooking note only.
	r = e.query(research, networkQuery, vars{"q": "cuisine"}).ok()
	if r.num("contributorNetwork.documentCount") != 1 || len(r.list("contributorNetwork.nodes")) != 4 || len(r.list("contributorNetwork.edges")) != 3 {
		t.Errorf("network of the cooking note: %s", r.Raw)
	}
	// A curator reads the PRIVATE organisation too.
	r = e.query(e.token(graph.RoleCurator, ""), networkQuery, nil).ok()
	if len(r.list("contributorNetwork.nodes")) != 9 {
		t.Errorf("curator's network: %s", r.Raw)
	}
}

func TestContributorNetworkIsForResearchers(t *testing.T) {
	t.Parallel()
	e := networkWorld(t)
	e.query("", networkQuery, nil).wantCode(graph.EUNAUTHENTICATED)
	r := e.query(e.token(graph.RoleContributor, "p0"), networkQuery, nil).wantCode(graph.EFORBIDDEN)
	if r.get("contributorNetwork") != nil {
		t.Errorf("data with the error: %s", r.Raw)
	}
	for _, role := range []graph.Role{graph.RoleResearcher, graph.RoleCurator, graph.RoleAdmin} {
		e.query(e.token(role, ""), networkQuery, nil).ok()
	}
	// The role is checked before the filter: a refused caller learns
	// nothing, not even that a filter is malformed.
	e.query(e.token(graph.RoleContributor, "p0"), networkQuery, vars{"f": map[string]any{"authors": []string{"bad"}}}).wantCode(graph.EFORBIDDEN)
	e.query(e.token(graph.RoleResearcher, ""), networkQuery, vars{"f": map[string]any{"authors": []string{"bad"}}}).wantCode(graph.EINVALID)
}

// get fetches an export with an optional token.
func (e *env) get(path, token string) (int, http.Header, []byte) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodGet, e.srv.URL+path, nil)
	e.must(err, "new request")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.srv.Client().Do(req)
	e.must(err, "GET "+path)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	e.must(err, "read "+path)
	return res.StatusCode, res.Header, body
}

// graphML is what the test reads back of a GraphML file.
type graphML struct {
	XMLName xml.Name `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
	} `xml:"key"`
	Graph struct {
		Nodes []struct {
			ID   string `xml:"id,attr"`
			Data []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			Source string `xml:"source,attr"`
			Target string `xml:"target,attr"`
		} `xml:"edge"`
	} `xml:"graph"`
}

type gexf struct {
	XMLName xml.Name `xml:"http://gexf.net/1.3 gexf"`
	Nodes   []struct {
		ID    string `xml:"id,attr"`
		Label string `xml:"label,attr"`
	} `xml:"graph>nodes>node"`
	Edges []struct {
		Source string  `xml:"source,attr"`
		Target string  `xml:"target,attr"`
		Weight float64 `xml:"weight,attr"`
	} `xml:"graph>edges>edge"`
}

func TestNetworkExports(t *testing.T) {
	t.Parallel()
	e := networkWorld(t)
	research := e.token(graph.RoleResearcher, "")

	status, h, body := e.get("/export/network.graphml", research)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/graphml+xml") ||
		!strings.Contains(h.Get("Content-Disposition"), "network.graphml") {
		t.Fatalf("GraphML: %d %v %s", status, h, body)
	}
	var g graphML
	if err := xml.Unmarshal(body, &g); err != nil {
		t.Fatalf("GraphML does not parse as XML: %v\n%s", err, body)
	}
	if len(g.Graph.Nodes) != 8 || len(g.Graph.Edges) != 3 {
		t.Errorf("GraphML: %d nodes and %d edges, want 8 and 3", len(g.Graph.Nodes), len(g.Graph.Edges))
	}
	if n := g.Graph.Nodes[0]; n.ID != "p0" || n.Data[0].Key != "label" || n.Data[0].Value != "Personne p0" {
		t.Errorf("first node: %+v", n)
	}
	if ed := g.Graph.Edges[0]; ed.Source != "p0" || ed.Target != "p1" {
		t.Errorf("first edge: %+v", ed)
	}

	status, _, body = e.get("/export/network.gexf", research)
	var x gexf
	if status != http.StatusOK || xml.Unmarshal(body, &x) != nil || len(x.Nodes) != 8 || len(x.Edges) != 3 || x.Edges[0].Weight != 1 {
		t.Errorf("GEXF: %d, %d nodes, %d edges: %s", status, len(x.Nodes), len(x.Edges), body)
	}

	status, _, body = e.get("/export/network-nodes.csv", research)
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if status != http.StatusOK || err != nil || len(rows) != 9 || rows[0][0] != "Id" || rows[1][1] != "Personne p0" {
		t.Errorf("nodes CSV: %d %v %q", status, err, rows)
	}
	// ?format= and ?query= (the cooking note: p0 and p1 and their groups).
	status, _, body = e.get("/export/network?format=csv-edges&query=cuisine", research)
	rows, err = csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if status != http.StatusOK || err != nil || len(rows) != 4 || strings.Join(rows[1], ",") != "p0,p1,Undirected,1,COAUTHORED" {
		t.Errorf("edges CSV of the cooking note: %d %v %q", status, err, rows)
	}
	// ?filter= as JSON.
	f := url.QueryEscape(`{"authors": ["` + gid(graph.KindContributor, "p2") + `"]}`)
	status, _, body = e.get("/export/network?format=graphml&filter="+f, research)
	if g = (graphML{}); status != http.StatusOK || xml.Unmarshal(body, &g) != nil || len(g.Graph.Nodes) != 1 || len(g.Graph.Edges) != 0 {
		t.Errorf("filtered GraphML: %d %s", status, body)
	}

	for _, c := range []struct {
		path, token string
		status      int
		code        string
	}{
		{"/export/network.graphml", "", http.StatusUnauthorized, graph.EUNAUTHENTICATED},
		{"/export/network.graphml", e.token(graph.RoleContributor, "p0"), http.StatusForbidden, graph.EFORBIDDEN},
		{"/export/network.graphml", "not-a-token", http.StatusUnauthorized, graph.EUNAUTHENTICATED},
		{"/export/network?format=pdf", research, http.StatusBadRequest, graph.EINVALID},
		{"/export/network?filter=" + url.QueryEscape(`{"nope": 1}`), research, http.StatusBadRequest, graph.EINVALID},
		{"/export/network?filter=" + url.QueryEscape(`{"standpoints": [{"dimension": "gender", "value": "x"}]}`), research, http.StatusBadRequest, graph.EINVALID},
		{"/export/other.graphml", research, http.StatusNotFound, graph.ENOTFOUND},
	} {
		status, h, body := e.get(c.path, c.token)
		if status != c.status || !strings.Contains(string(body), `"code":"`+c.code+`"`) || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: %d %s, want %d %s", c.path, status, body, c.status, c.code)
		}
	}
}
