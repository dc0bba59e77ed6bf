package live

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/graph"
	feed "github.com/encommun/maillage/graph/live"
)

// Subscriptions run over WebSocket at /graphql with the graphql-transport-ws
// subprotocol (gqlgen's transport.Websocket). This file is the connection:
// the upgrade (origin, subprotocol, connections per address), the sign-in
// in connection_init, and the limits of one connection. The streams
// themselves are read in api/resolve (subscriptions_events.go) and run by
// Stream (stream.go).

// graphqlTransportWS is the only subprotocol offered: the legacy
// subscriptions-transport-ws protocol ("graphql-ws") is unmaintained and
// gqlgen would pick it for clients that name no subprotocol.
const graphqlTransportWS = "graphql-transport-ws"

// Close codes of graphql-transport-ws (as the graphql-ws library uses them).
const (
	closeInternal        = 4500
	closeForbidden       = 4403
	closeTooManyRequests = 4429
	closeBadSubprotocol  = 4406
)

// Error codes of subscriptions, in extensions.code.
const (
	codeSubscriptionLimit    = "SUBSCRIPTION_LIMIT_EXCEEDED"
	codeSubscriptionOverflow = "SUBSCRIPTION_OVERFLOW"
)

// Options bound live updates; zero fields take DefaultOptions, and
// a negative limit switches it off.
type Options struct {
	// MaxSubscriptionsPerConnection bounds the subscriptions running at once
	// on one WebSocket (SUBSCRIPTION_LIMIT_EXCEEDED past it).
	MaxSubscriptionsPerConnection int
	// MaxOperationsPerConnection bounds the queries and mutations executing
	// at once on one WebSocket; others wait their turn as long as for the
	// server's cap (api.Limits.QueueWait), then fail with RATE_LIMITED.
	MaxOperationsPerConnection int
	// MaxConnectionsPerAddress bounds the WebSockets open at once from one
	// client address (429 on the upgrade past it), and signed in with one
	// token (closed with 4429 at connection_init past it).
	MaxConnectionsPerAddress int
	// Poll is how often the change sequence is read for writes made by
	// other processes; writes through this server are seen at once.
	Poll time.Duration
	// Buffer is the changes one subscription may have waiting; a subscriber
	// that falls further behind is stopped (SUBSCRIPTION_OVERFLOW), so that
	// it never slows the others.
	Buffer int
	// PingInterval is how often the server pings; a client that has not
	// answered within two intervals is disconnected.
	PingInterval time.Duration
	// InitTimeout is how long a client has to send connection_init.
	InitTimeout time.Duration
	// TokenCheck is how often a connection signed in with a token reads
	// the token again while no event comes, so that a revoked token (its
	// contributor deleted, say) cannot keep an idle socket open; before
	// each event the token is read anyway.
	TokenCheck time.Duration
}

// DefaultOptions suit browsers behind proxies that cut idle
// connections after a minute or so.
var DefaultOptions = Options{
	MaxSubscriptionsPerConnection: 20,
	MaxOperationsPerConnection:    8,
	MaxConnectionsPerAddress:      20,
	Poll:                          time.Second,
	Buffer:                        feed.DefaultBuffer,
	PingInterval:                  25 * time.Second,
	InitTimeout:                   10 * time.Second,
	TokenCheck:                    30 * time.Second,
}

func (o Options) withDefaults() Options {
	d := DefaultOptions
	o.MaxSubscriptionsPerConnection = cmp.Or(o.MaxSubscriptionsPerConnection, d.MaxSubscriptionsPerConnection)
	o.MaxOperationsPerConnection = cmp.Or(o.MaxOperationsPerConnection, d.MaxOperationsPerConnection)
	o.MaxConnectionsPerAddress = cmp.Or(o.MaxConnectionsPerAddress, d.MaxConnectionsPerAddress)
	o.Poll = cmp.Or(o.Poll, d.Poll)
	o.Buffer = cmp.Or(o.Buffer, d.Buffer)
	o.PingInterval = cmp.Or(o.PingInterval, d.PingInterval)
	o.InitTimeout = cmp.Or(o.InitTimeout, d.InitTimeout)
	o.TokenCheck = cmp.Or(o.TokenCheck, d.TokenCheck)
	return o
}

// Store is what the WebSocket connections read of the store themselves:
// their tokens, and the change feed their subscriptions follow.
type Store interface {
	TokenByHash(ctx context.Context, hash string) (*graph.Token, error)
	graph.ChangeStore
}

// Admission is the HTTP server's admission, which every operation of a
// socket passes too: one budget and one cap for both ways in.
type Admission interface {
	// Spend takes one request of the budget of the token keyed tokenKey
	// (TokenKey), or of address when tokenKey is "".
	Spend(tokenKey, address string) *gqlerror.Error
	// Enter takes a slot of the server's cap of executing operations,
	// waiting up to the queue wait; release gives it back.
	Enter(ctx context.Context) (release func(), err *gqlerror.Error)
	// SignInBlocked says whether address has spent its budget of failed
	// sign-ins, and when to retry; SignInFailed spends one.
	SignInBlocked(address string) (bool, time.Duration)
	SignInFailed(address string)
}

// Config is what the composition root (api.NewHandler) passes in.
type Config struct {
	Store Store
	// Tokens, when the store knows in memory when tokens stop working,
	// spares a connection the read of its token before every event.
	Tokens    graph.TokenWatcher
	Admission Admission
	Options   Options
	Logger    *slog.Logger
	// Origins are the CORS origins, whose pages may open a socket too.
	Origins []string
	// ClientKey is the rate-limit key of a request's client address.
	ClientKey func(*http.Request) string
	// WithLoaders gives an operation, or one event of a subscription, its
	// own dataloaders.
	WithLoaders func(context.Context) context.Context
	// QueueWait is how long an operation waits for a slot of its
	// connection's cap; Timeout bounds an operation and the reads of one
	// event (0: none); MaxMessageBytes bounds a client message (0: none).
	QueueWait, Timeout time.Duration
	MaxMessageBytes    int64
	// RateLimited counts refusals by scope; Subscriptions the
	// subscriptions running now.
	RateLimited   *prometheus.CounterVec
	Subscriptions prometheus.Gauge
}

// Server is what every WebSocket connection shares.
type Server struct {
	cfg    Config
	broker *feed.Broker
	opts   Options
	logger *slog.Logger

	mu    sync.Mutex
	conns map[string]int // open connections per client address, and per token ("token " + its budget key)
}

// New is the live server of cfg; its broker follows cfg.Store's changes
// until the process ends.
func New(cfg Config) *Server {
	opts := cfg.Options.withDefaults()
	return &Server{
		cfg:    cfg,
		broker: feed.New(cfg.Store, feed.Options{Poll: opts.Poll, Buffer: opts.Buffer, Logger: cfg.Logger}),
		opts:   opts,
		logger: cfg.Logger,
		conns:  map[string]int{},
	}
}

// transport is gqlgen's WebSocket transport as this server runs it.
func (ls *Server) Transport() transport.Websocket {
	readLimit := ls.cfg.MaxMessageBytes
	if !request.On(readLimit) {
		readLimit = -1
	}
	t := transport.Websocket{
		Implementation: keepSocket{transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{
			// upgrade has checked the origin against the configured ones.
			InsecureSkipVerify: true,
			Subprotocols:       []string{graphqlTransportWS},
		}}},
		InitFunc:         ls.init,
		InitTimeout:      max(ls.opts.InitTimeout, 0),
		PayloadReadLimit: &readLimit,
		ErrorFunc: func(ctx context.Context, err error) {
			if !errors.Is(err, context.Canceled) {
				ls.logger.DebugContext(ctx, "websocket", "err", err, "request_id", request.ID(ctx))
			}
		},
	}
	if request.On(ls.opts.PingInterval) {
		t.PingPongInterval = ls.opts.PingInterval
	}
	return t
}

// NotifyAfterMutation wakes the broker after each mutation field, so that
// subscribers hear of this server's writes at once rather than at the next
// poll.
func (ls *Server) NotifyAfterMutation(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	out := next(ctx)
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Mutation {
		ls.broker.Notify()
	}
	return out
}

// FreshLoadersPerEvent gives each event of a subscription its own
// dataloaders: the connection's would cache what the first event read for
// as long as the socket lives, and every event must be read anew.
func (ls *Server) FreshLoadersPerEvent(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		ctx = ls.cfg.WithLoaders(ctx)
	}
	return next(ctx)
}

// SingleStream refuses a subscription that does not select exactly one
// field of Subscription, before it runs: the GraphQL spec's "single root
// field" rule, which the validator does not apply and without which the
// generated executor fails with an internal error.
type SingleStream struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = SingleStream{}

func (SingleStream) ExtensionName() string                   { return "SingleStream" }
func (SingleStream) Validate(graphql.ExecutableSchema) error { return nil }

func (SingleStream) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return nil
	}
	fields := graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Subscription"})
	if len(fields) != 1 || strings.HasPrefix(fields[0].Name, "__") {
		return request.Errorf(request.CodeGraphQLInvalidQuery, "a subscription selects exactly one field of Subscription, not %d or an introspection field", len(fields))
	}
	return nil
}

// IsUpgrade reports whether r asks for a protocol upgrade; gqlgen's
// transports split on the same header.
func IsUpgrade(r *http.Request) bool { return r.Header.Get("Upgrade") != "" }

// RouteUpgrades sends WebSocket upgrades to ws and everything else to
// plain: a WebSocket must not hold a slot of the concurrent-request cap,
// nor be timed as one endless request by the request metrics.
func RouteUpgrades(ws, plain http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsUpgrade(r) {
			ws.ServeHTTP(w, r)
			return
		}
		plain.ServeHTTP(w, r)
	})
}

// upgrade checks a WebSocket handshake before gqlgen accepts it: a GET
// asking for websocket, from an allowed origin, offering
// graphql-transport-ws, from an address below its connection cap.
func (ls *Server) Upgrade(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if r.Method != http.MethodGet || !headerHasToken(r.Header, "Upgrade", "websocket") {
			request.SetOutcome(ctx, request.OutcomeRejected)
			request.WriteError(w, http.StatusBadRequest,
				"the only upgrade offered is WebSocket: GET /graphql with Upgrade: websocket and Sec-WebSocket-Protocol: graphql-transport-ws",
				request.CodeBadRequest, request.ID(ctx))
			return
		}
		if origin := r.Header.Get("Origin"); !ls.originAllowed(origin, r.Host) {
			request.SetOutcome(ctx, request.OutcomeRejected)
			request.WriteError(w, http.StatusForbidden,
				fmt.Sprintf("origin %q may not open a WebSocket here: it is not one of the configured CORS origins", request.Clip(origin, 100)),
				graph.EFORBIDDEN, request.ID(ctx))
			return
		}
		if !headerHasToken(r.Header, "Sec-WebSocket-Protocol", graphqlTransportWS) {
			// Browsers cannot read an HTTP error on a failed handshake;
			// they do see a close code and reason, so refuse that way, as
			// the graphql-ws server does.
			request.SetOutcome(ctx, request.OutcomeRejected)
			c, err := coderws.Accept(w, r, &coderws.AcceptOptions{InsecureSkipVerify: true})
			if err != nil {
				return // Accept has answered the malformed handshake
			}
			c.Close(closeBadSubprotocol, "Subprotocol not acceptable: use graphql-transport-ws")
			return
		}
		key := ls.cfg.ClientKey(r)
		if !ls.openConn(key) {
			ls.cfg.RateLimited.WithLabelValues("websocket").Inc()
			request.SetOutcome(ctx, request.OutcomeRateLimited)
			w.Header().Set("Retry-After", "10")
			request.WriteError(w, http.StatusTooManyRequests,
				fmt.Sprintf("too many WebSocket connections from this address: at most %d at once", ls.opts.MaxConnectionsPerAddress),
				request.CodeRateLimited, request.ID(ctx))
			return
		}
		defer ls.closeConn(key)
		request.SetOutcome(ctx, request.OutcomeOK)
		up := liveUpgrade{address: key, authorization: r.Header.Get("Authorization"), socket: &liveSocket{}}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, liveUpgradeKey{}, up)))
	})
}

// liveUpgrade is what init needs of the upgrade request.
type liveUpgrade struct {
	address       string // the client's rate-limit key
	authorization string // the header authenticate accepted, if any
	socket        *liveSocket
}

type liveUpgradeKey struct{}

// liveSocket holds the accepted WebSocket, so that the connection can be
// closed with a code of ours once its token is revoked: gqlgen's transport
// closes only with 1000 when its context ends, which clients take for a
// normal end of their subscriptions.
type liveSocket struct {
	mu   sync.Mutex
	conn transport.WebsocketConn
}

// close sends a close frame with code and reason; the transport's read
// loop then fails and ends every subscription of the connection. The
// close frame goes first, so that no complete message of a subscription
// makes a client believe its stream ended normally.
func (s *liveSocket) close(code int, reason string) {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c != nil {
		_ = c.WriteClose(code, reason)
	}
}

// keepSocket records the accepted connection in the upgrade's liveSocket,
// and has protocolConn check what the client sends on it.
type keepSocket struct {
	transport.WebsocketImplementation
}

func (k keepSocket) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := k.WebsocketImplementation.Accept(w, r, o)
	if err != nil {
		return c, err
	}
	c = &protocolConn{WebsocketConn: c}
	if up, ok := r.Context().Value(liveUpgradeKey{}).(liveUpgrade); ok && up.socket != nil {
		up.socket.mu.Lock()
		up.socket.conn = c
		up.socket.mu.Unlock()
	}
	return c, err
}

// originAllowed: no Origin is not a browser, and cannot be riding a
// user's page; the page's own origin is always allowed; others must be
// among the CORS origins ("*": any).
func (ls *Server) originAllowed(origin, host string) bool {
	if origin == "" {
		return true
	}
	if u, err := url.Parse(origin); err == nil && u.Host != "" && strings.EqualFold(u.Host, host) {
		return true
	}
	return slices.ContainsFunc(ls.cfg.Origins, func(o string) bool { return o == "*" || strings.EqualFold(o, origin) })
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

func (ls *Server) openConn(key string) bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if request.On(ls.opts.MaxConnectionsPerAddress) && ls.conns[key] >= ls.opts.MaxConnectionsPerAddress {
		return false
	}
	ls.conns[key]++
	return true
}

func (ls *Server) closeConn(key string) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.conns[key]--; ls.conns[key] <= 0 {
		delete(ls.conns, key)
	}
}

// Conn is one signed-in (or anonymous) WebSocket connection.
type Conn struct {
	srv     *Server
	viewer  graph.Viewer
	address string
	// budget keys the rate limit each new subscription spends: the
	// token's hash, or "" for an anonymous connection (the address's).
	budget string
	// tokenHash is the stored hash of the connection's token, read again
	// before each event and every TokenCheck; "" when anonymous.
	tokenHash string
	socket    *liveSocket
	revoked   atomic.Bool
	// ops bounds the queries and mutations executing at once on the
	// connection (nil: no bound); see AroundOperation.
	ops chan struct{}

	mu   sync.Mutex
	subs int
	// The last read of the token found it valid at this token revision,
	// until this expiry (zero: none); only with Server.tokens.
	checked        bool
	checkedRev     uint64
	checkedExpires time.Time
}

type connKey struct{}

func ConnFrom(ctx context.Context) (*Conn, error) {
	if lc, ok := ctx.Value(connKey{}).(*Conn); ok {
		return lc, nil
	}
	return nil, graph.Errorf(graph.EINVALID,
		"subscriptions run over WebSocket: connect to /graphql with the graphql-transport-ws subprotocol")
}

// init signs the connection in from connection_init's payload, which
// browsers use for what they cannot put in WebSocket headers. No
// authorization: the viewer of the upgrade request (a header a non-browser
// client sent, or anonymous). A token that is not one closes the socket
// with 4403, and spends the address's failure budget like a failed HTTP
// sign-in.
func (ls *Server) init(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	up, _ := ctx.Value(liveUpgradeKey{}).(liveUpgrade)
	address := up.address
	refuse := func(code int, reason string) (context.Context, *transport.InitPayload, error) {
		ctx = transport.WithWebsocketCloseCode(ctx, code)
		ctx = transport.AppendCloseReason(ctx, reason)
		return ctx, nil, errors.New(reason)
	}
	v := graph.ViewerFrom(ctx)
	budget, tokenHash := "", ""
	if v.SignedIn() {
		budget, tokenHash = request.TokenKey(up.authorization), authorizationHash(up.authorization)
	}
	raw, present := p["authorization"]
	if !present {
		raw, present = p["Authorization"]
	}
	if present {
		if out, wait := ls.cfg.Admission.SignInBlocked(address); out {
			ls.cfg.RateLimited.WithLabelValues("ip").Inc()
			return refuse(closeTooManyRequests, fmt.Sprintf("Too many failed sign-ins from this address: retry in %s s", request.RetryAfter(wait)))
		}
		authz, _ := raw.(string)
		tok, err := ls.token(ctx, authz)
		switch {
		case graph.ErrorCode(err) == graph.EUNAUTHENTICATED:
			ls.cfg.Admission.SignInFailed(address)
			return refuse(closeForbidden, "Forbidden: "+err.Error())
		case err != nil:
			request.InternalError(ctx, ls.logger, err, nil)
			return refuse(closeInternal, "Internal error")
		}
		v = graph.Viewer{Role: tok.Role, ContributorID: tok.ContributorID}
		budget, tokenHash = request.TokenKey(authz), tok.Hash
	}
	if budget != "" {
		// One token may not open more sockets than one address: a token
		// used from many addresses would otherwise multiply the bound.
		key := "token " + budget
		if !ls.openConn(key) {
			ls.cfg.RateLimited.WithLabelValues("websocket").Inc()
			return refuse(closeTooManyRequests, fmt.Sprintf("Too many WebSocket connections with this token: at most %d at once", ls.opts.MaxConnectionsPerAddress))
		}
		context.AfterFunc(ctx, func() { ls.closeConn(key) }) // ctx ends with the connection
	}
	lc := &Conn{srv: ls, viewer: v, address: address, budget: budget, tokenHash: tokenHash, socket: up.socket}
	if n := ls.opts.MaxOperationsPerConnection; request.On(n) {
		lc.ops = make(chan struct{}, n)
	}
	if tokenHash != "" && request.On(ls.opts.TokenCheck) {
		// ctx is the upgrade request's: it ends with the connection.
		go lc.watchToken(ctx)
	}
	ctx = graph.WithViewer(ctx, v)
	return context.WithValue(ctx, connKey{}, lc), nil, nil
}

// errTokenRevoked ends the work of a connection whose token is gone; the
// connection is being closed with 4403.
var errTokenRevoked = errors.New("the connection's token was revoked")

// checkToken reads the connection's token again. When it is no longer
// the one the connection signed in with (deleted with its contributor,
// revoked by an operator, expired), it closes the connection with 4403,
// as at sign-in: graphql-ws clients then reconnect with their connectionParams,
// which may bring a fresh token, and give up with the 4403 otherwise.
func (lc *Conn) checkToken(ctx context.Context) error {
	if lc.revoked.Load() {
		return errTokenRevoked
	}
	if lc.tokenHash == "" {
		return nil
	}
	// The revision is noted before the read: a revocation between the
	// two is then either seen by the read or moves the revision.
	var rev uint64
	if w := lc.srv.cfg.Tokens; w != nil {
		rev = w.TokenRevision()
		if lc.stillValid(rev) {
			return nil
		}
	}
	tok, err := lc.srv.cfg.Store.TokenByHash(graph.SystemContext(ctx), lc.tokenHash)
	why := "was revoked"
	switch {
	case graph.ErrorCode(err) == graph.ENOTFOUND:
	case graph.ErrorCode(err) == graph.EUNAUTHENTICATED:
		why = "has expired"
	case err != nil:
		return err
	case tok != nil && tok.Role == lc.viewer.Role && tok.ContributorID == lc.viewer.ContributorID:
		if lc.srv.cfg.Tokens != nil {
			lc.mu.Lock()
			lc.checked, lc.checkedRev, lc.checkedExpires = true, rev, tok.ExpiresAt
			lc.mu.Unlock()
		}
		return nil
	}
	if !lc.revoked.Swap(true) {
		lc.srv.logger.InfoContext(ctx, "websocket closed: its token "+why, "request_id", request.ID(ctx))
		if lc.socket != nil {
			lc.socket.close(closeForbidden, "Forbidden: the token "+why)
		}
	}
	return errTokenRevoked
}

// stillValid says whether the last read of the token holds at revision
// rev: no token was revoked or deleted since, and it has not expired.
func (lc *Conn) stillValid(rev uint64) bool {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.checked && lc.checkedRev == rev && (lc.checkedExpires.IsZero() || time.Now().Before(lc.checkedExpires))
}

// watchToken checks the token every TokenCheck until the connection
// ends, for connections that hear of no change.
func (lc *Conn) watchToken(ctx context.Context) {
	t := time.NewTicker(lc.srv.opts.TokenCheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			err := lc.checkToken(ctx)
			if errors.Is(err, errTokenRevoked) {
				return
			}
			if err != nil && ctx.Err() == nil {
				// The store may be back at the next tick; events meanwhile
				// fail on their own reads.
				lc.srv.logger.WarnContext(ctx, "websocket: reading the connection's token failed", "err", err, "request_id", request.ID(ctx))
			}
		}
	}
}

// token checks an authorization value as authenticate checks the header:
// UNAUTHENTICATED for anything but a known token of a role tokens carry.
func (ls *Server) token(ctx context.Context, authz string) (*graph.Token, error) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(authz), " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" || strings.ContainsAny(secret, " \t") {
		return nil, graph.Errorf(graph.EUNAUTHENTICATED, "the authorization must be a string: Bearer <token>")
	}
	tok, err := ls.cfg.Store.TokenByHash(graph.SystemContext(ctx), graph.HashToken(secret))
	switch {
	case graph.ErrorCode(err) == graph.ENOTFOUND:
		return nil, graph.Errorf(graph.EUNAUTHENTICATED, "invalid or revoked token")
	case err != nil:
		return nil, err
	case tok == nil || !slices.Contains(graph.Roles, tok.Role):
		return nil, graph.Errorf(graph.EUNAUTHENTICATED, "invalid or revoked token")
	}
	return tok, nil
}

// authorizationHash is the stored hash of the token in an Authorization
// value that authenticate has accepted.
func authorizationHash(authz string) string {
	_, secret, _ := strings.Cut(strings.TrimSpace(authz), " ")
	return graph.HashToken(strings.TrimSpace(secret))
}

// admit starts one subscription on the connection, within the cap of
// subscriptions per connection; release ends it. The subscription, as
// every operation of the connection, was admitted by OperationAdmission first
// (token, rate budget).
func (lc *Conn) admit(ctx context.Context) error {
	ls := lc.srv
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if n := ls.opts.MaxSubscriptionsPerConnection; request.On(n) && lc.subs >= n {
		return request.Errorf(codeSubscriptionLimit, "this connection already runs %d subscriptions, the most allowed: complete one first", n)
	}
	lc.subs++
	ls.cfg.Subscriptions.Inc()
	return nil
}

func (lc *Conn) release() {
	lc.mu.Lock()
	lc.subs--
	lc.mu.Unlock()
	lc.srv.cfg.Subscriptions.Dec()
}

// subscriptionError is an error sent on a running subscription, which
// skips the error presenter: it gets its code here.
func subscriptionError(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}
