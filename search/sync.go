package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/maillage/graph"
)

// changePage is how many changes one Changes call reads.
const changePage = 1000

// progressEvery is how often a build of the index logs its progress.
const progressEvery = 5 * time.Second

// loadPage is how many documents one ScanDocuments call of a rebuild reads.
const loadPage = 500

// CatchUp applies to the index the store changes it has not applied yet,
// and records the last one's Seq in the same Bleve batch as the documents,
// so that a crash between a store commit and the index update is repaired
// by the next CatchUp (the sequence is the only bookkeeping; every change is
// re-read from the store, so applying one twice does no harm).
//
// Call it on start, and after each store write before the mutation
// answers. An index that was never built (new, or reset because its format
// changed) or that is ahead of the store (the store was replaced) is
// rebuilt instead, with a log line.
func (ix *Index) CatchUp(ctx context.Context, src Source) error {
	for range 2 {
		rebuild, err := ix.catchUpLive(ctx, src)
		if err != nil || !rebuild {
			return err
		}
		if err := ix.rebuild(ctx, src, true); err != nil {
			return err
		}
	}
	return nil
}

// catchUpLive applies pending changes to the live index, or reports that it
// needs a rebuild first.
func (ix *Index) catchUpLive(ctx context.Context, src Source) (rebuild bool, err error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return false, errClosed
	}
	if rebuild, err := ix.needsRebuild(ctx, src); err != nil || rebuild {
		return rebuild, err
	}
	seq, _, err := readSeq(ix.live.idx)
	if err != nil {
		return false, err
	}
	err = ix.applyChanges(ctx, src, ix.live, seq)
	ix.refreshFields(ix.live.idx)
	return false, err
}

// needsRebuild reports whether the live index cannot be brought up to date
// by following changes. Called with mu held.
func (ix *Index) needsRebuild(ctx context.Context, src Source) (bool, error) {
	seq, built, err := readSeq(ix.live.idx)
	if err != nil || !built {
		return !built, err
	}
	last, err := src.LastSeq(graph.SystemContext(ctx))
	if err != nil {
		return false, fmt.Errorf("search: %w", err)
	}
	if last < seq {
		ix.log.Warn("search index is ahead of the store (was the store replaced?): rebuilding", "index_seq", seq, "store_seq", last)
		return true, nil
	}
	return false, nil
}

// Rebuild builds a new index from the store aside, catches it up and swaps
// it in through the alias. Searches keep answering from the old index
// meanwhile, and CatchUp keeps it current; the old index is then deleted.
// This is what `maillage reindex` runs.
func (ix *Index) Rebuild(ctx context.Context, src Source) error {
	return ix.rebuild(ctx, src, false)
}

func (ix *Index) rebuild(ctx context.Context, src Source, onlyIfNeeded bool) error {
	ix.rebuildMu.Lock()
	defer ix.rebuildMu.Unlock()
	if ix.shut.Load() {
		return errClosed
	}
	if onlyIfNeeded {
		// Another caller may have rebuilt while this one waited.
		ix.mu.Lock()
		need, err := false, errClosed
		if !ix.closed {
			need, err = ix.needsRebuild(ctx, src)
		}
		ix.mu.Unlock()
		if err != nil || !need {
			return err
		}
	}

	start := time.Now()
	sys := graph.SystemContext(ctx)
	// Read the sequence before listing: changes made during the listing
	// have a higher Seq and are replayed below, which is harmless for those
	// the listing already saw.
	seq0, err := src.LastSeq(sys)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	// A first start builds the whole index: say so before the wait, the
	// progress lines come every progressEvery.
	ix.log.Info("building the search index from the store", "changes", seq0)
	p, err := ix.createPart()
	if err != nil {
		return err
	}
	discard := func() {
		_ = p.close()
		_ = os.RemoveAll(filepath.Join(ix.dir, p.name))
	}
	n, err := ix.load(ctx, src, p, seq0)
	if err != nil {
		discard()
		return err
	}

	ix.mu.Lock()
	if ix.closed {
		ix.mu.Unlock()
		discard()
		return errClosed
	}
	if err := ix.applyChanges(ctx, src, p, seq0); err != nil {
		ix.mu.Unlock()
		discard()
		return err
	}
	// The new part must be on disk before CURRENT names it.
	w := ix.newWriter(p, 1)
	w.durable = true
	if err := w.finish(ix.lastSeqOf(p)); err != nil {
		ix.mu.Unlock()
		discard()
		return err
	}
	if err := ix.writeCurrent(p.name); err != nil {
		ix.mu.Unlock()
		discard()
		return err
	}
	old := ix.live
	ix.gen.Add(1)
	ix.alias.Swap([]bleve.Index{p.idx}, []bleve.Index{old.idx})
	ix.live = p
	ix.refreshFields(p.idx)
	ix.gen.Add(1)
	ix.mu.Unlock()

	// Swap waited for the searches reading the old index; none is left.
	if err := old.close(); err != nil {
		ix.log.Warn("search: closing the replaced index", "err", err)
	}
	if err := os.RemoveAll(filepath.Join(ix.dir, old.name)); err != nil {
		ix.log.Warn("search: removing the replaced index", "dir", old.name, "err", err)
	}
	ix.log.Info("search index rebuilt", "documents", n, "seq", seq0, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// lastSeqOf returns the Seq p has applied (it was built: load set it).
func (ix *Index) lastSeqOf(p *part) uint64 {
	seq, _, _ := readSeq(p.idx)
	return seq
}

// load indexes every document of the store into idx and records seq0 as its
// last applied change.
func (ix *Index) load(ctx context.Context, src Source, p *part, seq0 uint64) (int, error) {
	w := ix.newWriter(p, ix.batchSize)
	n := 0
	// The store is read one page ahead of the indexing: a networked store
	// answers while Bleve analyses the previous page, so a rebuild takes
	// about the longer of the two rather than their sum.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan loadedPage, 1)
	go readPages(ctx, src, pages)
	// A build of a large store takes minutes: a line every few seconds
	// tells an operator it progresses.
	start, lastLog := time.Now(), time.Now()
	for pg := range pages {
		if time.Since(lastLog) >= progressEvery {
			lastLog = time.Now()
			ix.log.Info("building the search index", "documents", n, "per_second", int(float64(n)/time.Since(start).Seconds()))
		}
		if pg.err != nil {
			return n, pg.err
		}
		for _, e := range pg.entries {
			if err := w.put(e); err != nil {
				return n, err
			}
		}
		n += len(pg.entries)
	}
	if err := ctx.Err(); err != nil {
		return n, err
	}
	// Waiting here for the bulk to reach the disk, outside the write lock,
	// leaves little to wait for when the swap makes the part durable.
	w.durable = true
	return n, w.finish(seq0)
}

// loadedPage is one page of a rebuild's reading, or the error that ended it.
type loadedPage struct {
	entries []entry
	err     error
}

// readPages sends every document of src as entries, a page at a time, and
// closes pages when done, after an error, or once ctx is cancelled.
func readPages(ctx context.Context, src Source, pages chan<- loadedPage) {
	defer close(pages)
	sys := graph.SystemContext(ctx)
	after := ""
	for {
		var pg loadedPage
		// Keyset pages in id order: each costs the same however many
		// documents came before, where a sorted, counted list page reads
		// them all (a rebuild of 100 000 documents from Neo4j was quadratic).
		docs, err := src.ScanDocuments(sys, after, loadPage)
		if err != nil {
			pg.err = fmt.Errorf("search: scan documents: %w", err)
		} else if pg.entries, err = entriesFor(sys, src, docs); err != nil {
			pg.err = fmt.Errorf("search: %w", err)
		}
		if pg.err == nil {
			pg.err = ctx.Err()
		}
		select {
		case pages <- pg:
		case <-ctx.Done():
			return
		}
		if pg.err != nil || len(docs) < loadPage {
			return
		}
		after = docs[len(docs)-1].ID
	}
}

// applyChanges applies the changes after since to idx, page by page; each
// page ends with a batch that records its last Seq. Called with mu held
// (or on an index nobody else writes to yet).
func (ix *Index) applyChanges(ctx context.Context, src Source, p *part, since uint64) error {
	sys := graph.SystemContext(ctx)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		changes, err := src.Changes(sys, since, changePage)
		if err != nil {
			return fmt.Errorf("search: read changes: %w", err)
		}
		if len(changes) == 0 {
			return nil
		}
		last := changes[len(changes)-1].Seq
		if last <= since {
			return fmt.Errorf("search: store returned change %d after %d", last, since)
		}
		direct, reverse := affected(changes)
		ids, err := referencing(p.idx, reverse)
		if err != nil {
			return err
		}
		ids = uniq(append(ids, direct...))
		entries, gone, err := fetch(ctx, src, ids)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		w := ix.newWriter(p, ix.batchSize)
		for _, e := range entries {
			if err := w.put(e); err != nil {
				return err
			}
		}
		for _, id := range gone {
			if err := w.remove(id); err != nil {
				return err
			}
		}
		if err := w.finish(last); err != nil {
			return err
		}
		since = last
	}
}

// affected returns the documents changes may have altered: direct ids are
// reindexed (or removed if gone) as they are; reverse ids are nodes whose
// change alters the documents that refer to them (an author's public
// declarations, a deleted community …), found through the index itself so
// that it works even when the store's cascade left no link to follow.
func affected(changes []graph.Change) (direct, reverse []string) {
	for _, c := range changes {
		switch c.Op {
		case graph.OpLink, graph.OpUnlink:
			switch c.Relation {
			case graph.RelAuthored, graph.RelOfCommunity, graph.RelInCarnet, graph.RelMentions, graph.RelConcerns:
				// The document end changed; the other end is not a document
				// of the index unless it is one (a term, an organisation),
				// which fetch sorts out.
				direct = append(direct, c.ID, c.OtherID)
			case graph.RelLinksTo, graph.RelInBase, graph.RelMemberOf, graph.RelAffiliatedWith, graph.RelBroader, graph.RelRelated:
				// Nothing the index records.
			default:
				// Unknown to this code (a standpoint declaration recorded
				// as a link, say): assume the worst.
				direct = append(direct, c.ID, c.OtherID)
				reverse = append(reverse, c.ID, c.OtherID)
			}
		case graph.OpComment:
			// Discussions are not indexed.
		case graph.OpCreate, graph.OpUpdate:
			switch {
			case c.Kind.IsDocument():
				direct = append(direct, c.ID)
			case c.Kind == graph.KindCarnet || c.Kind == graph.KindCommunity || c.Kind == graph.KindKnowledgeBase:
				// Names and descriptions are not indexed; ids do not change.
			default:
				// Contributors: a declaration may have changed.
				direct = append(direct, c.ID)
				reverse = append(reverse, c.ID)
			}
		default: // OpDelete and anything new
			direct = append(direct, c.ID)
			reverse = append(reverse, c.ID)
			if c.OtherID != "" {
				direct = append(direct, c.OtherID)
				reverse = append(reverse, c.OtherID)
			}
		}
	}
	return uniq(direct), uniq(reverse)
}

// referencing returns the ids of indexed documents whose id fields
// (authors, communities, carnets, terms, organisations) hold one of ids.
func referencing(idx bleve.Index, ids []string) ([]string, error) {
	const chunk, pageSize = 100, 5000
	var out []string
	for start := 0; start < len(ids); start += chunk {
		var qs []query.Query
		for _, id := range ids[start:min(start+chunk, len(ids))] {
			for _, f := range refFields {
				tq := query.NewTermQuery(id)
				tq.SetField(f)
				qs = append(qs, tq)
			}
		}
		q := query.NewDisjunctionQuery(qs)
		var after []string
		for {
			req := bleve.NewSearchRequestOptions(q, pageSize, 0, false)
			req.SortBy([]string{"_id"})
			req.Score = "none"
			req.SearchAfter = after
			res, err := idx.Search(req)
			if err != nil {
				return nil, fmt.Errorf("search: find referencing documents: %w", err)
			}
			for _, h := range res.Hits {
				out = append(out, h.ID)
			}
			if len(res.Hits) < pageSize {
				break
			}
			after = []string{res.Hits[len(res.Hits)-1].ID}
		}
	}
	sort.Strings(out)
	return out, nil
}

// writer sends documents to a part in batches of size; the last batch
// records the Seq the whole write brings the index to. Before each batch,
// the facet codes its documents use that the part does not hold yet are
// appended to the part's codes file.
type writer struct {
	p       *part
	dict    *facetDict
	size    int
	b       *bleve.Batch
	durable bool           // wait for each batch to reach the disk
	gen     *atomic.Uint64 // Index.gen: odd while a batch is written
}

func (ix *Index) newWriter(p *part, size int) *writer {
	return &writer{p: p, dict: ix.dict, size: size, b: p.idx.NewBatch(), gen: &ix.gen}
}

func (w *writer) put(e entry) error {
	doc := document.NewDocument(e.ID)
	if err := w.p.idx.Mapping().MapDocument(doc, e.doc(w.dict)); err != nil {
		return fmt.Errorf("search: index %s: %w", e.ID, err)
	}
	for i, f := range doc.Fields {
		// Facet counts read the coded values of every matching document.
		// Bleve's mapping can only keep doc values in compressed chunks of
		// 1 024 documents, so a search matching 200 scattered documents
		// decompressed about as many chunks: a quarter of its CPU time.
		// Unchunked and uncompressed, a document's codes are read alone;
		// the index keeps its size (466 MB either way for the 100 000
		// documents of the benchmark).
		if tf, ok := f.(*document.TextField); ok && tf.Name() == fieldFacets {
			doc.Fields[i] = document.NewTextFieldCustom(tf.Name(), tf.ArrayPositions(), tf.Value(),
				tf.Options()|index.SkipDVChunking|index.SkipDVCompression, tf.Analyzer())
		}
	}
	if err := w.b.IndexAdvanced(doc); err != nil {
		return fmt.Errorf("search: index %s: %w", e.ID, err)
	}
	return w.flushIfFull()
}

func (w *writer) remove(id string) error {
	w.b.Delete(id)
	return w.flushIfFull()
}

func (w *writer) flushIfFull() error {
	if w.b.Size() < w.size {
		return nil
	}
	return w.flush()
}

func (w *writer) flush() error {
	// The codes first: a batch Bleve persisted must decode after a crash.
	if err := w.p.codes.sync(w.dict); err != nil {
		return err
	}
	// Cached results stop answering from the batch's start (cache.go);
	// a batch of a part not yet live moves the generation too, needlessly
	// but harmlessly.
	w.gen.Add(1)
	defer w.gen.Add(1)
	write := w.p.idx.Batch
	if w.durable {
		write = func(b *bleve.Batch) error { return durably(w.p.idx, b) }
	}
	if err := write(w.b); err != nil {
		return fmt.Errorf("search: write batch: %w", err)
	}
	// A new batch rather than Reset: scorch may still be ranging over the
	// old one's map in a goroutine of its own when Batch returns.
	w.b = w.p.idx.NewBatch()
	return nil
}

func (w *writer) finish(seq uint64) error {
	w.b.SetInternal(keySeq, encodeSeq(seq))
	return w.flush()
}
