package api_test

import (
	"testing"

	"github.com/encommun/maillage/graph"
)

// The server remembers what a document costs; the same document with a
// larger `first` in its variables is priced anew and refused.
func TestComplexityFollowsVariables(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "n1", Title: "Une note"}, "alice")
	const q = `query Pages($n: Int) { notes(first: $n) { nodes { backlinks(first: $n) { nodes { backlinks(first: $n) { totalCount } } } } } }`
	for range 2 {
		e.query("", q, vars{"n": 2}).ok()
	}
	e.query("", q, vars{"n": 100}).wantCode("COMPLEXITY_LIMIT_EXCEEDED")
	e.query("", q, vars{"n": 2}).ok()
}
