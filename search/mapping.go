package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// formatVersion names what the analyzers do. Bump it whenever analysis.go
// changes behaviour: the mapping hash below catches mapping edits, but not a
// change inside an analyzer's Go code. An index written under another
// format is rebuilt on open (see Index.Open). Also bump it when what the
// writer hands Bleve changes outside the mapping: 3 keeps the facet codes
// out of Bleve's internal keys and their doc values unchunked (sync.go).
const formatVersion = 3

// Index field names. Keyword fields hold store ids and enumerations and are
// matched exactly; text fields live under one family per language
// (fr.title, en.body, xx.summary …).
const (
	fieldID           = "id"
	fieldKind         = "kind"
	fieldLanguage     = "lang"
	fieldVisibility   = "vis"
	fieldAuthor       = "author"
	fieldCommunity    = "community"
	fieldCarnet       = "carnet"
	fieldTerm         = "term"
	fieldOrganisation = "organisation"
	fieldStandpoint   = "standpoint"
	fieldPublished    = "published"
	fieldUpdated      = "updated" // graph.TimeKey of updatedAt: sorts as the dates do

	textTitle   = "title"
	textAliases = "aliases"
	textSummary = "summary"
	textBody    = "body"
	textMedia   = "media"
)

// textFields and their boosts: title > aliases > summary > body, as the
// design asks. The boosts multiply Bleve's TF-IDF score of each clause.
type textFieldBoost struct {
	name  string
	boost float64
}

var textFields = []textFieldBoost{
	{textTitle, 4},
	{textAliases, 3},
	{textSummary, 2},
	{textBody, 1},
	{textMedia, 1},
}

// refFields are the keyword fields holding ids of other nodes; when one of
// those nodes changes or goes, the documents carrying its id are reindexed.
var refFields = []string{fieldAuthor, fieldCommunity, fieldCarnet, fieldTerm, fieldOrganisation}

func textField(l textLang, name string) string { return string(l) + "." + name }

// newMapping builds the index mapping. Choices, each for speed or size:
//   - no dynamic fields and no _all field: every query names its fields;
//   - text fields are stored with term vectors because the highlighter
//     needs both, and phrase queries need the positions;
//   - keyword fields store nothing and have no doc values, except the id
//     (sorting) and the coded facet values (facets.go); norms are skipped
//     on them (they are never scored).
func newMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	keywordField := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		f.SkipFreqNorm = true
		return f
	}
	// The id again, as a doc-values field, for the pages sorted by score
	// and id (Index.page): sorting by "_id" reads each hit's id from the
	// stored fields, a random read per hit that cost a quarter of a
	// frequent word's search time; doc values are read a chunk at a time.
	doc.AddFieldMappingsAt(fieldID, keywordField(true))
	kind := keywordField(false)
	kind.Store = true // returned with each hit
	doc.AddFieldMappingsAt(fieldKind, kind)
	for _, f := range []string{fieldLanguage, fieldVisibility, fieldAuthor, fieldCommunity, fieldCarnet, fieldTerm, fieldOrganisation, fieldStandpoint} {
		doc.AddFieldMappingsAt(f, keywordField(false))
	}
	// The update time, as a fixed-width key with doc values, for the date
	// orders (Request.Sort): a keyword sorts and resumes after a cursor
	// exactly as its string, where a date field's cursor would carry
	// Bleve's internal number encoding.
	doc.AddFieldMappingsAt(fieldUpdated, keywordField(true))
	// All facet values, coded: the only doc values facets read (facets.go).
	doc.AddFieldMappingsAt(fieldFacets, keywordField(true))

	published := bleve.NewDateTimeFieldMapping()
	published.Store = false
	published.IncludeInAll = false
	published.DocValues = false
	doc.AddFieldMappingsAt(fieldPublished, published)

	for _, l := range textLangs {
		sub := bleve.NewDocumentStaticMapping()
		for _, tf := range textFields {
			f := bleve.NewTextFieldMapping()
			f.Analyzer = l.analyzer()
			f.Store = true
			f.IncludeTermVectors = true
			f.IncludeInAll = false
			f.DocValues = false
			sub.AddFieldMappingsAt(tf.name, f)
		}
		doc.AddSubDocumentMapping(string(l), sub)
	}

	im.DefaultMapping = doc
	return im
}

// mappingSignature identifies the mapping and analysis an index was written
// with; it is stored in the index and compared on open.
func mappingSignature(im mapping.IndexMapping) (string, error) {
	b, err := json.Marshal(im)
	if err != nil {
		return "", fmt.Errorf("search: encode mapping: %w", err)
	}
	sum := sha256.Sum256(b)
	return fmt.Sprintf("v%d:%s", formatVersion, hex.EncodeToString(sum[:8])), nil
}
