package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/encommun/maillage/graph"
)

func TestHotBackupIsForAdmins(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	for _, c := range []struct {
		ctx  context.Context
		code string
	}{
		{anon, graph.EUNAUTHENTICATED},
		{asC("ana"), graph.EFORBIDDEN},
		{as(graph.Viewer{Role: graph.RoleCurator, ContributorID: "ana"}), graph.EFORBIDDEN},
	} {
		started := false
		err := s.HotBackup(c.ctx, func(int64, uint64) (io.Writer, error) {
			started = true
			return io.Discard, nil
		})
		wantCode(t, err, c.code, "backup")
		if started {
			t.Errorf("a %s backup started writing", c.code)
		}
	}
}

// TestHotBackupWhileWriting copies the store while a contributor keeps
// writing: the copy opens as a store, holds every note acknowledged
// before the copy began, ends at the change sequence it announced, and
// keeps private notes private.
func TestHotBackupWhileWriting(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkContributor(t, s, "ana")
	mkNote(t, s, "secret", graph.VisibilityPrivate, "ana")
	var before []string
	for i := range 50 {
		before = append(before, mkNote(t, s, fmt.Sprintf("n%02d", i), graph.VisibilityPublic, "ana").ID)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_, err := s.CreateDocument(asC("ana"), graph.Document{Kind: graph.KindNote, Title: fmt.Sprintf("Pendant %d", i),
				Body: "Écrite pendant la copie", Language: "fr", Visibility: graph.VisibilityPublic}, []string{"ana"})
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var buf bytes.Buffer
	var size int64
	var seq uint64
	err := s.HotBackup(as(graph.Viewer{Role: graph.RoleAdmin}), func(n int64, at uint64) (io.Writer, error) {
		size, seq = n, at
		return &buf, nil
	})
	close(stop)
	wg.Wait()
	ok(t, err)
	if int64(buf.Len()) != size || seq == 0 {
		t.Fatalf("announced %d bytes at seq %d, wrote %d", size, seq, buf.Len())
	}

	dir := t.TempDir()
	ok(t, os.WriteFile(filepath.Join(dir, FileName), buf.Bytes(), 0o600))
	c, err := Open(dir, Options{})
	ok(t, err)
	defer c.Close()
	if got := must(c.LastSeq(sys)); got != seq {
		t.Errorf("the copy ends at seq %d, announced %d", got, seq)
	}
	docs := must(c.Documents(anon, before))
	for i, d := range docs {
		if d == nil {
			t.Errorf("note %s acknowledged before the copy is not in it", before[i])
		}
	}
	if _, err := c.Document(anon, "secret"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("anonymous reads the private note in the copy: %v", err)
	}
	if _, err := c.Document(asC("ana"), "secret"); err != nil {
		t.Errorf("the author cannot read her private note in the copy: %v", err)
	}
}

func TestHotBackupStopsWithItsCaller(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mkNote(t, s, "n1", graph.VisibilityPublic)
	ctx, cancel := context.WithCancel(as(graph.Viewer{Role: graph.RoleAdmin}))
	err := s.HotBackup(ctx, func(int64, uint64) (io.Writer, error) {
		cancel()
		return io.Discard, nil
	})
	if err == nil {
		t.Fatal("a backup whose caller went away ended without an error")
	}
}

func TestVerifyCopyRefusesACutFile(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for i := range 200 {
		mkNote(t, s, fmt.Sprintf("n%03d", i), graph.VisibilityPublic)
	}
	var buf bytes.Buffer
	ok(t, s.HotBackup(sys, func(int64, uint64) (io.Writer, error) { return &buf, nil }))
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.db")
	ok(t, os.WriteFile(whole, buf.Bytes(), 0o600))
	if seq, err := VerifyCopy(whole); err != nil || seq != lastSeq(t, s) {
		t.Fatalf("whole copy: seq %d, %v", seq, err)
	}
	for _, cut := range []int{0, 100, buf.Len() / 2, buf.Len() - 4096} {
		p := filepath.Join(dir, fmt.Sprintf("cut-%d.db", cut))
		ok(t, os.WriteFile(p, buf.Bytes()[:cut], 0o600))
		if _, err := VerifyCopy(p); !errors.Is(err, ErrCorrupt) {
			t.Errorf("a copy cut at %d of %d bytes: %v, want ErrCorrupt", cut, buf.Len(), err)
		}
	}
}
