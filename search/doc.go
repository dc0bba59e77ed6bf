// Package search is maillage's full-text index: Bleve, with French and
// English analysis, filters and facets by topic and by standpoint, and the
// viewer's visibility applied inside every query.
//
// The store is the source of truth; the index is derived from it and kept
// in step through the store's change sequence:
//
//	ix, err := search.Open(filepath.Join(dataDir, "search"), search.Options{Logger: log})
//	defer ix.Close()
//	err = ix.CatchUp(ctx, store)  // on start: builds the index if it is new
//	…
//	err = ix.CatchUp(ctx, store)  // after each store write, before the mutation answers
//	err = ix.Rebuild(ctx, store)  // `maillage reindex`: build aside, swap, searches keep answering
//
//	res, err := ix.Search(ctx, search.Request{
//		Query:             `éducation populaire -"école privée"`,
//		Filter:            search.Filter{Standpoints: []search.Standpoint{{Dimension: "region", Value: "estrie"}}},
//		First:             20,
//		After:             cursor,
//		Viewer:            graph.ViewerFrom(ctx),
//		ViewerCommunities: memberOf, // the viewer's MEMBER_OF communities
//		Facets:            true,
//	})
//
// Hits carry ids only: the caller reads the documents through the store
// (store.Documents), which checks visibility once more.
//
// Files: analysis.go (analyzers), mapping.go (fields), document.go (what is
// indexed of a document), gather.go (reading it from the store), index.go
// (directory, open, format check), sync.go (catch-up and rebuild),
// parse.go (the user's query text), query.go (Bleve queries: text,
// filters, visibility), facets.go (coded facet values), request.go (the
// request and result types), search.go (running a search), topk.go (a
// first page among candidates, bounded totals), bitmaps.go (counts, facet
// counts and small results' lists on postings bitmaps), impacts.go (term
// statistics and pooled dictionaries), facetcols.go (facet code columns),
// highlight.go (positions of the page's hits only).
package search
