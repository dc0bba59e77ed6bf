package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
)

func newDir(t *testing.T) (*blob.Dir, string) {
	t.Helper()
	root := t.TempDir()
	d, err := blob.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return d, root
}

// files lists the regular files under root, temporary ones included.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPutOpenRoundTrip(t *testing.T) {
	t.Parallel()
	d, root := newDir(t)
	ctx := context.Background()
	body := bytes.Repeat([]byte("témoignage enregistré "), 5000)
	ref, err := d.Put(ctx, bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if ref.SHA256 != hex.EncodeToString(sum[:]) || ref.Size != int64(len(body)) {
		t.Fatalf("ref %+v, want digest %x size %d", ref, sum, len(body))
	}
	again, err := d.Put(ctx, bytes.NewReader(body), int64(len(body)))
	if err != nil || again != ref {
		t.Fatalf("second put: %+v %v", again, err)
	}
	if n := len(files(t, root)); n != 1 {
		t.Fatalf("%d files after putting one content twice, want 1", n)
	}
	f, err := d.Open(ctx, ref.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Size() != ref.Size {
		t.Fatalf("size %d, want %d", f.Size(), ref.Size)
	}
	// Seek to the middle, as a range request does.
	if _, err := f.Seek(1000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(got, body[1000:]) {
		t.Fatalf("read after seek: %d bytes, %v", len(got), err)
	}
}

func TestPutRefusesOverLimitAndKeepsNothing(t *testing.T) {
	t.Parallel()
	d, root := newDir(t)
	ctx := context.Background()
	body := make([]byte, 4096)
	if _, err := d.Put(ctx, bytes.NewReader(body), 4096); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	// An endless upload stops one byte past the limit.
	_, err := d.Put(ctx, io.LimitReader(zeros{}, 1<<40), 4095)
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), "4095 bytes") {
		t.Fatalf("over the limit: %v", err)
	}
	if n := len(files(t, root)); n != 1 {
		t.Fatalf("%d files after a refused put, want the 1 accepted", n)
	}
}

func TestPutOfABrokenUploadKeepsNothing(t *testing.T) {
	t.Parallel()
	d, root := newDir(t)
	broken := errors.New("connection reset mid-upload")
	_, err := d.Put(context.Background(), io.MultiReader(strings.NewReader("début du fichier"), failing{broken}), 1<<20)
	if !errors.Is(err, broken) {
		t.Fatalf("err %v, want the reader's", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Put(ctx, strings.NewReader("x"), 10); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if fs := files(t, root); len(fs) != 0 {
		t.Fatalf("left behind: %v", fs)
	}
}

func TestDigestsNameNothingButBlobs(t *testing.T) {
	t.Parallel()
	d, _ := newDir(t)
	ctx := context.Background()
	for _, bad := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("g", 64), strings.Repeat("a", 63),
		"../" + strings.Repeat("a", 61)} {
		if _, err := d.Open(ctx, bad); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("Open(%q): %v, want BAD_USER_INPUT", bad, err)
		}
		if err := d.Delete(ctx, bad); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("Delete(%q): %v, want BAD_USER_INPUT", bad, err)
		}
	}
	absent := strings.Repeat("0", 64)
	if _, err := d.Open(ctx, absent); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("absent: %v", err)
	}
	if err := d.Delete(ctx, absent); err != nil {
		t.Fatalf("delete absent: %v", err)
	}
	ref, err := d.Put(ctx, strings.NewReader("dessin"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, ref.SHA256); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, ref.SHA256); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }
