package main

import (
	"flag"
	"os"
	"strconv"
	"testing"
)

// minParallel is how many of this package's parallel tests run at once
// unless -parallel says otherwise. go test's default is the number of
// cores, two here, but most of these tests wait: on a child process, on a
// server, on a Neo4j test server's lock (neo4jtest.Acquire polls for up to
// 20 minutes). With two slots, two tests waiting for a lock held back
// every other test of the package.
const minParallel = 6

func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if f := flag.Lookup("test.parallel"); f != nil && !explicit {
		if n, err := strconv.Atoi(f.Value.String()); err == nil && n < minParallel {
			_ = f.Value.Set(strconv.Itoa(minParallel))
		}
	}
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
