package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/store/embedded"
)

// demoNetworkCounts computes, from the store's ordinary reads, the node and
// edge counts of the network a viewer sees of the whole demo commons:
// authors of the documents they read, the communities and readable
// organisations those authors belong to, one edge per co-author pair and
// per membership or affiliation. It shares no code with graph/format/network.
func demoNetworkCounts(t *testing.T, dir string, v graph.Viewer) (nodes, edges int) {
	t.Helper()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := graph.WithViewer(context.Background(), v)
	sys := graph.SystemContext(context.Background())
	var docs []string
	p := graph.Page{First: graph.MaxFirst}
	for {
		c, err := s.ListDocuments(ctx, graph.DocumentFilter{}, graph.DocumentOrder{}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range c.Edges {
			docs = append(docs, e.Node.ID)
		}
		if !c.PageInfo.HasNextPage {
			break
		}
		p.After = c.PageInfo.EndCursor
	}
	authored, err := s.Links(sys, docs, graph.RelAuthored, graph.In)
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]bool{}
	pairs := map[[2]string]bool{}
	for _, ls := range authored {
		for i, a := range ls {
			people[a.From] = true
			for _, b := range ls[i+1:] {
				x, y := a.From, b.From
				if y < x {
					x, y = y, x
				}
				pairs[[2]string{x, y}] = true
			}
		}
	}
	groups := map[string]bool{}
	affiliations := 0
	for person := range people {
		for _, rel := range []graph.Relation{graph.RelMemberOf, graph.RelAffiliatedWith} {
			ls, err := s.Links(ctx, []string{person}, rel, graph.Out)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range ls[person] {
				groups[l.To] = true
				affiliations++
			}
		}
	}
	return len(people) + len(groups), len(pairs) + affiliations
}

type graphMLCounts struct {
	Keys []struct {
		ID string `xml:"id,attr"`
	} `xml:"key"`
	Nodes []struct{} `xml:"graph>node"`
	Edges []struct{} `xml:"graph>edge"`
}

// exportNode is a node of a GraphML or GEXF export with its attributes.
type exportNode struct {
	ID   string `xml:"id,attr"`
	Data []struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	} `xml:"data"`
	Values []struct {
		For   string `xml:"for,attr"`
		Value string `xml:"value,attr"`
	} `xml:"attvalues>attvalue"`
}

// checkExportStandpoints checks that every standpoint an export gives a
// node is one its contributor declares PUBLIC in the demo: the values and
// dimensions of AGGREGATE and PRIVATE declarations never leave.
func checkExportStandpoints(t *testing.T, what string, body []byte) {
	t.Helper()
	var doc struct {
		GraphML []exportNode `xml:"graph>node"`
		GEXF    []exportNode `xml:"graph>nodes>node"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	d, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	public := map[string]map[string]bool{} // contributor → "dimension:value" declared PUBLIC
	nonPublic := 0
	for _, c := range d.Contributors {
		public[c.ID] = map[string]bool{}
		for _, dec := range c.Declarations {
			if dec.Visibility == string(graph.DeclPublic) {
				public[c.ID][dec.Dimension+":"+dec.Value] = true
			} else {
				nonPublic++
			}
		}
	}
	if nonPublic == 0 {
		t.Fatal("the demo has no AGGREGATE or PRIVATE declaration to keep out")
	}
	seen := 0
	for _, n := range append(doc.GraphML, doc.GEXF...) {
		attrs := map[string]string{}
		for _, x := range n.Data {
			attrs[x.Key] = x.Value
		}
		for _, x := range n.Values {
			attrs[x.For] = x.Value
		}
		for key, v := range attrs {
			dim, ok := strings.CutPrefix(key, "standpoint-")
			if !ok {
				continue
			}
			for _, value := range strings.Split(v, "; ") {
				seen++
				if !public[n.ID][dim+":"+value] {
					t.Errorf("%s gives %s the standpoint %s:%s, which they do not declare PUBLIC", what, n.ID, dim, value)
				}
			}
		}
	}
	if seen == 0 {
		t.Errorf("%s gives no standpoint at all", what)
	}
}

func TestServeDemoCoverageAndNetworkExport(t *testing.T) {
	t.Parallel()
	dir := demoDir(t)
	token, _, err := runCmd(t, "token", "create", "--data", dir, "--role", "RESEARCHER")
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)
	wantNodes, wantEdges := demoNetworkCounts(t, dir, graph.Viewer{Role: graph.RoleResearcher})
	addr, _ := startServer(t, serveConfig{data: dir})

	// The whole commons (150 contributors, past the floor of 2k = 10) lists
	// present and absent values, with rounded counts and no document count.
	status, r := postGraphQL(t, addr, "", `{ coverage { k contributorCount dimensions { id values { id status contributors documents } } } }`)
	if status != 200 || len(r.Errors) > 0 {
		t.Fatalf("coverage: %d %+v", status, r.Errors)
	}
	var cov struct {
		Coverage struct {
			K, ContributorCount int
			Dimensions          []struct {
				ID     string
				Values []struct {
					ID, Status   string
					Contributors *int
					Documents    *int
				}
			}
		}
	}
	if err := json.Unmarshal(r.Data, &cov); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, d := range cov.Coverage.Dimensions {
		for _, v := range d.Values {
			seen[v.Status]++
			if v.Documents != nil || v.Contributors == nil || *v.Contributors%graph.CoverageBase != 0 {
				t.Errorf("%s:%s: contributors %v, documents %v: want a rounded count and no documents", d.ID, v.ID, v.Contributors, v.Documents)
			}
		}
	}
	if cov.Coverage.K != 5 || cov.Coverage.ContributorCount != 150 || seen["PRESENT"] == 0 || seen["SUPPRESSED"] != 0 || seen["ABSENT"] == 0 {
		t.Errorf("coverage of the commons: k %d, %d contributors, statuses %v", cov.Coverage.K, cov.Coverage.ContributorCount, seen)
	}
	// The key that makes answers repeatable lives in the data directory,
	// for its owner only.
	if fi, err := os.Stat(filepath.Join(dir, "coverage.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("coverage.key: %v %v", fi, err)
	}
	if _, again := postGraphQL(t, addr, "", `{ coverage { k contributorCount dimensions { id values { id status contributors documents } } } }`); string(again.Data) != string(r.Data) {
		t.Errorf("the same coverage asked twice answered differently")
	}

	// The researcher's GraphML parses as XML with the expected counts.
	req, _ := http.NewRequest("GET", "http://"+addr+"/export/network.graphml", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d %s", resp.StatusCode, body)
	}
	var g graphMLCounts
	if err := xml.Unmarshal(body, &g); err != nil {
		t.Fatalf("the GraphML export does not parse: %v", err)
	}
	if len(g.Nodes) != wantNodes || len(g.Edges) != wantEdges || wantNodes < 13 || wantEdges < 20 {
		t.Errorf("GraphML: %d nodes and %d edges, want %d and %d", len(g.Nodes), len(g.Edges), wantNodes, wantEdges)
	}
	checkExportStandpoints(t, "the GraphML export", body)
}

func TestExportNetworkCommand(t *testing.T) {
	t.Parallel()
	dir := demoDir(t)
	out := filepath.Join(t.TempDir(), "net.graphml")
	_, stderr, err := runCmd(t, "export", "network", "--data", dir, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	wantNodes, wantEdges := demoNetworkCounts(t, dir, graph.Viewer{Role: graph.RoleResearcher})
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var g graphMLCounts
	if err := xml.Unmarshal(b, &g); err != nil || len(g.Nodes) != wantNodes || len(g.Edges) != wantEdges {
		t.Errorf("export network: %v, %d nodes and %d edges, want %d and %d", err, len(g.Nodes), len(g.Edges), wantNodes, wantEdges)
	}
	if !strings.Contains(stderr, "public documents") {
		t.Errorf("stderr %q", stderr)
	}

	// --all: every document, as the system; still PUBLIC standpoints only.
	allNodes, allEdges := demoNetworkCounts(t, dir, graph.Viewer{Role: graph.RoleSystem})
	gexf, stderr, err := runCmd(t, "export", "network", "--data", dir, "--format", "gexf", "--all")
	if err != nil {
		t.Fatal(err)
	}
	var x struct {
		Nodes []struct{} `xml:"graph>nodes>node"`
		Edges []struct{} `xml:"graph>edges>edge"`
	}
	if err := xml.Unmarshal([]byte(gexf), &x); err != nil || len(x.Nodes) != allNodes || len(x.Edges) != allEdges || allEdges <= wantEdges {
		t.Errorf("export network --all --format gexf: %v, %d nodes and %d edges, want %d and %d (more than %d)", err, len(x.Nodes), len(x.Edges), allNodes, allEdges, wantEdges)
	}
	checkExportStandpoints(t, "export --all", []byte(gexf))
	if !strings.Contains(stderr, "documents of every visibility") {
		t.Errorf("stderr %q", stderr)
	}

	// --format csv: two tables in a directory.
	csvDir := filepath.Join(t.TempDir(), "tables")
	if _, _, err := runCmd(t, "export", "network", "--data", dir, "--format", "csv", "--out", csvDir); err != nil {
		t.Fatal(err)
	}
	for name, rows := range map[string]int{"nodes.csv": wantNodes + 1, "edges.csv": wantEdges + 1} {
		f, err := os.Open(filepath.Join(csvDir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(recs) != rows {
			t.Errorf("%s: %v, %d rows, want %d", name, err, len(recs), rows)
		}
	}

	for _, args := range [][]string{
		{"export", "network", "--data", dir, "--format", "csv"}, // two files need a directory
		{"export", "network", "--data", dir, "--format", "pdf"},
	} {
		if _, _, err := runCmd(t, args...); err == nil || exitCode(err) != 2 {
			t.Errorf("%q: want a usage error, got %v", args, err)
		}
	}
}

func TestCoverageKFlag(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--data", t.TempDir(), "--coverage-k", "1"},
		{"serve", "--data", t.TempDir(), "--coverage-k", "0"},
		{"serve", "--data", t.TempDir(), "--coverage-k", "-5"},
	} {
		_, _, err := runCmd(t, args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--coverage-k") {
			t.Errorf("%q: want a startup error naming --coverage-k, got %v", args, err)
		}
	}
	for _, args := range [][]string{
		{"serve", "--data", t.TempDir(), "--coverage-budget", "0"},
		{"serve", "--data", t.TempDir(), "--coverage-budget-window", "0s"},
	} {
		if _, _, err := runCmd(t, args...); err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--coverage-budget") {
			t.Errorf("%q: want a startup error naming --coverage-budget, got %v", args, err)
		}
	}
	t.Setenv("MAILLAGE_COVERAGE_K", "1")
	if _, _, err := runCmd(t, "serve", "--data", t.TempDir()); err == nil || !strings.Contains(err.Error(), "--coverage-k") {
		t.Errorf("MAILLAGE_COVERAGE_K=1: %v", err)
	}
	// A valid k reaches the API.
	addr, _ := startServer(t, serveConfig{data: t.TempDir(), coverageK: 3})
	_, r := postGraphQL(t, addr, "", `{ coverage { k } }`)
	if string(r.Data) != `{"coverage":{"k":3}}` {
		t.Errorf("coverage with --coverage-k 3: %s %+v", r.Data, r.Errors)
	}
}
