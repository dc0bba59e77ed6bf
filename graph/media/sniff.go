// Package media decides what an uploaded file is and makes it safe to
// keep: the type is read from the content (a file that lies about its type
// is refused), photos lose their location and camera metadata before they
// are stored, and caption files (WebVTT, SRT) become timed text that
// search can find.
package media

import (
	"bytes"
	"mime"
	"strings"

	"github.com/encommun/maillage/graph"
)

// Format is what a reader does with a file; the search facet uses it.
type Format string

const (
	Audio Format = "audio"
	Video Format = "video"
	Image Format = "image"
	PDF   Format = "pdf"
)

// Type is a file's media type as read from its content.
type Type struct {
	MIME   string
	Format Format
}

// SniffLen is how many leading bytes Sniff needs at most.
const SniffLen = 512

// aliases are declared types that name the same content as the sniffed
// one: browsers and recorders disagree on some names.
var aliases = map[string][]string{
	"image/jpeg": {"image/jpg", "image/pjpeg"},
	"audio/mpeg": {"audio/mp3", "audio/mpeg3", "audio/x-mpeg"},
	"audio/wav":  {"audio/wave", "audio/x-wav", "audio/vnd.wave"},
	"audio/mp4":  {"audio/x-m4a", "audio/m4a", "video/mp4"},
	"video/mp4":  {"audio/mp4", "audio/x-m4a"},
	"audio/ogg":  {"application/ogg", "audio/opus", "video/ogg"},
	"audio/flac": {"audio/x-flac"},
	"video/webm": {"audio/webm"},
}

// Sniff reads a file's type from its first bytes (at least SniffLen of
// them when the file is that long). Only types a browser plays or shows
// are accepted; anything else is BAD_USER_INPUT naming what is.
func Sniff(head []byte) (Type, error) {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return Type{"image/jpeg", Image}, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return Type{"image/png", Image}, nil
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return Type{"image/webp", Image}, nil
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WAVE":
		return Type{"audio/wav", Audio}, nil
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return Type{"application/pdf", PDF}, nil
	case bytes.HasPrefix(head, []byte("ID3")) || mpegFrame(head):
		return Type{"audio/mpeg", Audio}, nil
	case bytes.HasPrefix(head, []byte("OggS")):
		return Type{"audio/ogg", Audio}, nil
	case bytes.HasPrefix(head, []byte("fLaC")):
		return Type{"audio/flac", Audio}, nil
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		switch string(head[8:12]) {
		case "M4A ", "M4B ":
			return Type{"audio/mp4", Audio}, nil
		case "qt  ":
			return Type{}, graph.Errorf(graph.EINVALID, "QuickTime (.mov) files are not accepted: export the video as MP4 or WebM")
		}
		return Type{"video/mp4", Video}, nil
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		if bytes.Contains(head, []byte("webm")) {
			return Type{"video/webm", Video}, nil
		}
		return Type{}, graph.Errorf(graph.EINVALID, "Matroska (.mkv) files are not accepted: export the video as WebM or MP4")
	case svg(head):
		// An SVG is a document that may run scripts in the reader's browser.
		return Type{}, graph.Errorf(graph.EINVALID, "SVG drawings are not accepted: export the drawing as PNG or PDF")
	case bytes.HasPrefix(head, []byte("GIF87a")) || bytes.HasPrefix(head, []byte("GIF89a")):
		return Type{}, graph.Errorf(graph.EINVALID, "GIF images are not accepted: use PNG, JPEG or WebP")
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return Type{}, graph.Errorf(graph.EINVALID, "archives (zip, docx, odt…) are not accepted: export the document as PDF")
	}
	return Type{}, graph.Errorf(graph.EINVALID, "unrecognised file type: audio (MP3, Ogg, WAV, FLAC, M4A), video (MP4, WebM), images (JPEG, PNG, WebP) and PDF are accepted")
}

// mpegFrame recognises an MPEG audio frame header without an ID3 tag:
// 11 set sync bits, a layer, and a bitrate index that is not "bad".
func mpegFrame(h []byte) bool {
	return len(h) >= 3 && h[0] == 0xFF && h[1]&0xE0 == 0xE0 && h[1]&0x06 != 0 && h[2]&0xF0 != 0xF0
}

func svg(h []byte) bool {
	s := strings.ToLower(string(bytes.TrimLeft(h, "\xef\xbb\xbf \t\r\n")))
	return strings.HasPrefix(s, "<svg") || (strings.HasPrefix(s, "<?xml") && strings.Contains(s, "<svg"))
}

// Check sniffs head and compares it with the type the uploader declared
// (a Content-Type, parameters allowed). An empty or generic declaration
// takes the sniffed type; a different one is refused, so a file cannot be
// served under a type its content is not.
func Check(head []byte, declared string) (Type, error) {
	t, err := Sniff(head)
	if err != nil {
		return Type{}, err
	}
	d := strings.ToLower(strings.TrimSpace(declared))
	if mt, _, err := mime.ParseMediaType(d); err == nil {
		d = mt
	}
	if d == "" || d == "application/octet-stream" || d == t.MIME {
		return t, nil
	}
	for _, a := range aliases[t.MIME] {
		if d == a {
			return t, nil
		}
	}
	return Type{}, graph.Errorf(graph.EINVALID, "the file is declared as %q but its content is %s", clip(d, 80), t.MIME)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
