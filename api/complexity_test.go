package api

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/encommun/maillage/api/internal/exec"
)

// Every field that pages with `first` must cost its children once per
// item it may return: gqlgen's default cost (1 + children) would let a
// client nest pages of 100 under pages of 100 for the price of one.
func TestEveryPagedFieldHasACost(t *testing.T) {
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
