// Package neo4j is the graph.Store on Neo4j 5, through the official Go
// driver: the production store, for clusters and Aura. It keeps the same
// contract as the embedded store, down to error codes and messages, so the
// one conformance suite (graph/store/storetest) runs against both.
//
// How it maps the contract onto Neo4j:
//
//   - Every node is (:Node:<Kind> {id, kind, …}); documents also carry
//     :Document. Links are relationships of the type named by their
//     graph.Relation. Revisions, tokens, changes and the sequence are nodes
//     of their own labels; standpoint declarations are DECLARES
//     relationships to :StandpointValue nodes.
//   - Every statement is a constant in cypher.go, with parameters only.
//   - Reads run in read transactions (followers can serve them), with the
//     visibility rule in each query's WHERE clause; writes run in write
//     transactions that first lock the one :Sequence node, so writers are
//     serialised like bbolt's and change numbers follow commit order.
//   - One bookmark manager is shared by every session of the process, so a
//     caller always reads its own writes, even from a follower.
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// Config says how to reach Neo4j. The zero values of the optional fields
// take the defaults given on each.
type Config struct {
	// URI of the server or cluster: bolt://host:7687 (one server),
	// neo4j://host:7687 (routing, for clusters), and their TLS forms
	// bolt+s, neo4j+s (verified certificates: Aura) and bolt+ssc,
	// neo4j+ssc (self-signed).
	URI      string
	User     string
	Password string
	// Database is the database to use; "" means the user's home database
	// (usually "neo4j"). Naming it saves a round trip per session.
	Database string
	// MaxPoolSize bounds the connections per server; 0 means 100.
	MaxPoolSize int
	// ConnectTimeout bounds opening one connection; 0 means 5 s.
	ConnectTimeout time.Duration
	// AcquireTimeout bounds the wait for a pooled connection, and so a
	// request's wait when the pool is exhausted; 0 means 60 s.
	AcquireTimeout time.Duration
	// Logger receives the driver's warnings and the store's error
	// details; nil discards them.
	Logger *slog.Logger
}

const (
	defaultMaxPoolSize    = 100
	defaultConnectTimeout = 5 * time.Second
	defaultAcquireTimeout = 60 * time.Second
	// sequenceName names the one :Sequence node of the change sequence.
	sequenceName = "changes"
	// awaitIndexesSeconds bounds the wait for index population on Open.
	awaitIndexesSeconds = 300
)

// Errors returned by Open, wrapped with details; test them with errors.Is.
var (
	// ErrConfig means the configuration cannot work (no URI, bad scheme).
	ErrConfig = errors.New("invalid Neo4j configuration")
	// ErrUnreachable means no Neo4j server answered at the URI.
	ErrUnreachable = errors.New("Neo4j is unreachable")
	// ErrUnauthorized means the server refused the user and password.
	ErrUnauthorized = errors.New("Neo4j refused the credentials")
)

// Store is the graph.Store on Neo4j. It is safe for concurrent use; one
// Store (one driver, one connection pool) serves the whole process.
type Store struct {
	driver    neo4j.DriverWithContext
	database  string
	bookmarks neo4j.BookmarkManager
	log       *slog.Logger
	// now is the clock; tests may replace it.
	now func() time.Time
	// restoreLease overrides restoreLease (the silence after which a
	// restore's marker is taken for a dead one's) in tests; 0 in use.
	restoreLease time.Duration

	closeOnce sync.Once
	closeErr  error

	// obs are told of every transaction (graph.Observable).
	obs graph.Observers
	// GroupServices implements graph.GroupStore.
	graph.GroupServices
}

var (
	_ graph.Store      = (*Store)(nil)
	_ graph.Observable = (*Store)(nil)
)

// Observe implements graph.Observable: view, viewEach and update report
// each transaction (viewEach's statements as one).
func (s *Store) Observe(o graph.Observer) { s.obs.Add(o) }

// Open connects to Neo4j, checks that the server answers and accepts the
// credentials, and creates the constraints and indexes the store needs
// (idempotently). It fails fast with ErrUnreachable or ErrUnauthorized.
func Open(ctx context.Context, c Config) (*Store, error) {
	if err := checkURI(c.URI); err != nil {
		return nil, err
	}
	logger := c.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.MaxPoolSize <= 0 {
		c.MaxPoolSize = defaultMaxPoolSize
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = defaultConnectTimeout
	}
	if c.AcquireTimeout <= 0 {
		c.AcquireTimeout = defaultAcquireTimeout
	}
	// Until the first connection works, the driver's own complaints
	// repeat what Open returns, explained: an operator gets one line.
	opening := &atomic.Bool{}
	opening.Store(true)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""), func(cfg *config.Config) {
		cfg.MaxConnectionPoolSize = c.MaxPoolSize
		cfg.SocketConnectTimeout = c.ConnectTimeout
		cfg.ConnectionAcquisitionTimeout = c.AcquireTimeout
		cfg.Log = driverLogger{logger, opening}
		cfg.UserAgent = "maillage"
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, redactURI(c.URI), err)
	}
	s := &Store{
		driver:    driver,
		database:  c.Database,
		bookmarks: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{}),
		log:       logger,
		now:       func() time.Time { return time.Now().UTC() },
	}
	s.GroupServices = newGroupServices(s)
	verifyCtx, cancel := context.WithTimeout(ctx, c.ConnectTimeout+c.AcquireTimeout)
	defer cancel()
	if err := driver.VerifyConnectivity(verifyCtx); err != nil {
		_ = driver.Close(context.Background())
		return nil, openError(c, err)
	}
	opening.Store(false)
	if err := s.setupSchema(ctx); err != nil {
		_ = driver.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// checkURI refuses what the driver would refuse later with a less clear
// message.
func checkURI(uri string) error {
	if uri == "" {
		return fmt.Errorf("%w: no URI: set --neo4j-uri (MAILLAGE_NEO4J_URI), e.g. bolt://localhost:7687", ErrConfig)
	}
	u, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("%w: URI %q does not parse", ErrConfig, redactURI(uri))
	}
	switch u.Scheme {
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
		return nil
	}
	return fmt.Errorf("%w: URI scheme %q: use bolt://, neo4j:// or their +s / +ssc forms", ErrConfig, u.Scheme)
}

// redactURI drops any user information from a URI before it is shown.
func redactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	u.User = nil
	return u.String()
}

// openError tells an operator which of the usual causes stopped Open.
func openError(c Config, err error) error {
	var n *neo4j.Neo4jError
	if errors.As(err, &n) {
		switch {
		case n.Code == "Neo.ClientError.Security.Unauthorized",
			n.Code == "Neo.ClientError.Security.AuthenticationRateLimit",
			strings.HasPrefix(n.Code, "Neo.ClientError.Security."):
			return fmt.Errorf("%w: user %q at %s (%s): check --neo4j-user and --neo4j-password (MAILLAGE_NEO4J_USER, MAILLAGE_NEO4J_PASSWORD)",
				ErrUnauthorized, c.User, redactURI(c.URI), n.Code)
		case n.Code == "Neo.ClientError.Database.DatabaseNotFound":
			return fmt.Errorf("%w: database %q does not exist at %s: create it or fix --neo4j-database",
				ErrConfig, c.Database, redactURI(c.URI))
		}
		return fmt.Errorf("%w: %s answered %s: %s", ErrUnreachable, redactURI(c.URI), n.Code, n.Msg)
	}
	var tokenExpired *neo4j.TokenExpiredError
	// The driver wraps some errors without Unwrap: fall back on the code
	// in the message.
	if errors.As(err, &tokenExpired) || strings.Contains(err.Error(), "Neo.ClientError.Security.") {
		return fmt.Errorf("%w: user %q at %s: %v", ErrUnauthorized, c.User, redactURI(c.URI), err)
	}
	return fmt.Errorf("%w: %s: %v (is the server running, and the URI's host, port and scheme right?)",
		ErrUnreachable, redactURI(c.URI), err)
}

// setupSchema creates constraints and indexes. Each schema statement runs
// in a transaction of its own, as Neo4j requires.
func (s *Store) setupSchema(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	for _, stmt := range slices.Concat(schemaStatements, migrationStatements) {
		_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			_, err := run(ctx, tx, stmt, nil)
			return nil, err
		})
		if err != nil {
			return s.schemaError(err)
		}
	}
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		_, err := run(ctx, tx, awaitIndexes, map[string]any{"timeoutSeconds": awaitIndexesSeconds})
		return nil, err
	})
	if err != nil {
		return s.schemaError(err)
	}
	return nil
}

func (s *Store) schemaError(err error) error {
	var n *neo4j.Neo4jError
	if errors.As(err, &n) && n.Code == "Neo.ClientError.Database.DatabaseNotFound" {
		return fmt.Errorf("%w: database %q does not exist: create it or fix --neo4j-database (MAILLAGE_NEO4J_DATABASE)",
			ErrConfig, s.database)
	}
	if errors.As(err, &n) && strings.HasPrefix(n.Code, "Neo.ClientError.Security.") {
		return fmt.Errorf("neo4j store: the user may not create constraints and indexes (%s): grant it, or run maillage once as a user who may: %w", n.Code, err)
	}
	if errors.As(err, &n) && strings.HasPrefix(n.Code, "Neo.ClientError.Schema.") {
		return fmt.Errorf("neo4j store: the database holds data that breaks maillage's constraints (%s: %s): %w", n.Code, n.Msg, err)
	}
	return fmt.Errorf("neo4j store: schema setup: %w", err)
}

// Health reports whether the server answers a query, for /healthz.
func (s *Store) Health(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		_, err := run(ctx, tx, ping, nil)
		return nil, err
	})
	if err != nil {
		return fmt.Errorf("neo4j store: %w", err)
	}
	return nil
}

// Close waits for in-flight work, then closes the connections.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.driver.Close(context.Background()) })
	return s.closeErr
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      mode,
		DatabaseName:    s.database,
		BookmarkManager: s.bookmarks,
	})
}

// reader is one read transaction seen by one viewer, or (tx nil, alone
// set: see viewEach) a viewer's reads that each run in a transaction of
// their own.
type reader struct {
	ctx   context.Context
	tx    neo4j.ManagedTransaction
	v     graph.Viewer
	alone *Store
}

// viewer returns the visibility parameters of every read query.
func (r *reader) viewer(params map[string]any) map[string]any {
	if params == nil {
		params = map[string]any{}
	}
	params["all"] = r.v.SeesEverything()
	params["viewer"] = r.v.ContributorID
	return params
}

func (r *reader) run(cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if r.tx == nil {
		return r.alone.runAlone(r.ctx, cypher, params)
	}
	return run(r.ctx, r.tx, cypher, params)
}

// runSingle runs a statement that must return exactly one record (single),
// named what in the error when it does not.
func (r *reader) runSingle(cypher string, params map[string]any, what string) (*neo4j.Record, error) {
	recs, err := r.run(cypher, params)
	if err != nil {
		return nil, err
	}
	return single(recs, what)
}

// writer is one write transaction. Its changes are appended to the
// sequence when the work function returns without error.
type writer struct {
	*reader
	now     time.Time
	changes []map[string]any
}

// record queues one entry of the change sequence.
func (w *writer) record(op graph.ChangeOp, kind graph.Kind, id string, rel graph.Relation, other string) {
	w.changes = append(w.changes, map[string]any{
		"op": string(op), "kind": string(kind), "id": id, "relation": string(rel), "otherId": other,
	})
}

func (w *writer) recordLink(op graph.ChangeOp, l *graph.Link) {
	w.record(op, l.FromKind, l.From, l.Relation, l.To)
}

// view runs fn in a read transaction. The driver retries transient
// failures; fn must therefore only fill variables it resets itself.
func (s *Store) view(ctx context.Context, fn func(r *reader) error) error {
	return s.viewOp(ctx, "", fn)
}

// viewOp is view reported as the store method op ("": the one on the
// call stack).
func (s *Store) viewOp(ctx context.Context, op string, fn func(r *reader) error) (err error) {
	o := s.obs.BeginOp(op)
	defer func() { o.End(ctx, err) }()
	if err := ctx.Err(); err != nil {
		return err
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	_, err = sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, fn(&reader{ctx: ctx, tx: tx, v: viewerOf(ctx)})
	})
	return s.mapError(ctx, err)
}

// viewEach is view for reads whose statements do not depend on each other
// (a list's count and page, coverage's counts and the ids its release is
// keyed on): each statement fn runs is a read transaction of its own, so
// that fn may run them at once and wait for the slower rather than their
// sum. Statements of one Neo4j transaction see each other's data at read
// committed, no more a snapshot than separate transactions give, so fn
// loses nothing by it.
func (s *Store) viewEach(ctx context.Context, fn func(r *reader) error) (err error) {
	o := s.obs.Begin()
	defer func() { o.End(ctx, err) }()
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.mapError(ctx, fn(&reader{ctx: ctx, v: viewerOf(ctx), alone: s}))
}

// runAlone runs one registered statement in a read transaction of its own
// (see viewEach), retried by the driver as view's are.
func (s *Store) runAlone(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	recs, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, err
	}
	return recs.([]*neo4j.Record), nil
}

// update runs fn in one write transaction that holds the sequence lock
// from its first statement to its commit; fn's changes commit with it.
// The driver may run fn again after a transient failure, so fn starts
// from its inputs each time.
func (s *Store) update(ctx context.Context, fn func(w *writer) error) error {
	return s.updateOp(ctx, "", fn)
}

// updateOp is update reported as the store method op ("": the one on the
// call stack).
func (s *Store) updateOp(ctx context.Context, op string, fn func(w *writer) error) (err error) {
	o := s.obs.BeginOp(op)
	defer func() { o.End(ctx, err) }()
	if err := ctx.Err(); err != nil {
		return err
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err = sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		w := &writer{reader: &reader{ctx: ctx, tx: tx, v: viewerOf(ctx)}, now: s.now()}
		if _, err := w.run(lockSequence, map[string]any{"sequence": sequenceName}); err != nil {
			return nil, err
		}
		if err := fn(w); err != nil {
			return nil, err
		}
		if len(w.changes) == 0 {
			_, err := w.run(unlockSequence, map[string]any{"sequence": sequenceName})
			return nil, err
		}
		_, err := w.run(appendChanges, map[string]any{"sequence": sequenceName, "changes": w.changes, "at": w.now})
		return nil, err
	})
	return s.mapError(ctx, err)
}

// viewerOf is graph.ViewerFrom, failing closed on one more mistake, as the
// embedded store does: a viewer without a role but with a contributor id
// is anonymous, and must not read that contributor's private documents.
func viewerOf(ctx context.Context) graph.Viewer {
	v := graph.ViewerFrom(ctx)
	if !v.SignedIn() {
		v.ContributorID = ""
	}
	return v
}

// run executes one registered statement and collects its records. It
// refuses a statement that is not in the registry, or parameters other
// than the declared ones: a mismatch is a bug, and Neo4j would otherwise
// read a missing parameter as an error only at run time, or not at all.
func run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	st, ok := byCypher[cypher]
	if !ok {
		return nil, fmt.Errorf("neo4j store: statement not in the registry: %.60q", cypher)
	}
	if err := checkParams(st, params); err != nil {
		return nil, err
	}
	p := profiler.Load()
	if p != nil {
		cypher = "PROFILE " + cypher
	}
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", st.Name, err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", st.Name, err)
	}
	if p != nil {
		sum, err := res.Consume(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", st.Name, err)
		}
		(*p)(st.Name, dbHits(sum.Profile()))
	}
	return recs, nil
}

// profiler, when set (by this package's tests only), runs every statement
// under PROFILE and is told its database hits: how a test counts the
// statements a read makes and quotes their cost without timing them on a
// loaded machine.
var profiler atomic.Pointer[func(statement string, dbHits int64)]

func dbHits(p neo4j.ProfiledPlan) int64 {
	if p == nil {
		return 0
	}
	n := p.DbHits()
	for _, c := range p.Children() {
		n += dbHits(c)
	}
	return n
}

func checkParams(st *Statement, params map[string]any) error {
	given := slices.Sorted(maps.Keys(params))
	declared := slices.Sorted(slices.Values(st.Params))
	if !slices.Equal(given, declared) {
		return fmt.Errorf("neo4j store: statement %s takes parameters %v, was given %v", st.Name, declared, given)
	}
	return nil
}

// driverLogger sends the driver's log to slog. Its errors are often
// retried and harmless, so they are warnings; debug output is dropped.
type driverLogger struct {
	l *slog.Logger
	// opening is true while Open checks the first connection: what fails
	// then is Open's error, not a log line.
	opening *atomic.Bool
}

func (d driverLogger) Error(name, id string, err error) {
	if d.opening.Load() {
		return
	}
	var domain *graph.Error
	if errors.As(err, &domain) {
		return // a refused request (NOT_FOUND, CONFLICT, …) ended the transaction: not a fault
	}
	d.l.Warn("neo4j driver", "component", name, "id", id, "err", err)
}

func (d driverLogger) Warnf(name, id string, msg string, args ...any) {
	if d.opening.Load() {
		return
	}
	d.l.Warn("neo4j driver: "+fmt.Sprintf(msg, args...), "component", name, "id", id)
}

func (d driverLogger) Infof(name, id string, msg string, args ...any) {
	d.l.Debug("neo4j driver: "+fmt.Sprintf(msg, args...), "component", name, "id", id)
}

func (d driverLogger) Debugf(string, string, string, ...any) {}
