package neo4j

import (
	"context"
	"fmt"

	"github.com/encommun/maillage/graph"
)

// Statistics and the contributor network are computed in Neo4j: the
// statements (cypher.go, "research") return counts per value, per
// dimension and per pair, never a person's declarations. The raw counts
// are released here (graph.CoverageQuery.Release) before they leave the
// store.

// scopeParams are the parameters of a research statement for scope.
func (r *reader) scopeParams(scope graph.DocumentScope) map[string]any {
	if scope.All {
		return r.viewer(nil)
	}
	ids := uniq(scope.IDs)
	if ids == nil {
		ids = []string{}
	}
	return r.viewer(map[string]any{"ids": ids})
}

// runInScope runs the research statement tail for scope.
func (r *reader) runInScope(tail string, scope graph.DocumentScope, fn func(x *decoder) error) error {
	recs, err := r.run(inScope(tail, scope.All), r.scopeParams(scope))
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if err := fn(recordDecoder(rec)); err != nil {
			return err
		}
	}
	return nil
}

// StandpointCoverage implements graph.ResearchStore.
func (s *Store) StandpointCoverage(ctx context.Context, q graph.CoverageQuery) (*graph.Coverage, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	var counts graph.CoverageCounts
	err := s.view(ctx, func(r *reader) error {
		// Released counts are keyed on who is counted (graph.ScopeDigest):
		// the tally's contributors, who take part in readable documents
		// (authors, public anyway, and commenters as their consent allows).
		return r.runInScope(coverage, q.Scope, func(x *decoder) error {
			t := graph.NewCoverageTally()
			documents := int(x.int("documents"))
			authors := make([][]int, documents)
			for _, c := range x.list("contributors") {
				id := c.str("id")
				var decls []graph.Declaration
				for _, d := range c.list("declarations") {
					decls = append(decls, graph.Declaration{ContributorID: id, Dimension: d.str("dimension"),
						Value: d.str("value"), Visibility: graph.DeclarationVisibility(d.str("visibility"))})
					if err := d.done("coverage declaration"); err != nil {
						return err
					}
				}
				n := t.AddContributor(id, decls)
				for _, v := range c.items("documents") {
					i, ok := v.(int64)
					if !ok || i < 0 || i >= int64(documents) {
						return fmt.Errorf("neo4j store: coverage: document position %v out of range", v)
					}
					authors[i] = append(authors[i], n)
				}
				if err := c.done("coverage contributor"); err != nil {
					return err
				}
			}
			if err := x.done("coverage"); err != nil {
				return err
			}
			for _, a := range authors {
				t.AddDocument(a)
			}
			counts = t.Counts()
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return q.Release(counts)
}

// ContributorNetwork implements graph.ResearchStore.
func (s *Store) ContributorNetwork(ctx context.Context, q graph.NetworkQuery) (*graph.Network, error) {
	if err := q.Check(viewerOf(ctx)); err != nil {
		return nil, err
	}
	var out *graph.Network
	err := s.view(ctx, func(r *reader) error {
		out = &graph.Network{}
		err := r.runInScope(coverageTotals, q.Scope, func(x *decoder) error {
			out.Documents = int(x.int("documents"))
			_ = x.int("contributors")
			return x.done("network totals")
		})
		if err != nil {
			return err
		}
		var ids []string
		err = r.runInScope(networkContributors, q.Scope, func(x *decoder) error {
			c := graph.NetworkContributor{ID: x.str("id"), Documents: int(x.int("documents"))}
			ids = append(ids, c.ID)
			out.Contributors = append(out.Contributors, c)
			return x.done("network contributor")
		})
		if err != nil {
			return err
		}
		err = r.runInScope(networkPairs, q.Scope, func(x *decoder) error {
			out.Coauthorships = append(out.Coauthorships, graph.Coauthorship{A: x.str("a"), B: x.str("b"), Documents: int(x.int("documents"))})
			return x.done("network pair")
		})
		if err != nil {
			return err
		}
		for _, rel := range []graph.Relation{graph.RelMemberOf, graph.RelAffiliatedWith} {
			links, err := r.visibleLinks(ids, rel, graph.Out)
			if err != nil {
				return err
			}
			for _, ls := range links {
				out.Affiliations = append(out.Affiliations, ls...)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Sort()
	return out, nil
}
