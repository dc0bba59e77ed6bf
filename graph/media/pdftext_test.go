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
)

// pdfWith writes a PDF of one page per content stream, each stream with
// filter: FlateDecode compresses it, "deflated" says FlateDecode of data
// already compressed, "" is none, any other name is written as it is.
func pdfWith(filter string, contents ...[]byte) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(format string, args ...any) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, format, args...)
	}
	n := len(contents)
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n")
	var kids []string
	for i := range n {
		kids = append(kids, fmt.Sprintf("%d 0 R", 4+2*i))
	}
	obj("2 0 obj<</Type/Pages/Kids[%s]/Count %d>>endobj\n", strings.Join(kids, " "), n)
	obj("3 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>endobj\n")
	for i, c := range contents {
		obj("%d 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 3 0 R>>>>/Contents %d 0 R>>endobj\n", 4+2*i, 5+2*i)
		data := c
		dict := ""
		if filter == "FlateDecode" {
			var z bytes.Buffer
			w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
			w.Write(c)
			w.Close()
			data, dict = z.Bytes(), "/Filter/FlateDecode"
		} else if filter == "deflated" {
			dict = "/Filter /FlateDecode"
		} else if filter != "" {
			dict = "/Filter/" + filter
		}
		obj("%d 0 obj<</Length %d%s>>stream\n", 5+2*i, len(data), dict)
		b.Write(data)
		b.WriteString("\nendstream endobj\n")
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, x)
	return b.Bytes()
}

// Two lines on page 1, one on page 2, in WinAnsi (é is \xe9).
var pdfPages = [][]byte{
	[]byte("BT /F1 12 Tf 72 712 Td (Les semis du printemps pendant la veill\xe9e.) Tj 0 -14 Td (Deuxi\xe8me ligne : le potager partag\xe9.) Tj ET"),
	[]byte("BT /F1 12 Tf 72 712 Td (Une page de plus sur la cuisine collective.) Tj ET"),
}

func TestPDFTextReadsThePagesLineByLine(t *testing.T) {
	t.Parallel()
	got, err := PDFText(pdfWith("FlateDecode", pdfPages...))
	if err != nil {
		t.Fatal(err)
	}
	want := "Les semis du printemps pendant la veillée.\nDeuxième ligne : le potager partagé.\n\nUne page de plus sur la cuisine collective."
	if got != want {
		t.Errorf("text %q\nwant %q", got, want)
	}
	// Uncompressed streams read the same.
	if got, _ := PDFText(pdfWith("", pdfPages...)); got != want {
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
	bomb := pdfWith("deflated", z.Bytes())
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
	got, err := PDFText(pdfWith("FlateDecode", big.Bytes()))
	if err != nil || got != "" {
		t.Errorf("%d MB of honest content: %.40q %v, want no text and no error", big.Len()>>20, got, err)
	}
}

// What the text reader cannot read (a cut file, a filter it would decode
// unbounded, not a PDF at all) has no text, and never panics.
func TestPDFTextOfUnreadableFiles(t *testing.T) {
	t.Parallel()
	good := pdfWith("FlateDecode", pdfPages...)
	for name, b := range map[string][]byte{
		"cut":       good[:len(good)/2],
		"ASCII85":   pdfWith("ASCII85Decode", []byte("87cURD]i,\"Ebo80~>")),
		"LZW":       pdfWith("LZWDecode", []byte("\x80\x0b\x60\x50")),
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
	f.Add(pdfWith("FlateDecode", pdfPages...))
	f.Add(pdfWith("", pdfPages[0]))
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
