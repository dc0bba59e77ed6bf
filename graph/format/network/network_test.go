package network

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/embedded"
)

// world: ana and bo wrote two notes together, bo and cy one; ana belongs
// to a community and is affiliated with an organisation. Names carry
// characters that XML and spreadsheets treat specially.
func world(t *testing.T) graph.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sys := graph.SystemContext(context.Background())
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for id, name := range map[string]string{"ana": `Ana <"&"> Lévesque`, "bo": "=HYPERLINK(\"http://x\")", "cy": "Cy\x01"} {
		must(s.CreateContributor(sys, graph.Contributor{ID: id, Name: name}))
	}
	must(s.Communities().Create(sys, graph.Community{ID: "cercle", Name: "Cercle & co"}))
	note := func(id string, authors ...string) {
		must(s.CreateDocument(sys, graph.Document{ID: id, Kind: graph.KindNote, Title: id, Visibility: graph.VisibilityPublic}, authors))
	}
	note("n1", "ana", "bo")
	note("n2", "ana", "bo")
	note("n3", "bo", "cy")
	must(s.CreateDocument(sys, graph.Document{ID: "org", Kind: graph.KindOrganisation, Title: "Org", Visibility: graph.VisibilityPublic}, nil))
	must(s.Link(sys, graph.Link{Relation: graph.RelMemberOf, From: "ana", To: "cercle"}))
	must(s.Link(sys, graph.Link{Relation: graph.RelAffiliatedWith, From: "ana", To: "org"}))
	for _, d := range []graph.Declaration{
		{ContributorID: "ana", Dimension: "gender", Value: "woman", Visibility: graph.DeclPublic},
		{ContributorID: "ana", Dimension: "language", Value: "french", Visibility: graph.DeclPublic},
		{ContributorID: "ana", Dimension: "language", Value: "english", Visibility: graph.DeclPublic},
		{ContributorID: "ana", Dimension: "region", Value: "estrie", Visibility: graph.DeclAggregate},
		{ContributorID: "bo", Dimension: "disability", Value: "living-with-disability", Visibility: graph.DeclPrivate},
	} {
		must(s.DeclareStandpoint(sys, d))
	}
	return s
}

func TestBuild(t *testing.T) {
	t.Parallel()
	s := world(t)
	// As the system, Declarations returns every declaration: Build must
	// keep the PUBLIC ones only.
	g, err := Build(graph.SystemContext(context.Background()), s, graph.DocumentScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var nodes []string
	for _, n := range g.Nodes {
		var sp []string
		for _, d := range n.Standpoints {
			sp = append(sp, d.Dimension+":"+d.Value+":"+string(d.Visibility))
		}
		nodes = append(nodes, n.ID+" "+string(n.Kind)+" deg="+strconv.Itoa(n.Degree)+" w="+strconv.Itoa(n.WeightedDegree)+" docs="+strconv.Itoa(n.Documents)+" "+strings.Join(sp, ","))
	}
	want := []string{
		"ana Contributor deg=3 w=4 docs=2 gender:woman:PUBLIC,language:english:PUBLIC,language:french:PUBLIC",
		"bo Contributor deg=2 w=3 docs=3 ",
		"cy Contributor deg=1 w=1 docs=1 ",
		"cercle Community deg=1 w=1 docs=0 ",
		"org Organisation deg=1 w=1 docs=0 ",
	}
	if strings.Join(nodes, "\n") != strings.Join(want, "\n") {
		t.Errorf("nodes:\n%s\nwant:\n%s", strings.Join(nodes, "\n"), strings.Join(want, "\n"))
	}
	if g.Documents != 4 || len(g.Edges) != 4 || g.Edges[0] != (Edge{Relation: Coauthored, From: "ana", To: "bo", Weight: 2}) {
		t.Errorf("documents %d, edges %+v", g.Documents, g.Edges)
	}
	if dims := g.Dimensions(); strings.Join(dims, ",") != "gender,language" {
		t.Errorf("dimensions %q", dims)
	}
	// Anonymous readers may not build it.
	if _, err := Build(context.Background(), s, graph.DocumentScope{All: true}); graph.ErrorCode(err) != graph.EUNAUTHENTICATED {
		t.Errorf("anonymous Build: %v", err)
	}
}

func TestWriters(t *testing.T) {
	t.Parallel()
	g, err := Build(graph.SystemContext(context.Background()), world(t), graph.DocumentScope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, g, GraphML); err != nil {
		t.Fatal(err)
	}
	var gml struct {
		Nodes []struct {
			ID   string `xml:"id,attr"`
			Data []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"graph>node"`
		Edges []struct {
			Directed bool `xml:"directed,attr"`
		} `xml:"graph>edge"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &gml); err != nil {
		t.Fatalf("GraphML: %v\n%s", err, buf.String())
	}
	if len(gml.Nodes) != 5 || len(gml.Edges) != 4 || gml.Edges[0].Directed || !gml.Edges[3].Directed {
		t.Errorf("GraphML: %d nodes, %d edges %+v", len(gml.Nodes), len(gml.Edges), gml.Edges)
	}
	// Names come back exactly, markup characters included; the control
	// character, which XML cannot hold, is replaced.
	if got := gml.Nodes[0].Data[0].Value; got != `Ana <"&"> Lévesque` {
		t.Errorf("ana's label read back as %q", got)
	}
	if got := gml.Nodes[2].Data[0].Value; got != "Cy\uFFFD" {
		t.Errorf("cy's label read back as %q", got)
	}
	var sp string
	for _, d := range gml.Nodes[0].Data {
		if d.Key == "standpoint-language" {
			sp = d.Value
		}
	}
	if sp != "english; french" {
		t.Errorf("ana's languages: %q", sp)
	}

	buf.Reset()
	if err := Write(&buf, g, GEXF); err != nil {
		t.Fatal(err)
	}
	var gx struct {
		Nodes []struct {
			Label string `xml:"label,attr"`
		} `xml:"graph>nodes>node"`
		Edges []struct {
			Type   string `xml:"type,attr"`
			Weight int    `xml:"weight,attr"`
		} `xml:"graph>edges>edge"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &gx); err != nil || len(gx.Nodes) != 5 || gx.Nodes[3].Label != "Cercle & co" ||
		gx.Edges[0].Weight != 2 || gx.Edges[0].Type != "undirected" || gx.Edges[3].Type != "directed" {
		t.Errorf("GEXF: %v %+v", err, gx)
	}

	buf.Reset()
	if err := Write(&buf, g, NodesCSV); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 6 {
		t.Fatalf("nodes CSV: %v %q", err, rows)
	}
	if strings.Join(rows[0], ",") != "Id,Label,Kind,Degree,WeightedDegree,Documents,standpoint-gender,standpoint-language" {
		t.Errorf("header %q", rows[0])
	}
	// A name a spreadsheet would run as a formula stays text.
	if rows[2][1] != `'=HYPERLINK("http://x")` {
		t.Errorf("bo's label in CSV: %q", rows[2][1])
	}
	buf.Reset()
	if err := Write(&buf, g, EdgesCSV); err != nil {
		t.Fatal(err)
	}
	if rows, err := csv.NewReader(&buf).ReadAll(); err != nil || len(rows) != 5 || strings.Join(rows[1], ",") != "ana,bo,Undirected,2,COAUTHORED" ||
		strings.Join(rows[4], ",") != "ana,cercle,Directed,1,MEMBER_OF" {
		t.Errorf("edges CSV: %v %q", err, rows)
	}
	if err := Write(&buf, g, "pdf"); err == nil {
		t.Error("Write in an unknown format: no error")
	}
}
