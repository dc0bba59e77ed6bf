package dump_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/format/dump/dumptest"
)

// TestStreamedRestoreInManyParts restores the demo graph in parts of a
// few records, so that nodes, revisions, links and declarations of one
// contributor fall in different parts: the graph must come back whole,
// hidden documents, private standpoints and flags as they were
// (dumptest.RoundTrip compares every object and the change sequence).
func TestStreamedRestoreInManyParts(t *testing.T) {
	// Not parallel: it changes the part size (SetPartRecords) of every restore of the process.
	for _, n := range []int{1, 7, 1000} {
		t.Run(fmt.Sprintf("records=%d", n), func(t *testing.T) {
			defer dump.SetPartRecords(n)()
			file := dumptest.RoundTrip(t, opener)
			if n < 1000 && len(lines(file)) < 10*n {
				t.Fatalf("a file of %d lines is not many parts of %d records", len(lines(file)), n)
			}
		})
	}
}

// pipe hides a reader's Seek, as standard input has none.
type pipe struct{ io.Reader }

// TestRestoreFromAPipe: input that cannot be read twice is copied to a
// temporary file, restored as a file is, and the copy is removed.
func TestRestoreFromAPipe(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	file := export(t, source(t))
	dst := open(t)
	if _, err := dump.Restore(context.Background(), dst, pipe{bytes.NewReader(file)}); err != nil {
		t.Fatal(err)
	}
	if a, b := withoutHeader(file), withoutHeader(export(t, dst)); a != b {
		t.Errorf("export of the graph restored from a pipe is not the original dump")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the copy of the input is left behind: %v", left)
	}
	// A bad dump from a pipe writes nothing, and leaves no copy either.
	bad := bytes.Replace(file, []byte(`"type":"link"`), []byte(`"type":"lien"`), 1)
	dst = open(t)
	var le *dump.LineError
	if _, err := dump.Restore(context.Background(), dst, pipe{bytes.NewReader(bad)}); !errors.As(err, &le) {
		t.Fatalf("bad dump from a pipe: %v", err)
	}
	assertEmpty(t, dst)
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the copy of a bad input is left behind: %v", left)
	}
}

// changing serves one file to the first pass and another to the second,
// as a file rewritten during a restore would.
type changing struct {
	first, second []byte
	r             *bytes.Reader
	seeks         int
}

func (c *changing) Read(p []byte) (int, error) {
	if c.r == nil {
		c.r = bytes.NewReader(c.first)
	}
	return c.r.Read(p)
}

func (c *changing) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart {
		c.seeks++
		c.r = bytes.NewReader(c.second)
	}
	if c.r == nil {
		c.r = bytes.NewReader(c.first)
	}
	return c.r.Seek(off, whence)
}

// TestFileChangedBetweenPasses: the second pass finds a fault the first
// did not see (the file changed in between). Parts were already written:
// the store must be left empty, with no restore marker behind.
func TestFileChangedBetweenPasses(t *testing.T) {
	// Not parallel: it changes the part size (SetPartRecords) of every restore of the process.
	defer dump.SetPartRecords(5)()
	file := export(t, source(t))
	ls := lines(file)
	last := -1
	for i, l := range ls {
		if strings.HasPrefix(l, `{"type":"link"`) {
			last = i
		}
	}
	if last < 0 {
		t.Fatal("the demo dump has no link")
	}
	with := func(i int, l string) []byte {
		return join(append(append(append([]string{}, ls[:i]...), l), ls[i:]...))
	}
	for _, c := range []struct {
		name   string
		second []byte
		says   string
	}{
		{"dangling link", with(last, strings.Replace(ls[last], `"to":"`, `"to":"nulle-part-`, 1)), "changed while it was restored"},
		{"cut short", join(ls[:len(ls)-1]), "changed while it was restored"},
		// The second pass leaves duplicates to the store's own check.
		{"link given twice", with(last, ls[last]), "given twice"},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			dst := open(t)
			in := &changing{first: file, second: c.second}
			_, err := dump.Restore(context.Background(), dst, in)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("got %v, want an error saying %q", err, c.says)
			}
			if in.seeks != 1 {
				t.Fatalf("the file was read from its start %d times, not once again", in.seeks)
			}
			assertEmpty(t, dst)
			if yes, err := dst.RestoreInterrupted(sys); err != nil || yes {
				t.Errorf("restore marker left behind: %v %v", yes, err)
			}
		})
	}
}

// TestRestoreStreamChecksEachPart: a store's streamed restore checks each
// part against those before it. A link to no node in a later part fails
// the restore after earlier parts were written, and leaves the store
// empty; a streamed restore needs the admin's right before anything.
func TestRestoreStreamChecksEachPart(t *testing.T) {
	t.Parallel()
	snap, _, err := dump.Read(bytes.NewReader(export(t, source(t))))
	if err != nil {
		t.Fatal(err)
	}
	nodes := *snap
	nodes.Revisions, nodes.Links, nodes.Declarations, nodes.Flags = nil, nil, nil, nil
	bad := graph.Snapshot{Links: []graph.Link{{Relation: graph.RelLinksTo, From: snap.Documents[0].ID, To: "nulle-part"}}}
	parts := func(ps ...graph.Snapshot) func() (*graph.Snapshot, error) {
		return func() (*graph.Snapshot, error) {
			if len(ps) == 0 {
				return nil, nil
			}
			p := ps[0]
			ps = ps[1:]
			return &p, nil
		}
	}
	dst := open(t)
	if err := dst.RestoreStream(context.Background(), parts(nodes)); graph.ErrorCode(err) != graph.EUNAUTHENTICATED {
		t.Errorf("anonymous streamed restore: %v", err)
	}
	if err := dst.RestoreStream(sys, parts(nodes, bad)); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("dangling link in a later part: %v", err)
	}
	assertEmpty(t, dst)
	dup := graph.Snapshot{Documents: snap.Documents[:1]}
	if err := dst.RestoreStream(sys, parts(nodes, dup)); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("a document given again in a later part: %v", err)
	}
	assertEmpty(t, dst)
	failing := func() (*graph.Snapshot, error) { return nil, errors.New("disque plein") }
	if err := dst.RestoreStream(sys, failing); err == nil || !strings.Contains(err.Error(), "disque plein") {
		t.Errorf("an error from next: %v", err)
	}
	assertEmpty(t, dst)
}
