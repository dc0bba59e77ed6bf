package live

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
)

// OperationAdmission admits each operation of a WebSocket (query, mutation or
// subscription) before its document is even parsed, as the HTTP
// middlewares admit a request: the connection's token must still be valid
// (a revoked or expired one closes the socket with 4403), and the
// operation spends one request of the token's or the address's budget.
// It must be the first extension: a refused operation costs no parsing.
type OperationAdmission struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = OperationAdmission{}

func (OperationAdmission) ExtensionName() string                   { return "LiveAdmission" }
func (OperationAdmission) Validate(graphql.ExecutableSchema) error { return nil }

func (OperationAdmission) MutateOperationParameters(ctx context.Context, _ *graphql.RawParams) *gqlerror.Error {
	lc, ok := ctx.Value(connKey{}).(*Conn)
	if !ok {
		return nil // an HTTP request: its middlewares admitted it
	}
	switch err := lc.checkToken(ctx); {
	case errors.Is(err, errTokenRevoked):
		return request.Errorf(graph.EUNAUTHENTICATED, "this connection's token is no longer valid: connect again with a valid one")
	case err != nil:
		lc.srv.logger.ErrorContext(ctx, "websocket: reading the connection's token failed", "err", err, "request_id", request.ID(ctx))
		return request.Errorf(graph.EINTERNAL, "%s", request.InternalMessage)
	}
	if f := lc.srv.cfg.Admission.Spend(lc.budget, lc.address); f != nil {
		return f
	}
	return nil
}

// AroundOperation runs a query or mutation of a WebSocket as the HTTP
// server (package api) runs a request: within the connection's own cap of
// operations at once, then within the server's cap, with its own
// dataloaders, and under the request timeout. Subscriptions live as long
// as the client wants them, like the socket itself: they have their own
// cap per connection (Conn.admit) and hold no slot.
func (ls *Server) AroundOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	lc, ok := ctx.Value(connKey{}).(*Conn)
	oc := graphql.GetOperationContext(ctx)
	if !ok || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	refuse := func(err *gqlerror.Error) graphql.ResponseHandler {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	mine, err := request.Queue(ctx, lc.ops, ls.cfg.QueueWait)
	switch {
	case errors.Is(err, request.ErrQueueFull):
		ls.cfg.RateLimited.WithLabelValues("connection").Inc()
		return refuse(request.Errorf(request.CodeRateLimited,
			"this connection already runs %d operations at once, the most allowed: wait for their results", cap(lc.ops)))
	case err != nil:
		return refuse(request.Errorf(request.CodeCancelled, "the operation was cancelled"))
	}
	shared, f := ls.cfg.Admission.Enter(ctx)
	if f != nil {
		mine()
		return refuse(f)
	}
	release := func() { shared(); mine() }
	// Its own dataloaders, as each HTTP request has: without
	// them each field would make its own, and batch nothing.
	ctx = ls.cfg.WithLoaders(ctx)
	cancel := context.CancelFunc(func() {})
	if t := ls.cfg.Timeout; t > 0 {
		ctx, cancel = context.WithTimeout(ctx, t)
	}
	var responses graphql.ResponseHandler
	func() {
		defer func() {
			if responses == nil { // next panicked
				cancel()
				release()
			}
		}()
		responses = next(ctx)
	}()
	// A query or mutation has one response: the slots go back once it is
	// made, whatever comes of it; the transport then asks again and gets
	// nil, the end of the stream.
	done := false
	return func(rctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		done = true
		defer func() { cancel(); release() }()
		resp := responses(rctx)
		if resp == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			resp = &graphql.Response{Errors: gqlerror.List{request.Errorf(request.CodeTimeout, "%s", request.TimeoutMessage(ls.cfg.Timeout))}}
		}
		return resp
	}
}
