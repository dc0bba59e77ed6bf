package demo

import (
	"bytes"
	"context"
	"encoding/binary"
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

// TestToneWAVIsPCM reads the testimony's WAV as a player does: a RIFF
// header, a fmt chunk of plain PCM, then a data chunk of the announced
// length. Sniffing alone (RIFF…WAVE) let through a file without its fmt
// chunk, which browsers refused to open.
func TestToneWAVIsPCM(t *testing.T) {
	t.Parallel()
	const secs = 3
	b := toneWAV(secs)
	if string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("header % x", b[:12])
	}
	if got := binary.LittleEndian.Uint32(b[4:8]); int(got) != len(b)-8 {
		t.Errorf("RIFF size %d, file %d", got, len(b))
	}
	var f wavFormat
	if string(b[12:16]) != "fmt " {
		t.Fatalf("no fmt chunk: % x", b[12:20])
	}
	if err := binary.Read(bytes.NewReader(b[16:36]), binary.LittleEndian, &f); err != nil {
		t.Fatal(err)
	}
	if f != (wavFormat{Size: 16, Encoding: 1, Channels: 1, Rate: 8000, ByteRate: 8000, Align: 1, Bits: 8}) {
		t.Errorf("fmt chunk %+v", f)
	}
	if string(b[36:40]) != "data" || int(binary.LittleEndian.Uint32(b[40:44])) != secs*8000 || len(b) != 44+secs*8000 {
		t.Errorf("data chunk % x, file %d bytes", b[36:44], len(b))
	}
}
