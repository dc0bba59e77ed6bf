package media

import (
	"os"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

func TestCheckReadsTheTypeFromTheContent(t *testing.T) {
	t.Parallel()
	photo, err := os.ReadFile("testdata/gps-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	ok := []struct {
		head     string
		declared string
		want     Type
	}{
		{string(photo[:SniffLen]), "image/jpeg", Type{"image/jpeg", Image}},
		{string(photo[:SniffLen]), "image/jpg", Type{"image/jpeg", Image}},
		{string(photo[:SniffLen]), "", Type{"image/jpeg", Image}},
		{"\x89PNG\r\n\x1a\n\x00\x00", "image/png", Type{"image/png", Image}},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp", Type{"image/webp", Image}},
		{"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/x-wav", Type{"audio/wav", Audio}},
		{"ID3\x04\x00", "audio/mpeg", Type{"audio/mpeg", Audio}},
		{"\xff\xfb\x90\x64", "audio/mp3", Type{"audio/mpeg", Audio}},
		{"OggS\x00\x02", "audio/ogg; codecs=opus", Type{"audio/ogg", Audio}},
		{"\x00\x00\x00\x20ftypM4A \x00", "audio/x-m4a", Type{"audio/mp4", Audio}},
		{"\x00\x00\x00\x20ftypisom\x00", "video/mp4", Type{"video/mp4", Video}},
		{"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm", Type{"video/webm", Video}},
		{"%PDF-1.7\n", "application/pdf", Type{"application/pdf", PDF}},
		{"%PDF-1.7\n", "application/octet-stream", Type{"application/pdf", PDF}},
	}
	for _, c := range ok {
		got, err := Check([]byte(c.head), c.declared)
		if err != nil || got != c.want {
			t.Errorf("Check(%q, %q) = %+v, %v; want %+v", c.head[:8], c.declared, got, err, c.want)
		}
	}
	refused := []struct{ head, declared, want string }{
		{"%PDF-1.7\n", "image/png", `declared as "image/png" but its content is application/pdf`},
		{string(photo[:SniffLen]), "audio/mpeg", "content is image/jpeg"},
		{"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/svg+xml", "SVG drawings are not accepted"},
		{"<?xml version='1.0'?>\n<svg>", "image/png", "SVG drawings are not accepted"},
		{"PK\x03\x04", "application/pdf", "archives"},
		{"GIF89a", "image/gif", "GIF images are not accepted"},
		{"\x00\x00\x00\x14ftypqt  ", "video/quicktime", "QuickTime"},
		{"#!/bin/sh\nrm -rf /", "audio/mpeg", "unrecognised file type"},
		{"", "image/png", "unrecognised file type"},
	}
	for _, c := range refused {
		_, err := Check([]byte(c.head), c.declared)
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), c.want) {
			t.Errorf("Check(%q, %q): %v; want BAD_USER_INPUT with %q", c.head, c.declared, err, c.want)
		}
	}
}
