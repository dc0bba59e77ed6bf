package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// record is what the CRUD checks compare of contributors, carnets,
// communities and knowledge bases: their name (a carnet's title) and the
// fields the store sets.
type record struct {
	ID                   string
	Name                 string
	Version              int
	CreatedAt, UpdatedAt time.Time
}

// entityOps adapts one non-document kind to the table-driven CRUD checks.
type entityOps struct {
	kind   graph.Kind
	writer graph.Viewer // who may write this kind
	create func(ctx context.Context, s graph.Store, id, name string) (*record, error)
	get    func(ctx context.Context, s graph.Store, id string) (*record, error)
	batch  func(ctx context.Context, s graph.Store, ids []string) ([]*record, error)
	list   func(ctx context.Context, s graph.Store, p graph.Page) (*graph.Connection[*record], error)
	update func(ctx context.Context, s graph.Store, id string, version int, name *string) (*record, error)
	delete func(ctx context.Context, s graph.Store, id string, version int) error
}

// adapt turns the typed results of a store call into records.
func adapt[T any](conv func(*T) *record) (one func(*T, error) (*record, error), many func([]*T, error) ([]*record, error), conn func(*graph.Connection[*T], error) (*graph.Connection[*record], error)) {
	one = func(x *T, err error) (*record, error) {
		if err != nil || x == nil {
			return nil, err
		}
		return conv(x), nil
	}
	many = func(xs []*T, err error) ([]*record, error) {
		if err != nil {
			return nil, err
		}
		out := make([]*record, len(xs))
		for i, x := range xs {
			if x != nil {
				out[i] = conv(x)
			}
		}
		return out, nil
	}
	conn = func(c *graph.Connection[*T], err error) (*graph.Connection[*record], error) {
		if err != nil || c == nil {
			return nil, err
		}
		out := &graph.Connection[*record]{TotalCount: c.TotalCount, PageInfo: c.PageInfo}
		for _, e := range c.Edges {
			out.Edges = append(out.Edges, graph.ConnEdge[*record]{Cursor: e.Cursor, Node: conv(e.Node)})
		}
		return out, nil
	}
	return one, many, conn
}

func entityKinds() []entityOps {
	cOne, cMany, cConn := adapt(func(c *graph.Contributor) *record {
		return &record{c.ID, c.Name, c.Version, c.CreatedAt, c.UpdatedAt}
	})
	return []entityOps{
		{
			kind: graph.KindContributor, writer: admin,
			create: func(ctx context.Context, s graph.Store, id, name string) (*record, error) {
				return cOne(s.CreateContributor(ctx, graph.Contributor{ID: id, Name: name, Bio: "Une bio."}))
			},
			get: func(ctx context.Context, s graph.Store, id string) (*record, error) {
				return cOne(s.Contributor(ctx, id))
			},
			batch: func(ctx context.Context, s graph.Store, ids []string) ([]*record, error) {
				return cMany(s.Contributors(ctx, ids))
			},
			list: func(ctx context.Context, s graph.Store, p graph.Page) (*graph.Connection[*record], error) {
				return cConn(s.ListContributors(ctx, p))
			},
			update: func(ctx context.Context, s graph.Store, id string, v int, name *string) (*record, error) {
				return cOne(s.UpdateContributor(ctx, id, graph.ContributorUpdate{Version: v, Name: name}))
			},
			delete: func(ctx context.Context, s graph.Store, id string, v int) error {
				return s.DeleteContributor(ctx, id, v)
			},
		},
		groupKind(graph.KindCarnet, graph.Store.Carnets,
			func(c *graph.Carnet) *record { return &record{c.ID, c.Title, c.Version, c.CreatedAt, c.UpdatedAt} },
			func(id, name string) graph.Carnet {
				return graph.Carnet{ID: id, Title: name, Description: "Un carnet.", Categories: []string{"Pratiques", "Outils"}}
			},
			func(v int, name *string) graph.CarnetUpdate { return graph.CarnetUpdate{Version: v, Title: name} }),
		groupKind(graph.KindCommunity, graph.Store.Communities,
			func(c *graph.Community) *record { return &record{c.ID, c.Name, c.Version, c.CreatedAt, c.UpdatedAt} },
			func(id, name string) graph.Community {
				return graph.Community{ID: id, Name: name, Description: "Une communauté."}
			},
			func(v int, name *string) graph.GroupUpdate { return graph.GroupUpdate{Version: v, Name: name} }),
		groupKind(graph.KindKnowledgeBase, graph.Store.KnowledgeBases,
			func(b *graph.KnowledgeBase) *record {
				return &record{b.ID, b.Name, b.Version, b.CreatedAt, b.UpdatedAt}
			},
			func(id, name string) graph.KnowledgeBase {
				return graph.KnowledgeBase{ID: id, Name: name, Description: "Une base."}
			},
			func(v int, name *string) graph.GroupUpdate { return graph.GroupUpdate{Version: v, Name: name} }),
	}
}

// groupKind adapts one kind of group (graph.GroupOps, written by curators)
// to the CRUD checks: conv reads a record, make builds a group to create
// and rename an update that changes its name.
func groupKind[G, U any](kind graph.Kind, ops func(graph.Store) graph.GroupOps[G, U], conv func(*G) *record,
	make func(id, name string) G, rename func(version int, name *string) U) entityOps {
	one, many, conn := adapt(conv)
	return entityOps{
		kind: kind, writer: curator,
		create: func(ctx context.Context, s graph.Store, id, name string) (*record, error) {
			return one(ops(s).Create(ctx, make(id, name)))
		},
		get: func(ctx context.Context, s graph.Store, id string) (*record, error) { return one(ops(s).Get(ctx, id)) },
		batch: func(ctx context.Context, s graph.Store, ids []string) ([]*record, error) {
			return many(ops(s).GetMany(ctx, ids))
		},
		list: func(ctx context.Context, s graph.Store, p graph.Page) (*graph.Connection[*record], error) {
			return conn(ops(s).List(ctx, p))
		},
		update: func(ctx context.Context, s graph.Store, id string, v int, name *string) (*record, error) {
			return one(ops(s).Update(ctx, id, rename(v, name)))
		},
		delete: func(ctx context.Context, s graph.Store, id string, v int) error { return ops(s).Delete(ctx, id, v) },
	}
}

func wantRecord(t *testing.T, got, want *record, format string, args ...any) {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	if got == nil {
		t.Errorf("%s: nil, want %+v", what, want)
		return
	}
	if got.ID != want.ID || got.Name != want.Name || got.Version != want.Version ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("%s: %+v, want %+v", what, *got, *want)
	}
}

func testGroups(t *testing.T, newStore factory) {
	for _, ops := range entityKinds() {
		t.Run(string(ops.kind), func(t *testing.T) { testEntityCRUD(t, newStore, ops) })
	}
	t.Run("ContributorFields", func(t *testing.T) {
		f := newFixture(t, newStore)
		in := graph.Contributor{ID: "ctb-z", Name: "Zoé Tremblay", Bio: "Animatrice."}
		c, err := f.s.CreateContributor(f.sys(), in)
		f.must(err, "create")
		for _, got := range []*graph.Contributor{c, must1(f, func() (*graph.Contributor, error) { return f.s.Contributor(f.anon(), "ctb-z") })} {
			if got.Name != in.Name || got.Bio != in.Bio {
				t.Errorf("contributor %+v, want name/bio of %+v", *got, in)
			}
		}
		u, err := f.s.UpdateContributor(f.asC("ctb-z"), "ctb-z", graph.ContributorUpdate{Version: c.Version, Bio: ptr("Nouvelle bio.")})
		f.must(err, "update own profile")
		if u.Bio != "Nouvelle bio." || u.Name != in.Name || u.Version != c.Version+1 {
			t.Errorf("updated contributor %+v", *u)
		}
	})
	t.Run("ObservedOperations", func(t *testing.T) { testGroupObservers(t, newStore) })
	t.Run("CarnetCategories", func(t *testing.T) {
		f := newFixture(t, newStore)
		k := f.carnet("k", "Pratiques", "Outils")
		for _, got := range []*graph.Carnet{k, must1(f, func() (*graph.Carnet, error) { return f.s.Carnets().Get(f.anon(), "k") })} {
			if !slices.Equal(got.Categories, []string{"Pratiques", "Outils"}) {
				t.Errorf("categories %q, want [Pratiques Outils] in order", got.Categories)
			}
		}
		before := f.state()
		_, err := f.s.Carnets().Update(f.sys(), "k", graph.CarnetUpdate{Version: k.Version, Categories: &[]string{"A", "A"}})
		wantCode(t, err, graph.EINVALID, "categories listed twice")
		_, err = f.s.Carnets().Create(f.sys(), graph.Carnet{Title: "x", Categories: []string{""}})
		wantCode(t, err, graph.EINVALID, "an empty category")
		f.wantState(before, "invalid categories")

		f.note("n", graph.VisibilityPublic)
		f.linkL(graph.Link{Relation: graph.RelInCarnet, From: "n", To: "k", Category: "Outils"})
		before = f.state()
		_, err = f.s.Carnets().Update(f.sys(), "k", graph.CarnetUpdate{Version: k.Version, Categories: &[]string{"Pratiques"}})
		wantCode(t, err, graph.ECONFLICT, "removing a category a document still uses")
		f.wantState(before, "refused category removal")
		if got := must1(f, func() (*graph.Carnet, error) { return f.s.Carnets().Get(f.sys(), "k") }); !slices.Equal(got.Categories, k.Categories) || got.Version != k.Version {
			t.Errorf("carnet after a refused update: categories %q v%d, want %q v%d", got.Categories, got.Version, k.Categories, k.Version)
		}
		k2, err := f.s.Carnets().Update(f.sys(), "k", graph.CarnetUpdate{Version: k.Version, Categories: &[]string{"Outils", "Pratiques", "Récits"}})
		f.must(err, "reorder and add categories")
		if !slices.Equal(k2.Categories, []string{"Outils", "Pratiques", "Récits"}) || k2.Version != k.Version+1 {
			t.Errorf("carnet after an update: categories %q v%d", k2.Categories, k2.Version)
		}
		f.must(f.s.Unlink(f.sys(), graph.RelInCarnet, "n", "k"), "unlink")
		k3, err := f.s.Carnets().Update(f.sys(), "k", graph.CarnetUpdate{Version: k2.Version, Categories: &[]string{"Récits"}})
		f.must(err, "remove categories no longer used")
		if !slices.Equal(k3.Categories, []string{"Récits"}) {
			t.Errorf("categories %q, want [Récits]", k3.Categories)
		}
	})
}

func must1[T any](f *fixture, call func() (T, error)) T {
	f.t.Helper()
	v, err := call()
	f.must(err, "call")
	return v
}

func testEntityCRUD(t *testing.T, newStore factory, ops entityOps) {
	t.Run("CreateGeneratedID", func(t *testing.T) {
		f := newFixture(t, newStore)
		r, err := ops.create(f.as(ops.writer), f.s, "", "Sans identifiant")
		f.must(err, "create")
		if err := graph.ValidateID(r.ID); err != nil {
			t.Errorf("generated id %q is not a valid id: %v", r.ID, err)
		}
		if r.Name != "Sans identifiant" || r.Version != 1 {
			t.Errorf("created %+v, want name %q version 1", *r, "Sans identifiant")
		}
		wantTime(t, r.CreatedAt, "CreatedAt")
		wantTime(t, r.UpdatedAt, "UpdatedAt")
		r2, err := ops.create(f.as(ops.writer), f.s, "", "Sans identifiant")
		f.must(err, "create another")
		if r2.ID == r.ID {
			t.Errorf("two creations got the same id %q", r.ID)
		}
		got, err := ops.get(f.anon(), f.s, r.ID)
		f.must(err, "read anonymously")
		wantRecord(t, got, r, "read back")
	})

	t.Run("CreateGivenIDAndConflict", func(t *testing.T) {
		f := newFixture(t, newStore)
		r, err := ops.create(f.as(ops.writer), f.s, "choisi", "Premier")
		f.must(err, "create with a given id")
		if r.ID != "choisi" {
			t.Errorf("id %q, want choisi", r.ID)
		}
		f.note("une-note", graph.VisibilityPublic)
		for _, id := range []string{"choisi", "une-note"} {
			before := f.state()
			_, err = ops.create(f.as(ops.writer), f.s, id, "Second")
			wantCode(t, err, graph.ECONFLICT, "create with the used id %q", id)
			f.wantState(before, "duplicate create")
		}
		got, err := ops.get(f.sys(), f.s, "choisi")
		f.must(err, "read")
		wantRecord(t, got, r, "original after a duplicate create")
	})

	t.Run("CreateInvalid", func(t *testing.T) {
		f := newFixture(t, newStore)
		for _, tc := range []struct{ id, name string }{
			{"", ""}, {"", "   "}, {"Pas Valide", "Nom"}, {"", "\xff\xfe"}, {"", strings.Repeat("x", graph.MaxTitleLen+1)},
		} {
			before := f.state()
			_, err := ops.create(f.as(ops.writer), f.s, tc.id, tc.name)
			wantCode(t, err, graph.EINVALID, "create id %q name %q", tc.id, tc.name)
			f.wantState(before, "invalid create")
		}
	})

	t.Run("BatchRead", func(t *testing.T) {
		f := newFixture(t, newStore)
		a, err := ops.create(f.as(ops.writer), f.s, "a", "A")
		f.must(err, "create")
		b, err := ops.create(f.as(ops.writer), f.s, "b", "B")
		f.must(err, "create")
		f.note("note", graph.VisibilityPublic)
		got, err := ops.batch(f.anon(), f.s, []string{"b", "absent", "a", "note", "b"})
		f.must(err, "batch read")
		want := []*record{b, nil, a, nil, b}
		if len(got) != len(want) {
			t.Fatalf("batch of %d ids returned %d", len(want), len(got))
		}
		for i := range want {
			if want[i] == nil {
				if got[i] != nil {
					t.Errorf("batch[%d] = %+v, want nil (missing, or another kind)", i, *got[i])
				}
				continue
			}
			wantRecord(t, got[i], want[i], "batch[%d]", i)
		}
		_, err = ops.get(f.anon(), f.s, "absent")
		wantCode(t, err, graph.ENOTFOUND, "read a missing id")
		_, err = ops.get(f.anon(), f.s, "note")
		wantCode(t, err, graph.ENOTFOUND, "read the id of a document")
	})

	t.Run("ListPaginated", func(t *testing.T) {
		f := newFixture(t, newStore)
		var want []string
		for i := range 12 {
			r, err := ops.create(f.as(ops.writer), f.s, "", fmt.Sprintf("Nom %02d", i))
			f.must(err, "create %d", i)
			want = append(want, r.ID)
		}
		got, total := pageAll(t, 5, func(p graph.Page) (*graph.Connection[*record], error) {
			return ops.list(f.anon(), f.s, p)
		}, "list %s", ops.kind)
		var ids []string
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		sameSet(t, ids, want, "listed %s, 5 per page", ops.kind)
		if total != 12 {
			t.Errorf("TotalCount %d, want 12", total)
		}
		_, err := ops.list(f.anon(), f.s, graph.Page{First: graph.MaxFirst + 1})
		wantCode(t, err, graph.EINVALID, "list with first > MaxFirst")
		_, err = ops.list(f.anon(), f.s, graph.Page{First: -1})
		wantCode(t, err, graph.EINVALID, "list with first < 0")
		_, err = ops.list(f.anon(), f.s, graph.Page{After: "%%%"})
		wantCode(t, err, graph.EINVALID, "list with a garbage cursor")
	})

	t.Run("UpdateAndVersions", func(t *testing.T) {
		f := newFixture(t, newStore)
		r, err := ops.create(f.as(ops.writer), f.s, "u", "Avant")
		f.must(err, "create")
		u, err := ops.update(f.as(ops.writer), f.s, "u", r.Version, ptr("Après"))
		f.must(err, "update")
		if u.Name != "Après" || u.Version != r.Version+1 || !u.CreatedAt.Equal(r.CreatedAt) || u.UpdatedAt.Before(r.UpdatedAt) {
			t.Errorf("updated %+v from %+v", *u, *r)
		}
		got, err := ops.get(f.sys(), f.s, "u")
		f.must(err, "reread")
		wantRecord(t, got, u, "reread after update")

		same, err := ops.update(f.as(ops.writer), f.s, "u", u.Version, ptr("Après"))
		f.must(err, "no-op update")
		if same.Version != u.Version {
			t.Errorf("a no-op update bumped the version to %d (was %d)", same.Version, u.Version)
		}
		for _, v := range []int{r.Version, u.Version + 1} {
			before := f.state()
			_, err = ops.update(f.as(ops.writer), f.s, "u", v, ptr("Perdu"))
			wantCode(t, err, graph.ECONFLICT, "update with version %d (current %d)", v, u.Version)
			f.wantState(before, "stale update")
		}
		before := f.state()
		_, err = ops.update(f.as(ops.writer), f.s, "u", u.Version, ptr(""))
		wantCode(t, err, graph.EINVALID, "update to an empty name")
		f.wantState(before, "invalid update")
		got, err = ops.get(f.sys(), f.s, "u")
		f.must(err, "reread")
		wantRecord(t, got, u, "after a stale and an invalid update")
		_, err = ops.update(f.as(ops.writer), f.s, "absent", 1, ptr("x"))
		wantCode(t, err, graph.ENOTFOUND, "update a missing id")
	})

	t.Run("Delete", func(t *testing.T) {
		f := newFixture(t, newStore)
		r, err := ops.create(f.as(ops.writer), f.s, "d", "Éphémère")
		f.must(err, "create")
		u, err := ops.update(f.as(ops.writer), f.s, "d", r.Version, ptr("Éphémère 2"))
		f.must(err, "update")
		before := f.state()
		err = ops.delete(f.as(ops.writer), f.s, "d", r.Version)
		wantCode(t, err, graph.ECONFLICT, "delete with a stale version")
		f.wantState(before, "stale delete")
		got, err := ops.get(f.sys(), f.s, "d")
		f.must(err, "still there after a stale delete")
		wantRecord(t, got, u, "after a stale delete")

		f.must(ops.delete(f.as(ops.writer), f.s, "d", u.Version), "delete")
		after := f.state()
		if after.Seq <= before.Seq {
			t.Errorf("LastSeq did not advance on delete")
		}
		_, err = ops.get(f.sys(), f.s, "d")
		wantCode(t, err, graph.ENOTFOUND, "read after delete")
		rs, err := ops.batch(f.sys(), f.s, []string{"d"})
		f.must(err, "batch")
		if len(rs) != 1 || rs[0] != nil {
			t.Errorf("batch read after delete: %v, want [nil]", rs)
		}
		conn, err := ops.list(f.sys(), f.s, graph.Page{})
		f.must(err, "list")
		if conn.TotalCount != 0 || len(conn.Edges) != 0 {
			t.Errorf("list after delete: TotalCount %d, %d edges", conn.TotalCount, len(conn.Edges))
		}
		err = ops.delete(f.as(ops.writer), f.s, "d", u.Version)
		wantCode(t, err, graph.ENOTFOUND, "delete twice")
	})
}

// testGroupObservers checks that each operation of each kind of group
// reaches a store's observers (graph.Observable) under the name of its own,
// the one the store's metrics label it with: the three kinds share one
// generic implementation, whose methods have no per-kind name on the stack.
func testGroupObservers(t *testing.T, newStore factory) {
	f := newFixture(t, newStore)
	obs, ok := f.s.(graph.Observable)
	if !ok {
		t.Skip("the store reports no transactions")
	}
	var mu sync.Mutex
	var got []string
	obs.Observe(func(_ context.Context, op string, _ time.Duration, _ error) {
		mu.Lock()
		got = append(got, op)
		mu.Unlock()
	})
	var want []string
	for _, ops := range entityKinds() {
		if ops.kind == graph.KindContributor {
			continue
		}
		k := string(ops.kind)
		plural := map[graph.Kind]string{graph.KindCarnet: "Carnets", graph.KindCommunity: "Communities", graph.KindKnowledgeBase: "KnowledgeBases"}[ops.kind]
		ctx := f.as(ops.writer)
		r, err := ops.create(ctx, f.s, "obs-"+strings.ToLower(k), "Observé")
		f.must(err, "create %s", k)
		_, err = ops.get(ctx, f.s, r.ID)
		f.must(err, "get %s", k)
		_, err = ops.batch(ctx, f.s, []string{r.ID})
		f.must(err, "get many %s", k)
		_, err = ops.list(ctx, f.s, graph.Page{First: 1})
		f.must(err, "list %s", k)
		r, err = ops.update(ctx, f.s, r.ID, r.Version, ptr("Renommé"))
		f.must(err, "update %s", k)
		f.must(ops.delete(ctx, f.s, r.ID, r.Version), "delete %s", k)
		want = append(want, "Create"+k, k, plural, "List"+plural, "Update"+k, "Delete"+k)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, want) {
		t.Errorf("observed operations\n%v\nwant\n%v", got, want)
	}
}
