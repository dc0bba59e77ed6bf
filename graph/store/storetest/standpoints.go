package storetest

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/encommun/maillage/graph"
)

// declKeys renders declarations as "contributor dimension=value VISIBILITY".
func declKeys(ds []graph.Declaration) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = fmt.Sprintf("%s %s=%s %s", d.ContributorID, d.Dimension, d.Value, d.Visibility)
	}
	sort.Strings(out)
	return out
}

func (f *fixture) declarations(ctx context.Context, ids ...string) map[string][]graph.Declaration {
	f.t.Helper()
	m, err := f.s.Declarations(ctx, ids)
	f.must(err, "Declarations(%q)", ids)
	for k, ds := range m {
		for _, d := range ds {
			if d.ContributorID != k {
				f.t.Errorf("Declarations: under %q, a declaration of %q", k, d.ContributorID)
			}
		}
	}
	return m
}

func testStandpoints(t *testing.T, newStore factory) {
	// p declares three values, one of each visibility; q one public value.
	setup := func(t *testing.T) (*fixture, []graph.Declaration) {
		f := newFixture(t, newStore)
		f.contributor("p")
		f.contributor("q")
		decls := []graph.Declaration{
			{ContributorID: "p", Dimension: "gender", Value: "woman", Visibility: graph.DeclPrivate},
			{ContributorID: "p", Dimension: "region", Value: "montreal", Visibility: graph.DeclAggregate},
			{ContributorID: "p", Dimension: "generation", Value: "25-34", Visibility: graph.DeclPublic},
		}
		tax := graph.DefaultTaxonomy()
		for _, d := range decls {
			if err := tax.ValidateDeclaration(d); err != nil {
				t.Fatalf("suite bug: %v", err)
			}
			got, err := f.s.DeclareStandpoint(f.asC("p"), d)
			f.must(err, "p declares %s=%s", d.Dimension, d.Value)
			if got.ContributorID != "p" || got.Dimension != d.Dimension || got.Value != d.Value || got.Visibility != d.Visibility {
				t.Errorf("DeclareStandpoint returned %+v, want %+v", *got, d)
			}
			wantTime(t, got.DeclaredAt, "DeclaredAt")
		}
		_, err := f.s.DeclareStandpoint(f.asC("q"), graph.Declaration{ContributorID: "q", Dimension: "region", Value: "outaouais", Visibility: graph.DeclPublic})
		f.must(err, "q declares")
		return f, decls
	}
	others := []viewerCase{
		{name: "another_contributor", v: contributorViewer("q")},
		{name: "curator", v: curator},
		{name: "curator_with_profile", v: graph.Viewer{Role: graph.RoleCurator, ContributorID: "q"}},
		{name: "admin", v: admin},
		{name: "researcher", v: researcher},
		{name: "anonymous", v: anonymous},
		{name: "no_viewer_in_context", bare: true},
	}

	t.Run("WhoSeesWhat", func(t *testing.T) {
		f, decls := setup(t)
		got := f.declarations(f.asC("p"), "p", "q")
		sameSet(t, declKeys(got["p"]), declKeys(decls), "p's own declarations")
		sameSet(t, declKeys(got["q"]), []string{"q region=outaouais PUBLIC"}, "q's declarations seen by p")
		for _, d := range got["p"] {
			if d.DeclaredAt.IsZero() {
				t.Errorf("declaration %s=%s has no DeclaredAt", d.Dimension, d.Value)
			}
		}
		for _, vc := range others {
			got := f.declarations(f.ctxFor(vc), "p", "q")
			sameSet(t, declKeys(got["p"]), []string{"p generation=25-34 PUBLIC"}, "p's declarations seen by %s (PRIVATE and AGGREGATE are never shown per person)", vc.name)
			if vc.name != "another_contributor" && vc.name != "curator_with_profile" {
				sameSet(t, declKeys(got["q"]), []string{"q region=outaouais PUBLIC"}, "q's declarations seen by %s", vc.name)
			}
		}
		none := f.declarations(f.sys(), "absent")
		if len(none["absent"]) != 0 {
			t.Errorf("declarations of a missing contributor: %+v", none["absent"])
		}
	})

	t.Run("NobodyDeclaresForSomeoneElse", func(t *testing.T) {
		f, decls := setup(t)
		attempts := []viewerCase{
			{name: "another_contributor", v: contributorViewer("q")},
			{name: "curator", v: curator},
			{name: "admin", v: admin},
			{name: "admin_with_profile", v: graph.Viewer{Role: graph.RoleAdmin, ContributorID: "q"}},
		}
		for _, vc := range attempts {
			before := f.state()
			_, err := f.s.DeclareStandpoint(f.ctxFor(vc), graph.Declaration{ContributorID: "p", Dimension: "education", Value: "college", Visibility: graph.DeclPublic})
			wantCode(t, err, graph.EFORBIDDEN, "%s declares for p", vc.name)
			_, err = f.s.DeclareStandpoint(f.ctxFor(vc), graph.Declaration{ContributorID: "p", Dimension: "gender", Value: "woman", Visibility: graph.DeclPublic})
			wantCode(t, err, graph.EFORBIDDEN, "%s changes the visibility of p's declaration", vc.name)
			err = f.s.WithdrawStandpoint(f.ctxFor(vc), "p", "generation", "25-34")
			wantCode(t, err, graph.EFORBIDDEN, "%s withdraws p's declaration", vc.name)
			f.wantState(before, "%s acting for p", vc.name)
		}
		for _, vc := range []viewerCase{{name: "anonymous", v: anonymous}, {name: "no_viewer_in_context", bare: true}} {
			before := f.state()
			_, err := f.s.DeclareStandpoint(f.ctxFor(vc), graph.Declaration{ContributorID: "p", Dimension: "education", Value: "college", Visibility: graph.DeclPublic})
			wantCodeIn(t, err, []string{graph.EFORBIDDEN, graph.EUNAUTHENTICATED}, "%s declares for p", vc.name)
			err = f.s.WithdrawStandpoint(f.ctxFor(vc), "p", "generation", "25-34")
			wantCodeIn(t, err, []string{graph.EFORBIDDEN, graph.EUNAUTHENTICATED}, "%s withdraws p's declaration", vc.name)
			f.wantState(before, "%s acting for p", vc.name)
		}
		sameSet(t, declKeys(f.declarations(f.asC("p"), "p")["p"]), declKeys(decls), "p's declarations after the refused attempts")
	})

	t.Run("RedeclareChangesVisibility", func(t *testing.T) {
		f, _ := setup(t)
		seq := f.lastSeq()
		_, err := f.s.DeclareStandpoint(f.asC("p"), graph.Declaration{ContributorID: "p", Dimension: "region", Value: "montreal", Visibility: graph.DeclPublic})
		f.must(err, "re-declare AGGREGATE as PUBLIC")
		seq = f.wantSeqAdvanced(seq, "re-declare")
		sameSet(t, declKeys(f.declarations(f.asC("p"), "p")["p"]),
			[]string{"p gender=woman PRIVATE", "p region=montreal PUBLIC", "p generation=25-34 PUBLIC"}, "p's declarations after re-declaring")
		sameSet(t, declKeys(f.declarations(f.anon(), "p")["p"]),
			[]string{"p region=montreal PUBLIC", "p generation=25-34 PUBLIC"}, "p's declarations seen anonymously after re-declaring")
		_, err = f.s.DeclareStandpoint(f.asC("p"), graph.Declaration{ContributorID: "p", Dimension: "generation", Value: "25-34", Visibility: graph.DeclPrivate})
		f.must(err, "re-declare PUBLIC as PRIVATE")
		f.wantSeqAdvanced(seq, "re-declare")
		sameSet(t, declKeys(f.declarations(f.as(admin), "p")["p"]), []string{"p region=montreal PUBLIC"}, "p's declarations seen by an admin after hiding one")
		sameSet(t, declKeys(f.declarations(f.asC("p"), "p")["p"]),
			[]string{"p gender=woman PRIVATE", "p region=montreal PUBLIC", "p generation=25-34 PRIVATE"}, "p's own declarations")
	})

	t.Run("WithdrawLeavesNoTrace", func(t *testing.T) {
		f, _ := setup(t)
		seq := f.lastSeq()
		f.must(f.s.WithdrawStandpoint(f.asC("p"), "p", "generation", "25-34"), "withdraw the public value")
		seq = f.wantSeqAdvanced(seq, "withdraw")
		f.must(f.s.WithdrawStandpoint(f.asC("p"), "p", "gender", "woman"), "withdraw the private value")
		f.wantSeqAdvanced(seq, "withdraw")
		sameSet(t, declKeys(f.declarations(f.asC("p"), "p")["p"]), []string{"p region=montreal AGGREGATE"}, "p's declarations after withdrawing two")
		for _, vc := range others {
			sameSet(t, declKeys(f.declarations(f.ctxFor(vc), "p")["p"]), nil, "p's declarations seen by %s after withdrawing", vc.name)
		}
		before := f.state()
		err := f.s.WithdrawStandpoint(f.asC("p"), "p", "gender", "woman")
		wantCode(t, err, graph.ENOTFOUND, "withdraw twice")
		err = f.s.WithdrawStandpoint(f.asC("p"), "p", "gender", "man")
		wantCode(t, err, graph.ENOTFOUND, "withdraw a value never declared")
		f.wantState(before, "failed withdrawals")
		// Declaring again starts afresh, with the new visibility only.
		_, err = f.s.DeclareStandpoint(f.asC("p"), graph.Declaration{ContributorID: "p", Dimension: "gender", Value: "woman", Visibility: graph.DeclAggregate})
		f.must(err, "declare again")
		sameSet(t, declKeys(f.declarations(f.asC("p"), "p")["p"]),
			[]string{"p region=montreal AGGREGATE", "p gender=woman AGGREGATE"}, "p's declarations after declaring again")
	})

	t.Run("VisibilityMustBeChosen", func(t *testing.T) {
		f, decls := setup(t)
		for _, v := range []graph.DeclarationVisibility{"", "public", "SECRET", "COMMUNITY"} {
			before := f.state()
			_, err := f.s.DeclareStandpoint(f.asC("p"), graph.Declaration{ContributorID: "p", Dimension: "education", Value: "college", Visibility: v})
			wantCode(t, err, graph.EINVALID, "declare with visibility %q", v)
			_, err = f.s.DeclareStandpoint(f.asC("p"), graph.Declaration{ContributorID: "p", Dimension: "gender", Value: "woman", Visibility: v})
			wantCode(t, err, graph.EINVALID, "re-declare with visibility %q", v)
			f.wantState(before, "declaration with visibility %q", v)
		}
		sameSet(t, declKeys(f.declarations(f.asC("p"), "p")["p"]), declKeys(decls), "p's declarations after invalid ones")
	})

	t.Run("SeveralValuesOfOneDimension", func(t *testing.T) {
		f := newFixture(t, newStore)
		f.contributor("p")
		for _, v := range []string{"french", "english"} {
			_, err := f.s.DeclareStandpoint(f.asC("p"), graph.Declaration{ContributorID: "p", Dimension: "language", Value: v, Visibility: graph.DeclPublic})
			f.must(err, "declare language=%s", v)
		}
		sameSet(t, declKeys(f.declarations(f.anon(), "p")["p"]), []string{"p language=french PUBLIC", "p language=english PUBLIC"}, "two values of one dimension")
	})
}
