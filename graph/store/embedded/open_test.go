package embedded

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

func TestOpenCreatesDirectoryAndFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a", "b")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if want := filepath.Join(dir, FileName); s.Path() != want {
		t.Errorf("Path() = %q, want %q", s.Path(), want)
	}
	if _, err := os.Stat(s.Path()); err != nil {
		t.Errorf("database file: %v", err)
	}
	if seq := lastSeq(t, s); seq != 0 {
		t.Errorf("LastSeq of a new store = %d, want 0", seq)
	}
}

func TestOpenLocked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = Open(dir, Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %v: the lock wait must be short", d)
	}
	for _, want := range []string{dir, "another maillage process", "server"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("lock message %q does not mention %q", err, want)
		}
	}
	// Once the holder closes, the directory is free again.
	ok(t, s.Close())
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after the holder closed: %v", err)
	}
	ok(t, s2.Close())
}

func TestOpenGarbage(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 100, 4096, 64 << 10} {
		dir := t.TempDir()
		b := make([]byte, size)
		_, _ = rand.Read(b)
		path := filepath.Join(dir, FileName)
		ok(t, os.WriteFile(path, b, 0o600))
		_, err := Open(dir, Options{})
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%d random bytes: %v, want ErrCorrupt", size, err)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("message %q does not name the file", err)
		}
	}
}

// writeSample fills a store with enough data to span many pages.
func writeSample(t *testing.T, dir string) string {
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mkContributor(t, s, "ana")
	for i := range 200 {
		must(s.CreateDocument(sys, graph.Document{Kind: graph.KindNote, Title: "Note",
			Body: strings.Repeat("texte ", 400), Language: "fr", Visibility: graph.VisibilityPublic}, []string{"ana"}))
		_ = i
	}
	ok(t, s.Close())
	return filepath.Join(dir, FileName)
}

func TestOpenTruncated(t *testing.T) {
	t.Parallel()
	src := writeSample(t, t.TempDir())
	full, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var used int64
	db, err := bbolt.Open(src, 0o600, nil)
	ok(t, err)
	ok(t, db.View(func(tx *bbolt.Tx) error { used = tx.Size(); return nil }))
	ok(t, db.Close())
	for _, size := range []int64{1, 1000, 4096, 8192, 3 * 4096, used / 2, used - 4096} {
		dir := t.TempDir()
		path := filepath.Join(dir, FileName)
		ok(t, os.WriteFile(path, full[:size], 0o600))
		s, err := Open(dir, Options{})
		if err == nil {
			s.Close()
			t.Errorf("file cut to %d of %d bytes opened without error", size, used)
			continue
		}
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
			t.Errorf("file cut to %d bytes: %v, want ErrCorrupt naming the file", size, err)
		}
	}
}

func TestOpenForeignBolt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	db, err := bbolt.Open(path, 0o600, nil)
	ok(t, err)
	ok(t, db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucket([]byte("someone-else"))
		return err
	}))
	ok(t, db.Close())
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("bbolt file of another program: %v, want ErrCorrupt", err)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeSample(t, dir)
	db, err := bbolt.Open(path, 0o600, nil)
	ok(t, err)
	ok(t, db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion+1))
	}))
	ok(t, db.Close())
	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open: %v, want ErrNewerSchema", err)
	}
	want := fmt.Sprintf("written by a newer maillage (schema %d, this binary knows %d): upgrade maillage", SchemaVersion+1, SchemaVersion)
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
		t.Errorf("message %q, want the path and %q", err, want)
	}
}

func TestDurableAcrossReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	ok(t, err)
	mkContributor(t, s, "ana")
	must(s.Communities().Create(sys, graph.Community{ID: "quartier", Name: "Quartier"}))
	d := mkNote(t, s, "n1", graph.VisibilityCommunity, "ana")
	mkNote(t, s, "n2", graph.VisibilityPublic, "ana")
	mkLink(t, s, graph.RelLinksTo, "n1", "n2")
	mkLink(t, s, graph.RelOfCommunity, "n1", "quartier")
	d = must(s.UpdateDocument(asC("ana"), "n1", graph.DocumentUpdate{Version: d.Version, Title: ptr("Autre titre")}))
	must(s.DeclareStandpoint(asC("ana"), graph.Declaration{ContributorID: "ana", Dimension: "region", Value: "montreal", Visibility: graph.DeclPrivate}))
	secret, hash := graph.NewTokenSecret()
	_ = secret
	ok(t, s.CreateToken(sys, graph.Token{Hash: hash, Role: graph.RoleContributor, ContributorID: "ana"}))
	seq := lastSeq(t, s)
	ok(t, s.Close())

	s, err = Open(dir, Options{})
	ok(t, err)
	defer s.Close()
	got := must(s.Document(asC("ana"), "n1"))
	if got.Title != "Autre titre" || got.Version != 2 || !got.UpdatedAt.Equal(d.UpdatedAt) || !got.CreatedAt.Equal(d.CreatedAt) {
		t.Errorf("after reopen: %+v, want %+v", got, d)
	}
	if _, err := s.Document(anon, "n1"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("community note visible to anonymous after reopen: %v", err)
	}
	links := must(s.Links(anon, []string{"n2"}, graph.RelLinksTo, graph.In))
	if len(links["n2"]) != 0 {
		t.Errorf("hidden backlink shown after reopen: %v", links)
	}
	links = must(s.Links(asC("ana"), []string{"n2"}, graph.RelLinksTo, graph.In))
	if len(links["n2"]) != 1 {
		t.Errorf("backlinks for the author after reopen: %v", links)
	}
	decls := must(s.Declarations(asC("ana"), []string{"ana"}))
	if len(decls["ana"]) != 1 {
		t.Errorf("declarations after reopen: %v", decls)
	}
	tok := must(s.TokenByHash(anon, hash))
	if tok.ContributorID != "ana" || tok.Role != graph.RoleContributor {
		t.Errorf("token after reopen: %+v", tok)
	}
	if got := lastSeq(t, s); got != seq {
		t.Errorf("LastSeq after reopen %d, want %d", got, seq)
	}
	mkNote(t, s, "n3", graph.VisibilityPublic)
	if got := lastSeq(t, s); got != seq+1 {
		t.Errorf("LastSeq after one more write %d, want %d", got, seq+1)
	}
}
