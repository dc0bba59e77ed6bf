package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
)

// admission is how an operation is let in, whether it came as an HTTP
// request or as a subscribe message on a WebSocket: the rate budget of its
// token (or, anonymous, its address), the cap of operations executing at
// once, and the timeout. HTTP requests reach it through the middlewares of
// ratelimit.go; socket operations through liveAdmission and
// aroundLiveOperation below, since one socket carries many operations and
// the HTTP middlewares see only its upgrade.
type admission struct {
	perAddress, perToken, failedSignIns *limiterSet // nil: that budget is off
	slots                               chan struct{}
	queueWait, timeout                  time.Duration // timeout 0: none
	metrics                             *metrics
}

func newAdmission(l Limits, m *metrics) *admission {
	a := &admission{
		perAddress:    newLimiterSet(l.RatePerIP, l.BurstPerIP),
		failedSignIns: newLimiterSet(l.RatePerIP, l.BurstPerIP),
		perToken:      newLimiterSet(l.RatePerToken, l.BurstPerToken),
		queueWait:     l.QueueWait,
		timeout:       max(l.Timeout, 0),
		metrics:       m,
	}
	if request.On(l.MaxConcurrent) {
		a.slots = make(chan struct{}, l.MaxConcurrent)
	}
	return a
}

// refusal is an operation turned away before it ran, with what HTTP and
// GraphQL each say about it.
type refusal struct {
	status  int
	code    string
	outcome string
	message string
	retry   time.Duration // Retry-After; 0: none
}

// write answers an HTTP request with the refusal.
func (f *refusal) write(w http.ResponseWriter, r *http.Request) {
	request.SetOutcome(r.Context(), f.outcome)
	if f.retry > 0 {
		w.Header().Set("Retry-After", retryAfter(f.retry))
	}
	request.WriteError(w, f.status, f.message, f.code, request.ID(r.Context()))
}

// gqlError is the refusal as a GraphQL error, for a socket operation.
func (f *refusal) gqlError() *gqlerror.Error {
	return request.Errorf(f.code, "%s", f.message)
}

// spend takes one request from the caller's budget: its token's
// (tokenKey, as authorizationKey makes it) or, anonymous (""), its
// address's.
func (a *admission) spend(tokenKey, address string) *refusal {
	set, key, scope, who := a.perAddress, address, "ip", "from this address"
	if tokenKey != "" {
		set, key, scope, who = a.perToken, tokenKey, "token", "with this token"
	}
	if ok, wait := take(set, key); !ok {
		return a.tooMany(scope, who, wait)
	}
	return nil
}

// tooMany counts a request refused for a spent budget (scope, the metric's
// label) and says so to who sent it, with when to retry.
func (a *admission) tooMany(scope, who string, wait time.Duration) *refusal {
	a.metrics.rateLimited.WithLabelValues(scope).Inc()
	return &refusal{status: http.StatusTooManyRequests, code: request.CodeRateLimited, outcome: request.OutcomeRateLimited, retry: wait,
		message: fmt.Sprintf("too many requests %s: retry in %s s", who, retryAfter(wait))}
}

var errQueueFull = errors.New("no slot within the wait")

// queue takes a slot of slots (nil: no cap), waiting up to wait for one
// so that short bursts are absorbed; release gives it back, once.
func queue(ctx context.Context, slots chan struct{}, wait time.Duration) (release func(), err error) {
	if slots == nil {
		return func() {}, nil
	}
	select {
	case slots <- struct{}{}:
	default:
		t := time.NewTimer(max(wait, 0))
		defer t.Stop()
		select {
		case slots <- struct{}{}:
		case <-t.C:
			return nil, errQueueFull
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return sync.OnceFunc(func() { <-slots }), nil
}

// enter takes a slot of the server's cap of executing operations. Past
// the wait: 503, the server is busy, not the client wrong.
func (a *admission) enter(ctx context.Context) (func(), *refusal) {
	release, err := queue(ctx, a.slots, a.queueWait)
	switch {
	case errors.Is(err, errQueueFull):
		a.metrics.rateLimited.WithLabelValues("concurrency").Inc()
		return nil, &refusal{status: http.StatusServiceUnavailable, code: request.CodeOverloaded, outcome: request.OutcomeOverloaded, retry: time.Second,
			message: "the server is at its limit of concurrent requests: retry in 1 s"}
	case err != nil:
		return nil, &refusal{status: http.StatusServiceUnavailable, code: request.CodeCancelled, outcome: request.OutcomeCancelled,
			message: "the request was cancelled"}
	}
	return release, nil
}

// liveAdmission admits each operation of a WebSocket (query, mutation or
// subscription) before its document is even parsed, as the HTTP
// middlewares admit a request: the connection's token must still be valid
// (a revoked or expired one closes the socket with 4403), and the
// operation spends one request of the token's or the address's budget.
// It must be the first extension: a refused operation costs no parsing.
type liveAdmission struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = liveAdmission{}

func (liveAdmission) ExtensionName() string                   { return "LiveAdmission" }
func (liveAdmission) Validate(graphql.ExecutableSchema) error { return nil }

func (liveAdmission) MutateOperationParameters(ctx context.Context, _ *graphql.RawParams) *gqlerror.Error {
	lc, ok := ctx.Value(liveConnKey{}).(*liveConn)
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
	if f := lc.srv.admission.spend(lc.budget, lc.address); f != nil {
		return f.gqlError()
	}
	return nil
}

// aroundLiveOperation runs a query or mutation of a WebSocket as
// limitConcurrency, withLoaders and the HTTP transport run a request:
// within the connection's own cap of operations at once, then within the
// server's cap, with its own dataloaders, and under the request timeout. Subscriptions live as long as the
// client wants them, like the socket itself: they have their own cap per
// connection (liveConn.admit) and hold no slot.
func (ls *liveServer) aroundLiveOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	lc, ok := ctx.Value(liveConnKey{}).(*liveConn)
	oc := graphql.GetOperationContext(ctx)
	if !ok || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	refuse := func(err *gqlerror.Error) graphql.ResponseHandler {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	mine, err := queue(ctx, lc.ops, ls.admission.queueWait)
	switch {
	case errors.Is(err, errQueueFull):
		ls.metrics.rateLimited.WithLabelValues("connection").Inc()
		return refuse(request.Errorf(request.CodeRateLimited,
			"this connection already runs %d operations at once, the most allowed: wait for their results", cap(lc.ops)))
	case err != nil:
		return refuse(request.Errorf(request.CodeCancelled, "the operation was cancelled"))
	}
	shared, f := ls.admission.enter(ctx)
	if f != nil {
		mine()
		return refuse(f.gqlError())
	}
	release := func() { shared(); mine() }
	// Its own dataloaders, as withLoaders gives each HTTP request: without
	// them each field would make its own, and batch nothing.
	ctx = context.WithValue(ctx, loadersKey{}, newLoaders(ls.store))
	cancel := context.CancelFunc(func() {})
	if t := ls.admission.timeout; t > 0 {
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
			resp = &graphql.Response{Errors: gqlerror.List{request.Errorf(request.CodeTimeout, "%s", request.TimeoutMessage(ls.admission.timeout))}}
		}
		return resp
	}
}
