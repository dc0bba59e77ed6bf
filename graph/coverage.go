package graph

import (
	"cmp"
	"context"
	"slices"
)

// Coverage answers "who is present, and who is missing?" for a set of
// documents: per standpoint dimension and value, how many distinct
// contributors (authors of those documents) declare the value, and on how
// many of the documents. PUBLIC and AGGREGATE declarations count; PRIVATE
// ones never do, not even the viewer's own.
//
// AGGREGATE values are never shown per person, so every number a store
// returns goes through CoverageQuery.Release first (noise and rounding,
// coverage_release.go; or, for the conformance suite only, the exact
// CoverageCounts.Suppress): the raw tallies, which can be as small as one
// person, never leave the store.

// The threshold k: released coverage says nothing of a scope of fewer
// than MinScopeFactor·k contributors; Suppress withholds counts from 1 to
// k−1.
const (
	DefaultCoverageK = 5
	// MinCoverageK: with k = 1 nothing would be suppressed, and a count
	// of one is one person's value.
	MinCoverageK = 2
)

// CheckCoverageK refuses a threshold below MinCoverageK.
func CheckCoverageK(k int) error {
	if k < MinCoverageK {
		return Errorf(EINVALID, "the coverage threshold k must be at least %d, got %d", MinCoverageK, k)
	}
	return nil
}

// MaxScopeIDs bounds the ids a DocumentScope may list: a search of the
// largest commons this is built for matches fewer documents than that.
const MaxScopeIDs = 1_000_000

// DocumentScope names the documents a statistic covers, among those the
// viewer may read.
type DocumentScope struct {
	// All is every document the viewer may read: the whole commons.
	All bool
	// IDs, when All is false, are the documents a search matched. Ids that
	// are missing, repeated or hidden from the viewer are left out, exactly
	// as unknown ones: the store checks visibility again, because the
	// search index may lag behind a change of visibility.
	IDs []string
}

// Check refuses a scope too large to be a search's result.
func (s DocumentScope) Check() error {
	if !s.All && len(s.IDs) > MaxScopeIDs {
		return Errorf(EINVALID, "too many documents in scope: %d, at most %d", len(s.IDs), MaxScopeIDs)
	}
	return nil
}

// CoverageQuery asks for the coverage of a scope, suppressed with K and
// released through Noise (see Release).
type CoverageQuery struct {
	Scope DocumentScope
	K     int
	// Noise, when set, is how the counts are released (coverage_release.go).
	// Nil gives Suppress's exact counts, which only the conformance suite
	// asks for: they are open to the attacks of issue #15.
	Noise *CoverageNoise
}

// Check is what every store checks before it counts: k and the scope.
func (q CoverageQuery) Check() error {
	if err := CheckCoverageK(q.K); err != nil {
		return err
	}
	return q.Scope.Check()
}

// ResearchStore serves statistics and maps of who contributes.
type ResearchStore interface {
	// StandpointCoverage counts, over the documents of q.Scope that the
	// viewer may read, their distinct authors and the standpoint values
	// those authors declare PUBLIC or AGGREGATE, and returns them through
	// q.Release: nothing per person leaves the store. Anyone may ask,
	// anonymous readers included; a k below MinCoverageK is
	// BAD_USER_INPUT, and q.Noise.Charge's error comes back as it is.
	StandpointCoverage(ctx context.Context, q CoverageQuery) (*Coverage, error)
	// ContributorNetwork returns the co-authorship network of the
	// documents of q.Scope that the viewer may read (see Network). For
	// researchers, curators, admins and the system (RequireResearcher):
	// UNAUTHENTICATED for anonymous callers, FORBIDDEN for anyone else.
	ContributorNetwork(ctx context.Context, q NetworkQuery) (*Network, error)
}

// Coverage is the suppressed result of StandpointCoverage.
type Coverage struct {
	K int
	// Documents is the number of documents counted: those of the scope
	// that the viewer may read.
	Documents int
	// Contributors is the number of distinct authors of those documents.
	Contributors int
	// TooFew is set when 1 to K−1 contributors are counted: then nothing
	// is said of any value, not even which ones are absent (see Suppress),
	// and Dimensions is empty.
	TooFew bool
	// Released is set when the counts went through CoverageNoise: then
	// Dimensions lists every dimension and value of the taxonomy, each
	// value with a rounded noisy Contributors and no Documents, and a
	// value released as 0 is absent.
	Released bool
	// Dimensions lists, by id, every dimension some counted contributor
	// declares a value of (PUBLIC or AGGREGATE). A dimension absent from
	// the list has no declaration: all its values are absent and every
	// contributor is undeclared on it.
	Dimensions []DimensionCoverage
}

// DimensionCoverage is one dimension of a Coverage.
type DimensionCoverage struct {
	Dimension string
	// Undeclared is the number of counted contributors who declare no
	// value of the dimension PUBLIC or AGGREGATE; nil when suppressed
	// (see Suppress).
	Undeclared           *int
	UndeclaredSuppressed bool
	// Values lists, by id, the values at least one counted contributor
	// declares. A value of the taxonomy missing here is absent (zero).
	Values []ValueCoverage
}

// ValueCoverage is one value of a DimensionCoverage. Contributors and
// Documents are both set or both nil (Suppressed).
type ValueCoverage struct {
	Value        string
	Contributors *int
	Documents    *int
	Suppressed   bool
}

// CoverageCounts are the raw tallies behind a Coverage, computed by a
// store. They may hold counts of one person: a store passes them through
// Suppress and returns only the result.
type CoverageCounts struct {
	Documents    int
	Contributors int
	// ContributorIDs are the counted contributors, in any order: the
	// scope that released counts are keyed on (ScopeDigest).
	ContributorIDs []string
	// Values: one entry per dimension:value that counted contributors
	// declare (Contributors > 0), in any order.
	Values []ValueCounts
	// Dimensions: one entry per dimension with Declared > 0, in any order.
	Dimensions []DimensionCounts
}

// ValueCounts are the tallies of one dimension:value.
type ValueCounts struct {
	Dimension, Value string
	// Contributors declaring the value PUBLIC or AGGREGATE.
	Contributors int
	// Aggregate: of those, the ones whose declaration is AGGREGATE.
	Aggregate int
	// Documents with at least one of those contributors among their authors.
	Documents int
}

// DimensionCounts are the tallies of one dimension.
type DimensionCounts struct {
	Dimension string
	// Declared: counted contributors declaring at least one value of the
	// dimension PUBLIC or AGGREGATE.
	Declared int
	// AggregateOnly: of those, the ones with no PUBLIC value on it.
	AggregateOnly int
}

// Suppress turns raw tallies into what may be shown. The threat it is
// built against is a reader who knows every PUBLIC declaration (they are
// public) and who the authors of the documents are (authorship of a
// readable document is public too), and who wants one person's AGGREGATE
// value. So every number shown must either come from PUBLIC declarations
// alone, or owe k people at least to AGGREGATE ones:
//
//  0. When 1 to k−1 contributors are counted, nothing is said of any value
//     (TooFew): with one author isolated by a filter, "suppressed" against
//     "absent" would tell that author's values apart, AGGREGATE or not.
//  1. A value's counts (contributors and documents, always together: a
//     document count of one would reveal as much as a contributor count
//     of one) are suppressed when its contributors number 1 to k−1.
//  2. They are suppressed too when the AGGREGATE part of that count is 1
//     to k−1, however large the whole: subtracting the PUBLIC holders,
//     which anyone can count, would give it.
//  3. They are suppressed when AGGREGATE declarations make the value
//     everyone's (contributors = all counted contributors): the count
//     would then state each person's value, k or not.
//  4. A dimension's undeclared count is suppressed when the contributors
//     whose only declarations on it are AGGREGATE number 1 to k−1, when
//     the AGGREGATE parts of its suppressed values add up to 1 to k−1, or
//     when rule 3 suppressed one of its values. Otherwise the undeclared
//     count, the counts shown and the public declarations would give back
//     the suppressed cells by subtraction.
//
// Zero is never suppressed: "absent" is the point of the analysis. This
// does not hold against several queries (scopes that differ by one person)
// nor against document counts read as equations (issue #15): the API
// releases through CoverageQuery.Release with noise instead, and this
// exact form is left for checking a store's tallies.
func (c CoverageCounts) Suppress(k int) (*Coverage, error) {
	if err := CheckCoverageK(k); err != nil {
		return nil, err
	}
	small := func(n int) bool { return n > 0 && n < k }
	out := &Coverage{K: k, Documents: c.Documents, Contributors: c.Contributors}
	if small(c.Contributors) {
		out.TooFew = true
		return out, nil
	}
	byDim := map[string]*DimensionCoverage{}
	dim := func(id string) *DimensionCoverage {
		d := byDim[id]
		if d == nil {
			d = &DimensionCoverage{Dimension: id}
			byDim[id] = d
		}
		return d
	}
	// Per dimension: the AGGREGATE parts of suppressed values, and
	// whether rule 3 fired.
	hiddenAggregate := map[string]int{}
	everyone := map[string]bool{}
	for _, v := range c.Values {
		if v.Contributors <= 0 {
			continue
		}
		vc := ValueCoverage{Value: v.Value}
		homogeneous := v.Aggregate > 0 && v.Contributors >= c.Contributors
		if small(v.Contributors) || small(v.Aggregate) || homogeneous {
			vc.Suppressed = true
			hiddenAggregate[v.Dimension] += v.Aggregate
			if homogeneous {
				everyone[v.Dimension] = true
			}
		} else {
			n, m := v.Contributors, v.Documents
			vc.Contributors, vc.Documents = &n, &m
		}
		d := dim(v.Dimension)
		d.Values = append(d.Values, vc)
	}
	declared := map[string]DimensionCounts{}
	for _, dc := range c.Dimensions {
		if dc.Declared > 0 {
			declared[dc.Dimension] = dc
			dim(dc.Dimension)
		}
	}
	for id, d := range byDim {
		dc := declared[id]
		if small(dc.AggregateOnly) || small(hiddenAggregate[id]) || everyone[id] {
			d.UndeclaredSuppressed = true
		} else {
			u := max(c.Contributors-dc.Declared, 0)
			d.Undeclared = &u
		}
		slices.SortFunc(d.Values, func(a, b ValueCoverage) int { return cmp.Compare(a.Value, b.Value) })
		out.Dimensions = append(out.Dimensions, *d)
	}
	slices.SortFunc(out.Dimensions, func(a, b DimensionCoverage) int { return cmp.Compare(a.Dimension, b.Dimension) })
	return out, nil
}

// CoverageTally computes CoverageCounts in memory, for stores that read
// authorship and declarations themselves (the embedded store). Each
// counted contributor is added once, with their declarations, and gets a
// number; each counted document is then added by its authors' numbers, so
// that a scope of a hundred thousand documents adds to small arrays
// rather than maps.
type CoverageTally struct {
	documents int
	values    []ValueCounts
	valueIdx  map[string]int // dimension + "\x00" + value → index in values
	dims      map[string]*DimensionCounts
	// holds[c] are the value indexes contributor number c declares.
	holds [][]int
	ids   []string
	// stamp[v] is the last document counted for value v, so that a
	// document with two authors of the same value counts once.
	stamp []int
}

// NewCoverageTally returns an empty tally.
func NewCoverageTally() *CoverageTally {
	return &CoverageTally{valueIdx: map[string]int{}, dims: map[string]*DimensionCounts{}}
}

// AddContributor records a counted contributor, id, with their
// declarations and returns their number for AddDocument. The caller adds
// each contributor once. PRIVATE declarations are dropped here, whatever
// the caller passes, and so are declarations of anyone else.
func (t *CoverageTally) AddContributor(id string, decls []Declaration) int {
	var held []int
	type dimState struct {
		id     string
		public bool
	}
	var perDim []dimState // a handful: a slice beats a map
	for _, d := range decls {
		if d.ContributorID != id || (d.Visibility != DeclPublic && d.Visibility != DeclAggregate) {
			continue
		}
		key := d.Dimension + "\x00" + d.Value
		i, ok := t.valueIdx[key]
		if !ok {
			i = len(t.values)
			t.valueIdx[key] = i
			t.values = append(t.values, ValueCounts{Dimension: d.Dimension, Value: d.Value})
			t.stamp = append(t.stamp, -1)
		}
		if slices.Contains(held, i) {
			continue // one declaration per value; a store never holds two
		}
		held = append(held, i)
		t.values[i].Contributors++
		if d.Visibility == DeclAggregate {
			t.values[i].Aggregate++
		}
		j := slices.IndexFunc(perDim, func(s dimState) bool { return s.id == d.Dimension })
		if j < 0 {
			perDim = append(perDim, dimState{id: d.Dimension})
			j = len(perDim) - 1
		}
		perDim[j].public = perDim[j].public || d.Visibility == DeclPublic
	}
	for _, s := range perDim {
		dc := t.dims[s.id]
		if dc == nil {
			dc = &DimensionCounts{Dimension: s.id}
			t.dims[s.id] = dc
		}
		dc.Declared++
		if !s.public {
			dc.AggregateOnly++
		}
	}
	t.holds = append(t.holds, held)
	t.ids = append(t.ids, id)
	return len(t.holds) - 1
}

// AddDocument counts one document by its authors' numbers.
func (t *CoverageTally) AddDocument(authors []int) {
	doc := t.documents
	t.documents++
	for _, a := range authors {
		for _, v := range t.holds[a] {
			if t.stamp[v] != doc {
				t.stamp[v] = doc
				t.values[v].Documents++
			}
		}
	}
}

// Counts returns the tallies so far.
func (t *CoverageTally) Counts() CoverageCounts {
	c := CoverageCounts{Documents: t.documents, Contributors: len(t.holds), Values: slices.Clone(t.values),
		ContributorIDs: slices.Clone(t.ids)}
	for _, d := range t.dims {
		c.Dimensions = append(c.Dimensions, *d)
	}
	return c
}
