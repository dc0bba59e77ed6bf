package neo4j

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/explore"
)

// Adjacency implements graph.LinkStore in one statement: the database
// counts the visible links and orders and caps the ones it returns, so a
// hub's links never travel whole.
func (s *Store) Adjacency(ctx context.Context, ids []string, q graph.AdjacencyQuery) (map[string]graph.Adjacent, error) {
	rels := slices.Clone(q.Relations)
	for _, rel := range rels {
		if err := validRelation(rel); err != nil {
			return nil, err
		}
	}
	if !q.Direction.Valid() {
		return nil, graph.Errorf(graph.EINVALID, "direction must be OUT, IN or BOTH")
	}
	if len(rels) == 0 {
		rels = graph.Relations
	}
	limit := int64(q.Limit)
	if limit < 0 {
		limit = math.MaxInt32
	}
	var among any // null: every other end
	if q.Among != nil {
		xs := uniq(q.Among)
		if xs == nil {
			xs = []string{}
		}
		among = xs
	}
	out := map[string]graph.Adjacent{}
	ids = uniq(ids)
	if len(ids) == 0 {
		return out, nil
	}
	err := s.view(ctx, func(r *reader) error {
		recs, err := r.run(adjacency, r.viewer(map[string]any{
			"ids": ids, "rels": relNames(rels), "dir": string(q.Direction),
			"limit": limit, "among": among, "degrees": q.Degrees, "stored": r.v.SeesStoredPositions(),
		}))
		if err != nil {
			return err
		}
		for _, rec := range recs {
			x := recordDecoder(rec)
			id, degree := x.str("id"), int(x.int("degree"))
			if err := x.done("adjacency"); err != nil {
				return err
			}
			raw, _ := rec.Get("links")
			list, _ := raw.([]any)
			a := graph.Adjacent{Degree: degree}
			for _, v := range list {
				cols, _ := v.([]any)
				if len(cols) != len(adjacencyColumns) {
					return fmt.Errorf("neo4j store: adjacency of %s: a link of %d columns", id, len(cols))
				}
				row := make(map[string]any, len(cols))
				for i, c := range adjacencyColumns {
					row[c] = cols[i]
				}
				y := newDecoder(row)
				l := graph.Link{Relation: graph.Relation(y.str("rel")), From: y.str("from"), To: y.str("to"),
					FromKind: graph.Kind(y.str("fromKind")), ToKind: graph.Kind(y.str("toKind")),
					Role: y.str("role"), Category: y.str("category"), Position: int(y.int("position")), CreatedAt: y.time("createdAt")}
				if err := y.done("link"); err != nil {
					return err
				}
				a.Links = append(a.Links, l)
			}
			out[id] = a
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// adjacencyColumns names the columns of each link the adjacency statement
// returns as a list, in its order.
var adjacencyColumns = []string{"rel", "from", "to", "fromKind", "toKind", "role", "category", "position", "createdAt"}

// WalkNeighbourhood implements explore.NeighbourhoodWalker: the whole
// walk in one statement (neighbourhood), one round trip instead of one
// per level and one for the degrees.
func (s *Store) WalkNeighbourhood(ctx context.Context, q explore.WalkQuery) (*explore.Subgraph, bool, error) {
	rels := q.Relations
	if len(rels) == 0 {
		rels = graph.Relations
	}
	var sg *explore.Subgraph
	done := true
	err := s.view(ctx, func(r *reader) error {
		sg, done = nil, true
		recs, err := r.run(neighbourhood, r.viewer(map[string]any{
			"id": q.Root.ID, "kind": string(q.Root.Kind), "rels": relNames(rels),
			"depth": int64(q.Depth), "first": int64(q.First), "limit": int64(q.NodeLimit()),
		}))
		if err != nil || len(recs) == 0 {
			return err // no row: a root the viewer may not read
		}
		x := recordDecoder(recs[0])
		if x.bool("full") {
			done = false
			return x.done("neighbourhood")
		}
		ids, kinds, degrees, links := x.strs("ids"), x.strs("kinds"), x.items("degrees"), x.items("links")
		out := &explore.Subgraph{Truncated: x.bool("truncated")}
		if err := x.done("neighbourhood"); err != nil {
			return err
		}
		if len(kinds) != len(ids) || len(degrees) != len(ids) || len(links) != len(ids) {
			return fmt.Errorf("neo4j store: neighbourhood: %d ids, %d kinds, %d degrees, %d link lists", len(ids), len(kinds), len(degrees), len(links))
		}
		edges := map[explore.Edge]bool{}
		for i, id := range ids {
			degree, _ := degrees[i].(int64)
			out.Nodes = append(out.Nodes, explore.Node{ID: id, Kind: graph.Kind(kinds[i]), Degree: int(degree)})
			list, _ := links[i].([]any)
			type link struct {
				inward     int64
				rel, other string
				edge       explore.Edge
			}
			ls := make([]link, 0, len(list))
			for _, v := range list {
				cols, _ := v.([]any)
				if len(cols) != 7 {
					return fmt.Errorf("neo4j store: neighbourhood of %s: a link of %d columns", id, len(cols))
				}
				str := func(c any) string { s, _ := c.(string); return s }
				inward, _ := cols[0].(int64)
				ls = append(ls, link{inward, str(cols[1]), str(cols[2]), explore.Edge{Relation: graph.Relation(str(cols[1])),
					From: str(cols[3]), To: str(cols[4]), FromKind: graph.Kind(str(cols[5])), ToKind: graph.Kind(str(cols[6]))}})
			}
			// The adjacency order: OUT links, then IN links, by relation and
			// then by the other end's id.
			slices.SortFunc(ls, func(a, b link) int {
				return cmp.Or(cmp.Compare(a.inward, b.inward), cmp.Compare(a.rel, b.rel), cmp.Compare(a.other, b.other))
			})
			for _, l := range ls {
				if !edges[l.edge] {
					edges[l.edge] = true
					out.Edges = append(out.Edges, l.edge)
				}
			}
		}
		sg = out
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return sg, done, nil
}
