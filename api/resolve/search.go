package resolve

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

// IndexAfterMutation catches the search index up after each mutation field,
// before the mutation answers: a client that writes then searches finds its
// write. A failure to index is logged, not returned: the write is durable
// and the next catch-up (at the latest on restart) repairs the index.
func (r *Resolver) IndexAfterMutation(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	out := next(ctx)
	if r.index == nil {
		return out
	}
	if oc := graphql.GetOperationContext(ctx); oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return out
	}
	if err := r.index.CatchUp(ctx, r.store); err != nil {
		r.logger.Error("search index catch-up after a mutation failed", "err", err, "request_id", request.ID(ctx))
	}
	return out
}

func (r *Resolver) searchIndex() (*search.Index, error) {
	if r.index == nil {
		return nil, graph.Errorf(graph.EINTERNAL, "search is not enabled on this server")
	}
	return r.index, nil
}

func (r *Resolver) search(ctx context.Context, query string, filter *model.SearchFilter, sort *model.SearchSort, first *int, after *string, exactTotalUpTo *int) (*model.SearchResult, error) {
	ix, err := r.searchIndex()
	if err != nil {
		return nil, err
	}
	// Facet counts visit every matching document, the page only ten: a
	// query that does not select them (the next page of results, a
	// suggestion box) does not pay for them.
	req := search.Request{Query: query, Facets: selectsField(ctx, "facets"), Viewer: graph.ViewerFrom(ctx)}
	if first != nil {
		req.First = *first
	}
	if after != nil {
		req.After = *after
	}
	if exactTotalUpTo != nil {
		if *exactTotalUpTo <= 0 {
			return nil, graph.Errorf(graph.EINVALID, "exactTotalUpTo must be between 1 and %d", search.MaxCountUpTo)
		}
		req.CountUpTo = *exactTotalUpTo
	}
	if sort != nil {
		req.Sort = searchSorts[*sort]
	}
	if req.Filter, err = r.searchFilter(filter); err != nil {
		return nil, err
	}
	if req.ViewerCommunities, err = r.viewerCommunities(ctx); err != nil {
		return nil, err
	}
	started := time.Now()
	res, err := ix.Search(ctx, req)
	if r.observeSearch != nil {
		r.observeSearch(time.Since(started), err)
	}
	if err != nil {
		return nil, err
	}
	out := &model.SearchResult{TotalCount: res.TotalCount, TotalCountIsExact: !res.TotalAtLeast, PageInfo: &model.PageInfo{HasNextPage: res.HasNextPage, HasPreviousPage: req.After != ""}}
	if res.EndCursor != "" {
		out.PageInfo.EndCursor = &res.EndCursor
	}
	hits, err := r.readableHits(ctx, res.Hits)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		out.Edges = append(out.Edges, &model.SearchEdge{Cursor: h.Cursor, Score: h.Score, Node: model.WrapDocument(h.doc), Highlights: highlights(h.Highlights)})
	}
	if len(out.Edges) > 0 && out.PageInfo.StartCursor == nil {
		out.PageInfo.StartCursor = &out.Edges[0].Cursor
	}
	if out.Edges == nil {
		out.Edges = []*model.SearchEdge{}
	}
	out.Facets, err = r.facets(ctx, res.Facets)
	return out, err
}

// searchSorts maps the schema's SearchSort onto the index's orders.
var searchSorts = map[model.SearchSort]search.Sort{
	model.SearchSortRelevance:   search.SortRelevance,
	model.SearchSortUpdatedDesc: search.SortUpdatedDesc,
	model.SearchSortUpdatedAsc:  search.SortUpdatedAsc,
}

// readableHit is a search hit with its document as the viewer may read it.
type readableHit struct {
	search.Hit
	doc *graph.Document
}

// readableHits reads the hits' documents again through the store, with the
// viewer's rights, and drops those it does not return: the index already
// left hidden documents out, this is the second lock (a document hidden
// since the last catch-up, say).
func (r *Resolver) readableHits(ctx context.Context, hits []search.Hit) ([]readableHit, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	docs, err := r.loadDocuments(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]readableHit, 0, len(hits))
	for i, h := range hits {
		if docs[i] != nil {
			out = append(out, readableHit{Hit: h, doc: docs[i]})
		}
	}
	return out, nil
}

// highlights is the GraphQL form of a hit's highlights, never null.
func highlights(hs []search.Highlight) []*model.Highlight {
	out := make([]*model.Highlight, 0, len(hs))
	for _, hl := range hs {
		out = append(out, &model.Highlight{Field: hl.Field, Fragments: hl.Fragments})
	}
	return out
}

// selectsField reports whether the field being resolved selects name
// (through fragments too); outside a GraphQL field, it assumes it does.
func selectsField(ctx context.Context, name string) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// viewerCommunities are the communities whose COMMUNITY documents the
// viewer may read; the search query needs them as ids.
func (r *Resolver) viewerCommunities(ctx context.Context) ([]string, error) {
	v := graph.ViewerFrom(ctx)
	if v.ContributorID == "" || v.SeesEverything() {
		return nil, nil
	}
	links, err := r.links(ctx, v.ContributorID, graph.RelMemberOf, graph.Out, nil)
	if err != nil {
		return nil, err
	}
	return otherIDs(v.ContributorID, links), nil
}

// searchFilter translates global ids to store ids and checks standpoint
// values against the taxonomy: unknown ones are BAD_USER_INPUT, not an
// empty result, so that a typo is told apart from an absence.
func (r *Resolver) searchFilter(in *model.SearchFilter) (search.Filter, error) {
	var f search.Filter
	if in == nil {
		return f, nil
	}
	if len(in.Kinds) > search.MaxFilterValues || len(in.Standpoints) > search.MaxFilterValues {
		return f, graph.Errorf(graph.EINVALID, "a filter lists at most %d values", search.MaxFilterValues)
	}
	f.Kinds = in.Kinds
	f.Languages = in.Languages
	for _, ids := range []struct {
		in   []string
		out  *[]string
		kind graph.Kind
	}{
		{in.Carnets, &f.Carnets, graph.KindCarnet},
		{in.Communities, &f.Communities, graph.KindCommunity},
		{in.Terms, &f.Terms, graph.KindTerm},
		{in.Organisations, &f.Organisations, graph.KindOrganisation},
		{in.Authors, &f.Authors, graph.KindContributor},
	} {
		if len(ids.in) > search.MaxFilterValues {
			return f, graph.Errorf(graph.EINVALID, "a filter lists at most %d values", search.MaxFilterValues)
		}
		for _, gid := range ids.in {
			_, id, err := parseIDOf(gid, ids.kind)
			if err != nil {
				return f, err
			}
			*ids.out = append(*ids.out, id)
		}
	}
	for _, sp := range in.Standpoints {
		if r.taxonomy.Value(sp.Dimension, sp.Value) == nil {
			return f, graph.Errorf(graph.EINVALID, "unknown standpoint %s:%s: see standpointDimensions", request.Clip(sp.Dimension, 40), request.Clip(sp.Value, 40))
		}
		f.Standpoints = append(f.Standpoints, search.Standpoint{Dimension: sp.Dimension, Value: sp.Value})
	}
	f.PublishedAfter = in.PublishedAfter
	f.PublishedBefore = in.PublishedBefore
	return f, nil
}

// facets gives each bucket a global id and a label. Buckets naming a node
// the viewer may not read (a COMMUNITY term mentioned by a public note) are
// left out: a facet must not reveal that such a node exists.
func (r *Resolver) facets(ctx context.Context, in []search.Facet) ([]*model.Facet, error) {
	out := []*model.Facet{}
	for _, f := range in {
		mf := &model.Facet{Field: f.Field, Buckets: []*model.FacetBucket{}}
		kind := map[string]graph.Kind{search.FacetCarnet: graph.KindCarnet, search.FacetCommunity: graph.KindCommunity,
			search.FacetTerm: graph.KindTerm, search.FacetOrganisation: graph.KindOrganisation}[f.Field]
		thunks := make([]func() (model.Node, error), len(f.Buckets))
		if kind != "" {
			for i, b := range f.Buckets {
				thunks[i] = r.nodeThunk(ctx, kind, b.Value)
			}
		}
		for i, b := range f.Buckets {
			bucket := &model.FacetBucket{Value: b.Value, Count: b.Count}
			switch {
			case kind != "":
				n, err := thunks[i]()
				if err != nil {
					return nil, err
				}
				if n == nil {
					continue
				}
				bucket.Value = GlobalID(kind, b.Value)
				bucket.Label = optional(nodeLabel(n))
			case f.Field == search.FacetKind:
				bucket.Value = strings.ToUpper(b.Value)
			case f.Field == search.FacetFormat:
				bucket.Value = strings.ToUpper(b.Value)
				if label, ok := formatLabels[b.Value]; ok {
					bucket.Label = &label
				}
			case f.Field == search.FacetStandpoint:
				if dim, val, ok := strings.Cut(b.Value, ":"); ok {
					if v := r.taxonomy.Value(dim, val); v != nil {
						label := v.Label.FR
						if d := r.taxonomy.Dimension(dim); d != nil {
							label = d.Label.FR + " : " + label
						}
						bucket.Label = &label
					}
				}
			}
			mf.Buckets = append(mf.Buckets, bucket)
		}
		out = append(out, mf)
	}
	return out, nil
}

func nodeLabel(n model.Node) string {
	switch n := n.(type) {
	case model.Document:
		return n.Doc().Title
	case *graph.Carnet:
		return n.Title
	case *graph.Community:
		return n.Name
	case *graph.Contributor:
		return n.Name
	case *graph.KnowledgeBase:
		return n.Name
	}
	return ""
}

func (r *Resolver) reindex(ctx context.Context) (*model.ReindexPayload, error) {
	if v := graph.ViewerFrom(ctx); v.Role != graph.RoleAdmin {
		if !v.SignedIn() {
			return nil, graph.Errorf(graph.EUNAUTHENTICATED, "sign in as an admin to rebuild the search index")
		}
		return nil, graph.Errorf(graph.EFORBIDDEN, "only admins rebuild the search index")
	}
	ix, err := r.searchIndex()
	if err != nil {
		return nil, err
	}
	if err := ix.Rebuild(graph.SystemContext(ctx), r.store); err != nil {
		return nil, err
	}
	seq, _, err := ix.LastApplied()
	if err != nil {
		return nil, err
	}
	n, err := ix.DocCount()
	if err != nil {
		return nil, err
	}
	return &model.ReindexPayload{Documents: n, Sequence: strconv.FormatUint(seq, 10)}, nil
}
