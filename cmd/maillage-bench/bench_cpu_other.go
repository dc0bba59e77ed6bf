//go:build !unix

package main

import "time"

// selfCPU is not measured here (no getrusage): `maillage-bench http` reports the
// client's CPU time as zero, and the command still builds.
func selfCPU() time.Duration { return 0 }
