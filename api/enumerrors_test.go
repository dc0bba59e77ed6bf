package api_test

import (
	"strings"
	"testing"
)

// A value that is not one of an enum's, in a query literal or in a
// variable, answers with the values the enum accepts, under the code
// these errors had before (GRAPHQL_VALIDATION_FAILED for a literal,
// BAD_USER_INPUT for a variable).
func TestUnknownEnumValueListsTheValidOnes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	relations := "expected one of: AUTHORED, LINKS_TO, MENTIONS"
	for _, c := range []struct {
		name, query string
		vars        vars
		code, want  string
	}{
		{"literal in a list", `{ neighbourhood(id: "x", relations: [FOO]) { truncated } }`, nil,
			"GRAPHQL_VALIDATION_FAILED", relations},
		{"literal with a guess", `{ search(query: "x", filter: {kinds: [NOT]}) { totalCount } }`, nil,
			"GRAPHQL_VALIDATION_FAILED", `enum; expected one of: NOTE, TERM, ORGANISATION. Did you mean the enum value "NOTE"?`},
		{"string for an enum", `{ search(query: "x", sort: "NEWEST") { totalCount } }`, nil,
			"GRAPHQL_VALIDATION_FAILED", "expected one of: RELEVANCE, UPDATED_DESC, UPDATED_ASC."},
		{"variable", `query($r: Relation!) { neighbourhood(id: "x", relations: [$r]) { truncated } }`, vars{"r": "FOO"},
			"BAD_USER_INPUT", "FOO is not a valid Relation; " + relations},
		{"variable in a list", `query($r: [Relation!]) { neighbourhood(id: "x", relations: $r) { truncated } }`, vars{"r": []string{"LINKS_TO", "FOO"}},
			"BAD_USER_INPUT", relations},
		{"variable in an input object", `query($f: SearchFilter) { search(query: "x", filter: $f) { totalCount } }`, vars{"f": map[string]any{"kinds": []string{"NOT"}}},
			"BAD_USER_INPUT", "NOT is not a valid DocumentKind; expected one of: NOTE, TERM, ORGANISATION."},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.query("", c.query, c.vars)
			if r.code() != c.code {
				t.Errorf("code %q, want %q: %s", r.code(), c.code, r.Raw)
			}
			if msg := firstMessage(r); !strings.Contains(msg, c.want) {
				t.Errorf("message %q, want it to contain %q", msg, c.want)
			}
		})
	}
	// Other validation errors are left alone.
	r := e.query("", `{ nosuchfield }`, nil)
	if msg := firstMessage(r); msg == "" || strings.Contains(msg, "expected one of") {
		t.Errorf("unrelated error got a list: %q", msg)
	}
}

func firstMessage(r *response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Message
}
