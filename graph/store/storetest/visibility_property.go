package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/encommun/maillage/graph"
)

// testVisibilityProperty builds random graphs from fixed seeds (random
// documents, visibilities, authors, communities, memberships and links) and
// checks, for every viewer, that everything the store returns matches the
// contract's rule graph.Viewer.CanRead applied to what was written.
func testVisibilityProperty(t *testing.T, newStore factory) {
	testVisibilityPropertySeeds(t, newStore, propertySeeds, 0)
}

// propertySeeds are the random graphs a full run checks.
var propertySeeds = []uint64{1, 42, 2024}

// testVisibilityPropertySeeds checks the graphs of seeds; maxContributors,
// when not 0, bounds the contributors who read each graph as themselves (the
// role viewers always read it).
func testVisibilityPropertySeeds(t *testing.T, newStore factory, seeds []uint64, maxContributors int) {
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed_%d", seed), func(t *testing.T) {
			f := newFixture(t, newStore)
			r := rand.New(rand.NewPCG(seed, seed^0x5eed))
			m := randomGraph(f, r)
			t.Logf("seed %d: %d documents, %d links", seed, len(m.docs), len(m.links))

			viewers := []viewerCase{
				{name: "no_viewer_in_context", bare: true},
				{name: "anonymous", v: anonymous},
				{name: "researcher", v: researcher},
				{name: "curator", v: curator},
				{name: "admin", v: admin},
				{name: "contributor_role_without_profile", v: graph.Viewer{Role: graph.RoleContributor}},
				{name: "researcher_p1", v: graph.Viewer{Role: graph.RoleResearcher, ContributorID: "p1"}},
			}
			for i, c := range m.idsOf(graph.KindContributor) {
				if maxContributors > 0 && i >= maxContributors {
					break
				}
				viewers = append(viewers, viewerCase{name: c, v: contributorViewer(c)})
			}
			// Two random extra viewers: a contributor with a random role.
			for range 2 {
				cs := m.idsOf(graph.KindContributor)
				c := cs[r.IntN(len(cs))]
				role := []graph.Role{graph.RoleContributor, graph.RoleResearcher, graph.RoleCurator}[r.IntN(3)]
				viewers = append(viewers, viewerCase{name: fmt.Sprintf("%s_as_%s", c, role), v: graph.Viewer{Role: role, ContributorID: c}})
			}
			// The viewers only read: they run side by side, which halves the
			// wall time on a store that waits on a server's round trips.
			for _, vc := range viewers {
				pageSize := 1 + r.IntN(7)
				t.Run(vc.name, func(t *testing.T) {
					t.Parallel()
					f := f.on(t)
					v := graph.ViewerFrom(f.ctxFor(vc))
					checkReads(t, f, m, f.ctxFor(vc), func(id string) bool { return m.canRead(v, id) }, pageSize)
				})
			}
		})
	}
}

func randomGraph(f *fixture, r *rand.Rand) *model {
	f.t.Helper()
	m := newModel()
	var contributors, communities []string
	for i := range 6 {
		id := fmt.Sprintf("p%d", i)
		m.contributor(f, id)
		contributors = append(contributors, id)
	}
	for i := range 3 {
		id := fmt.Sprintf("c%d", i)
		m.community(f, id)
		communities = append(communities, id)
	}
	m.carnet(f, "k", "a", "b")
	for _, p := range contributors {
		for _, c := range communities {
			if r.IntN(3) == 0 {
				m.link(f, graph.Link{Relation: graph.RelMemberOf, From: p, To: c})
			}
		}
	}
	visibilities := []graph.Visibility{graph.VisibilityPublic, graph.VisibilityCommunity, graph.VisibilityPrivate}
	var docs, notes, terms, orgs []string
	for i := range 30 {
		d := graph.Document{
			ID:         fmt.Sprintf("d%02d", i),
			Title:      fmt.Sprintf("Document %d", r.IntN(1000)),
			Visibility: visibilities[r.IntN(3)],
			Language:   []string{"fr", "en"}[r.IntN(2)],
		}
		switch x := r.IntN(10); {
		case x < 6:
			d.Kind = graph.KindNote
		case x < 8:
			d.Kind = graph.KindTerm
		default:
			d.Kind = graph.KindOrganisation
		}
		var authors []string
		switch r.IntN(5) {
		case 0, 1, 2:
			authors = []string{contributors[r.IntN(len(contributors))]}
		default:
			a := r.Perm(len(contributors))
			authors = []string{contributors[a[0]], contributors[a[1]]}
		}
		m.doc(f, d, authors...)
		docs = append(docs, d.ID)
		switch d.Kind {
		case graph.KindNote:
			notes = append(notes, d.ID)
		case graph.KindTerm:
			terms = append(terms, d.ID)
		default:
			orgs = append(orgs, d.ID)
		}
		for _, c := range communities {
			if r.IntN(4) == 0 {
				m.link(f, graph.Link{Relation: graph.RelOfCommunity, From: d.ID, To: c})
			}
		}
	}
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	for range 60 {
		var l graph.Link
		switch r.IntN(5) {
		case 0, 1:
			l = graph.Link{Relation: graph.RelLinksTo, From: pick(notes), To: pick(notes)}
		case 2:
			if len(terms) == 0 {
				continue
			}
			l = graph.Link{Relation: graph.RelMentions, From: pick(docs), To: pick(terms)}
		case 3:
			if len(orgs) == 0 {
				continue
			}
			l = graph.Link{Relation: graph.RelConcerns, From: pick(docs), To: pick(orgs)}
		default:
			l = graph.Link{Relation: graph.RelInCarnet, From: pick(docs), To: "k", Category: []string{"", "a", "b"}[r.IntN(3)], Position: r.IntN(5)}
		}
		if l.From == l.To || m.has(l.Relation, l.From, l.To) {
			continue
		}
		m.link(f, l)
	}
	for range 4 {
		if len(terms) < 2 {
			break
		}
		a, b := pick(terms), pick(terms)
		if a != b && !m.has(graph.RelBroader, a, b) {
			m.link(f, graph.Link{Relation: graph.RelBroader, From: a, To: b})
		}
	}
	for _, p := range contributors {
		if len(orgs) > 0 && r.IntN(2) == 0 {
			m.link(f, graph.Link{Relation: graph.RelAffiliatedWith, From: p, To: pick(orgs)})
		}
	}
	return m
}
