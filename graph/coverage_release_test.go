package graph

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The mechanism's promises, computed exactly from its distribution
// (ReleaseProbability), which is itself checked against draws.

func releaseDist(n int) map[int]float64 {
	out := map[int]float64{}
	for r := 0; r <= 400; r += CoverageBase {
		if p := ReleaseProbability(n, r); p > 0 {
			out[r] = p
		}
	}
	return out
}

func TestReleaseDistribution(t *testing.T) {
	t.Parallel()
	for n := range 60 {
		var sum float64
		for _, p := range releaseDist(n) {
			sum += p
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("n = %d: probabilities add up to %v", n, sum)
		}
	}
	// The formula is the mechanism: draws agree with it.
	rng := rand.New(rand.NewPCG(1, 2))
	u := func() float64 { return 1 - rng.Float64() } // (0, 1]
	const draws = 200_000
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 12} {
		got := map[int]int{}
		for range draws {
			got[NoisyRound(n, u(), u(), u())]++
		}
		for r, p := range releaseDist(n) {
			if f := float64(got[r]) / draws; math.Abs(f-p) > 0.005 {
				t.Errorf("n = %d, r = %d: drawn %.4f, formula %.4f", n, r, f, p)
			}
		}
		for r := range got {
			if r%CoverageBase != 0 || r < 0 {
				t.Errorf("n = %d: released %d, not a multiple of %d", n, r, CoverageBase)
			}
		}
	}
}

// TestReleaseGuarantee checks docs/privacy.md's numbers: between n and n+1
// holders (one person more or less), every released count is at most
// 1/CoverageAlpha times likelier, and the two distributions are at most
// 1/CoverageBase apart; a true zero shows as present rarely.
func TestReleaseGuarantee(t *testing.T) {
	t.Parallel()
	bound := 1 / CoverageAlpha
	for n := range 80 {
		a, b := releaseDist(n), releaseDist(n+1)
		var tv float64
		for r := 0; r <= 400; r += CoverageBase {
			pa, pb := a[r], b[r]
			tv += math.Abs(pa-pb) / 2
			if pa > bound*pb*(1+1e-9) || pb > bound*pa*(1+1e-9) {
				t.Errorf("n = %d vs %d, r = %d: %.3g vs %.3g, ratio past %v", n, n+1, r, pa, pb, bound)
			}
		}
		if tv > 1.0/CoverageBase+1e-9 {
			t.Errorf("n = %d vs %d: statistical distance %.4f, past 1/%d", n, n+1, tv, CoverageBase)
		}
	}
	if p := 1 - ReleaseProbability(0, 0); p > 0.05 {
		t.Errorf("a true zero shows as present with probability %.3f", p)
	}
	t.Logf("true 0 released as present: %.4f; true 1: %.4f; true 3: %.4f", 1-ReleaseProbability(0, 0), 1-ReleaseProbability(1, 0), 1-ReleaseProbability(3, 0))
}

func testNoise(charge func([32]byte) error) *CoverageNoise {
	key := make([]byte, CoverageScopeKeySize)
	copy(key, "a test key, not a secret at all!")
	return &CoverageNoise{Key: key, Taxonomy: DefaultTaxonomy(), Charge: charge}
}

// people returns n contributors, the first w of whom declare gender:woman
// AGGREGATE, and each a PUBLIC region.
func people(n, w int) CoverageCounts {
	t := NewCoverageTally()
	for i := range n {
		id := fmt.Sprint("c", i)
		ds := []Declaration{{ContributorID: id, Dimension: "region", Value: "montreal", Visibility: DeclPublic}}
		if i < w {
			ds = append(ds, Declaration{ContributorID: id, Dimension: "gender", Value: "woman", Visibility: DeclAggregate})
		}
		t.AddDocument([]int{t.AddContributor(id, ds)})
	}
	return t.Counts()
}

func TestReleaseShape(t *testing.T) {
	t.Parallel()
	var charged [][32]byte
	q := CoverageQuery{K: 5, Noise: testNoise(func(s [32]byte) error { charged = append(charged, s); return nil })}
	c, err := q.Release(people(12, 7))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Released || c.TooFew || c.Contributors != 12 || c.Documents != 12 || len(charged) != 1 {
		t.Fatalf("released %+v, charged %d", c, len(charged))
	}
	tax := DefaultTaxonomy()
	if len(c.Dimensions) != len(tax.Dimensions) {
		t.Fatalf("%d dimensions, want every one of the taxonomy", len(c.Dimensions))
	}
	for _, d := range c.Dimensions {
		if len(d.Values) != len(tax.Dimension(d.Dimension).Values) || d.Undeclared == nil || d.UndeclaredSuppressed {
			t.Errorf("%s: %+v", d.Dimension, d)
		}
		for _, v := range d.Values {
			if v.Documents != nil || v.Suppressed || v.Contributors == nil || *v.Contributors%CoverageBase != 0 {
				t.Errorf("%s:%s: %+v: want a rounded contributor count and no document count", d.Dimension, v.Value, v)
			}
		}
	}
	// The same scope, its contributors in another order and repeated,
	// answers the same: asking again averages nothing away.
	counts := people(12, 7)
	counts.ContributorIDs = append(slices.Clone(counts.ContributorIDs), counts.ContributorIDs[3])
	slices.Reverse(counts.ContributorIDs)
	again, err := q.Release(counts)
	if err != nil {
		t.Fatal(err)
	}
	if flat(again) != flat(c) || charged[1] != charged[0] {
		t.Errorf("the same scope answered differently:\n%v\n%v", flat(c), flat(again))
	}
}

func TestReleaseFloor(t *testing.T) {
	t.Parallel()
	calls := 0
	q := CoverageQuery{K: 5, Noise: testNoise(func([32]byte) error { calls++; return nil })}
	for _, n := range []int{1, 4, 9} {
		c, err := q.Release(people(n, n))
		if err != nil || !c.TooFew || len(c.Dimensions) != 0 {
			t.Errorf("%d contributors: %+v, %v; want too few (fewer than 2k)", n, c, err)
		}
	}
	if c, err := q.Release(CoverageCounts{}); err != nil || c.TooFew || len(c.Dimensions) != 0 {
		t.Errorf("nobody: %+v, %v", c, err)
	}
	if calls != 0 {
		t.Errorf("a scope below the floor was charged %d times", calls)
	}
	if c, err := q.Release(people(10, 10)); err != nil || c.TooFew || calls != 1 {
		t.Errorf("2k contributors: %+v, %v, %d charges", c, err, calls)
	}
}

func TestReleaseRefusedWhenCharged(t *testing.T) {
	t.Parallel()
	spent := Errorf(ECOVERAGEBUDGET, "spent")
	q := CoverageQuery{K: 5, Noise: testNoise(func([32]byte) error { return spent })}
	if c, err := q.Release(people(12, 3)); !errors.Is(err, spent) || c != nil {
		t.Errorf("budget spent: %+v, %v", c, err)
	}
	q.Noise.Key = q.Noise.Key[:8]
	if _, err := q.Release(people(12, 3)); ErrorCode(err) != EINTERNAL {
		t.Errorf("short key: %v", err)
	}
}

// TestReleaseRetired: a value or dimension outside the taxonomy is not
// released, since listing it only when held would say it is held.
func TestReleaseRetired(t *testing.T) {
	t.Parallel()
	counts := people(12, 6)
	counts.Values = append(counts.Values, ValueCounts{Dimension: "gender", Value: "retired", Contributors: 6, Aggregate: 6, Documents: 6},
		ValueCounts{Dimension: "old", Value: "x", Contributors: 6, Aggregate: 6, Documents: 6})
	counts.Dimensions = append(counts.Dimensions, DimensionCounts{Dimension: "old", Declared: 6, AggregateOnly: 6})
	c, err := CoverageQuery{K: 5, Noise: testNoise(nil)}.Release(counts)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range c.Dimensions {
		if d.Dimension == "old" {
			t.Errorf("retired dimension released")
		}
		for _, v := range d.Values {
			if v.Value == "retired" {
				t.Errorf("retired value released")
			}
		}
	}
}

// TestReleaseOnePersonApart: two scopes one person apart draw their noise
// independently, so that the difference of their answers is noise too.
func TestReleaseOnePersonApart(t *testing.T) {
	t.Parallel()
	key := testNoise(nil).Key
	all := []string{"a", "b", "c", "d"}
	if ScopeDigest(key, all) == ScopeDigest(key, all[1:]) {
		t.Fatal("two scopes one person apart share a digest")
	}
	if ScopeDigest(key, all) == ScopeDigest(append(slices.Clone(key[:31]), 'x'), all) {
		t.Fatal("the digest does not depend on the key")
	}
	// Over many scopes, the answers for n and n holders agree no more
	// often than independent draws do.
	same := 0
	const scopes = 4000
	for i := range scopes {
		s1 := ScopeDigest(key, []string{fmt.Sprint(i), "x"})
		s2 := ScopeDigest(key, []string{fmt.Sprint(i)})
		if noisyCount(key, s1, "gender", "woman", 3) == noisyCount(key, s2, "gender", "woman", 3) {
			same++
		}
	}
	var want float64
	for _, p := range releaseDist(3) {
		want += p * p
	}
	if f := float64(same) / scopes; math.Abs(f-want) > 0.03 {
		t.Errorf("answers of two scopes agree %.3f of the time, independent draws %.3f", f, want)
	}
}

// flat prints a released coverage's numbers.
func flat(c *Coverage) string {
	out := fmt.Sprint(c.Contributors, c.Documents, c.TooFew)
	for _, d := range c.Dimensions {
		out += fmt.Sprintf(" %s(%d)", d.Dimension, *d.Undeclared)
		for _, v := range d.Values {
			out += fmt.Sprintf(" %s=%d", v.Value, *v.Contributors)
		}
	}
	return out
}
