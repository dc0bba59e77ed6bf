package embedded

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// downgradeRecordsToV3 rewrites a current file's contributor records and
// revisions in their schema 3 layout (a region on every contributor, no
// visibility on revisions), so that tests can open it as a schema 3 file.
func downgradeRecordsToV3(t *testing.T, tx *bbolt.Tx, regions map[string]string) {
	t.Helper()
	cs := tx.Bucket(recordBucket(graph.KindContributor))
	puts := map[string][]byte{}
	ok(t, cs.ForEach(func(k, v []byte) error {
		c, err := decodeContributor(string(k), v)
		if err != nil {
			return err
		}
		e := newEnc()
		e.str(c.Name)
		e.str(c.Bio)
		e.str(regions[c.ID])
		e.time(c.CreatedAt)
		e.time(c.UpdatedAt)
		e.int(int64(c.Version))
		puts[c.ID] = e.b
		return nil
	}))
	for id, b := range puts {
		ok(t, cs.Put([]byte(id), b))
	}
	rs := tx.Bucket(bRevisions)
	revs := map[string][]byte{}
	ok(t, rs.ForEach(func(k, v []byte) error {
		i := bytes.IndexByte(k, 0)
		r, err := decodeRevision(string(k[:i]), int(binary.BigEndian.Uint64(k[i+1:])), v)
		if err != nil {
			return err
		}
		e := newEnc()
		e.str(r.AuthorID)
		e.time(r.At)
		e.strs(r.Changed)
		e.str(r.Title)
		e.str(r.Summary)
		e.str(r.Body)
		revs[string(k)] = e.b
		return nil
	}))
	for k, b := range revs {
		ok(t, rs.Put([]byte(k), b))
	}
}

// TestMigrateFromSchema3 opens a schema 3 file: every stored region is
// dropped (a declaration of it stays as its owner declared it), and old
// revisions get the visibility graph.LegacyRevisionVisibility gives: the
// draft a PRIVATE note had before it was made PUBLIC stays PRIVATE.
func TestMigrateFromSchema3(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	ok(t, err)
	mkContributor(t, s, "ana")
	mkContributor(t, s, "bea")
	_, err = s.DeclareStandpoint(asC("ana"), graph.Declaration{ContributorID: "ana", Dimension: "region", Value: "montreal", Visibility: graph.DeclAggregate})
	ok(t, err)
	mkNote(t, s, "draft", graph.VisibilityPrivate, "ana")
	d, err := s.UpdateDocument(asC("ana"), "draft", graph.DocumentUpdate{Version: 1, Body: ptr("Brouillon secret.")})
	ok(t, err)
	pub := graph.VisibilityPublic
	_, err = s.UpdateDocument(asC("ana"), "draft", graph.DocumentUpdate{Version: d.Version, Visibility: &pub, Body: ptr("Texte publié.")})
	ok(t, err)
	mkNote(t, s, "open", graph.VisibilityPublic, "bea")
	path := s.Path()
	ok(t, s.Close())

	db, err := bbolt.Open(path, 0o600, nil)
	ok(t, err)
	ok(t, db.Update(func(tx *bbolt.Tx) error {
		downgradeRecordsToV3(t, tx, map[string]string{"ana": "montreal", "bea": "estrie"})
		return tx.Bucket(bMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, 3))
	}))
	ok(t, db.Close())

	s, err = Open(dir, Options{})
	ok(t, err)
	defer s.Close()
	ok(t, s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(recordBucket(graph.KindContributor)).ForEach(func(k, v []byte) error {
			if _, region, err := decodeContributorV3(string(k), v); err == nil {
				t.Errorf("contributor %s still has a schema 3 record (region %q)", k, region)
			}
			_, err := decodeContributor(string(k), v)
			return err
		})
	}))
	decls, err := s.Declarations(asC("ana"), []string{"ana"})
	ok(t, err)
	if len(decls["ana"]) != 1 || decls["ana"][0].Visibility != graph.DeclAggregate {
		t.Errorf("ana's declarations after the migration: %+v", decls["ana"])
	}
	revs, err := s.Revisions(anon, "draft", graph.Page{})
	ok(t, err)
	if len(revs.Edges) != 1 || revs.Edges[0].Node.Version != 3 {
		t.Errorf("anonymous reads %d revisions of draft, want only version 3: %+v", len(revs.Edges), revs.Edges)
	}
	for _, v := range []int{1, 2} {
		if _, err := s.Revision(anon, "draft", v); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("anonymous Revision(draft, %d) after the migration: %v", v, err)
		}
		if _, err := s.Revision(asC("ana"), "draft", v); err != nil {
			t.Errorf("author's Revision(draft, %d) after the migration: %v", v, err)
		}
	}
	if revs, err := s.Revisions(anon, "open", graph.Page{}); err != nil || len(revs.Edges) != 1 {
		t.Errorf("revisions of an always public note after the migration: %+v, %v", revs, err)
	}
}
