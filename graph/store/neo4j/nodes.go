package neo4j

import (
	"time"

	"github.com/encommun/maillage/graph"
)

// nodeType tells the shared code how to store one of the kinds that are
// not documents (contributors, carnets, communities, knowledge bases):
// they have no visibility and no revisions, only a version.
type nodeType[T any] struct {
	kind     graph.Kind
	props    func(*T) props
	decode   func(any) (*T, error)
	validate func(*T) error
	// fields exposes the bookkeeping fields every such type has.
	fields func(*T) (id *string, created, updated *time.Time, version *int)
}

var (
	contributorType = nodeType[graph.Contributor]{graph.KindContributor, contributorProps, decodeContributor,
		(*graph.Contributor).Validate, func(c *graph.Contributor) (*string, *time.Time, *time.Time, *int) {
			return &c.ID, &c.CreatedAt, &c.UpdatedAt, &c.Version
		}}
	carnetType = nodeType[graph.Carnet]{graph.KindCarnet, carnetProps, decodeCarnet,
		(*graph.Carnet).Validate, func(c *graph.Carnet) (*string, *time.Time, *time.Time, *int) {
			return &c.ID, &c.CreatedAt, &c.UpdatedAt, &c.Version
		}}
	communityType = nodeType[graph.Community]{graph.KindCommunity, func(c *graph.Community) props {
		return groupProps(graph.KindCommunity, c.ID, c.Name, c.Description, c.CreatedAt, c.UpdatedAt, c.Version)
	}, decodeCommunity,
		(*graph.Community).Validate, func(c *graph.Community) (*string, *time.Time, *time.Time, *int) {
			return &c.ID, &c.CreatedAt, &c.UpdatedAt, &c.Version
		}}
	knowledgeBaseType = nodeType[graph.KnowledgeBase]{graph.KindKnowledgeBase, func(b *graph.KnowledgeBase) props {
		return groupProps(graph.KindKnowledgeBase, b.ID, b.Name, b.Description, b.CreatedAt, b.UpdatedAt, b.Version)
	}, decodeKnowledgeBase,
		(*graph.KnowledgeBase).Validate, func(b *graph.KnowledgeBase) (*string, *time.Time, *time.Time, *int) {
			return &b.ID, &b.CreatedAt, &b.UpdatedAt, &b.Version
		}}
)

// getNodes returns the nodes of this kind with ids, in order, nil for
// each id that is not one.
func getNodes[T any](r *reader, t nodeType[T], ids []string) ([]*T, error) {
	out := make([]*T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := r.run(nodesOfKind, map[string]any{"ids": uniq(ids), "kind": string(t.kind)})
	if err != nil {
		return nil, err
	}
	byID := map[string]*T{}
	for _, rec := range recs {
		v, _ := rec.Get("node")
		x, err := t.decode(v)
		if err != nil {
			return nil, err
		}
		id, _, _, _ := t.fields(x)
		byID[*id] = x
	}
	for i, id := range ids {
		if x := byID[id]; x != nil {
			c := *x // each entry its own value, as if read separately
			out[i] = &c
		}
	}
	return out, nil
}

// getNode returns the node or nil when there is no such node of this kind.
func getNode[T any](r *reader, t nodeType[T], id string) (*T, error) {
	xs, err := getNodes(r, t, []string{id})
	if err != nil {
		return nil, err
	}
	return xs[0], nil
}

// mustGet is getNode with NOT_FOUND for a missing node.
func mustGet[T any](r *reader, t nodeType[T], id string) (*T, error) {
	x, err := getNode(r, t, id)
	if err == nil && x == nil {
		err = graph.NotFound(id)
	}
	return x, err
}

// all returns every node of the kind; these lists are short (people and
// groups, not documents), so they are sorted in memory by Paginate, in
// the order of the embedded store: by creation, oldest first, then id.
func page[T any](r *reader, t nodeType[T], p graph.Page) (*graph.Connection[*T], error) {
	if _, err := p.Limit(); err != nil {
		return nil, err
	}
	recs, err := r.run(allOfKind, map[string]any{"kind": string(t.kind)})
	if err != nil {
		return nil, err
	}
	xs := make([]*T, 0, len(recs))
	for _, rec := range recs {
		v, _ := rec.Get("node")
		x, err := t.decode(v)
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
	}
	return graph.Paginate(xs, func(x *T) graph.Cursor {
		id, created, _, _ := t.fields(x)
		return graph.Cursor{Key: graph.TimeKey(*created), ID: *id}
	}, false, p)
}

// create writes x at version 1, keeping given dates for imports.
func create[T any](w *writer, t nodeType[T], x *T) error {
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
	if _, err := w.run(createNodeCypher[t.kind], map[string]any{"props": map[string]any(t.props(x))}); err != nil {
		return err
	}
	w.record(graph.OpCreate, t.kind, *id, "", "")
	return nil
}

// update applies apply to the stored node when version is current. A
// change that changes nothing writes nothing and keeps the version; check,
// when set, vets the changed node against the graph before it is written.
func update[T any](w *writer, t nodeType[T], id string, version int, apply func(*T) bool, check func(x *T) error) (*T, error) {
	x, err := mustGet(w.reader, t, id)
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
	p := t.props(x)
	delete(p, "version") // set by the conditional statement itself
	recs, err := w.run(updateNode, map[string]any{"id": id, "kind": string(t.kind), "version": int64(version),
		"props": map[string]any(p)})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, staleVersion(t.kind, id, version)
	}
	w.record(graph.OpUpdate, t.kind, id, "", "")
	return x, nil
}

// remove deletes the node and what hangs off it when version is current.
func remove[T any](w *writer, t nodeType[T], id string, version int) error {
	x, err := mustGet(w.reader, t, id)
	if err != nil {
		return err
	}
	_, _, _, v := t.fields(x)
	if err := checkVersion(t.kind, id, *v, version); err != nil {
		return err
	}
	return w.deleteNode(t.kind, id, version)
}
