// Command maillage-bench is maillage's load generator, a binary of its own
// so that the server links none of its tooling:
//
//	go run ./cmd/maillage-bench [--notes N] [--store neo4j --neo4j-uri URI …]
//	go run ./cmd/maillage-bench http [--docs N] [--concurrency C] [--duration D] [--mix …] [--store neo4j …]
//	go run ./cmd/maillage-bench search [--docs N] [--neo4j-uri URI …]
//	go run ./cmd/maillage-bench eval [--manpages DIR | --sample]
//
// Every flag can also be set through a MAILLAGE_* variable, as with
// maillage; a flag given on the command line wins.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
)

const usage = `maillage-bench — measures maillage

Usage:
  maillage-bench [--notes N] [--queries N] [--data DIR]   the store over HTTP: writes, node(id), a 50-note page
  maillage-bench --store neo4j --neo4j-uri URI [--notes N | --demo | --dump FILE]   Neo4j against the embedded store, side by side
  maillage-bench http [--docs N] [--concurrency C] [--duration D] [--mix search=70,note=20,mutate=10] [--only OP] [--data DIR]
                 [--store neo4j --neo4j-uri URI …]   a real server under mixed load; with neo4j, both stores side by side
  maillage-bench search [--docs N] [--queries N] [--data DIR] [--neo4j-uri URI [--neo4j-pid PID]]
                 the search index alone beside raw Bleve and Neo4j's full-text index; cold and Zipf streams
  maillage-bench eval [--manpages DIR | --sample]   known-item evaluation (MRR@10, recall@10) on French man pages

` + "`maillage-bench http`" + ` builds the server it measures (go build -tags maillagebench
./cmd/maillage): run it from the repository, or give --server-bin.
Each flag may also be given as an environment variable: --neo4j-uri as
MAILLAGE_NEO4J_URI, and so on.
`

func main() { cmdkit.Main("maillage-bench", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "http":
			return benchHTTPCommand(ctx, args[1:], stdout, stderr)
		case "search":
			return benchSearchCommand(ctx, args[1:], stdout, stderr)
		case stepCommand:
			return stepMain(ctx, args[1:], stdout)
		case "eval":
			return benchEvalCommand(ctx, args[1:], stdout, stderr)
		case "help", "-h", "--help", "-help":
			fmt.Fprint(stdout, usage)
			return nil
		}
	}
	return benchCommand(ctx, args, stdout, stderr)
}

// usageError marks mistakes in the command line (exit status 2).
type usageError = cmdkit.UsageError

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet { return cmdkit.NewFlagSet(name, stderr) }

func parseFlags(fs *flag.FlagSet, args []string) error { return cmdkit.ParseFlags(fs, args) }
