package neo4j

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/encommun/maillage/graph"
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
