package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/encommun/maillage/graph"
)

// testResearchProperty builds random graphs and checks StandpointCoverage
// and ContributorNetwork against a reference computed here from the
// store's other reads: which documents the viewer may read (Documents),
// their authors (Links, as the system) and every declaration (Declarations,
// as the system). The reference tallies by hand, without
// graph.CoverageTally, and suppresses with the same k.
func testResearchProperty(t *testing.T, newStore factory) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			f := newFixture(t, newStore)
			rng := rand.New(rand.NewPCG(seed, 77))
			w := randomResearchWorld(f, rng)
			viewers := []graph.Viewer{anonymous, curator, researcher,
				contributorViewer(w.contributors[0]), contributorViewer(w.contributors[1]),
				{Role: graph.RoleResearcher, ContributorID: w.contributors[2]}}
			for round := range 12 {
				v := viewers[round%len(viewers)]
				scope := graph.DocumentScope{All: round%3 == 0}
				if !scope.All {
					for range rng.IntN(len(w.docs) + 3) {
						switch rng.IntN(8) {
						case 0:
							scope.IDs = append(scope.IDs, "missing")
						case 1:
							scope.IDs = append(scope.IDs, w.contributors[rng.IntN(len(w.contributors))])
						default:
							scope.IDs = append(scope.IDs, w.docs[rng.IntN(len(w.docs))])
						}
					}
				}
				k := 2 + rng.IntN(3)
				ctx := f.as(v)
				got, err := f.s.StandpointCoverage(ctx, graph.CoverageQuery{Scope: scope, K: k})
				f.must(err, "round %d: StandpointCoverage", round)
				docs, authors := w.reference(f, v, scope)
				want, err := referenceCounts(f, docs, authors).Suppress(k)
				f.must(err, "reference Suppress")
				sameOrder(t, coverageKeys(got), coverageKeys(want), "round %d: coverage for %+v of %d ids (all: %v), k=%d", round, v, len(scope.IDs), scope.All, k)

				// Released (graph.CoverageQuery.Release): the store must key
				// the noise on the very contributors the reference counts.
				var gotScope, wantScope [32]byte
				noise := func(into *[32]byte) *graph.CoverageNoise {
					return &graph.CoverageNoise{Key: releaseKey, Taxonomy: graph.DefaultTaxonomy(), Charge: func(s [32]byte) error { *into = s; return nil }}
				}
				rel, err := f.s.StandpointCoverage(ctx, graph.CoverageQuery{Scope: scope, K: k, Noise: noise(&gotScope)})
				f.must(err, "round %d: StandpointCoverage released", round)
				wantRel, err := graph.CoverageQuery{K: k, Noise: noise(&wantScope)}.Release(referenceCounts(f, docs, authors))
				f.must(err, "reference Release")
				sameOrder(t, coverageKeys(rel), coverageKeys(wantRel), "round %d: released coverage for %+v, k=%d", round, v, k)
				if gotScope != wantScope {
					t.Errorf("round %d: released coverage keyed on other contributors than the reference's", round)
				}

				if graph.RequireResearcher(v) != nil {
					continue
				}
				net, err := f.s.ContributorNetwork(ctx, graph.NetworkQuery{Scope: scope})
				f.must(err, "round %d: ContributorNetwork", round)
				sameOrder(t, networkKeys(net), referenceNetwork(f, v, docs, authors), "round %d: network for %+v", round, v)
			}
		})
	}
}

// releaseKey is the coverage key of the conformance suite.
var releaseKey = []byte("storetest coverage key, 32 bytes")

type researchWorld struct {
	contributors, docs []string
}

var researchDims = map[string][]string{
	"gender":     {"woman", "man", "non-binary"},
	"language":   {"french", "english"},
	"generation": {"18-24", "25-34", "35-49", "50-64"},
}

func randomResearchWorld(f *fixture, rng *rand.Rand) *researchWorld {
	w := &researchWorld{}
	for i := range 14 {
		id := fmt.Sprintf("c%02d", i)
		f.contributor(id)
		w.contributors = append(w.contributors, id)
		for _, dim := range []string{"gender", "language", "generation"} {
			for _, val := range researchDims[dim] {
				if rng.IntN(3) == 0 {
					vis := []graph.DeclarationVisibility{graph.DeclPublic, graph.DeclAggregate, graph.DeclAggregate, graph.DeclPrivate}[rng.IntN(4)]
					f.declare(id, dim, val, vis)
				}
			}
		}
	}
	for i := range 3 {
		f.community(fmt.Sprintf("k%d", i))
	}
	for _, c := range w.contributors {
		if rng.IntN(2) == 0 {
			f.link(graph.RelMemberOf, c, fmt.Sprintf("k%d", rng.IntN(3)))
		}
	}
	visibilities := []graph.Visibility{graph.VisibilityPublic, graph.VisibilityPublic, graph.VisibilityCommunity, graph.VisibilityPrivate}
	for i := range 40 {
		id := fmt.Sprintf("d%02d", i)
		var authors []string
		for range rng.IntN(4) {
			authors = append(authors, w.contributors[rng.IntN(len(w.contributors))])
		}
		slices.Sort(authors)
		authors = slices.Compact(authors)
		kind := graph.KindNote
		if i%8 == 0 {
			kind = graph.KindOrganisation
		}
		f.doc(graph.Document{ID: id, Kind: kind, Visibility: visibilities[rng.IntN(len(visibilities))]}, authors...)
		if rng.IntN(2) == 0 {
			f.link(graph.RelOfCommunity, id, fmt.Sprintf("k%d", rng.IntN(3)))
		}
		w.docs = append(w.docs, id)
	}
	for _, c := range w.contributors {
		if rng.IntN(2) == 0 {
			f.link(graph.RelAffiliatedWith, c, fmt.Sprintf("d%02d", 8*rng.IntN(5)))
		}
	}
	return w
}

// reference returns the documents of scope that v may read, each once,
// and their authors.
func (w *researchWorld) reference(f *fixture, v graph.Viewer, scope graph.DocumentScope) ([]string, map[string][]string) {
	f.t.Helper()
	candidates := scope.IDs
	if scope.All {
		candidates = w.docs
	}
	seen := map[string]bool{}
	var docs []string
	for _, id := range candidates {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := f.s.Document(f.as(v), id); err == nil {
			docs = append(docs, id)
		} else if graph.ErrorCode(err) != graph.ENOTFOUND {
			f.must(err, "Document(%s)", id)
		}
	}
	authors := map[string][]string{}
	if len(docs) > 0 {
		links, err := f.s.Links(f.sys(), docs, graph.RelAuthored, graph.In)
		f.must(err, "Links(AUTHORED)")
		for id, ls := range links {
			for _, l := range ls {
				authors[id] = append(authors[id], l.From)
			}
		}
	}
	return docs, authors
}

func referenceCounts(f *fixture, docs []string, authors map[string][]string) graph.CoverageCounts {
	f.t.Helper()
	people := map[string]bool{}
	for _, d := range docs {
		for _, a := range authors[d] {
			people[a] = true
		}
	}
	ids := make([]string, 0, len(people))
	for p := range people {
		ids = append(ids, p)
	}
	decls, err := f.s.Declarations(f.sys(), ids)
	f.must(err, "Declarations as the system")
	type key struct{ dim, val string }
	holders := map[key]map[string]graph.DeclarationVisibility{}
	perDim := map[string]map[string]bool{} // dimension → person → has a PUBLIC value
	for p, ds := range decls {
		for _, d := range ds {
			if d.Visibility == graph.DeclPrivate {
				continue
			}
			k := key{d.Dimension, d.Value}
			if holders[k] == nil {
				holders[k] = map[string]graph.DeclarationVisibility{}
			}
			holders[k][p] = d.Visibility
			if perDim[d.Dimension] == nil {
				perDim[d.Dimension] = map[string]bool{}
			}
			perDim[d.Dimension][p] = perDim[d.Dimension][p] || d.Visibility == graph.DeclPublic
		}
	}
	c := graph.CoverageCounts{Documents: len(docs), Contributors: len(people), ContributorIDs: ids}
	for k, hs := range holders {
		vc := graph.ValueCounts{Dimension: k.dim, Value: k.val, Contributors: len(hs)}
		for _, vis := range hs {
			if vis == graph.DeclAggregate {
				vc.Aggregate++
			}
		}
		for _, d := range docs {
			if slices.ContainsFunc(authors[d], func(a string) bool { _, ok := hs[a]; return ok }) {
				vc.Documents++
			}
		}
		c.Values = append(c.Values, vc)
	}
	for dim, ps := range perDim {
		dc := graph.DimensionCounts{Dimension: dim, Declared: len(ps)}
		for _, public := range ps {
			if !public {
				dc.AggregateOnly++
			}
		}
		c.Dimensions = append(c.Dimensions, dc)
	}
	return c
}

func referenceNetwork(f *fixture, v graph.Viewer, docs []string, authors map[string][]string) []string {
	f.t.Helper()
	written := map[string]int{}
	pairs := map[[2]string]int{}
	for _, d := range docs {
		as := slices.Clone(authors[d])
		slices.Sort(as)
		for i, a := range as {
			written[a]++
			for _, b := range as[i+1:] {
				pairs[[2]string{a, b}]++
			}
		}
	}
	n := &graph.Network{Documents: len(docs)}
	var ids []string
	for id, c := range written {
		n.Contributors = append(n.Contributors, graph.NetworkContributor{ID: id, Documents: c})
		ids = append(ids, id)
	}
	for p, c := range pairs {
		n.Coauthorships = append(n.Coauthorships, graph.Coauthorship{A: p[0], B: p[1], Documents: c})
	}
	for _, rel := range []graph.Relation{graph.RelMemberOf, graph.RelAffiliatedWith} {
		links, err := f.s.Links(f.as(v), ids, rel, graph.Out)
		f.must(err, "Links(%s)", rel)
		for _, ls := range links {
			n.Affiliations = append(n.Affiliations, ls...)
		}
	}
	n.Sort()
	return networkKeys(n)
}
