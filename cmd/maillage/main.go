// Command maillage serves the knowledge graph of a commons over GraphQL.
//
//	maillage serve [--addr HOST:PORT] [--data DIR] [--demo] [--store embedded|neo4j]
//	maillage token create|list|revoke [--data DIR] …
//	maillage reindex [--data DIR]
//	maillage export json|jsonld|network [--data DIR] [--out FILE]
//	maillage import json|markdown [--data DIR] [--dry-run] FILE|DIR
//	maillage backup --out FILE [--url URL --token TOKEN | --data DIR]
//
// `maillage` alone prints every command with its flags (usage below). The
// load generator is a command of its own, cmd/maillage-bench. Every flag
// can also be set through a MAILLAGE_* variable (MAILLAGE_ADDR,
// MAILLAGE_DATA, …); a flag given on the command line wins.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
)

const usage = `maillage — the knowledge graph of a commons, over GraphQL

Usage:
  maillage serve [--addr HOST:PORT] [--data DIR] [--demo] [--store embedded|neo4j] [--taxonomy FILE] [--coverage-k K]
  maillage token create [--data DIR] --role CONTRIBUTOR|RESEARCHER|CURATOR|ADMIN [--contributor ID] [--expires 720h|30d] [--label TEXT]
  maillage token list [--data DIR]                      id, role, contributor, creation, expiry and label of every token
  maillage token revoke [--data DIR] ID                 the token stops working at once
  maillage reindex [--data DIR] [--store embedded|neo4j --neo4j-uri URI …]   rebuild the search index
  maillage export json [--data DIR] [--out FILE]        the whole graph as a JSON Lines backup
  maillage export jsonld [--data DIR] [--out FILE] [--base-url URL]   the public graph as JSON-LD
  maillage export network [--data DIR] [--format graphml|gexf|csv] [--out FILE] [--all]   the contributor network, for Gephi
  maillage import json [--data DIR] [--dry-run] FILE    restore a backup into an empty store
  maillage import markdown [--data DIR] [--dry-run] DIR import a folder of Markdown notes
  maillage backup --out FILE [--url URL --token TOKEN | --data DIR]   a copy of the embedded store's file, checked

The load generator is cmd/maillage-bench (go run ./cmd/maillage-bench --help).

Each flag may also be given as an environment variable: --data as MAILLAGE_DATA,
--neo4j-uri as MAILLAGE_NEO4J_URI, and so on.
`

func main() { cmdkit.Main("maillage", run) }

// usageError marks mistakes in the command line (exit status 2).
type usageError = cmdkit.UsageError

func exitCode(err error) int { return cmdkit.ExitCode(err) }

// isHelp tells a request for help where a group command expects its verb
// (`maillage token --help`).
func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{Msg: "no command given"}
	}
	if args[0] == "bench-server" && benchServer != nil {
		return benchServer(ctx, args[1:], stdout, stderr)
	}
	switch args[0] {
	case "serve":
		return serveCommand(ctx, args[1:], stderr)
	case "token":
		return tokenCommand(ctx, args[1:], stdout, stderr)
	case "reindex":
		return reindexCommand(ctx, args[1:], stdout, stderr)
	case "bench":
		// The load generator is a command of its own, so that the server
		// links none of its tooling.
		return usageError{Msg: "the load generator is a command of its own: go run ./cmd/maillage-bench [http] …"}
	case "export":
		return exportCommand(ctx, args[1:], stdout, stderr)
	case "import":
		return importCommand(ctx, args[1:], stdout, stderr)
	case "backup":
		return backupCommand(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{Msg: fmt.Sprintf("unknown command %q", args[0])}
}

// benchServer is the server child of `maillage-bench http`, set in a
// binary built with -tags maillagebench only (benchserver.go).
var benchServer func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// newFlagSet returns a flag set whose defaults come from MAILLAGE_*
// variables: `--neo4j-uri` reads MAILLAGE_NEO4J_URI.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet { return cmdkit.NewFlagSet(name, stderr) }

func parseFlags(fs *flag.FlagSet, args []string) error { return cmdkit.ParseFlags(fs, args) }
