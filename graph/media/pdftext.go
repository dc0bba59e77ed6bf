package media

import (
	"bytes"
	"compress/zlib"
	"io"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"

	"github.com/encommun/maillage/graph"
)

// The text of a PDF, for search (issue #19). github.com/ledongthuc/pdf
// (pure Go, BSD, a kept fork of rsc.io/pdf with text extraction) reads
// the text of each page; what it does not guard against, this file does:
//
//   - It inflates a stream whole into memory (a 300 KB PDF holding 300 MB
//     of inflated content took 4 GB and 44 s). So every Flate stream of the
//     file is first inflated to nowhere, counting: past maxPDFInflate the
//     text is not read; past pdfBombInflate at a ratio only a zip bomb
//     reaches, the upload is refused (BAD_USER_INPUT).
//   - It may panic on a broken file: recovered, the file has no text.
//   - Filters it does not decode, encryption, a broken cross-reference
//     table: no text, and the file is kept (it may still be a good PDF for
//     its readers).
//
// The text is what the index holds beside the media's title and
// description; it is never shown as the file's content.

const (
	// maxPDFInflate bounds what the extraction may inflate, all streams
	// together (fonts included: a content stream may call itself a font).
	// The reader keeps some 64 bytes per glyph of a page, so 4 MB of
	// content is at worst some 256 MB for a moment; a report of a few
	// dozen pages with its font subsets stays well below.
	maxPDFInflate = 4 << 20
	// pdfBombInflate is where counting stops: a file whose streams inflate
	// that far, at pdfBombRatio times its own size or more, is a zip bomb
	// (deflate cannot go much past 1032:1; a real PDF's streams do not
	// come near, pictures included, but blank lossless scans).
	pdfBombInflate = 256 << 20
	pdfBombRatio   = 500
	// MaxPDFText bounds the text kept for the index.
	MaxPDFText = graph.MaxMediaText
)

var (
	streamKeyword = regexp.MustCompile(`stream(\r\n|\n|\r)`)
	filterEntry   = regexp.MustCompile(`/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)`)
	filterName    = regexp.MustCompile(`/([A-Za-z0-9]+)`)
)

// PDFText returns the text of PDF file b, cut at MaxPDFText bytes; empty
// when the text cannot be read. A zip bomb is BAD_USER_INPUT.
func PDFText(b []byte) (string, error) {
	inflated, readable := pdfInflated(b)
	if inflated >= pdfBombInflate && inflated >= int64(len(b))*pdfBombRatio {
		return "", graph.Errorf(graph.EINVALID, "the PDF's compressed streams inflate to more than %d MB from %d KB (a zip bomb): export the document again", pdfBombInflate>>20, len(b)>>10)
	}
	if !readable || inflated > maxPDFInflate {
		return "", nil
	}
	return pdfPlainText(b), nil
}

// pdfInflated counts the bytes the file's Flate streams inflate to, up to
// pdfBombInflate. readable is false when a stream has a filter the text
// reader would decode without this count (ASCII85 before Flate): such a
// file's text is not read.
func pdfInflated(b []byte) (total int64, readable bool) {
	readable = true
	for _, loc := range streamKeyword.FindAllIndex(b, -1) {
		if loc[0] > 0 && !isPDFDelimiterOrSpace(b[loc[0]-1]) {
			continue // "endstream", "xstream"
		}
		dict := b[max(0, bytes.LastIndex(b[:loc[0]], []byte("obj"))):loc[0]]
		var filters []string
		if m := filterEntry.FindSubmatch(dict); m != nil {
			for _, f := range filterName.FindAllSubmatch(m[1], -1) {
				filters = append(filters, string(f[1]))
			}
		}
		switch {
		case len(filters) == 0:
			continue
		case filters[0] == "FlateDecode" || filters[0] == "Fl":
		case filters[0] == "ASCII85Decode" || filters[0] == "A85":
			readable = false
			continue
		default:
			continue // the reader decodes no other filter
		}
		zr, err := zlib.NewReader(bytes.NewReader(b[loc[1]:]))
		if err != nil {
			continue
		}
		n, _ := io.Copy(io.Discard, io.LimitReader(zr, pdfBombInflate-total))
		zr.Close()
		if total += n; total >= pdfBombInflate {
			return total, readable
		}
	}
	return total, readable
}

func isPDFDelimiterOrSpace(c byte) bool {
	return strings.IndexByte(" \t\r\n\f\x00<>[]()/%{}", c) >= 0
}

// pdfPlainText reads the pages' text, a line where the baseline moves.
func pdfPlainText(b []byte) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return ""
	}
	var out strings.Builder
	for i := 1; i <= r.NumPage() && out.Len() < MaxPDFText; i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		y := math.NaN()
		for _, t := range p.Content().Text {
			if !math.IsNaN(y) && math.Abs(t.Y-y) > t.FontSize/2 {
				out.WriteByte('\n')
			}
			y = t.Y
			out.WriteString(t.S)
			if out.Len() >= MaxPDFText {
				break
			}
		}
		out.WriteString("\n\n")
	}
	return clipUTF8(strings.TrimSpace(strings.ToValidUTF8(out.String(), "")), MaxPDFText)
}

func clipUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
