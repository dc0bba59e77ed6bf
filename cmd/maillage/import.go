package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/encommun/maillage/cmd/internal/cmdkit"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/format/jsonld"
	"github.com/encommun/maillage/graph/format/vault"
	"github.com/encommun/maillage/graph/store/embedded"
)

const importUsage = `usage:
  maillage import json     [--data DIR] [--dry-run] FILE  restore a dump (export json) into an empty store
  maillage import markdown [--data DIR] [--dry-run] DIR   import a folder of Markdown notes
  (--store neo4j --neo4j-uri URI … to import into Neo4j; a dry run writes no data, and creates no data directory)`

func importCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{Msg: importUsage}
	}
	if isHelp(args[0]) {
		fmt.Fprintln(stdout, importUsage)
		return nil
	}
	switch args[0] {
	case "json":
		return importJSONCommand(ctx, args[1:], stdout, stderr)
	case "markdown":
		return importMarkdownCommand(ctx, args[1:], stdout, stderr)
	}
	return usageError{Msg: fmt.Sprintf("unknown import format %q\n%s", args[0], importUsage)}
}

func importJSONCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	var dryRun bool
	fs := newFlagSet("import json", stderr)
	storeFlags(fs, &c)
	fs.BoolVar(&dryRun, "dry-run", false, "check the file, and that the store could take it; write nothing")
	pos, err := parseWithArgs(fs, args, 1, "usage: maillage import json [--data DIR] [--dry-run] FILE (- for standard input)")
	if err != nil {
		return err
	}
	var in io.Reader = os.Stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if dryRun {
		store, err := openExisting(ctx, c, logger)
		if err != nil {
			return err
		}
		if store != nil {
			defer store.Close()
		}
		counts, err := dump.Check(ctx, store, in)
		if err != nil {
			return fmt.Errorf("%s: %w", pos[0], err)
		}
		fmt.Fprintf(stdout, "would restore %s\n", cmdkit.DescribeCounts(counts))
		return nil
	}
	store, err := openStore(ctx, c, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	if in, ok := store.(dump.Interrupted); ok {
		if yes, err := in.RestoreInterrupted(graph.SystemContext(ctx)); err == nil && yes {
			fmt.Fprintln(stderr, "an earlier restore into this store was interrupted: what it wrote is cleared first")
		}
	}
	if pos[0] == "-" {
		// A restore reads the file twice (a check, then the writing) to
		// hold only ids in memory: standard input is copied aside first,
		// next to the data directory, where there is room for the data.
		dir := ""
		if c.store == "embedded" {
			if p := filepath.Dir(filepath.Clean(c.data)); isDir(p) {
				dir = p
			}
		}
		f, err := dump.Spool(in, dir)
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		in = f
	}
	// Media files go where serve reads them, beside the graph.
	blobs, err := openBlobs(c, true)
	if err != nil {
		return err
	}
	start := time.Now()
	// A large restore runs for minutes: say when the file is checked and
	// how much is written, part after part.
	bar := newProgress(stderr)
	counts, err := dump.RestoreWithProgress(ctx, store, blobs, in, bar.update)
	bar.done()
	var le *dump.LineError
	switch {
	case errors.As(err, &le):
		return fmt.Errorf("%s: %w; nothing was written", pos[0], err)
	case err != nil:
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	fmt.Fprintf(stdout, "restored %s\n", cmdkit.DescribeCounts(counts))
	records := 0
	for _, n := range counts {
		records += n
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stderr, "restored %d records in %s (%.0f records/s)\n", records, elapsed.Round(time.Millisecond), float64(records)/elapsed.Seconds())
	return nil
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// openExisting opens the store a dry run reads, and nothing else: with
// the embedded store, a data directory without a database gives nil (an
// empty store, which a dry run need not create), since opening it would
// create the directory and the file.
func openExisting(ctx context.Context, c serveConfig, logger *slog.Logger) (graph.Store, error) {
	if c.store == "embedded" {
		if _, err := os.Stat(filepath.Join(c.data, embedded.FileName)); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	return openStore(ctx, c, logger)
}

func importMarkdownCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	var dryRun bool
	var visibility, licence, language string
	var batch int
	fs := newFlagSet("import markdown", stderr)
	storeFlags(fs, &c)
	fs.BoolVar(&dryRun, "dry-run", false, "print what would change, write nothing")
	fs.StringVar(&visibility, "visibility", "PRIVATE", "visibility of files whose front matter gives none: PUBLIC, COMMUNITY or PRIVATE")
	fs.StringVar(&licence, "licence", jsonld.DefaultLicence, "licence of files whose front matter gives none")
	fs.StringVar(&language, "language", "fr", "language of files whose front matter gives none")
	fs.IntVar(&batch, "batch", 500, "documents or links per write")
	pos, err := parseWithArgs(fs, args, 1, "usage: maillage import markdown [--data DIR] [--dry-run] VAULT_DIR")
	if err != nil {
		return err
	}
	vis := graph.Visibility(strings.ToUpper(visibility))
	if !vis.Valid() {
		return usageError{Msg: fmt.Sprintf("--visibility must be PUBLIC, COMMUNITY or PRIVATE, not %q", visibility)}
	}
	if batch < 1 || batch > 10_000 {
		return usageError{Msg: "--batch must be between 1 and 10000"}
	}
	start := time.Now()
	v, err := vault.Read(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "read %d Markdown files from %s in %s\n", len(v.Files), pos[0], time.Since(start).Round(time.Millisecond))
	var store graph.Store
	if dryRun {
		store, err = openExisting(ctx, c, slog.New(slog.NewTextHandler(stderr, nil)))
		if err == nil && store == nil {
			// Nothing to compare with: the vault is compared with an
			// empty store, made aside and removed, not in the data
			// directory.
			store, err = emptyStore()
		}
	} else {
		store, err = openStore(ctx, c, slog.New(slog.NewTextHandler(stderr, nil)))
	}
	if err != nil {
		return err
	}
	defer store.Close()
	// Embedded files become media, kept where serve reads them; a dry
	// run checks them against a blob store of its own, which it never
	// writes to.
	var blobs blob.Store
	if dryRun {
		dir, err := os.MkdirTemp("", "maillage-dry-run-blobs-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		blobs, err = blob.OpenDir(dir)
		if err != nil {
			return err
		}
	} else if blobs, err = openBlobs(c, true); err != nil {
		return err
	}
	bar := newProgress(stderr)
	res, err := vault.Import(ctx, store, v, vault.Options{Visibility: vis, Licence: licence, Language: language,
		DryRun: dryRun, BatchSize: batch, Progress: bar.update, Blobs: blobs})
	bar.done()
	if res != nil {
		for _, a := range res.Actions {
			fmt.Fprintln(stdout, "would", a)
		}
		for _, r := range res.Reports {
			fmt.Fprintln(stdout, r)
		}
		fmt.Fprintln(stdout, summary(res, dryRun))
		if !dryRun && err == nil {
			elapsed := time.Since(start)
			fmt.Fprintf(stderr, "imported in %s (%.0f files/s)\n", elapsed.Round(time.Millisecond), float64(res.Files)/elapsed.Seconds())
		}
	}
	if err != nil {
		return err
	}
	switch {
	case res.Skipped > 0 && dryRun:
		return fmt.Errorf("%d file(s) would be left out: see the report above", res.Skipped)
	case res.Skipped > 0:
		return fmt.Errorf("%d file(s) could not be imported: see the report above; the others were", res.Skipped)
	}
	return nil
}

// emptyStore is an embedded store in a temporary directory that Close
// removes.
func emptyStore() (graph.Store, error) {
	dir, err := os.MkdirTemp("", "maillage-dry-run-")
	if err != nil {
		return nil, err
	}
	s, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &removeOnClose{Store: s, dir: dir}, nil
}

type removeOnClose struct {
	*embedded.Store
	dir string
}

func (r *removeOnClose) Close() error {
	err := r.Store.Close()
	if e := os.RemoveAll(r.dir); err == nil {
		err = e
	}
	return err
}

// summary is the last line of the report.
func summary(r *vault.Result, dryRun bool) string {
	verb := func(s string) string {
		if dryRun {
			return "would be " + s
		}
		return s
	}
	var parts []string
	for _, k := range graph.DocumentKinds {
		if n := r.Created[k] + r.Updated[k] + r.Unchanged[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%ss: %d %s, %d %s, %d unchanged", strings.ToLower(string(k)),
				r.Created[k], verb("created"), r.Updated[k], verb("updated"), r.Unchanged[k]))
		}
	}
	parts = append(parts, fmt.Sprintf("new: %d tag terms, %d contributors, %d carnets, %d links",
		r.TagTerm, r.Contributors, r.Carnets, r.Links))
	parts = append(parts, fmt.Sprintf("media: %d %s, %d unchanged", r.Media, verb("attached"), r.MediaUnchanged))
	parts = append(parts, fmt.Sprintf("%d unresolved links, %d files skipped", r.Unresolved, r.Skipped))
	return strings.Join(parts, "; ")
}

// progress draws a bar on a terminal and prints plain lines otherwise
// (a log, a pipe), at most about once a second.
type progress struct {
	w        io.Writer
	terminal bool
	last     time.Time
	drawn    bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progress) update(phase string, done, total int) {
	if done < total && time.Since(p.last) < time.Second {
		return
	}
	p.last = time.Now()
	if !p.terminal {
		fmt.Fprintf(p.w, "%s: %d/%d\n", phase, done, total)
		return
	}
	const width = 30
	filled := width * done / total
	fmt.Fprintf(p.w, "\r%-9s [%s%s] %3d%% %d/%d", phase, strings.Repeat("=", filled), strings.Repeat(" ", width-filled),
		100*done/total, done, total)
	p.drawn = true
}

// done ends the bar's line.
func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
