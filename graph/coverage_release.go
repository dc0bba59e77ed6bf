package graph

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
)

// Released coverage (issue #15). Suppressing small counts protects one
// answer, not several: two scopes that differ by one person, or per-value
// document counts read as equations over public authorship, gave people's
// AGGREGATE values back. So the counts the API releases are built from
// AGGREGATE declarations only through a mechanism that has no exact small
// differences:
//
//   - a scope of fewer than MinContributors contributors says nothing of
//     any value (TooFew), and costs nothing;
//   - every value of the taxonomy, absent ones included, gets a contributor
//     count of true count + two-sided geometric noise (ε = ln 5 per
//     count), then randomly rounded to a multiple of CoverageBase, the
//     rounding unbiased (Statistics Canada's random rounding); ABSENT is a
//     released 0, so a true zero is no more exact than a true one. The
//     noise bounds the likelihood ratio of any released count between a
//     true n and n+1 (by 1/CoverageAlpha); the rounding bounds their
//     statistical distance (by 1/CoverageBase), the price being that a
//     true zero is released as 5 about one time in 25;
//   - each dimension's undeclared count is built the same way, from a
//     noisy count of the contributors who declare it;
//   - no per-value document count is released: a document count over
//     public authorship is an equation whose unknowns are people;
//   - the randomness is an HMAC-SHA-256 stream, keyed by a secret from
//     crypto/rand, of (the exact set of contributors counted, dimension,
//     value, true count): the same scope gets the same answer however
//     often it is asked, so repeating a query averages nothing away, while
//     two scopes that differ by one person are rounded independently;
//   - each new scope is charged to the viewer (CoverageNoise.Charge)
//     before anything is released: asking many slightly different scopes
//     is bounded by a budget per viewer.

// CoverageBase is the rounding base of released counts.
const CoverageBase = 5

// CoverageAlpha is the ratio of the two-sided geometric noise,
// P(Z = z) ∝ α^|z|: α = 1/5 is ε = ln 5 per count, so that any released
// count is at most 5 times likelier with one more holder than without,
// or one fewer. More noise (a larger α) would show more absent values
// as present; less would let one answer say more.
const CoverageAlpha = 1.0 / 5

// MinScopeFactor: a scope must count MinScopeFactor·k contributors or more
// before any value is said of it.
const MinScopeFactor = 2

// ECOVERAGEBUDGET is the error code of a viewer whose budget of new
// coverage scopes is spent.
const ECOVERAGEBUDGET = "COVERAGE_BUDGET_EXHAUSTED"

// CoverageScopeKeySize is the size of the secret key of released coverage.
const CoverageScopeKeySize = 32

// CoverageNoise is how a store releases a Coverage: the API fills it.
type CoverageNoise struct {
	// Key is the secret of the random stream (CoverageScopeKeySize bytes
	// from crypto/rand), kept by the server across restarts so that a
	// scope keeps its answer.
	Key []byte
	// Taxonomy lists the values to release, absent ones included: a value
	// missing from the counts is released like any other.
	Taxonomy *Taxonomy
	// Charge is called with the scope's digest once the scope is known to
	// be large enough, before anything is released; an error (code
	// ECOVERAGEBUDGET) refuses the answer.
	Charge func(scope [32]byte) error
}

// MinContributors is the smallest scope that coverage describes.
func MinContributors(k int) int { return MinScopeFactor * k }

// Release turns a store's raw counts into what may leave the store: with
// q.Noise, the released coverage described above; without it, the exact
// suppressed counts of Suppress, which only the conformance suite asks
// for, to check a store's tallies (the API always sets Noise).
func (q CoverageQuery) Release(c CoverageCounts) (*Coverage, error) {
	if q.Noise == nil {
		return c.Suppress(q.K)
	}
	if err := CheckCoverageK(q.K); err != nil {
		return nil, err
	}
	n := q.Noise
	if len(n.Key) < CoverageScopeKeySize || n.Taxonomy == nil {
		return nil, Errorf(EINTERNAL, "coverage released without a key or a taxonomy")
	}
	out := &Coverage{K: q.K, Documents: c.Documents, Contributors: c.Contributors, Released: true}
	if c.Contributors == 0 {
		// No one counted: every value is absent, and that concerns no one.
		return out, nil
	}
	if c.Contributors < MinContributors(q.K) {
		out.TooFew = true
		return out, nil
	}
	scope := ScopeDigest(n.Key, c.ContributorIDs)
	if n.Charge != nil {
		if err := n.Charge(scope); err != nil {
			return nil, err
		}
	}
	values := map[string]int{}
	for _, v := range c.Values {
		values[v.Dimension+"\x00"+v.Value] = v.Contributors
	}
	declared := map[string]int{}
	for _, d := range c.Dimensions {
		declared[d.Dimension] = d.Declared
	}
	for _, td := range n.Taxonomy.Dimensions {
		d := DimensionCoverage{Dimension: td.ID}
		for _, tv := range td.Values {
			r := noisyCount(n.Key, scope, td.ID, tv.ID, values[td.ID+"\x00"+tv.ID])
			d.Values = append(d.Values, ValueCoverage{Value: tv.ID, Contributors: &r})
		}
		// "\x01" cannot be a value id: the dimension's own stream.
		decl := min(noisyCount(n.Key, scope, td.ID, "\x01declared", declared[td.ID]), c.Contributors)
		u := c.Contributors - decl
		d.Undeclared = &u
		slices.SortFunc(d.Values, func(a, b ValueCoverage) int { return cmp.Compare(a.Value, b.Value) })
		out.Dimensions = append(out.Dimensions, d)
	}
	// Retired values and dimensions are not released: listing one only
	// when someone holds it would say that someone does.
	slices.SortFunc(out.Dimensions, func(a, b DimensionCoverage) int { return cmp.Compare(a.Dimension, b.Dimension) })
	return out, nil
}

// ScopeDigest names a set of contributors without listing them: the same
// set gives the same digest, in any order and with repeats.
func ScopeDigest(key []byte, ids []string) [32]byte {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	m := hmac.New(sha256.New, key)
	m.Write([]byte("maillage coverage scope\x00"))
	for _, id := range ids {
		m.Write([]byte(id))
		m.Write([]byte{0})
	}
	var d [32]byte
	m.Sum(d[:0])
	return d
}

// noisyCount releases n, the true count of dimension:value in scope.
func noisyCount(key []byte, scope [32]byte, dimension, value string, n int) int {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("maillage coverage count\x00"))
	m.Write(scope[:])
	m.Write([]byte(dimension + "\x00" + value + "\x00" + strconv.Itoa(n)))
	sum := m.Sum(nil)
	return NoisyRound(n, unit(sum[0:8]), unit(sum[8:16]), unit(sum[16:24]))
}

// unit maps 8 bytes to a uniform number in (0, 1].
func unit(b []byte) float64 {
	return float64(binary.BigEndian.Uint64(b)>>11+1) / (1 << 53)
}

// NoisyRound is the release mechanism given three uniform numbers in
// (0, 1]: n plus two-sided geometric noise (the difference of two
// geometric draws of ratio CoverageAlpha, from u1 and u2), clamped at 0,
// then rounded to a multiple of CoverageBase, up with probability
// remainder/CoverageBase (from u3). Exported for tests that compute what
// an attacker can infer.
func NoisyRound(n int, u1, u2, u3 float64) int {
	g := func(u float64) int { return int(math.Floor(math.Log(u) / math.Log(CoverageAlpha))) }
	x := max(n+g(u1)-g(u2), 0)
	q, r := x/CoverageBase, x%CoverageBase
	if u3 <= float64(r)/CoverageBase {
		q++
	}
	return q * CoverageBase
}

// ReleaseProbability is P(NoisyRound(n, …) = r) over uniform draws: the
// mechanism is public, only its key is secret, so this is what an attacker
// can compute. For tests and for anyone checking docs/privacy.md's claims.
func ReleaseProbability(n, r int) float64 {
	if r%CoverageBase != 0 || r < 0 || n < 0 {
		return 0
	}
	a := CoverageAlpha
	// px is P(max(n+Z, 0) = x).
	px := func(x int) float64 {
		if x == 0 {
			return math.Pow(a, float64(n)) / (1 + a) // every z ≤ −n
		}
		return (1 - a) / (1 + a) * math.Pow(a, math.Abs(float64(x-n)))
	}
	var p float64
	// Only x within one base of r rounds to r.
	for x := max(r-CoverageBase+1, 0); x <= r+CoverageBase-1; x++ {
		up := float64(x%CoverageBase) / CoverageBase
		switch {
		case x/CoverageBase*CoverageBase == r:
			p += px(x) * (1 - up)
		case (x/CoverageBase+1)*CoverageBase == r:
			p += px(x) * up
		}
	}
	return p
}
