package request

import (
	"regexp"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/encommun/maillage/api/internal/exec"
)

// The messages gqlparser gives a value that is not one of an enum's: in a
// query literal (validation) and in a variable (coercion). Each names the
// enum type, the only thing withEnumValues needs.
var enumMessages = []*regexp.Regexp{
	regexp.MustCompile(`^Value ".*" does not exist in "\[*([_A-Za-z][_0-9A-Za-z]*)[\]!]*" enum\.`),
	regexp.MustCompile(`^Enum "\[*([_A-Za-z][_0-9A-Za-z]*)[\]!]*" cannot represent non-enum value: `),
	regexp.MustCompile(`(?s)^.* is not a valid ([_A-Za-z][_0-9A-Za-z]*)$`),
}

// enumValues lists each enum of the schema's values, deprecated ones left
// out, in schema order: what a caller may send.
var enumValues = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for name, def := range exec.NewExecutableSchema(exec.Config{}).Schema().Types {
		if def.Kind != ast.Enum {
			continue
		}
		var vs []string
		for _, v := range def.EnumValues {
			if v.Directives.ForName("deprecated") == nil {
				vs = append(vs, v.Name)
			}
		}
		out[name] = strings.Join(vs, ", ")
	}
	return out
})

// withEnumValues completes the message of an unknown enum value with the
// values that would have been accepted: gqlparser names the enum and, at
// best, one close value, and a caller should not need introspection to
// learn the rest. Other messages come back as they are.
func withEnumValues(msg string) string {
	for _, re := range enumMessages {
		m := re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		values, ok := enumValues()[m[1]]
		if !ok {
			return msg
		}
		// gqlparser may end with a guess ("Did you mean the enum value
		// …?"): the list goes before it, after the statement it completes.
		head, guess := msg, ""
		if i := strings.LastIndex(msg, " Did you mean "); i >= 0 {
			head, guess = msg[:i], msg[i:]
		}
		return strings.TrimSuffix(head, ".") + "; expected one of: " + values + "." + guess
	}
	return msg
}
