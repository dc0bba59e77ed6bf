// Package blob keeps the bytes of media files (audio, video, images,
// drawings, PDFs) by the SHA-256 of their content. Documents refer to a
// blob by that digest; who may read a blob is decided by the document it
// belongs to, where the document is read, never here.
//
// Store is the small interface a deployment can point at shared storage
// when several API processes serve one graph; Dir, the default, keeps
// blobs under the data directory.
package blob

import (
	"context"
	"encoding/hex"
	"io"
	"time"

	"github.com/encommun/maillage/graph"
)

// Ref names stored content: its SHA-256 (64 lower-case hex digits) and size.
type Ref struct {
	SHA256 string
	Size   int64
}

// File is an open blob. It seeks, so that HTTP range requests (audio and
// video seeking) are served from it without reading it whole.
type File interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// Store keeps blobs by content.
//
// Put reads r to its end and keeps its bytes, unless there are more than
// limit of them (BAD_USER_INPUT, nothing kept) or r fails (the error is
// returned and nothing is kept): a blob is stored whole or not at all.
// Putting content already stored keeps one copy and returns the same Ref.
// Open returns NOT_FOUND for a digest it does not hold; Delete of an
// absent blob is not an error.
type Store interface {
	Put(ctx context.Context, r io.Reader, limit int64) (Ref, error)
	Open(ctx context.Context, sha256 string) (File, error)
	Delete(ctx context.Context, sha256 string) error
}

// CheckDigest refuses anything but a SHA-256 in lower-case hex, so a
// digest taken from a request can never name a path outside the store.
func CheckDigest(s string) error {
	if len(s) != 64 {
		return graph.Errorf(graph.EINVALID, "a blob digest is 64 hexadecimal digits (SHA-256), not %d characters", len(s))
	}
	if _, err := hex.DecodeString(s); err != nil || s != lower(s) {
		return graph.Errorf(graph.EINVALID, "a blob digest is lower-case hexadecimal (SHA-256)")
	}
	return nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'F' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// TooLarge is the error of a Put over its limit.
func TooLarge(limit int64) *graph.Error {
	return graph.Errorf(graph.EINVALID, "the file is larger than the limit of %d bytes", limit)
}
