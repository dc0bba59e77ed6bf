package neo4j

import (
	"flag"
	"os"
	"testing"
	"time"
)

// minTimeout is the least time this package's tests get. Against a real
// Neo4j the conformance suite is thousands of round trips to a JVM that
// shares two cores with the rest of `go test ./...`: on a loaded machine it
// has needed more than go test's default ten minutes, and a timeout there
// would say nothing about the store.
const minTimeout = 25 * time.Minute

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.timeout"); f != nil {
		if d, err := time.ParseDuration(f.Value.String()); err == nil && d > 0 && d < minTimeout {
			_ = f.Value.Set(minTimeout.String())
		}
	}
	os.Exit(m.Run())
}
