package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/network"
)

const exportNetworkUsage = `usage: maillage export network [--data DIR] [--format graphml|gexf|csv|csv-nodes|csv-edges] [--out FILE] [--all]
  --format csv writes nodes.csv and edges.csv into the directory --out names`

// exportNetworkCommand writes the contributor network of the whole commons
// for graph tools. By default it is the network a researcher token sees
// (public documents); --all takes every document, as the operator may.
// Standpoints are PUBLIC ones only, either way.
func exportNetworkCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	var out, format string
	var all bool
	fs := newFlagSet("export network", stderr)
	storeFlags(fs, &c)
	fs.StringVar(&format, "format", "graphml", "graphml, gexf, csv (two files in the --out directory), csv-nodes or csv-edges")
	fs.StringVar(&out, "out", "-", "file to write (- for standard output); a directory for --format csv")
	fs.BoolVar(&all, "all", false, "count every document, COMMUNITY and PRIVATE ones included (keep the file safe)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var formats []network.Format
	switch format {
	case "csv":
		if out == "-" || out == "" {
			return usageError{Msg: "--format csv writes two files: give a directory with --out\n" + exportNetworkUsage}
		}
		formats = []network.Format{network.NodesCSV, network.EdgesCSV}
	default:
		for _, f := range network.Formats {
			if string(f) == format {
				formats = []network.Format{f}
			}
		}
		if formats == nil {
			return usageError{Msg: fmt.Sprintf("unknown --format %q\n%s", format, exportNetworkUsage)}
		}
	}
	store, err := openStore(ctx, c, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer store.Close()
	// A researcher without a profile reads exactly the public documents.
	as := graph.WithViewer(ctx, graph.Viewer{Role: graph.RoleResearcher})
	if all {
		as = graph.SystemContext(ctx)
	}
	g, err := network.Build(as, store, graph.DocumentScope{All: true})
	if err != nil {
		return err
	}
	if format == "csv" {
		if err := os.MkdirAll(out, 0o750); err != nil {
			return err
		}
		for _, f := range formats {
			name := map[network.Format]string{network.NodesCSV: "nodes.csv", network.EdgesCSV: "edges.csv"}[f]
			if err := writeOutput(filepath.Join(out, name), stdout, func(w io.Writer) error { return network.Write(w, g, f) }); err != nil {
				return err
			}
		}
	} else if err := writeOutput(out, stdout, func(w io.Writer) error { return network.Write(w, g, formats[0]) }); err != nil {
		return err
	}
	what := "public documents"
	if all {
		what = "documents of every visibility"
	}
	fmt.Fprintf(stderr, "exported a network of %d nodes and %d edges from %d %s\n", len(g.Nodes), len(g.Edges), g.Documents, what)
	return nil
}
