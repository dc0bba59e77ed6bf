//go:build unix

package embedded

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkConcurrentWrites is the store side of issue #17's mutations:
// C clients each save notes of their own (one in three a new note, the
// others an edit of one of theirs), every write synced. It prints the
// mutations per second and the CPU per mutation of the whole process, so
// that one synced commit shared by several writers (group commit) shows as
// a lower CPU per mutation and a higher rate at 16 clients.
//
//	go test ./graph/store/embedded -run XXX -bench ConcurrentWrites -benchtime 2000x
func BenchmarkConcurrentWrites(b *testing.B) {
	for _, clients := range []int{1, 16} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			type client struct {
				id    string
				notes []*graph.Document
				r     *rand.Rand
			}
			cs := make([]*client, clients)
			for i := range cs {
				id := fmt.Sprintf("c%02d", i)
				if _, err := s.CreateContributor(sys, graph.Contributor{ID: id, Name: "Personne " + id}); err != nil {
					b.Fatal(err)
				}
				cs[i] = &client{id: id, r: rand.New(rand.NewPCG(uint64(i), 7))}
			}
			var next atomic.Int64
			var lats [][]time.Duration = make([][]time.Duration, clients)
			n := int64(b.N)
			b.ResetTimer()
			cpu0, wall0 := cpuTime(), time.Now()
			var wg sync.WaitGroup
			for ci, c := range cs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx := asC(c.id)
					for i := next.Add(1); i <= n; i = next.Add(1) {
						start := time.Now()
						if len(c.notes) == 0 || i%3 == 0 {
							d, err := s.CreateDocument(ctx, graph.Document{Kind: graph.KindNote,
								Title: fmt.Sprintf("Note %d", i), Body: benchBody(c.r, 1500), Language: "fr",
								Visibility: graph.VisibilityPublic}, nil)
							if err != nil {
								b.Error(err)
								return
							}
							c.notes = append(c.notes, d)
						} else {
							k := c.r.IntN(len(c.notes))
							body := benchBody(c.r, 1500)
							d, err := s.UpdateDocument(ctx, c.notes[k].ID, graph.DocumentUpdate{Version: c.notes[k].Version, Body: &body})
							if err != nil {
								b.Error(err)
								return
							}
							c.notes[k] = d
						}
						lats[ci] = append(lats[ci], time.Since(start))
					}
				}()
			}
			wg.Wait()
			cpu, wall := cpuTime()-cpu0, time.Since(wall0)
			b.StopTimer()
			var all latencies
			for _, l := range lats {
				all = append(all, l...)
			}
			all.report(b, "ms", time.Millisecond)
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(b.N)/wall.Seconds(), "mutations/s")
			if seq := lastSeq(b, s); seq < uint64(clients+b.N) {
				b.Errorf("change sequence at %d after %d writes", seq, clients+b.N)
			}
		})
	}
}
