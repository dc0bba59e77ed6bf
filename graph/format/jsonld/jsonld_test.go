package jsonld_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/format/jsonld"
	"github.com/encommun/maillage/graph/format/jsonld/jsonldtest"
	"github.com/encommun/maillage/graph/store/embedded"
)

var sys = graph.SystemContext(context.Background())

// demoStore is the demo commons in a real embedded store.
func demoStore(t testing.TB) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if ok, err := demo.Load(context.Background(), s, graph.DefaultTaxonomy()); err != nil || !ok {
		t.Fatalf("demo: %v %v", ok, err)
	}
	return s
}

func builder(s graph.Store) *jsonld.Builder {
	return &jsonld.Builder{Store: s, Base: "https://commun.example/ld/"}
}

func TestLicenceIRI(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"CC-BY-SA-4.0":            "https://creativecommons.org/licenses/by-sa/4.0/",
		"cc by-nc-sa 4.0":         "https://creativecommons.org/licenses/by-nc-sa/4.0/",
		"CC-BY-4.0":               "https://creativecommons.org/licenses/by/4.0/",
		"CC-BY-ND-3.0":            "https://creativecommons.org/licenses/by-nd/3.0/",
		"CC0-1.0":                 "https://creativecommons.org/publicdomain/zero/1.0/",
		"ODbL-1.0":                "https://spdx.org/licenses/ODbL-1.0.html",
		"https://example.org/lic": "https://example.org/lic",
		"Tous droits réservés":    "",
		"CC-BY-SA-9.9":            "",
		"":                        "",
	} {
		got, ok := jsonld.LicenceIRI(in)
		if got != want || ok != (want != "") {
			t.Errorf("LicenceIRI(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestNodeForms(t *testing.T) {
	t.Parallel()
	s := demoStore(t)
	b := builder(s)
	// Whatever the caller's viewer, the builder reads as an anonymous one.
	curator := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleCurator})

	note, err := b.Node(curator, "", "note-atelier-1-communs-en-bref")
	if err != nil {
		t.Fatal(err)
	}
	if note["@type"] != "Article" || note["@id"] != "https://commun.example/ld/note-atelier-1-communs-en-bref" ||
		note["license"] != "https://creativecommons.org/licenses/by-sa/4.0/" || note["@context"] == nil {
		t.Errorf("note: %v", note)
	}
	if authors, _ := note["author"].([]jsonld.Object); len(authors) == 0 || authors[0]["@type"] != "Person" || authors[0]["name"] == "" {
		t.Errorf("note authors: %v", note["author"])
	}

	// A term with broader terms: a SKOS concept.
	terms, err := s.ListDocuments(sys, graph.DocumentFilter{Kinds: []graph.Kind{graph.KindTerm}, Visibility: graph.VisibilityPublic}, graph.DocumentOrder{}, graph.Page{First: 100})
	if err != nil {
		t.Fatal(err)
	}
	var withBroader string
	for _, d := range terms.Nodes() {
		ls, _ := s.Links(context.Background(), []string{d.ID}, graph.RelBroader, graph.Out)
		if len(ls[d.ID]) > 0 {
			withBroader = d.ID
			break
		}
	}
	if withBroader == "" {
		t.Fatal("the demo has no public term with a public broader term")
	}
	term, err := b.Node(context.Background(), graph.KindTerm, withBroader)
	if err != nil {
		t.Fatal(err)
	}
	if types, _ := term["@type"].([]any); !slices.Contains(types, any("skos:Concept")) || term["skos:prefLabel"] == nil || term["skos:broader"] == nil {
		t.Errorf("term: %v", term)
	}

	// A contributor: a Person with public fields.
	p, err := b.Node(context.Background(), graph.KindContributor, "contrib-nadia-benali")
	if err != nil {
		t.Fatal(err)
	}
	if p["@type"] != "Person" || p["name"] == "" {
		t.Errorf("person: %v", p)
	}
	// Sam's profile says Outaouais, but Sam declared that region
	// AGGREGATE: linked data must not show it on the person.
	sam, err := b.Node(context.Background(), graph.KindContributor, "contrib-sam-ouellet")
	if err != nil {
		t.Fatal(err)
	}
	if sam["homeLocation"] != nil || sam["address"] != nil {
		t.Errorf("an AGGREGATE region is on the person: %v", sam)
	}

	// The kind of a Relay id must match: a note asked for as a contributor
	// is not found.
	if _, err := b.Node(context.Background(), graph.KindContributor, "note-atelier-1-communs-en-bref"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("note as a contributor: %v", err)
	}
	if _, err := b.Node(context.Background(), "", "no-such-node"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("missing node: %v", err)
	}
}

// hidden lists, read as the system, what must never be published: the
// ids of non-public documents, and per contributor the standpoint values
// that are public (all others must stay out).
func hidden(t testing.TB, s graph.Store) (docs []*graph.Document, public map[string][]string, nonPublic int) {
	t.Helper()
	c, err := s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 100})
	if err != nil {
		t.Fatal(err)
	}
	for p := c; ; {
		for _, d := range p.Nodes() {
			if d.Visibility != graph.VisibilityPublic {
				docs = append(docs, d)
			}
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		if p, err = s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 100, After: p.PageInfo.EndCursor}); err != nil {
			t.Fatal(err)
		}
	}
	public, nonPublic = jsonldtest.PublicStandpoints(t, s)
	return docs, public, nonPublic
}

// checkPublicOnly walks every object of a JSON-LD output and fails on any
// id of a hidden document, and on any person whose standpoints are not
// exactly their PUBLIC declarations.
func checkPublicOnly(t *testing.T, s graph.Store, raw []byte, objects []any) {
	t.Helper()
	docs, public, nonPublic := hidden(t, s)
	if len(docs) < 5 || nonPublic < 10 {
		t.Fatalf("the fixture hides too little to prove anything: %d documents, %d declarations", len(docs), nonPublic)
	}
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if id, ok := x["identifier"].(string); ok {
				seen[id] = true
			}
			if id, ok := x["@id"].(string); ok {
				seen[strings.TrimPrefix(id, "https://commun.example/ld/")] = true
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, o := range objects {
		walk(o)
	}
	for _, d := range docs {
		if seen[d.ID] || bytes.Contains(raw, []byte(`"`+d.ID+`"`)) || bytes.Contains(raw, []byte(`/ld/`+d.ID+`"`)) {
			t.Errorf("%s document %s is in the linked data", d.Visibility, d.ID)
		}
	}
	for _, o := range objects {
		p, _ := o.(map[string]any)
		if p["@type"] != "Person" {
			continue
		}
		id, _ := p["identifier"].(string)
		got := []string{}
		sps, _ := p["standpoint"].([]any)
		for _, sp := range sps {
			m, _ := sp.(map[string]any)
			set, _ := m["inDefinedTermSet"].(map[string]any)
			got = append(got, set["identifier"].(string)+":"+m["termCode"].(string))
		}
		slices.Sort(got)
		want, known := public[id]
		if !known || !slices.Equal(got, want) {
			t.Errorf("person %s shows standpoints %v, their public ones are %v", id, got, want)
		}
	}
}

func TestOnlyPublicContentInTheGraph(t *testing.T) {
	t.Parallel()
	s := demoStore(t)
	var buf bytes.Buffer
	// A curator's context: the export must still be public only.
	curator := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleCurator})
	n, err := builder(s).WriteGraph(curator, &buf)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context map[string]any `json:"@context"`
		Graph   []any          `json:"@graph"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(doc.Graph) != n || n < 50 || doc.Context == nil {
		t.Fatalf("graph of %d objects (said %d)", len(doc.Graph), n)
	}
	people := 0
	for _, o := range doc.Graph {
		if o.(map[string]any)["@type"] == "Person" {
			people++
		}
	}
	if people == 0 {
		t.Fatal("no person in the graph")
	}
	checkPublicOnly(t, s, buf.Bytes(), doc.Graph)
}

// TestGraphIsValidJSONLD expands the exported graph with a real processor.
func TestGraphIsValidJSONLD(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if _, err := builder(demoStore(t)).WriteGraph(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	expand(t, buf.Bytes())
}

func TestHiddenNodesAreNotFound(t *testing.T) {
	t.Parallel()
	s := demoStore(t)
	docs, _, _ := hidden(t, s)
	admin := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleAdmin})
	for _, d := range docs {
		if _, err := builder(s).Node(admin, "", d.ID); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("%s %s: %v", d.Visibility, d.ID, err)
		}
	}
	// And every person's page shows exactly their public standpoints.
	_, public, _ := hidden(t, s)
	var objects []any
	var raw []byte
	for id := range public {
		o, err := builder(s).Node(admin, graph.KindContributor, id)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(o)
		var back any
		json.Unmarshal(j, &back)
		objects = append(objects, back)
		raw = append(raw, j...)
	}
	checkPublicOnly(t, s, raw, objects)
}

// expand checks the document with a real JSON-LD processor.
func expand(t *testing.T, doc []byte) {
	t.Helper()
	nodes, types := jsonldtest.Expand(t, doc)
	for _, want := range []string{"https://schema.org/Article", "http://www.w3.org/2004/02/skos/core#Concept",
		"https://schema.org/Person", "https://schema.org/Organization", "https://schema.org/Collection"} {
		if !slices.Contains(types, want) {
			t.Errorf("expanded graph has no node of type %s: %v", want, types)
		}
	}
	if nodes < 50 {
		t.Errorf("expansion produced %d nodes", nodes)
	}
}
