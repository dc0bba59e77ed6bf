// Package mediatest makes media files for tests: small, real, and shaped
// as a test needs (one page per content stream, compressed or not).
package mediatest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

// PDF writes a PDF of one page per content stream, each stream with
// filter: FlateDecode compresses it, "deflated" says FlateDecode of data
// already compressed, "" is none, any other name is written as it is.
func PDF(filter string, contents ...[]byte) []byte {
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
