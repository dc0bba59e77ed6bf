package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/store/neo4j"
	"github.com/encommun/maillage/graph/store/neo4j/neo4jtest"
)

// lockedBuffer is a child's stderr, read while the child writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeWaitForStoreGivesUp: with --wait-for-store=DURATION and no
// Neo4j, serve says once that it waits, then after DURATION says in one
// line that it waited for an unreachable Neo4j, and exits 1.
// (TestServeNeo4jRefusesToStart checks that without the flag it exits at
// once.)
func TestServeWaitForStoreGivesUp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := buildBinary(t, t.TempDir())
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--store", "neo4j", "--data", t.TempDir(), "--addr", "127.0.0.1:0",
		"--neo4j-uri", "bolt://"+freeAddr(t), "--neo4j-password", "whatever1", "--wait-for-store=2s")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("serve exited with %v after %v, want status 1; stderr:\n%s", err, took, stderr.String())
	}
	if took < 2*time.Second {
		t.Errorf("serve gave up after %v, before the 2s it was told to wait", took)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if n := strings.Count(stderr.String(), "waiting for the store"); n != 1 {
		t.Errorf("serve said %d times that it waits, want once:\n%s", n, stderr.String())
	}
	last := lines[len(lines)-1]
	if len(lines) != 3 || !strings.Contains(last, "waited 2s for the store") || !strings.Contains(last, "Neo4j is unreachable") {
		t.Errorf("serve said:\n%s\nwant: connecting, waiting, then one line saying it waited 2s for an unreachable Neo4j", stderr.String())
	}
}

// TestServeWaitForStoreThenServes: serve started with --wait-for-store
// while nothing answers at its Neo4j address waits, saying so once, and
// serves as soon as Neo4j answers there (a forwarder to the test server,
// opened only after serve said that it waits).
func TestServeWaitForStoreThenServes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	srv := neo4jtest.Acquire(t)
	ctx := t.Context()
	store, err := neo4j.Open(ctx, neo4j.Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: srv.Database})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.ClearForTests(graph.SystemContext(ctx)); err != nil {
		t.Fatal(err)
	}
	store.Close()
	target, err := url.Parse(srv.URI)
	if err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t, t.TempDir())
	neo4jAddr, httpAddr := freeAddr(t), freeAddr(t)
	args := []string{"serve", "--store", "neo4j", "--data", t.TempDir(), "--addr", httpAddr,
		"--neo4j-uri", "bolt://" + neo4jAddr, "--neo4j-user", srv.User, "--neo4j-password", srv.Password, "--wait-for-store"}
	if srv.Database != "" {
		args = append(args, "--neo4j-database", srv.Database)
	}
	cmd := exec.Command(bin, args...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(time.Minute):
			_ = cmd.Process.Kill()
		}
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(stderr.String(), "waiting for the store") {
		select {
		case err := <-exited:
			t.Fatalf("serve exited (%v) instead of waiting:\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not say that it waits:\n%s", stderr.String())
		}
	}
	ln, err := net.Listen("tcp", neo4jAddr)
	if err != nil {
		t.Fatalf("the forwarder cannot listen where serve looks for Neo4j: %v", err)
	}
	defer ln.Close()
	go forward(ln, target.Host)
	waitReadyz(t, httpAddr, 200, 5*time.Minute)
	out := stderr.String()
	if n := strings.Count(out, "waiting for the store"); n != 1 {
		t.Errorf("serve said %d times that it waits, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "the store answers") {
		t.Errorf("serve did not say when the store answered:\n%s", out)
	}
}

// forward copies every connection ln accepts to and from addr.
func forward(ln net.Listener, addr string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			u, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			defer u.Close()
			go func() { _, _ = io.Copy(u, c); u.Close() }()
			_, _ = io.Copy(c, u)
		}()
	}
}
