package storetest

import (
	"fmt"
	"sort"
	"testing"

	"github.com/encommun/maillage/graph"
)

// The research reads: standpoint coverage (suppressed counts) and the
// contributor network. The expected values below are worked out by hand
// from the fixture, rule by rule (graph.CoverageCounts.Suppress).

// coverageKeys renders a coverage as sorted lines:
// "documents=5 contributors=6", "gender undeclared=suppressed",
// "region:montreal contributors=3 documents=2", "gender:man suppressed".
func coverageKeys(c *graph.Coverage) []string {
	out := []string{fmt.Sprintf("documents=%d contributors=%d", c.Documents, c.Contributors)}
	if c.TooFew {
		out[0] += " too-few"
	}
	if c.Released {
		out[0] += " released"
	}
	for _, d := range c.Dimensions {
		switch {
		case d.UndeclaredSuppressed && d.Undeclared == nil:
			out = append(out, d.Dimension+" undeclared=suppressed")
		case !d.UndeclaredSuppressed && d.Undeclared != nil:
			out = append(out, fmt.Sprintf("%s undeclared=%d", d.Dimension, *d.Undeclared))
		default:
			out = append(out, d.Dimension+" undeclared=INCONSISTENT")
		}
		for _, v := range d.Values {
			key := d.Dimension + ":" + v.Value
			switch {
			case v.Suppressed && v.Contributors == nil && v.Documents == nil:
				out = append(out, key+" suppressed")
			case !v.Suppressed && v.Contributors != nil && v.Documents != nil && !c.Released:
				out = append(out, fmt.Sprintf("%s contributors=%d documents=%d", key, *v.Contributors, *v.Documents))
			case !v.Suppressed && v.Contributors != nil && v.Documents == nil && c.Released:
				out = append(out, fmt.Sprintf("%s released=%d", key, *v.Contributors))
			default:
				out = append(out, key+" INCONSISTENT")
			}
		}
	}
	sort.Strings(out)
	return out
}

func (f *fixture) declare(id, dimension, value string, vis graph.DeclarationVisibility) {
	f.t.Helper()
	_, err := f.s.DeclareStandpoint(f.asC(id), graph.Declaration{ContributorID: id, Dimension: dimension, Value: value, Visibility: vis})
	f.must(err, "%s declares %s:%s %s", id, dimension, value, vis)
}

// researchFixture: contributors a–g; public notes n1 (a, b), n2 (c),
// n3 (d, e), n4 (f), n6 (a, b, c); a PRIVATE note n5 (a, g) and a
// COMMUNITY note n7 (e, g) of community k1, whose member is h; a public
// organisation o1 and a PRIVATE one o2, without authors.
func researchFixture(t *testing.T, newStore factory) *fixture {
	f := newFixture(t, newStore)
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		f.contributor(id)
	}
	f.community("k1")
	f.note("n1", graph.VisibilityPublic, "a", "b")
	f.note("n2", graph.VisibilityPublic, "c")
	f.note("n3", graph.VisibilityPublic, "d", "e")
	f.note("n4", graph.VisibilityPublic, "f")
	f.note("n5", graph.VisibilityPrivate, "a", "g")
	f.note("n6", graph.VisibilityPublic, "a", "b", "c")
	f.note("n7", graph.VisibilityCommunity, "e", "g")
	f.link(graph.RelOfCommunity, "n7", "k1")
	f.link(graph.RelMemberOf, "h", "k1")
	f.organisation("o1")
	f.doc(graph.Document{ID: "o2", Kind: graph.KindOrganisation, Visibility: graph.VisibilityPrivate})
	f.link(graph.RelMemberOf, "a", "k1")
	f.link(graph.RelAffiliatedWith, "b", "o1")
	f.link(graph.RelAffiliatedWith, "c", "o2")

	pub, agg, priv := graph.DeclPublic, graph.DeclAggregate, graph.DeclPrivate
	// gender: woman a b c PUBLIC, d AGGREGATE; man e f PUBLIC.
	for _, id := range []string{"a", "b", "c"} {
		f.declare(id, "gender", "woman", pub)
	}
	f.declare("d", "gender", "woman", agg)
	f.declare("e", "gender", "man", pub)
	f.declare("f", "gender", "man", pub)
	// region: montreal a b c PUBLIC.
	for _, id := range []string{"a", "b", "c"} {
		f.declare(id, "region", "montreal", pub)
	}
	// generation: 25-34 a b c d AGGREGATE.
	for _, id := range []string{"a", "b", "c", "d"} {
		f.declare(id, "generation", "25-34", agg)
	}
	// language: french a–e AGGREGATE, f PUBLIC; english g PUBLIC.
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		f.declare(id, "language", "french", agg)
	}
	f.declare("f", "language", "french", pub)
	f.declare("g", "language", "english", pub)
	// migration: immigrant a b c AGGREGATE; d born-in-canada PUBLIC and
	// refugee AGGREGATE.
	for _, id := range []string{"a", "b", "c"} {
		f.declare(id, "migration", "immigrant", agg)
	}
	f.declare("d", "migration", "born-in-canada", pub)
	f.declare("d", "migration", "refugee", agg)
	// education: college g AGGREGATE (g writes only non-public notes).
	f.declare("g", "education", "college", agg)
	// disability: a PRIVATE. Never counted, not even for a.
	f.declare("a", "disability", "living-with-disability", priv)
	// h writes nothing: never counted.
	f.declare("h", "gender", "woman", agg)
	return f
}

// publicCoverage is the coverage of the whole commons at k = 3 for a
// viewer who reads the public documents only: n1 n2 n3 n4 n6 o1, by a–f.
var publicCoverage = []string{
	"documents=6 contributors=6",
	// Rule 4: d is the only one declaring gender through AGGREGATE only.
	"gender undeclared=suppressed",
	// Rule 2: four women, but one of them through AGGREGATE.
	"gender:woman suppressed",
	// Rule 1: two men.
	"gender:man suppressed",
	"region undeclared=3",
	"region:montreal contributors=3 documents=3",
	"generation undeclared=2",
	// Four through AGGREGATE (at least k), on n1 n2 n3 n6.
	"generation:25-34 contributors=4 documents=4",
	// Rule 3: everyone counted is francophone, five of them through AGGREGATE.
	"language undeclared=suppressed",
	"language:french suppressed",
	// Rule 4 by the AGGREGATE part of refugee (1), though immigrant shows.
	"migration undeclared=suppressed",
	"migration:born-in-canada suppressed",
	"migration:immigrant contributors=3 documents=3",
	"migration:refugee suppressed",
}

// everythingCoverage is the same for a curator, who reads n5, n7 and o2
// too: g is counted, so French is no longer everyone's.
var everythingCoverage = []string{
	"documents=9 contributors=7",
	"gender undeclared=suppressed",
	"gender:woman suppressed",
	"gender:man suppressed",
	"region undeclared=4",
	"region:montreal contributors=3 documents=4",
	"generation undeclared=3",
	"generation:25-34 contributors=4 documents=5",
	"language undeclared=0",
	"language:french contributors=6 documents=7",
	"language:english suppressed",
	"migration undeclared=suppressed",
	"migration:born-in-canada suppressed",
	"migration:immigrant contributors=3 documents=4",
	"migration:refugee suppressed",
	"education undeclared=suppressed",
	"education:college suppressed",
}

func testResearch(t *testing.T, newStore factory) {
	t.Run("Coverage", func(t *testing.T) {
		f := researchFixture(t, newStore)
		for _, vc := range []viewerCase{
			{name: "anonymous", v: anonymous},
			{name: "no_viewer_in_context", bare: true},
			{name: "researcher", v: researcher},
			// A contributor who writes nothing and belongs nowhere reads
			// what anonymous readers read.
			{name: "outsider_contributor", v: contributorViewer("nobody")},
		} {
			t.Run(vc.name, func(t *testing.T) {
				c, err := f.on(t).s.StandpointCoverage(f.ctxFor(vc), graph.CoverageQuery{Scope: graph.DocumentScope{All: true}, K: 3})
				f.on(t).must(err, "StandpointCoverage")
				sameSet(t, coverageKeys(c), publicCoverage, "coverage of the commons seen by %s", vc.name)
				if c.K != 3 {
					t.Errorf("K = %d, want 3", c.K)
				}
			})
		}
		for _, vc := range []viewerCase{{name: "curator", v: curator}, {name: "admin", v: admin}, {name: "system", v: graph.Viewer{Role: graph.RoleSystem}}} {
			t.Run(vc.name, func(t *testing.T) {
				c, err := f.on(t).s.StandpointCoverage(f.ctxFor(vc), graph.CoverageQuery{Scope: graph.DocumentScope{All: true}, K: 3})
				f.on(t).must(err, "StandpointCoverage")
				sameSet(t, coverageKeys(c), everythingCoverage, "coverage of the commons seen by %s", vc.name)
			})
		}
	})

	t.Run("CoverageFollowsDocumentVisibility", func(t *testing.T) {
		f := researchFixture(t, newStore)
		all := graph.CoverageQuery{Scope: graph.DocumentScope{All: true}, K: 2}
		totals := func(ctxName string, v graph.Viewer) string {
			c, err := f.s.StandpointCoverage(f.as(v), all)
			f.must(err, "coverage as %s", ctxName)
			return coverageKeys(c)[0]
		}
		// The author of a PRIVATE note counts it; a member of the
		// community counts its COMMUNITY note (and g with it).
		for _, c := range []struct {
			name string
			v    graph.Viewer
			want string
		}{
			{"g", contributorViewer("g"), "documents=8 contributors=7"}, // n5 and n7 are g's
			{"a", contributorViewer("a"), "documents=8 contributors=7"}, // n5 (author), n7 (member of k1)
			{"h", contributorViewer("h"), "documents=7 contributors=7"}, // n7 through k1 brings g
			{"b", contributorViewer("b"), "documents=6 contributors=6"},
		} {
			if got := totals(c.name, c.v); got != c.want {
				t.Errorf("coverage totals seen by %s: %s, want %s", c.name, got, c.want)
			}
		}
	})

	t.Run("CoverageOfIDs", func(t *testing.T) {
		f := researchFixture(t, newStore)
		q := func(v graph.Viewer, ids ...string) []string {
			c, err := f.s.StandpointCoverage(f.as(v), graph.CoverageQuery{Scope: graph.DocumentScope{IDs: ids}, K: 2})
			f.must(err, "coverage of %q", ids)
			return coverageKeys(c)
		}
		// A repeated id counts once; a hidden, a missing and a
		// non-document id count as nothing.
		got := q(anonymous, "n1", "n1", "n5", "missing", "a", "k1")
		sameSet(t, got, []string{
			"documents=1 contributors=2",
			"gender undeclared=0", "gender:woman contributors=2 documents=1",
			"region undeclared=0", "region:montreal contributors=2 documents=1",
			"generation undeclared=suppressed", "generation:25-34 suppressed",
			"language undeclared=suppressed", "language:french suppressed",
			"migration undeclared=suppressed", "migration:immigrant suppressed",
		}, "coverage of n1 (and ids that count as nothing), anonymously")
		// The same ids seen by the curator: n5 brings g.
		got = q(curator, "n1", "n5")
		if got[0] != "documents=2 contributors=3" {
			t.Errorf("coverage of n1, n5 seen by a curator: %s, want documents=2 contributors=3", got[0])
		}
		sameSet(t, q(anonymous), []string{"documents=0 contributors=0"}, "coverage of no document")
		sameSet(t, q(anonymous, "n5"), []string{"documents=0 contributors=0"}, "coverage of a hidden document")
	})

	t.Run("CoverageNeverCountsPrivateDeclarations", func(t *testing.T) {
		f := newFixture(t, newStore)
		for _, id := range []string{"p", "q"} {
			f.contributor(id)
			f.declare(id, "disability", "living-with-disability", graph.DeclPrivate)
		}
		f.note("n", graph.VisibilityPublic, "p", "q")
		// Not even the owner sees their PRIVATE value counted, nor its
		// dimension listed as declared: it is as if never declared.
		for _, v := range []graph.Viewer{contributorViewer("p"), admin, anonymous} {
			c, err := f.s.StandpointCoverage(f.as(v), graph.CoverageQuery{Scope: graph.DocumentScope{All: true}, K: 2})
			f.must(err, "coverage")
			sameSet(t, coverageKeys(c), []string{"documents=1 contributors=2"}, "coverage with PRIVATE declarations only, seen by %+v", v)
		}
	})

	t.Run("CoverageThreshold", func(t *testing.T) {
		f := researchFixture(t, newStore)
		for _, k := range []int{-1, 0, 1} {
			_, err := f.s.StandpointCoverage(f.as(curator), graph.CoverageQuery{Scope: graph.DocumentScope{All: true}, K: k})
			wantCode(t, err, graph.EINVALID, "coverage with k = %d", k)
		}
		// Fewer contributors than k: nothing is said of any value.
		c, err := f.s.StandpointCoverage(f.as(anonymous), graph.CoverageQuery{Scope: graph.DocumentScope{All: true}, K: 7})
		f.must(err, "coverage with k = 7")
		if !c.TooFew || len(c.Dimensions) != 0 || c.Contributors != 6 || c.Documents != 6 {
			t.Errorf("6 contributors, k = 7: TooFew %v, %d dimensions, totals %d/%d; want true, none, 6/6", c.TooFew, len(c.Dimensions), c.Contributors, c.Documents)
		}
		c, err = f.s.StandpointCoverage(f.as(anonymous), graph.CoverageQuery{Scope: graph.DocumentScope{All: true}, K: 6})
		f.must(err, "coverage with k = 6")
		if c.TooFew || len(c.Dimensions) == 0 {
			t.Errorf("6 contributors, k = 6: TooFew %v, %d dimensions; want false, some", c.TooFew, len(c.Dimensions))
		}
		// One author isolated: TooFew, whatever their declarations.
		c, err = f.s.StandpointCoverage(f.as(anonymous), graph.CoverageQuery{Scope: graph.DocumentScope{IDs: []string{"n2"}}, K: 2})
		f.must(err, "coverage of n2")
		if !c.TooFew || len(c.Dimensions) != 0 {
			t.Errorf("one author, k = 2: TooFew %v, %d dimensions; want true, none", c.TooFew, len(c.Dimensions))
		}
	})

	t.Run("CoverageReadsAfterWrites", func(t *testing.T) {
		f := researchFixture(t, newStore)
		all := graph.CoverageQuery{Scope: graph.DocumentScope{All: true}, K: 3}
		// d withdraws the AGGREGATE woman: four women become three PUBLIC
		// ones, shown, and gender no longer has an AGGREGATE-only declarer.
		f.must(f.s.WithdrawStandpoint(f.asC("d"), "d", "gender", "woman"), "withdraw")
		c, err := f.s.StandpointCoverage(f.anon(), all)
		f.must(err, "coverage")
		got := coverageKeys(c)
		for _, want := range []string{"gender:woman contributors=3 documents=3", "gender undeclared=1"} {
			if !contains(got, want) {
				t.Errorf("after the withdrawal, want %q in %q", want, got)
			}
		}
		// Making n5 public counts a and g on it.
		vis := graph.VisibilityPublic
		_, err = f.s.UpdateDocument(f.sys(), "n5", graph.DocumentUpdate{Version: 1, Visibility: &vis})
		f.must(err, "publish n5")
		c, err = f.s.StandpointCoverage(f.anon(), all)
		f.must(err, "coverage")
		if got := coverageKeys(c)[0]; got != "documents=7 contributors=7" {
			t.Errorf("after publishing n5: %s, want documents=7 contributors=7", got)
		}
	})

	t.Run("Network", func(t *testing.T) { testNetwork(t, newStore) })
	t.Run("Property", func(t *testing.T) { testResearchProperty(t, newStore) })
}

// RunResearch runs only the research part of the suite, for a store that
// reads scopes in more than one way and must be tried each way.
func RunResearch(t *testing.T, newStore func(t *testing.T) graph.Store) {
	testResearch(t, newStore)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// networkKeys renders a network as sorted lines: "a docs=2",
// "a-b docs=2", "a MEMBER_OF k1".
func networkKeys(n *graph.Network) []string {
	out := []string{fmt.Sprintf("documents=%d", n.Documents)}
	for _, c := range n.Contributors {
		out = append(out, fmt.Sprintf("%s docs=%d", c.ID, c.Documents))
	}
	for _, e := range n.Coauthorships {
		out = append(out, fmt.Sprintf("%s-%s docs=%d", e.A, e.B, e.Documents))
	}
	for _, l := range n.Affiliations {
		out = append(out, fmt.Sprintf("%s %s %s", l.From, l.Relation, l.To))
	}
	return out
}

func testNetwork(t *testing.T, newStore factory) {
	f := researchFixture(t, newStore)
	all := graph.NetworkQuery{Scope: graph.DocumentScope{All: true}}

	t.Run("OnlyResearchersAndAbove", func(t *testing.T) {
		f := f.on(t)
		for _, vc := range []viewerCase{{name: "anonymous", v: anonymous}, {name: "no_viewer_in_context", bare: true}} {
			_, err := f.s.ContributorNetwork(f.ctxFor(vc), all)
			wantCode(t, err, graph.EUNAUTHENTICATED, "network asked by %s", vc.name)
		}
		_, err := f.s.ContributorNetwork(f.asC("a"), all)
		wantCode(t, err, graph.EFORBIDDEN, "network asked by a contributor")
		_, err = f.s.ContributorNetwork(f.as(graph.Viewer{Role: graph.RoleContributor}), all)
		wantCode(t, err, graph.EFORBIDDEN, "network asked by a contributor token without profile")
	})

	publicNetwork := []string{
		"documents=6",
		"a docs=2", "b docs=2", "c docs=2", "d docs=1", "e docs=1", "f docs=1",
		"a-b docs=2", "a-c docs=1", "b-c docs=1", "d-e docs=1",
		"a MEMBER_OF k1", "b AFFILIATED_WITH o1", // c's o2 is PRIVATE
	}
	t.Run("Researcher", func(t *testing.T) {
		f := f.on(t)
		n, err := f.s.ContributorNetwork(f.as(researcher), all)
		f.must(err, "network")
		sameOrder(t, networkKeys(n), publicNetwork, "network seen by a researcher")
	})
	t.Run("Curator", func(t *testing.T) {
		f := f.on(t)
		n, err := f.s.ContributorNetwork(f.as(curator), all)
		f.must(err, "network")
		sameOrder(t, networkKeys(n), []string{
			"documents=9",
			"a docs=3", "b docs=2", "c docs=2", "d docs=1", "e docs=2", "f docs=1", "g docs=2",
			"a-b docs=2", "a-c docs=1", "a-g docs=1", "b-c docs=1", "d-e docs=1", "e-g docs=1",
			"a MEMBER_OF k1", "b AFFILIATED_WITH o1", "c AFFILIATED_WITH o2",
		}, "network seen by a curator")
	})
	t.Run("ResearcherWithProfile", func(t *testing.T) {
		f := f.on(t)
		// A researcher who is also g reads g's notes, and the network
		// with them.
		n, err := f.s.ContributorNetwork(f.as(graph.Viewer{Role: graph.RoleResearcher, ContributorID: "g"}), all)
		f.must(err, "network")
		got := networkKeys(n)
		for _, want := range []string{"documents=8", "a-g docs=1", "e-g docs=1"} {
			if !contains(got, want) {
				t.Errorf("network seen by researcher g: want %q in %q", want, got)
			}
		}
	})
	t.Run("IDs", func(t *testing.T) {
		f := f.on(t)
		n, err := f.s.ContributorNetwork(f.as(researcher), graph.NetworkQuery{Scope: graph.DocumentScope{IDs: []string{"n6", "n5", "n6", "nope"}}})
		f.must(err, "network of ids")
		sameOrder(t, networkKeys(n), []string{
			"documents=1", "a docs=1", "b docs=1", "c docs=1", "a-b docs=1", "a-c docs=1", "b-c docs=1",
			"a MEMBER_OF k1", "b AFFILIATED_WITH o1",
		}, "network of n6 (n5 hidden, nope missing)")
	})
}
