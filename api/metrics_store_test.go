package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"testing"

	"github.com/encommun/maillage/graph"
)

// Every method of graph.Store has its own timing wrapper on
// instrumentedStore: one promoted from the embedded store would run
// untimed, missing from maillage_store_call_duration_seconds.
func TestEveryStoreCallIsTimed(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "metrics.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	wrapped := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 {
			continue
		}
		if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok && id.Name == "instrumentedStore" {
			wrapped[fn.Name.Name] = true
		}
	}
	store := reflect.TypeFor[graph.Store]()
	for i := range store.NumMethod() {
		name := store.Method(i).Name
		if name != "Close" && !wrapped[name] {
			t.Errorf("instrumentedStore does not time %s: add its wrapper in metrics.go", name)
		}
	}
}
