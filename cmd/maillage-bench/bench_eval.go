package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/encommun/maillage/search/searcheval"
)

// `maillage-bench eval` is the known-item evaluation of package
// searcheval: French manual pages as notes, queries made from their
// summaries, MRR@10 and recall@10 per kind of query.

// defaultManpages is where Debian's manpages-fr and manpages-fr-dev
// install the French pages.
const defaultManpages = "/usr/share/man/fr"

// sampleFile is the committed sample (search/searcheval/testdata).
const sampleFile = "search/searcheval/testdata/manpages-fr-sample.jsonl"

func benchEvalCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var manpages, data, writeSample string
	var sample, fetch bool
	var sampleSize, sampleBody int
	fs := newFlagSet("maillage-bench eval", stderr)
	fs.StringVar(&manpages, "manpages", defaultManpages, "a French man directory (man1 … man8 inside), as manpages-fr and manpages-fr-dev install it")
	fs.BoolVar(&fetch, "fetch", false, "download manpages-fr and manpages-fr-dev with apt-get download (Debian) into a temporary directory and use them")
	fs.BoolVar(&sample, "sample", false, "use the committed sample ("+sampleFile+", run from the repository) instead of --manpages")
	fs.StringVar(&data, "data", "", "directory for the store and the index (a fresh temporary one by default)")
	fs.StringVar(&writeSample, "write-sample", "", "write a sample of the pages to this file (JSON lines) instead of evaluating")
	fs.IntVar(&sampleSize, "sample-size", 600, "with --write-sample: pages in the sample, spread evenly over the sorted pages")
	fs.IntVar(&sampleBody, "sample-body", 1500, "with --write-sample: bytes of body kept per page")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if data == "" {
		dir, err := os.MkdirTemp("", "maillage-bench-eval-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		data = dir
	}
	var pages []searcheval.Page
	var err error
	var source string
	switch {
	case sample:
		f, err := os.Open(sampleFile)
		if err != nil {
			return usageError{Msg: fmt.Sprintf("--sample: %v (run from the repository)", err)}
		}
		defer f.Close()
		if pages, err = searcheval.ReadJSONL(f); err != nil {
			return err
		}
		source = sampleFile
	default:
		if fetch {
			if manpages, err = fetchManpages(ctx, data, stderr); err != nil {
				return err
			}
		}
		if _, err := os.Stat(manpages); errors.Is(err, os.ErrNotExist) {
			return usageError{Msg: fmt.Sprintf("%s does not exist: apt-get install manpages-fr manpages-fr-dev, give --manpages DIR, or use --fetch or --sample", manpages)}
		}
		if pages, err = searcheval.ReadDir(manpages); err != nil {
			return err
		}
		source = manpages
	}
	if len(pages) == 0 {
		return fmt.Errorf("no manual page with a NOM line in %s", source)
	}
	if writeSample != "" {
		var picked []searcheval.Page
		n := min(sampleSize, len(pages))
		for i := range n {
			picked = append(picked, pages[i*len(pages)/n])
		}
		f, err := os.Create(writeSample)
		if err != nil {
			return err
		}
		if err := searcheval.WriteJSONL(f, picked, sampleBody); err != nil {
			f.Close()
			return err
		}
		fmt.Fprintf(stdout, "%d of %d pages written to %s\n", n, len(pages), writeSample)
		return f.Close()
	}
	fmt.Fprintf(stdout, "%d pages from %s\n", len(pages), source)
	start := time.Now()
	rep, err := searcheval.Run(ctx, pages, data)
	if err != nil {
		return err
	}
	rep.Print(stdout)
	fmt.Fprintf(stdout, "indexed and evaluated in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// fetchManpages downloads the two packages with apt-get (the machine's
// package client) and unpacks them under dir.
func fetchManpages(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	debs := filepath.Join(dir, "debs")
	if err := os.MkdirAll(debs, 0o700); err != nil {
		return "", err
	}
	dl := exec.CommandContext(ctx, "apt-get", "download", "manpages-fr", "manpages-fr-dev")
	dl.Dir, dl.Stdout, dl.Stderr = debs, stderr, stderr
	if err := dl.Run(); err != nil {
		return "", fmt.Errorf("apt-get download manpages-fr manpages-fr-dev: %w", err)
	}
	root := filepath.Join(dir, "root")
	files, err := filepath.Glob(filepath.Join(debs, "*.deb"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		x := exec.CommandContext(ctx, "dpkg-deb", "-x", f, root)
		x.Stderr = stderr
		if err := x.Run(); err != nil {
			return "", fmt.Errorf("dpkg-deb -x %s: %w", f, err)
		}
	}
	return filepath.Join(root, "usr/share/man/fr"), nil
}
