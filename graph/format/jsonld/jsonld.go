// Package jsonld gives the public part of the knowledge graph as linked
// data: schema.org for notes (Article), organisations (Organization),
// contributors (Person) and carnets (Collection), SKOS for the terms of the
// lexicon (Concept, with broader, narrower and related), licences as IRIs.
//
// Everything here is read as an anonymous viewer, whatever the caller's
// context says: linked data is published, so only PUBLIC documents and
// PUBLIC standpoint declarations may ever appear in it. The store applies
// that rule in its reads; this package relies on it, and checks the
// visibility of what it is given once more before writing anything out.
package jsonld

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/encommun/maillage/graph"
)

// Vocab is the namespace of the few terms neither schema.org nor SKOS has:
// a contributor's standpoints.
const Vocab = "https://github.com/encommun/maillage/ns#"

// Context returns the @context every representation carries inline, so that
// a JSON-LD processor expands it without fetching anything.
func Context() map[string]any {
	dateTime := map[string]any{"@type": "xsd:dateTime"}
	return map[string]any{
		"@vocab":        "https://schema.org/",
		"schema":        "https://schema.org/",
		"skos":          "http://www.w3.org/2004/02/skos/core#",
		"xsd":           "http://www.w3.org/2001/XMLSchema#",
		"mlg":           Vocab,
		"license":       map[string]any{"@id": "schema:license", "@type": "@id"},
		"url":           map[string]any{"@id": "schema:url", "@type": "@id"},
		"dateCreated":   dateTime,
		"dateModified":  dateTime,
		"datePublished": dateTime,
		"uploadDate":    dateTime,
		"contentUrl":    map[string]any{"@id": "schema:contentUrl", "@type": "@id"},
		"standpoint":    map[string]any{"@id": "mlg:standpoint"},
	}
}

// Source is what a Builder reads: the nodes it describes and the links,
// standpoints and groups their objects name.
type Source interface {
	Document(ctx context.Context, id string) (*graph.Document, error)
	Documents(ctx context.Context, ids []string) ([]*graph.Document, error)
	ListDocuments(ctx context.Context, f graph.DocumentFilter, o graph.DocumentOrder, p graph.Page) (*graph.Connection[*graph.Document], error)
	Contributor(ctx context.Context, id string) (*graph.Contributor, error)
	Contributors(ctx context.Context, ids []string) ([]*graph.Contributor, error)
	ListContributors(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Contributor], error)
	Carnets() graph.CarnetOps
	Communities() graph.CommunityOps
	Links(ctx context.Context, ids []string, rel graph.Relation, dir graph.Direction) (map[string][]graph.Link, error)
	Declarations(ctx context.Context, contributorIDs []string) (map[string][]graph.Declaration, error)
	MediaOf(ctx context.Context, documentIDs []string) (map[string][]*graph.Media, error)
	Discussions(ctx context.Context, documentIDs []string) (map[string]*graph.Discussion, error)
}

// Builder makes the JSON-LD objects of nodes.
type Builder struct {
	Store Source
	// Taxonomy labels standpoints and regions; nil means the default.
	Taxonomy *graph.Taxonomy
	// Base is the IRI a node's store id is appended to for its @id, e.g.
	// "https://commun.example/ld/".
	Base string
	// DefaultLicence applies to documents without a licence of their own;
	// empty means DefaultLicence.
	DefaultLicence string
	// MediaBase is the IRI a media id is appended to for its file (the
	// server's /media/ route); empty means the /media/ beside Base's
	// /ld/.
	MediaBase string
}

// Object is one JSON-LD node object.
type Object = map[string]any

// anonymous is the only context this package reads with.
func anonymous(ctx context.Context) context.Context {
	return graph.WithViewer(ctx, graph.Viewer{Role: graph.RoleAnonymous})
}

func (b *Builder) iri(id string) string { return b.Base + id }

func (b *Builder) taxonomy() *graph.Taxonomy {
	if b.Taxonomy == nil {
		b.Taxonomy = graph.DefaultTaxonomy()
	}
	return b.Taxonomy
}

// Node returns the JSON-LD document of one node, @context included. kind
// may be empty when the caller has only a store id. A missing node, a
// document that is not PUBLIC and a kind with no linked-data form
// (communities, knowledge bases) are all NOT_FOUND, alike.
func (b *Builder) Node(ctx context.Context, kind graph.Kind, id string) (Object, error) {
	ctx = anonymous(ctx)
	kinds := []graph.Kind{kind}
	if kind == "" {
		kinds = []graph.Kind{graph.KindNote, graph.KindContributor, graph.KindCarnet}
	}
	for _, k := range kinds {
		obj, err := b.node(ctx, k, kind == "", id)
		if err != nil && graph.ErrorCode(err) != graph.ENOTFOUND {
			return nil, err
		}
		if obj != nil {
			out := Object{"@context": Context()}
			for k, v := range obj {
				out[k] = v
			}
			return out, nil
		}
	}
	return nil, graph.NotFound(id)
}

// node builds the object of id as a node of kind k (of any document kind
// when anyDocument), or returns nil when it is not one.
func (b *Builder) node(ctx context.Context, k graph.Kind, anyDocument bool, id string) (Object, error) {
	var objs []Object
	var err error
	switch {
	case k.IsDocument():
		var d *graph.Document
		if d, err = b.Store.Document(ctx, id); err == nil && (anyDocument || d.Kind == k) {
			objs, err = b.documents(ctx, []*graph.Document{d})
		}
	case k == graph.KindContributor:
		var c *graph.Contributor
		if c, err = b.Store.Contributor(ctx, id); err == nil {
			objs, err = b.people(ctx, []*graph.Contributor{c})
		}
	case k == graph.KindCarnet:
		var c *graph.Carnet
		if c, err = b.Store.Carnets().Get(ctx, id); err == nil {
			objs, err = b.collections(ctx, []*graph.Carnet{c})
		}
	}
	if err != nil || len(objs) == 0 {
		return nil, err
	}
	return objs[0], nil
}

// WriteGraph writes the whole public graph as one JSON-LD document,
// {"@context": …, "@graph": [ … ]}: public documents, contributors and
// carnets, a page at a time. It returns how many node objects it wrote.
func (b *Builder) WriteGraph(ctx context.Context, w io.Writer) (int, error) {
	ctx = anonymous(ctx)
	ctxJSON, err := json.Marshal(Context())
	if err != nil {
		return 0, err
	}
	if _, err := io.WriteString(w, `{"@context":`+string(ctxJSON)+`,"@graph":[`); err != nil {
		return 0, err
	}
	n := 0
	emit := func(objs []Object) error {
		for _, o := range objs {
			sep := ",\n"
			if n == 0 {
				sep = "\n"
			}
			j, err := json.Marshal(o)
			if err != nil {
				return err
			}
			if _, err := io.WriteString(w, sep+string(j)); err != nil {
				return err
			}
			n++
		}
		return nil
	}
	listDocs := func(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Document], error) {
		// The filter repeats what the anonymous viewer already implies.
		return b.Store.ListDocuments(ctx, graph.DocumentFilter{Kinds: graph.DocumentKinds, Visibility: graph.VisibilityPublic},
			graph.DocumentOrder{Field: graph.OrderCreatedAt}, p)
	}
	err = pages(ctx, listDocs, func(ds []*graph.Document) error {
		objs, err := b.documents(ctx, ds)
		if err == nil {
			err = emit(objs)
		}
		return err
	})
	if err == nil {
		err = pages(ctx, b.Store.ListContributors, func(cs []*graph.Contributor) error {
			objs, err := b.people(ctx, cs)
			if err == nil {
				err = emit(objs)
			}
			return err
		})
	}
	if err == nil {
		err = pages(ctx, b.Store.Carnets().List, func(cs []*graph.Carnet) error {
			objs, err := b.collections(ctx, cs)
			if err == nil {
				err = emit(objs)
			}
			return err
		})
	}
	if err != nil {
		return n, err
	}
	_, err = io.WriteString(w, "\n]}\n")
	return n, err
}

func pages[T any](ctx context.Context, list func(context.Context, graph.Page) (*graph.Connection[T], error), fn func([]T) error) error {
	p := graph.Page{First: graph.MaxFirst}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := list(ctx, p)
		if err != nil {
			return err
		}
		if err := fn(c.Nodes()); err != nil {
			return err
		}
		if !c.PageInfo.HasNextPage || len(c.Edges) == 0 {
			return nil
		}
		p.After = c.PageInfo.EndCursor
	}
}

func dateTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// text is a string with its language, when known.
func text(s, lang string) any {
	if lang == "" {
		return s
	}
	return Object{"@value": s, "@language": lang}
}

// set adds a property unless its value is empty.
func set(o Object, key string, v any) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return
		}
	case []Object:
		if len(x) == 0 {
			return
		}
	case []any:
		if len(x) == 0 {
			return
		}
	case nil:
		return
	}
	o[key] = v
}
