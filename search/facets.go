package search

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
)

// Facet counts come from Bleve's doc values, which Bleve keeps compressed
// in chunks of 1 024 documents: counting one matching document costs the
// decompression of its chunk, for each faceted field. Measured on 100 000
// generated notes, the standpoint field alone ("racialisation:racialised",
// a few per document) cost 16 ms for a query matching 200 documents.
//
// So every facet value of a document is written, as a short code, into one
// doc-values field, fieldFacets; the codes are handed out by a dictionary
// that the index keeps in memory and persists in each index part, in the
// same batch as the first document that uses a code. The filter fields
// (kind, carnet, standpoint …) keep the values themselves, without doc
// values.

const (
	fieldFacets = "fc"
	keyCodes    = "maillage.fc"  // number of codes persisted in the part
	codePrefix  = "maillage.fc:" // + code: the facet name and value it stands for
	codeSep     = "\x00"         // between facet name and value
)

// facetDict hands out codes for (facet, value) pairs. Codes are never
// reused or changed, so one dictionary serves the live index and one being
// rebuilt alike, and searches may decode with it while either answers.
type facetDict struct {
	mu      sync.RWMutex
	byValue map[string]string // facet + codeSep + value → code
	values  []string          // code number → facet + codeSep + value
}

func newFacetDict() *facetDict {
	return &facetDict{byValue: map[string]string{}}
}

func codeOf(n int) string { return strconv.FormatUint(uint64(n), 36) }

// code returns the code of value in facet, handing out a new one if needed.
func (d *facetDict) code(facet, value string) string {
	key := facet + codeSep + value
	d.mu.RLock()
	c, ok := d.byValue[key]
	d.mu.RUnlock()
	if ok {
		return c
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.byValue[key]; ok {
		return c
	}
	c = codeOf(len(d.values))
	d.byValue[key] = c
	d.values = append(d.values, key)
	return c
}

// decode returns the facet and value a code stands for.
func (d *facetDict) decode(code string) (facet, value string, ok bool) {
	n, err := strconv.ParseUint(code, 36, 32)
	if err != nil {
		return "", "", false
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if int(n) >= len(d.values) {
		return "", "", false
	}
	facet, value, ok = strings.Cut(d.values[n], codeSep)
	return facet, value, ok
}

func (d *facetDict) size() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.values)
}

// persist adds to batch the codes idx lacks: those from have (the count it
// holds) to the dictionary's size. It returns the new count, which the
// caller records once the batch is written.
func (d *facetDict) persist(b *bleve.Batch, have int) int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	n := len(d.values)
	if n == have {
		return have
	}
	for i := have; i < n; i++ {
		b.SetInternal([]byte(codePrefix+codeOf(i)), []byte(d.values[i]))
	}
	b.SetInternal([]byte(keyCodes), []byte(strconv.Itoa(n)))
	return n
}

// loadFacetDict reads the codes persisted in idx: the dictionary of the
// live index when the process starts.
func loadFacetDict(idx bleve.Index) (*facetDict, int, error) {
	d := newFacetDict()
	b, err := idx.GetInternal([]byte(keyCodes))
	if err != nil {
		return nil, 0, err
	}
	if len(b) == 0 {
		return d, 0, nil
	}
	n, err := strconv.Atoi(string(b))
	if err != nil || n < 0 {
		return nil, 0, fmt.Errorf("search: bad facet code count %q", b)
	}
	for i := range n {
		v, err := idx.GetInternal([]byte(codePrefix + codeOf(i)))
		if err != nil {
			return nil, 0, err
		}
		if !strings.Contains(string(v), codeSep) {
			return nil, 0, fmt.Errorf("search: facet code %d missing", i)
		}
		d.byValue[string(v)] = codeOf(i)
		d.values = append(d.values, string(v))
	}
	return d, n, nil
}

// facetCodes returns the codes of every facet value of e.
func (d *facetDict) facetCodes(e entry) []string {
	var out []string
	add := func(facet string, values ...string) {
		for _, v := range values {
			if v != "" {
				out = append(out, d.code(facet, v))
			}
		}
	}
	add(FacetKind, string(e.Kind))
	add(FacetLanguage, e.Language)
	add(FacetCarnet, e.CarnetIDs...)
	add(FacetCommunity, e.CommunityIDs...)
	add(FacetTerm, e.TermIDs...)
	add(FacetOrganisation, e.OrgIDs...)
	add(FacetStandpoint, e.Standpoints...)
	return out
}
