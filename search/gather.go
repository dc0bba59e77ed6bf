package search

import (
	"context"
	"fmt"

	"github.com/encommun/maillage/graph"
)

// Source is the part of graph.Store the index reads; every graph.Store is
// one. The index reads with graph.SystemContext, so that it sees every
// document (visibility is applied at query time, inside the Bleve query)
// and, of declarations, what the store shows to others: PUBLIC ones only.
type Source interface {
	Documents(ctx context.Context, ids []string) ([]*graph.Document, error)
	ScanDocuments(ctx context.Context, after string, limit int) ([]*graph.Document, error)
	Links(ctx context.Context, ids []string, rel graph.Relation, dir graph.Direction) (map[string][]graph.Link, error)
	LinksOf(ctx context.Context, sel []graph.LinkSelection) ([][]graph.Link, error)
	Declarations(ctx context.Context, contributorIDs []string) (map[string][]graph.Declaration, error)
	Changes(ctx context.Context, since uint64, limit int) ([]graph.Change, error)
	LastSeq(ctx context.Context) (uint64, error)
	MediaOf(ctx context.Context, documentIDs []string) (map[string][]*graph.Media, error)
}

var _ Source = graph.Store(nil)

// indexedLinks are the relations whose other end the index records, each
// read in the direction that starts from the document.
var indexedLinks = []struct {
	rel graph.Relation
	dir graph.Direction
}{
	{graph.RelAuthored, graph.In},
	{graph.RelOfCommunity, graph.Out},
	{graph.RelInCarnet, graph.Out},
	{graph.RelMentions, graph.Out},
	{graph.RelConcerns, graph.Out},
}

// gatherChunk bounds the ids passed to one store call.
const gatherChunk = 200

// fetch reads the documents with ids from src. It returns their entries
// and the ids that no longer exist, which the caller removes from the index.
func fetch(ctx context.Context, src Source, ids []string) (entries []entry, gone []string, err error) {
	sys := graph.SystemContext(ctx)
	for start := 0; start < len(ids); start += gatherChunk {
		chunk := ids[start:min(start+gatherChunk, len(ids))]
		docs, err := src.Documents(sys, chunk)
		if err != nil {
			return nil, nil, err
		}
		var found []*graph.Document
		for i, d := range docs {
			if d == nil {
				gone = append(gone, chunk[i])
			} else {
				found = append(found, d)
			}
		}
		es, err := entriesFor(sys, src, found)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, es...)
	}
	return entries, gone, nil
}

// entriesFor completes documents already read with their links and their
// authors' declarations: one LinksOf call and one Declarations call per
// chunk, whatever its size.
func entriesFor(ctx context.Context, src Source, docs []*graph.Document) ([]entry, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	// One LinksOf call for the five relations of every document: on a
	// networked store a statement per relation and page made most of a
	// rebuild's round trips.
	sel := make([]graph.LinkSelection, 0, len(ids)*len(indexedLinks))
	for _, id := range ids {
		for _, il := range indexedLinks {
			sel = append(sel, graph.LinkSelection{ID: id, Relation: il.rel, Direction: il.dir})
		}
	}
	lists, err := src.LinksOf(ctx, sel)
	if err != nil {
		return nil, err
	}
	if len(lists) != len(sel) {
		return nil, fmt.Errorf("store returned %d link lists for %d selections", len(lists), len(sel))
	}
	links := make(map[string]map[graph.Relation][]string, len(ids))
	authorSet := map[string]bool{}
	for i, q := range sel {
		m := links[q.ID]
		if m == nil {
			m = map[graph.Relation][]string{}
			links[q.ID] = m
		}
		for _, l := range lists[i] {
			if l.Relation != q.Relation {
				continue
			}
			other, _ := l.Other(q.ID)
			m[q.Relation] = append(m[q.Relation], other)
			if q.Relation == graph.RelAuthored {
				authorSet[other] = true
			}
		}
	}
	var decls map[string][]graph.Declaration
	if len(authorSet) > 0 {
		authors := make([]string, 0, len(authorSet))
		for a := range authorSet {
			authors = append(authors, a)
		}
		var err error
		if decls, err = src.Declarations(ctx, authors); err != nil {
			return nil, err
		}
	}
	media, err := src.MediaOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]entry, len(docs))
	for i, d := range docs {
		out[i] = newEntry(d, links[d.ID], decls)
		out[i].Media = mediaText(media[d.ID])
		out[i].Formats = mediaFormats(media[d.ID])
	}
	return out, nil
}
