package resolve

import (
	"context"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/live"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// Discussions are the store's (graph.DiscussionStore): who may read,
// write, edit and delete is decided there; the resolvers decode ids and
// shape pages.

// commentID checks the shape of a comment id before it reaches the store.
func commentID(id string) error {
	if graph.ValidateID(id) != nil {
		return graph.Errorf(graph.EINVALID, "invalid comment id %q", request.Clip(id, 80))
	}
	return nil
}

func commentConnection(c *graph.Connection[*graph.Comment], pa pageArgs) *model.CommentConnection {
	edges, info := shape(c, pa)
	out := &model.CommentConnection{Edges: []*model.CommentEdge{}, Nodes: []*graph.Comment{}, PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		out.Edges = append(out.Edges, &model.CommentEdge{Cursor: e.Cursor, Node: e.Node})
		out.Nodes = append(out.Nodes, e.Node)
	}
	return out
}

// discussion pages over the first comments of a document's threads, or
// over the replies to parentID.
func (r *Resolver) discussion(ctx context.Context, documentID, parentID string, first *int, after *string) (*model.CommentConnection, error) {
	pa := pageOf(first, after)
	c, err := r.store.Comments(ctx, documentID, parentID, pa.page)
	if err != nil {
		return nil, err
	}
	return commentConnection(c, pa), nil
}

func (r *Resolver) commentRevisions(ctx context.Context, obj *graph.Comment, first *int, after *string) (*model.CommentRevisionConnection, error) {
	pa := pageOf(first, after)
	c, err := r.store.CommentRevisions(ctx, obj.ID, pa.page)
	if err != nil {
		return nil, err
	}
	edges, info := shape(c, pa)
	out := &model.CommentRevisionConnection{Edges: []*model.CommentRevisionEdge{}, Nodes: []*graph.CommentRevision{},
		PageInfo: info, TotalCount: c.TotalCount}
	for _, e := range edges {
		out.Edges = append(out.Edges, &model.CommentRevisionEdge{Cursor: e.Cursor, Node: e.Node})
		out.Nodes = append(out.Nodes, e.Node)
	}
	return out, nil
}

func (r *Resolver) commentDocument(ctx context.Context, obj *graph.Comment) (model.Document, error) {
	d, err := r.loaders(ctx).documents.Load(ctx, obj.DocumentID)
	if err != nil || d == nil {
		return nil, err
	}
	return model.WrapDocument(d), nil
}

func (r *Resolver) addComment(ctx context.Context, documentGID string, replyTo *string, body string) (*model.CommentPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, docID, err := parseIDOf(documentGID, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	parent := ""
	if replyTo != nil && *replyTo != "" {
		if err := commentID(*replyTo); err != nil {
			return nil, err
		}
		parent = *replyTo
	}
	c, err := r.store.AddComment(ctx, docID, parent, body)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.CommentPayload{Comment: c}, nil
}

func (r *Resolver) editComment(ctx context.Context, id, body string, version int) (*model.CommentPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	if err := commentID(id); err != nil {
		return nil, err
	}
	c, err := r.store.EditComment(ctx, id, body, version)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.CommentPayload{Comment: c}, nil
}

func (r *Resolver) deleteComment(ctx context.Context, id string) (*model.CommentPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	if err := commentID(id); err != nil {
		return nil, err
	}
	c, err := r.store.DeleteComment(ctx, id)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.CommentPayload{Comment: c}, nil
}

func (r *Resolver) flagComment(ctx context.Context, id, reason string) (*model.FlagPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	if err := commentID(id); err != nil {
		return nil, err
	}
	f, err := r.store.FlagComment(ctx, id, reason)
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.FlagPayload{Flag: f}, nil
}

// flagComment is the comment a flag is about, when the viewer may read it.
func (r *Resolver) flaggedComment(ctx context.Context, f *graph.Flag) (*graph.Comment, error) {
	if f.CommentID == "" {
		return nil, nil
	}
	c, err := r.store.Comment(ctx, f.CommentID)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return nil, nil
	}
	return c, err
}

func (r *Resolver) comment(ctx context.Context, id string) (*graph.Comment, error) {
	if err := commentID(id); err != nil {
		return nil, err
	}
	return r.store.Comment(ctx, id)
}

// maxDeliveredComments bounds what a commentAdded stream remembers having
// delivered (so that an edit is not a new comment); past it, it forgets
// the oldest half, and at worst delivers an edited comment again.
const maxDeliveredComments = 10_000

// commentAdded streams the new comments of one document. Each COMMENT
// change of the document is read with the subscriber's viewer when it is
// delivered: a comment, or a document, the subscriber may not read then
// yields nothing.
func (r *Resolver) commentAdded(ctx context.Context, gid string) (<-chan *model.CommentEvent, error) {
	lc, err := live.ConnFrom(ctx)
	if err != nil {
		return nil, err
	}
	kind, id, err := parseIDOf(gid, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	gid = GlobalID(kind, id)
	start := func(ctx context.Context) error {
		d, err := r.readDocument(ctx, id, kind)
		if err != nil {
			return err
		}
		if d == nil {
			return graph.Errorf(graph.ENOTFOUND, "no %s with id %q", kind, request.Clip(gid, 80))
		}
		return nil
	}
	delivered := map[string]bool{}
	var order []string
	match := func(c graph.Change) bool { return c.Op == graph.OpComment && c.ID == id }
	handle := func(ctx context.Context, c graph.Change) ([]*model.CommentEvent, error) {
		if delivered[c.OtherID] {
			return nil, nil
		}
		cm, err := r.store.Comment(ctx, c.OtherID)
		if graph.ErrorCode(err) == graph.ENOTFOUND || (err == nil && cm.Deleted) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		delivered[cm.ID] = true
		if order = append(order, cm.ID); len(order) > maxDeliveredComments {
			for _, old := range order[:len(order)/2] {
				delete(delivered, old)
			}
			order = append([]string(nil), order[len(order)/2:]...)
		}
		return []*model.CommentEvent{{Seq: seqString(c), DocumentID: gid, Comment: cm}}, nil
	}
	return live.Stream(ctx, lc, match, start, handle)
}
