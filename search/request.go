package search

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/encommun/maillage/graph"
)

// Request is one search. The caller (the GraphQL resolver) fills Viewer
// and ViewerCommunities from the request's token: the index applies them
// inside the Bleve query, so hidden documents count nowhere.
type Request struct {
	// Query is the user's text: words, "quoted phrases", -exclusions.
	Query  string
	Filter Filter
	// First is the page size: 0 means graph.DefaultFirst; more than
	// graph.MaxFirst is BAD_USER_INPUT, as for every list of the API.
	First int
	// After is the EndCursor (or a hit's Cursor) of the previous page,
	// made under the same Sort.
	After string
	// Sort orders the hits; the zero value is SortRelevance.
	Sort Sort
	// Viewer is who is searching; the zero Viewer is an anonymous reader.
	Viewer graph.Viewer
	// ViewerCommunities are the communities the viewer is a member of
	// (MEMBER_OF); the caller looks them up.
	ViewerCommunities []string
	// Facets asks for facet counts over all matching documents (not only
	// this page), for each of FacetFields.
	Facets bool
	// FacetSize is the number of buckets per facet: 0 means
	// DefaultFacetSize, at most MaxFacetSize.
	FacetSize int
	// CountUpTo is the bound up to which TotalCount is exact: 0 means
	// DefaultCountUpTo, at most MaxCountUpTo. Past it TotalCount is the
	// bound and TotalAtLeast is set, unless Facets (which count every
	// match) are asked: a search may stop counting there.
	CountUpTo int
}

// Filter narrows a search. Empty fields do not filter; values within one
// field are OR-ed and fields are AND-ed, except standpoints (see there).
type Filter struct {
	Kinds         []graph.Kind
	Languages     []string
	Carnets       []string // store ids
	Communities   []string
	Terms         []string
	Organisations []string
	Authors       []string // contributor ids
	// Standpoints match the authors' PUBLIC declarations: the values of one
	// dimension are OR-ed, dimensions are AND-ed. region=montreal OR
	// region=estrie, AND generation=18-24.
	Standpoints []Standpoint
	// PublishedAfter is inclusive, PublishedBefore exclusive; documents
	// without a publication date do not match a date filter.
	PublishedAfter  *time.Time
	PublishedBefore *time.Time
}

// Sort is the order of a search's hits. Every order ends with the document
// id, so that it is total and paging yields each hit once.
type Sort string

// The orders of hits. Dates are the documents' last update (updatedAt),
// which every document has; publication dates are optional.
const (
	SortRelevance   Sort = ""             // by score, best first, then id
	SortUpdatedDesc Sort = "UPDATED_DESC" // most recently updated first, then id
	SortUpdatedAsc  Sort = "UPDATED_ASC"  // least recently updated first, then id
)

// cursorLetter is the first letter of the cursors of a date order; the
// cursors of SortRelevance begin with e or a (encodeAfter).
func (s Sort) cursorLetter() byte {
	switch s {
	case SortUpdatedDesc:
		return 'N'
	case SortUpdatedAsc:
		return 'O'
	}
	return 0
}

// Standpoint is one value of one standpoint dimension (taxonomy ids).
type Standpoint struct {
	Dimension string
	Value     string
}

// Result is one page of hits.
type Result struct {
	// TotalCount counts every document the viewer may read that matches;
	// with TotalAtLeast, there are at least that many.
	TotalCount int
	// TotalAtLeast is set when more than Request.CountUpTo documents
	// match (without facets): TotalCount is then that bound.
	TotalAtLeast bool
	Hits         []Hit
	Facets       []Facet // in FacetFields order, when asked
	HasNextPage  bool
	EndCursor    string
	// Approximate is set when the words as typed matched nothing and the
	// hits tolerate a typo (one edit in each word of five letters or more):
	// a front-end may say "approximate results for …".
	Approximate bool
}

// Hit is one matching document. The caller reads the document itself
// through the store, which checks visibility once more.
type Hit struct {
	ID         string
	Kind       graph.Kind
	Score      float64
	Cursor     string
	Highlights []Highlight
}

// Highlight holds the fragments of one field (title, aliases, summary,
// body) with the matches wrapped in <mark>…</mark>. The text around the
// marks is HTML-escaped, so a fragment is safe to insert as HTML.
type Highlight struct {
	Field     string
	Fragments []string
}

// Facet counts matching documents per value of one field.
type Facet struct {
	Field   string // one of FacetFields
	Buckets []Bucket
}

// Bucket is one value and the number of matching documents that carry it.
// Values are store ids for carnet, community, term and organisation; the
// kind name for kind; the language tag for language; "dimension:value" for
// standpoint.
type Bucket struct {
	Value string
	Count int
}

// Facet names, in the order Result.Facets lists them.
const (
	FacetKind         = "kind"
	FacetCarnet       = "carnet"
	FacetCommunity    = "community"
	FacetTerm         = "term"
	FacetOrganisation = "organisation"
	FacetLanguage     = "language"
	FacetStandpoint   = "standpoint"
	// FacetFormat counts documents by what they hold: "text" for every
	// document, and the format of each attached media (audio, video,
	// image, pdf).
	FacetFormat = "format"
)

// FacetFields lists the facets a request with Facets gets.
var FacetFields = []string{FacetKind, FacetCarnet, FacetCommunity, FacetTerm, FacetOrganisation, FacetLanguage, FacetStandpoint, FacetFormat}

// Facet sizes and the bound on values per filter field.
const (
	DefaultFacetSize = 20
	MaxFacetSize     = 100
	MaxFilterValues  = 100
)

var languagePattern = regexp.MustCompile(`^[a-z]{2,8}(-[a-z0-9]{1,8})*$`)

// validate checks the shape of a request. The API checks taxonomy values
// (does this dimension exist?) before; here only shapes are checked, so that
// no malformed value reaches the index.
func (r *Request) validate() (limit, facetSize int, after *searchAfter, err error) {
	if limit, err = (graph.Page{First: r.First}).Limit(); err != nil {
		return 0, 0, nil, err
	}
	switch {
	case r.FacetSize < 0 || r.FacetSize > MaxFacetSize:
		return 0, 0, nil, graph.Errorf(graph.EINVALID, "facetSize must be between 0 and %d", MaxFacetSize)
	case r.FacetSize == 0:
		facetSize = DefaultFacetSize
	default:
		facetSize = r.FacetSize
	}
	if r.CountUpTo < 0 || r.CountUpTo > MaxCountUpTo {
		return 0, 0, nil, graph.Errorf(graph.EINVALID, "countUpTo must be between 0 and %d", MaxCountUpTo)
	}
	switch r.Sort {
	case SortRelevance, SortUpdatedDesc, SortUpdatedAsc:
	default:
		return 0, 0, nil, graph.Errorf(graph.EINVALID, "unknown sort %q: one of RELEVANCE, UPDATED_DESC, UPDATED_ASC", r.Sort)
	}
	if r.After != "" {
		if after, err = decodeAfter(r.After); err != nil {
			return 0, 0, nil, err
		}
		// A cursor is a position in one order: under another it would
		// skip or repeat hits without a word.
		if after.sort != r.Sort {
			return 0, 0, nil, graph.Errorf(graph.EINVALID, "this cursor was made by a search under another sort: ask the first page again")
		}
	}
	return limit, facetSize, after, r.Filter.validate()
}

func (f *Filter) validate() error {
	count := func(name string, n int) error {
		if n > MaxFilterValues {
			return graph.Errorf(graph.EINVALID, "filter %s has too many values: %d, at most %d", name, n, MaxFilterValues)
		}
		return nil
	}
	if err := count("kinds", len(f.Kinds)); err != nil {
		return err
	}
	for _, k := range f.Kinds {
		if !k.IsDocument() {
			return graph.Errorf(graph.EINVALID, "unknown document kind %q: one of Note, Term, Organisation", k)
		}
	}
	if err := count("languages", len(f.Languages)); err != nil {
		return err
	}
	for _, l := range f.Languages {
		if !languagePattern.MatchString(normLanguage(l)) {
			return graph.Errorf(graph.EINVALID, "invalid language tag %q", l)
		}
	}
	for _, ids := range []struct {
		name string
		ids  []string
	}{
		{"carnets", f.Carnets}, {"communities", f.Communities}, {"terms", f.Terms},
		{"organisations", f.Organisations}, {"authors", f.Authors},
	} {
		if err := count(ids.name, len(ids.ids)); err != nil {
			return err
		}
		for _, id := range ids.ids {
			if graph.ValidateID(id) != nil {
				return graph.Errorf(graph.EINVALID, "filter %s: invalid id %q", ids.name, id)
			}
		}
	}
	if err := count("standpoints", len(f.Standpoints)); err != nil {
		return err
	}
	for _, s := range f.Standpoints {
		if graph.ValidateID(s.Dimension) != nil || graph.ValidateID(s.Value) != nil {
			return graph.Errorf(graph.EINVALID, "invalid standpoint %q = %q", s.Dimension, s.Value)
		}
	}
	for _, t := range []*time.Time{f.PublishedAfter, f.PublishedBefore} {
		if t != nil && (t.Year() < 1 || t.Year() > 9999) {
			return graph.Errorf(graph.EINVALID, "publication dates must fall between years 1 and 9999")
		}
	}
	if f.PublishedAfter != nil && f.PublishedBefore != nil && !f.PublishedAfter.Before(*f.PublishedBefore) {
		return graph.Errorf(graph.EINVALID, "publishedAfter must be before publishedBefore")
	}
	return nil
}

// searchAfter is a decoded cursor: the order it was made under; for a date
// order, the hit's update time (updatedKey) and id; for relevance, the
// hit's score and id, whether the
// search was approximate (typo-tolerant), and whether no other hit has the
// same score after it ("clean", see Index.page). Results are ordered by
// score (descending) then id, so score and id resume exactly after the
// previous page.
type searchAfter struct {
	sort        Sort
	updated     string // a date order's key: graph.TimeKey of updatedAt
	score       string // as formatted by strconv: parsed back exactly
	id          string
	approximate bool
	clean       bool
}

// encodeAfter packs a cursor's key as two flag letters and the score:
// "e" exact or "a" approximate, "c" clean or "t" tied; "ec0.4217".
func encodeAfter(score float64, id string, approximate, clean bool) string {
	key := []byte("et")
	if approximate {
		key[0] = 'a'
	}
	if clean {
		key[1] = 'c'
	}
	return graph.Cursor{Key: string(key) + strconv.FormatFloat(score, 'g', -1, 64), ID: id}.Encode()
}

// encodeDateAfter packs a date order's cursor key: the order's letter, "e"
// exact or "a" approximate, and the update time key; "Ne2024-05-01T…Z".
func encodeDateAfter(s Sort, updated, id string, approximate bool) string {
	mode := byte('e')
	if approximate {
		mode = 'a'
	}
	return graph.Cursor{Key: string([]byte{s.cursorLetter(), mode}) + updated, ID: id}.Encode()
}

func decodeAfter(s string) (*searchAfter, error) {
	c, err := graph.DecodeCursor(s)
	if err != nil {
		return nil, err
	}
	bad := graph.Errorf(graph.EINVALID, "invalid cursor: pass an endCursor or cursor returned by a previous search")
	if len(c.Key) >= 2 && (c.Key[0] == 'N' || c.Key[0] == 'O') {
		sort := SortUpdatedDesc
		if c.Key[0] == 'O' {
			sort = SortUpdatedAsc
		}
		key := c.Key[2:]
		if c.Key[1] != 'e' && c.Key[1] != 'a' {
			return nil, bad
		}
		if t, perr := time.Parse(time.RFC3339Nano, key); perr != nil || graph.TimeKey(t) != key {
			return nil, bad
		}
		return &searchAfter{sort: sort, updated: key, id: c.ID, approximate: c.Key[1] == 'a'}, nil
	}
	if len(c.Key) < 3 || (c.Key[0] != 'e' && c.Key[0] != 'a') || (c.Key[1] != 'c' && c.Key[1] != 't') {
		return nil, bad
	}
	score := c.Key[2:]
	f, perr := strconv.ParseFloat(score, 64)
	if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(score, " \t") {
		return nil, bad
	}
	return &searchAfter{score: score, id: c.ID, approximate: c.Key[0] == 'a', clean: c.Key[1] == 'c'}, nil
}

// countUpTo is CountUpTo with the default applied.
func (r *Request) countUpTo() int {
	if r.CountUpTo == 0 {
		return DefaultCountUpTo
	}
	return r.CountUpTo
}
