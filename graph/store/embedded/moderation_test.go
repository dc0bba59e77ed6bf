package embedded

import (
	"encoding/binary"
	"testing"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// TestMigrateFromSchema1: a file written before moderation (schema 1, no
// moderation buckets) opens, gains the buckets and reads as before.
func TestMigrateFromSchema1(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	ok(t, err)
	mkContributor(t, s, "ana")
	mkNote(t, s, "n1", graph.VisibilityPublic, "ana")
	path := s.Path()
	ok(t, s.Close())

	db, err := bbolt.Open(path, 0o600, nil)
	ok(t, err)
	ok(t, db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bFlags, bDocFlags, bHidden} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		downgradeRecordsToV3(t, tx, nil)
		return tx.Bucket(bMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, 1))
	}))
	ok(t, db.Close())

	s, err = Open(dir, Options{})
	ok(t, err)
	defer s.Close()
	if d, err := s.Document(anon, "n1"); err != nil || d.Hidden {
		t.Fatalf("n1 after the migration: %+v, %v", d, err)
	}
	must(s.SetHidden(sys, "n1", true))
	if _, err := s.Document(anon, "n1"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("hidden n1 read anonymously: %v", err)
	}
	ok(t, s.db.View(func(tx *bbolt.Tx) error {
		if v := binary.BigEndian.Uint64(tx.Bucket(bMeta).Get(keySchema)); v != SchemaVersion {
			t.Errorf("schema %d after the migration, want %d", v, SchemaVersion)
		}
		return nil
	}))
}
