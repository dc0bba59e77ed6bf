package explorer_test

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/encommun/maillage/api/explorer"
	"github.com/encommun/maillage/api/internal/exec"
)

// Every document the explorer sends is found, and each one is valid
// against the server's schema: a renamed field breaks this test, not the
// page in a reader's browser.
func TestDocumentsValidateAgainstTheSchema(t *testing.T) {
	docs, err := explorer.Documents()
	if err != nil {
		t.Fatal(err)
	}
	// The pages that talk to the API each contribute their documents.
	for _, name := range []string{"Dimensions", "Find", "Node", "Diff", "Neighbourhood", "Paths", "Coverage", "Network", "DocumentLive"} {
		if _, ok := docs[name]; !ok {
			t.Errorf("document %s not found among %v", name, explorer.OperationNames(docs))
		}
	}
	schema := exec.NewExecutableSchema(exec.Config{}).Schema()
	for name, doc := range docs {
		q, perr := parser.ParseQuery(&ast.Source{Name: name, Input: doc})
		if perr != nil {
			t.Errorf("%s does not parse: %v", name, perr)
			continue
		}
		if errs := validator.Validate(schema, q); len(errs) > 0 {
			t.Errorf("%s is not valid against the schema: %v", name, errs)
		}
		if len(q.Operations) != 1 || q.Operations[0].Name != name {
			t.Errorf("%s: want exactly one operation named %s", name, name)
		}
	}
}
