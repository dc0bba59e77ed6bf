package storetest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// factory returns a fresh, empty store for one test.
type factory = func(t *testing.T) graph.Store

// Viewers used across the suite. The zero Viewer is an anonymous reader.
var (
	anonymous  = graph.Viewer{}
	researcher = graph.Viewer{Role: graph.RoleResearcher}
	curator    = graph.Viewer{Role: graph.RoleCurator}
	admin      = graph.Viewer{Role: graph.RoleAdmin}
)

// contributorViewer is a signed-in contributor speaking for id.
func contributorViewer(id string) graph.Viewer {
	return graph.Viewer{Role: graph.RoleContributor, ContributorID: id}
}

// fixture is one store under test and the test that uses it. Subtests that
// share a store call on(t) so that failures are reported (and t.Fatal is
// called) on their own goroutine.
type fixture struct {
	t *testing.T
	s graph.Store
}

func newFixture(t *testing.T, newStore factory) *fixture {
	t.Helper()
	s := newStore(t)
	if s == nil {
		t.Fatal("newStore returned a nil Store")
	}
	return &fixture{t: t, s: s}
}

func (f *fixture) on(t *testing.T) *fixture { return &fixture{t: t, s: f.s} }

func (f *fixture) sys() context.Context { return graph.SystemContext(f.t.Context()) }

func (f *fixture) as(v graph.Viewer) context.Context { return graph.WithViewer(f.t.Context(), v) }

// asC is the context of contributor id, signed in with the CONTRIBUTOR role.
func (f *fixture) asC(id string) context.Context { return f.as(contributorViewer(id)) }

// anon is a context that carries no viewer at all: it must fail closed.
func (f *fixture) anon() context.Context { return f.t.Context() }

func (f *fixture) must(err error, format string, args ...any) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
}

// wantCode reports an error unless err carries code.
func wantCode(t *testing.T, err error, code string, format string, args ...any) bool {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	if got := graph.ErrorCode(err); got != code {
		if err == nil {
			t.Errorf("%s: succeeded, want error %s", what, code)
		} else {
			t.Errorf("%s: error %s (%v), want %s", what, got, err, code)
		}
		return false
	}
	return true
}

// wantCodeIn reports an error unless err carries one of codes (used only
// where the contract leaves the choice open).
func wantCodeIn(t *testing.T, err error, codes []string, format string, args ...any) bool {
	t.Helper()
	got := graph.ErrorCode(err)
	if !slices.Contains(codes, got) {
		t.Errorf("%s: error code %q (%v), want one of %v", fmt.Sprintf(format, args...), got, err, codes)
		return false
	}
	return true
}

// ---- creating fixtures (as the system) ----

func (f *fixture) contributor(id string) *graph.Contributor {
	f.t.Helper()
	c, err := f.s.CreateContributor(f.sys(), graph.Contributor{ID: id, Name: "Contributrice " + id, Bio: "Bio de " + id})
	f.must(err, "fixture: create contributor %q", id)
	return c
}

func (f *fixture) community(id string) *graph.Community {
	f.t.Helper()
	c, err := f.s.Communities().Create(f.sys(), graph.Community{ID: id, Name: "Communauté " + id})
	f.must(err, "fixture: create community %q", id)
	return c
}

func (f *fixture) carnet(id string, categories ...string) *graph.Carnet {
	f.t.Helper()
	c, err := f.s.Carnets().Create(f.sys(), graph.Carnet{ID: id, Title: "Carnet " + id, Categories: categories})
	f.must(err, "fixture: create carnet %q", id)
	return c
}

func (f *fixture) knowledgeBase(id string) *graph.KnowledgeBase {
	f.t.Helper()
	b, err := f.s.KnowledgeBases().Create(f.sys(), graph.KnowledgeBase{ID: id, Name: "Base " + id})
	f.must(err, "fixture: create knowledge base %q", id)
	return b
}

// doc creates a document as the system, with defaults for the fields a
// test does not care about (a public French note titled after its id).
func (f *fixture) doc(d graph.Document, authors ...string) *graph.Document {
	f.t.Helper()
	if d.Kind == "" {
		d.Kind = graph.KindNote
	}
	if d.Visibility == "" {
		d.Visibility = graph.VisibilityPublic
	}
	if d.Language == "" {
		d.Language = "fr"
	}
	if d.Title == "" {
		d.Title = "Titre " + d.ID
	}
	got, err := f.s.CreateDocument(f.sys(), d, authors)
	f.must(err, "fixture: create %s %q", d.Kind, d.ID)
	return got
}

func (f *fixture) note(id string, vis graph.Visibility, authors ...string) *graph.Document {
	f.t.Helper()
	return f.doc(graph.Document{ID: id, Kind: graph.KindNote, Visibility: vis}, authors...)
}

func (f *fixture) term(id string, authors ...string) *graph.Document {
	f.t.Helper()
	return f.doc(graph.Document{ID: id, Kind: graph.KindTerm, Definition: "Définition de " + id}, authors...)
}

func (f *fixture) organisation(id string, authors ...string) *graph.Document {
	f.t.Helper()
	return f.doc(graph.Document{ID: id, Kind: graph.KindOrganisation, Website: "https://" + id + ".example.org"}, authors...)
}

// link creates a link as the system.
func (f *fixture) link(rel graph.Relation, from, to string) *graph.Link {
	f.t.Helper()
	return f.linkL(graph.Link{Relation: rel, From: from, To: to})
}

func (f *fixture) linkL(l graph.Link) *graph.Link {
	f.t.Helper()
	got, err := f.s.Link(f.sys(), l)
	f.must(err, "fixture: link %s", linkKey(l))
	return got
}

// reread returns a document as the system sees it.
func (f *fixture) reread(id string) *graph.Document {
	f.t.Helper()
	d, err := f.s.Document(f.sys(), id)
	f.must(err, "reread %q", id)
	return d
}

func (f *fixture) lastSeq() uint64 {
	f.t.Helper()
	seq, err := f.s.LastSeq(f.sys())
	f.must(err, "LastSeq")
	return seq
}

// wantSeqAdvanced checks that a write appended to the change sequence.
func (f *fixture) wantSeqAdvanced(before uint64, format string, args ...any) uint64 {
	f.t.Helper()
	after := f.lastSeq()
	if after <= before {
		f.t.Errorf("%s: LastSeq %d after the write, was %d: a write must append a change", fmt.Sprintf(format, args...), after, before)
	}
	return after
}

// ---- "nothing was written" ----

// state is what a failed write must leave untouched.
type state struct {
	Seq                                                           uint64
	Documents, Contributors, Carnets, Communities, KnowledgeBases int
}

func (f *fixture) state() state {
	f.t.Helper()
	ctx := f.sys()
	var st state
	var err error
	st.Seq, err = f.s.LastSeq(ctx)
	f.must(err, "LastSeq")
	one := graph.Page{First: 1}
	docs, err := f.s.ListDocuments(ctx, graph.DocumentFilter{}, graph.DocumentOrder{Field: graph.OrderCreatedAt}, one)
	f.must(err, "ListDocuments")
	st.Documents = docs.TotalCount
	cs, err := f.s.ListContributors(ctx, one)
	f.must(err, "ListContributors")
	st.Contributors = cs.TotalCount
	ks, err := f.s.Carnets().List(ctx, one)
	f.must(err, "ListCarnets")
	st.Carnets = ks.TotalCount
	ms, err := f.s.Communities().List(ctx, one)
	f.must(err, "ListCommunities")
	st.Communities = ms.TotalCount
	bs, err := f.s.KnowledgeBases().List(ctx, one)
	f.must(err, "ListKnowledgeBases")
	st.KnowledgeBases = bs.TotalCount
	return st
}

func (f *fixture) wantState(before state, format string, args ...any) {
	f.t.Helper()
	if after := f.state(); after != before {
		f.t.Errorf("%s: the store changed: before %+v, after %+v", fmt.Sprintf(format, args...), before, after)
	}
}

// ---- links ----

func linkKey(l graph.Link) string {
	return string(l.Relation) + " " + l.From + "->" + l.To
}

// allLinks returns the keys of every link touching ids, any relation, as
// the system sees them.
func (f *fixture) allLinks(ids []string) []string {
	f.t.Helper()
	seen := map[string]bool{}
	for _, rel := range graph.Relations {
		m, err := f.s.Links(f.sys(), ids, rel, graph.Both)
		f.must(err, "Links(%s, BOTH)", rel)
		for _, ls := range m {
			for _, l := range ls {
				seen[linkKey(l)] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// links returns Links(ids, rel, dir)[id] as keys.
func (f *fixture) linkKeys(ctx context.Context, id string, rel graph.Relation, dir graph.Direction) []string {
	f.t.Helper()
	m, err := f.s.Links(ctx, []string{id}, rel, dir)
	f.must(err, "Links([%s], %s, %s)", id, rel, dir)
	for k := range m {
		if k != id && len(m[k]) > 0 {
			f.t.Errorf("Links([%s], %s, %s) returned links for an id not asked for: %q", id, rel, dir, k)
		}
	}
	return keys(m[id])
}

func keys(ls []graph.Link) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = linkKey(l)
	}
	return out
}

// ---- comparisons ----

// sameSet reports the difference between got and want as sets, and any
// item got holds twice.
func sameSet(t *testing.T, got, want []string, format string, args ...any) bool {
	t.Helper()
	count := map[string]int{}
	for _, g := range got {
		count[g]++
	}
	wantSet := map[string]bool{}
	var missing, extra, repeated []string
	for _, w := range want {
		wantSet[w] = true
	}
	for w := range wantSet {
		if count[w] == 0 {
			missing = append(missing, w)
		}
	}
	for g, n := range count {
		if !wantSet[g] {
			extra = append(extra, g)
		}
		if n > 1 {
			repeated = append(repeated, g)
		}
	}
	if len(missing)+len(extra)+len(repeated) == 0 {
		return true
	}
	sort.Strings(missing)
	sort.Strings(extra)
	sort.Strings(repeated)
	t.Errorf("%s: missing %q, unexpected %q, repeated %q", fmt.Sprintf(format, args...), missing, extra, repeated)
	return false
}

// sameOrder reports the first difference between two sequences.
func sameOrder(t *testing.T, got, want []string, format string, args ...any) bool {
	t.Helper()
	if slices.Equal(got, want) {
		return true
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Errorf("%s: sequences differ at index %d (got %d items, want %d)\n got: %q\nwant: %q",
		fmt.Sprintf(format, args...), i, len(got), len(want), got, want)
	return false
}

func docIDs(ds []*graph.Document) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func sameStrings(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || slices.Equal(a, b))
}

func sameTimePtr(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// diffDocument lists the caller-set fields on which got differs from want.
func diffDocument(want, got *graph.Document) []string {
	var diffs []string
	str := func(name, w, g string) {
		if w != g {
			diffs = append(diffs, fmt.Sprintf("%s: got %q, want %q", name, g, w))
		}
	}
	if want.ID != "" {
		str("ID", want.ID, got.ID)
	}
	str("Kind", string(want.Kind), string(got.Kind))
	str("Slug", want.Slug, got.Slug)
	str("Title", want.Title, got.Title)
	str("Summary", want.Summary, got.Summary)
	str("Body", want.Body, got.Body)
	str("Language", want.Language, got.Language)
	str("Visibility", string(want.Visibility), string(got.Visibility))
	str("Licence", want.Licence, got.Licence)
	str("Definition", want.Definition, got.Definition)
	str("Website", want.Website, got.Website)
	str("Region", want.Region, got.Region)
	str("Sector", want.Sector, got.Sector)
	if !sameStrings(want.Aliases, got.Aliases) {
		diffs = append(diffs, fmt.Sprintf("Aliases: got %q, want %q", got.Aliases, want.Aliases))
	}
	if !sameTimePtr(want.PublishedAt, got.PublishedAt) {
		diffs = append(diffs, fmt.Sprintf("PublishedAt: got %v, want %v", got.PublishedAt, want.PublishedAt))
	}
	return diffs
}

// wantDocument checks every field of got against want, stored ones included.
func wantDocument(t *testing.T, got, want *graph.Document, format string, args ...any) {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	if got == nil {
		t.Errorf("%s: nil document, want %q", what, want.ID)
		return
	}
	diffs := diffDocument(want, got)
	if got.ID != want.ID {
		diffs = append(diffs, fmt.Sprintf("ID: got %q, want %q", got.ID, want.ID))
	}
	if got.Version != want.Version {
		diffs = append(diffs, fmt.Sprintf("Version: got %d, want %d", got.Version, want.Version))
	}
	if !got.CreatedAt.Equal(want.CreatedAt) {
		diffs = append(diffs, fmt.Sprintf("CreatedAt: got %v, want %v", got.CreatedAt, want.CreatedAt))
	}
	if !got.UpdatedAt.Equal(want.UpdatedAt) {
		diffs = append(diffs, fmt.Sprintf("UpdatedAt: got %v, want %v", got.UpdatedAt, want.UpdatedAt))
	}
	if len(diffs) > 0 {
		t.Errorf("%s:\n  %s", what, strings.Join(diffs, "\n  "))
	}
}

// wantTime checks that the store set a timestamp. (Stores may run on a
// test clock, so the suite does not compare it with the wall clock.)
func wantTime(t *testing.T, at time.Time, format string, args ...any) {
	t.Helper()
	if at.IsZero() {
		t.Errorf("%s: timestamp not set", fmt.Sprintf(format, args...))
	}
}

// msgShape is an error message with id replaced, so that the messages for a
// hidden and for a missing object can be compared.
func msgShape(err error, id string) string {
	return strings.ReplaceAll(graph.ErrorMessage(err), id, "<id>")
}

// wantLikeMissing checks that an error about a hidden object is exactly the
// error about a missing one: NOT_FOUND, same message with the id swapped.
func wantLikeMissing(t *testing.T, errHidden error, hiddenID string, errMissing error, missingID string, format string, args ...any) {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	if !wantCode(t, errHidden, graph.ENOTFOUND, "%s (hidden %q)", what, hiddenID) {
		return
	}
	if !wantCode(t, errMissing, graph.ENOTFOUND, "%s (missing %q)", what, missingID) {
		return
	}
	if h, m := msgShape(errHidden, hiddenID), msgShape(errMissing, missingID); h != m {
		t.Errorf("%s: a hidden object's message %q differs from a missing one's %q", what, h, m)
	}
}

// ---- pagination ----

// pageAll walks a list to its end with page size first, checking each
// page's size, cursors and page info, and returns the items in order and
// the TotalCount.
func pageAll[T any](t *testing.T, first int, fetch func(graph.Page) (*graph.Connection[T], error), format string, args ...any) ([]T, int) {
	t.Helper()
	return pageAllFrom(t, first, "", fetch, format, args...)
}

// pageAllFrom is pageAll starting after a cursor.
func pageAllFrom[T any](t *testing.T, first int, after string, fetch func(graph.Page) (*graph.Connection[T], error), format string, args ...any) ([]T, int) {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	limit := first
	if limit == 0 {
		limit = graph.DefaultFirst
	}
	var out []T
	resumed := after != ""
	total := -1
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatalf("%s: over 1000 pages: the end cursor does not advance", what)
		}
		conn, err := fetch(graph.Page{First: first, After: after})
		if err != nil {
			t.Fatalf("%s: page %d: %v", what, page, err)
		}
		if conn == nil {
			t.Fatalf("%s: page %d: nil connection", what, page)
		}
		if total == -1 {
			total = conn.TotalCount
		} else if conn.TotalCount != total {
			t.Errorf("%s: page %d: TotalCount %d, was %d on the first page", what, page, conn.TotalCount, total)
		}
		checkPage(t, conn, limit, resumed || page > 0, "%s: page %d", what, page)
		for _, e := range conn.Edges {
			out = append(out, e.Node)
		}
		if !conn.PageInfo.HasNextPage {
			break
		}
		if len(conn.Edges) == 0 {
			t.Fatalf("%s: page %d: hasNextPage on an empty page", what, page)
		}
		after = conn.PageInfo.EndCursor
	}
	if !resumed && len(out) != total {
		t.Errorf("%s: walked %d items, TotalCount says %d", what, len(out), total)
	}
	return out, total
}

// checkPage checks one page's size, edge cursors and page info.
func checkPage[T any](t *testing.T, conn *graph.Connection[T], limit int, resumed bool, format string, args ...any) {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	if len(conn.Edges) > limit {
		t.Errorf("%s: %d edges, more than first=%d", what, len(conn.Edges), limit)
	}
	if conn.PageInfo.HasNextPage && len(conn.Edges) < limit {
		t.Errorf("%s: hasNextPage with a short page (%d of %d)", what, len(conn.Edges), limit)
	}
	if !resumed && conn.PageInfo.HasPreviousPage {
		t.Errorf("%s: hasPreviousPage on the first page", what)
	}
	for i, e := range conn.Edges {
		if e.Cursor == "" {
			t.Errorf("%s: edge %d has no cursor", what, i)
		}
	}
	if n := len(conn.Edges); n > 0 {
		if conn.PageInfo.StartCursor != conn.Edges[0].Cursor {
			t.Errorf("%s: startCursor is not the first edge's cursor", what)
		}
		if conn.PageInfo.EndCursor != conn.Edges[n-1].Cursor {
			t.Errorf("%s: endCursor is not the last edge's cursor", what)
		}
	}
}

// listDocs pages through ListDocuments to the end.
func (f *fixture) listDocs(ctx context.Context, filter graph.DocumentFilter, order graph.DocumentOrder, first int) ([]*graph.Document, int) {
	f.t.Helper()
	return pageAll(f.t, first, func(p graph.Page) (*graph.Connection[*graph.Document], error) {
		return f.s.ListDocuments(ctx, filter, order, p)
	}, "ListDocuments(%+v, %+v)", filter, order)
}

var byCreation = graph.DocumentOrder{Field: graph.OrderCreatedAt}

// listUncounted walks every page of a list asked for without its count
// (graph.Page.NoTotal) and returns the ids in list order. Each page must be
// full but the last, and say exactly whether another follows: no empty
// last page after a full one.
func (f *fixture) listUncounted(ctx context.Context, filter graph.DocumentFilter, order graph.DocumentOrder, first int) []string {
	f.t.Helper()
	var out []string
	after := ""
	for page := 0; ; page++ {
		if page > 1000 {
			f.t.Fatalf("ListDocuments(%+v) without total: over 1000 pages", filter)
		}
		conn, err := f.s.ListDocuments(ctx, filter, order, graph.Page{First: first, After: after, NoTotal: true})
		if err != nil {
			f.t.Fatalf("ListDocuments(%+v) without total: page %d: %v", filter, page, err)
		}
		for _, e := range conn.Edges {
			out = append(out, e.Node.ID)
		}
		n := len(conn.Edges)
		switch {
		case n > first:
			f.t.Fatalf("ListDocuments(%+v) without total: page %d has %d items, asked for %d", filter, page, n, first)
		case conn.PageInfo.HasNextPage && n < first:
			f.t.Fatalf("ListDocuments(%+v) without total: page %d has %d of %d items and says another follows", filter, page, n, first)
		case n == 0 && page > 0:
			f.t.Fatalf("ListDocuments(%+v) without total: page %d is empty: the one before said another follows", filter, page)
		case n > 0 && (conn.PageInfo.StartCursor != conn.Edges[0].Cursor || conn.PageInfo.EndCursor != conn.Edges[n-1].Cursor):
			f.t.Fatalf("ListDocuments(%+v) without total: page %d: start and end cursors are not its edges'", filter, page)
		}
		if !conn.PageInfo.HasNextPage {
			return out
		}
		after = conn.PageInfo.EndCursor
	}
}

// expectedOrder sorts docs as DocumentOrder o and Paginate define it: by
// o's sort key, ties by id, both reversed when descending.
func expectedOrder(docs []*graph.Document, o graph.DocumentOrder) []string {
	type keyed struct {
		c  graph.Cursor
		id string
	}
	ks := make([]keyed, len(docs))
	for i, d := range docs {
		ks[i] = keyed{graph.Cursor{Key: o.SortKey(d), ID: d.ID}, d.ID}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		if o.Desc {
			return ks[j].c.Compare(ks[i].c) < 0
		}
		return ks[i].c.Compare(ks[j].c) < 0
	})
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.id
	}
	return out
}

func ptr[T any](v T) *T { return &v }
