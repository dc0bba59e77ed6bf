package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/search/query"
	neo4jdriver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

// The peers of `maillage-bench search`: the same documents as maillage
// indexes (its entries: text, visibility, the authors' PUBLIC standpoint
// declarations, the facet values from the links), each in the engine's
// plainest form.

// peerDoc is one document as the peers index it.
type peerDoc struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Aliases     string   `json:"aliases"`
	Summary     string   `json:"summary"`
	Body        string   `json:"body"`
	Visibility  string   `json:"visibility"`
	Kind        string   `json:"kind"`
	Language    string   `json:"language"`
	Standpoints []string `json:"standpoint"`
	Carnets     []string `json:"carnet"`
	Communities []string `json:"community"`
	Terms       []string `json:"term"`
	Orgs        []string `json:"organisation"`
}

// facetValues are the doc's facet buckets' values, "field=value", in the
// fields of search.FacetFields.
func (d *peerDoc) facetValues() []string {
	var fv []string
	add := func(field string, values ...string) {
		for _, v := range values {
			fv = append(fv, field+"="+v)
		}
	}
	add(search.FacetKind, d.Kind)
	add(search.FacetCarnet, d.Carnets...)
	add(search.FacetCommunity, d.Communities...)
	add(search.FacetTerm, d.Terms...)
	add(search.FacetOrganisation, d.Orgs...)
	add(search.FacetLanguage, d.Language)
	add(search.FacetStandpoint, d.Standpoints...)
	return fv
}

// peerDocs generates c and keeps what an index of it holds.
func peerDocs(c *benchCorpus) ([]peerDoc, error) {
	public := map[string][]string{} // contributor → "dimension:value"
	var docs []peerDoc
	at := map[string]int{}
	authors := map[string][]string{}
	_, err := c.emit(func(b graph.Batch) error {
		for _, dc := range b.Declarations {
			if dc.Visibility == graph.DeclPublic {
				public[dc.ContributorID] = append(public[dc.ContributorID], dc.Dimension+":"+dc.Value)
			}
		}
		for _, bd := range b.Documents {
			d := bd.Document
			at[d.ID] = len(docs)
			authors[d.ID] = bd.AuthorIDs
			summary := strings.TrimSpace(d.Summary + "\n" + d.Definition)
			docs = append(docs, peerDoc{ID: d.ID, Title: d.Title, Aliases: strings.Join(d.Aliases, "\n"),
				Summary: summary, Body: d.Body, Visibility: string(d.Visibility), Kind: string(d.Kind),
				Language: strings.ToLower(d.Language)})
		}
		for _, l := range b.Links {
			i, ok := at[l.From]
			if !ok {
				continue
			}
			d := &docs[i]
			switch l.Relation {
			case graph.RelInCarnet:
				d.Carnets = append(d.Carnets, l.To)
			case graph.RelOfCommunity:
				d.Communities = append(d.Communities, l.To)
			case graph.RelMentions:
				d.Terms = append(d.Terms, l.To)
			case graph.RelConcerns:
				d.Orgs = append(d.Orgs, l.To)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range docs {
		d := &docs[i]
		for _, a := range authors[d.ID] {
			d.Standpoints = append(d.Standpoints, public[a]...)
		}
		for _, s := range []*[]string{&d.Standpoints, &d.Carnets, &d.Communities, &d.Terms, &d.Orgs} {
			slices.Sort(*s)
			*s = slices.Compact(*s)
		}
	}
	return docs, nil
}

// peerQuery is a shape's request in the terms a peer takes: the words,
// whether the one word has a typo, the standpoint values (OR-ed; the
// shapes filter on one dimension).
type peerQuery struct {
	words       []string
	fuzzy       bool
	standpoints []string
	facets      bool
}

func toPeerQuery(s searchShape, r search.Request) peerQuery {
	q := peerQuery{words: strings.Fields(r.Query), fuzzy: s.key == "c", facets: r.Facets}
	for _, sp := range r.Filter.Standpoints {
		q.standpoints = append(q.standpoints, sp.Dimension+":"+sp.Value)
	}
	return q
}

// peerStamp names the corpus a peer's index holds.
func peerStamp(cfg benchSearchConfig) string {
	return fmt.Sprintf("maillage bench corpus v%d docs=%d seed=%d peer v1", benchCorpusVersion, cfg.docs, cfg.seed)
}

// --- raw Bleve

// benchRawBleve indexes docs with Bleve's default mapping (the standard
// analyzer, every text field in _all); only the filter and facet fields
// are keywords, which faceting needs. The query is a match query over
// _all, its words AND-ed as maillage's are, with the visibility and
// standpoint filters as term queries in the same conjunction.
func benchRawBleve(ctx context.Context, cfg benchSearchConfig, shapes []searchShape, docs []peerDoc, out io.Writer) (engineRun, error) {
	dir := filepath.Join(cfg.data, "peer-bleve")
	ix, err := openRawBleve(dir, peerStamp(cfg), docs, out)
	if err != nil {
		return engineRun{}, err
	}
	defer ix.Close()
	fmt.Fprintln(out, "measuring raw Bleve")
	er := engineRun{name: "raw Bleve", stream: "plain", results: map[string]measurement{}}
	for _, s := range shapes {
		m := measureShape(cfg, noServerCPU, func(i int) (int, error) {
			q := toPeerQuery(s, s.req(i))
			res, err := ix.SearchInContext(ctx, rawBleveRequest(q))
			if err != nil {
				return 0, err
			}
			return int(res.Total), nil
		})
		m.distinct = distinctIn(cfg, s)
		er.results[s.key] = m
	}
	return er, nil
}

// distinctIn is the number of distinct queries of shape s among the
// measured ones of the plain stream.
func distinctIn(cfg benchSearchConfig, s searchShape) int {
	seen := map[string]bool{}
	for i := cfg.warmup; i < cfg.warmup+cfg.queries; i++ {
		seen[fmt.Sprint(s.req(i))] = true
	}
	return len(seen)
}

func openRawBleve(dir, stamp string, docs []peerDoc, out io.Writer) (bleve.Index, error) {
	stampFile := filepath.Join(dir, "stamp")
	if got, err := os.ReadFile(stampFile); err == nil && string(got) == stamp {
		fmt.Fprintf(out, "reusing the raw Bleve index in %s\n", dir)
		return bleve.Open(filepath.Join(dir, "index"))
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	m := bleve.NewIndexMapping()
	for _, f := range []string{"id", "visibility", search.FacetKind, search.FacetLanguage, search.FacetStandpoint, search.FacetCarnet,
		search.FacetCommunity, search.FacetTerm, search.FacetOrganisation} {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.IncludeInAll = false
		m.DefaultMapping.AddFieldMappingsAt(f, fm)
	}
	ix, err := bleve.New(filepath.Join(dir, "index"), m)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	b := ix.NewBatch()
	for i := range docs {
		if err := b.Index(docs[i].ID, &docs[i]); err != nil {
			ix.Close()
			return nil, err
		}
		if b.Size() == 1000 || i == len(docs)-1 {
			if err := ix.Batch(b); err != nil {
				ix.Close()
				return nil, err
			}
			b.Reset()
		}
	}
	el := time.Since(start)
	fmt.Fprintf(out, "raw Bleve: %d documents indexed in %s (%.0f docs/s)\n", len(docs), el.Round(time.Second), float64(len(docs))/el.Seconds())
	return ix, os.WriteFile(stampFile, []byte(stamp), 0o600)
}

func rawBleveRequest(q peerQuery) *bleve.SearchRequest {
	match := query.NewMatchQuery(strings.Join(q.words, " "))
	match.SetOperator(query.MatchQueryOperatorAnd)
	if q.fuzzy {
		match.SetFuzziness(1)
	}
	vis := query.NewTermQuery(string(graph.VisibilityPublic))
	vis.SetField("visibility")
	parts := []query.Query{match, vis}
	if len(q.standpoints) > 0 {
		var or []query.Query
		for _, s := range q.standpoints {
			t := query.NewTermQuery(s)
			t.SetField(search.FacetStandpoint)
			or = append(or, t)
		}
		parts = append(parts, query.NewDisjunctionQuery(or))
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(parts), 20, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	if q.facets {
		for _, f := range search.FacetFields {
			req.AddFacet(f, bleve.NewFacetRequest(f, search.DefaultFacetSize))
		}
	}
	return req
}

// --- Neo4j full-text

// The peer's Cypher: not the product's (graph/store/neo4j/cypher.go), so it
// lives here; parameters only. The documents are nodes of a label of
// their own, so the bench leaves the product's data alone; still, give it
// a database of its own.
const (
	peerNeo4jCreateIndex = "CREATE FULLTEXT INDEX maillageBenchPeerText IF NOT EXISTS " +
		"FOR (n:MaillageBenchPeerDoc) ON EACH [n.title, n.aliases, n.summary, n.body] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'french'}}"
	peerNeo4jAwaitIndexes = "CALL db.awaitIndexes($timeoutSeconds)"
	peerNeo4jStamp        = "OPTIONAL MATCH (s:MaillageBenchPeerStamp) RETURN s.stamp AS stamp"
	peerNeo4jSetStamp     = "MERGE (s:MaillageBenchPeerStamp) SET s.stamp = $stamp"
	peerNeo4jDeleteDocs   = "MATCH (n:MaillageBenchPeerDoc) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted"
	peerNeo4jWriteDocs    = "UNWIND $rows AS r CREATE (n:MaillageBenchPeerDoc) SET n = r"
	peerNeo4jDropIndex    = "DROP INDEX maillageBenchPeerText IF EXISTS"
	peerNeo4jDropStamp    = "MATCH (s:MaillageBenchPeerStamp) DELETE s"
	// The standpoint filter is a WHERE on the node, as the visibility is;
	// queryNodes yields every match, so the total is exact.
	peerNeo4jSearch = `CALL db.index.fulltext.queryNodes('maillageBenchPeerText', $query) YIELD node, score
WHERE node.visibility = 'PUBLIC' AND (size($standpoints) = 0 OR any(s IN node.standpoints WHERE s IN $standpoints))
WITH node.id AS id, score ORDER BY score DESC, id
WITH collect(id) AS ids
RETURN ids[..$limit] AS top, size(ids) AS total`
	// Facets: an aggregation over every match's "field=value" values, the
	// first $facetSize values of each field by count.
	peerNeo4jSearchFacets = `CALL db.index.fulltext.queryNodes('maillageBenchPeerText', $query) YIELD node, score
WHERE node.visibility = 'PUBLIC' AND (size($standpoints) = 0 OR any(s IN node.standpoints WHERE s IN $standpoints))
WITH node, score ORDER BY score DESC, node.id
WITH collect(node) AS nodes
CALL {
  WITH nodes
  UNWIND nodes AS n
  UNWIND n.facets AS f
  WITH f, count(*) AS c ORDER BY c DESC, f
  WITH split(f, '=')[0] AS field, collect({value: f, count: c}) AS buckets
  RETURN collect({field: field, buckets: buckets[..$facetSize]}) AS facets
}
RETURN [n IN nodes[..$limit] | n.id] AS top, size(nodes) AS total, facets`
)

// neo4jLucene is q as a Lucene query: every word required, the typo as
// a fuzzy term of one edit (maillage's and raw Bleve's tolerance).
func neo4jLucene(q peerQuery) string {
	parts := make([]string, len(q.words))
	for i, w := range q.words {
		switch {
		case q.fuzzy:
			parts[i] = w + "~1"
		case len(q.words) > 1:
			parts[i] = "+" + w
		default:
			parts[i] = w
		}
	}
	return strings.Join(parts, " ")
}

// neo4jExec runs one statement on the database of cfg.
type neo4jExec func(cypher string, params map[string]any) (*neo4jdriver.EagerResult, error)

func openNeo4jPeer(ctx context.Context, cfg cmdkit.Neo4j) (neo4jExec, func(), error) {
	driver, err := neo4jdriver.NewDriverWithContext(cfg.URI, neo4jdriver.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		return nil, nil, err
	}
	exec := func(cypher string, params map[string]any) (*neo4jdriver.EagerResult, error) {
		return neo4jdriver.ExecuteQuery(ctx, driver, cypher, params, neo4jdriver.EagerResultTransformer,
			neo4jdriver.ExecuteQueryWithDatabase(cfg.Database))
	}
	return exec, func() { driver.Close(ctx) }, nil
}

// dropNeo4jPeer removes the peer's nodes and index.
func dropNeo4jPeer(exec neo4jExec) error {
	for {
		res, err := exec(peerNeo4jDeleteDocs, nil)
		if err != nil {
			return err
		}
		if n, _, _ := neo4jdriver.GetRecordValue[int64](res.Records[0], "deleted"); n == 0 {
			break
		}
	}
	if _, err := exec(peerNeo4jDropStamp, nil); err != nil {
		return err
	}
	_, err := exec(peerNeo4jDropIndex, nil)
	return err
}

func benchNeo4jFulltext(ctx context.Context, cfg benchSearchConfig, shapes []searchShape, docs []peerDoc, out io.Writer) (engineRun, error) {
	exec, closeDriver, err := openNeo4jPeer(ctx, cfg.neo)
	if err != nil {
		return engineRun{}, err
	}
	defer closeDriver()
	if err := loadNeo4jPeer(cfg, docs, exec, out); err != nil {
		return engineRun{}, err
	}
	serverCPU := noServerCPU
	if cfg.neoPID > 0 {
		serverCPU = func() time.Duration {
			d, err := procCPU(cfg.neoPID)
			if err != nil {
				return -1
			}
			return d
		}
	}
	fmt.Fprintln(out, "measuring Neo4j full-text")
	er := engineRun{name: "Neo4j full-text", stream: "plain", results: map[string]measurement{}}
	for _, s := range shapes {
		m := measureShape(cfg, serverCPU, func(i int) (int, error) {
			q := toPeerQuery(s, s.req(i))
			cypher := peerNeo4jSearch
			if q.facets {
				cypher = peerNeo4jSearchFacets
			}
			standpoints := q.standpoints
			if standpoints == nil {
				standpoints = []string{}
			}
			res, err := exec(cypher, map[string]any{"query": neo4jLucene(q), "standpoints": standpoints,
				"limit": 20, "facetSize": search.DefaultFacetSize})
			if err != nil {
				return 0, err
			}
			if len(res.Records) == 0 {
				return 0, nil
			}
			total, _, err := neo4jdriver.GetRecordValue[int64](res.Records[0], "total")
			return int(total), err
		})
		m.distinct = distinctIn(cfg, s)
		er.results[s.key] = m
	}
	return er, nil
}

func loadNeo4jPeer(cfg benchSearchConfig, docs []peerDoc, exec neo4jExec, out io.Writer) error {
	stamp := peerStamp(cfg)
	res, err := exec(peerNeo4jStamp, nil)
	if err != nil {
		return err
	}
	if len(res.Records) > 0 {
		if got, _ := res.Records[0].Get("stamp"); got == stamp {
			fmt.Fprintln(out, "reusing the Neo4j peer documents")
			return nil
		}
	}
	if err := dropNeo4jPeer(exec); err != nil {
		return err
	}
	if _, err := exec(peerNeo4jCreateIndex, nil); err != nil {
		return err
	}
	start := time.Now()
	const batch = 500
	for lo := 0; lo < len(docs); lo += batch {
		rows := make([]any, 0, batch)
		for _, d := range docs[lo:min(lo+batch, len(docs))] {
			rows = append(rows, map[string]any{"id": d.ID, "title": d.Title, "aliases": d.Aliases, "summary": d.Summary,
				"body": d.Body, "visibility": d.Visibility, "standpoints": nonNil(d.Standpoints), "facets": d.facetValues()})
		}
		if _, err := exec(peerNeo4jWriteDocs, map[string]any{"rows": rows}); err != nil {
			return err
		}
	}
	if _, err := exec(peerNeo4jAwaitIndexes, map[string]any{"timeoutSeconds": 3600}); err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(out, "Neo4j: %d documents written and indexed in %s (%.0f docs/s)\n", len(docs), el.Round(time.Second), float64(len(docs))/el.Seconds())
	_, err = exec(peerNeo4jSetStamp, map[string]any{"stamp": stamp})
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
