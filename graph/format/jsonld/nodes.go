package jsonld

import (
	"context"
	"net/url"

	"github.com/encommun/maillage/graph"
)

// typeOf is the JSON-LD type of each kind with a linked-data form.
func typeOf(k graph.Kind) any {
	switch k {
	case graph.KindNote:
		return "Article"
	case graph.KindTerm:
		return []any{"skos:Concept", "DefinedTerm"}
	case graph.KindOrganisation:
		return "Organization"
	case graph.KindContributor:
		return "Person"
	case graph.KindCarnet:
		return "Collection"
	}
	return nil
}

// names resolves the other ends of links to short references (@id, @type,
// name), reading them as the anonymous viewer: an end the store hides is
// absent from the map, and callers drop links to it.
type names struct {
	b    *Builder
	refs map[string]Object
}

func (b *Builder) resolve(ctx context.Context, links map[string][]graph.Link) (*names, error) {
	n := &names{b: b, refs: map[string]Object{}}
	byKind := map[graph.Kind][]string{}
	seen := map[string]bool{}
	for id, ls := range links {
		for _, l := range ls {
			other, kind := l.Other(id)
			if !seen[other] {
				seen[other] = true
				byKind[kind] = append(byKind[kind], other)
			}
		}
	}
	var docIDs []string
	for _, k := range graph.DocumentKinds {
		docIDs = append(docIDs, byKind[k]...)
	}
	if len(docIDs) > 0 {
		docs, err := b.Store.Documents(ctx, docIDs)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d != nil && d.Visibility == graph.VisibilityPublic {
				n.refs[d.ID] = Object{"@id": b.iri(d.ID), "@type": typeOf(d.Kind), "name": d.Title}
			}
		}
	}
	if ids := byKind[graph.KindContributor]; len(ids) > 0 {
		cs, err := b.Store.Contributors(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c != nil {
				n.refs[c.ID] = Object{"@id": b.iri(c.ID), "@type": "Person", "name": c.Name}
			}
		}
	}
	if ids := byKind[graph.KindCarnet]; len(ids) > 0 {
		cs, err := b.Store.Carnets().GetMany(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c != nil {
				n.refs[c.ID] = Object{"@id": b.iri(c.ID), "@type": "Collection", "name": c.Title}
			}
		}
	}
	if ids := byKind[graph.KindCommunity]; len(ids) > 0 {
		cs, err := b.Store.Communities().GetMany(ctx, ids)
		if err != nil {
			return nil, err
		}
		// Communities have no page of their own: a blank node that
		// names them.
		for _, c := range cs {
			if c != nil {
				n.refs[c.ID] = Object{"@type": "Organization", "identifier": c.ID, "name": c.Name}
			}
		}
	}
	return n, nil
}

// of returns the references of id's links of relation rel in direction
// dir, in the store's order, without the ends it could not resolve.
func (n *names) of(links []graph.Link, id string, rel graph.Relation, dir graph.Direction, role string) []Object {
	var out []Object
	seen := map[string]bool{}
	for _, l := range links {
		if l.Relation != rel || (role != "" && l.Role != role) {
			continue
		}
		if (dir == graph.Out && l.From != id) || (dir == graph.In && l.To != id) {
			continue
		}
		other, _ := l.Other(id)
		if ref, ok := n.refs[other]; ok && !seen[other] {
			seen[other] = true
			out = append(out, ref)
		}
	}
	return out
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// documents builds the objects of public documents; any other is skipped,
// whatever the store returned.
func (b *Builder) documents(ctx context.Context, all []*graph.Document) ([]Object, error) {
	var ds []*graph.Document
	for _, d := range all {
		if d != nil && d.Visibility == graph.VisibilityPublic {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return nil, nil
	}
	links, err := b.Store.Links(ctx, ids(ds, func(d *graph.Document) string { return d.ID }), "", graph.Both)
	if err != nil {
		return nil, err
	}
	n, err := b.resolve(ctx, links)
	if err != nil {
		return nil, err
	}
	x, err := b.extras(ctx, ds)
	if err != nil {
		return nil, err
	}
	out := make([]Object, 0, len(ds))
	for _, d := range ds {
		ls := links[d.ID]
		o := Object{"@id": b.iri(d.ID), "@type": typeOf(d.Kind), "identifier": d.ID, "name": d.Title}
		set(o, "inLanguage", d.Language)
		o["license"] = b.licence(d.Licence)
		o["dateCreated"] = dateTime(d.CreatedAt)
		o["dateModified"] = dateTime(d.UpdatedAt)
		if d.PublishedAt != nil {
			o["datePublished"] = dateTime(*d.PublishedAt)
		}
		o["version"] = d.Version
		set(o, "author", n.of(ls, d.ID, graph.RelAuthored, graph.In, graph.AuthorRoleAuthor))
		set(o, "editor", n.of(ls, d.ID, graph.RelAuthored, graph.In, graph.AuthorRoleEditor))
		set(o, "contributor", n.of(ls, d.ID, graph.RelAuthored, graph.In, graph.AuthorRoleContributor))
		set(o, "isPartOf", n.of(ls, d.ID, graph.RelInCarnet, graph.Out, ""))
		set(o, "mentions", n.of(ls, d.ID, graph.RelMentions, graph.Out, ""))
		set(o, "about", n.of(ls, d.ID, graph.RelConcerns, graph.Out, ""))
		switch d.Kind {
		case graph.KindNote:
			o["headline"] = d.Title
			set(o, "abstract", d.Summary)
			set(o, "articleBody", d.Body)
			set(o, "citation", n.of(ls, d.ID, graph.RelLinksTo, graph.Out, ""))
		case graph.KindTerm:
			o["skos:prefLabel"] = text(d.Title, d.Language)
			var alt []any
			for _, a := range d.Aliases {
				alt = append(alt, text(a, d.Language))
			}
			set(o, "skos:altLabel", alt)
			if d.Definition != "" {
				o["skos:definition"] = text(d.Definition, d.Language)
				o["description"] = d.Definition
			}
			set(o, "abstract", d.Summary)
			set(o, "text", d.Body)
			set(o, "skos:broader", n.of(ls, d.ID, graph.RelBroader, graph.Out, ""))
			set(o, "skos:narrower", n.of(ls, d.ID, graph.RelBroader, graph.In, ""))
			set(o, "skos:related", n.of(ls, d.ID, graph.RelRelated, graph.Both, ""))
		case graph.KindOrganisation:
			var alt []any
			for _, a := range d.Aliases {
				alt = append(alt, a)
			}
			set(o, "alternateName", alt)
			set(o, "description", d.Body)
			set(o, "disambiguatingDescription", d.Summary)
			if u, err := url.Parse(d.Website); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
				o["url"] = u.String()
			}
			if d.Region != "" {
				o["areaServed"] = Object{"@type": "Place", "name": b.label("region", d.Region)}
			}
			if d.Sector != "" {
				o["keywords"] = b.label("sector", d.Sector)
			}
		}
		b.addExtras(o, d, x)
		out = append(out, o)
	}
	return out, nil
}

// licence is a document's licence as an IRI, or as a named CreativeWork
// when it is free text no IRI can be given for.
func (b *Builder) licence(l string) any {
	if l == "" {
		l = b.DefaultLicence
	}
	if l == "" {
		l = DefaultLicence
	}
	if iri, ok := LicenceIRI(l); ok {
		return iri
	}
	return Object{"@type": "CreativeWork", "name": l}
}

// label returns a taxonomy value's labels in French and English, or its id
// when the taxonomy no longer has it.
func (b *Builder) label(dimension, value string) any {
	v := b.taxonomy().Value(dimension, value)
	if v == nil {
		return value
	}
	return []any{text(v.Label.FR, "fr"), text(v.Label.EN, "en")}
}

// people builds Person objects with the public fields of a profile (name,
// bio, affiliations, communities) and the PUBLIC standpoint declarations
// only.
func (b *Builder) people(ctx context.Context, cs []*graph.Contributor) ([]Object, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	cids := ids(cs, func(c *graph.Contributor) string { return c.ID })
	decls, err := b.Store.Declarations(ctx, cids)
	if err != nil {
		return nil, err
	}
	links, err := b.Store.Links(ctx, cids, "", graph.Out)
	if err != nil {
		return nil, err
	}
	n, err := b.resolve(ctx, links)
	if err != nil {
		return nil, err
	}
	out := make([]Object, 0, len(cs))
	for _, c := range cs {
		o := Object{"@id": b.iri(c.ID), "@type": "Person", "identifier": c.ID, "name": c.Name}
		set(o, "description", c.Bio)
		// A region is a standpoint like any other (contributors have no
		// profile region since issue #15): a PUBLIC region declaration
		// appears below, an AGGREGATE or PRIVATE one nowhere.
		set(o, "affiliation", n.of(links[c.ID], c.ID, graph.RelAffiliatedWith, graph.Out, ""))
		set(o, "memberOf", n.of(links[c.ID], c.ID, graph.RelMemberOf, graph.Out, ""))
		var sps []any
		for _, d := range decls[c.ID] {
			if d.Visibility != graph.DeclPublic {
				continue // the store never gives these to an anonymous reader; never pass one on
			}
			dim := Object{"@type": "DefinedTermSet", "identifier": d.Dimension}
			if x := b.taxonomy().Dimension(d.Dimension); x != nil {
				dim["name"] = []any{text(x.Label.FR, "fr"), text(x.Label.EN, "en")}
			}
			sps = append(sps, Object{"@type": "DefinedTerm", "termCode": d.Value,
				"name": b.label(d.Dimension, d.Value), "inDefinedTermSet": dim})
		}
		set(o, "standpoint", sps)
		out = append(out, o)
	}
	return out, nil
}

// collections builds Collection objects for carnets, with their public
// documents as parts, in carnet order.
func (b *Builder) collections(ctx context.Context, cs []*graph.Carnet) ([]Object, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	links, err := b.Store.Links(ctx, ids(cs, func(c *graph.Carnet) string { return c.ID }), graph.RelInCarnet, graph.In)
	if err != nil {
		return nil, err
	}
	n, err := b.resolve(ctx, links)
	if err != nil {
		return nil, err
	}
	out := make([]Object, 0, len(cs))
	for _, c := range cs {
		o := Object{"@id": b.iri(c.ID), "@type": "Collection", "identifier": c.ID, "name": c.Title}
		set(o, "description", c.Description)
		set(o, "hasPart", n.of(links[c.ID], c.ID, graph.RelInCarnet, graph.In, ""))
		out = append(out, o)
	}
	return out, nil
}
