package embedded

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

var _ graph.HotBackuper = (*Store)(nil)

// HotBackup implements graph.HotBackuper: bbolt writes the file as one
// read transaction sees it, so the copy is consistent without stopping
// writers. While it runs, a write that needs the file to grow waits for it
// (bbolt cannot remap a file a reader holds), which docs/operations.md says.
func (s *Store) HotBackup(ctx context.Context, start func(size int64, seq uint64) (io.Writer, error)) error {
	if err := graph.RequireAdminTo(viewerOf(ctx), "copy the whole store"); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bbolt.Tx) error {
		var seq uint64
		if b := tx.Bucket(bMeta).Get(keySeq); len(b) == 8 {
			seq = binary.BigEndian.Uint64(b)
		}
		w, err := start(tx.Size(), seq)
		if err != nil {
			return err
		}
		_, err = tx.WriteTo(ctxWriter{ctx, w})
		return err
	})
}

// ctxWriter stops a copy whose caller went away: tx.WriteTo has no
// context of its own.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// VerifyCopy checks that the file at path is a whole, consistent store file
// of a schema this binary reads (what a backup must be before it replaces
// anything) and returns the change sequence it ends at. It reads every
// page: bbolt's own consistency check. It opens the file as a store is
// opened (read-only, bbolt would fault on a cut file before any check),
// so it must be a file nothing else uses, such as a copy being made.
func VerifyCopy(path string) (seq uint64, err error) {
	notACopy := func(cause error) error {
		if errors.Is(cause, ErrCorrupt) {
			return cause
		}
		return fmt.Errorf("%s is not a whole copy of a maillage store (%w: %v)", path, ErrCorrupt, cause)
	}
	db, err := openBolt(path, time.Second)
	if err != nil {
		return 0, notACopy(err)
	}
	defer db.Close()
	err = guard(path, func() error {
		return db.View(func(tx *bbolt.Tx) error {
			meta := tx.Bucket(bMeta)
			if meta == nil || len(meta.Get(keySchema)) != 8 {
				return errors.New("no maillage schema version")
			}
			if v := binary.BigEndian.Uint64(meta.Get(keySchema)); v > SchemaVersion {
				return fmt.Errorf("schema %d is newer than this binary's %d", v, SchemaVersion)
			}
			if b := meta.Get(keySeq); len(b) == 8 {
				seq = binary.BigEndian.Uint64(b)
			}
			// Drained to the end: the check runs in its own goroutine,
			// which must be done before the transaction closes.
			var first error
			for cerr := range tx.Check() {
				if first == nil {
					first = cerr
				}
			}
			return first
		})
	})
	if err != nil {
		return 0, notACopy(err)
	}
	return seq, nil
}
