package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/encommun/maillage/api/internal/exec"
)

// Every field that pages with `first` must cost its children once per
// item it may return: gqlgen's default cost (1 + children) would let a
// client nest pages of 100 under pages of 100 for the price of one.
func TestEveryPagedFieldHasACost(t *testing.T) {
	t.Parallel()
	schema := exec.NewExecutableSchema(exec.Config{}).Schema()
	root := reflect.ValueOf(complexity())
	checked := 0
	for _, typ := range schema.Types {
		// Interfaces have no costs of their own: gqlgen prices the
		// concrete type's field.
		if strings.HasPrefix(typ.Name, "__") || typ.Kind != ast.Object {
			continue
		}
		for _, f := range typ.Fields {
			if f.Arguments.ForName("first") == nil {
				continue
			}
			checked++
			obj := root.FieldByName(typ.Name)
			if !obj.IsValid() {
				t.Errorf("%s has no complexity functions", typ.Name)
				continue
			}
			fn := obj.FieldByName(strings.ToUpper(f.Name[:1]) + f.Name[1:])
			if !fn.IsValid() || fn.IsNil() {
				t.Errorf("%s.%s takes first but has no cost function in complexity()", typ.Name, f.Name)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d paged fields found: is the schema loaded?", checked)
	}
}

// The cost the handler remembers is gqlgen's own, and it is remembered per
// value of the variables a cost function reads: `first: $n` must not be
// priced once for every n.
func TestComplexityLimitRemembersTheRightCost(t *testing.T) {
	t.Parallel()
	es := exec.NewExecutableSchema(exec.Config{Complexity: complexity()})
	c := newComplexityLimit(1000)
	if err := c.Validate(es); err != nil {
		t.Fatal(err)
	}
	n := func(v int64) any { return json.Number(strconv.FormatInt(v, 10)) }
	for _, tc := range []struct {
		name, query string
		vars        []string // variables the cost depends on
		values      []map[string]any
	}{
		{"node by id", `query Q($id: ID!) { node(id: $id) { id ... on Note { title backlinks(first: 10) { totalCount edges { node { id } } } } } }`,
			nil, []map[string]any{{"id": "a"}, {"id": "b"}}},
		{"first in a variable", `query Q($n: Int, $m: Int) { notes(first: $n) { nodes { title backlinks(first: $m) { totalCount } } } }`,
			[]string{"n", "m"}, []map[string]any{{"n": n(1), "m": n(1)}, {"n": n(100), "m": n(100)}, {"n": n(1), "m": n(100)}, {"n": nil}, {}}},
		{"in a fragment", `query Q($n: Int) { notes(first: 2) { nodes { ...F } } } fragment F on Note { links(first: $n) { totalCount } }`,
			[]string{"n"}, []map[string]any{{"n": n(3)}, {"n": n(50)}}},
		{"in an input object", `query Q($n: [ID!]!) { nodes(ids: $n) { id } }`,
			[]string{"n"}, []map[string]any{{"n": []any{"a"}}, {"n": []any{"a", "b", "c"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(es.Schema(), tc.query)
			if errs != nil {
				t.Fatal(errs)
			}
			op := doc.Operations[0]
			if got := costVariables(op.SelectionSet, c.costly, nil); !slices.Equal(got, tc.vars) {
				t.Errorf("cost variables %v, want %v", got, tc.vars)
			}
			costs := map[int]bool{}
			for range 2 { // computed, then remembered
				for _, v := range tc.values {
					want := gqlcomplexity.Calculate(t.Context(), es, op, v)
					if got := c.cost(t.Context(), op, v); got != want {
						t.Errorf("cost with %v: %d, want %d", v, got, want)
					}
					costs[want] = true
				}
			}
			if len(tc.vars) > 0 && len(costs) < 2 {
				t.Errorf("the variables change nothing (%v): the case tests nothing", costs)
			}
		})
	}
}

// Every cost function in complexity() is found by the name the cache
// looks fields up by; one it missed would be priced once for all values.
func TestCostlyFieldsCoverEveryCostFunction(t *testing.T) {
	t.Parallel()
	costly := costlyFields(complexity())
	root := reflect.ValueOf(complexity())
	for i := range root.NumField() {
		typ := root.Field(i)
		for j := range typ.NumField() {
			if fn := typ.Field(j); fn.Kind() == reflect.Func && !fn.IsNil() {
				name := root.Type().Field(i).Type.Field(j).Name
				if !costly[strings.ToLower(name[:1])+name[1:]] {
					t.Errorf("%s.%s has a cost function the cache does not see", root.Type().Field(i).Name, name)
				}
			}
		}
	}
	if len(costly) < 10 {
		t.Fatalf("only %d costly fields", len(costly))
	}
}
