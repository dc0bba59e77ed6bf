package explorer

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

// graphqlLiteral matches a JavaScript template literal holding a GraphQL
// operation: the explorer writes each of its documents as one constant
// literal, with variables for everything that changes, so the text the
// browser sends is exactly the text found here.
var graphqlLiteral = regexp.MustCompile("`(\\s*(?:query|mutation|subscription)\\s[^`]*)`")

var operationName = regexp.MustCompile(`^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)`)

// Documents returns the GraphQL documents the explorer sends, by operation
// name, read from its embedded sources. A server that runs only persisted
// queries for anonymous callers adds them to its list, or the explorer
// would not work without a token.
func Documents() (map[string]string, error) {
	docs := map[string]string{}
	err := fs.WalkDir(assets, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".mjs") || strings.HasPrefix(name, "assets/vendor/") {
			return err
		}
		src, err := fs.ReadFile(assets, name)
		if err != nil {
			return err
		}
		for _, m := range graphqlLiteral.FindAllStringSubmatch(string(src), -1) {
			doc := m[1]
			if strings.Contains(doc, "${") {
				return fmt.Errorf("%s: a GraphQL document built by interpolation cannot be persisted: %.40q", name, doc)
			}
			op := operationName.FindStringSubmatch(doc)
			if op == nil {
				return fmt.Errorf("%s: a GraphQL document without an operation name: %.40q", name, doc)
			}
			if prev, dup := docs[op[1]]; dup && prev != doc {
				return fmt.Errorf("%s: two different documents named %s", name, op[1])
			}
			docs[op[1]] = doc
		}
		return nil
	})
	return docs, err
}

// OperationNames lists the names of Documents, sorted; for logs and docs.
func OperationNames(docs map[string]string) []string {
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
