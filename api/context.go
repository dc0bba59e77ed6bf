package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
)

// requestInfo is what the request-level middleware and the GraphQL layer
// share about one HTTP request: its id (for logs, errors and the
// X-Request-Id header) and the operation name, known once gqlgen parsed it.
type requestInfo struct {
	id string

	mu        sync.Mutex
	operation string
	outcome   string // outcome* constants, for metrics and logs
	query     string // the document, for the slow-query log
}

func (ri *requestInfo) setOperation(name string) {
	ri.mu.Lock()
	ri.operation = name
	ri.mu.Unlock()
}

func (ri *requestInfo) setQuery(q string) {
	ri.mu.Lock()
	ri.query = q
	ri.mu.Unlock()
}

func (ri *requestInfo) getOperation() string {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	return ri.operation
}

type requestInfoKey struct{}

func withRequestInfo(ctx context.Context, ri *requestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, ri)
}

func requestInfoFrom(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return ri
}

// requestID returns the id of the request ctx belongs to, or "".
func requestID(ctx context.Context) string {
	if ri := requestInfoFrom(ctx); ri != nil {
		return ri.id
	}
	return ""
}

// newRequestID returns 96 random bits in hex: unique enough to find one
// request in the logs, and never taken from the caller.
func newRequestID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}
