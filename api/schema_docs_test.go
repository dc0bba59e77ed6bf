package api_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/encommun/maillage/api/internal/exec"
)

// loadSchemaFiles parses schema/*.graphqls, the files gqlgen.yml names, so the
// check reads what clients will see in introspection.
func loadSchemaFiles(t *testing.T) *ast.Schema {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "schema", "*.graphqls"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("schema files: %v (%d found)", err, len(paths))
	}
	var sources []*ast.Source
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: filepath.Base(p), Input: string(b)})
	}
	s, gerr := gqlparser.LoadSchema(sources...)
	if gerr != nil {
		t.Fatalf("schema: %v", gerr)
	}
	return s
}

// undescribed lists every type, field, enum value and input field of a
// schema that has no description (and every argument, withArgs), and counts
// what it looked at.
func undescribed(s *ast.Schema, withArgs bool) (missing []string, total int) {
	check := func(name, desc string, pos *ast.Position) {
		total++
		if strings.TrimSpace(desc) == "" {
			if pos != nil && pos.Src != nil {
				name += fmt.Sprintf(" (%s:%d)", pos.Src.Name, pos.Line)
			}
			missing = append(missing, name)
		}
	}
	for name, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		switch name { // GraphQL's own scalars
		case "String", "Int", "Float", "Boolean", "ID":
			continue
		}
		check(name, def.Description, def.Position)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			check(name+"."+f.Name, f.Description, f.Position)
			if withArgs {
				for _, a := range f.Arguments {
					check(name+"."+f.Name+"("+a.Name+":)", a.Description, a.Position)
				}
			}
		}
		for _, v := range def.EnumValues {
			check(name+"."+v.Name, v.Description, v.Position)
		}
	}
	sort.Strings(missing)
	return missing, total
}

// Every type, field, argument, enum value and input field of schema/*.graphqls has a
// description, and so has the schema the server runs (the generated code):
// a description added to the files but not generated would not reach
// introspection.
func TestSchemaEverythingDescribed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		schema *ast.Schema
	}{
		{"schema/*.graphqls", loadSchemaFiles(t)},
		{"generated (run go generate ./api)", exec.NewExecutableSchema(exec.Config{}).Schema()},
	} {
		missing, total := undescribed(c.schema, true)
		for _, m := range missing {
			t.Errorf("%s: no description: %s", c.name, m)
		}
		if len(missing) > 0 {
			t.Logf("%s: %d of %d described", c.name, total-len(missing), total)
		}
	}
}
