package search

import (
	"math"
	"testing"
)

// A NaN or infinite score would make a cursor that decodeAfter refuses:
// the next page would fail. Every hit of a range of query shapes (exact,
// approximate, phrases, exclusions, stop words) must have a finite score
// and a cursor that decodes.
func TestCursorsOfEveryHitDecode(t *testing.T) {
	t.Parallel()
	c := newCorpus(t)
	queries := []string{"gouvernance", "le la les", "script", "\"gouvernance\"", "a",
		"cuisine -gouvernance", "gouv*", "the", "\"le\"", "gouvernanse", "gouvernnce populair", "éducaton"}
	hits := 0
	for _, q := range queries {
		res, err := c.ix.Search(t.Context(), Request{Query: q, Facets: true})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		for _, h := range res.Hits {
			hits++
			if math.IsNaN(h.Score) || math.IsInf(h.Score, 0) {
				t.Errorf("%q: hit %s scores %v", q, h.ID, h.Score)
			}
			if _, err := decodeAfter(h.Cursor); err != nil {
				t.Errorf("%q: hit %s: cursor %q does not decode: %v", q, h.ID, h.Cursor, err)
			}
		}
	}
	if hits == 0 {
		t.Fatal("no query matched: the test checks nothing")
	}
}
