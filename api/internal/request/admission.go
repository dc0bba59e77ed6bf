package request

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrQueueFull is Queue's answer when no slot came free within the wait.
var ErrQueueFull = errors.New("no slot within the wait")

// Queue takes a slot of slots (nil: no cap), waiting up to wait for one
// so that short bursts are absorbed; release gives it back, once.
func Queue(ctx context.Context, slots chan struct{}, wait time.Duration) (release func(), err error) {
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
			return nil, ErrQueueFull
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return sync.OnceFunc(func() { <-slots }), nil
}

// RetryAfter is d in whole seconds, at least 1, for the Retry-After header.
func RetryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// TokenKey keys a token's rate-limit bucket (the hash of
// "Bearer <secret>"), so that HTTP requests and WebSocket operations with
// one token share it; the secret is never kept past the request.
func TokenKey(authz string) string {
	scheme, secret, _ := strings.Cut(strings.TrimSpace(authz), " ")
	h := sha256.Sum256([]byte(scheme + " " + strings.TrimSpace(secret)))
	return hex.EncodeToString(h[:])
}
