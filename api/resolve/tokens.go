package resolve

import (
	"context"
	"time"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// tokens is Query.tokens: the store checks that the viewer is an admin.
func (r *Resolver) tokens(ctx context.Context, first *int, after *string) (*model.APITokenConnection, error) {
	pa := pageOf(first, after)
	c, err := r.store.Tokens(ctx, pa.page)
	if err != nil {
		return nil, err
	}
	edges, info := shape(c, pa)
	out := &model.APITokenConnection{Edges: []*model.APITokenEdge{}, Nodes: []*model.APIToken{}, PageInfo: info, TotalCount: c.TotalCount}
	var ids []string
	for _, e := range edges {
		if e.Node.ContributorID != "" {
			ids = append(ids, e.Node.ContributorID)
		}
	}
	// One batch for the page's contributors; one deleted since (its tokens
	// go with it) loads as nil.
	byID := map[string]*graph.Contributor{}
	if len(ids) > 0 {
		cs, err := r.loadContributors(ctx, ids)
		if err != nil {
			return nil, err
		}
		for i, c := range cs {
			byID[ids[i]] = c
		}
	}
	now := time.Now()
	for _, e := range edges {
		t := apiToken(e.Node, byID[e.Node.ContributorID], now)
		out.Edges = append(out.Edges, &model.APITokenEdge{Cursor: e.Cursor, Node: t})
		out.Nodes = append(out.Nodes, t)
	}
	return out, nil
}

// revokeToken is Mutation.revokeToken: the store checks the id and that
// the viewer is an admin.
func (r *Resolver) revokeToken(ctx context.Context, id string) (*model.RevokeTokenPayload, error) {
	t, err := r.store.RevokeToken(ctx, id)
	if err != nil {
		return nil, err
	}
	// Who revoked what, for the operators: ids only, nothing secret.
	// A token of no contributor (an operator's) is told by its role.
	by := graph.ViewerFrom(ctx)
	r.logger.InfoContext(ctx, "token revoked", "token_id", t.ID, "by_role", string(by.Role), "by_contributor", by.ContributorID,
		"request_id", request.ID(ctx))
	var c *graph.Contributor
	if t.ContributorID != "" {
		// Deleted since: the token went with them, so this is a race lost
		// to a deletion, and the payload says no one.
		if c, err = r.loaders(ctx).contributors.Load(ctx, t.ContributorID); err != nil && graph.ErrorCode(err) != graph.ENOTFOUND {
			return nil, err
		}
	}
	return &model.RevokeTokenPayload{Token: apiToken(t, c, time.Now())}, nil
}

func apiToken(t *graph.Token, c *graph.Contributor, now time.Time) *model.APIToken {
	out := &model.APIToken{ID: t.ID, Role: model.TokenRole(t.Role), Contributor: c, CreatedAt: t.CreatedAt, Expired: t.Expired(now)}
	if !t.ExpiresAt.IsZero() {
		exp := t.ExpiresAt
		out.ExpiresAt = &exp
	}
	if t.Label != "" {
		l := t.Label
		out.Label = &l
	}
	return out
}
