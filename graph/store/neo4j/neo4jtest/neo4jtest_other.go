//go:build !unix

package neo4jtest

import "testing"

// Skip is the reason a test gives when no server can be used.
const Skip = "Neo4j tests skipped: the test server lock needs a Unix system"

// Server is how to reach one test server.
type Server struct {
	URI, User, Password, Database string
}

// Acquire skips t: the lock that keeps tests apart is Unix-only.
func Acquire(t testing.TB) Server {
	t.Skip(Skip)
	return Server{}
}
