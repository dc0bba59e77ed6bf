package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"github.com/encommun/maillage/graph"
)

// jpegSegments lists the markers before the first scan.
func jpegSegments(t *testing.T, b []byte) []byte {
	t.Helper()
	var ms []byte
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		m := b[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return ms
}

// exifHasGPS reports whether the EXIF segment of a JPEG has a GPS IFD
// pointer (tag 0x8825) in its first IFD.
func exifHasGPS(b []byte) bool {
	i := bytes.Index(b, []byte("Exif\x00\x00"))
	if i < 0 {
		return false
	}
	tiff := b[i+6:]
	var bo binary.ByteOrder = binary.BigEndian
	if string(tiff[:2]) == "II" {
		bo = binary.LittleEndian
	}
	ifd := int(bo.Uint32(tiff[4:]))
	n := int(bo.Uint16(tiff[ifd:]))
	for k := 0; k < n; k++ {
		if bo.Uint16(tiff[ifd+2+12*k:]) == 0x8825 {
			return true
		}
	}
	return false
}

func samePixels(t *testing.T, a, b image.Image) {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("bounds %v, want %v", b.Bounds(), a.Bounds())
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 7 {
		for x := r.Min.X; x < r.Max.X; x += 7 {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("pixel %d,%d changed", x, y)
			}
		}
	}
}

func TestStripJPEGRemovesTheLocationOfARealPhoto(t *testing.T) {
	t.Parallel()
	orig, err := os.ReadFile("testdata/gps-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if !exifHasGPS(orig) || !bytes.Contains(orig, []byte("iPhone")) {
		t.Fatal("the sample photo should carry GPS tags and its camera model")
	}
	// A phone's second picture after the end of the first, with EXIF of its own.
	withTrailer := append(append([]byte(nil), orig...), orig...)
	for name, in := range map[string][]byte{"photo": orig, "photo with a trailer": withTrailer} {
		out, err := StripImage("image/jpeg", in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, leak := range []string{"Exif", "iPhone", "Apple", "http://ns.adobe.com/xap"} {
			if bytes.Contains(out, []byte(leak)) {
				t.Errorf("%s: %q still in the cleaned file", name, leak)
			}
		}
		for _, m := range jpegSegments(t, out) {
			if m >= 0xE1 && m <= 0xEF && m != 0xE2 && m != 0xEE || m == 0xFE {
				t.Errorf("%s: marker %#x kept", name, m)
			}
		}
		a, err := jpeg.Decode(bytes.NewReader(orig))
		if err != nil {
			t.Fatal(err)
		}
		b, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%s: the cleaned photo does not decode: %v", name, err)
		}
		samePixels(t, a, b)
		again, err := StripImage("image/jpeg", out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("%s: cleaning twice changes the file (%v)", name, err)
		}
	}
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func TestStripPNGDropsTextAndEXIFChunks(t *testing.T) {
	t.Parallel()
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 6), uint8(y * 8), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	enc := buf.Bytes()
	// Metadata chunks go right after IHDR (8 + 25 bytes), as cameras write them.
	var in []byte
	in = append(in, enc[:33]...)
	in = append(in, pngChunk("eXIf", []byte("MM\x00*GPS 45.50,-73.56"))...)
	in = append(in, pngChunk("tEXt", []byte("Comment\x00pris au parc Jarry"))...)
	in = append(in, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>"))...)
	in = append(in, pngChunk("tIME", []byte{7, 234, 12, 7, 10, 0, 0})...)
	in = append(in, enc[33:]...)
	in = append(in, "trailing bytes after IEND"...)
	out, err := StripImage("image/png", in)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"eXIf", "GPS", "tEXt", "Jarry", "iTXt", "xmp", "tIME", "trailing"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("%q still in the cleaned file", leak)
		}
	}
	got, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	samePixels(t, img, got)
}

func webpChunk(typ string, data []byte) []byte {
	c := append([]byte(typ), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

func TestStripWebPDropsEXIFAndXMP(t *testing.T) {
	t.Parallel()
	vp8x := []byte{webpFlagEXIF | webpFlagXMP | 0x10, 0, 0, 0, 9, 0, 0, 9, 0, 0}
	var body []byte
	body = append(body, "WEBP"...)
	body = append(body, webpChunk("VP8X", vp8x)...)
	body = append(body, webpChunk("VP8L", []byte("\x2f pixels of the drawing"))...)
	body = append(body, webpChunk("EXIF", []byte("MM\x00*GPS 46.81,-71.21"))...)
	body = append(body, webpChunk("XMP ", []byte("<x:xmpmeta>Québec</x:xmpmeta>"))...)
	in := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	in = append(in, body...)
	out, err := StripImage("image/webp", in)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"EXIF", "GPS", "XMP", "xmpmeta"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("%q still in the cleaned file", leak)
		}
	}
	if !bytes.Contains(out, []byte("pixels of the drawing")) {
		t.Fatal("the image chunk was dropped")
	}
	if got := int(binary.LittleEndian.Uint32(out[4:])); got != len(out)-8 {
		t.Fatalf("RIFF size %d, file %d", got, len(out))
	}
	if flags := out[20]; flags&(webpFlagEXIF|webpFlagXMP) != 0 || flags&0x10 == 0 {
		t.Fatalf("VP8X flags %#x", flags)
	}
}

func TestStripRefusesDamagedImages(t *testing.T) {
	t.Parallel()
	photo, err := os.ReadFile("testdata/gps-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		typ string
		b   []byte
	}{
		"jpeg cut in its header":   {"image/jpeg", photo[:300]},
		"jpeg cut in its pixels":   {"image/jpeg", photo[:len(photo)-500]},
		"jpeg without start":       {"image/jpeg", photo[2:]},
		"png cut":                  {"image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")},
		"png with a bad checksum":  {"image/png", append([]byte("\x89PNG\r\n\x1a\n"), 0, 0, 0, 0, 'I', 'E', 'N', 'D', 1, 2, 3, 4)},
		"webp longer than file":    {"image/webp", []byte("RIFF\xff\xff\x00\x00WEBPVP8L")},
		"webp chunk past its file": {"image/webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8L\xff\x00\x00\x00")},
		"gif":                      {"image/gif", []byte("GIF89a")},
	} {
		if _, err := StripImage(c.typ, c.b); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: %v, want BAD_USER_INPUT", name, err)
		}
	}
}

func FuzzStripImage(f *testing.F) {
	photo, err := os.ReadFile("testdata/gps-photo.jpg")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(photo[:2000])
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82"))
	f.Add([]byte("RIFF\x0c\x00\x00\x00WEBPVP8X\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, typ := range []string{"image/jpeg", "image/png", "image/webp"} {
			out, err := StripImage(typ, b)
			if err != nil {
				if graph.ErrorCode(err) != graph.EINVALID {
					t.Fatalf("%s: %v, want BAD_USER_INPUT", typ, err)
				}
				continue
			}
			if len(out) > len(b) {
				t.Fatalf("%s: cleaning grew the file from %d to %d bytes", typ, len(b), len(out))
			}
			again, err := StripImage(typ, out)
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("%s: cleaning a cleaned file changes it (%v)", typ, err)
			}
		}
	})
}
