package search

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Options configure an Index. The zero value is ready to use.
type Options struct {
	// Logger receives rebuild and catch-up notices; slog.Default() if nil.
	Logger *slog.Logger
	// BatchSize is the number of documents per Bleve batch while indexing;
	// 0 means defaultBatchSize.
	BatchSize int
	// MaxConcurrentSearches bounds the Bleve searches running at once
	// (gate.go); 0 means one per core.
	MaxConcurrentSearches int
	// ResultCache is the number of results kept (cache.go): 0 means
	// defaultCacheSize, a negative number none.
	ResultCache int
}

const defaultBatchSize = 1000

// Internal keys, stored in the Bleve index itself, so that they are written
// in the same batch as the documents they describe.
var (
	keySeq    = []byte("maillage.seq")    // last change Seq applied; absent: never built
	keyFormat = []byte("maillage.format") // mappingSignature the index was written with
)

const (
	currentFile = "CURRENT" // names the live index directory
	partPrefix  = "index-"  // index directories: index-<time>-<random>
)

// Index is the search index: a directory holding one live Bleve index (and,
// during a rebuild, the one being built), served through a bleve.IndexAlias
// so that a rebuilt index replaces the live one without a pause in answers.
//
// Search may be called concurrently with everything else. CatchUp and
// Rebuild may be called concurrently too: writes to the live index are
// serialised, and a rebuild holds the write lock only to catch the new
// index up and swap it in.
type Index struct {
	dir       string
	log       *slog.Logger
	batchSize int
	im        *mapping.IndexMappingImpl
	sig       string
	analyzers map[textLang]analysis.Analyzer
	alias     bleve.IndexAlias
	slots     chan struct{} // searches running (gate.go)
	waiting   atomic.Int64  // searches waiting for a slot
	dict      *facetDict    // facet codes, shared by every part

	mu     sync.Mutex // guards live and closed; held while writing to live
	live   *part
	closed bool

	// fields holds the text fields the live index has, so that queries
	// skip the others: each fuzzy clause costs a Levenshtein automaton per
	// field, whether the field holds terms or not.
	fields atomic.Pointer[map[string]bool]
	// shut mirrors closed for Search, which does not take mu.
	shut atomic.Bool

	rebuildMu sync.Mutex // one rebuild at a time

	// gen is odd while a batch is written or an index swapped in (cache.go).
	gen   atomic.Uint64
	cache *resultCache

	// Relevance pages answered among the candidates alone, and those that
	// had to be asked of every match (topk.go): for tests and operators.
	boundedPages, boundedMisses, boundedCandidates atomic.Int64
	// fewMatches is the number of matches up to which a relevance page is
	// asked of every match at once (defaultFewMatches; tests change it, and
	// a negative value asks every page of every match, as before topk.go).
	fewMatches int
	// facetCols are the segments' facet codes as columns (facetcols.go).
	facetCols *facetColumns
	// impacts are the segments' highest term impacts (impacts.go).
	impacts *impactCache
	// readableAsked counts the values facets asked the readability of.
	readableAsked atomic.Int64
}

// part is one Bleve index directory under Index.dir.
type part struct {
	name string
	idx  bleve.Index
	// codes is the part's facet codes file; only the part's writer
	// (under Index.mu, or the rebuild that owns it) uses it.
	codes *codeLog
}

func (p *part) close() error {
	err := p.idx.Close()
	if p.codes != nil {
		if cerr := p.codes.close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Open opens (or creates) the index in dir. An index written with another
// mapping or analysis version, or one Bleve cannot read, is replaced by an
// empty one and a line is logged; the next CatchUp then rebuilds it from the
// store. An index held by another process is an error.
func Open(dir string, opts Options) (*Index, error) {
	ix := &Index{dir: dir, log: opts.Logger, batchSize: opts.BatchSize, im: newMapping(),
		slots: searchSlots(opts.MaxConcurrentSearches), cache: newResultCache(opts.ResultCache),
		fewMatches: defaultFewMatches, facetCols: newFacetColumns(), impacts: newImpactCache()}
	if ix.log == nil {
		ix.log = slog.Default()
	}
	if ix.batchSize <= 0 {
		ix.batchSize = defaultBatchSize
	}
	if err := ix.im.Validate(); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	sig, err := mappingSignature(ix.im)
	if err != nil {
		return nil, err
	}
	ix.sig = sig
	ix.analyzers = map[textLang]analysis.Analyzer{}
	for _, l := range textLangs {
		a := ix.im.AnalyzerNamed(l.analyzer())
		if a == nil {
			return nil, fmt.Errorf("search: analyzer %s is not registered", l.analyzer())
		}
		ix.analyzers[l] = a
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}

	live, err := ix.openLive()
	if err != nil {
		return nil, err
	}
	ix.live = live
	ix.refreshFields(live.idx)
	ix.removeStale()
	ix.alias = bleve.NewIndexAlias(live.idx)
	return ix, nil
}

// openLive opens the index CURRENT names and its facet codes, or replaces
// it with a new empty one when it is missing, unreadable or of another
// format.
func (ix *Index) openLive() (*part, error) {
	name, err := ix.readCurrent()
	if err != nil {
		return nil, err
	}
	if name != "" {
		p, err := ix.openPart(name)
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, fmt.Errorf("search: index %s is in use by another process", filepath.Join(ix.dir, name))
		case err != nil:
			ix.log.Warn("search index unreadable: rebuilding it from the store", "dir", ix.dir, "index", name, "err", err)
		default:
			format, ferr := p.idx.GetInternal(keyFormat)
			if ferr != nil || string(format) != ix.sig {
				ix.log.Warn("search index format differs: rebuilding it from the store",
					"dir", ix.dir, "index", name, "found", string(format), "want", ix.sig)
				_ = p.idx.Close()
				break
			}
			dict := newFacetDict()
			var derr error
			if p.codes, derr = openCodeLog(filepath.Join(ix.dir, name), dict); derr != nil {
				ix.log.Warn("search index unreadable: rebuilding it from the store", "dir", ix.dir, "index", name, "err", derr)
				_ = p.idx.Close()
				break
			}
			ix.dict = dict
			return p, nil
		}
	}
	ix.dict = newFacetDict()
	p, err := ix.createPart()
	if err != nil {
		return nil, err
	}
	if err := ix.writeCurrent(p.name); err != nil {
		_ = p.close()
		return nil, err
	}
	return p, nil
}

// scorchConfig is the runtime configuration of every part.
//
// unsafe_batch makes a batch return once it is searchable, before it is on
// disk: a CatchUp after one write takes 1.6 ms instead of 7.5 (measured).
// That is safe here because the last applied Seq travels in the same batch
// as the documents: a crash loses both together, and the next CatchUp
// redoes the work. Where durability matters — a new part's format, the end
// of a rebuild before CURRENT names it, Close — the write waits for its
// batch to be persisted (durably).
func scorchConfig() map[string]interface{} {
	return map[string]interface{}{
		"bolt_timeout": "1s",
		"unsafe_batch": true,
	}
}

// persistTimeout bounds the wait for a batch to reach the disk.
const persistTimeout = 2 * time.Minute

// durably writes b to idx and waits until Bleve has persisted it, and with
// it every earlier batch (Bleve persists snapshots in order).
func durably(idx bleve.Index, b *bleve.Batch) error {
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := idx.Batch(b); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-time.After(persistTimeout):
		return errors.New("search: the index was not persisted in time")
	}
}

func (ix *Index) openPart(name string) (*part, error) {
	idx, err := bleve.OpenUsing(filepath.Join(ix.dir, name), scorchConfig())
	if err != nil {
		return nil, err
	}
	return &part{name: name, idx: idx}, nil
}

// createPart makes a new, empty, never-built index directory.
func (ix *Index) createPart() (*part, error) {
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := partPrefix + time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(rnd[:])
	idx, err := bleve.NewUsing(filepath.Join(ix.dir, name), ix.im, bleve.Config.DefaultIndexType, scorch.Name, scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("search: create index: %w", err)
	}
	b := idx.NewBatch()
	b.SetInternal(keyFormat, []byte(ix.sig))
	if err := durably(idx, b); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("search: create index: %w", err)
	}
	codes, err := openCodeLog(filepath.Join(ix.dir, name), ix.dict)
	if err != nil {
		_ = idx.Close()
		return nil, err
	}
	return &part{name: name, idx: idx, codes: codes}, nil
}

func (ix *Index) readCurrent() (string, error) {
	b, err := os.ReadFile(filepath.Join(ix.dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	name := strings.TrimSpace(string(b))
	if !strings.HasPrefix(name, partPrefix) || strings.ContainsAny(name, `/\`) {
		ix.log.Warn("search index CURRENT file is malformed: rebuilding", "dir", ix.dir)
		return "", nil
	}
	return name, nil
}

// writeCurrent points CURRENT at name atomically (write aside, rename), so
// that a crash leaves either the old or the new index live, never neither.
func (ix *Index) writeCurrent(name string) error {
	tmp := filepath.Join(ix.dir, currentFile+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if _, err := io.WriteString(f, name+"\n"); err != nil {
		f.Close()
		return fmt.Errorf("search: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("search: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(ix.dir, currentFile)); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if d, err := os.Open(ix.dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// removeStale deletes index directories other than the live one: left by
// a rebuild that crashed before its swap, or by a swap that crashed before
// removing the old index.
func (ix *Index) removeStale() {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), partPrefix) && e.Name() != ix.live.name {
			if err := os.RemoveAll(filepath.Join(ix.dir, e.Name())); err != nil {
				ix.log.Warn("search: cannot remove a stale index", "dir", e.Name(), "err", err)
			}
		}
	}
}

// refreshFields records which text fields idx has; called after each write
// to the live index and after a swap.
func (ix *Index) refreshFields(idx bleve.Index) {
	names, err := idx.Fields()
	if err != nil {
		ix.fields.Store(nil) // query every field
		return
	}
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	ix.fields.Store(&m)
}

// hasField reports whether the live index may hold field.
func (ix *Index) hasField(field string) bool {
	m := ix.fields.Load()
	return m == nil || (*m)[field]
}

// Close closes the index. Searches in flight finish first.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	ix.shut.Store(true)
	// Swapping the live index out waits for the searches holding the
	// alias's read lock; after it, nothing reads the part.
	ix.gen.Add(1)
	ix.alias.Swap(nil, []bleve.Index{ix.live.idx})
	_ = ix.alias.Close()
	// Bleve's Close drops what it has not persisted yet (see scorchConfig):
	// one durable batch flushes it all first.
	b := ix.live.idx.NewBatch()
	b.SetInternal(keyFormat, []byte(ix.sig))
	flushErr := durably(ix.live.idx, b)
	if err := ix.live.close(); err != nil {
		return err
	}
	return flushErr
}

// LastApplied returns the Seq of the last store change the index applied,
// and whether the index was ever built (a fresh or format-reset index was
// not, and CatchUp rebuilds it).
func (ix *Index) LastApplied() (seq uint64, built bool, err error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return 0, false, errClosed
	}
	return readSeq(ix.live.idx)
}

var errClosed = errors.New("search: index is closed")

func readSeq(idx bleve.Index) (uint64, bool, error) {
	b, err := idx.GetInternal(keySeq)
	if err != nil {
		return 0, false, fmt.Errorf("search: read last seq: %w", err)
	}
	if len(b) != 8 {
		return 0, false, nil
	}
	return binary.BigEndian.Uint64(b), true, nil
}

func encodeSeq(seq uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	return b[:]
}
