package graph

import (
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Page sizes: a caller asks for First items (default DefaultFirst, at most
// MaxFirst) after an opaque cursor.
const (
	DefaultFirst = 20
	MaxFirst     = 100
	maxCursorLen = 1024
)

// Page asks for one page of a list.
type Page struct {
	First int // 0 means DefaultFirst
	After string
	// NoTotal says that the caller reads neither the connection's
	// TotalCount nor, after a cursor, PageInfo.HasPreviousPage (a GraphQL
	// query that selects neither): a store may then leave both zero rather
	// than count the whole list, and tell HasNextPage from one item more
	// than the page. The edges and the rest of PageInfo are unchanged.
	NoTotal bool
}

// Limit validates the page size and returns the number of items to return.
func (p Page) Limit() (int, error) {
	switch {
	case p.First < 0:
		return 0, Errorf(EINVALID, "first must not be negative")
	case p.First > MaxFirst:
		return 0, Errorf(EINVALID, "first must be at most %d, got %d", MaxFirst, p.First)
	case p.First == 0:
		return DefaultFirst, nil
	}
	return p.First, nil
}

// Cursor is the position of an item in a sorted list: its sort key and id.
// Resuming after a cursor whose item has since gone still works, because the
// position is a value, not an offset.
type Cursor struct {
	Key string `json:"k"`
	ID  string `json:"i"`
}

// Encode returns the opaque form handed to callers.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor from a caller; any malformed input is a
// BAD_USER_INPUT error, never a panic.
func DecodeCursor(s string) (Cursor, error) {
	var c Cursor
	bad := Errorf(EINVALID, "invalid cursor: pass an endCursor or cursor returned by a previous page")
	if len(s) > maxCursorLen {
		return c, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, bad
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || c.ID == "" || dec.More() {
		return c, bad
	}
	return c, nil
}

// Compare orders cursors by key, then id.
func (c Cursor) Compare(o Cursor) int {
	if r := strings.Compare(c.Key, o.Key); r != 0 {
		return r
	}
	return strings.Compare(c.ID, o.ID)
}

// PageInfo is the Relay page information.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     string
	EndCursor       string
}

// Edge of a Connection: an item and its cursor.
type ConnEdge[T any] struct {
	Cursor string
	Node   T
}

// Connection is one page of a list, Relay style.
type Connection[T any] struct {
	Edges      []ConnEdge[T]
	TotalCount int
	PageInfo   PageInfo
}

// Nodes returns the items of the page.
func (c *Connection[T]) Nodes() []T {
	out := make([]T, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// Paginate sorts items by the cursor each one has (descending when desc)
// and returns the page p asks for. Every Store and the API's nested lists use
// it, so all lists page the same way.
func Paginate[T any](items []T, cursorOf func(T) Cursor, desc bool, p Page) (*Connection[T], error) {
	limit, err := p.Limit()
	if err != nil {
		return nil, err
	}
	type keyed struct {
		c    Cursor
		item T
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i] = keyed{cursorOf(it), it}
	}
	cmp := func(a, b Cursor) int {
		if desc {
			return b.Compare(a)
		}
		return a.Compare(b)
	}
	sort.SliceStable(ks, func(i, j int) bool { return cmp(ks[i].c, ks[j].c) < 0 })
	start := 0
	if p.After != "" {
		after, err := DecodeCursor(p.After)
		if err != nil {
			return nil, err
		}
		start = sort.Search(len(ks), func(i int) bool { return cmp(ks[i].c, after) > 0 })
	}
	end := min(start+limit, len(ks))
	conn := &Connection[T]{TotalCount: len(ks)}
	for _, k := range ks[start:end] {
		conn.Edges = append(conn.Edges, ConnEdge[T]{Cursor: k.c.Encode(), Node: k.item})
	}
	conn.PageInfo.HasNextPage = end < len(ks)
	conn.PageInfo.HasPreviousPage = start > 0
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = conn.Edges[len(conn.Edges)-1].Cursor
	}
	return conn, nil
}

// folders holds accent-stripping transformers: a transform.Chain keeps
// state between calls, so concurrent requests must not share one (the race
// detector caught two searches doing so).
var folders = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// FoldKey lowercases s and strips its accents, so that "Éducation" sorts and
// matches with "education".
func FoldKey(s string) string {
	folder := folders.Get().(transform.Transformer)
	defer folders.Put(folder)
	out, _, err := transform.String(folder, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// CheckScanLimit is the rule both stores apply to a ScanDocuments page.
func CheckScanLimit(limit int) error {
	if limit <= 0 {
		return Errorf(EINVALID, "limit must be positive, got %d", limit)
	}
	return nil
}
