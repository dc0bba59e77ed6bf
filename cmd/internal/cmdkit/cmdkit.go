// Package cmdkit holds what the commands of maillage share: flags that fall
// back on MAILLAGE_* variables, usage errors, and the Neo4j connection
// flags and opening. The server (cmd/maillage) and the load generator
// (cmd/maillage-bench) are separate binaries, so that the server links
// none of the generator's tooling (net/http/httptest, runtime/pprof).
package cmdkit

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/store/neo4j"
)

// UsageError marks mistakes in the command line (exit status 2).
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// ExitCode is the exit status of a command that returned err.
func ExitCode(err error) int {
	var u UsageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0 // asked for: the usage is the answer
	case errors.As(err, &u):
		return 2
	}
	return 1
}

// NewFlagSet returns a flag set that reports to stderr and returns its
// errors; ParseFlags then gives its flags their MAILLAGE_* defaults.
func NewFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// ApplyEnv sets every flag not given on the command line from its
// MAILLAGE_* variable (`--neo4j-uri` reads MAILLAGE_NEO4J_URI), after
// parsing, so that flags win over the environment.
func ApplyEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		env := EnvName(f.Name)
		if v, ok := os.LookupEnv(env); ok {
			if e := f.Value.Set(v); e != nil {
				err = UsageError{fmt.Sprintf("%s=%q: %v", env, v, e)}
			}
		}
	})
	return err
}

// EnvName is the variable of a flag: MAILLAGE_NEO4J_URI for neo4j-uri.
func EnvName(flagName string) string {
	return "MAILLAGE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// ParseFlags parses a command's flags, which take no positional argument.
func ParseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return UsageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return UsageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return ApplyEnv(fs)
}

// Neo4j is a connection to a Neo4j database.
type Neo4j struct {
	URI, User, Password, Database string
	MaxPool                       int
}

// AddFlags registers --neo4j-uri, --neo4j-user, --neo4j-password and
// --neo4j-database.
func (c *Neo4j) AddFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.URI, "neo4j-uri", "", "Neo4j URI (bolt://, neo4j://, +s schemes)")
	fs.StringVar(&c.User, "neo4j-user", "neo4j", "Neo4j user")
	fs.StringVar(&c.Password, "neo4j-password", "", "Neo4j password")
	fs.StringVar(&c.Database, "neo4j-database", "neo4j", "Neo4j database")
}

// Open connects to the database.
func (c Neo4j) Open(ctx context.Context, logger *slog.Logger) (*neo4j.Store, error) {
	if c.URI == "" {
		return nil, UsageError{"--store neo4j needs --neo4j-uri (or MAILLAGE_NEO4J_URI)"}
	}
	return neo4j.Open(ctx, neo4j.Config{URI: c.URI, User: c.User, Password: c.Password,
		Database: c.Database, MaxPoolSize: c.MaxPool, Logger: logger})
}

// ErrorList is the "errors" of a GraphQL answer, which the server's plain
// HTTP endpoints (/admin/backup) also answer their errors with.
type ErrorList []struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// IndexDir is where the search index lives under a data directory; it is
// derived from the store and can be deleted at any time.
func IndexDir(data string) string { return filepath.Join(data, "index") }

// DescribeCounts reads "12 documents, 3 contributors, …" in file order.
func DescribeCounts(c dump.Counts) string {
	order := []string{dump.TypeDocument, dump.TypeRevision, dump.TypeLink, dump.TypeContributor,
		dump.TypeDeclaration, dump.TypeCarnet, dump.TypeCommunity, dump.TypeKnowledgeBase}
	var parts []string
	for _, t := range order {
		parts = append(parts, fmt.Sprintf("%d %s", c[t], plural(t, c[t])))
	}
	for _, t := range slices.Sorted(func(yield func(string) bool) {
		for k := range c {
			if !slices.Contains(order, k) && !yield(k) {
				return
			}
		}
	}) {
		parts = append(parts, fmt.Sprintf("%d %s", c[t], plural(t, c[t])))
	}
	return strings.Join(parts, ", ")
}

func plural(word string, n int) string {
	if n == 1 || word == dump.TypeMedia {
		return word
	}
	if word == dump.TypeKnowledgeBase {
		return "knowledgeBases"
	}
	if strings.HasSuffix(word, "y") {
		return strings.TrimSuffix(word, "y") + "ies"
	}
	return word + "s"
}

// Main runs a command's run function until SIGINT or SIGTERM and exits
// with its status: 0, 1 for a failure, 2 for a usage error. The error is
// printed after name, except for -help (the flag package printed the usage).
func Main(name string, run func(ctx context.Context, args []string, stdout, stderr io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, name+":", err)
		}
		stop()
		os.Exit(ExitCode(err))
	}
}
