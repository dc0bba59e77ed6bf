package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"

	"github.com/encommun/maillage/graph"
)

// StripImage returns the image with its metadata removed: EXIF (GPS
// position, camera, serial numbers, dates), XMP, IPTC, comments, and
// whatever follows the image's end (phones append second pictures that
// carry EXIF of their own). What decoding needs stays: JPEG's JFIF, ICC
// profile and Adobe colour segments; PNG's colour and transparency
// chunks; WebP's image and colour chunks. The EXIF orientation goes with
// the rest, so a photo taken sideways may show sideways.
//
// A file that is not a well-formed JPEG, PNG or WebP is BAD_USER_INPUT:
// what cannot be parsed cannot be known to be clean.
func StripImage(mimeType string, b []byte) ([]byte, error) {
	switch mimeType {
	case "image/jpeg":
		return stripJPEG(b)
	case "image/png":
		return stripPNG(b)
	case "image/webp":
		return stripWebP(b)
	}
	return nil, graph.Errorf(graph.EINVALID, "cannot clean images of type %s", mimeType)
}

func malformed(kind, why string) error {
	return graph.Errorf(graph.EINVALID, "the %s image is damaged (%s)", kind, why)
}

// JPEG markers kept before the image data.
func keepJPEGMarker(m byte) bool {
	switch {
	case m == 0xE0: // APP0: JFIF, JFXX
		return true
	case m == 0xE2: // APP2: ICC profile (also MPF, dropped below)
		return true
	case m == 0xEE: // APP14: Adobe, says how to read the colours
		return true
	case m >= 0xE1 && m <= 0xEF: // other APPn: EXIF, XMP, IPTC, maker data
		return false
	case m == 0xFE: // comment
		return false
	}
	return true // tables, frame headers, restart interval
}

func stripJPEG(b []byte) ([]byte, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, malformed("JPEG", "no start of image")
	}
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	i := 2
	for {
		// Segments: FF, marker, big-endian length counting itself, payload.
		for i < len(b) && b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0xFF {
			i++ // fill bytes
		}
		if i+2 > len(b) || b[i] != 0xFF {
			return nil, malformed("JPEG", "a segment is cut short")
		}
		m := b[i+1]
		if m == 0xD9 {
			return append(out, 0xFF, 0xD9), nil
		}
		if i+4 > len(b) {
			return nil, malformed("JPEG", "a segment is cut short")
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil, malformed("JPEG", "a segment is longer than the file")
		}
		seg := b[i : i+2+n]
		if keepJPEGMarker(m) && !(m == 0xE2 && bytes.HasPrefix(seg[4:], []byte("MPF\x00"))) {
			out = append(out, seg...)
		}
		i += 2 + n
		if m != 0xDA {
			continue
		}
		// Entropy-coded data follows a start of scan: copy it up to the
		// next marker that is not a stuffed 00 or a restart marker.
		j := i
		for {
			if j+1 >= len(b) {
				return nil, malformed("JPEG", "no end of image")
			}
			if b[j] == 0xFF && b[j+1] != 0x00 && !(b[j+1] >= 0xD0 && b[j+1] <= 0xD7) && b[j+1] != 0xFF {
				break
			}
			j++
		}
		out = append(out, b[i:j]...)
		i = j
	}
}

// PNG chunks kept: those decoding needs or that change how the pixels
// look; text, time and EXIF chunks (and unknown ones) are dropped.
var keepPNGChunk = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true,
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true, "sBIT": true,
	"pHYs": true, "bKGD": true, "hIST": true,
	"acTL": true, "fcTL": true, "fdAT": true, // animation
}

func stripPNG(b []byte) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(b, []byte(sig)) {
		return nil, malformed("PNG", "no signature")
	}
	out := append(make([]byte, 0, len(b)), sig...)
	for i := len(sig); ; {
		if i+12 > len(b) {
			return nil, malformed("PNG", "a chunk is cut short")
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n < 0 || n > len(b)-i-12 {
			return nil, malformed("PNG", "a chunk is longer than the file")
		}
		typ := string(b[i+4 : i+8])
		chunk := b[i : i+12+n]
		if crc32.ChecksumIEEE(chunk[4:8+n]) != binary.BigEndian.Uint32(chunk[8+n:]) {
			return nil, malformed("PNG", "a chunk fails its checksum")
		}
		if keepPNGChunk[typ] {
			out = append(out, chunk...)
		}
		i += 12 + n
		if typ == "IEND" {
			return out, nil
		}
	}
}

// WebP chunks dropped, and the VP8X flags that announce them.
const (
	webpFlagEXIF = 0x08
	webpFlagXMP  = 0x04
)

func stripWebP(b []byte) ([]byte, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil, malformed("WebP", "no RIFF header")
	}
	size := int(binary.LittleEndian.Uint32(b[4:]))
	if size < 4 || size > len(b)-8 {
		return nil, malformed("WebP", "the header's size is wrong")
	}
	body := b[12 : 8+size] // anything after the RIFF is dropped
	out := append(make([]byte, 0, len(b)), b[:12]...)
	for i := 0; i < len(body); {
		if i+8 > len(body) {
			return nil, malformed("WebP", "a chunk is cut short")
		}
		n := int(binary.LittleEndian.Uint32(body[i+4:]))
		padded := n + n&1
		if n < 0 || padded > len(body)-i-8 {
			return nil, malformed("WebP", "a chunk is longer than the file")
		}
		typ := string(body[i : i+4])
		chunk := body[i : i+8+padded]
		switch typ {
		case "EXIF", "XMP ":
		case "VP8X":
			c := append([]byte(nil), chunk...)
			if n > 0 {
				c[8] &^= webpFlagEXIF | webpFlagXMP
			}
			out = append(out, c...)
		default:
			out = append(out, chunk...)
		}
		i += 8 + padded
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}
