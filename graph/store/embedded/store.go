// Package embedded is the zero-setup graph.Store: one bbolt file in the data
// directory, no server to run. Every write runs in a bbolt read-write
// transaction, synced to disk before the method returns (concurrent writes
// share one transaction and one sync: commit.go); every read is one
// read-only transaction, so a read sees one consistent state of the graph.
package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout of the buckets this binary reads and writes.
// Raise it with a migration in migrate when the layout changes.
const SchemaVersion = 5

// FileName is the database file inside the data directory.
const FileName = "maillage.db"

// Errors returned by Open, wrapped with the path; test them with errors.Is.
var (
	// ErrLocked means another process holds the file: usually a running
	// server. Commands that need the data directory must wait for it to
	// stop or go through the server.
	ErrLocked = errors.New("in use by another maillage process")
	// ErrCorrupt means the file is not a maillage database or is damaged.
	ErrCorrupt = errors.New("damaged or not a maillage database")
	// ErrNewerSchema means a newer maillage wrote the file.
	ErrNewerSchema = errors.New("written by a newer maillage")
)

// Options tune Open.
type Options struct {
	// LockTimeout bounds the wait for another process to release the file;
	// 0 means one second, long enough to ride out a restart but short
	// enough that a command fails fast while a server runs.
	LockTimeout time.Duration
	// NoSync skips the fsync after each write: a crash may then lose
	// recent writes or damage the file. Only for data that can be rebuilt
	// from scratch (benchmark fixtures, a bulk load that is simply rerun);
	// never for a server.
	NoSync bool
	// CacheBytes is the budget of the cache of decoded documents (cache.go):
	// 0 means DefaultCacheBytes, a negative value turns the cache off.
	CacheBytes int64
}

// Store is the embedded graph.Store.
type Store struct {
	db   *bbolt.DB
	path string
	// now is the clock; tests replace it to get distinct, ordered times.
	now   func() time.Time
	cache *docCache
	// tokenRev counts the writes that revoked or deleted tokens
	// (graph.TokenWatcher).
	tokenRev atomic.Uint64
	// obs are told of every transaction (graph.Observable).
	obs graph.Observers
	// commits groups concurrent writes into one commit (commit.go).
	commits *groupCommit
	// GroupServices implements graph.GroupStore.
	graph.GroupServices
}

var (
	_ graph.Store      = (*Store)(nil)
	_ graph.Observable = (*Store)(nil)
)

// Observe implements graph.Observable: view and update report each
// transaction.
func (s *Store) Observe(o graph.Observer) { s.obs.Add(o) }

// Bucket names. Every kind has its own record bucket ("rec:Note" …: id →
// record). Document kinds also have a head bucket ("head:Note": id → the
// visibility, language and sort keys) and a sort index ("sort:Note", see
// index.go), so that a list of notes never reads terms and never decodes
// a body it does not return.
var (
	bMeta      = []byte("meta")
	bNodes     = []byte("nodes")        // id → kind, for every node: ids are unique across kinds
	bOut       = []byte("out")          // from\x00REL\x00to → link value
	bIn        = []byte("in")           // to\x00REL\x00from → link value (same bytes)
	bRevisions = []byte("revisions")    // document\x00version (8 bytes, big-endian)
	bDecls     = []byte("declarations") // contributor\x00dimension\x00value
	bChanges   = []byte("changes")      // seq (8 bytes, big-endian)
	bTokens    = []byte("tokens")       // hash
	// Moderation (schema 2): flags by id, each document's flags
	// (document\x00flag), and hidden documents (id → declared visibility).
	bFlags    = []byte("flags")
	bDocFlags = []byte("document-flags")
	bHidden   = []byte("hidden")
	// Discussions (schema 5): comments by id, each document's comments
	// (document\x00comment), and comment bodies by version
	// (comment\x00version, 8 bytes big-endian).
	bComments    = []byte("comments")
	bDocComments = []byte("document-comments")
	bCommentRevs = []byte("comment-revisions")

	keySchema = []byte("schema")
	keySeq    = []byte("seq")
)

func recordBucket(k graph.Kind) []byte { return []byte("rec:" + string(k)) }
func headBucket(k graph.Kind) []byte   { return []byte("head:" + string(k)) }
func sortBucket(k graph.Kind) []byte   { return []byte("sort:" + string(k)) }

func allBuckets() [][]byte {
	bs := [][]byte{bMeta, bNodes, bOut, bIn, bRevisions, bDecls, bChanges, bTokens, bFlags, bDocFlags, bHidden,
		bDegrees, bShut, bComments, bDocComments, bCommentRevs}
	for _, k := range graph.Kinds {
		bs = append(bs, recordBucket(k))
		if k.IsDocument() {
			bs = append(bs, headBucket(k), sortBucket(k))
		}
	}
	return bs
}

// Open opens or creates dir/maillage.db.
func Open(dir string, opts Options) (*Store, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded store: create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := openBolt(path, opts.LockTimeout)
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("data directory %s is %w (a running server?): commands that need it must wait for it to stop or go through the server",
			dir, ErrLocked)
	case errors.Is(err, ErrCorrupt):
		return nil, err
	case errors.As(err, new(*fs.PathError)):
		return nil, fmt.Errorf("embedded store: open %s: %w", path, err)
	case err != nil:
		// The file could be opened and locked, so what failed is its
		// content: bbolt reports that in many ways (invalid, checksum,
		// version mismatch, file size too small…).
		return nil, corrupt(path, err)
	}
	db.NoSync = opts.NoSync
	if err := guard(path, func() error { return checkSchema(db, path) }); err != nil {
		_ = db.Close()
		return nil, err
	}
	cacheBytes := opts.CacheBytes
	if cacheBytes == 0 {
		cacheBytes = DefaultCacheBytes
	}
	s := &Store{db: db, path: path, now: func() time.Time { return time.Now().UTC() }, cache: newDocCache(cacheBytes),
		commits: &groupCommit{db: db}}
	s.GroupServices = newGroupServices(s)
	return s, nil
}

func corrupt(path string, cause any) error {
	return fmt.Errorf("%s: %w (%v); restore it from a backup or use another data directory", path, ErrCorrupt, cause)
}

// guard turns the faults a damaged file can cause inside bbolt into
// ErrCorrupt: a bad page panics, and a page past the end of a truncated
// file is a SIGBUS on the mapping, which SetPanicOnFault makes a panic.
func guard(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = corrupt(path, r)
		}
	}()
	return fn()
}

// openBolt opens and locks the file and checks that bbolt can read it;
// on any failure it releases the file and its lock.
func openBolt(path string, timeout time.Duration) (db *bbolt.DB, err error) {
	var file *os.File
	defer func() {
		if err != nil && db != nil {
			_ = db.Close()
			db = nil
		} else if err != nil && file != nil {
			_ = file.Close() // bbolt panicked before it could close it
		}
	}()
	err = guard(path, func() (err error) {
		db, err = bbolt.Open(path, 0o600, &bbolt.Options{
			Timeout: timeout,
			OpenFile: func(name string, flag int, mode os.FileMode) (*os.File, error) {
				f, err := os.OpenFile(name, flag, mode)
				file = f
				return f, err
			},
		})
		if err != nil {
			return err
		}
		return checkSize(db, file, path)
	})
	return db, err
}

// checkSize refuses a file cut short: its meta pages are valid but point
// past its end, where reading would fault. It then touches the root and
// the first page path of every bucket, so that gross damage shows now
// rather than in the middle of a request, without walking the whole file.
func checkSize(db *bbolt.DB, file *os.File, path string) error {
	info, err := file.Stat()
	if err != nil {
		return err
	}
	return db.View(func(tx *bbolt.Tx) error {
		if info.Size() < tx.Size() {
			return corrupt(path, fmt.Sprintf("truncated: %d bytes, expected at least %d", info.Size(), tx.Size()))
		}
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			b.Cursor().First()
			return nil
		})
	})
}

// checkSchema initialises a new file and refuses one it cannot read.
func checkSchema(db *bbolt.DB, path string) error {
	var version uint64
	var foreign, fresh bool
	err := db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if meta == nil {
			fresh = true
			foreign = tx.ForEach(func([]byte, *bbolt.Bucket) error { return errStop }) != nil
			return nil
		}
		v := meta.Get(keySchema)
		if len(v) != 8 {
			foreign = true
			return nil
		}
		version = binary.BigEndian.Uint64(v)
		return nil
	})
	switch {
	case err != nil:
		return corrupt(path, err)
	case foreign:
		return corrupt(path, "no maillage schema version")
	case version > SchemaVersion:
		return fmt.Errorf("%s was %w (schema %d, this binary knows %d): upgrade maillage",
			path, ErrNewerSchema, version, SchemaVersion)
	case !fresh && version == SchemaVersion:
		return nil
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range allBuckets() {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := migrate(tx, version); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(keySchema, u64(SchemaVersion))
	})
	if err != nil {
		return fmt.Errorf("embedded store: initialise %s: %w", path, err)
	}
	return nil
}

var errStop = errors.New("stop")

// migrate brings a file from an older schema to SchemaVersion, after
// checkSchema created every bucket that was missing. Version 0 is a new
// file; version 1 lacked only the moderation buckets (no document was
// hidden and none had flags), so creating them was the whole migration;
// version 2 lacked the adjacency index (adjacency.go), built from the links;
// version 3 kept a region on contributor records and no visibility on
// revisions (migrateV3); version 4 lacked only the discussion buckets.
func migrate(tx *bbolt.Tx, from uint64) error {
	if from > 4 {
		return fmt.Errorf("no migration from schema %d", from)
	}
	if from == 0 || from == 4 {
		return nil
	}
	if from <= 2 {
		if err := buildAdjacencyIndex(tx); err != nil {
			return err
		}
	}
	return migrateV3(tx)
}

// migrateV3 is the privacy migration of issue #15. A contributor's region
// was a profile field that repeated, for everyone to read, a standpoint its
// owner may have declared AGGREGATE or PRIVATE: every stored region is
// dropped. Where the owner declared that region, the declaration, with the
// visibility they chose, is what remains; where they did not, the owner
// never chose who may see it, so it is not kept anywhere (data
// minimisation). Revisions get the visibility graph.LegacyRevisionVisibility
// gives them.
func migrateV3(tx *bbolt.Tx) error {
	cs := tx.Bucket(recordBucket(graph.KindContributor))
	var ids []string
	var records [][]byte
	if err := cs.ForEach(func(k, v []byte) error {
		c, _, err := decodeContributorV3(string(k), v)
		if err != nil {
			return fmt.Errorf("contributor %s: %w", k, err)
		}
		ids, records = append(ids, c.ID), append(records, encodeContributor(c))
		return nil
	}); err != nil {
		return err
	}
	for i, id := range ids {
		if err := cs.Put([]byte(id), records[i]); err != nil {
			return err
		}
	}
	return migrateRevisionsV3(tx)
}

// migrateRevisionsV3 rewrites revisions one document at a time, with the
// visibility they are given; the cursor is repositioned after each
// document's writes, as bbolt requires.
func migrateRevisionsV3(tx *bbolt.Tx) error {
	r := newReader(context.Background(), tx, graph.Viewer{Role: graph.RoleSystem})
	b := tx.Bucket(bRevisions)
	c := b.Cursor()
	k, v := c.First()
	for k != nil {
		i := bytes.IndexByte(k, 0)
		if i < 0 || len(k) != i+1+8 {
			return fmt.Errorf("revision key %q: %w", k, errBadRecord)
		}
		id := string(k[:i])
		prefix := idPrefix(id)
		var revs []*graph.Revision
		changed := map[int][]string{}
		var last []byte
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rev, err := decodeRevisionV3(id, int(binary.BigEndian.Uint64(k[len(prefix):])), v)
			if err != nil {
				return fmt.Errorf("revision %q: %w", k, err)
			}
			revs, changed[rev.Version], last = append(revs, rev), rev.Changed, append(last[:0], k...)
		}
		current := graph.VisibilityPrivate
		if d, err := r.document(id); err != nil {
			return err
		} else if d != nil {
			current = d.Visibility
		}
		for _, rev := range revs {
			rev.Visibility = graph.LegacyRevisionVisibility(rev.Version, current, changed)
			if err := b.Put(revisionKey(id, rev.Version), encodeRevision(rev)); err != nil {
				return err
			}
		}
		if k, v = c.Seek(last); k != nil && bytes.Equal(k, last) {
			k, v = c.Next()
		}
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close waits for running transactions and releases the file and its lock.
func (s *Store) Close() error { return s.db.Close() }

// view runs fn in a read-only transaction as the viewer of ctx.
func (s *Store) view(ctx context.Context, fn func(r *reader) error) error {
	return s.viewOp(ctx, "", fn)
}

// viewOp is view reported as the store method op ("": the one on the
// call stack).
func (s *Store) viewOp(ctx context.Context, op string, fn func(r *reader) error) (err error) {
	o := s.obs.BeginOp(op)
	defer func() { o.End(ctx, err) }()
	if err := ctx.Err(); err != nil {
		return err
	}
	// The generation is noted before the transaction opens (cache.go).
	gen := s.cache.generation()
	return s.db.View(func(tx *bbolt.Tx) error {
		r := newReader(ctx, tx, viewerOf(ctx))
		r.cache, r.gen = s.cache, gen
		return fn(r)
	})
}

// update runs fn in one read-write transaction: everything fn writes, its
// change entries included, commits together or not at all. Concurrent
// writes may share that transaction and its commit (commit.go), so fn may
// run more than once: it must only set what it returns, never accumulate
// into state outside the transaction.
func (s *Store) update(ctx context.Context, fn func(w *writer) error) (err error) {
	return s.write(ctx, "", false, fn)
}

// updateOp is update reported as the store method op ("": the one on the
// call stack).
func (s *Store) updateOp(ctx context.Context, op string, fn func(w *writer) error) (err error) {
	return s.write(ctx, op, false, fn)
}

// updateAlone is update in a transaction of its own, never shared: for the
// big writes of a restore, which would gain nothing from sharing a commit
// and are not written to run twice.
func (s *Store) updateAlone(ctx context.Context, fn func(w *writer) error) (err error) {
	return s.write(ctx, "", true, fn)
}

func (s *Store) write(ctx context.Context, op string, alone bool, fn func(w *writer) error) (err error) {
	o := s.obs.BeginOp(op)
	defer func() { o.End(ctx, err) }()
	if err := ctx.Err(); err != nil {
		return err
	}
	// A writer reads what its own transaction holds, never the cache; a
	// write refused (a CONFLICT, a bad input) changed nothing and keeps it.
	s.cache.beginWrite()
	// Unless fn says otherwise, a write changed anything: a panic too.
	changed, all := true, true
	var w *writer
	defer func() {
		var touched map[string]struct{}
		if w != nil {
			touched = w.touched
		}
		s.cache.endWrite(changed, all, touched)
	}()
	err = s.commits.update(alone, func(tx *bbolt.Tx) error {
		w = &writer{reader: newReader(ctx, tx, viewerOf(ctx)), now: s.now()}
		err := fn(w)
		changed, all = err == nil, w.touchedAll
		return err
	})
	if err == nil && w.tokensGone {
		s.tokenRev.Add(1)
	}
	return err
}

// viewerOf is graph.ViewerFrom, failing closed on one more mistake: a
// viewer without a role but with a contributor id is anonymous, and must
// not read that contributor's private documents.
func viewerOf(ctx context.Context) graph.Viewer {
	v := graph.ViewerFrom(ctx)
	if !v.SignedIn() {
		v.ContributorID = ""
	}
	return v
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}
