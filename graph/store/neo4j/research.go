package neo4j

import (
	"context"

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
	if err := graph.CheckCoverageK(q.K); err != nil {
		return nil, err
	}
	if err := q.Scope.Check(); err != nil {
		return nil, err
	}
	var counts graph.CoverageCounts
	err := s.viewEach(ctx, func(r *reader) error {
		counts = graph.CoverageCounts{}
		// Released counts are keyed on who is counted (graph.ScopeDigest):
		// the authors of readable documents, which are public anyway. The
		// two statements do not depend on each other: each runs in a
		// transaction of its own (viewEach), at once.
		var ids []string
		var idsErr error
		done := make(chan struct{})
		if q.Noise != nil {
			go func() {
				defer close(done)
				idsErr = r.runInScope(coverageContributors, q.Scope, func(x *decoder) error {
					ids = append(ids, x.str("id"))
					return x.done("coverage contributor")
				})
			}()
		} else {
			close(done)
		}
		err := r.runInScope(coverage, q.Scope, func(x *decoder) error {
			counts.Documents, counts.Contributors = int(x.int("documents")), int(x.int("contributors"))
			for _, v := range x.list("values") {
				counts.Values = append(counts.Values, graph.ValueCounts{Dimension: v.str("dimension"), Value: v.str("value"),
					Contributors: int(v.int("contributors")), Aggregate: int(v.int("aggregate")), Documents: int(v.int("documents"))})
				if err := v.done("coverage value"); err != nil {
					return err
				}
			}
			for _, v := range x.list("dimensions") {
				counts.Dimensions = append(counts.Dimensions, graph.DimensionCounts{Dimension: v.str("dimension"),
					Declared: int(v.int("declared")), AggregateOnly: int(v.int("aggregateOnly"))})
				if err := v.done("coverage dimension"); err != nil {
					return err
				}
			}
			return x.done("coverage")
		})
		<-done
		if err != nil {
			return err
		}
		counts.ContributorIDs = ids
		return idsErr
	})
	if err != nil {
		return nil, err
	}
	return q.Release(counts)
}

// ContributorNetwork implements graph.ResearchStore.
func (s *Store) ContributorNetwork(ctx context.Context, q graph.NetworkQuery) (*graph.Network, error) {
	if err := graph.RequireResearcher(viewerOf(ctx)); err != nil {
		return nil, err
	}
	if err := q.Scope.Check(); err != nil {
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
