package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// cell renders a ValueCoverage as "n/m", "suppressed" or "INCONSISTENT".
func cell(v ValueCoverage) string {
	switch {
	case v.Suppressed && v.Contributors == nil && v.Documents == nil:
		return "suppressed"
	case !v.Suppressed && v.Contributors != nil && v.Documents != nil:
		return fmt.Sprintf("%d/%d", *v.Contributors, *v.Documents)
	}
	return "INCONSISTENT"
}

func undeclared(d DimensionCoverage) string {
	switch {
	case d.UndeclaredSuppressed && d.Undeclared == nil:
		return "suppressed"
	case !d.UndeclaredSuppressed && d.Undeclared != nil:
		return fmt.Sprint(*d.Undeclared)
	}
	return "INCONSISTENT"
}

func TestSuppressRules(t *testing.T) {
	t.Parallel()
	const k = 5
	cases := []struct {
		name      string
		n, a, m   int // contributors, of which AGGREGATE, documents
		total     int // contributors counted
		wantShown bool
	}{
		{"k or more, all PUBLIC", 5, 0, 9, 20, true},
		{"one below k, all PUBLIC", 4, 0, 9, 20, false},
		{"one, PUBLIC", 1, 0, 1, 20, false},
		{"one, AGGREGATE", 1, 1, 1, 20, false},
		{"k, all AGGREGATE", 5, 5, 5, 20, true},
		{"many, one of them AGGREGATE", 30, 1, 40, 50, false},
		{"many, k−1 of them AGGREGATE", 30, 4, 40, 50, false},
		{"many, k of them AGGREGATE", 30, 5, 40, 50, true},
		{"everyone, all PUBLIC", 20, 0, 30, 20, true},
		{"everyone, some AGGREGATE", 20, 10, 30, 20, false},
		{"all but one, some AGGREGATE", 19, 10, 30, 20, true},
		// A document count below k with a contributor count of k or more
		// is shown: it reveals nothing the contributor count does not.
		{"many contributors on few documents", 6, 0, 2, 20, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cov, err := CoverageCounts{Documents: 100, Contributors: c.total,
				Values:     []ValueCounts{{Dimension: "d", Value: "v", Contributors: c.n, Aggregate: c.a, Documents: c.m}},
				Dimensions: []DimensionCounts{{Dimension: "d", Declared: c.n}},
			}.Suppress(k)
			if err != nil {
				t.Fatal(err)
			}
			got := cell(cov.Dimensions[0].Values[0])
			want := "suppressed"
			if c.wantShown {
				want = fmt.Sprintf("%d/%d", c.n, c.m)
			}
			if got != want {
				t.Errorf("n=%d a=%d of %d: got %s, want %s", c.n, c.a, c.total, got, want)
			}
		})
	}
}

func TestSuppressUndeclared(t *testing.T) {
	t.Parallel()
	const k = 3
	cases := []struct {
		name   string
		values []ValueCounts
		dim    DimensionCounts
		want   string
	}{
		{"all PUBLIC", []ValueCounts{{Value: "x", Contributors: 6}, {Value: "y", Contributors: 1}},
			DimensionCounts{Declared: 7}, "3"},
		{"one declares through AGGREGATE only", []ValueCounts{{Value: "x", Contributors: 6}, {Value: "y", Contributors: 1, Aggregate: 1}},
			DimensionCounts{Declared: 7, AggregateOnly: 1}, "suppressed"},
		// Three AGGREGATE holders of x, two of whom declare z PUBLIC: x
		// shows, but undeclared would tell that one person declares this
		// dimension through AGGREGATE only, and so holds x.
		{"one AGGREGATE-only declarer among others", []ValueCounts{{Value: "x", Contributors: 3, Aggregate: 3}, {Value: "z", Contributors: 3}},
			DimensionCounts{Declared: 4, AggregateOnly: 1}, "suppressed"},
		{"k declare through AGGREGATE only, shown", []ValueCounts{{Value: "x", Contributors: 6, Aggregate: 3}},
			DimensionCounts{Declared: 6, AggregateOnly: 3}, "4"},
		// The one AGGREGATE value of someone who also declares a PUBLIC one
		// would come back by subtraction from the shown cells.
		{"a hidden AGGREGATE part", []ValueCounts{{Value: "x", Contributors: 6, Aggregate: 3}, {Value: "y", Contributors: 1, Aggregate: 1}},
			DimensionCounts{Declared: 6, AggregateOnly: 3}, "suppressed"},
		{"hidden AGGREGATE parts adding up to k", []ValueCounts{{Value: "x", Contributors: 2, Aggregate: 2}, {Value: "y", Contributors: 1, Aggregate: 1}, {Value: "z", Contributors: 5}},
			DimensionCounts{Declared: 8, AggregateOnly: 3}, "2"},
		{"a value that is everyone's", []ValueCounts{{Value: "x", Contributors: 10, Aggregate: 9}},
			DimensionCounts{Declared: 10, AggregateOnly: 9}, "suppressed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := CoverageCounts{Documents: 1, Contributors: 10, Dimensions: []DimensionCounts{c.dim}}
			in.Dimensions[0].Dimension = "d"
			for _, v := range c.values {
				v.Dimension = "d"
				in.Values = append(in.Values, v)
			}
			cov, err := in.Suppress(k)
			if err != nil {
				t.Fatal(err)
			}
			if got := undeclared(cov.Dimensions[0]); got != c.want {
				t.Errorf("undeclared %s, want %s", got, c.want)
			}
		})
	}
}

func TestSuppressShape(t *testing.T) {
	t.Parallel()
	for _, k := range []int{-3, 0, 1} {
		if _, err := (CoverageCounts{}).Suppress(k); ErrorCode(err) != EINVALID {
			t.Errorf("Suppress(%d): error %v, want %s", k, err, EINVALID)
		}
	}
	cov, err := CoverageCounts{Documents: 4, Contributors: 3,
		Values: []ValueCounts{
			{Dimension: "b", Value: "z", Contributors: 2, Documents: 2},
			{Dimension: "a", Value: "y", Contributors: 3, Documents: 4},
			{Dimension: "b", Value: "a", Contributors: 2, Documents: 1},
			{Dimension: "a", Value: "never", Contributors: 0}, // no one: left out
		},
		Dimensions: []DimensionCounts{{Dimension: "b", Declared: 2}, {Dimension: "a", Declared: 3}, {Dimension: "c"}},
	}.Suppress(2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range cov.Dimensions {
		got = append(got, d.Dimension+" undeclared="+undeclared(d))
		for _, v := range d.Values {
			got = append(got, d.Dimension+":"+v.Value+" "+cell(v))
		}
	}
	want := []string{"a undeclared=0", "a:y 3/4", "b undeclared=1", "b:a 2/1", "b:z 2/2"}
	if !slices.Equal(got, want) {
		t.Errorf("coverage %q, want %q (sorted by dimension, then value; nobody's values and dimensions left out)", got, want)
	}
	if cov.K != 2 || cov.Documents != 4 || cov.Contributors != 3 {
		t.Errorf("K %d, documents %d, contributors %d; want 2, 4, 3", cov.K, cov.Documents, cov.Contributors)
	}

	// Fewer contributors than k: totals only, whatever the tallies.
	few, err := CoverageCounts{Documents: 2, Contributors: 4,
		Values:     []ValueCounts{{Dimension: "a", Value: "y", Contributors: 4, Documents: 2}},
		Dimensions: []DimensionCounts{{Dimension: "a", Declared: 4}},
	}.Suppress(5)
	if err != nil {
		t.Fatal(err)
	}
	if !few.TooFew || len(few.Dimensions) != 0 || few.Contributors != 4 || few.Documents != 2 {
		t.Errorf("4 contributors, k = 5: %+v, want TooFew with totals and no dimension", few)
	}
	none, err := CoverageCounts{}.Suppress(5)
	if err != nil {
		t.Fatal(err)
	}
	if none.TooFew {
		t.Error("no contributor at all: TooFew set, but there is no one to single out")
	}
}

func TestCoverageTally(t *testing.T) {
	t.Parallel()
	tl := NewCoverageTally()
	a := tl.AddContributor("a", []Declaration{
		{ContributorID: "a", Dimension: "g", Value: "w", Visibility: DeclPublic},
		{ContributorID: "a", Dimension: "l", Value: "fr", Visibility: DeclAggregate},
		{ContributorID: "a", Dimension: "h", Value: "x", Visibility: DeclPrivate},
		// Someone else's declaration passed by mistake: dropped.
		{ContributorID: "b", Dimension: "g", Value: "m", Visibility: DeclPublic},
	})
	b := tl.AddContributor("b", []Declaration{
		{ContributorID: "b", Dimension: "g", Value: "w", Visibility: DeclAggregate},
		{ContributorID: "b", Dimension: "l", Value: "fr", Visibility: DeclPublic},
		{ContributorID: "b", Dimension: "l", Value: "en", Visibility: DeclAggregate},
		{ContributorID: "b", Dimension: "l", Value: "en", Visibility: DeclAggregate}, // twice: once
	})
	tl.AddDocument([]int{a, b, b})
	tl.AddDocument([]int{b})
	tl.AddDocument(nil)
	c := tl.Counts()
	if c.Documents != 3 || c.Contributors != 2 {
		t.Errorf("documents %d contributors %d, want 3 and 2", c.Documents, c.Contributors)
	}
	var vs []string
	for _, v := range c.Values {
		vs = append(vs, fmt.Sprintf("%s:%s n=%d a=%d m=%d", v.Dimension, v.Value, v.Contributors, v.Aggregate, v.Documents))
	}
	slices.Sort(vs)
	wantV := []string{"g:w n=2 a=1 m=2", "l:en n=1 a=1 m=2", "l:fr n=2 a=1 m=2"}
	if !slices.Equal(vs, wantV) {
		t.Errorf("values %q, want %q", vs, wantV)
	}
	var ds []string
	for _, d := range c.Dimensions {
		ds = append(ds, fmt.Sprintf("%s declared=%d aggregateOnly=%d", d.Dimension, d.Declared, d.AggregateOnly))
	}
	slices.Sort(ds)
	wantD := []string{"g declared=2 aggregateOnly=1", "l declared=2 aggregateOnly=1"}
	if !slices.Equal(ds, wantD) {
		t.Errorf("dimensions %q, want %q", ds, wantD)
	}
}

// TestSuppressAgainstSubtraction plays the reader the rules are built
// against, on random commons: they know every PUBLIC declaration and who
// wrote what, and subtract. Whatever a shown number lets them compute of
// AGGREGATE declarations must be 0 or owe k people at least, and no value
// may be shown as everyone's while some hold it through AGGREGATE.
// Declarations here are one value per person and dimension, so that the
// undeclared count gives the hidden cells back exactly when not
// suppressed.
func TestSuppressAgainstSubtraction(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 5))
	values := []string{"v0", "v1", "v2", "v3"}
	for trial := range 3000 {
		k := 2 + rng.IntN(5)
		people := 1 + rng.IntN(40)
		tl := NewCoverageTally()
		public := map[string]int{}        // value → PUBLIC holders
		publicDeclarers := 0              // people with a PUBLIC value on the dimension
		pAgg := rng.Float64()             // how often a declaration is AGGREGATE
		skew := 1 + rng.IntN(len(values)) // how many values are in use
		for p := range people {
			var ds []Declaration
			id := fmt.Sprint("p", p)
			switch r := rng.Float64(); {
			case r < 0.2: // declares nothing
			case r < 0.3:
				ds = append(ds, Declaration{ContributorID: id, Dimension: "d", Value: "v0", Visibility: DeclPrivate})
			default:
				v := values[rng.IntN(skew)]
				vis := DeclPublic
				if rng.Float64() < pAgg {
					vis = DeclAggregate
				} else {
					public[v]++
					publicDeclarers++
				}
				ds = append(ds, Declaration{ContributorID: id, Dimension: "d", Value: v, Visibility: vis})
			}
			tl.AddDocument([]int{tl.AddContributor(id, ds)})
		}
		cov, err := tl.Counts().Suppress(k)
		if err != nil {
			t.Fatal(err)
		}
		small := func(n int) bool { return n > 0 && n < k }
		for _, d := range cov.Dimensions {
			shownAggregate := 0
			for _, v := range d.Values {
				if v.Suppressed {
					continue
				}
				agg := *v.Contributors - public[v.Value]
				if small(agg) {
					t.Fatalf("trial %d (k=%d): %s shows %d, %d PUBLIC: subtraction gives %d AGGREGATE holders", trial, k, v.Value, *v.Contributors, public[v.Value], agg)
				}
				if agg > 0 && *v.Contributors == cov.Contributors {
					t.Fatalf("trial %d (k=%d): %s is shown as everyone's (%d) with %d AGGREGATE holders", trial, k, v.Value, cov.Contributors, agg)
				}
				shownAggregate += agg
			}
			if d.Undeclared == nil {
				continue
			}
			// Declared people minus PUBLIC declarers are the AGGREGATE-only
			// ones; minus the AGGREGATE parts shown, the hidden cells'.
			aggregateOnly := cov.Contributors - *d.Undeclared - publicDeclarers
			if small(aggregateOnly) {
				t.Fatalf("trial %d (k=%d): undeclared %d gives %d AGGREGATE-only declarers", trial, k, *d.Undeclared, aggregateOnly)
			}
			if hidden := aggregateOnly - shownAggregate; small(hidden) {
				t.Fatalf("trial %d (k=%d): undeclared %d gives %d AGGREGATE holders in the suppressed values", trial, k, *d.Undeclared, hidden)
			}
		}
	}
}
