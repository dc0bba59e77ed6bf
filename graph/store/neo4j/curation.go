package neo4j

import (
	"context"
	"slices"
	"strings"

	"github.com/encommun/maillage/graph"
)

// NeedsCare implements graph.CurationStore: the check, the order and the
// page are all computed in Neo4j, as ListDocuments does.
func (s *Store) NeedsCare(ctx context.Context, check graph.HealthCheck, p graph.Page) (*graph.Connection[*graph.Document], error) {
	if err := graph.RequireCurator(viewerOf(ctx)); err != nil {
		return nil, err
	}
	kinds := map[graph.HealthCheck][]string{
		graph.CheckOrphan:       {string(graph.KindNote), string(graph.KindTerm), string(graph.KindOrganisation)},
		graph.CheckNoCarnet:     {string(graph.KindNote)},
		graph.CheckNoDefinition: {string(graph.KindTerm)},
	}[check]
	if kinds == nil {
		return nil, graph.Errorf(graph.EINVALID, "unknown health check %q", check)
	}
	limit, err := p.Limit()
	if err != nil {
		return nil, err
	}
	var after graph.Cursor
	if p.After != "" {
		if after, err = graph.DecodeCursor(p.After); err != nil {
			return nil, err
		}
	}
	params := func() map[string]any {
		return map[string]any{"kinds": kinds, "check": string(check), "hasCursor": p.After != "",
			"afterKey": after.Key, "afterId": after.ID}
	}
	var out *graph.Connection[*graph.Document]
	err = s.view(ctx, func(r *reader) error {
		rec, err := r.runSingle(countNeedsCare, params(), "countNeedsCare")
		if err != nil {
			return err
		}
		x := recordDecoder(rec)
		total, remaining := int(x.int("total")), int(x.int("remaining"))
		if err := x.done("health count"); err != nil {
			return err
		}
		pageParams := params()
		pageParams["limit"] = int64(limit)
		recs, err := r.run(pageNeedsCare, pageParams)
		if err != nil {
			return err
		}
		out = &graph.Connection[*graph.Document]{TotalCount: total}
		for _, rec := range recs {
			v, _ := rec.Get("doc")
			d, err := decodeDocument(v)
			if err != nil {
				return err
			}
			x := recordDecoder(rec)
			c := graph.Cursor{Key: x.str("key"), ID: x.str("id")}
			if err := x.done("document key"); err != nil {
				return err
			}
			out.Edges = append(out.Edges, graph.ConnEdge[*graph.Document]{Cursor: c.Encode(), Node: d})
		}
		start := total - remaining
		out.PageInfo.HasNextPage = start+len(out.Edges) < total
		out.PageInfo.HasPreviousPage = start > 0
		if n := len(out.Edges); n > 0 {
			out.PageInfo.StartCursor = out.Edges[0].Cursor
			out.PageInfo.EndCursor = out.Edges[n-1].Cursor
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DocumentTitles implements graph.CurationStore.
func (s *Store) DocumentTitles(ctx context.Context, kinds []graph.Kind) ([]graph.DocumentTitle, error) {
	if err := graph.RequireCurator(viewerOf(ctx)); err != nil {
		return nil, err
	}
	names, err := filterKinds(kinds)
	if err != nil {
		return nil, err
	}
	var out []graph.DocumentTitle
	err = s.view(ctx, func(r *reader) error {
		out = nil
		recs, err := r.run(documentTitles, map[string]any{"kinds": names})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			x := recordDecoder(rec)
			t := graph.DocumentTitle{ID: x.str("id"), Kind: graph.Kind(x.str("kind")), Title: x.str("title"), Aliases: x.strs("aliases")}
			if err := x.done("document title"); err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b graph.DocumentTitle) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
