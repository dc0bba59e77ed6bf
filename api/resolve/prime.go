package resolve

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/encommun/maillage/graph"
)

// A list resolver knows every item of the next GraphQL level, and the
// fields its query selects on them: it reads ahead, in one store call per
// level, the link lists those fields will ask the loaders for, and the
// authors behind them. The loaders' window (loaderQuiet) would gather the
// same keys only if every item's resolver asked within it, which a busy
// machine does not promise; each split batch is one more round trip to a
// remote store. What is read ahead is what the fields would have read
// (the same loaders, the same store calls), so an error is theirs to
// report: the batch keeps it for each of its keys.

// itemLink is the list of links one field of an item reads.
type itemLink struct {
	rel graph.Relation
	dir graph.Direction
}

// documentLinkFields are the fields every document kind resolves from one
// list of its own links (documents.go); noteLinkFields are the notes' own.
var (
	documentLinkFields = map[string]itemLink{
		"authors":       {graph.RelAuthored, graph.In},
		"authorships":   {graph.RelAuthored, graph.In},
		"carnets":       {graph.RelInCarnet, graph.Out},
		"communities":   {graph.RelOfCommunity, graph.Out},
		"terms":         {graph.RelMentions, graph.Out},
		"organisations": {graph.RelConcerns, graph.Out},
	}
	noteLinkFields = map[string]itemLink{
		"links":     {graph.RelLinksTo, graph.Out},
		"backlinks": {graph.RelLinksTo, graph.In},
	}
)

// implementors are the type names a document of each kind satisfies, for
// the type conditions of fragments (as in the generated executor).
var implementors = map[graph.Kind][]string{
	graph.KindNote:         {"Note", "Node", "Document"},
	graph.KindTerm:         {"Term", "Node", "Document"},
	graph.KindOrganisation: {"Organisation", "Node", "Document"},
}

// primeDocuments reads ahead what the selected fields of a page of
// documents will load: their link lists, then the contributors behind
// their authors.
func (r *Resolver) primeDocuments(ctx context.Context, docs []*graph.Document) {
	if len(docs) == 0 || graphql.GetFieldContext(ctx) == nil {
		return
	}
	fields := itemFields(ctx, docs)
	var keys []linkKey
	for _, d := range docs {
		for name := range fields[d.Kind] {
			il, ok := documentLinkFields[name]
			if !ok && d.Kind == graph.KindNote {
				il, ok = noteLinkFields[name]
			}
			if ok {
				keys = append(keys, linkKey{ID: d.ID, Rel: il.rel, Dir: il.dir})
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	l := r.loaders(ctx)
	lists, err := l.links.loadAllNow(ctx, keys)
	if err != nil {
		return // every field of these keys gets the error from its batch
	}
	var authors []string
	seen := map[string]bool{}
	for i, k := range keys {
		if k.Rel != graph.RelAuthored {
			continue
		}
		for _, link := range lists[i] {
			if other, _ := link.Other(k.ID); !seen[other] {
				seen[other] = true
				authors = append(authors, other)
			}
		}
	}
	if len(authors) > 0 {
		_, _ = l.contributors.loadAllNow(ctx, authors)
	}
}

// itemFields returns, per document kind present in docs, the names of the
// fields the connection being resolved selects on its items (through
// edges.node or nodes), fragments and directives applied.
func itemFields(ctx context.Context, docs []*graph.Document) map[graph.Kind]map[string]bool {
	oc := graphql.GetOperationContext(ctx)
	var sels []ast.SelectionSet
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		switch f.Name {
		case "nodes":
			sels = append(sels, f.Selections)
		case "edges":
			for _, e := range graphql.CollectFields(oc, f.Selections, nil) {
				if e.Name == "node" {
					sels = append(sels, e.Selections)
				}
			}
		}
	}
	out := map[graph.Kind]map[string]bool{}
	for _, d := range docs {
		if _, done := out[d.Kind]; done {
			continue
		}
		names := map[string]bool{}
		for _, sel := range sels {
			for _, f := range graphql.CollectFields(oc, sel, implementors[d.Kind]) {
				names[f.Name] = true
			}
		}
		out[d.Kind] = names
	}
	return out
}
