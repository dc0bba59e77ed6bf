package diff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// lcs is the textbook dynamic programme, the reference for small inputs.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// check verifies that r turns a into b with consistent line numbers, and
// returns the number of lines it deletes or inserts.
func check(t *testing.T, a, b []string, r Result) int {
	t.Helper()
	var old, new []string
	edits := 0
	for _, l := range r.Lines {
		switch l.Op {
		case Equal:
			old, new = append(old, l.Text), append(new, l.Text)
			if l.Old != len(old) || l.New != len(new) {
				t.Fatalf("equal line %+v: numbers should be %d, %d", l, len(old), len(new))
			}
		case Delete:
			old = append(old, l.Text)
			edits++
			if l.Old != len(old) || l.New != 0 {
				t.Fatalf("deleted line %+v: numbers should be %d, 0", l, len(old))
			}
		case Insert:
			new = append(new, l.Text)
			edits++
			if l.New != len(new) || l.Old != 0 {
				t.Fatalf("inserted line %+v: numbers should be 0, %d", l, len(new))
			}
		}
	}
	if !slices.Equal(old, a) || !slices.Equal(new, b) {
		t.Fatalf("script does not rebuild the texts:\n a %q\n b %q\n old %q\n new %q", a, b, old, new)
	}
	return edits
}

func TestCompareIsShortest(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		alphabet := 1 + r.IntN(6)
		gen := func() []string {
			out := make([]string, r.IntN(25))
			for j := range out {
				out[j] = string(rune('a' + r.IntN(alphabet)))
			}
			return out
		}
		a, b := gen(), gen()
		res := Compare(a, b)
		if !res.Minimal {
			t.Fatalf("case %d: small inputs must be compared exactly", i)
		}
		if edits, want := check(t, a, b, res), len(a)+len(b)-2*lcs(a, b); edits != want {
			t.Fatalf("case %d: %d edits for %q → %q, the shortest script has %d", i, edits, a, b, want)
		}
		if res.Changed() != !slices.Equal(a, b) {
			t.Fatalf("case %d: Changed %v for %q → %q", i, res.Changed(), a, b)
		}
	}
}

func TestTexts(t *testing.T) {
	t.Parallel()
	res := Texts("Le maillage\ndes organismes\ncommunautaires\n", "Le maillage\ndes groupes\ncommunautaires\nau Québec")
	var got []string
	for _, l := range res.Lines {
		got = append(got, fmt.Sprintf("%s %d %d %s", l.Op, l.Old, l.New, l.Text))
	}
	want := []string{
		"EQUAL 1 1 Le maillage",
		"DELETE 2 0 des organismes",
		"INSERT 0 2 des groupes",
		"EQUAL 3 3 communautaires",
		"INSERT 0 4 au Québec",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := Texts("", ""); len(r.Lines) != 0 || r.Changed() {
		t.Errorf("two empty texts: %+v", r)
	}
	if r := Texts("", "une ligne"); len(r.Lines) != 1 || r.Lines[0].Op != Insert {
		t.Errorf("from empty: %+v", r)
	}
}

// TestCompareIsBounded: two large unrelated texts would take minutes to
// compare exactly; the budget stops the search, and the script is still
// correct.
func TestCompareIsBounded(t *testing.T) {
	t.Parallel()
	a, b := make([]string, 30_000), make([]string, 30_000)
	for i := range a {
		a[i] = fmt.Sprint("a", i%977)
		b[i] = fmt.Sprint("b", i%983)
	}
	// A few shared lines, so that there is something to find.
	for i := 0; i < len(a); i += 1000 {
		b[i] = a[i]
	}
	res := Compare(a, b)
	if res.Minimal {
		t.Error("the search should have run out of budget")
	}
	check(t, a, b, res)
}
