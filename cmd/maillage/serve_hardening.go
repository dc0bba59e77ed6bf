package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/api/explorer"
)

// hardening is what `serve` lets an operator tune of the API's abuse
// limits, CORS and persisted queries (api.Limits and friends), of the
// HTTP server's read timeouts, and where the metrics are served. Every flag
// has a MAILLAGE_* variable, like the others (applyEnv).
type hardening struct {
	limits         api.Limits
	introspection  bool
	allowList      string
	allowExplorer  bool
	corsOrigins    string
	clientIPHeader string
	live           api.LiveOptions
	// headerTimeout is http.Server.ReadHeaderTimeout.
	headerTimeout time.Duration
	// metricsAddr, when set, serves /metrics there and not on --addr.
	metricsAddr string
	// flags is set by addHardeningFlags; without it (a serveConfig made in
	// code, as the tests do) the API's defaults stand.
	flags bool
}

// addHardeningFlags registers the flags with api.DefaultLimits as their
// defaults. A limit of 0 switches that limit off.
func addHardeningFlags(fs *flag.FlagSet, h *hardening) {
	h.flags = true
	d := api.DefaultLimits
	l := &h.limits
	fs.Int64Var(&l.MaxBodyBytes, "max-body-bytes", d.MaxBodyBytes, "largest request body, in bytes")
	fs.DurationVar(&h.headerTimeout, "header-timeout", defaultHeaderTimeout, "longest a client may take to send a request's headers")
	fs.DurationVar(&l.BodyTimeout, "body-timeout", d.BodyTimeout, "longest a client may take to send a request's body, once its headers are in (408 past it)")
	fs.IntVar(&l.MaxTokens, "max-tokens", d.MaxTokens, "most lexical tokens in a GraphQL document")
	fs.IntVar(&l.MaxSelections, "max-selections", d.MaxSelections, "most selections in a document, and fields once fragments are expanded")
	fs.IntVar(&l.MaxDepth, "max-depth", d.MaxDepth, "deepest nesting of selections")
	fs.IntVar(&l.MaxAliases, "max-aliases", d.MaxAliases, "most aliased fields in a document")
	fs.IntVar(&l.MaxRootFields, "max-root-fields", d.MaxRootFields, "most top-level fields in an operation")
	fs.IntVar(&l.MaxComplexity, "max-complexity", d.MaxComplexity, "highest cost of an operation (connections cost their children × first)")
	fs.DurationVar(&l.Timeout, "timeout", d.Timeout, "longest an operation may run; store and search work is cancelled past it")
	fs.IntVar(&l.MaxConcurrent, "max-concurrent", d.MaxConcurrent, "most GraphQL requests executing at once")
	fs.DurationVar(&l.QueueWait, "queue-wait", d.QueueWait, "how long a request waits for a slot before 503")
	fs.Float64Var(&l.RatePerIP, "rate-per-ip", d.RatePerIP, "requests per second per client address (anonymous, and failed sign-ins)")
	fs.IntVar(&l.BurstPerIP, "burst-per-ip", d.BurstPerIP, "burst of requests per client address")
	fs.Float64Var(&l.RatePerToken, "rate-per-token", d.RatePerToken, "requests per second per token")
	fs.IntVar(&l.BurstPerToken, "burst-per-token", d.BurstPerToken, "burst of requests per token")
	fs.DurationVar(&l.SlowQuery, "slow-query", d.SlowQuery, "log operations slower than this at WARN, with their document")
	fs.IntVar(&l.APQCacheSize, "apq-cache", d.APQCacheSize, "automatic persisted queries kept (LRU)")
	fs.BoolVar(&h.introspection, "introspection", true, "answer __schema and __type (GraphiQL needs them)")
	fs.StringVar(&h.allowList, "allow-list", "", "persisted-query manifest: anonymous callers may run only its documents")
	fs.BoolVar(&h.allowExplorer, "allow-list-explorer", true, "with --allow-list, also allow the documents of the explorer at /explore/")
	fs.StringVar(&h.corsOrigins, "cors-origins", "", "comma-separated origins allowed to call /graphql from a browser (* for any)")
	fs.StringVar(&h.clientIPHeader, "client-ip-header", "", "header with the client address set by a trusted reverse proxy (X-Forwarded-For, X-Real-IP)")
	fs.StringVar(&h.metricsAddr, "metrics-addr", "", "serve /metrics on this address (HOST:PORT) only, not on --addr")

	lv, dl := &h.live, api.DefaultLiveOptions
	fs.IntVar(&lv.MaxSubscriptionsPerConnection, "live-max-subscriptions", dl.MaxSubscriptionsPerConnection, "most subscriptions running at once on one WebSocket")
	fs.IntVar(&lv.MaxOperationsPerConnection, "live-max-operations", dl.MaxOperationsPerConnection, "most queries and mutations executing at once on one WebSocket")
	fs.IntVar(&lv.MaxConnectionsPerAddress, "live-max-connections", dl.MaxConnectionsPerAddress, "most WebSockets open at once from one client address, and with one token")
	fs.DurationVar(&lv.PingInterval, "live-ping", dl.PingInterval, "how often the server pings a WebSocket; one silent for two intervals is closed")
	fs.DurationVar(&lv.InitTimeout, "live-init-timeout", dl.InitTimeout, "how long a new WebSocket has to send connection_init")
	fs.DurationVar(&lv.TokenCheck, "live-token-check", dl.TokenCheck, "how often an idle WebSocket reads its token again, to close it once revoked")
	fs.DurationVar(&lv.Poll, "live-poll", dl.Poll, "how often subscriptions look for writes made by other processes (imports, other replicas)")
	fs.IntVar(&lv.Buffer, "live-buffer", dl.Buffer, "changes a subscription may have waiting before it is stopped with SUBSCRIPTION_OVERFLOW")
}

// apply sets cfg from the flags: a 0 there is "off", which api.Limits
// spells negative (its 0 means "the default").
func (h hardening) apply(cfg *api.Config) error {
	if !h.flags {
		return nil
	}
	l := h.limits
	off := func(v *int) {
		if *v <= 0 {
			*v = -1
		}
	}
	off(&l.MaxTokens)
	off(&l.MaxSelections)
	off(&l.MaxDepth)
	off(&l.MaxAliases)
	off(&l.MaxRootFields)
	off(&l.MaxComplexity)
	off(&l.MaxConcurrent)
	off(&l.APQCacheSize)
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = -1
	}
	for _, d := range []*time.Duration{&l.Timeout, &l.SlowQuery, &l.BodyTimeout} {
		if *d <= 0 {
			*d = -1
		}
	}
	if h.headerTimeout < 0 {
		return usageError{Msg: "--header-timeout cannot be negative"}
	}
	if h.metricsAddr != "" {
		if err := checkListenAddr(h.metricsAddr); err != nil {
			return usageError{Msg: fmt.Sprintf("--metrics-addr %q: %v", h.metricsAddr, err)}
		}
	}
	for _, r := range []*float64{&l.RatePerIP, &l.RatePerToken} {
		if *r <= 0 {
			*r = -1
		}
	}
	if l.QueueWait < 0 {
		return usageError{Msg: "--queue-wait cannot be negative"}
	}
	if l.QueueWait == 0 {
		l.QueueWait = time.Nanosecond // no waiting at all, rather than the default
	}
	cfg.Limits = l
	live, err := h.liveOptions()
	if err != nil {
		return err
	}
	cfg.Live = live
	cfg.DisableIntrospection = !h.introspection
	cfg.ClientIPHeader = h.clientIPHeader
	for _, o := range strings.Split(h.corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, o)
		}
	}
	if h.allowList != "" {
		list, err := api.LoadAllowList(h.allowList)
		if err != nil {
			return fmt.Errorf("--allow-list: %w", err)
		}
		cfg.AllowList = list
		// The explorer served at /explore/ is a front-end of this server:
		// without its documents it works only with a token.
		if h.allowExplorer {
			docs, err := explorer.Documents()
			if err != nil {
				return fmt.Errorf("explorer documents: %w", err)
			}
			cfg.AllowList = list.With(docs)
		}
	}
	return nil
}

// liveOptions are the flags' api.LiveOptions: a limit or a period of 0 is
// off, which LiveOptions spells negative. The poll and the buffer cannot
// be off: without them subscriptions would miss writes or stop at once.
func (h hardening) liveOptions() (api.LiveOptions, error) {
	lv := h.live
	for _, v := range []*int{&lv.MaxSubscriptionsPerConnection, &lv.MaxOperationsPerConnection, &lv.MaxConnectionsPerAddress} {
		if *v <= 0 {
			*v = -1
		}
	}
	for _, d := range []*time.Duration{&lv.PingInterval, &lv.InitTimeout, &lv.TokenCheck} {
		if *d <= 0 {
			*d = -1
		}
	}
	if lv.Poll <= 0 {
		return lv, usageError{Msg: "--live-poll must be positive: it is how subscriptions see writes of other processes"}
	}
	if lv.Buffer <= 0 {
		return lv, usageError{Msg: "--live-buffer must be positive: a subscription needs room for at least one change"}
	}
	return lv, nil
}

// defaultHeaderTimeout bounds the reading of a request's headers when no
// flag says otherwise (a serveConfig made in code).
const defaultHeaderTimeout = 10 * time.Second

// readHeaderTimeout is http.Server.ReadHeaderTimeout: the flag's, 0 (off)
// included, or the default without flags.
func (h hardening) readHeaderTimeout() time.Duration {
	if !h.flags {
		return defaultHeaderTimeout
	}
	return h.headerTimeout
}

// checkListenAddr refuses, before anything is opened, an address that
// net.Listen would refuse only once the store is open: anything but
// HOST:PORT with a port number or service name.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("want HOST:PORT")
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("no such port %q", port)
	}
	return nil
}
