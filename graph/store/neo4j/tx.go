package neo4j

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/encommun/maillage/graph"
)

// The helpers below mirror the embedded store's reader and writer, check
// for check and in the same order, so that both stores give the same error
// for the same input.

// kinds returns the kind of each existing id, whatever the viewer.
func (r *reader) kinds(ids ...string) (map[string]graph.Kind, error) {
	return r.kindsWith(nodeKinds, map[string]any{"ids": ids})
}

// visibleKinds is kinds as the viewer sees the graph: a document the
// viewer may not read is missing.
func (r *reader) visibleKinds(ids ...string) (map[string]graph.Kind, error) {
	return r.kindsWith(visibleKinds, r.viewer(map[string]any{"ids": ids}))
}

func (r *reader) kindsWith(cypher string, params map[string]any) (map[string]graph.Kind, error) {
	out := map[string]graph.Kind{}
	if ids, _ := params["ids"].([]string); len(ids) == 0 {
		return out, nil
	}
	recs, err := r.run(cypher, params)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		x := recordDecoder(rec)
		if id, k := x.str("id"), x.str("kind"); k != "" {
			out[id] = graph.Kind(k)
		}
		if err := x.done("node kind"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *reader) kind(id string) (graph.Kind, error) {
	ks, err := r.kinds(id)
	return ks[id], err
}

func (r *reader) visibleKind(id string) (graph.Kind, error) {
	ks, err := r.visibleKinds(id)
	return ks[id], err
}

// newID returns given when it is a well-formed unused id, or a fresh one.
func (w *writer) newID(given string) (string, error) {
	if given != "" {
		if err := graph.ValidateID(given); err != nil {
			return "", err
		}
		k, err := w.kind(given)
		if err != nil {
			return "", err
		}
		if k != "" {
			return "", graph.Errorf(graph.ECONFLICT, "id %q is already taken", given)
		}
		return given, nil
	}
	for {
		id := graph.NewID()
		k, err := w.kind(id)
		if err != nil {
			return "", err
		}
		if k == "" {
			return id, nil
		}
	}
}

// checkVersion is the optimistic lock of every update and delete; the
// conditional statements that follow it check the version once more.
func checkVersion(kind graph.Kind, id string, current, given int) error {
	if given != current {
		return graph.Errorf(graph.ECONFLICT, "%s %q is at version %d, not %d: read it again and reapply your change",
			kind, id, current, given)
	}
	return nil
}

// staleVersion is what a conditional write that matched nothing means.
func staleVersion(kind graph.Kind, id string, given int) error {
	return graph.Errorf(graph.ECONFLICT, "%s %q is no longer at version %d: read it again and reapply your change", kind, id, given)
}

// rawLinks returns id's links in direction dir, readable or not, in the
// embedded store's order: outgoing by (relation, to), then incoming by
// (relation, from).
func (r *reader) rawLinks(id string, rels []graph.Relation, dir graph.Direction) ([]graph.Link, error) {
	recs, err := r.run(rawLinks, map[string]any{"id": id, "rels": relNames(rels), "dir": string(dir)})
	if err != nil {
		return nil, err
	}
	var out, in []graph.Link
	for _, rec := range recs {
		l, err := decodeLink(rec)
		if err != nil {
			return nil, err
		}
		if l.From == id {
			out = append(out, l)
		} else {
			in = append(in, l)
		}
	}
	slices.SortFunc(out, func(a, b graph.Link) int { return cmp.Or(cmp.Compare(a.Relation, b.Relation), cmp.Compare(a.To, b.To)) })
	slices.SortFunc(in, func(a, b graph.Link) int {
		return cmp.Or(cmp.Compare(a.Relation, b.Relation), cmp.Compare(a.From, b.From))
	})
	return append(out, in...), nil
}

func relNames(rels []graph.Relation) []string {
	out := make([]string, len(rels))
	for i, r := range rels {
		out[i] = string(r)
	}
	return out
}

// deleteNode removes a node at the given version and everything that
// hangs off it: links in both directions (each an UNLINK change, so that
// the index updates the other ends), revisions, declarations and tokens.
// The DELETE change comes last.
func (w *writer) deleteNode(kind graph.Kind, id string, version int) error {
	links, err := w.rawLinks(id, graph.Relations, graph.Both)
	if err != nil {
		return err
	}
	for i := range links {
		w.recordLink(graph.OpUnlink, &links[i])
	}
	rec, err := w.runSingle(deleteNode, map[string]any{"id": id, "kind": string(kind), "version": int64(version)}, "deleteNode")
	if err != nil {
		return err
	}
	if n, _ := rec.Get("deleted"); n != int64(1) {
		return staleVersion(kind, id, version)
	}
	if kind.IsDocument() {
		if _, err := w.run(deleteRevisions, map[string]any{"id": id}); err != nil {
			return err
		}
		if _, err := w.run(deleteFlagsOf, map[string]any{"id": id}); err != nil {
			return err
		}
		if _, err := w.run(deleteMediaOf, map[string]any{"id": id}); err != nil {
			return err
		}
		if _, err := w.run(deleteCommentsOf, map[string]any{"id": id}); err != nil {
			return err
		}
	}
	if kind == graph.KindContributor {
		if _, err := w.run(deleteTokensOf, map[string]any{"contributorId": id}); err != nil {
			return err
		}
		if _, err := w.run(deleteUndeclaredValues, nil); err != nil {
			return err
		}
	}
	w.record(graph.OpDelete, kind, id, "", "")
	return nil
}

// single returns the one record a statement must return.
func single[T any](recs []*T, what string) (*T, error) {
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j store: %s returned %d rows, want 1", what, len(recs))
	}
	return recs[0], nil
}
