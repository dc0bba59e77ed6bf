//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
	"time"
)

// selfCPU is the user and system CPU time this process has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// childUsage is the peak RSS (bytes) and the CPU time of a finished child.
func childUsage(ps *os.ProcessState) (peak int64, cpu time.Duration) {
	if ps == nil {
		return 0, 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		peak = maxrssBytes(ru.Maxrss)
	}
	return peak, ps.UserTime() + ps.SystemTime()
}

// maxrssBytes converts ru_maxrss: kilobytes on Linux and the BSDs, bytes
// on macOS.
func maxrssBytes(v int64) int64 {
	if runtime.GOOS == "darwin" {
		return v
	}
	return v << 10
}
