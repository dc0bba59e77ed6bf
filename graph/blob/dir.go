package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/encommun/maillage/graph"
)

// Dir is a Store in a directory: each blob is the file
// ab/cdef…(the rest of its digest), written under a temporary name,
// synced, then renamed into place, so a crash or a broken upload never
// leaves a partial blob under a digest.
type Dir struct {
	root string
}

// OpenDir returns the Store in root, creating the directory if needed.
func OpenDir(root string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return &Dir{root: root}, nil
}

func (d *Dir) path(sha string) string {
	return filepath.Join(d.root, sha[:2], sha[2:])
}

// Put implements Store.
func (d *Dir) Put(ctx context.Context, r io.Reader, limit int64) (Ref, error) {
	tmp, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "put-*")
	if err != nil {
		return Ref{}, fmt.Errorf("blob store: %w", err)
	}
	kept := false
	defer func() {
		if !kept {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	// One byte more than the limit tells "exactly limit" from "over it"
	// without reading the rest of a huge upload.
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(ctxReader{ctx, r}, limit+1))
	if err != nil {
		return Ref{}, err
	}
	if n > limit {
		return Ref{}, TooLarge(limit)
	}
	if err := tmp.Sync(); err != nil {
		return Ref{}, fmt.Errorf("blob store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Ref{}, fmt.Errorf("blob store: %w", err)
	}
	ref := Ref{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	dst := d.path(ref.SHA256)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return Ref{}, fmt.Errorf("blob store: %w", err)
	}
	// Same content, same name: a rename over an existing copy is harmless.
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return Ref{}, fmt.Errorf("blob store: %w", err)
	}
	kept = true
	return ref, syncDir(filepath.Dir(dst))
}

// Open implements Store.
func (d *Dir) Open(_ context.Context, sha string) (File, error) {
	if err := CheckDigest(sha); err != nil {
		return nil, err
	}
	f, err := os.Open(d.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, graph.Errorf(graph.ENOTFOUND, "no file with digest %s", sha)
	} else if err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return &dirFile{File: f, size: st.Size(), mod: st.ModTime()}, nil
}

// Delete implements Store.
func (d *Dir) Delete(_ context.Context, sha string) error {
	if err := CheckDigest(sha); err != nil {
		return err
	}
	if err := os.Remove(d.path(sha)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob store: %w", err)
	}
	return nil
}

type dirFile struct {
	*os.File
	size int64
	mod  time.Time
}

func (f *dirFile) Size() int64        { return f.size }
func (f *dirFile) ModTime() time.Time { return f.mod }

// ctxReader stops a long upload when its request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// syncDir makes a rename durable: the directory entry is data too.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob store: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("blob store: %w", err)
	}
	return nil
}
