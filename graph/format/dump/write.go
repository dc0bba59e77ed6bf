package dump

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
)

// Write writes the whole graph of s to w, read as the system: hidden
// documents, every revision, every declaration whatever its visibility,
// every moderation flag, every media record and every discussion (hidden
// comments and deleted stand-ins included) are in it, which is what a backup is for. It reads through the Store
// interface, page by page, so it works on any store; on a store that others
// write to meanwhile (a shared Neo4j) the pages may not be one snapshot, so
// back up a quiet store.
//
// A graph with media needs WriteBlobs, which carries their files too.
func Write(ctx context.Context, s Source, w io.Writer) (Counts, error) {
	return WriteBlobs(ctx, s, nil, w)
}

// WriteBlobs is Write for a graph whose media files are in blobs: the
// file carries the media records, the discussions and, last, the media
// files' bytes (see media.go). A media whose file blobs lacks, or holds
// damaged, fails the dump.
func WriteBlobs(ctx context.Context, s Source, blobs blob.Store, w io.Writer) (Counts, error) {
	ctx = graph.SystemContext(ctx)
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	counts := Counts{}
	put := func(typ string, rec any) error {
		counts[typ]++
		return enc.Encode(rec)
	}
	if err := enc.Encode(Header{Format: Format, Version: Version, CreatedAt: time.Now().UTC(), Generator: "maillage"}); err != nil {
		return nil, err
	}

	// Links are gathered from their From end, so every link is met once;
	// they are written after all nodes, which a reader needs to check them.
	var nodeIDs []string
	err := eachPage(ctx, s.KnowledgeBases().List, func(x *graph.KnowledgeBase) error {
		nodeIDs = append(nodeIDs, x.ID)
		return put(TypeKnowledgeBase, kbRecord(x))
	})
	if err == nil {
		err = eachPage(ctx, s.Communities().List, func(x *graph.Community) error {
			nodeIDs = append(nodeIDs, x.ID)
			return put(TypeCommunity, communityRecord(x))
		})
	}
	if err == nil {
		err = eachPage(ctx, s.Carnets().List, func(x *graph.Carnet) error {
			nodeIDs = append(nodeIDs, x.ID)
			return put(TypeCarnet, toCarnetRecord(x))
		})
	}
	var contributorIDs []string
	if err == nil {
		err = eachPage(ctx, s.ListContributors, func(x *graph.Contributor) error {
			nodeIDs = append(nodeIDs, x.ID)
			contributorIDs = append(contributorIDs, x.ID)
			return put(TypeContributor, toContributorRecord(x))
		})
	}
	var docIDs []string
	if err == nil {
		listDocs := func(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Document], error) {
			return s.ListDocuments(ctx, graph.DocumentFilter{Kinds: graph.DocumentKinds}, graph.DocumentOrder{Field: graph.OrderCreatedAt}, p)
		}
		err = eachPage(ctx, listDocs, func(d *graph.Document) error {
			nodeIDs = append(nodeIDs, d.ID)
			docIDs = append(docIDs, d.ID)
			return put(TypeDocument, toDocumentRecord(d))
		})
	}
	for _, id := range docIDs {
		if err != nil {
			break
		}
		revs := func(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Revision], error) {
			return s.Revisions(ctx, id, p)
		}
		// Revisions come newest first; a file reads better oldest first,
		// so one document's are gathered (there are few) and reversed.
		var all []*graph.Revision
		err = eachPage(ctx, revs, func(r *graph.Revision) error { all = append(all, r); return nil })
		for i := len(all) - 1; i >= 0 && err == nil; i-- {
			err = put(TypeRevision, toRevisionRecord(all[i]))
		}
	}
	for start := 0; start < len(nodeIDs) && err == nil; start += graph.MaxFirst {
		ids := nodeIDs[start:min(start+graph.MaxFirst, len(nodeIDs))]
		var links map[string][]graph.Link
		if links, err = s.Links(ctx, ids, "", graph.Out); err != nil {
			break
		}
		for _, id := range ids {
			for i := range links[id] {
				if err = put(TypeLink, toLinkRecord(&links[id][i])); err != nil {
					break
				}
			}
		}
	}
	for start := 0; start < len(contributorIDs) && err == nil; start += graph.MaxFirst {
		ids := contributorIDs[start:min(start+graph.MaxFirst, len(contributorIDs))]
		var decls map[string][]graph.Declaration
		if decls, err = s.Declarations(ctx, ids); err != nil {
			break
		}
		for _, id := range ids {
			for i := range decls[id] {
				if err = put(TypeDeclaration, toDeclarationRecord(&decls[id][i])); err != nil {
					break
				}
			}
		}
	}
	var files map[string]int64
	if err == nil {
		if files, err = writeMedia(ctx, s, put); err == nil && len(files) > 0 && blobs == nil {
			err = ErrNoBlobs
		}
	}
	if err == nil {
		err = writeDiscussions(ctx, s, docIDs, put)
	}
	if err == nil {
		// Flags come newest first; the file has them oldest first, like
		// revisions. Every flag is there, resolved ones included: a
		// decision and its note are the record of moderation.
		var flags []*graph.Flag
		listFlags := func(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Flag], error) {
			return s.Flags(ctx, graph.FlagFilter{}, p)
		}
		err = eachPage(ctx, listFlags, func(f *graph.Flag) error { flags = append(flags, f); return nil })
		for i := len(flags) - 1; i >= 0 && err == nil; i-- {
			err = put(TypeFlag, toFlagRecord(flags[i]))
		}
	}
	if err == nil {
		err = writeBlobs(ctx, blobs, files, put)
	}
	if err != nil {
		return nil, err
	}
	if err := enc.Encode(endRecord{Type: TypeEnd, Counts: counts}); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return counts, nil
}

// Source is what Write reads: every list of the graph's records.
type Source interface {
	Target
	Revisions(ctx context.Context, id string, p graph.Page) (*graph.Connection[*graph.Revision], error)
	Links(ctx context.Context, ids []string, rel graph.Relation, dir graph.Direction) (map[string][]graph.Link, error)
	Declarations(ctx context.Context, contributorIDs []string) (map[string][]graph.Declaration, error)
	Flags(ctx context.Context, f graph.FlagFilter, p graph.Page) (*graph.Connection[*graph.Flag], error)
	ScanMedia(ctx context.Context, after string, limit int) ([]*graph.Media, error)
	Discussions(ctx context.Context, documentIDs []string) (map[string]*graph.Discussion, error)
}

// eachPage calls fn for every item of a paged list, MaxFirst at a time.
func eachPage[T any](ctx context.Context, list func(context.Context, graph.Page) (*graph.Connection[T], error), fn func(T) error) error {
	p := graph.Page{First: graph.MaxFirst}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		conn, err := list(ctx, p)
		if err != nil {
			return fmt.Errorf("dump: %w", err)
		}
		for _, e := range conn.Edges {
			if err := fn(e.Node); err != nil {
				return err
			}
		}
		if !conn.PageInfo.HasNextPage || len(conn.Edges) == 0 {
			return nil
		}
		p.After = conn.PageInfo.EndCursor
	}
}
