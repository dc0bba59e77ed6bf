package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
)

// maxLimiterKeys bounds the clients the rate limiters track at once, so
// that a flood of addresses cannot grow memory without bound.
const maxLimiterKeys = 100_000

// limiterSet is one token bucket per key (a client address or a token),
// from golang.org/x/time/rate: its reservations tell exactly when the next
// request would be allowed, which is the Retry-After we send.
type limiterSet struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastSweep time.Time
}

func newLimiterSet(perSecond float64, burst int) *limiterSet {
	if !request.On(perSecond) {
		return nil
	}
	return &limiterSet{limit: rate.Limit(perSecond), burst: max(burst, 1), now: time.Now, buckets: map[string]*rate.Limiter{}}
}

// bucket returns key's bucket, making room when too many are tracked.
func (s *limiterSet) bucket(key string, now time.Time) *rate.Limiter {
	if b, ok := s.buckets[key]; ok {
		return b
	}
	if len(s.buckets) >= maxLimiterKeys || now.Sub(s.lastSweep) > time.Minute {
		s.sweep(now)
	}
	b := rate.NewLimiter(s.limit, s.burst)
	s.buckets[key] = b
	return b
}

// sweep forgets full buckets: a full bucket behaves exactly as a new one,
// so forgetting it changes nothing. If that is not enough room (a flood of
// new addresses), it forgets arbitrary ones: those clients get a fresh
// bucket, which errs on the side of serving them.
func (s *limiterSet) sweep(now time.Time) {
	s.lastSweep = now
	for k, b := range s.buckets {
		if b.TokensAt(now) >= float64(s.burst) {
			delete(s.buckets, k)
		}
	}
	for k := range s.buckets {
		if len(s.buckets) < maxLimiterKeys*9/10 {
			break
		}
		delete(s.buckets, k)
	}
}

// take spends one request of key's budget, or says how long to wait.
func (s *limiterSet) take(key string) (bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	r := s.bucket(key, now).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request costs nothing
		return false, d
	}
	return true, 0
}

// exhausted reports, without spending, whether key has no request left.
func (s *limiterSet) exhausted(key string) (bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	b, ok := s.buckets[key]
	if !ok {
		return false, 0
	}
	if t := b.TokensAt(now); t < 1 {
		return true, time.Duration((1 - t) / float64(s.limit) * float64(time.Second))
	}
	return false, 0
}

// clientKey is the rate-limit key of a request's client: its address, or
// the address a trusted proxy put in header (the last one it appended).
// IPv6 addresses count by /64, the block one subscriber usually holds, so
// that rotating addresses within it does not multiply the budget.
func clientKey(r *http.Request, header string) string {
	raw := ""
	if header != "" {
		if vs := r.Header.Values(header); len(vs) > 0 {
			last := vs[len(vs)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			raw = strings.TrimSpace(last)
		}
	}
	if raw == "" {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		raw = host
	}
	addr, err := netip.ParseAddr(raw)
	if err != nil {
		return raw
	}
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// take and exhausted are the limiterSet's, for sets that may be nil (the
// limit is off).
func take(s *limiterSet, key string) (bool, time.Duration) {
	if s == nil {
		return true, 0
	}
	return s.take(key)
}

func exhausted(s *limiterSet, key string) (bool, time.Duration) {
	if s == nil {
		return false, 0
	}
	return s.exhausted(key)
}

// limitByAddress applies the per-address budget to requests that carry
// no token. A request with a token is judged by the token's own budget
// after authentication; but each failed authentication spends the
// address's failure budget, and an address out of it cannot try tokens,
// not even reaching the store: guessing tokens is rate limited, while
// signed-in people behind an address that anonymous traffic exhausted (a
// shared NAT) are still served.
func limitByAddress(a *admission, header string, next http.Handler) http.Handler {
	if a.perAddress == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := clientKey(r, header)
		if _, hasToken := r.Header["Authorization"]; !hasToken {
			if f := a.spend("", key); f != nil {
				f.write(w, r)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if out, wait := exhausted(a.failedSignIns, key); out {
			a.tooMany("ip", "from this address", wait).write(w, r)
			return
		}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == http.StatusUnauthorized {
			take(a.failedSignIns, key)
		}
	})
}

// limitByToken applies the per-token budget; it runs after authenticate,
// so every request with an Authorization header here carries a valid token.
func limitByToken(a *admission, next http.Handler) http.Handler {
	if a.perToken == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !graph.ViewerFrom(r.Context()).SignedIn() {
			next.ServeHTTP(w, r)
			return
		}
		// The header's hash, not the secret, keys the bucket: the secret
		// is never kept in memory past the request.
		if f := a.spend(request.TokenKey(r.Header.Get("Authorization")), ""); f != nil {
			f.write(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitConcurrency lets at most Limits.MaxConcurrent requests execute at
// once; others wait up to Limits.QueueWait for a slot (short bursts are
// absorbed), then get 503 with Retry-After.
func limitConcurrency(a *admission, next http.Handler) http.Handler {
	if a.slots == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		release, f := a.enter(r.Context())
		if f != nil {
			if f.code == request.CodeCancelled {
				request.SetOutcome(r.Context(), request.OutcomeCancelled) // nobody to answer
				return
			}
			f.write(w, r)
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}
