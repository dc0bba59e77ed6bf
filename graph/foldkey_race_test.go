package graph

import (
	"sync"
	"testing"
)

// FoldKey is called by every goroutine that writes a document: it must be
// safe for concurrent use (go test -race shows the shared transformer).
func TestFoldKeyConcurrent(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				in, want := "Éducation populaire", "education populaire"
				if (g+i)%2 == 0 {
					in, want = "Île-de-la-Visitation à Montréal", "ile-de-la-visitation a montreal"
				}
				if got := FoldKey(in); got != want {
					t.Errorf("FoldKey(%q) = %q, want %q", in, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
