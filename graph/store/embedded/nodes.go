package embedded

import (
	"fmt"
	"time"

	"github.com/encommun/maillage/graph"
)

// nodeType tells the shared code how to store one of the kinds that are
// not documents (contributors, carnets, communities, knowledge bases):
// they have no visibility and no revisions, only a version.
type nodeType[T any] struct {
	kind     graph.Kind
	encode   func(*T) []byte
	decode   func(id string, b []byte) (*T, error)
	validate func(*T) error
	// fields exposes the bookkeeping fields every such type has.
	fields func(*T) (id *string, created, updated *time.Time, version *int)
}

var (
	contributorType = nodeType[graph.Contributor]{graph.KindContributor, encodeContributor, decodeContributor,
		(*graph.Contributor).Validate, func(c *graph.Contributor) (*string, *time.Time, *time.Time, *int) {
			return &c.ID, &c.CreatedAt, &c.UpdatedAt, &c.Version
		}}
	carnetType = nodeType[graph.Carnet]{graph.KindCarnet, encodeCarnet, decodeCarnet,
		(*graph.Carnet).Validate, func(c *graph.Carnet) (*string, *time.Time, *time.Time, *int) {
			return &c.ID, &c.CreatedAt, &c.UpdatedAt, &c.Version
		}}
	communityType = nodeType[graph.Community]{graph.KindCommunity, encodeCommunity, decodeCommunity,
		(*graph.Community).Validate, func(c *graph.Community) (*string, *time.Time, *time.Time, *int) {
			return &c.ID, &c.CreatedAt, &c.UpdatedAt, &c.Version
		}}
	knowledgeBaseType = nodeType[graph.KnowledgeBase]{graph.KindKnowledgeBase, encodeKnowledgeBase, decodeKnowledgeBase,
		(*graph.KnowledgeBase).Validate, func(b *graph.KnowledgeBase) (*string, *time.Time, *time.Time, *int) {
			return &b.ID, &b.CreatedAt, &b.UpdatedAt, &b.Version
		}}
)

// get returns the node or nil when there is no such node of this kind.
func (t nodeType[T]) get(r *reader, id string) (*T, error) {
	if r.kind(id) != t.kind {
		return nil, nil
	}
	b := r.tx.Bucket(recordBucket(t.kind)).Get([]byte(id))
	if b == nil {
		return nil, fmt.Errorf("%s %s: registered but has no record", t.kind, id)
	}
	x, err := t.decode(id, b)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", t.kind, id, err)
	}
	return x, nil
}

// mustGet is get with NOT_FOUND for a missing node.
func (t nodeType[T]) mustGet(r *reader, id string) (*T, error) {
	x, err := t.get(r, id)
	if err == nil && x == nil {
		err = graph.NotFound(id)
	}
	return x, err
}

func (t nodeType[T]) getMany(r *reader, ids []string) ([]*T, error) {
	out := make([]*T, len(ids))
	for i, id := range ids {
		x, err := t.get(r, id)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// all returns every node of the kind; these lists are short (people and
// groups, not documents), so they are sorted in memory by Paginate.
func (t nodeType[T]) all(r *reader) ([]*T, error) {
	var out []*T
	c := r.tx.Bucket(recordBucket(t.kind)).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := r.checkpoint(); err != nil {
			return nil, err
		}
		x, err := t.decode(string(k), v)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", t.kind, k, err)
		}
		out = append(out, x)
	}
	return out, nil
}

// cursor orders these lists by creation, oldest first, then id.
func (t nodeType[T]) cursor(x *T) graph.Cursor {
	id, created, _, _ := t.fields(x)
	return graph.Cursor{Key: graph.TimeKey(*created), ID: *id}
}

func (t nodeType[T]) page(r *reader, p graph.Page) (*graph.Connection[*T], error) {
	xs, err := t.all(r)
	if err != nil {
		return nil, err
	}
	return graph.Paginate(xs, t.cursor, false, p)
}

// create writes x at version 1, keeping given dates for imports.
func (t nodeType[T]) create(w *writer, x *T) error {
	id, created, updated, version := t.fields(x)
	if err := t.validate(x); err != nil {
		return err
	}
	newID, err := w.newID(*id)
	if err != nil {
		return err
	}
	*id, *version = newID, 1
	*created, *updated = creationTimes(w.now, *created, *updated)
	if err := w.putNode(t.kind, *id, t.encode(x)); err != nil {
		return err
	}
	return w.record(graph.OpCreate, t.kind, *id, "", "")
}

// update applies apply to the stored node when version is current. A
// change that changes nothing writes nothing and keeps the version; check,
// when set, vets the changed node against the graph before it is written.
func (t nodeType[T]) update(w *writer, id string, version int, apply func(*T) bool, check func(x *T) error) (*T, error) {
	x, err := t.mustGet(w.reader, id)
	if err != nil {
		return nil, err
	}
	_, _, updated, v := t.fields(x)
	if err := checkVersion(t.kind, id, *v, version); err != nil {
		return nil, err
	}
	if !apply(x) {
		return x, nil
	}
	if err := t.validate(x); err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(x); err != nil {
			return nil, err
		}
	}
	*v++
	*updated = w.now
	if err := w.putNode(t.kind, id, t.encode(x)); err != nil {
		return nil, err
	}
	return x, w.record(graph.OpUpdate, t.kind, id, "", "")
}

// remove deletes the node and what hangs off it when version is current.
func (t nodeType[T]) remove(w *writer, id string, version int) error {
	x, err := t.mustGet(w.reader, id)
	if err != nil {
		return err
	}
	_, _, _, v := t.fields(x)
	if err := checkVersion(t.kind, id, *v, version); err != nil {
		return err
	}
	return w.deleteNode(t.kind, id)
}
