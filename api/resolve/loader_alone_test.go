package resolve

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"

	"github.com/encommun/maillage/api/internal/exec"
)

// Only a query's one root field, written as a field, resolves alone; its
// context is built as gqlgen builds it (checked against a real request
// when this was written: the root field's one parent is Query's).
func TestOnlyRootField(t *testing.T) {
	t.Parallel()
	schema := exec.NewExecutableSchema(exec.Config{}).Schema()
	for _, tc := range []struct {
		query  string
		nested bool
		want   bool
	}{
		{`{ node(id: "x") { id } }`, false, true},
		{`query($id: ID!) { node(id: $id) { id ... on Note { title } } }`, false, true},
		{`{ a: node(id: "x") { id } b: node(id: "y") { id } }`, false, false},
		{`{ node(id: "x") { id } viewer { id } }`, false, false},
		{`{ ...F } fragment F on Query { node(id: "x") { id } }`, false, false},
		{`{ node(id: "x") { id } }`, true, false},
	} {
		doc, errs := gqlparser.LoadQuery(schema, tc.query)
		if errs != nil {
			t.Fatal(errs)
		}
		ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{Operation: doc.Operations[0]})
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query"})
		if tc.nested {
			ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query"})
		}
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query"})
		if got := onlyRootField(ctx); got != tc.want {
			t.Errorf("%s (nested %v): alone %v, want %v", tc.query, tc.nested, got, tc.want)
		}
	}
}

// A lone caller fetches its batch at once; it joins a batch someone else
// opened rather than fetching a key twice.
func TestLoaderLoadAlone(t *testing.T) {
	t.Parallel()
	f := &recordingFetch{}
	l := &loader[string, string]{fetch: f.fetch}
	ctx := context.Background()
	if v, err := l.loadAlone(ctx, "a"); v != "v:a" || err != nil {
		t.Fatalf("got %q, %v", v, err)
	}
	if v, _ := l.loadAlone(ctx, "a"); v != "v:a" || len(f.batches) != 1 {
		t.Errorf("cached key: %q after %d fetches", v, len(f.batches))
	}
	th := l.LoadThunk(ctx, "b") // opens a batch fetched once no key comes for loaderQuiet
	if v, _ := l.loadAlone(ctx, "c"); v != "v:c" {
		t.Errorf("got %q", v)
	}
	if v, _ := th(); v != "v:b" {
		t.Errorf("got %q", v)
	}
	if len(f.batches) != 2 || len(f.batches[1]) != 2 {
		t.Errorf("batches %v, want [a] [b c]", f.batches)
	}
}
