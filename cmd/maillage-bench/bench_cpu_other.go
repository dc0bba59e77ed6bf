//go:build !unix

package main

import (
	"os"
	"time"
)

// selfCPU is not measured here (no getrusage): `maillage-bench http` reports the
// client's CPU time as zero, and the command still builds.
func selfCPU() time.Duration { return 0 }

// childUsage gives the CPU time of a finished child; its peak RSS is not
// known here (0).
func childUsage(ps *os.ProcessState) (peak int64, cpu time.Duration) {
	if ps == nil {
		return 0, 0
	}
	return 0, ps.UserTime() + ps.SystemTime()
}
