package neo4j

import (
	"flag"
	"os"
	"strconv"
	"testing"
	"time"
)

// minTimeout is the least time this package's tests get. Against a real
// Neo4j the conformance suite is thousands of round trips to a JVM that
// shares two cores with the rest of `go test ./...`: on a loaded machine it
// has needed more than go test's default ten minutes, and a timeout there
// would say nothing about the store. This only moves the test binary's own
// alarm: the go command still kills the binary at its -timeout plus a
// minute, which is why .ci/run passes -timeout through GOFLAGS.
const minTimeout = 25 * time.Minute

// minParallel is how many of this package's parallel tests run at once
// unless -parallel says otherwise. go test's default is the number of
// cores, two here, but these tests mostly wait: on Neo4j, on a server lock
// (neo4jtest), on the Node process of the Cypher lint. With two slots, the
// two lint tests waiting for Node held both for minutes while every
// conformance group, each with a server to use, waited for a slot.
const minParallel = 8

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.timeout"); f != nil {
		if d, err := time.ParseDuration(f.Value.String()); err == nil && d > 0 && d < minTimeout {
			_ = f.Value.Set(minTimeout.String())
		}
	}
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if f := flag.Lookup("test.parallel"); f != nil && !explicit {
		if n, err := strconv.Atoi(f.Value.String()); err == nil && n < minParallel {
			_ = f.Value.Set(strconv.Itoa(minParallel))
		}
	}
	os.Exit(m.Run())
}
