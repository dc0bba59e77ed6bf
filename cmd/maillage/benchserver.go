//go:build maillagebench

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

// The server child of `maillage-bench http`, in a binary that bench builds
// with -tags maillagebench: the server as deployed links none of it
// (TestServerLinksNoBenchCode).

func init() { benchServer = benchServerCommand }

// benchServerCommand is `serve` on a free loopback port, with the
// per-address and per-token rate limits off (every client shares one
// address, and the limits would measure themselves) and every other limit
// at its default. It prints "listening ADDR" once it accepts requests.
// The store is the embedded one in --data, or with --store neo4j the
// database of the MAILLAGE_NEO4J_* variables (the password stays out of
// the process list), with its index in --data.
func benchServerCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var profile, memProfile string
	c := serveConfig{addr: "127.0.0.1:0", logFormat: "text", licence: "CC-BY-SA-4.0", coverageK: graph.DefaultCoverageK}
	fs := newFlagSet("bench-server", stderr)
	storeFlags(fs, &c)
	fs.StringVar(&profile, "cpuprofile", "", "CPU profile file")
	fs.StringVar(&memProfile, "memprofile", "", "allocation profile file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if c.store == "neo4j" {
		c.neo4j.MaxPool = 100 // serve's default
	}
	c.hard = hardening{limits: api.DefaultLimits, live: api.DefaultLiveOptions, introspection: true, flags: true}
	c.hard.limits.RatePerIP, c.hard.limits.RatePerToken = 0, 0
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if memProfile != "" {
		defer func() {
			if f, err := os.Create(memProfile); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	ready := make(chan string, 1)
	go func() {
		if addr, ok := <-ready; ok {
			fmt.Fprintln(stdout, "listening", addr)
		}
	}()
	return serve(ctx, c, slog.New(slog.NewTextHandler(stderr, nil)), ready)
}
