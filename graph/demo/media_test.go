package demo

import (
	"context"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/media"
	"github.com/encommun/maillage/graph/store/embedded"
)

func TestLoadMediaOnce(t *testing.T) {
	t.Parallel()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	blobs, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := LoadMedia(ctx, s, blobs); err != nil {
		t.Fatalf("without the demo: %v", err)
	}
	if _, err := Load(ctx, s, graph.DefaultTaxonomy()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := LoadMedia(ctx, s, blobs); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := s.MediaOf(ctx, []string{MediaNote}) // anonymous: the note is public
	if err != nil || len(ms[MediaNote]) != 2 {
		t.Fatalf("media of %s: %v %v", MediaNote, ms, err)
	}
	for _, m := range ms[MediaNote] {
		f, err := blobs.Open(ctx, m.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, media.SniffLen)
		n, _ := f.Read(head)
		f.Close()
		if typ, err := media.Check(head[:n], m.MIME); err != nil || typ.Format != media.Format(m.Format) {
			t.Errorf("%s: stored content is not its type: %v", m.Title, err)
		}
	}
}
