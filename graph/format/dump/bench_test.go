package dump_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/store/embedded"
)

// benchSizes are the generated dumps BenchmarkRestore restores: notes and
// LINKS_TO links (six per note, as in the 50 000 / 300 000). Set
// MAILLAGE_BENCH_NOTES to add one size, e.g. 50000 for the figure.
func benchSizes() []int {
	sizes := []int{2_000, 10_000}
	if n, err := strconv.Atoi(os.Getenv("MAILLAGE_BENCH_NOTES")); err == nil && n > 0 {
		sizes = append(sizes, n)
	}
	return sizes
}

// BenchmarkRestore restores a generated dump into a fresh embedded store
// (with fsync, as `maillage import json` does) and prints records/s, all
// record types counted. The file is read and checked as part of the work.
//
//	go test ./graph/format/dump -run '^$' -bench Restore -benchtime 1x
func BenchmarkRestore(b *testing.B) {
	for _, notes := range benchSizes() {
		var file bytes.Buffer
		counts, err := dump.Generate(&file, dump.GenerateOptions{Notes: notes, Links: 6 * notes, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		records := 0
		for _, n := range counts {
			records += n
		}
		b.Run(fmt.Sprintf("notes=%d/records=%d", notes, records), func(b *testing.B) {
			var elapsed time.Duration
			cpu0 := cpuTime()
			for range b.N {
				b.StopTimer()
				s, err := embedded.Open(b.TempDir(), embedded.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				if _, err := dump.Restore(context.Background(), s, bytes.NewReader(file.Bytes())); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			// The machine is shared: records per CPU second says what
			// the restore costs whatever else runs beside it.
			b.ReportMetric(float64(records*b.N)/elapsed.Seconds(), "records/s")
			b.ReportMetric(float64(records*b.N)/(cpuTime()-cpu0).Seconds(), "records/cpu-s")
			b.ReportMetric(float64(file.Len())/(1<<20), "MiB")
		})
	}
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
