package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"time"
)

// stepCommand is the hidden command a bench runs in a child process for
// one step of preparing its corpus (writing the store, building the
// index), so that the step's peak RSS is its own: the bench process holds
// other indexes and the peers' documents, and getrusage's peak never falls.
const stepCommand = "__step"

// runStep runs `maillage-bench __step NAME ARGS…` in a child process,
// copies its output to out and reports its peak RSS and CPU time.
func runStep(ctx context.Context, out io.Writer, name string, args ...string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var errs bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, append([]string{stepCommand, name}, args...)...)
	cmd.Stdout, cmd.Stderr = out, &errs
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s (in a child process): %w: %s", name, err, bytes.TrimSpace(errs.Bytes()))
	}
	wall := time.Since(start)
	peak, cpu := childUsage(cmd.ProcessState)
	fmt.Fprintf(out, "%s in %s wall, %s CPU, peak RSS %s (child process)\n", stepLabels[name], wall.Round(time.Millisecond),
		cpu.Round(time.Millisecond), mib(peak))
	return nil
}

// stepMain is the child's side of runStep. Besides the step's own output
// it prints the peaks of its anonymous (heap, stacks) and file-backed
// (the store's and the index's mapped pages) resident sets, sampled: the
// peak RSS the parent reports counts both, and reading a whole store
// through bbolt's mapping makes the second as large as the file.
func stepMain(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) < 2 {
		return usageError{Msg: "__step NAME DIR …"}
	}
	stop := sampleRSS(stdout)
	defer stop()
	// A profile of the step alone, when MAILLAGE_BENCH_STEP_CPUPROFILE
	// names a file.
	if path := os.Getenv("MAILLAGE_BENCH_STEP_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch name, dir := args[0], args[1]; name {
	case stepStore:
		if len(args) != 4 {
			return usageError{Msg: "__step store DIR DOCS SEED"}
		}
		docs, err := strconv.Atoi(args[2])
		if err != nil {
			return usageError{Msg: err.Error()}
		}
		seed, err := strconv.ParseUint(args[3], 10, 64)
		if err != nil {
			return usageError{Msg: err.Error()}
		}
		return writeBenchCorpus(ctx, dir, newBenchCorpus(docs, seed), stdout)
	case stepIndex:
		return buildBenchIndex(ctx, dir, stdout)
	default:
		return usageError{Msg: "unknown step " + name}
	}
}

const (
	stepStore = "store"
	stepIndex = "index"
)

var stepLabels = map[string]string{stepStore: "store written", stepIndex: "search index built"}

// sampleRSS samples the process's RssAnon and RssFile (Linux) every 100 ms
// until the returned function is called, which prints their peaks.
func sampleRSS(out io.Writer) (stop func()) {
	pid := os.Getpid()
	var peakAnon, peakFile int64
	sample := func() {
		if v, err := procStatusBytes(pid, "RssAnon"); err == nil {
			peakAnon = max(peakAnon, v)
		}
		if v, err := procStatusBytes(pid, "RssFile"); err == nil {
			peakFile = max(peakFile, v)
		}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		sample()
		if peakAnon > 0 || peakFile > 0 {
			fmt.Fprintf(out, "sampled peaks: %s anonymous (heap, stacks), %s file-backed (mapped store and index pages)\n",
				mib(peakAnon), mib(peakFile))
		}
	}
}
