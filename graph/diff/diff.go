// Package diff compares two texts line by line, for document revisions:
// Myers' O(ND) algorithm in linear space (the divide-and-conquer on the
// "middle snake"), which finds a shortest edit script, that is a longest
// common subsequence of lines. No dependency: it is some hundred lines.
//
// A document body may hold 200 000 bytes, and two unrelated versions of it
// could cost seconds to compare exactly, so the work is bounded: past
// MaxWork steps the parts still to compare are reported as replaced
// wholesale. The script is then still correct (applying it to the old text
// gives the new one) but maybe not the shortest, and Result.Minimal says so.
package diff

import "strings"

// Op is what a line of a script does.
type Op int

const (
	Equal Op = iota
	Delete
	Insert
)

func (o Op) String() string {
	switch o {
	case Delete:
		return "DELETE"
	case Insert:
		return "INSERT"
	}
	return "EQUAL"
}

// Line is one line of an edit script. Old and New are 1-based line
// numbers in the old and new text; 0 where the line is not in that text.
type Line struct {
	Op       Op
	Text     string
	Old, New int
}

// Result is an edit script from one text to another.
type Result struct {
	Lines []Line
	// Minimal is false when the work bound cut the search short.
	Minimal bool
}

// Changed reports whether the texts differ.
func (r Result) Changed() bool {
	for _, l := range r.Lines {
		if l.Op != Equal {
			return true
		}
	}
	return false
}

// MaxWork bounds the steps of one comparison (tens of milliseconds).
const MaxWork = 20_000_000

// Texts compares two texts split into lines on "\n". An empty text has no
// line; a final newline does not make an empty last line.
func Texts(a, b string) Result { return Compare(split(a), split(b)) }

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Compare compares two sequences of lines.
func Compare(a, b []string) Result {
	// Lines become small integers, so that comparisons are cheap.
	ids := map[string]int{}
	intern := func(xs []string) []int {
		out := make([]int, len(xs))
		for i, x := range xs {
			id, ok := ids[x]
			if !ok {
				id = len(ids)
				ids[x] = id
			}
			out[i] = id
		}
		return out
	}
	d := &differ{a: intern(a), b: intern(b), budget: MaxWork}
	d.deleted = make([]bool, len(a))
	d.inserted = make([]bool, len(b))
	d.compare(0, len(a), 0, len(b))

	res := Result{Minimal: d.budget >= 0}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && d.deleted[i]:
			res.Lines = append(res.Lines, Line{Op: Delete, Text: a[i], Old: i + 1})
			i++
		case j < len(b) && d.inserted[j]:
			res.Lines = append(res.Lines, Line{Op: Insert, Text: b[j], New: j + 1})
			j++
		default:
			res.Lines = append(res.Lines, Line{Op: Equal, Text: a[i], Old: i + 1, New: j + 1})
			i++
			j++
		}
	}
	return res
}

type differ struct {
	a, b              []int
	deleted, inserted []bool
	budget            int // steps left; negative once exhausted
}

// compare marks the lines of a[x0:x1] and b[y0:y1] that a shortest edit
// script deletes and inserts.
func (d *differ) compare(x0, x1, y0, y1 int) {
	for x0 < x1 && y0 < y1 && d.a[x0] == d.b[y0] {
		x0++
		y0++
	}
	for x0 < x1 && y0 < y1 && d.a[x1-1] == d.b[y1-1] {
		x1--
		y1--
	}
	switch {
	case x0 == x1:
		for j := y0; j < y1; j++ {
			d.inserted[j] = true
		}
		return
	case y0 == y1:
		for i := x0; i < x1; i++ {
			d.deleted[i] = true
		}
		return
	}
	xm, ym, ok := d.middle(x0, x1, y0, y1)
	if !ok {
		for i := x0; i < x1; i++ {
			d.deleted[i] = true
		}
		for j := y0; j < y1; j++ {
			d.inserted[j] = true
		}
		return
	}
	d.compare(x0, xm, y0, ym)
	d.compare(xm, x1, ym, y1)
}

// middle finds a point of a shortest edit path of the two ranges, strictly
// inside them, by running the search forward from the start and backward
// from the end until the two meet. Both ranges are non-empty and differ
// in their first and in their last lines. ok is false when the work
// budget runs out first.
func (d *differ) middle(x0, x1, y0, y1 int) (xm, ym int, ok bool) {
	n, m := x1-x0, y1-y0
	delta := n - m
	odd := delta&1 != 0
	limit := (n + m + 1) / 2
	off := limit + 1
	vf := make([]int, 2*limit+3) // furthest x on each diagonal k = x - y, forward
	vb := make([]int, 2*limit+3) // the same from the ends, backward
	a, b := d.a, d.b
	for step := 0; step <= limit; step++ {
		for k := -step; k <= step; k += 2 {
			var x int
			if k == -step || (k != step && vf[off+k-1] < vf[off+k+1]) {
				x = vf[off+k+1]
			} else {
				x = vf[off+k-1] + 1
			}
			y := x - k
			start := x
			for x < n && y < m && a[x0+x] == b[y0+y] {
				x++
				y++
			}
			vf[off+k] = x
			d.budget -= 1 + x - start
			if kb := delta - k; odd && kb >= -(step-1) && kb <= step-1 && x+vb[off+kb] >= n {
				return x0 + x, y0 + y, true
			}
		}
		for k := -step; k <= step; k += 2 {
			var x int
			if k == -step || (k != step && vb[off+k-1] < vb[off+k+1]) {
				x = vb[off+k+1]
			} else {
				x = vb[off+k-1] + 1
			}
			y := x - k
			start := x
			for x < n && y < m && a[x1-1-x] == b[y1-1-y] {
				x++
				y++
			}
			vb[off+k] = x
			d.budget -= 1 + x - start
			if kf := delta - k; !odd && kf >= -step && kf <= step && x+vf[off+kf] >= n {
				return x1 - x, y1 - y, true
			}
		}
		if d.budget < 0 {
			return 0, 0, false
		}
	}
	panic("diff: the searches did not meet") // unreachable: they meet by step (n+m+1)/2
}
