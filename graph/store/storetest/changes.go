package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// changeMatch describes a change a write must have appended; empty fields
// match anything.
type changeMatch struct {
	op   graph.ChangeOp
	kind graph.Kind
	id   string
	rel  graph.Relation
	ends [2]string // for links: the two ends, in either of ID / OtherID
}

func (m changeMatch) matches(c graph.Change) bool {
	if m.op != "" && c.Op != m.op {
		return false
	}
	if m.kind != "" && c.Kind != m.kind {
		return false
	}
	if m.id != "" && c.ID != m.id {
		return false
	}
	if m.rel != "" && c.Relation != m.rel {
		return false
	}
	if m.ends[0] != "" {
		a, b := m.ends[0], m.ends[1]
		if !(c.ID == a && c.OtherID == b) && !(c.ID == b && c.OtherID == a) {
			return false
		}
	}
	return true
}

// changesSince reads every change after since and checks their order.
func (f *fixture) changesSince(since uint64) []graph.Change {
	f.t.Helper()
	cs, err := f.s.Changes(f.sys(), since, 10000)
	f.must(err, "Changes(%d)", since)
	prev := since
	for i, c := range cs {
		if c.Seq <= prev {
			f.t.Errorf("Changes(%d)[%d].Seq = %d, not above %d: the sequence must strictly increase", since, i, c.Seq, prev)
		}
		prev = c.Seq
		if c.At.IsZero() {
			f.t.Errorf("change %d has no time", c.Seq)
		}
	}
	return cs
}

func describe(cs []graph.Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "\n  #%d %s %s %q %s %q", c.Seq, c.Op, c.Kind, c.ID, c.Relation, c.OtherID)
	}
	return b.String()
}

func testChanges(t *testing.T, newStore factory) {
	t.Run("EmptyStore", func(t *testing.T) {
		f := newFixture(t, newStore)
		if seq := f.lastSeq(); seq != 0 {
			t.Errorf("LastSeq of an empty store is %d, want 0", seq)
		}
		if cs := f.changesSince(0); len(cs) != 0 {
			t.Errorf("an empty store has changes:%s", describe(cs))
		}
	})

	t.Run("EveryWriteAppends", func(t *testing.T) {
		f := newFixture(t, newStore)
		var d *graph.Document
		var k *graph.Carnet
		var c *graph.Contributor
		steps := []struct {
			name  string
			write func() error
			want  *changeMatch // nil: any change will do
		}{
			{"create contributor", func() (err error) {
				c, err = f.s.CreateContributor(f.as(admin), graph.Contributor{ID: "p", Name: "P"})
				return err
			}, &changeMatch{op: graph.OpCreate, kind: graph.KindContributor, id: "p"}},
			{"update contributor", func() (err error) {
				c, err = f.s.UpdateContributor(f.asC("p"), "p", graph.ContributorUpdate{Version: c.Version, Bio: ptr("bio")})
				return err
			}, &changeMatch{op: graph.OpUpdate, kind: graph.KindContributor, id: "p"}},
			{"create community", func() error {
				_, err := f.s.Communities().Create(f.as(curator), graph.Community{ID: "c", Name: "C"})
				return err
			}, &changeMatch{op: graph.OpCreate, kind: graph.KindCommunity, id: "c"}},
			{"create knowledge base", func() error {
				_, err := f.s.KnowledgeBases().Create(f.as(curator), graph.KnowledgeBase{ID: "b", Name: "B"})
				return err
			}, &changeMatch{op: graph.OpCreate, kind: graph.KindKnowledgeBase, id: "b"}},
			{"create carnet", func() (err error) {
				k, err = f.s.Carnets().Create(f.as(curator), graph.Carnet{ID: "k", Title: "K", Categories: []string{"x"}})
				return err
			}, &changeMatch{op: graph.OpCreate, kind: graph.KindCarnet, id: "k"}},
			{"update carnet", func() (err error) {
				k, err = f.s.Carnets().Update(f.as(curator), "k", graph.CarnetUpdate{Version: k.Version, Categories: &[]string{"x", "y"}})
				return err
			}, &changeMatch{op: graph.OpUpdate, kind: graph.KindCarnet, id: "k"}},
			{"create note", func() (err error) {
				d, err = f.s.CreateDocument(f.asC("p"), graph.Document{ID: "n", Kind: graph.KindNote, Title: "N", Language: "fr", Visibility: graph.VisibilityPrivate}, nil)
				return err
			}, &changeMatch{op: graph.OpCreate, kind: graph.KindNote, id: "n"}},
			{"create term", func() error {
				_, err := f.s.CreateDocument(f.asC("p"), graph.Document{ID: "t", Kind: graph.KindTerm, Title: "T", Language: "fr", Visibility: graph.VisibilityPublic}, nil)
				return err
			}, &changeMatch{op: graph.OpCreate, kind: graph.KindTerm, id: "t"}},
			{"update note", func() (err error) {
				d, err = f.s.UpdateDocument(f.asC("p"), "n", graph.DocumentUpdate{Version: d.Version, Title: ptr("N2")})
				return err
			}, &changeMatch{op: graph.OpUpdate, kind: graph.KindNote, id: "n"}},
			{"link", func() error {
				_, err := f.s.Link(f.asC("p"), graph.Link{Relation: graph.RelMentions, From: "n", To: "t"})
				return err
			}, &changeMatch{op: graph.OpLink, rel: graph.RelMentions, ends: [2]string{"n", "t"}}},
			{"link to carnet", func() error {
				_, err := f.s.Link(f.asC("p"), graph.Link{Relation: graph.RelInCarnet, From: "n", To: "k", Category: "x"})
				return err
			}, &changeMatch{op: graph.OpLink, rel: graph.RelInCarnet, ends: [2]string{"n", "k"}}},
			{"re-link with a new category", func() error {
				_, err := f.s.Link(f.asC("p"), graph.Link{Relation: graph.RelInCarnet, From: "n", To: "k", Category: "y"})
				return err
			}, nil},
			{"add a member to a community", func() error {
				_, err := f.s.Link(f.as(curator), graph.Link{Relation: graph.RelMemberOf, From: "p", To: "c"})
				return err
			}, &changeMatch{op: graph.OpLink, rel: graph.RelMemberOf, ends: [2]string{"p", "c"}}},
			{"unlink", func() error {
				return f.s.Unlink(f.asC("p"), graph.RelMentions, "n", "t")
			}, &changeMatch{op: graph.OpUnlink, rel: graph.RelMentions, ends: [2]string{"n", "t"}}},
			{"declare", func() error {
				_, err := f.s.DeclareStandpoint(f.asC("p"), graph.Declaration{ContributorID: "p", Dimension: "gender", Value: "woman", Visibility: graph.DeclPrivate})
				return err
			}, nil},
			{"re-declare", func() error {
				_, err := f.s.DeclareStandpoint(f.asC("p"), graph.Declaration{ContributorID: "p", Dimension: "gender", Value: "woman", Visibility: graph.DeclPublic})
				return err
			}, nil},
			{"withdraw", func() error {
				return f.s.WithdrawStandpoint(f.asC("p"), "p", "gender", "woman")
			}, nil},
			{"delete note", func() error {
				return f.s.DeleteDocument(f.asC("p"), "n", f.reread("n").Version)
			}, &changeMatch{op: graph.OpDelete, kind: graph.KindNote, id: "n"}},
			{"delete carnet", func() error {
				k, err := f.s.Carnets().Get(f.sys(), "k")
				f.must(err, "read carnet")
				return f.s.Carnets().Delete(f.as(curator), "k", k.Version)
			}, &changeMatch{op: graph.OpDelete, kind: graph.KindCarnet, id: "k"}},
			{"delete contributor", func() error {
				c, err := f.s.Contributor(f.sys(), "p")
				f.must(err, "read contributor")
				return f.s.DeleteContributor(f.as(admin), "p", c.Version)
			}, &changeMatch{op: graph.OpDelete, kind: graph.KindContributor, id: "p"}},
		}
		for _, st := range steps {
			before := f.lastSeq()
			if err := st.write(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			after := f.lastSeq()
			if after <= before {
				t.Errorf("%s: LastSeq %d, was %d: every write must append a change", st.name, after, before)
				continue
			}
			cs := f.changesSince(before)
			if len(cs) == 0 || cs[len(cs)-1].Seq != after {
				t.Errorf("%s: Changes(%d) ends at %v, LastSeq is %d:%s", st.name, before, len(cs), after, describe(cs))
			}
			if st.want != nil {
				found := false
				for _, c := range cs {
					found = found || st.want.matches(c)
				}
				if !found {
					t.Errorf("%s: no change %+v among the new ones:%s", st.name, *st.want, describe(cs))
				}
			}
		}
	})

	t.Run("ChangesPaging", func(t *testing.T) {
		f := newFixture(t, newStore)
		for i := range 8 {
			f.note(fmt.Sprintf("n%d", i), graph.VisibilityPublic)
		}
		all := f.changesSince(0)
		last := f.lastSeq()
		if len(all) < 8 || all[len(all)-1].Seq != last {
			t.Fatalf("Changes(0) has %d changes ending at %v, want at least 8 ending at LastSeq %d", len(all), all, last)
		}
		created := map[string]bool{}
		for _, c := range all {
			if c.Op == graph.OpCreate && c.Kind == graph.KindNote {
				created[c.ID] = true
			}
		}
		if len(created) != 8 {
			t.Errorf("%d distinct CREATE Note changes, want 8:%s", len(created), describe(all))
		}
		got, err := f.s.Changes(f.sys(), 0, 3)
		f.must(err, "Changes(0, 3)")
		if len(got) != 3 || got[0].Seq != all[0].Seq || got[2].Seq != all[2].Seq {
			t.Errorf("Changes(0, 3):%s\nwant the first three of:%s", describe(got), describe(all))
		}
		got, err = f.s.Changes(f.sys(), all[2].Seq, 3)
		f.must(err, "Changes(after the third, 3)")
		if len(got) != 3 || got[0].Seq != all[3].Seq || got[2].Seq != all[5].Seq {
			t.Errorf("Changes(%d, 3):%s\nwant the 4th to 6th of:%s", all[2].Seq, describe(got), describe(all))
		}
		got, err = f.s.Changes(f.sys(), last, 10)
		f.must(err, "Changes(LastSeq)")
		if len(got) != 0 {
			t.Errorf("Changes(LastSeq) returned%s", describe(got))
		}
		// Deleting does not rewrite history: the numbers already handed out stay.
		f.must(f.s.DeleteDocument(f.sys(), "n0", 1), "delete")
		again := f.changesSince(0)
		if len(again) <= len(all) || again[len(all)-1].Seq != all[len(all)-1].Seq || again[0].Seq != all[0].Seq {
			t.Errorf("after a delete, Changes(0) no longer starts with the earlier changes:%s", describe(again))
		}
	})

	t.Run("FailedWritesAddNothing", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("a")
		f.contributor("x")
		d := f.note("n", graph.VisibilityPublic, "a")
		f.note("m", graph.VisibilityPublic, "a")
		f.carnet("k", "cat")
		fails := []struct {
			name  string
			write func() error
		}{
			{"invalid document", func() error {
				_, err := f.s.CreateDocument(f.asC("a"), graph.Document{Kind: graph.KindNote, Visibility: graph.VisibilityPublic}, nil)
				return err
			}},
			{"duplicate id", func() error {
				_, err := f.s.CreateDocument(f.asC("a"), graph.Document{ID: "n", Kind: graph.KindNote, Title: "x", Visibility: graph.VisibilityPublic}, nil)
				return err
			}},
			{"anonymous create", func() error {
				_, err := f.s.CreateDocument(f.anon(), graph.Document{Kind: graph.KindNote, Title: "x", Visibility: graph.VisibilityPublic}, nil)
				return err
			}},
			{"stale update", func() error {
				_, err := f.s.UpdateDocument(f.asC("a"), "n", graph.DocumentUpdate{Version: d.Version + 1, Title: ptr("x")})
				return err
			}},
			{"forbidden update", func() error {
				_, err := f.s.UpdateDocument(f.asC("x"), "n", graph.DocumentUpdate{Version: d.Version, Title: ptr("x")})
				return err
			}},
			{"stale delete", func() error { return f.s.DeleteDocument(f.asC("a"), "n", d.Version+1) }},
			{"invalid link", func() error {
				_, err := f.s.Link(f.sys(), graph.Link{Relation: graph.RelInCarnet, From: "n", To: "k", Category: "autre"})
				return err
			}},
			{"link to a missing node", func() error {
				_, err := f.s.Link(f.sys(), graph.Link{Relation: graph.RelLinksTo, From: "n", To: "absent"})
				return err
			}},
			{"forbidden link", func() error {
				_, err := f.s.Link(f.asC("x"), graph.Link{Relation: graph.RelLinksTo, From: "n", To: "m"})
				return err
			}},
			{"unlink of an absent link", func() error { return f.s.Unlink(f.sys(), graph.RelLinksTo, "n", "m") }},
			{"declaration for someone else", func() error {
				_, err := f.s.DeclareStandpoint(f.asC("x"), graph.Declaration{ContributorID: "a", Dimension: "gender", Value: "woman", Visibility: graph.DeclPublic})
				return err
			}},
			{"declaration without visibility", func() error {
				_, err := f.s.DeclareStandpoint(f.asC("a"), graph.Declaration{ContributorID: "a", Dimension: "gender", Value: "woman"})
				return err
			}},
			{"withdraw of nothing", func() error { return f.s.WithdrawStandpoint(f.asC("a"), "a", "gender", "man") }},
			{"contributor creates a carnet", func() error {
				_, err := f.s.Carnets().Create(f.asC("a"), graph.Carnet{Title: "x"})
				return err
			}},
		}
		for _, fl := range fails {
			before := f.lastSeq()
			if err := fl.write(); err == nil {
				t.Errorf("%s: succeeded, want an error", fl.name)
				continue
			}
			if after := f.lastSeq(); after != before {
				t.Errorf("%s: failed, yet LastSeq moved from %d to %d", fl.name, before, after)
			}
			if cs := f.changesSince(before); len(cs) != 0 {
				t.Errorf("%s: failed, yet appended changes:%s", fl.name, describe(cs))
			}
		}
	})
}
