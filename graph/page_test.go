package graph

import (
	"fmt"
	"testing"
)

func TestPaginateVisitsEachItemOnceInOrder(t *testing.T) {
	t.Parallel()
	var items []int
	for i := range 45 {
		items = append(items, (i*7)%45) // shuffled
	}
	cursorOf := func(n int) Cursor { return Cursor{Key: fmt.Sprintf("%03d", n), ID: fmt.Sprint(n)} }
	for _, desc := range []bool{false, true} {
		var seen []int
		after := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			c, err := Paginate(items, cursorOf, desc, Page{First: 10, After: after})
			if err != nil {
				t.Fatal(err)
			}
			if c.TotalCount != 45 {
				t.Fatalf("total %d", c.TotalCount)
			}
			seen = append(seen, c.Nodes()...)
			if !c.PageInfo.HasNextPage {
				break
			}
			after = c.PageInfo.EndCursor
		}
		if len(seen) != 45 {
			t.Fatalf("desc=%v: saw %d items", desc, len(seen))
		}
		for i := 1; i < len(seen); i++ {
			if (seen[i] < seen[i-1]) != desc {
				t.Fatalf("desc=%v: out of order at %d: %v", desc, i, seen)
			}
		}
	}
}

func TestPaginateResumesAfterADeletedItem(t *testing.T) {
	t.Parallel()
	cursorOf := func(s string) Cursor { return Cursor{Key: s, ID: s} }
	c, _ := Paginate([]string{"a", "b", "c", "d"}, cursorOf, false, Page{First: 2})
	after := c.PageInfo.EndCursor // after "b"
	c, err := Paginate([]string{"a", "c", "d"}, cursorOf, false, Page{First: 2, After: after})
	if err != nil || len(c.Edges) != 2 || c.Edges[0].Node != "c" || !c.PageInfo.HasPreviousPage {
		t.Fatalf("resume after deleted item: %+v, %v", c, err)
	}
}

func TestPageLimits(t *testing.T) {
	t.Parallel()
	for _, p := range []Page{{First: -1}, {First: MaxFirst + 1}, {After: "%%%"}, {After: Cursor{Key: "x"}.Encode()}} {
		_, err := Paginate([]string{"a"}, func(s string) Cursor { return Cursor{s, s} }, false, p)
		if ErrorCode(err) != EINVALID {
			t.Errorf("%+v: want BAD_USER_INPUT, got %v", p, err)
		}
	}
	if n, _ := (Page{}).Limit(); n != DefaultFirst {
		t.Errorf("default page size %d", n)
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(Cursor{Key: "2025-01-01T00:00:00.000000000Z", ID: "abc"}.Encode())
	f.Add("")
	f.Add("eyJrIjoiIiwiaSI6IngifQ")
	f.Add("e30")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := DecodeCursor(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error code %q", ErrorCode(err))
			}
			return
		}
		if c.ID == "" {
			t.Fatal("accepted a cursor without id")
		}
		again, err := DecodeCursor(c.Encode())
		if err != nil || again != c {
			t.Fatalf("round trip: %+v → %+v, %v", c, again, err)
		}
	})
}

func TestFoldKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Éducation": "education", "ÇA VA": "ca va", "l'œuvre": "l'œuvre"} {
		if got := FoldKey(in); got != want {
			t.Errorf("FoldKey(%q) = %q, want %q", in, got, want)
		}
	}
}
