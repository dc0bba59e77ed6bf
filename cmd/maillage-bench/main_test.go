package main

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary stand for maillage-bench when a bench runs
// one of its steps in a child process (runStep re-executes os.Executable).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == stepCommand {
		if err := stepMain(context.Background(), os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
