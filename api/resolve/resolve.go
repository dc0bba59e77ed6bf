package resolve

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// This file holds what resolvers share: pages, connections, link lists and
// node loading. None of it stores or filters anything itself: visibility
// is the store's, and hidden objects simply never come back from it.

// pageArgs is a connection's `first` and `after`. graph.Page reads 0 as
// "the default", so `first: 0` is asked for as one item and emptied here.
type pageArgs struct {
	page graph.Page
	none bool // first: 0: counts and page info only
}

func pageOf(first *int, after *string) pageArgs {
	var pa pageArgs
	if first != nil {
		pa.page.First = *first
		if *first == 0 {
			pa.page.First = 1
			pa.none = true
		}
	}
	if after != nil {
		pa.page.After = *after
	}
	return pa
}

// shape converts a graph connection for the API, dropping the edges of a
// `first: 0` page; keep says which items to expose (store results of the
// wrong kind, or loaded ends that vanished, are left out).
func shape[T any](c *graph.Connection[T], pa pageArgs) (edges []graph.ConnEdge[T], info *model.PageInfo) {
	info = &model.PageInfo{HasNextPage: c.PageInfo.HasNextPage, HasPreviousPage: c.PageInfo.HasPreviousPage}
	if pa.none {
		info.HasNextPage = len(c.Edges) > 0 || c.PageInfo.HasNextPage
		return nil, info
	}
	if c.PageInfo.StartCursor != "" {
		s := c.PageInfo.StartCursor
		info.StartCursor = &s
	}
	if c.PageInfo.EndCursor != "" {
		e := c.PageInfo.EndCursor
		info.EndCursor = &e
	}
	return c.Edges, info
}

func noteConnection(c *graph.Connection[*graph.Document], pa pageArgs) *model.NoteConnection {
	edges, info := shape(c, pa)
	out := &model.NoteConnection{Edges: []*model.NoteEdge{}, Nodes: []*model.Note{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		if e.Node == nil || e.Node.Kind != graph.KindNote {
			continue
		}
		n := &model.Note{Document: e.Node}
		out.Edges = append(out.Edges, &model.NoteEdge{Cursor: e.Cursor, Node: n})
		out.Nodes = append(out.Nodes, n)
	}
	return out
}

func termConnection(c *graph.Connection[*graph.Document], pa pageArgs) *model.TermConnection {
	edges, info := shape(c, pa)
	out := &model.TermConnection{Edges: []*model.TermEdge{}, Nodes: []*model.Term{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		if e.Node == nil || e.Node.Kind != graph.KindTerm {
			continue
		}
		n := &model.Term{Document: e.Node}
		out.Edges = append(out.Edges, &model.TermEdge{Cursor: e.Cursor, Node: n})
		out.Nodes = append(out.Nodes, n)
	}
	return out
}

func organisationConnection(c *graph.Connection[*graph.Document], pa pageArgs) *model.OrganisationConnection {
	edges, info := shape(c, pa)
	out := &model.OrganisationConnection{Edges: []*model.OrganisationEdge{}, Nodes: []*model.Organisation{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		if e.Node == nil || e.Node.Kind != graph.KindOrganisation {
			continue
		}
		n := &model.Organisation{Document: e.Node}
		out.Edges = append(out.Edges, &model.OrganisationEdge{Cursor: e.Cursor, Node: n})
		out.Nodes = append(out.Nodes, n)
	}
	return out
}

func documentConnection(c *graph.Connection[*graph.Document], pa pageArgs) *model.DocumentConnection {
	edges, info := shape(c, pa)
	out := &model.DocumentConnection{Edges: []*model.DocumentEdge{}, Nodes: []model.Document{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		n := model.WrapDocument(e.Node)
		if n == nil {
			continue
		}
		out.Edges = append(out.Edges, &model.DocumentEdge{Cursor: e.Cursor, Node: n})
		out.Nodes = append(out.Nodes, n)
	}
	return out
}

func contributorConnection(c *graph.Connection[*graph.Contributor], pa pageArgs) *model.ContributorConnection {
	edges, info := shape(c, pa)
	out := &model.ContributorConnection{Edges: []*model.ContributorEdge{}, Nodes: []*graph.Contributor{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		if e.Node == nil {
			continue
		}
		out.Edges = append(out.Edges, &model.ContributorEdge{Cursor: e.Cursor, Node: e.Node})
		out.Nodes = append(out.Nodes, e.Node)
	}
	return out
}

func carnetConnection(c *graph.Connection[*graph.Carnet], pa pageArgs) *model.CarnetConnection {
	edges, info := shape(c, pa)
	out := &model.CarnetConnection{Edges: []*model.CarnetEdge{}, Nodes: []*graph.Carnet{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		if e.Node == nil {
			continue
		}
		out.Edges = append(out.Edges, &model.CarnetEdge{Cursor: e.Cursor, Node: e.Node})
		out.Nodes = append(out.Nodes, e.Node)
	}
	return out
}

func communityConnection(c *graph.Connection[*graph.Community], pa pageArgs) *model.CommunityConnection {
	edges, info := shape(c, pa)
	out := &model.CommunityConnection{Edges: []*model.CommunityEdge{}, Nodes: []*graph.Community{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		if e.Node == nil {
			continue
		}
		out.Edges = append(out.Edges, &model.CommunityEdge{Cursor: e.Cursor, Node: e.Node})
		out.Nodes = append(out.Nodes, e.Node)
	}
	return out
}

func knowledgeBaseConnection(c *graph.Connection[*graph.KnowledgeBase], pa pageArgs) *model.KnowledgeBaseConnection {
	edges, info := shape(c, pa)
	out := &model.KnowledgeBaseConnection{Edges: []*model.KnowledgeBaseEdge{}, Nodes: []*graph.KnowledgeBase{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		if e.Node == nil {
			continue
		}
		out.Edges = append(out.Edges, &model.KnowledgeBaseEdge{Cursor: e.Cursor, Node: e.Node})
		out.Nodes = append(out.Nodes, e.Node)
	}
	return out
}

func revisionConnection(c *graph.Connection[*graph.Revision], pa pageArgs) *model.RevisionConnection {
	edges, info := shape(c, pa)
	out := &model.RevisionConnection{Edges: []*model.RevisionEdge{}, Nodes: []*graph.Revision{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		if e.Node == nil {
			continue
		}
		out.Edges = append(out.Edges, &model.RevisionEdge{Cursor: e.Cursor, Node: e.Node})
		out.Nodes = append(out.Nodes, e.Node)
	}
	return out
}

// --- links ---------------------------------------------------------------

// links returns id's links of rel in dir that keep accepts (nil: all),
// in neighbour order (graph.LinkCursor), through the request's loader.
func (r *Resolver) links(ctx context.Context, id string, rel graph.Relation, dir graph.Direction, keep func(graph.Link) bool) ([]graph.Link, error) {
	all, err := r.loaders(ctx).links.Load(ctx, linkKey{ID: id, Rel: rel, Dir: dir})
	if err != nil {
		return nil, err
	}
	out := make([]graph.Link, 0, len(all))
	for _, l := range all {
		if keep == nil || keep(l) {
			out = append(out, l)
		}
	}
	graph.SortLinks(id, out)
	return out, nil
}

// otherIDs returns the far end of each link, seen from id.
func otherIDs(id string, ls []graph.Link) []string {
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i], _ = l.Other(id)
	}
	return ids
}

// linkedPage pages over id's links with graph.Paginate and graph.LinkCursor,
// as every nested connection does.
func (r *Resolver) linkedPage(ctx context.Context, id string, rel graph.Relation, dir graph.Direction, keep func(graph.Link) bool, pa pageArgs) (*graph.Connection[graph.Link], error) {
	ls, err := r.links(ctx, id, rel, dir, keep)
	if err != nil {
		return nil, err
	}
	return graph.Paginate(ls, graph.LinkCursor(id), false, pa.page)
}

// wantsNodes reports whether the connection being resolved selects its
// edges or nodes; when it does not (totalCount, pageInfo only), the far
// ends need not be loaded at all.
func wantsNodes(ctx context.Context) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == "edges" || f.Name == "nodes" {
			return true
		}
	}
	return false
}

// countsNeeded reports whether the connection being resolved selects its
// totalCount, or after a cursor its pageInfo's hasPreviousPage: the parts
// of a page that only a count of the whole list gives (graph.Page.NoTotal).
// Outside a GraphQL field it says yes.
func countsNeeded(ctx context.Context, hasCursor bool) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	oc := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		switch {
		case f.Name == "totalCount":
			return true
		case f.Name == "pageInfo" && hasCursor:
			for _, p := range graphql.CollectFields(oc, f.Selections, nil) {
				if p.Name == "hasPreviousPage" {
					return true
				}
			}
		}
	}
	return false
}

// loadEnds maps a page of links to a page of the objects at their far end,
// loaded in one batch; ends that vanished meanwhile are dropped.
func loadEnds[T any](ctx context.Context, self string, c *graph.Connection[graph.Link], load func(context.Context, []string) ([]*T, error)) (*graph.Connection[*T], error) {
	out := &graph.Connection[*T]{TotalCount: c.TotalCount, PageInfo: c.PageInfo}
	if len(c.Edges) == 0 || !wantsNodes(ctx) {
		return out, nil
	}
	ids := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		ids[i], _ = e.Node.Other(self)
	}
	objs, err := load(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, e := range c.Edges {
		if objs[i] != nil {
			out.Edges = append(out.Edges, graph.ConnEdge[*T]{Cursor: e.Cursor, Node: objs[i]})
		}
	}
	return out, nil
}

// Batch getters over the request's loaders.

func (r *Resolver) loadDocuments(ctx context.Context, ids []string) ([]*graph.Document, error) {
	return r.loaders(ctx).documents.LoadAll(ctx, ids)
}

func (r *Resolver) loadContributors(ctx context.Context, ids []string) ([]*graph.Contributor, error) {
	return r.loaders(ctx).contributors.LoadAll(ctx, ids)
}

func (r *Resolver) loadCarnets(ctx context.Context, ids []string) ([]*graph.Carnet, error) {
	return r.loaders(ctx).carnets.LoadAll(ctx, ids)
}

func (r *Resolver) loadCommunities(ctx context.Context, ids []string) ([]*graph.Community, error) {
	return r.loaders(ctx).communities.LoadAll(ctx, ids)
}

func (r *Resolver) loadKnowledgeBases(ctx context.Context, ids []string) ([]*graph.KnowledgeBase, error) {
	return r.loaders(ctx).knowledgeBases.LoadAll(ctx, ids)
}

// linked returns the objects at the far end of id's links, in link order,
// loaded in one batch.
func linked[T any](ctx context.Context, r *Resolver, id string, rel graph.Relation, dir graph.Direction, keep func(graph.Link) bool, load func(context.Context, []string) ([]*T, error)) ([]*T, error) {
	ls, err := r.links(ctx, id, rel, dir, keep)
	if err != nil || len(ls) == 0 {
		return []*T{}, err
	}
	ids := otherIDs(id, ls)
	if dir == graph.Both {
		// A symmetric relation may be stored both ways: list each end once.
		seen := map[string]bool{}
		ids = slices.DeleteFunc(ids, func(x string) bool {
			dup := seen[x]
			seen[x] = true
			return dup
		})
	}
	objs, err := load(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(objs))
	for _, o := range objs {
		if o != nil {
			out = append(out, o)
		}
	}
	return out, nil
}

// fromKind and toKind filter links by the kind of one end.
func fromKind(kinds ...graph.Kind) func(graph.Link) bool {
	return func(l graph.Link) bool { return slices.Contains(kinds, l.FromKind) }
}

func toKind(kinds ...graph.Kind) func(graph.Link) bool {
	return func(l graph.Link) bool { return slices.Contains(kinds, l.ToKind) }
}

// terms and organisations wrap loaded documents of one kind.
func asTerms(ds []*graph.Document) []*model.Term {
	out := make([]*model.Term, 0, len(ds))
	for _, d := range ds {
		if d.Kind == graph.KindTerm {
			out = append(out, &model.Term{Document: d})
		}
	}
	return out
}

func asOrganisations(ds []*graph.Document) []*model.Organisation {
	out := make([]*model.Organisation, 0, len(ds))
	for _, d := range ds {
		if d.Kind == graph.KindOrganisation {
			out = append(out, &model.Organisation{Document: d})
		}
	}
	return out
}

// --- nodes ---------------------------------------------------------------

// nodeThunk starts loading the node of kind with store id and returns a
// function that waits for it: nil (untyped) when it does not exist, is
// hidden, or is not of that kind. For callers that start several loads
// before waiting on any (nodes, search hits).
func (r *Resolver) nodeThunk(ctx context.Context, kind graph.Kind, id string) func() (model.Node, error) {
	l := r.loaders(ctx)
	switch {
	case kind.IsDocument():
		th := l.documents.LoadThunk(ctx, id)
		return func() (model.Node, error) {
			d, err := th()
			return documentNode(kind, d, err)
		}
	case kind == graph.KindContributor:
		return nodeOf(l.contributors.LoadThunk(ctx, id))
	case kind == graph.KindCarnet:
		return nodeOf(l.carnets.LoadThunk(ctx, id))
	case kind == graph.KindCommunity:
		return nodeOf(l.communities.LoadThunk(ctx, id))
	case kind == graph.KindKnowledgeBase:
		return nodeOf(l.knowledgeBases.LoadThunk(ctx, id))
	}
	return func() (model.Node, error) { return nil, nil }
}

// loadNode is nodeThunk for one node, waited for at once: the batch is
// fetched by the caller rather than by a goroutine of its own.
func (r *Resolver) loadNode(ctx context.Context, kind graph.Kind, id string) (model.Node, error) {
	return r.loadNodeAlone(ctx, kind, id, false)
}

// loadNodeAlone is loadNode; alone says that no other field of the request
// is resolving (see loader.loadAlone).
func (r *Resolver) loadNodeAlone(ctx context.Context, kind graph.Kind, id string, alone bool) (model.Node, error) {
	l := r.loaders(ctx)
	switch {
	case kind.IsDocument():
		d, err := load(ctx, &l.documents, id, alone)
		return documentNode(kind, d, err)
	case kind == graph.KindContributor:
		return asNode(load(ctx, &l.contributors, id, alone))
	case kind == graph.KindCarnet:
		return asNode(load(ctx, &l.carnets, id, alone))
	case kind == graph.KindCommunity:
		return asNode(load(ctx, &l.communities, id, alone))
	case kind == graph.KindKnowledgeBase:
		return asNode(load(ctx, &l.knowledgeBases, id, alone))
	}
	return nil, nil
}

// onlyRootField reports whether the field being resolved is the
// operation's one root field, written as a field (a fragment at the root
// may hold more): its resolver then runs alone, nothing else of the
// request resolving until it returns.
func onlyRootField(ctx context.Context) bool {
	fc, oc := graphql.GetFieldContext(ctx), graphql.GetOperationContext(ctx)
	// gqlgen gives a root field one parent context: the Query object's.
	if fc == nil || fc.Object != "Query" || fc.Parent == nil || fc.Parent.Parent != nil || oc == nil || oc.Operation == nil {
		return false
	}
	sel := oc.Operation.SelectionSet
	if len(sel) != 1 {
		return false
	}
	_, ok := sel[0].(*ast.Field)
	return ok
}

// documentNode keeps a loaded document if it is of kind.
func documentNode(kind graph.Kind, d *graph.Document, err error) (model.Node, error) {
	if err != nil || d == nil || d.Kind != kind {
		return nil, err
	}
	return model.WrapDocument(d), nil
}

// nodeOf turns a typed thunk into a node thunk (see asNode).
func nodeOf[T any, P interface {
	*T
	model.Node
}](th func() (P, error)) func() (model.Node, error) {
	return func() (model.Node, error) { return asNode(th()) }
}

// asNode turns a loaded object into a node without letting a typed nil
// pointer become a non-nil interface.
func asNode[T any, P interface {
	*T
	model.Node
}](v P, err error) (model.Node, error) {
	if err != nil || v == nil {
		return nil, err
	}
	return v, nil
}

// existing decodes a global id of one of kinds and checks that the object
// exists, is readable and really is of that kind (a forged id could pair a
// kind with another kind's store id): NOT_FOUND otherwise. Mutations use it
// so that updateNote never touches a term.
func (r *Resolver) existing(ctx context.Context, gid string, kinds ...graph.Kind) (graph.Kind, string, error) {
	kind, id, err := parseIDOf(gid, kinds...)
	if err != nil {
		return "", "", err
	}
	n, err := r.loadNode(ctx, kind, id)
	if err != nil {
		return "", "", err
	}
	if n == nil {
		return "", "", graph.Errorf(graph.ENOTFOUND, "no object with id %q", request.Clip(gid, 80))
	}
	return kind, id, nil
}
