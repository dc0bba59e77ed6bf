package network

import (
	"bufio"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Format is an export format of a Graph.
type Format string

const (
	GraphML  Format = "graphml"
	GEXF     Format = "gexf"
	NodesCSV Format = "csv-nodes"
	EdgesCSV Format = "csv-edges"
)

// Formats lists the formats Write knows.
var Formats = []Format{GraphML, GEXF, NodesCSV, EdgesCSV}

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	switch f {
	case GraphML:
		return "application/graphml+xml; charset=utf-8"
	case GEXF:
		return "application/gexf+xml; charset=utf-8"
	}
	return "text/csv; charset=utf-8"
}

// FileName is the name an export of this format is offered under.
func (f Format) FileName() string {
	switch f {
	case GraphML:
		return "network.graphml"
	case GEXF:
		return "network.gexf"
	case NodesCSV:
		return "network-nodes.csv"
	}
	return "network-edges.csv"
}

// Write writes g in format f.
func Write(w io.Writer, g *Graph, f Format) error {
	switch f {
	case GraphML:
		return WriteGraphML(w, g)
	case GEXF:
		return WriteGEXF(w, g)
	case NodesCSV:
		return WriteNodesCSV(w, g)
	case EdgesCSV:
		return WriteEdgesCSV(w, g)
	}
	return fmt.Errorf("network: unknown format %q", f)
}

// standpointKey names the attribute holding a dimension's PUBLIC values;
// several values of one dimension are joined with "; ".
func standpointKey(dimension string) string { return "standpoint-" + dimension }

// ---- GraphML (http://graphml.graphdrawing.org/) ----

type gmlDoc struct {
	XMLName        xml.Name `xml:"graphml"`
	XMLNS          string   `xml:"xmlns,attr"`
	XSI            string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
	Keys           []gmlKey `xml:"key"`
	Graph          gmlGraph `xml:"graph"`
}

type gmlKey struct {
	ID       string `xml:"id,attr"`
	For      string `xml:"for,attr"`
	AttrName string `xml:"attr.name,attr"`
	AttrType string `xml:"attr.type,attr"`
}

type gmlGraph struct {
	ID          string    `xml:"id,attr"`
	EdgeDefault string    `xml:"edgedefault,attr"`
	Nodes       []gmlNode `xml:"node"`
	Edges       []gmlEdge `xml:"edge"`
}

type gmlNode struct {
	ID   string    `xml:"id,attr"`
	Data []gmlData `xml:"data"`
}

type gmlEdge struct {
	ID       string    `xml:"id,attr"`
	Source   string    `xml:"source,attr"`
	Target   string    `xml:"target,attr"`
	Directed bool      `xml:"directed,attr"`
	Data     []gmlData `xml:"data"`
}

type gmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// WriteGraphML writes g as GraphML: node attributes label, kind, degree,
// weightedDegree, documents and one per standpoint dimension; edge
// attributes relation and weight (the name Gephi reads as the weight).
func WriteGraphML(w io.Writer, g *Graph) error {
	doc := gmlDoc{
		XMLNS:          "http://graphml.graphdrawing.org/xmlns",
		XSI:            "http://www.w3.org/2001/XMLSchema-instance",
		SchemaLocation: "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
		Keys: []gmlKey{
			{"label", "node", "label", "string"},
			{"kind", "node", "kind", "string"},
			{"degree", "node", "degree", "int"},
			{"weightedDegree", "node", "weightedDegree", "int"},
			{"documents", "node", "documents", "int"},
		},
		Graph: gmlGraph{ID: "contributors", EdgeDefault: "undirected"},
	}
	dims := g.Dimensions()
	for _, d := range dims {
		doc.Keys = append(doc.Keys, gmlKey{standpointKey(d), "node", standpointKey(d), "string"})
	}
	doc.Keys = append(doc.Keys, gmlKey{"relation", "edge", "relation", "string"}, gmlKey{"weight", "edge", "weight", "double"})
	for i := range g.Nodes {
		n := &g.Nodes[i]
		gn := gmlNode{ID: n.ID, Data: []gmlData{
			{"label", n.Label}, {"kind", string(n.Kind)}, {"degree", strconv.Itoa(n.Degree)},
			{"weightedDegree", strconv.Itoa(n.WeightedDegree)}, {"documents", strconv.Itoa(n.Documents)},
		}}
		for _, d := range dims {
			if vs := n.StandpointsOf(d); len(vs) > 0 {
				gn.Data = append(gn.Data, gmlData{standpointKey(d), strings.Join(vs, "; ")})
			}
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, gn)
	}
	for i, e := range g.Edges {
		doc.Graph.Edges = append(doc.Graph.Edges, gmlEdge{ID: "e" + strconv.Itoa(i), Source: e.From, Target: e.To,
			Directed: e.Relation.Directed(),
			Data:     []gmlData{{"relation", string(e.Relation)}, {"weight", strconv.Itoa(e.Weight)}}})
	}
	return writeXML(w, doc)
}

// ---- GEXF 1.3 (https://gexf.net/) ----

type gexfDoc struct {
	XMLName xml.Name  `xml:"gexf"`
	XMLNS   string    `xml:"xmlns,attr"`
	Version string    `xml:"version,attr"`
	Meta    gexfMeta  `xml:"meta"`
	Graph   gexfGraph `xml:"graph"`
}

type gexfMeta struct {
	Creator     string `xml:"creator"`
	Description string `xml:"description"`
}

type gexfGraph struct {
	DefaultEdgeType string           `xml:"defaultedgetype,attr"`
	Mode            string           `xml:"mode,attr"`
	Attributes      []gexfAttributes `xml:"attributes"`
	Nodes           []gexfNode       `xml:"nodes>node"`
	Edges           []gexfEdge       `xml:"edges>edge"`
}

type gexfAttributes struct {
	Class      string          `xml:"class,attr"`
	Attributes []gexfAttribute `xml:"attribute"`
}

type gexfAttribute struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
	Type  string `xml:"type,attr"`
}

type gexfNode struct {
	ID     string         `xml:"id,attr"`
	Label  string         `xml:"label,attr"`
	Values []gexfAttValue `xml:"attvalues>attvalue"`
}

type gexfEdge struct {
	ID     string         `xml:"id,attr"`
	Source string         `xml:"source,attr"`
	Target string         `xml:"target,attr"`
	Type   string         `xml:"type,attr"`
	Weight int            `xml:"weight,attr"`
	Values []gexfAttValue `xml:"attvalues>attvalue"`
}

type gexfAttValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

// WriteGEXF writes g as GEXF 1.3, with the attributes of WriteGraphML.
func WriteGEXF(w io.Writer, g *Graph) error {
	nodeAttrs := gexfAttributes{Class: "node", Attributes: []gexfAttribute{
		{"kind", "kind", "string"}, {"degree", "degree", "integer"},
		{"weightedDegree", "weightedDegree", "integer"}, {"documents", "documents", "integer"},
	}}
	dims := g.Dimensions()
	for _, d := range dims {
		nodeAttrs.Attributes = append(nodeAttrs.Attributes, gexfAttribute{standpointKey(d), standpointKey(d), "string"})
	}
	doc := gexfDoc{
		XMLNS: "http://gexf.net/1.3", Version: "1.3",
		Meta: gexfMeta{Creator: "maillage", Description: fmt.Sprintf("Contributor network of %d documents: co-authorships, memberships and affiliations", g.Documents)},
		Graph: gexfGraph{DefaultEdgeType: "undirected", Mode: "static", Attributes: []gexfAttributes{
			nodeAttrs,
			{Class: "edge", Attributes: []gexfAttribute{{"relation", "relation", "string"}}},
		}},
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		gn := gexfNode{ID: n.ID, Label: n.Label, Values: []gexfAttValue{
			{"kind", string(n.Kind)}, {"degree", strconv.Itoa(n.Degree)},
			{"weightedDegree", strconv.Itoa(n.WeightedDegree)}, {"documents", strconv.Itoa(n.Documents)},
		}}
		for _, d := range dims {
			if vs := n.StandpointsOf(d); len(vs) > 0 {
				gn.Values = append(gn.Values, gexfAttValue{standpointKey(d), strings.Join(vs, "; ")})
			}
		}
		doc.Graph.Nodes = append(doc.Graph.Nodes, gn)
	}
	for i, e := range g.Edges {
		typ := "undirected"
		if e.Relation.Directed() {
			typ = "directed"
		}
		doc.Graph.Edges = append(doc.Graph.Edges, gexfEdge{ID: strconv.Itoa(i), Source: e.From, Target: e.To, Type: typ,
			Weight: e.Weight, Values: []gexfAttValue{{"relation", string(e.Relation)}}})
	}
	return writeXML(w, doc)
}

func writeXML(w io.Writer, doc any) error {
	bw := bufio.NewWriter(w)
	if _, err := io.WriteString(bw, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if _, err := io.WriteString(bw, "\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// ---- CSV (the column names Gephi's spreadsheet import recognises) ----

// WriteNodesCSV writes one row per node: Id, Label, Kind, Degree,
// WeightedDegree, Documents, then one column per standpoint dimension.
func WriteNodesCSV(w io.Writer, g *Graph) error {
	cw := csv.NewWriter(w)
	dims := g.Dimensions()
	header := []string{"Id", "Label", "Kind", "Degree", "WeightedDegree", "Documents"}
	for _, d := range dims {
		header = append(header, standpointKey(d))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		row := []string{cell(n.ID), cell(n.Label), string(n.Kind), strconv.Itoa(n.Degree), strconv.Itoa(n.WeightedDegree), strconv.Itoa(n.Documents)}
		for _, d := range dims {
			row = append(row, cell(strings.Join(n.StandpointsOf(d), "; ")))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteEdgesCSV writes one row per edge: Source, Target, Type (Directed or
// Undirected), Weight, Relation.
func WriteEdgesCSV(w io.Writer, g *Graph) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"Source", "Target", "Type", "Weight", "Relation"}); err != nil {
		return err
	}
	for _, e := range g.Edges {
		typ := "Undirected"
		if e.Relation.Directed() {
			typ = "Directed"
		}
		if err := cw.Write([]string{cell(e.From), cell(e.To), typ, strconv.Itoa(e.Weight), string(e.Relation)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell defuses a text a spreadsheet would take for a formula: names are
// written by contributors, and "=HYPERLINK(…)" must stay text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
