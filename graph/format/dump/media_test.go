package dump_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/format/dump/dumptest"
	"github.com/encommun/maillage/graph/store/embedded"
)

// mediaSource is the kit's graph with its media, and its dump.
func mediaSource(t *testing.T) (graph.Store, []string) {
	src := dumptest.Small(t, opener)
	dumptest.FillMedia(t, src)
	return src, lines(dumptest.Export(t, src))
}

// TestBadMediaInDumpsWriteNothing replays damaged media in a dump: each
// is refused with the line at fault, the store stays empty, and the
// target's blob store gets no file.
func TestBadMediaInDumpsWriteNothing(t *testing.T) {
	t.Parallel()
	_, good := mediaSource(t)
	find := func(prefix string) int {
		for i, l := range good {
			if strings.HasPrefix(l, prefix) {
				return i
			}
		}
		t.Fatalf("no line starting %s", prefix)
		return -1
	}
	firstBlob := find(`{"type":"blob"`)
	firstMedia := find(`{"type":"media","id":"`)
	attached := firstMedia
	for !strings.Contains(good[attached], `"document":"`) {
		attached++
	}
	firstComment := find(`{"type":"comment"`)
	firstCommentRev := find(`{"type":"commentRevision"`)
	end := len(good) - 1
	edit := func(f func(ls []string) []string) []byte { return join(f(slices.Clone(good))) }
	// flip changes one byte of a blob record's data, keeping it base64.
	flip := func(i int) []byte {
		return edit(func(ls []string) []string {
			re := regexp.MustCompile(`"data":"([^"]*)"`)
			m := re.FindStringSubmatch(ls[i])
			data, err := base64.StdEncoding.DecodeString(m[1])
			if err != nil {
				t.Fatal(err)
			}
			data[len(data)/2] ^= 0x40
			ls[i] = strings.Replace(ls[i], m[1], base64.StdEncoding.EncodeToString(data), 1)
			return ls
		})
	}
	// The recording is three chunks long: its last one is where its
	// digest is checked.
	lastChunk := firstBlob
	for lastChunk+1 < end && strings.Contains(good[lastChunk+1], `"offset":`) &&
		strings.Contains(good[lastChunk+1], good[firstBlob][strings.Index(good[firstBlob], `"sha256"`):strings.Index(good[firstBlob], `"size"`)]) {
		lastChunk++
	}
	if lastChunk-firstBlob != 2 {
		t.Fatalf("the recording takes %d blob records, want 3", lastChunk-firstBlob+1)
	}
	var midComment int
	for i := firstComment; i < firstCommentRev; i++ {
		if strings.Contains(good[i], `"parent":"`) {
			midComment = i
			break
		}
	}
	cases := []struct {
		name string
		file []byte
		line int
		says string
	}{
		{"corrupted blob (digest mismatch)", flip(firstBlob + 1), lastChunk + 1, "is damaged"},
		{"dump cut in the middle of a recording", edit(func(ls []string) []string { return ls[:firstBlob+1] }), firstBlob + 1, "truncated"},
		{"a chunk missing", edit(func(ls []string) []string { return slices.Delete(ls, firstBlob+1, firstBlob+2) }), firstBlob + 2, "out of order"},
		{"a media without its file", edit(func(ls []string) []string {
			ls = slices.Delete(ls, firstBlob, lastChunk+1)
			ls[len(ls)-1] = regexp.MustCompile(`"blob":\d+`).ReplaceAllString(ls[len(ls)-1], `"blob":1`)
			return ls
		}), end - 2, "is not in the dump"},
		{"a media of a missing document", edit(func(ls []string) []string {
			ls[attached] = regexp.MustCompile(`"document":"[^"]*"`).ReplaceAllString(ls[attached], `"document":"nowhere"`)
			return ls
		}), attached + 1, "no document"},
		{"a media with a digest that is no SHA-256", edit(func(ls []string) []string {
			ls[firstMedia] = regexp.MustCompile(`"sha256":"[^"]*"`).ReplaceAllString(ls[firstMedia], `"sha256":"../../etc/passwd"`)
			return ls
		}), firstMedia + 1, "SHA-256"},
		{"a reply to a missing comment", edit(func(ls []string) []string {
			ls[midComment] = regexp.MustCompile(`"parent":"[^"]*"`).ReplaceAllString(ls[midComment], `"parent":"nowhere"`)
			return ls
		}), midComment + 1, "replies to"},
		{"a revision of a missing comment", edit(func(ls []string) []string {
			ls[firstCommentRev] = regexp.MustCompile(`"comment":"[^"]*"`).ReplaceAllString(ls[firstCommentRev], `"comment":"nowhere"`)
			return ls
		}), firstCommentRev + 1, "no such comment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dst := open(t)
			blobs := dumptest.NewBlobs(t, dst)
			_, err := dump.RestoreBlobs(context.Background(), dst, blobs, bytes.NewReader(c.file))
			var le *dump.LineError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a line error", err)
			}
			if le.Line != c.line || !strings.Contains(err.Error(), c.says) {
				t.Errorf("got %q, want line %d saying %q", err, c.line, c.says)
			}
			assertEmpty(t, dst)
			for _, l := range good[firstBlob:end] {
				sha := regexp.MustCompile(`"sha256":"([0-9a-f]{64})"`).FindStringSubmatch(l)[1]
				if f, err := blobs.Open(sys, sha); err == nil {
					f.Close()
					t.Errorf("a refused dump left the file %s in the blob store", sha)
				}
			}
			// The dry run finds the same fault.
			if _, err := dump.Check(context.Background(), nil, bytes.NewReader(c.file)); err == nil || err.Error() != le.Error() {
				t.Errorf("dry run: %v", err)
			}
		})
	}
}

// TestMediaNeedTheBlobStore: a dump of a graph with media is refused
// without the blob store, and so is a restore of one, before any write.
func TestMediaNeedTheBlobStore(t *testing.T) {
	t.Parallel()
	src, good := mediaSource(t)
	if _, err := dump.Write(context.Background(), src, io.Discard); !errors.Is(err, dump.ErrNoBlobs) {
		t.Errorf("a dump of media without their files: %v", err)
	}
	dst := open(t)
	if _, err := dump.Restore(context.Background(), dst, bytes.NewReader(join(good))); !errors.Is(err, dump.ErrNoBlobs) {
		t.Errorf("a restore of media without a blob store: %v", err)
	}
	assertEmpty(t, dst)
}

// failingStore is the embedded store with a restore that reads every
// part, the files with them, and then fails, as a full disk would at
// the last write.
type failingStore struct{ *embedded.Store }

func (f failingStore) RestoreStream(ctx context.Context, next func() (*graph.Snapshot, error)) error {
	for {
		part, err := next()
		if err != nil {
			return err
		}
		if part == nil {
			return errors.New("no space left on device")
		}
	}
}

// TestFailedRestoreRemovesTheFilesItAdded: a restore that fails once the
// files are in takes out those it added, and keeps those the blob store
// already had.
func TestFailedRestoreRemovesTheFilesItAdded(t *testing.T) {
	t.Parallel()
	src, good := mediaSource(t)
	ms, err := src.ScanMedia(sys, "", 10)
	if err != nil || len(ms) != 5 {
		t.Fatalf("source media: %d, %v", len(ms), err)
	}
	dst := open(t)
	blobs := dumptest.NewBlobs(t, dst)
	had := dumptest.MediaFile(2, 5000) // the drawing's file
	ref := must[blob.Ref](t)(blobs.Put(sys, bytes.NewReader(had), int64(len(had))))
	_, err = dump.RestoreBlobs(context.Background(), failingStore{dst}, blobs, bytes.NewReader(join(good)))
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("restore: %v", err)
	}
	kept, removed := 0, 0
	for _, m := range ms {
		f, err := blobs.Open(sys, m.SHA256)
		switch {
		case err == nil && m.SHA256 == ref.SHA256:
			f.Close()
			kept++
		case err == nil:
			f.Close()
			t.Errorf("a failed restore left %s", m.SHA256)
		case graph.ErrorCode(err) == graph.ENOTFOUND && m.SHA256 != ref.SHA256:
			removed++
		default:
			t.Errorf("the file %s: %v", m.SHA256, err)
		}
	}
	if kept == 0 || removed == 0 {
		t.Errorf("kept %d, removed %d media files", kept, removed)
	}
}

// TestRestoreRefusesAStoreWithOnlyMedia: a store whose only content is a
// media standing alone is not empty to a restore.
func TestRestoreRefusesAStoreWithOnlyMedia(t *testing.T) {
	t.Parallel()
	_, good := mediaSource(t)
	dst := open(t)
	must[*graph.Contributor](t)(dst.CreateContributor(sys, graph.Contributor{ID: "seule", Name: "Seule"}))
	seule := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "seule"})
	m := must[*graph.Media](t)(dst.CreateMedia(seule, graph.Media{SHA256: strings.Repeat("cd", 32), Size: 3, MIME: "image/png",
		Format: graph.MediaImage, Visibility: graph.VisibilityPublic}))
	if err := dst.DeleteContributor(sys, "seule", 1); err != nil {
		t.Fatal(err)
	}
	_, err := dump.RestoreBlobs(context.Background(), dst, dumptest.NewBlobs(t, dst), bytes.NewReader(join(good)))
	if !errors.Is(err, dump.ErrNotEmpty) {
		t.Errorf("restore into a store holding only a media: %v", err)
	}
	if _, err := dst.Media(sys, m.ID); err != nil {
		t.Errorf("the store's media is gone: %v", err)
	}
}

// failingBlobs is a blob store whose disk fills up in the middle of the
// second file it is given.
type failingBlobs struct {
	blob.Store
	puts int
}

func (f *failingBlobs) Put(ctx context.Context, r io.Reader, limit int64) (blob.Ref, error) {
	f.puts++
	if f.puts < 2 {
		return f.Store.Put(ctx, r, limit)
	}
	if _, err := io.CopyN(io.Discard, r, 100); err != nil {
		return blob.Ref{}, err
	}
	return blob.Ref{}, errors.New("no space left on device")
}

// TestBlobStoreFailingMidFile: a blob store that fails while a file is
// being written stops the restore with its error, the store is left
// empty and the file already written is removed again.
func TestBlobStoreFailingMidFile(t *testing.T) {
	t.Parallel()
	_, good := mediaSource(t)
	dst := open(t)
	blobs := &failingBlobs{Store: dumptest.NewBlobs(t, dst)}
	_, err := dump.RestoreBlobs(context.Background(), dst, blobs, bytes.NewReader(join(good)))
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("restore: %v", err)
	}
	assertEmpty(t, dst)
	for _, l := range good {
		if m := regexp.MustCompile(`^\{"type":"blob","sha256":"([0-9a-f]{64})"`).FindStringSubmatch(l); m != nil {
			if f, err := blobs.Open(sys, m[1]); err == nil {
				f.Close()
				t.Errorf("the failed restore left %s", m[1])
			}
		}
	}
}
