package embedded

import (
	"bytes"
	"fmt"

	"github.com/encommun/maillage/graph"
)

// Each document kind has a sort index: for every document and every order
// of headOrders, one key order-byte + sort key + \x00 + id, whose value is
// the document's facets (visibility, language). A list walks the index of
// its order in the direction it wants, so it meets documents already
// sorted and never decodes a record it does not return. Ids never hold a
// \x00, so the id is what follows the last one.

func sortEntry(order int, key, id string) []byte {
	b := make([]byte, 0, 2+len(key)+len(id))
	b = append(b, byte(order))
	b = append(b, key...)
	b = append(b, 0)
	return append(b, id...)
}

// indexDocument writes d's sort entries; the old ones must be gone.
func (w *writer) indexDocument(d *graph.Document) error {
	b := w.tx.Bucket(sortBucket(d.Kind))
	facets := encodeFacets(d)
	for i, f := range headOrders {
		if err := b.Put(sortEntry(i, graph.DocumentOrder{Field: f}.SortKey(d), d.ID), facets); err != nil {
			return err
		}
	}
	return nil
}

// unindexDocument removes the sort entries its stored head points to.
func (w *writer) unindexDocument(kind graph.Kind, id string) error {
	old := w.headsOf(kind).Get([]byte(id))
	if old == nil {
		return nil
	}
	h, err := readHead(old)
	if err != nil {
		return fmt.Errorf("head of %s: %w", id, err)
	}
	var entries [][]byte
	for i, k := range h.keys {
		entries = append(entries, sortEntry(i, string(k), id))
	}
	b := w.tx.Bucket(sortBucket(kind))
	for _, e := range entries {
		if err := b.Delete(e); err != nil {
			return err
		}
	}
	return nil
}

// scanSorted calls fn for each document of kind in the order's index,
// ascending or descending.
func (r *reader) scanSorted(kind graph.Kind, order int, desc bool, fn func(key, id, facets []byte) error) error {
	c := r.tx.Bucket(sortBucket(kind)).Cursor()
	tag := byte(order)
	k, v := c.Seek([]byte{tag})
	step := c.Next
	if desc {
		if k, v = c.Seek([]byte{tag + 1}); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		step = c.Prev
	}
	for ; k != nil && k[0] == tag; k, v = step() {
		sep := bytes.LastIndexByte(k, 0)
		if sep < 1 {
			return fmt.Errorf("sort entry %q: %w", k, errBadRecord)
		}
		if err := fn(k[1:sep], k[sep+1:], v); err != nil {
			return err
		}
	}
	return nil
}
