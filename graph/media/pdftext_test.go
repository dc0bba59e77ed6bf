package media

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/media/mediatest"
)

// Two lines on page 1, one on page 2, in WinAnsi (é is \xe9).
var pdfPages = [][]byte{
	[]byte("BT /F1 12 Tf 72 712 Td (Les semis du printemps pendant la veill\xe9e.) Tj 0 -14 Td (Deuxi\xe8me ligne : le potager partag\xe9.) Tj ET"),
	[]byte("BT /F1 12 Tf 72 712 Td (Une page de plus sur la cuisine collective.) Tj ET"),
}

func TestPDFTextReadsThePagesLineByLine(t *testing.T) {
	t.Parallel()
	got, err := PDFText(mediatest.PDF("FlateDecode", pdfPages...))
	if err != nil {
		t.Fatal(err)
	}
	want := "Les semis du printemps pendant la veillée.\nDeuxième ligne : le potager partagé.\n\nUne page de plus sur la cuisine collective."
	if got != want {
		t.Errorf("text %q\nwant %q", got, want)
	}
	// Uncompressed streams read the same.
	if got, _ := PDFText(mediatest.PDF("", pdfPages...)); got != want {
		t.Errorf("uncompressed: %q", got)
	}
}

// A zip bomb: a small file whose stream inflates past pdfBombInflate is
// refused as BAD_USER_INPUT, after reading no more than that, and without
// the text reader ever seeing it (which would hold it all in memory).
func TestPDFTextRefusesAZipBomb(t *testing.T) {
	t.Parallel()
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	w.Write([]byte("BT /F1 12 Tf 72 712 Td ("))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range pdfBombInflate>>20 + 1 {
		w.Write(chunk)
	}
	w.Write([]byte(") Tj ET"))
	w.Close()
	bomb := mediatest.PDF("deflated", z.Bytes())
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	_, err := PDFText(bomb)
	if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "zip bomb") {
		t.Fatalf("a %d KB zip bomb: %v, want BAD_USER_INPUT", len(bomb)>>10, err)
	}
}

// Past maxPDFInflate at an honest ratio: the file is kept, its text is not read.
func TestPDFTextSkipsWhatInflatesTooFar(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var big bytes.Buffer
	big.WriteString("BT /F1 12 Tf 72 712 Td (")
	for big.Len() < maxPDFInflate+1<<20 {
		fmt.Fprintf(&big, "%x", r.Uint64())
	}
	big.WriteString(") Tj ET")
	got, err := PDFText(mediatest.PDF("FlateDecode", big.Bytes()))
	if err != nil || got != "" {
		t.Errorf("%d MB of honest content: %.40q %v, want no text and no error", big.Len()>>20, got, err)
	}
}

// What the text reader cannot read (a cut file, a filter it would decode
// unbounded, not a PDF at all) has no text, and never panics.
func TestPDFTextOfUnreadableFiles(t *testing.T) {
	t.Parallel()
	good := mediatest.PDF("FlateDecode", pdfPages...)
	for name, b := range map[string][]byte{
		"cut":       good[:len(good)/2],
		"ASCII85":   mediatest.PDF("ASCII85Decode", []byte("87cURD]i,\"Ebo80~>")),
		"LZW":       mediatest.PDF("LZWDecode", []byte("\x80\x0b\x60\x50")),
		"not a PDF": []byte("%PDF-1.7\nrien d'autre"),
		"empty":     nil,
	} {
		got, err := PDFText(b)
		if err != nil || got != "" {
			t.Errorf("%s: %q %v, want no text and no error", name, got, err)
		}
	}
}

func FuzzPDFText(f *testing.F) {
	f.Add(mediatest.PDF("FlateDecode", pdfPages...))
	f.Add(mediatest.PDF("", pdfPages[0]))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := PDFText(b)
		if err != nil && graph.ErrorCode(err) != graph.EINVALID {
			t.Fatalf("error %v", err)
		}
		if len(s) > MaxPDFText || !utf8.ValidString(s) {
			t.Fatalf("text of %d bytes, valid UTF-8: %v", len(s), utf8.ValidString(s))
		}
	})
}
