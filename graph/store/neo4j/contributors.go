package neo4j

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// CreateContributor implements graph.ContributorStore: admins and the
// system create profiles, since a profile is what a token speaks for.
func (s *Store) CreateContributor(ctx context.Context, in graph.Contributor) (*graph.Contributor, error) {
	var out *graph.Contributor
	err := s.update(ctx, func(w *writer) error {
		c := in
		if err := graph.RequireAdminWriter(w.v); err != nil {
			return err
		}
		if err := create(w, contributorType, &c); err != nil {
			return err
		}
		out = &c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Contributor implements graph.ContributorStore.
func (s *Store) Contributor(ctx context.Context, id string) (*graph.Contributor, error) {
	return viewNode(s, ctx, "", contributorType, id)
}

// Contributors implements graph.ContributorStore.
func (s *Store) Contributors(ctx context.Context, ids []string) ([]*graph.Contributor, error) {
	return viewNodes(s, ctx, "", contributorType, ids)
}

// ListContributors implements graph.ContributorStore.
func (s *Store) ListContributors(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Contributor], error) {
	return viewPage(s, ctx, "", contributorType, p)
}

// UpdateContributor implements graph.ContributorStore.
func (s *Store) UpdateContributor(ctx context.Context, id string, u graph.ContributorUpdate) (*graph.Contributor, error) {
	var out *graph.Contributor
	err := s.update(ctx, func(w *writer) error {
		if err := graph.RequireWriter(w.v); err != nil {
			return err
		}
		if !w.v.CanEditContributor(id) {
			k, err := w.kind(id)
			if err != nil {
				return err
			}
			if k != graph.KindContributor {
				return graph.NotFound(id)
			}
			return graph.Errorf(graph.EFORBIDDEN, "only %q themself and admins may change this profile", id)
		}
		c, err := update(w, contributorType, id, u.Version, u.Apply, nil)
		out = c
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteContributor implements graph.ContributorStore. The contributor's
// documents stay; their links, declarations and tokens go with them, so
// that no token can speak for an id that is later reused.
func (s *Store) DeleteContributor(ctx context.Context, id string, version int) error {
	return s.update(ctx, func(w *writer) error {
		if err := graph.RequireAdminWriter(w.v); err != nil {
			return err
		}
		return remove(w, contributorType, id, version)
	})
}
