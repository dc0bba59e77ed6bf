package neo4j

import (
	"context"
	"errors"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/encommun/maillage/graph"
)

// ListDocuments implements graph.DocumentStore. Filtering, visibility,
// sorting and paging all happen in Neo4j, so a page costs the same
// however many documents there are; the page info is computed from two
// counts (all matches, and the matches after the cursor), exactly as
// graph.Paginate computes it, so both stores page alike. The counts read
// every matching document: a page asked for without them (p.NoTotal) is
// one statement that stops after one document more than the page.
func (s *Store) ListDocuments(ctx context.Context, f graph.DocumentFilter, o graph.DocumentOrder, p graph.Page) (*graph.Connection[*graph.Document], error) {
	limit, err := p.Limit()
	if err != nil {
		return nil, err
	}
	field := o.Field
	if field == "" {
		field = graph.OrderCreatedAt
	}
	sortProp, ok := sortProperties[field]
	if !ok {
		return nil, graph.Errorf(graph.EINVALID, "unknown order %q: CREATED_AT, UPDATED_AT, PUBLISHED_AT or TITLE", o.Field)
	}
	kinds, err := filterKinds(f.Kinds)
	if err != nil {
		return nil, err
	}
	if f.Visibility != "" && !f.Visibility.Valid() {
		return nil, graph.Errorf(graph.EINVALID, "visibility must be PUBLIC, COMMUNITY or PRIVATE")
	}
	if f.Category != "" && f.CarnetID == "" {
		return nil, graph.Errorf(graph.EINVALID, "a category filter needs a carnet")
	}
	var after graph.Cursor
	if p.After != "" {
		if after, err = graph.DecodeCursor(p.After); err != nil {
			return nil, err
		}
	}
	params := func(r *reader) map[string]any {
		return r.viewer(map[string]any{
			"kinds": kinds, "language": f.Language, "visibility": string(f.Visibility),
			"authorId": f.AuthorID, "carnetId": f.CarnetID, "category": f.Category,
			"communityId": f.CommunityID, "termId": f.TermID, "organisationId": f.OrganisationID,
		})
	}
	var out *graph.Connection[*graph.Document]
	if p.NoTotal {
		// No count: the page and one document more tell whether another
		// page follows.
		err = s.view(ctx, func(r *reader) error {
			c, err := r.documentPage(params(r), sortProp, o.Desc, p.After != "", after, limit+1)
			if err != nil {
				return err
			}
			if len(c.Edges) > limit {
				c.Edges = c.Edges[:limit]
				c.PageInfo.HasNextPage = true
			}
			if n := len(c.Edges); n > 0 {
				c.PageInfo.StartCursor = c.Edges[0].Cursor
				c.PageInfo.EndCursor = c.Edges[n-1].Cursor
			}
			out = c
			return nil
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	v := viewerOf(ctx)
	if f.Language == "" && f.AuthorID == "" && f.CarnetID == "" && f.Category == "" && f.CommunityID == "" &&
		f.TermID == "" && f.OrganisationID == "" && (f.Visibility == "" || !v.SeesEverything()) {
		return s.listListed(ctx, kinds, f.Visibility, params, sortProp, o.Desc, p.After != "", after, limit)
	}
	// The count and the page are two statements that do not depend on each
	// other: each runs in a transaction of its own (viewEach), at once.
	err = s.viewEach(ctx, func(r *reader) error {
		countParams := params(r)
		countParams["desc"] = o.Desc
		countParams["sortKey"] = sortProp
		countParams["hasCursor"] = p.After != ""
		countParams["afterKey"], countParams["afterId"] = after.Key, after.ID
		count := countDocuments
		if !r.v.SeesEverything() && r.v.ContributorID == "" {
			count = countDocumentsPublic
		}
		var page *graph.Connection[*graph.Document]
		var pageErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			page, pageErr = r.documentPage(params(r), sortProp, o.Desc, p.After != "", after, limit)
		}()
		rec, err := r.runSingle(count, countParams, "countDocuments")
		<-done
		if err != nil {
			return err
		}
		if pageErr != nil {
			return pageErr
		}
		x := recordDecoder(rec)
		total, remaining := int(x.int("total")), int(x.int("remaining"))
		if err := x.done("document count"); err != nil {
			return err
		}
		out = page
		out.TotalCount = total
		start := total - remaining
		out.PageInfo.HasNextPage = start+len(out.Edges) < total
		out.PageInfo.HasPreviousPage = start > 0
		if n := len(out.Edges); n > 0 {
			out.PageInfo.StartCursor = out.Edges[0].Cursor
			out.PageInfo.EndCursor = out.Edges[n-1].Cursor
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// listListed is ListDocuments for a list that no filter narrows but its
// kinds and a visibility: its total comes from countListed, which reads
// none of the documents anyone may read, and its page info from the page
// (one document more than asked) and, after a cursor, from existsBefore.
// The three statements run at once, each in a transaction of its own.
func (s *Store) listListed(ctx context.Context, kinds []string, visibility graph.Visibility, params func(r *reader) map[string]any,
	sortProp string, desc, hasCursor bool, after graph.Cursor, limit int) (*graph.Connection[*graph.Document], error) {
	var out *graph.Connection[*graph.Document]
	err := s.viewEach(ctx, func(r *reader) error {
		var page *graph.Connection[*graph.Document]
		var pageErr, beforeErr error
		before := false
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			page, pageErr = r.documentPage(params(r), sortProp, desc, hasCursor, after, limit+1)
		}()
		if hasCursor {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := params(r)
				p["afterKey"], p["afterId"] = after.Key, after.ID
				var recs []*neo4j.Record
				recs, beforeErr = r.run(existsBeforeCypher[pageDocumentsKey{sortProp, desc, true}], p)
				before = len(recs) > 0
			}()
		}
		rec, err := r.runSingle(countListed, r.viewer(map[string]any{"kinds": kinds, "visibility": string(visibility)}), "countListed")
		wg.Wait()
		if err = errors.Join(err, pageErr, beforeErr); err != nil {
			return err
		}
		x := recordDecoder(rec)
		total := int(x.int("total"))
		if err := x.done("document count"); err != nil {
			return err
		}
		out = page
		out.TotalCount = total
		if len(out.Edges) > limit {
			out.Edges = out.Edges[:limit]
			out.PageInfo.HasNextPage = true
		}
		out.PageInfo.HasPreviousPage = before
		if n := len(out.Edges); n > 0 {
			out.PageInfo.StartCursor = out.Edges[0].Cursor
			out.PageInfo.EndCursor = out.Edges[n-1].Cursor
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// documentPage reads up to limit documents of a list from its cursor, in
// the list's order, through the sort property's index (see
// pageDocumentsFirstTemplate); params are the filters'.
func (r *reader) documentPage(params map[string]any, sortProp string, desc, hasCursor bool, after graph.Cursor, limit int) (*graph.Connection[*graph.Document], error) {
	params["limit"] = int64(limit)
	if hasCursor {
		params["afterKey"], params["afterId"] = after.Key, after.ID
	}
	recs, err := r.run(pageDocumentsCypher[pageDocumentsKey{sortProp, desc, hasCursor}], params)
	if err != nil {
		return nil, err
	}
	out := &graph.Connection[*graph.Document]{}
	for _, rec := range recs {
		v, _ := rec.Get("doc")
		d, err := decodeDocument(v)
		if err != nil {
			return nil, err
		}
		x := recordDecoder(rec)
		c := graph.Cursor{Key: x.str("key"), ID: x.str("id")}
		if err := x.done("document key"); err != nil {
			return nil, err
		}
		out.Edges = append(out.Edges, graph.ConnEdge[*graph.Document]{Cursor: c.Encode(), Node: d})
	}
	return out, nil
}

// ScanDocuments implements graph.DocumentStore.
func (s *Store) ScanDocuments(ctx context.Context, after string, limit int) ([]*graph.Document, error) {
	if err := graph.CheckScanLimit(limit); err != nil {
		return nil, err
	}
	var out []*graph.Document
	err := s.view(ctx, func(r *reader) error {
		out = nil
		recs, err := r.run(scanDocuments, r.viewer(map[string]any{"after": after, "limit": int64(limit)}))
		if err != nil {
			return err
		}
		for _, rec := range recs {
			v, _ := rec.Get("doc")
			d, err := decodeDocument(v)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// filterKinds returns the kinds to list; none means every document kind.
func filterKinds(ks []graph.Kind) ([]string, error) {
	var out []string
	for _, k := range ks {
		if !k.IsDocument() {
			return nil, graph.Errorf(graph.EINVALID, "kind %q is not a document kind: Note, Term or Organisation", k)
		}
		out = append(out, string(k))
	}
	if len(ks) == 0 {
		for _, k := range graph.DocumentKinds {
			out = append(out, string(k))
		}
	}
	return out, nil
}
