package embedded

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// TestMigrateBuildsAdjacencyIndex: a file written before the adjacency
// index (schema 2) opens with the index built from its links, and counts
// a hidden or private neighbour for no one who may not read it.
func TestMigrateBuildsAdjacencyIndex(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	ok(t, err)
	mkContributor(t, s, "ana")
	mkContributor(t, s, "bea")
	mkNote(t, s, "hub", graph.VisibilityPublic, "ana")
	for _, id := range []string{"p1", "p2", "p3"} {
		mkNote(t, s, id, graph.VisibilityPublic, "bea")
		mkLink(t, s, graph.RelLinksTo, id, "hub")
	}
	mkNote(t, s, "priv", graph.VisibilityPrivate, "ana")
	mkLink(t, s, graph.RelLinksTo, "priv", "hub")
	mkNote(t, s, "gone", graph.VisibilityPublic, "bea")
	mkLink(t, s, graph.RelLinksTo, "hub", "gone")
	must(s.SetHidden(sys, "gone", true))
	path := s.Path()
	ok(t, s.Close())

	db, err := bbolt.Open(path, 0o600, nil)
	ok(t, err)
	ok(t, db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bDegrees, bShut} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		downgradeRecordsToV3(t, tx, nil)
		return tx.Bucket(bMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, 2))
	}))
	ok(t, db.Close())

	s, err = Open(dir, Options{})
	ok(t, err)
	defer s.Close()
	q := graph.AdjacencyQuery{Direction: graph.Both, Limit: -1, Degrees: true}
	for _, c := range []struct {
		name string
		ctx  context.Context
		want int // hub's visible degree: AUTHORED by ana, p1–p3, priv, gone
	}{{"anonymous", anon, 4}, {"ana", asC("ana"), 5}, {"bea", asC("bea"), 5}, {"system", sys, 6}} {
		a := must(s.Adjacency(c.ctx, []string{"hub"}, q))["hub"]
		links := must(s.Links(c.ctx, []string{"hub"}, "", graph.Both))["hub"]
		if a.Degree != c.want || len(a.Links) != c.want || len(links) != c.want {
			t.Errorf("%s: hub degree %d, %d links, Links gives %d: want %d", c.name, a.Degree, len(a.Links), len(links), c.want)
		}
	}
}
