package vault_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/format/vault"
	"github.com/encommun/maillage/graph/media/mediatest"
)

// pngFile is a small real PNG of n×n pixels.
func pngFile(t testing.TB, n int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	for i := range n {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
		img.Set(i, n-1-i, color.RGBA{B: uint8(i), G: 90, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wavFile is secs seconds of silence, 8 kHz, 8 bits, mono.
func wavFile(secs int) []byte {
	n := 8000 * secs
	var b bytes.Buffer
	le := func(v uint32, size int) {
		for i := range size {
			b.WriteByte(byte(v >> (8 * i)))
		}
	}
	b.WriteString("RIFF")
	le(uint32(36+n), 4)
	b.WriteString("WAVEfmt ")
	le(16, 4)
	le(1, 2)
	le(1, 2)
	le(8000, 4)
	le(8000, 4)
	le(1, 2)
	le(8, 2)
	b.WriteString("data")
	le(uint32(n), 4)
	b.Write(bytes.Repeat([]byte{128}, n))
	return b.Bytes()
}

const captions = `WEBVTT

00:00.000 --> 00:02.000
<v Odile>Bonjour à toutes.

00:02.000 --> 00:04.500
On parle de la cuisine collective.
`

// mediaVault is a vault whose note embeds a recording (with its captions
// beside it) and a drawing, and files the test adds.
func mediaVault(t *testing.T, extra map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{
		"notes/atelier.md":     []byte("---\ntitle: Atelier\nvisibility: PUBLIC\n---\nÉcouter : ![[témoignage.wav]]\n\nLe dessin : ![Trois maisons reliées](../images/dessin.png)\n"),
		"notes/témoignage.wav": wavFile(1),
		"notes/témoignage.vtt": []byte(captions),
		"images/dessin.png":    pngFile(t, 40),
	}
	for name, b := range extra {
		files[name] = b
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func importMedia(t *testing.T, s graph.Store, blobs blob.Store, dir string, limits map[graph.MediaFormat]int64) (*vault.Result, error) {
	t.Helper()
	v, err := vault.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	return vault.Import(context.Background(), s, v, vault.Options{Visibility: graph.VisibilityPrivate, Language: "fr",
		Blobs: blobs, MediaLimits: limits})
}

func newBlobs(t *testing.T) blob.Store {
	b, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVaultEmbedsBecomeMedia: a note's embedded recording and drawing
// become its media, the recording with the captions beside it as its
// transcript, the drawing with its alt text; importing again adds none.
func TestVaultEmbedsBecomeMedia(t *testing.T) {
	t.Parallel()
	s, blobs := open(t), newBlobs(t)
	dir := mediaVault(t, nil)
	res, err := importMedia(t, s, blobs, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Media != 2 {
		t.Fatalf("attached %d media: %+v", res.Media, res.Reports)
	}
	note := vault.FileID("notes/atelier.md")
	ms, err := s.MediaOf(context.Background(), []string{note}) // anonymous: the note is public
	if err != nil || len(ms[note]) != 2 {
		t.Fatalf("media of the note: %v %v", ms, err)
	}
	var audio, drawing *graph.Media
	for _, m := range ms[note] {
		switch m.Format {
		case graph.MediaAudio:
			audio = m
		case graph.MediaImage:
			drawing = m
		}
	}
	if audio == nil || audio.MIME != "audio/wav" || audio.Title != "témoignage" || len(audio.Cues) != 2 ||
		audio.Cues[0].Speaker != "Odile" || audio.Cues[1].Text != "On parle de la cuisine collective." {
		t.Errorf("the recording: %+v", audio)
	}
	if drawing == nil || drawing.Alt != "Trois maisons reliées" || drawing.MIME != "image/png" {
		t.Errorf("the drawing: %+v", drawing)
	}
	f, err := blobs.Open(sys, audio.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(b, wavFile(1)) {
		t.Errorf("the recording's file is not the vault's")
	}
	again, err := importMedia(t, s, blobs, dir, nil)
	if err != nil || again.Media != 0 || again.MediaUnchanged != 2 {
		t.Errorf("a second import: %d attached, %d unchanged, %v", again.Media, again.MediaUnchanged, err)
	}
}

// TestBadVaultEmbedsWriteNothing replays embeds an import must refuse,
// before writing anything: each is BAD_USER_INPUT naming the note, its
// line and the file, and the store stays empty.
func TestBadVaultEmbedsWriteNothing(t *testing.T) {
	t.Parallel()
	outside := filepath.Join(t.TempDir(), "secret.png")
	if err := os.WriteFile(outside, pngFile(t, 4), 0o644); err != nil {
		t.Fatal(err)
	}
	note := func(body string) map[string][]byte {
		return map[string][]byte{"notes/piège.md": []byte("---\ntitle: Piège\n---\nAvant.\n" + body + "\n")}
	}
	cases := []struct {
		name   string
		extra  map[string][]byte
		link   string // a symbolic link to outside, at this path
		limits map[graph.MediaFormat]int64
		says   []string
	}{
		{"a wiki embed leading out", note("![[../../secret.png]]"), "", nil, []string{"notes/piège.md:5", "../../secret.png", "outside the vault"}},
		{"a Markdown embed leading out", note("![x](../../../etc/passwd.png)"), "", nil, []string{"notes/piège.md:5", "outside the vault"}},
		{"an absolute path", note("![x](/etc/hosts.png)"), "", nil, []string{"notes/piège.md:5", "/etc/hosts.png", "outside the vault"}},
		{"a missing file", note("![[absent.mp3]]"), "", nil, []string{"notes/piège.md:5", "absent.mp3", "not in the vault"}},
		{"a file larger than its format's limit", nil, "", map[graph.MediaFormat]int64{graph.MediaImage: 100},
			[]string{"notes/atelier.md:7", "images/dessin.png", "larger than the limit of 100 bytes"}},
		{"a file that lies about its type", map[string][]byte{"notes/menteur.md": []byte("![[faux.mp3]]"), "notes/faux.mp3": pngFile(t, 4)}, "", nil,
			[]string{"notes/menteur.md:1", "faux.mp3", "declared as \"audio/mpeg\" but its content is image/png"}},
		{"broken captions", map[string][]byte{"notes/témoignage.vtt": []byte("WEBVTT\n\n00:05.000 --> 00:01.000\nÀ l'envers\n")}, "", nil,
			[]string{"notes/atelier.md:5", "témoignage.vtt", "ends (00:01.000) before it starts"}},
		{"a symbolic link to a file outside", note("![[lien.png]]"), "notes/lien.png", nil, []string{"notes/piège.md:5", "lien.png"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, blobs := open(t), newBlobs(t)
			dir := mediaVault(t, c.extra)
			if c.link != "" {
				if err := os.Symlink(outside, filepath.Join(dir, filepath.FromSlash(c.link))); err != nil {
					t.Fatal(err)
				}
			}
			_, err := importMedia(t, s, blobs, dir, c.limits)
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Fatalf("got %v, want BAD_USER_INPUT", err)
			}
			for _, w := range c.says {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error %q does not say %q", err, w)
				}
			}
			docs, err := s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1})
			if err != nil || docs.TotalCount != 0 {
				t.Errorf("a refused import wrote %d documents (%v)", docs.TotalCount, err)
			}
			if ms, _ := s.ScanMedia(sys, "", 10); len(ms) != 0 {
				t.Errorf("a refused import wrote %d media", len(ms))
			}
		})
	}
}

// TestVaultPDFKeepsItsText: an embedded PDF's text is kept with its media,
// as an upload's is, so that search finds the note by it.
func TestVaultPDFKeepsItsText(t *testing.T) {
	t.Parallel()
	s, blobs := open(t), newBlobs(t)
	dir := mediaVault(t, map[string][]byte{
		"notes/guide.md":  []byte("---\ntitle: Guide\nvisibility: PUBLIC\n---\nLe guide : ![[guide.pdf]]\n"),
		"notes/guide.pdf": mediatest.PDF("", []byte("BT /F1 12 Tf 72 712 Td (Les semis du printemps) Tj ET")),
	})
	if _, err := importMedia(t, s, blobs, dir, nil); err != nil {
		t.Fatal(err)
	}
	note := vault.FileID("notes/guide.md")
	ms, err := s.MediaOf(context.Background(), []string{note})
	if err != nil || len(ms[note]) != 1 {
		t.Fatalf("media of the guide: %v %v", ms, err)
	}
	if m := ms[note][0]; m.Format != graph.MediaPDF || !strings.Contains(m.Text, "semis du printemps") {
		t.Errorf("the PDF: format %s, text %q", m.Format, m.Text)
	}
}
