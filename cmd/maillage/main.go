// Command maillage serves the knowledge graph of a commons over GraphQL.
//
//	maillage serve --addr HOST:PORT --data DIR [--demo] [--store embedded|neo4j]
//	maillage token create --data DIR --role ROLE [--contributor ID] [--expires 720h] [--label TEXT]
//	maillage token list --data DIR
//	maillage token revoke --data DIR ID
//	maillage bench [--notes N]
//	maillage bench http [--docs N] [--concurrency C] [--duration D] [--mix …] [--data DIR]
//	maillage export json|jsonld|network --data DIR [--out FILE]
//	maillage import json --data DIR FILE
//	maillage import markdown --data DIR [--dry-run] DIR
//
// Every flag can also be set through a MAILLAGE_* variable (MAILLAGE_ADDR,
// MAILLAGE_DATA, …); a flag given on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `maillage — the knowledge graph of a commons, over GraphQL

Usage:
  maillage serve [--addr HOST:PORT] [--data DIR] [--demo] [--store embedded|neo4j] [--taxonomy FILE] [--coverage-k K]
  maillage token create [--data DIR] --role CONTRIBUTOR|RESEARCHER|CURATOR|ADMIN [--contributor ID] [--expires 720h|30d] [--label TEXT]
  maillage token list [--data DIR]                      id, role, contributor, creation, expiry and label of every token
  maillage token revoke [--data DIR] ID                 the token stops working at once
  maillage reindex [--data DIR] [--store embedded|neo4j --neo4j-uri URI …]   rebuild the search index
  maillage bench [--notes N] [--queries N] [--data DIR]   the store over HTTP: writes, node(id), a 50-note page
  maillage bench http [--docs N] [--concurrency C] [--duration D] [--mix search=70,note=20,mutate=10] [--only OP] [--data DIR]
  maillage export json [--data DIR] [--out FILE]        the whole graph as a JSON Lines backup
  maillage export jsonld [--data DIR] [--out FILE] [--base-url URL]   the public graph as JSON-LD
  maillage export network [--data DIR] [--format graphml|gexf|csv] [--out FILE] [--all]   the contributor network, for Gephi
  maillage import json [--data DIR] [--dry-run] FILE    restore a backup into an empty store
  maillage import markdown [--data DIR] [--dry-run] DIR import a folder of Markdown notes
  maillage backup --out FILE [--url URL --token TOKEN | --data DIR]   a copy of the embedded store's file, checked

Each flag may also be given as an environment variable: --data as MAILLAGE_DATA,
--neo4j-uri as MAILLAGE_NEO4J_URI, and so on.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "maillage:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError marks mistakes in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0 // asked for: the usage is the answer
	case errors.As(err, &u):
		return 2
	}
	return 1
}

// isHelp tells a request for help where a group command expects its verb
// (`maillage token --help`).
func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	switch args[0] {
	case "serve":
		return serveCommand(ctx, args[1:], stderr)
	case "token":
		return tokenCommand(ctx, args[1:], stdout, stderr)
	case "reindex":
		return reindexCommand(ctx, args[1:], stdout, stderr)
	case "bench":
		return benchCommand(ctx, args[1:], stdout, stderr)
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
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

// newFlagSet returns a flag set whose defaults come from MAILLAGE_*
// variables: `--neo4j-uri` reads MAILLAGE_NEO4J_URI.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// applyEnv sets every flag not given on the command line from its
// MAILLAGE_* variable, after parsing, so that flags win over the environment.
func applyEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		env := "MAILLAGE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := f.Value.Set(v); e != nil {
				err = usageError{fmt.Sprintf("%s=%q: %v", env, v, e)}
			}
		}
	})
	return err
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return applyEnv(fs)
}
