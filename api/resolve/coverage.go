package resolve

import (
	"context"
	"fmt"
	"strings"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

// Coverage: the store counts and releases (graph.ResearchStore,
// graph.CoverageQuery.Release) with the key and budget of
// Config.Coverage, so the resolver never holds an exact count made of
// AGGREGATE declarations; here the result is laid over the taxonomy.

// coverageK returns the threshold a Config asks for: 0 means
// graph.DefaultCoverageK. A threshold below graph.MinCoverageK is a
// configuration error that the server command reports at startup
// (CheckCoverageK); NewHandler panics on it rather than serve statistics
// that would reveal one person's values.
func coverageK(k int) int {
	if k == 0 {
		return graph.DefaultCoverageK
	}
	if err := graph.CheckCoverageK(k); err != nil {
		panic(fmt.Sprintf("api: Config.CoverageK: %v", graph.ErrorMessage(err)))
	}
	return k
}

// coverageRelease is Config.Coverage, or one in memory.
func coverageRelease(c *CoverageRelease) *CoverageRelease {
	if c != nil {
		return c
	}
	c, err := OpenCoverageRelease(CoverageOptions{})
	if err != nil {
		panic(fmt.Sprintf("api: coverage release in memory: %v", err)) // nothing to read: cannot happen
	}
	return c
}

// scope turns a search text and filter into the documents to count: the
// whole commons when both are empty, otherwise every match of the search
// index (with the viewer's visibility clause in the query). The store
// checks each document's visibility again.
func (r *Resolver) scope(ctx context.Context, query *string, filter *model.SearchFilter) (graph.DocumentScope, error) {
	f, err := r.searchFilter(filter)
	if err != nil {
		return graph.DocumentScope{}, err
	}
	text := ""
	if query != nil {
		text = *query
	}
	if strings.TrimSpace(text) == "" && filterIsEmpty(f) {
		return graph.DocumentScope{All: true}, nil
	}
	ix, err := r.searchIndex()
	if err != nil {
		return graph.DocumentScope{}, err
	}
	req := search.ScopeRequest{Query: text, Filter: f, Viewer: graph.ViewerFrom(ctx)}
	if req.ViewerCommunities, err = r.viewerCommunities(ctx); err != nil {
		return graph.DocumentScope{}, err
	}
	ids, err := ix.Scope(ctx, req)
	if err != nil {
		return graph.DocumentScope{}, err
	}
	return graph.DocumentScope{IDs: ids}, nil
}

func filterIsEmpty(f search.Filter) bool {
	return len(f.Kinds)+len(f.Languages)+len(f.Carnets)+len(f.Communities)+len(f.Terms)+
		len(f.Organisations)+len(f.Authors)+len(f.Standpoints) == 0 &&
		f.PublishedAfter == nil && f.PublishedBefore == nil
}

func (r *Resolver) coverage(ctx context.Context, query *string, filter *model.SearchFilter) (*model.Coverage, error) {
	scope, err := r.scope(ctx, query, filter)
	if err != nil {
		return nil, err
	}
	noise := r.coverageRelease.noise(graph.ViewerFrom(ctx), r.taxonomy)
	c, err := r.store.StandpointCoverage(ctx, graph.CoverageQuery{Scope: scope, K: r.coverageK, Noise: noise})
	if err != nil {
		return nil, err
	}
	return coverageModel(c, r.taxonomy), nil
}

// coverageModel lists every dimension and value of the taxonomy, in its
// order, with the store's counts or as absent, then the retired
// dimensions and values the store found declared.
func coverageModel(c *graph.Coverage, tax *graph.Taxonomy) *model.Coverage {
	out := &model.Coverage{K: c.K, MinContributors: graph.MinContributors(c.K), DocumentCount: c.Documents, ContributorCount: c.Contributors, TooFewContributors: c.TooFew,
		Dimensions: []*model.DimensionCoverage{}}
	counted := map[string]*graph.DimensionCoverage{}
	for i := range c.Dimensions {
		counted[c.Dimensions[i].Dimension] = &c.Dimensions[i]
	}
	for i := range tax.Dimensions {
		td := &tax.Dimensions[i]
		label := td.Label
		out.Dimensions = append(out.Dimensions, dimensionModel(c, td.ID, &label, td.Values, counted[td.ID]))
		delete(counted, td.ID)
	}
	for _, d := range c.Dimensions {
		if counted[d.Dimension] != nil {
			out.Dimensions = append(out.Dimensions, dimensionModel(c, d.Dimension, nil, nil, &d))
		}
	}
	return out
}

func dimensionModel(c *graph.Coverage, id string, label *graph.Label, values []graph.StandpointValue, d *graph.DimensionCoverage) *model.DimensionCoverage {
	md := &model.DimensionCoverage{ID: id, Labels: label, Retired: label == nil, Values: []*model.ValueCoverage{}}
	switch {
	case c.TooFew || (d != nil && d.UndeclaredSuppressed):
		md.UndeclaredSuppressed = true
	case c.Contributors == 0:
		// No one to take a share of.
	default:
		u := c.Contributors // nobody declares a dimension the store did not list
		if d != nil && d.Undeclared != nil {
			u = *d.Undeclared
		}
		share := float64(u) / float64(c.Contributors)
		md.UndeclaredCount, md.UndeclaredShare = &u, &share
	}
	found := map[string]*graph.ValueCoverage{}
	if d != nil {
		for i := range d.Values {
			found[d.Values[i].Value] = &d.Values[i]
		}
	}
	for _, v := range values {
		vl := v.Label
		md.Values = append(md.Values, valueModel(v.ID, &vl, found[v.ID], c))
		delete(found, v.ID)
	}
	if d != nil {
		for i := range d.Values {
			if v := &d.Values[i]; found[v.Value] != nil {
				md.Values = append(md.Values, valueModel(v.Value, nil, v, c))
			}
		}
	}
	return md
}

// valueModel describes one value: v is the store's counts, nil when no one
// counted declares it (absent, unless too few are counted to say so).
// Released counts (c.Released) carry no document count, and a value
// released as 0 is absent.
func valueModel(id string, label *graph.Label, v *graph.ValueCoverage, c *graph.Coverage) *model.ValueCoverage {
	mv := &model.ValueCoverage{ID: id, Labels: label, Retired: label == nil}
	switch {
	case c.Released && !c.TooFew && (v == nil || v.Contributors == nil || *v.Contributors == 0):
		zero := 0
		mv.Contributors, mv.Absent, mv.Status = &zero, true, model.CoverageStatusAbsent
	case c.Released && !c.TooFew:
		n := *v.Contributors
		mv.Contributors, mv.Status = &n, model.CoverageStatusPresent
	case c.TooFew:
		mv.Suppressed, mv.Status = true, model.CoverageStatusSuppressed
	case v == nil:
		zero := 0
		mv.Contributors, mv.Documents, mv.Absent, mv.Status = &zero, &zero, true, model.CoverageStatusAbsent
	case v.Suppressed:
		mv.Suppressed, mv.Status = true, model.CoverageStatusSuppressed
	default:
		n, m := *v.Contributors, *v.Documents
		mv.Contributors, mv.Documents, mv.Status = &n, &m, model.CoverageStatusPresent
	}
	return mv
}

// labelIn picks a label's language; nil (a retired id) stays nil.
func labelIn(l *graph.Label, lang model.Lang) *string {
	if l == nil {
		return nil
	}
	s := inLang(*l, lang)
	return &s
}
