package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/encommun/maillage/api/internal/request"
)

// Limits bounds what one request, and one client, may ask of the server.
// A zero field takes its default (DefaultLimits); a negative one switches
// that limit off (for tests and trusted deployments only).
type Limits struct {
	// MaxBodyBytes bounds a POST body, variables included (413 past it).
	MaxBodyBytes int64
	// BodyTimeout bounds the time a client has to send its body, counted
	// from when its headers are in (408 past it). The body is read whole
	// before the request takes a slot of MaxConcurrent: a client that
	// trickles its body holds a goroutine and the bytes it sent, never a
	// slot others wait for.
	BodyTimeout time.Duration
	// MaxTokens bounds the lexical tokens of a document: the parser stops
	// there, before any validation work.
	MaxTokens int
	// MaxSelections bounds the fields, fragment spreads and inline
	// fragments written in a document, and the fields of each operation
	// with its fragments expanded. Validation (overlapping fields) is
	// quadratic in repeated fields (5 000 copies of one field cost
	// seconds), and gqlgen's complexity count walks fragments without
	// memo (40 fragments each spreading the next twice: 2^40 steps).
	MaxSelections int
	// MaxDepth bounds how deeply selection sets nest, fragments expanded.
	MaxDepth int
	// MaxAliases bounds the aliased fields of a document (alias bombs).
	MaxAliases int
	// MaxRootFields bounds the top-level fields of the operation, fragments
	// expanded.
	MaxRootFields int
	// MaxComplexity bounds the cost of an operation; connections cost
	// their children once per item `first` may return.
	MaxComplexity int
	// Timeout bounds one operation; the context it cancels stops store and
	// search work.
	Timeout time.Duration
	// MaxConcurrent bounds the GraphQL requests executing at once; others
	// wait up to QueueWait for a slot, then get 503 with Retry-After.
	MaxConcurrent int
	QueueWait     time.Duration
	// RatePerIP is the sustained requests per second of one client address
	// (anonymous requests, and failed authentications), with bursts of
	// BurstPerIP. RatePerToken and BurstPerToken are the same for each
	// token. Past them: 429 with Retry-After.
	RatePerIP     float64
	BurstPerIP    int
	RatePerToken  float64
	BurstPerToken int
	// SlowQuery is the duration past which an operation is logged at WARN
	// with its query text.
	SlowQuery time.Duration
	// APQCacheSize is the number of automatic persisted queries kept (LRU).
	APQCacheSize int
	// MaxUploadBytes bounds a multipart request (a media upload: the
	// operation, the file and its captions) in place of MaxBodyBytes: a
	// declared length past it is refused before a byte is read, a longer
	// body is cut there. UploadTimeout is its BodyTimeout.
	MaxUploadBytes int64
	UploadTimeout  time.Duration
}

// DefaultLimits are sized for front-ends on the open internet: generous
// for real pages (a note with authors, backlinks and terms is depth 6,
// some 60 selections), far below what hurts a 2-core server.
var DefaultLimits = Limits{
	MaxBodyBytes:  1 << 20,
	BodyTimeout:   10 * time.Second,
	MaxTokens:     15_000,
	MaxSelections: 1_000,
	MaxDepth:      15,
	MaxAliases:    30,
	MaxRootFields: 20,
	MaxComplexity: 50_000,
	Timeout:       15 * time.Second,
	MaxConcurrent: 64,
	QueueWait:     2 * time.Second,
	RatePerIP:     20,
	BurstPerIP:    60,
	RatePerToken:  50,
	BurstPerToken: 200,
	SlowQuery:     time.Second,
	APQCacheSize:  1_000,
	// The largest per-format limit (DefaultMediaLimits) and room for the
	// operation and captions.
	MaxUploadBytes: 512<<20 + 8<<20,
	UploadTimeout:  10 * time.Minute,
}

// withDefaults returns l with every zero field set from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	set := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.MaxUploadBytes == 0 {
		l.MaxUploadBytes = d.MaxUploadBytes
	}
	if l.UploadTimeout == 0 {
		l.UploadTimeout = d.UploadTimeout
	}
	set(&l.MaxTokens, d.MaxTokens)
	set(&l.MaxSelections, d.MaxSelections)
	set(&l.MaxDepth, d.MaxDepth)
	set(&l.MaxAliases, d.MaxAliases)
	set(&l.MaxRootFields, d.MaxRootFields)
	set(&l.MaxComplexity, d.MaxComplexity)
	set(&l.MaxConcurrent, d.MaxConcurrent)
	set(&l.BurstPerIP, d.BurstPerIP)
	set(&l.BurstPerToken, d.BurstPerToken)
	set(&l.APQCacheSize, d.APQCacheSize)
	for _, p := range []struct{ v, def *time.Duration }{
		{&l.Timeout, &d.Timeout}, {&l.QueueWait, &d.QueueWait}, {&l.SlowQuery, &d.SlowQuery}, {&l.BodyTimeout, &d.BodyTimeout},
	} {
		if *p.v == 0 {
			*p.v = *p.def
		}
	}
	if l.RatePerIP == 0 {
		l.RatePerIP = d.RatePerIP
	}
	if l.RatePerToken == 0 {
		l.RatePerToken = d.RatePerToken
	}
	return l
}

// shapeLimits checks the shape of a document before gqlgen validates it:
// size, depth, aliases, root fields, introspection. It parses the document
// itself (linear, with the token limit), because the validator's cost is
// what it protects; a document already in the validated-query cache
// passed these checks before and is not parsed again.
type shapeLimits struct {
	limits        Limits
	introspection bool
	cache         graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = shapeLimits{}

func (shapeLimits) ExtensionName() string                   { return "ShapeLimits" }
func (shapeLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (s shapeLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil // gqlgen answers "no operation provided"
	}
	if s.cache != nil {
		if _, ok := s.cache.Get(ctx, p.Query); ok {
			return nil
		}
	}
	tokens := 0
	if request.On(s.limits.MaxTokens) {
		tokens = s.limits.MaxTokens
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, tokens)
	if err != nil {
		// Reported here with gqlgen's code, rather than parsed twice.
		var gqlErr *gqlerror.Error
		if !errors.As(err, &gqlErr) {
			gqlErr = gqlerror.Errorf("%s", err)
		}
		errcode.Set(gqlErr, request.CodeGraphQLParseFailed)
		return gqlErr
	}
	return s.check(doc)
}

func (s shapeLimits) check(doc *ast.QueryDocument) *gqlerror.Error {
	l := s.limits
	sel, aliases := 0, 0
	var count func(ast.SelectionSet)
	count = func(set ast.SelectionSet) {
		for _, x := range set {
			sel++
			switch x := x.(type) {
			case *ast.Field:
				if x.Alias != "" && x.Alias != x.Name {
					aliases++
				}
				count(x.SelectionSet)
			case *ast.InlineFragment:
				count(x.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		count(f.SelectionSet)
	}
	if request.On(l.MaxSelections) && sel > l.MaxSelections {
		return request.Errorf(request.CodeSelectionLimit, "the document has %d selections; at most %d are allowed", sel, l.MaxSelections)
	}
	if request.On(l.MaxAliases) && aliases > l.MaxAliases {
		return request.Errorf(request.CodeAliasLimit, "the document has %d aliases; at most %d are allowed", aliases, l.MaxAliases)
	}

	w := &shapeWalker{fragments: map[string]*ast.FragmentDefinition{}, memo: map[string]fragmentShape{}}
	for _, f := range doc.Fragments {
		w.fragments[f.Name] = f
	}
	for _, op := range doc.Operations {
		sh := w.set(op.SelectionSet)
		if w.cycle != "" {
			return request.Errorf(request.CodeGraphQLInvalidQuery, "fragment %s spreads itself", w.cycle)
		}
		if request.On(l.MaxDepth) && sh.depth > l.MaxDepth {
			return request.Errorf(request.CodeDepthLimit, "%s is %d levels deep; at most %d are allowed", opLabel(op), sh.depth, l.MaxDepth)
		}
		if request.On(l.MaxSelections) && sh.expanded > l.MaxSelections {
			return request.Errorf(request.CodeSelectionLimit, "%s selects %s fields once its fragments are expanded; at most %d are allowed",
				opLabel(op), expandedCount(sh.expanded), l.MaxSelections)
		}
		if request.On(l.MaxRootFields) && sh.fields > l.MaxRootFields {
			return request.Errorf(request.CodeRootFieldLimit, "%s has %d root fields; at most %d are allowed", opLabel(op), sh.fields, l.MaxRootFields)
		}
		if !s.introspection {
			if name := w.introspects(op.SelectionSet); name != "" {
				return request.Errorf(request.CodeIntrospection, "introspection is disabled on this server (%s)", name)
			}
		}
	}
	return nil
}

func opLabel(op *ast.OperationDefinition) string {
	if op.Name != "" {
		return fmt.Sprintf("operation %s", op.Name)
	}
	return "the operation"
}

// fragmentShape is what a selection set contributes: its depth, the
// fields it selects at its own level, and all the fields below it with
// fragments expanded (saturating at maxExpanded: it grows exponentially
// with nested spreads).
type fragmentShape struct{ depth, fields, expanded int }

const maxExpanded = 1 << 40

func expandedCount(n int) string {
	if n >= maxExpanded {
		return "over a trillion"
	}
	return fmt.Sprint(n)
}

func addSat(a, b int) int { return min(a+b, maxExpanded) }

// shapeWalker measures selection sets with fragments expanded, each
// fragment once (memo): a fragment spread twice in each of n nested
// fragments costs n steps, not 2^n. Cycles are not yet rejected (the
// validator does that later), so it detects them itself.
type shapeWalker struct {
	fragments map[string]*ast.FragmentDefinition
	memo      map[string]fragmentShape
	visiting  map[string]bool
	cycle     string
}

func (w *shapeWalker) set(set ast.SelectionSet) fragmentShape {
	var out fragmentShape
	for _, x := range set {
		var sh fragmentShape
		switch x := x.(type) {
		case *ast.Field:
			// A leaf is one level deep; a field with a selection, one more
			// than its deepest child.
			child := w.set(x.SelectionSet)
			out.fields++
			out.depth = max(out.depth, child.depth+1)
			out.expanded = addSat(out.expanded, addSat(1, child.expanded))
			continue
		case *ast.InlineFragment:
			sh = w.set(x.SelectionSet)
		case *ast.FragmentSpread:
			sh = w.spread(x.Name)
		}
		out.depth = max(out.depth, sh.depth)
		out.fields += sh.fields
		out.expanded = addSat(out.expanded, sh.expanded)
	}
	return out
}

func (w *shapeWalker) spread(name string) fragmentShape {
	if sh, ok := w.memo[name]; ok {
		return sh
	}
	f := w.fragments[name]
	if f == nil {
		return fragmentShape{} // unknown fragment: the validator reports it
	}
	if w.visiting == nil {
		w.visiting = map[string]bool{}
	}
	if w.visiting[name] {
		if w.cycle == "" {
			w.cycle = name
		}
		return fragmentShape{}
	}
	w.visiting[name] = true
	sh := w.set(f.SelectionSet)
	delete(w.visiting, name)
	w.memo[name] = sh
	return sh
}

// introspects returns the first introspection field (__schema, __type)
// the operation selects at its root, fragments expanded, or "".
// __typename stays allowed: clients rely on it.
func (w *shapeWalker) introspects(set ast.SelectionSet) string {
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) string
	walk = func(set ast.SelectionSet) string {
		for _, x := range set {
			switch x := x.(type) {
			case *ast.Field:
				if x.Name == "__schema" || x.Name == "__type" {
					return x.Name
				}
			case *ast.InlineFragment:
				if n := walk(x.SelectionSet); n != "" {
					return n
				}
			case *ast.FragmentSpread:
				if f := w.fragments[x.Name]; f != nil && !seen[x.Name] {
					seen[x.Name] = true
					if n := walk(f.SelectionSet); n != "" {
						return n
					}
				}
			}
		}
		return ""
	}
	return walk(set)
}
