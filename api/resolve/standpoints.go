package resolve

import (
	"context"
	"slices"
	"strings"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// publicRegion is Contributor.region, kept for compatibility: the value of
// the contributor's PUBLIC declaration of the dimension "region" (the first
// by value id if several), null otherwise. It is PUBLIC only, even for the
// owner, so that the field reads the same to everyone and never repeats a
// value its owner kept AGGREGATE or PRIVATE (issue #15).
func (r *Resolver) publicRegion(ctx context.Context, contributorID string) (*string, error) {
	ds, err := r.standpoints(ctx, contributorID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds { // sorted by dimension, then value
		if d.Dimension == regionDimension && d.Visibility == graph.DeclPublic {
			return &d.Value, nil
		}
	}
	return nil, nil
}

// regionDimension is the taxonomy dimension Contributor.region reads.
const regionDimension = "region"

// standpoints returns the declarations of a contributor that the viewer may
// see. The store already returns only the viewer's own and the PUBLIC ones
// of others; the same rule is applied again here, so that a store bug can
// never put someone's PRIVATE or AGGREGATE value on a profile.
func (r *Resolver) standpoints(ctx context.Context, contributorID string) ([]*graph.Declaration, error) {
	ds, err := r.loaders(ctx).declarations.Load(ctx, contributorID)
	if err != nil {
		return nil, err
	}
	v := graph.ViewerFrom(ctx)
	out := make([]*graph.Declaration, 0, len(ds))
	for i := range ds {
		d := ds[i]
		if d.ContributorID != contributorID {
			continue
		}
		own := v.ContributorID != "" && v.ContributorID == d.ContributorID
		if !own && d.Visibility != graph.DeclPublic {
			continue
		}
		out = append(out, &d)
	}
	slices.SortFunc(out, func(a, b *graph.Declaration) int {
		if c := strings.Compare(a.Dimension, b.Dimension); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out, nil
}

// inLang picks the label of a language.
func inLang(l graph.Label, lang model.Lang) string {
	if lang == model.LangEn {
		return l.EN
	}
	return l.FR
}

// noProfileRegion refuses the deprecated region argument of the contributor
// mutations: a region is a standpoint its owner declares with a visibility
// of their choosing, and a profile field would have none.
func noProfileRegion(region *string) error {
	if region != nil && *region != "" {
		return graph.Errorf(graph.EINVALID, "region is a standpoint: declare it with declareStandpoint (dimension %q) and choose who may see it", regionDimension)
	}
	return nil
}
