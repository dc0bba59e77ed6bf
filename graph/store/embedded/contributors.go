package embedded

import (
	"context"

	"github.com/encommun/maillage/graph"
)

// CreateContributor implements graph.ContributorStore: admins and the
// system create profiles, since a profile is what a token speaks for.
func (s *Store) CreateContributor(ctx context.Context, c graph.Contributor) (*graph.Contributor, error) {
	in := c
	err := s.update(ctx, func(w *writer) error {
		c = in // update may run this again: start each run from the input
		if err := graph.RequireAdminWriter(w.v); err != nil {
			return err
		}
		return contributorType.create(w, &c)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Contributor implements graph.ContributorStore.
func (s *Store) Contributor(ctx context.Context, id string) (c *graph.Contributor, err error) {
	err = s.view(ctx, func(r *reader) error {
		c, err = contributorType.mustGet(r, id)
		return err
	})
	return c, err
}

// Contributors implements graph.ContributorStore.
func (s *Store) Contributors(ctx context.Context, ids []string) (cs []*graph.Contributor, err error) {
	err = s.view(ctx, func(r *reader) error {
		cs, err = contributorType.getMany(r, ids)
		return err
	})
	return cs, err
}

// ListContributors implements graph.ContributorStore.
func (s *Store) ListContributors(ctx context.Context, p graph.Page) (conn *graph.Connection[*graph.Contributor], err error) {
	err = s.view(ctx, func(r *reader) error {
		conn, err = contributorType.page(r, p)
		return err
	})
	return conn, err
}

// UpdateContributor implements graph.ContributorStore.
func (s *Store) UpdateContributor(ctx context.Context, id string, u graph.ContributorUpdate) (c *graph.Contributor, err error) {
	err = s.update(ctx, func(w *writer) error {
		if err := graph.RequireWriter(w.v); err != nil {
			return err
		}
		if !w.v.CanEditContributor(id) {
			if w.kind(id) != graph.KindContributor {
				return graph.NotFound(id)
			}
			return graph.Errorf(graph.EFORBIDDEN, "only %q themself and admins may change this profile", id)
		}
		c, err = contributorType.update(w, id, u.Version, u.Apply, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteContributor implements graph.ContributorStore. The contributor's
// documents stay; their links, declarations and tokens go with them, so
// that no token can speak for an id that is later reused.
func (s *Store) DeleteContributor(ctx context.Context, id string, version int) error {
	return s.update(ctx, func(w *writer) error {
		if err := graph.RequireAdminWriter(w.v); err != nil {
			return err
		}
		return contributorType.remove(w, id, version)
	})
}
