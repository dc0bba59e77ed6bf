package api

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/encommun/maillage/api/internal/exec"
	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// complexity makes every connection cost its children once per item it may
// return. `first` is clamped to graph.MaxFirst here: an out-of-range value
// is refused by the resolver with BAD_USER_INPUT, not by the complexity
// limit.
func complexity() exec.ComplexityRoot {
	var c exec.ComplexityRoot
	docs := func(child int, _ *model.DocumentFilterInput, _ *model.DocumentOrder, first *int, after *string) int {
		return pagedCost(child, first, after)
	}

	c.Query.Notes = docs
	c.Query.Terms = docs
	c.Query.Organisations = docs
	c.Query.Documents = docs
	c.Query.Contributors = pagedCost
	c.Query.Carnets = pagedCost
	c.Query.Communities = pagedCost
	c.Query.KnowledgeBases = pagedCost
	c.Query.Nodes = func(child int, ids []string) int { return 1 + child*max(len(ids), 1) }

	c.Note.Revisions = pagedCost
	c.Note.Links = pagedCost
	c.Note.Backlinks = pagedCost
	c.Term.Revisions = pagedCost
	c.Term.MentionedBy = pagedCost
	c.Organisation.Revisions = pagedCost
	c.Organisation.ConcernedBy = pagedCost
	c.Organisation.Affiliates = pagedCost
	discussionComplexity(&c)
	c.Contributor.Documents = pagedCost
	c.Carnet.Documents = func(child int, _ *string, first *int, after *string) int { return pagedCost(child, first, after) }
	c.Community.Members = pagedCost
	c.Community.Documents = pagedCost
	// Search pages like every list (graph.MaxFirst); its hits cost their
	// selection (highlights, node) once each.
	c.Query.Search = func(child int, _ string, _ *model.SearchFilter, _ *model.SearchSort, first *int, after *string, _ *int) int {
		return pagedCost(child, first, after)
	}
	curatorComplexity(&c)
	c.Query.Tokens = pagedCost
	return c
}

// perPage is how many items a list asked for `first` may return: def
// when first is absent, at least one (the selection is priced even for
// first: 0), at most the list's cap.
func perPage(first *int, def, most int) int {
	if first == nil {
		return def
	}
	return min(max(*first, 1), most)
}

// pagedCost prices a connection: its children once per item it may return.
func pagedCost(child int, first *int, _ *string) int {
	return 1 + child*perPage(first, graph.DefaultFirst, graph.MaxFirst)
}

// complexityLimit refuses operations that cost more than limit, as gqlgen's
// extension.FixedComplexityLimit does (same name, error, code and stats),
// but remembers each operation's cost: walking the document through the
// generated Complexity costs a few allocations per field, on every request,
// for a figure that depends only on the document and on the values of the
// few variables a cost function reads (`first: $n`), not on the others
// (`node(id: $id)`).
type complexityLimit struct {
	limit  int
	es     graphql.ExecutableSchema
	costly map[string]bool // names of the fields with a cost function

	mu    sync.Mutex
	costs map[*ast.OperationDefinition]*opCosts
}

// opCosts is one operation's cost for each set of values of the variables
// its cost functions read.
type opCosts struct {
	vars   []string // the variables that are arguments of costly fields
	byVars map[string]int
}

// Bounds of the cache: documents come and go with the query cache, and a
// client that varies `first` only refills its own entry.
const (
	maxCostedOperations  = 1000
	maxCostsPerOperation = 100
)

func newComplexityLimit(limit int) *complexityLimit {
	return &complexityLimit{limit: limit, costly: costlyFields(complexity()), costs: map[*ast.OperationDefinition]*opCosts{}}
}

// costlyFields lists the GraphQL fields that have a cost function in c,
// by the names gqlgen gives them in exec.ComplexityRoot.
func costlyFields(c exec.ComplexityRoot) map[string]bool {
	schema := exec.NewExecutableSchema(exec.Config{}).Schema()
	root := reflect.ValueOf(c)
	out := map[string]bool{}
	for _, typ := range schema.Types {
		obj := root.FieldByName(typ.Name)
		if !obj.IsValid() || obj.Kind() != reflect.Struct {
			continue
		}
		for _, f := range typ.Fields {
			if fn := obj.FieldByName(goFieldName(f.Name)); fn.IsValid() && fn.Kind() == reflect.Func && !fn.IsNil() {
				out[f.Name] = true
			}
		}
	}
	return out
}

func goFieldName(gql string) string { return strings.ToUpper(gql[:1]) + gql[1:] }

var _ interface {
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = &complexityLimit{}

func (*complexityLimit) ExtensionName() string { return "ComplexityLimit" }

func (c *complexityLimit) Validate(schema graphql.ExecutableSchema) error {
	c.es = schema
	return nil
}

func (c *complexityLimit) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Doc.Operations.ForName(opCtx.OperationName)
	cost := c.cost(ctx, op, opCtx.Variables)
	opCtx.Stats.SetExtension(c.ExtensionName(), &extension.ComplexityStats{Complexity: cost, ComplexityLimit: c.limit})
	if cost > c.limit {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", cost, c.limit)
		errcode.Set(err, request.CodeComplexityLimit)
		return err
	}
	return nil
}

func (c *complexityLimit) cost(ctx context.Context, op *ast.OperationDefinition, vars map[string]any) int {
	c.mu.Lock()
	oc := c.costs[op]
	if oc == nil {
		if len(c.costs) >= maxCostedOperations {
			clear(c.costs)
		}
		oc = &opCosts{vars: costVariables(op.SelectionSet, c.costly, nil), byVars: map[string]int{}}
		c.costs[op] = oc
	}
	c.mu.Unlock()

	key, ok := variablesKey(oc.vars, vars)
	if !ok {
		return complexityOf(ctx, c.es, op, vars) // unencodable: not cached
	}
	c.mu.Lock()
	cost, ok := oc.byVars[key]
	c.mu.Unlock()
	if ok {
		return cost
	}
	cost = complexityOf(ctx, c.es, op, vars)
	c.mu.Lock()
	if len(oc.byVars) >= maxCostsPerOperation {
		clear(oc.byVars)
	}
	oc.byVars[key] = cost
	c.mu.Unlock()
	return cost
}

func complexityOf(ctx context.Context, es graphql.ExecutableSchema, op *ast.OperationDefinition, vars map[string]any) int {
	return gqlcomplexity.Calculate(ctx, es, op, vars)
}

// costVariables adds to into the variables used in the arguments of the
// costly fields of set, fragments included, as gqlgen's walk reads them.
func costVariables(set ast.SelectionSet, costly map[string]bool, into []string) []string {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if costly[s.Name] {
				for _, a := range s.Arguments {
					into = valueVariables(a.Value, into)
				}
			}
			into = costVariables(s.SelectionSet, costly, into)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				into = costVariables(s.Definition.SelectionSet, costly, into)
			}
		case *ast.InlineFragment:
			into = costVariables(s.SelectionSet, costly, into)
		}
	}
	return into
}

func valueVariables(v *ast.Value, into []string) []string {
	if v == nil {
		return into
	}
	if v.Kind == ast.Variable && !slices.Contains(into, v.Raw) {
		into = append(into, v.Raw)
	}
	for _, ch := range v.Children {
		into = valueVariables(ch.Value, into)
	}
	return into
}

// variablesKey encodes the values of names in vars; a missing variable
// and a null one are told apart, since a default may apply to the first.
func variablesKey(names []string, vars map[string]any) (string, bool) {
	if len(names) == 0 {
		return "", true
	}
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		v, ok := vars[n]
		if !ok {
			b.WriteString("!;")
			continue
		}
		j, err := json.Marshal(v)
		if err != nil {
			return "", false
		}
		b.WriteByte('=')
		b.Write(j)
		b.WriteByte(';')
	}
	return b.String(), true
}
