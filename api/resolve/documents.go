package resolve

import (
	"context"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// Fields every Document kind shares; the Note, Term and Organisation
// resolvers delegate here.

func (r *Resolver) docAuthors(ctx context.Context, d *graph.Document) ([]*graph.Contributor, error) {
	return linked(ctx, r, d.ID, graph.RelAuthored, graph.In, nil, r.loadContributors)
}

func (r *Resolver) docAuthorships(ctx context.Context, d *graph.Document) ([]*model.Authorship, error) {
	ls, err := r.links(ctx, d.ID, graph.RelAuthored, graph.In, nil)
	if err != nil || len(ls) == 0 {
		return []*model.Authorship{}, err
	}
	cs, err := r.loadContributors(ctx, otherIDs(d.ID, ls))
	if err != nil {
		return nil, err
	}
	out := make([]*model.Authorship, 0, len(cs))
	for i, c := range cs {
		if c != nil {
			out = append(out, &model.Authorship{Contributor: c, Role: authorRole(ls[i].Role)})
		}
	}
	return out, nil
}

// authorRole reads an AUTHORED link's role; no role means AUTHOR.
func authorRole(role string) model.AuthorRole {
	if r := model.AuthorRole(role); r.IsValid() {
		return r
	}
	return model.AuthorRoleAuthor
}

func (r *Resolver) docCarnets(ctx context.Context, d *graph.Document) ([]*model.CarnetMembership, error) {
	ls, err := r.links(ctx, d.ID, graph.RelInCarnet, graph.Out, nil)
	if err != nil || len(ls) == 0 {
		return []*model.CarnetMembership{}, err
	}
	cs, err := r.loadCarnets(ctx, otherIDs(d.ID, ls))
	if err != nil {
		return nil, err
	}
	out := make([]*model.CarnetMembership, 0, len(cs))
	for i, c := range cs {
		if c != nil {
			out = append(out, &model.CarnetMembership{Carnet: c, Category: optional(ls[i].Category), Position: ls[i].Position})
		}
	}
	return out, nil
}

func (r *Resolver) docCommunities(ctx context.Context, d *graph.Document) ([]*graph.Community, error) {
	return linked(ctx, r, d.ID, graph.RelOfCommunity, graph.Out, nil, r.loadCommunities)
}

func (r *Resolver) docTerms(ctx context.Context, d *graph.Document) ([]*model.Term, error) {
	ds, err := linked(ctx, r, d.ID, graph.RelMentions, graph.Out, nil, r.loadDocuments)
	return asTerms(ds), err
}

func (r *Resolver) docOrganisations(ctx context.Context, d *graph.Document) ([]*model.Organisation, error) {
	ds, err := linked(ctx, r, d.ID, graph.RelConcerns, graph.Out, nil, r.loadDocuments)
	return asOrganisations(ds), err
}

// docRevisions pages through the store: there is no batch call for
// revisions, so a list of documents that each select revisions costs one
// call per document.
func (r *Resolver) docRevisions(ctx context.Context, d *graph.Document, first *int, after *string) (*model.RevisionConnection, error) {
	pa := pageOf(first, after)
	c, err := r.store.Revisions(ctx, d.ID, pa.page)
	if err != nil {
		return nil, err
	}
	return revisionConnection(c, pa), nil
}

// noteLinks pages over a note's LINKS_TO links: out for links, in for
// backlinks (derived, never stored twice).
func (r *Resolver) noteLinks(ctx context.Context, n *model.Note, dir graph.Direction, first *int, after *string) (*model.NoteConnection, error) {
	pa := pageOf(first, after)
	lc, err := r.linkedPage(ctx, n.ID, graph.RelLinksTo, dir, nil, pa)
	if err != nil {
		return nil, err
	}
	c, err := loadEnds(ctx, n.ID, lc, r.loadDocuments)
	if err != nil {
		return nil, err
	}
	return noteConnection(c, pa), nil
}

// linkedDocuments pages over documents at the far end of id's links.
func (r *Resolver) linkedDocuments(ctx context.Context, id string, rel graph.Relation, dir graph.Direction, keep func(graph.Link) bool, first *int, after *string) (*model.DocumentConnection, error) {
	pa := pageOf(first, after)
	lc, err := r.linkedPage(ctx, id, rel, dir, keep, pa)
	if err != nil {
		return nil, err
	}
	c, err := loadEnds(ctx, id, lc, r.loadDocuments)
	if err != nil {
		return nil, err
	}
	return documentConnection(c, pa), nil
}

// linkedContributors pages over contributors at the far end of id's links.
func (r *Resolver) linkedContributors(ctx context.Context, id string, rel graph.Relation, dir graph.Direction, first *int, after *string) (*model.ContributorConnection, error) {
	pa := pageOf(first, after)
	lc, err := r.linkedPage(ctx, id, rel, dir, nil, pa)
	if err != nil {
		return nil, err
	}
	c, err := loadEnds(ctx, id, lc, r.loadContributors)
	if err != nil {
		return nil, err
	}
	return contributorConnection(c, pa), nil
}

// listDocuments runs a top-level document list.
func (r *Resolver) listDocuments(ctx context.Context, kinds []graph.Kind, f *model.DocumentFilterInput, o *model.DocumentOrder, first *int, after *string) (*graph.Connection[*graph.Document], pageArgs, error) {
	pa := pageOf(first, after)
	filter, err := documentFilter(f, kinds)
	if err != nil {
		return nil, pa, err
	}
	page := pa.page
	page.NoTotal = !countsNeeded(ctx, page.After != "")
	c, err := r.store.ListDocuments(ctx, filter, documentOrder(o), page)
	if err != nil {
		return nil, pa, err
	}
	if !pa.none {
		r.primeDocuments(ctx, c.Nodes())
	}
	return c, pa, nil
}

// documentFilter translates a filter input; its ids are global ids of the
// kind each field names. kinds, when given, overrides the input's.
func documentFilter(in *model.DocumentFilterInput, kinds []graph.Kind) (graph.DocumentFilter, error) {
	f := graph.DocumentFilter{Kinds: kinds}
	if in == nil {
		return f, nil
	}
	if kinds == nil {
		f.Kinds = in.Kinds
	}
	if in.Language != nil {
		f.Language = *in.Language
	}
	if in.Visibility != nil {
		f.Visibility = *in.Visibility
	}
	if in.Category != nil {
		if in.Carnet == nil {
			return f, graph.Errorf(graph.EINVALID, "filter: category needs carnet")
		}
		f.Category = *in.Category
	}
	var err error
	for _, x := range []struct {
		dst  *string
		gid  *string
		kind graph.Kind
	}{
		{&f.AuthorID, in.Author, graph.KindContributor},
		{&f.CarnetID, in.Carnet, graph.KindCarnet},
		{&f.CommunityID, in.Community, graph.KindCommunity},
		{&f.TermID, in.Term, graph.KindTerm},
		{&f.OrganisationID, in.Organisation, graph.KindOrganisation},
	} {
		if *x.dst, err = parseOptionalIDOf(x.gid, x.kind); err != nil {
			return f, err
		}
	}
	return f, nil
}

func documentOrder(o *model.DocumentOrder) graph.DocumentOrder {
	if o == nil {
		return graph.DocumentOrder{Field: graph.OrderCreatedAt}
	}
	return graph.DocumentOrder{Field: o.Field, Desc: o.Direction == model.OrderDirectionDesc}
}

// optional returns nil for "", so that unset strings read as null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
