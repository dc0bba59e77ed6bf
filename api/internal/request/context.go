package request

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
)

// Info is what the request-level middleware and the GraphQL layer
// share about one HTTP request: its id (for logs, errors and the
// X-Request-Id header) and the operation name, known once gqlgen parsed it.
type Info struct {
	id string

	mu        sync.Mutex
	operation string
	outcome   string // Outcome* constants, for metrics and logs
	query     string // the document, for the slow-query log
}

// New is the Info of a new request, with an id of its own.
func New() *Info { return &Info{id: newID()} }

// ID is the request's id.
func (ri *Info) ID() string { return ri.id }

func (ri *Info) SetOperation(name string) {
	ri.mu.Lock()
	ri.operation = name
	ri.mu.Unlock()
}

func (ri *Info) SetQuery(q string) {
	ri.mu.Lock()
	ri.query = q
	ri.mu.Unlock()
}

func (ri *Info) Operation() string {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	return ri.operation
}

// Settle fixes the request's outcome, fallback when none was set, and
// returns it with the operation and its document.
func (ri *Info) Settle(fallback string) (outcome, operation, query string) {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	if ri.outcome == "" {
		ri.outcome = fallback
	}
	return ri.outcome, ri.operation, ri.query
}

type infoKey struct{}

func With(ctx context.Context, ri *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, ri)
}

func From(ctx context.Context) *Info {
	ri, _ := ctx.Value(infoKey{}).(*Info)
	return ri
}

// ID returns the id of the request ctx belongs to, or "".
func ID(ctx context.Context) string {
	if ri := From(ctx); ri != nil {
		return ri.id
	}
	return ""
}

// SetOutcome notes how the request of ctx ended, for the metrics and the
// request log.
func SetOutcome(ctx context.Context, o string) {
	if ri := From(ctx); ri != nil {
		ri.mu.Lock()
		ri.outcome = o
		ri.mu.Unlock()
	}
}

// Outcome is the outcome SetOutcome noted, or "".
func Outcome(ctx context.Context) string {
	if ri := From(ctx); ri != nil {
		ri.mu.Lock()
		defer ri.mu.Unlock()
		return ri.outcome
	}
	return ""
}

// Outcomes of a GraphQL request, the `outcome` label of the metrics and a
// field of the request log line.
const (
	OutcomeOK              = "ok"              // executed, no error
	OutcomeError           = "error"           // executed, with field errors that are the caller's (NOT_FOUND, FORBIDDEN…)
	OutcomeInternal        = "internal"        // executed, with an internal fault
	OutcomeRejected        = "rejected"        // not executed: malformed, invalid, or over a limit
	OutcomeUnauthenticated = "unauthenticated" // a token that is not one
	OutcomeRateLimited     = "rate_limited"
	OutcomeOverloaded      = "overloaded"
	OutcomeTimeout         = "timeout"
	OutcomeCancelled       = "cancelled" // the client went away
)

// newID returns 96 random bits in hex: unique enough to find one
// request in the logs, and never taken from the caller.
func newID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}
