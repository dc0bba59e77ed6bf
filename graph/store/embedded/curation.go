package embedded

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// NeedsCare implements graph.CurationStore. It walks the creation-order
// index of the kinds the check concerns, tests each document with key
// lookups (a few seeks in the link buckets, or the record of a term), and
// loads only the page it returns.
func (s *Store) NeedsCare(ctx context.Context, check graph.HealthCheck, p graph.Page) (*graph.Connection[*graph.Document], error) {
	if err := graph.RequireCurator(viewerOf(ctx)); err != nil {
		return nil, err
	}
	var kinds []graph.Kind
	switch check {
	case graph.CheckOrphan:
		kinds = graph.DocumentKinds
	case graph.CheckNoCarnet:
		kinds = []graph.Kind{graph.KindNote}
	case graph.CheckNoDefinition:
		kinds = []graph.Kind{graph.KindTerm}
	default:
		return nil, graph.Errorf(graph.EINVALID, "unknown health check %q", check)
	}
	if _, err := p.Limit(); err != nil {
		return nil, err
	}
	if p.After != "" {
		if _, err := graph.DecodeCursor(p.After); err != nil {
			return nil, err
		}
	}
	var out *graph.Connection[*graph.Document]
	err := s.view(ctx, func(r *reader) error {
		var runs [][]listItem
		for _, kind := range kinds {
			var run []listItem
			err := r.scanSorted(kind, 0, false, func(key, id, _ []byte) error {
				bad, err := r.needsCare(check, kind, id)
				if err == nil && bad {
					run = append(run, listItem{id: string(id), key: string(key)})
				}
				return err
			})
			if err != nil {
				return err
			}
			runs = append(runs, run)
		}
		page, err := graph.Paginate(mergeRuns(runs, compareItems(false)), listItem.cursor, false, p)
		if err != nil {
			return err
		}
		out = &graph.Connection[*graph.Document]{TotalCount: page.TotalCount, PageInfo: page.PageInfo}
		for _, e := range page.Edges {
			d, err := r.document(e.Node.id)
			if err != nil {
				return err
			}
			out.Edges = append(out.Edges, graph.ConnEdge[*graph.Document]{Cursor: e.Cursor, Node: d})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// needsCare tests one document of kind against check.
func (r *reader) needsCare(check graph.HealthCheck, kind graph.Kind, id []byte) (bool, error) {
	switch check {
	case graph.CheckOrphan:
		for _, rel := range graph.DocumentRelations {
			prefix := linkPrefix(string(id), rel)
			if hasPrefix(r.out, prefix) || hasPrefix(r.in, prefix) {
				return false, nil
			}
		}
		return true, nil
	case graph.CheckNoCarnet:
		return !hasPrefix(r.out, linkPrefix(string(id), graph.RelInCarnet)), nil
	case graph.CheckNoDefinition:
		d, err := r.document(string(id))
		if err != nil {
			return false, err
		}
		if d == nil {
			return false, fmt.Errorf("term %s: in the index but not stored", id)
		}
		return strings.TrimSpace(d.Definition) == "", nil
	}
	return false, nil
}

// hasPrefix reports whether bucket b holds a key starting with prefix: one
// seek, whatever the number of such keys.
func hasPrefix(b *bbolt.Bucket, prefix []byte) bool {
	k, _ := b.Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// DocumentTitles implements graph.CurationStore.
func (s *Store) DocumentTitles(ctx context.Context, kinds []graph.Kind) ([]graph.DocumentTitle, error) {
	if err := graph.RequireCurator(viewerOf(ctx)); err != nil {
		return nil, err
	}
	want, err := filterKinds(kinds)
	if err != nil {
		return nil, err
	}
	var out []graph.DocumentTitle
	err = s.view(ctx, func(r *reader) error {
		for _, kind := range graph.DocumentKinds {
			if !want[kind] {
				continue
			}
			c := r.tx.Bucket(recordBucket(kind)).Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if err := r.checkpoint(); err != nil {
					return err
				}
				d, err := decodeDocument(string(k), kind, v)
				if err != nil {
					return fmt.Errorf("document %s: %w", k, err)
				}
				out = append(out, graph.DocumentTitle{ID: d.ID, Kind: kind, Title: d.Title, Aliases: d.Aliases})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
