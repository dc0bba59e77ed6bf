package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/format/jsonld"
)

const exportUsage = `usage:
  maillage export json   [--data DIR] [--out FILE]   the whole graph, as a JSON Lines backup (personal data: keep it safe)
  maillage export jsonld [--data DIR] [--out FILE] [--base-url URL] [--licence ID]   the public graph, as one JSON-LD @graph
  maillage export network [--data DIR] [--format graphml|gexf|csv|csv-nodes|csv-edges] [--out FILE] [--all]   the contributor network`

func exportCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{Msg: exportUsage}
	}
	if isHelp(args[0]) {
		fmt.Fprintln(stdout, exportUsage)
		return nil
	}
	switch args[0] {
	case "json":
		return exportJSONCommand(ctx, args[1:], stdout, stderr)
	case "jsonld":
		return exportJSONLDCommand(ctx, args[1:], stdout, stderr)
	case "network":
		return exportNetworkCommand(ctx, args[1:], stdout, stderr)
	}
	return usageError{Msg: fmt.Sprintf("unknown export format %q\n%s", args[0], exportUsage)}
}

// storeFlags registers the flags that say which store a command opens, as
// serve has them, so that a dump can be taken from or restored into either
// store.
func storeFlags(fs *flag.FlagSet, c *serveConfig) {
	fs.StringVar(&c.data, "data", "./data", "data directory (embedded store, search index)")
	fs.StringVar(&c.store, "store", "embedded", "graph store: embedded or neo4j")
	c.neo4j.AddFlags(fs)
	c.neo4j.MaxPool = 10
}

// parseWithArgs parses flags placed before, between or after the
// positional arguments (`import markdown DIR --dry-run` as well as
// `import markdown --dry-run DIR`), and returns exactly want of them.
func parseWithArgs(fs *flag.FlagSet, args []string, want int, usage string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, usageError{Msg: err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) != want {
		return nil, usageError{Msg: usage}
	}
	return pos, cmdkit.ApplyEnv(fs)
}

func exportJSONCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	var out string
	fs := newFlagSet("export json", stderr)
	storeFlags(fs, &c)
	fs.StringVar(&out, "out", "-", "file to write (- for standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := openStore(ctx, c, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer store.Close()
	blobs, err := openBlobs(c, false)
	if err != nil {
		return err
	}
	var counts dump.Counts
	err = writeOutput(out, stdout, func(w io.Writer) (err error) {
		counts, err = dump.WriteBlobs(ctx, store, blobs, w)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %s\n", cmdkit.DescribeCounts(counts))
	return nil
}

// openBlobs opens the media files' store under the data directory, as
// serve does (with either graph store). Unless create is set, a data
// directory without one gives nil: a graph without media needs none, and
// an export must not create directories.
func openBlobs(c serveConfig, create bool) (blob.Store, error) {
	dir := filepath.Join(c.data, "blobs")
	if !create && !isDir(dir) {
		return nil, nil
	}
	return blob.OpenDir(dir)
}

// writeOutput runs write into out: standard output for "-", otherwise a
// temporary file beside out, renamed over it once complete and synced, so
// that a failed export never leaves a half-written file that looks whole.
// The file is readable by its owner only: a dump holds personal data.
func writeOutput(out string, stdout io.Writer, write func(io.Writer) error) error {
	if out == "-" || out == "" {
		return write(stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), out)
}

func exportJSONLDCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	var out, base, licence string
	fs := newFlagSet("export jsonld", stderr)
	storeFlags(fs, &c)
	fs.StringVar(&out, "out", "-", "file to write (- for standard output)")
	fs.StringVar(&base, "base-url", "http://127.0.0.1:8080", "public address of the server: node ids become BASE/ld/ID")
	fs.StringVar(&c.taxonomy, "taxonomy", "", "standpoint taxonomy file (JSON), for labels; the built-in one by default")
	fs.StringVar(&licence, "licence", jsonld.DefaultLicence, "licence of documents that name none (SPDX id or URL)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{Msg: fmt.Sprintf("--base-url must be an http or https URL, not %q", base)}
	}
	tax, err := loadTaxonomy(c.taxonomy)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, c, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer store.Close()
	b := &jsonld.Builder{Store: store, Taxonomy: tax, Base: strings.TrimSuffix(u.String(), "/") + "/ld/", DefaultLicence: licence}
	var n int
	err = writeOutput(out, stdout, func(w io.Writer) (err error) {
		n, err = b.WriteGraph(ctx, w)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d public nodes as JSON-LD\n", n)
	return nil
}
