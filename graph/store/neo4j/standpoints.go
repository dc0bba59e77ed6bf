package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// Declarations are personal data: only Declarations reads them per person,
// with the owner rule in the query's WHERE clause.

// valueID names the :StandpointValue node of dimension:value; both parts
// are ids (a-z, 0-9, '-', '_'), so the colon cannot be ambiguous.
func valueID(dimension, value string) string { return dimension + ":" + value }

func (w *writer) getDeclaration(contributorID, dimension, value string) (*graph.Declaration, error) {
	recs, err := w.run(getDeclaration, map[string]any{"contributorId": contributorID, "valueId": valueID(dimension, value)})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	x := recordDecoder(recs[0])
	d := &graph.Declaration{ContributorID: contributorID, Dimension: dimension, Value: value,
		Visibility: graph.DeclarationVisibility(x.str("visibility")), DeclaredAt: x.time("declaredAt")}
	return d, x.done("declaration")
}

// DeclareStandpoint implements graph.StandpointStore. Declaring a value
// again changes its visibility; declaring it unchanged writes nothing.
func (s *Store) DeclareStandpoint(ctx context.Context, in graph.Declaration) (*graph.Declaration, error) {
	var out graph.Declaration
	err := s.update(ctx, func(w *writer) error {
		d := in
		if err := graph.CheckDeclaration(w.v, d); err != nil {
			return err
		}
		k, err := w.kind(d.ContributorID)
		if err != nil {
			return err
		}
		if k != graph.KindContributor {
			return graph.NotFound(d.ContributorID)
		}
		old, err := w.getDeclaration(d.ContributorID, d.Dimension, d.Value)
		if err != nil {
			return err
		}
		if old != nil && old.Visibility == d.Visibility {
			out = *old
			return nil
		}
		if d.DeclaredAt.IsZero() {
			d.DeclaredAt = w.now
		}
		d.DeclaredAt = d.DeclaredAt.UTC()
		if _, err := w.run(putDeclaration, map[string]any{"contributorId": d.ContributorID,
			"valueId": valueID(d.Dimension, d.Value), "dimension": d.Dimension, "value": d.Value,
			"visibility": string(d.Visibility), "declaredAt": d.DeclaredAt}); err != nil {
			return err
		}
		w.record(graph.OpUpdate, graph.KindContributor, d.ContributorID, "", "")
		out = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// WithdrawStandpoint implements graph.StandpointStore. The change entry
// names the contributor only, so the sequence keeps no trace of the value,
// and a value node nobody declares any more goes too.
func (s *Store) WithdrawStandpoint(ctx context.Context, contributorID, dimension, value string) error {
	return s.update(ctx, func(w *writer) error {
		if err := graph.RequireOwnDeclarations(w.v, contributorID); err != nil {
			return err
		}
		old, err := w.getDeclaration(contributorID, dimension, value)
		if err != nil {
			return err
		}
		if old == nil {
			return graph.Errorf(graph.ENOTFOUND, "standpoint %s:%s is not declared", dimension, value)
		}
		if _, err := w.run(deleteDeclaration, map[string]any{"contributorId": contributorID,
			"valueId": valueID(dimension, value)}); err != nil {
			return err
		}
		w.record(graph.OpUpdate, graph.KindContributor, contributorID, "", "")
		return nil
	})
}

// Declarations implements graph.StandpointStore. Others' PRIVATE and
// AGGREGATE values never leave the database, whatever the role: only the
// owner and the process itself see them.
func (s *Store) Declarations(ctx context.Context, contributorIDs []string) (map[string][]graph.Declaration, error) {
	var ids []string
	for _, id := range uniq(contributorIDs) {
		if id != "" {
			ids = append(ids, id)
		}
	}
	var out map[string][]graph.Declaration
	err := s.view(ctx, func(r *reader) error {
		out = map[string][]graph.Declaration{}
		if len(ids) == 0 {
			return nil
		}
		recs, err := r.run(declarations, map[string]any{"ids": ids, "system": r.v.Role == graph.RoleSystem,
			"viewer": r.v.ContributorID})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			x := recordDecoder(rec)
			d := graph.Declaration{ContributorID: x.str("id"), Dimension: x.str("dimension"), Value: x.str("value"),
				Visibility: graph.DeclarationVisibility(x.str("visibility")), DeclaredAt: x.time("declaredAt")}
			if err := x.done("declaration"); err != nil {
				return err
			}
			out[d.ContributorID] = append(out[d.ContributorID], d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
