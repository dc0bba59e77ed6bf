package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/encommun/maillage/api/internal/request"
)

// admission is how an operation is let in, whether it came as an HTTP
// request or as a subscribe message on a WebSocket: the rate budget of its
// token (or, anonymous, its address), the cap of operations executing at
// once, and the timeout. HTTP requests reach it through the middlewares of
// ratelimit.go; socket operations through api/live (OperationAdmission,
// AroundOperation), which calls the exported methods below, since one
// socket carries many operations and the HTTP middlewares see only its
// upgrade.
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
		w.Header().Set("Retry-After", request.RetryAfter(f.retry))
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
		message: fmt.Sprintf("too many requests %s: retry in %s s", who, request.RetryAfter(wait))}
}

// Spend, Enter, SignInBlocked and SignInFailed are the admission as the
// operations of a socket pass it (live.Admission): the same budgets and
// cap as HTTP requests, refusals as GraphQL errors.
func (a *admission) Spend(tokenKey, address string) *gqlerror.Error {
	if f := a.spend(tokenKey, address); f != nil {
		return f.gqlError()
	}
	return nil
}

func (a *admission) Enter(ctx context.Context) (func(), *gqlerror.Error) {
	release, f := a.enter(ctx)
	if f != nil {
		return nil, f.gqlError()
	}
	return release, nil
}

func (a *admission) SignInBlocked(address string) (bool, time.Duration) {
	return exhausted(a.failedSignIns, address)
}

func (a *admission) SignInFailed(address string) { take(a.failedSignIns, address) }

// enter takes a slot of the server's cap of executing operations. Past
// the wait: 503, the server is busy, not the client wrong.
func (a *admission) enter(ctx context.Context) (func(), *refusal) {
	release, err := request.Queue(ctx, a.slots, a.queueWait)
	switch {
	case errors.Is(err, request.ErrQueueFull):
		a.metrics.rateLimited.WithLabelValues("concurrency").Inc()
		return nil, &refusal{status: http.StatusServiceUnavailable, code: request.CodeOverloaded, outcome: request.OutcomeOverloaded, retry: time.Second,
			message: "the server is at its limit of concurrent requests: retry in 1 s"}
	case err != nil:
		return nil, &refusal{status: http.StatusServiceUnavailable, code: request.CodeCancelled, outcome: request.OutcomeCancelled,
			message: "the request was cancelled"}
	}
	return release, nil
}
