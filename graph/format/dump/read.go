package dump

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
)

// LineError is a fault in a dump file, at a line (1 is the header).
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

func lineErr(line int, format string, args ...any) error {
	return &LineError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// ErrNotEmpty is returned by Restore for a store that already holds a graph.
var ErrNotEmpty = errors.New("the store already holds a graph: restore into an empty data directory")

// ErrNoRestore is returned by Restore for a store that cannot restore a
// graph exactly (it does not implement graph.Restorer).
var ErrNoRestore = errors.New("this store cannot restore a dump exactly (it lacks graph.Restorer)")

// Interrupted is implemented by stores that can tell a restore was
// stopped half way (a crash, a kill): the next restore clears what it
// wrote and starts over.
type Interrupted interface {
	RestoreInterrupted(ctx context.Context) (bool, error)
}

// EmptyChecker is implemented by stores that can tell whether they hold
// any node of the graph in one read: isEmpty otherwise counts each list
// (documents, contributors, groups), which on a remote store is a
// statement per list and a count over every document.
type EmptyChecker interface {
	IsEmpty(ctx context.Context) (bool, error)
}

// A streamed restore hands the store parts of at most partRecords
// records or partBytes of lines: up to three parts are in memory at once
// (one written, one read, one between), beside the ids. Large parts of
// small records (links) matter for speed: the embedded store sorts each
// part by key, and a file's ids come in no order.
var (
	partRecords = 100_000
	partBytes   = 16 << 20
)

// Restore reads a dump from r, checks it completely, and only then writes
// it into s, which must be empty (or hold only what an interrupted restore
// left, which the store clears first): a bad file writes nothing. It
// returns how many records of each type it restored.
//
// With a store that implements graph.StreamRestorer, the file is read
// twice and never held whole: a first pass checks it keeping only ids,
// kinds and keys; a second reads it again, in parts the store writes as
// they come. r is read again from where it started if it is an
// io.ReadSeeker (a file); anything else is first copied to a temporary
// file in os.TempDir.
//
// A dump with media files needs RestoreBlobs (ErrNoBlobs otherwise,
// before anything is written).
func Restore(ctx context.Context, s Target, r io.Reader) (Counts, error) {
	return RestoreBlobs(ctx, s, nil, r)
}

// RestoreBlobs is Restore for a dump whose media files go into blobs,
// the target's blob store: each is put there as it is read, before the
// store's last write, and those it added are removed again if the
// restore fails.
func RestoreBlobs(ctx context.Context, s Target, blobs blob.Store, r io.Reader) (Counts, error) {
	return RestoreWithProgress(ctx, s, blobs, r, nil)
}

// Progress is told how far a restore has gone: once the first pass has
// checked the whole file ("checked", every record of it), then as the
// store writes it ("restored", the records written so far, of all). A
// large restore takes minutes; these say it is not stuck.
type Progress func(phase string, done, total int)

// RestoreWithProgress is RestoreBlobs, telling progress (if not nil) how
// far it has gone. With a store that restores in parts, "restored" comes
// after each part (up to partRecords records or partBytes of lines);
// otherwise once, at the end.
func RestoreWithProgress(ctx context.Context, s Target, blobs blob.Store, r io.Reader, progress Progress) (Counts, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	ctx = graph.SystemContext(ctx)
	if _, ok := s.(graph.Restorer); !ok {
		return nil, ErrNoRestore
	}
	sink := &blobSink{ctx: ctx, store: blobs}
	srs, ok := s.(graph.StreamRestorer)
	if !ok {
		return restoreWhole(ctx, s, sink, r, progress)
	}
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		f, err := Spool(r, "")
		if err != nil {
			return nil, err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		rs = f
	}
	origin, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	first := newScan(rs, false)
	if err := first.run(); err != nil {
		return nil, err
	}
	counts := first.rd.counts
	if counts[TypeBlob] > 0 && blobs == nil {
		return nil, ErrNoBlobs
	}
	all := counts.total()
	progress("checked", all, all)
	if err := checkTarget(ctx, s); err != nil {
		return nil, err
	}
	if _, err := rs.Seek(origin, io.SeekStart); err != nil {
		return nil, err
	}
	second := newScan(rs, true)
	second.rd.checked = true
	if blobs != nil {
		second.rd.blobs.sink = sink
	}
	// The second pass reads the next part while the store writes one: on
	// two cores, the decoding costs little time then.
	type result struct {
		part    *graph.Snapshot
		records int
		err     error
	}
	parts, stop := make(chan result, 1), make(chan struct{})
	go func() {
		defer close(parts)
		for {
			part, records, err := nextPart(second)
			select {
			case parts <- result{part, records, err}:
			case <-stop:
				return
			}
			if part == nil || err != nil {
				return
			}
		}
	}()
	// The store asks for a part once it has written the one before.
	written, handed := 0, 0
	err = srs.RestoreStream(ctx, func() (*graph.Snapshot, error) {
		if handed > 0 {
			written += handed
			progress("restored", written, all)
		}
		r, ok := <-parts
		if !ok {
			return nil, errors.New("dump: a part was asked for after the end")
		}
		handed = r.records
		return r.part, r.err
	})
	close(stop)
	for range parts { // the reader is done with second once parts closes
	}
	if err != nil {
		second.rd.blobs.abort()
		sink.undo()
		return nil, restoreError(ctx, s, err)
	}
	if !maps.Equal(counts, second.rd.counts) {
		// Too late to undo, but not to say: only a file changed while it
		// was restored can get here.
		return nil, fmt.Errorf("the file changed while it was restored: %v records checked, %v restored", counts, second.rd.counts)
	}
	if written < all {
		progress("restored", all, all)
	}
	return counts, nil
}

// nextPart reads the next part of the second pass: up to partRecords
// records or partBytes of lines, and how many records it holds; nil after
// the end.
func nextPart(p *scan) (*graph.Snapshot, int, error) {
	if p.done {
		return nil, 0, nil
	}
	before := p.rd.counts.total()
	records, size := 0, 0
	for records < partRecords && size < partBytes {
		n, more, err := p.step()
		if err != nil {
			// The file changed since the first pass: the store clears
			// what it wrote.
			return nil, 0, fmt.Errorf("the file changed while it was restored: %w", err)
		}
		if !more {
			p.done = true
			break
		}
		records++
		size += n
	}
	part := p.rd.snap
	p.rd.snap = graph.Snapshot{}
	return &part, p.rd.counts.total() - before, nil
}

// restoreWhole restores into a store that takes a whole snapshot only.
func restoreWhole(ctx context.Context, s Target, sink *blobSink, r io.Reader, progress Progress) (Counts, error) {
	// Without a second pass, the files go into the store as the one pass
	// reads them, and out again if anything fails.
	p := newScan(r, true)
	if sink.store != nil {
		p.rd.blobs.sink = sink
	}
	if err := p.run(); err != nil {
		p.rd.blobs.abort()
		sink.undo()
		return nil, err
	}
	snap, counts := &p.rd.snap, p.rd.counts
	if counts[TypeBlob] > 0 && sink.store == nil {
		return nil, ErrNoBlobs
	}
	all := counts.total()
	progress("checked", all, all)
	// Checked here for a clear error before the work, and again by the
	// store, where it cannot race with a writer.
	if err := checkTarget(ctx, s); err != nil {
		sink.undo()
		return nil, err
	}
	if err := s.(graph.Restorer).Restore(ctx, *snap); err != nil {
		sink.undo()
		return nil, restoreError(ctx, s, err)
	}
	progress("restored", all, all)
	return counts, nil
}

// restoreError tells a store that was not empty from other failures.
func restoreError(ctx context.Context, s Target, err error) error {
	if graph.ErrorCode(err) == graph.ECONFLICT {
		if empty, e := isEmpty(ctx, s); e == nil && !empty {
			return ErrNotEmpty
		}
	}
	return fmt.Errorf("restore: %w", err)
}

// Spool copies r to a new temporary file in dir (os.TempDir if empty),
// for a second pass over input that cannot be read twice (standard
// input). The file is at its start; the caller closes and removes it.
func Spool(r io.Reader, dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, "maillage-restore-*.jsonl")
	if err != nil {
		return nil, err
	}
	if _, err = io.Copy(f, r); err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("copy the dump to a temporary file: %w", err)
	}
	return f, nil
}

// Check reads and checks a whole dump as Restore does, and checks that s
// could take it (when s is not nil), without writing anything: a dry run.
// It keeps ids, not the records.
func Check(ctx context.Context, s Target, r io.Reader) (Counts, error) {
	ctx = graph.SystemContext(ctx)
	if s != nil {
		if _, ok := s.(graph.Restorer); !ok {
			return nil, ErrNoRestore
		}
	}
	p := newScan(r, false)
	if err := p.run(); err != nil {
		return nil, err
	}
	if s != nil {
		if err := checkTarget(ctx, s); err != nil {
			return nil, err
		}
	}
	return p.rd.counts, nil
}

// checkTarget refuses a store that holds a graph, unless an interrupted
// restore left it there.
func checkTarget(ctx context.Context, s Target) error {
	if in, ok := s.(Interrupted); ok {
		if yes, err := in.RestoreInterrupted(ctx); err != nil {
			return err
		} else if yes {
			return nil
		}
	}
	empty, err := isEmpty(ctx, s)
	if err != nil {
		return err
	}
	if !empty {
		return ErrNotEmpty
	}
	return nil
}

// Target is a store a dump is restored into, as far as Restore and Check
// read it: its lists, to tell an empty store. It must also be a
// graph.Restorer (ErrNoRestore otherwise), and may be a
// graph.StreamRestorer and an Interrupted.
type Target interface {
	KnowledgeBases() graph.KnowledgeBaseOps
	Communities() graph.CommunityOps
	Carnets() graph.CarnetOps
	ListContributors(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Contributor], error)
	ListDocuments(ctx context.Context, f graph.DocumentFilter, o graph.DocumentOrder, p graph.Page) (*graph.Connection[*graph.Document], error)
}

// isEmpty reports whether s holds no node of any kind.
func isEmpty(ctx context.Context, s Target) (bool, error) {
	if e, ok := s.(EmptyChecker); ok {
		return e.IsEmpty(ctx)
	}
	docs, err := s.ListDocuments(ctx, graph.DocumentFilter{Kinds: graph.DocumentKinds}, graph.DocumentOrder{}, graph.Page{First: 1})
	if err != nil {
		return false, err
	}
	n := docs.TotalCount
	for _, count := range []func() (int, error){
		func() (int, error) { c, err := s.ListContributors(ctx, graph.Page{First: 1}); return total(c, err) },
		func() (int, error) { c, err := s.Carnets().List(ctx, graph.Page{First: 1}); return total(c, err) },
		func() (int, error) { c, err := s.Communities().List(ctx, graph.Page{First: 1}); return total(c, err) },
		func() (int, error) {
			c, err := s.KnowledgeBases().List(ctx, graph.Page{First: 1})
			return total(c, err)
		},
	} {
		c, err := count()
		if err != nil {
			return false, err
		}
		n += c
	}
	// A media standing alone is in no list of nodes, but a store that
	// holds one is not empty.
	if m, ok := s.(interface {
		ScanMedia(ctx context.Context, after string, limit int) ([]*graph.Media, error)
	}); ok && n == 0 {
		ms, err := m.ScanMedia(ctx, "", 1)
		if err != nil {
			return false, err
		}
		n += len(ms)
	}
	return n == 0, nil
}

func total[T any](c *graph.Connection[T], err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return c.TotalCount, nil
}

// reader is one pass over a file: what the lines seen so far declared,
// to check the references of the lines after them (a file holds every
// node before what refers to it). It keeps ids, kinds and keys, never the
// records' text, unless keep is set: then snap collects the records.
type reader struct {
	keep   bool
	snap   graph.Snapshot
	counts Counts
	// kinds and lines of the nodes, by id.
	kinds  map[string]graph.Kind
	lineOf map[string]int
	// versions of the documents, categories of the carnets, by id.
	versions   map[string]int
	categories map[string][]string
	// visibilities of the documents, by id, for revisions of old dumps.
	visibilities map[string]graph.Visibility
	// seen holds the line of each revision, link, declaration and flag,
	// by key: each may be given once.
	seen map[string]int
	// order is the index in recordTypes of the last record type seen.
	order int
	// version is the file's format version, from its header.
	version int
	// refErr is the first reference fault (see refFault).
	refErr error
	// checked is set for the second pass of a restore, over a file the
	// first found sound: it skips the keys of what may be given once,
	// which the store's own check (graph.SnapshotPreparer) holds too.
	checked bool
	// comments are the comments read so far, by id: replies, revisions
	// and flags refer to them.
	comments map[string]commentRef
	// blobs follows the media files (media.go).
	blobs *blobReading
}

// commentRef is what the records after a comment are checked against.
type commentRef struct {
	documentID string
	depth      int
	version    int
}

func newReader(keep bool) *reader {
	return &reader{keep: keep, counts: Counts{}, kinds: map[string]graph.Kind{}, lineOf: map[string]int{},
		versions: map[string]int{}, categories: map[string][]string{}, visibilities: map[string]graph.Visibility{}, seen: map[string]int{},
		comments: map[string]commentRef{}, blobs: newBlobReading()}
}

// scan is one pass over a file, a line at a time.
type scan struct {
	rd   *reader
	sc   *bufio.Scanner
	line int
	end  *endRecord
	done bool
}

func newScan(r io.Reader, keep bool) *scan {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), MaxLine)
	return &scan{rd: newReader(keep), sc: sc}
}

// step reads and checks one line; it returns the line's length, and
// false once the file is over and checked whole.
func (p *scan) step() (int, bool, error) {
	if !p.sc.Scan() {
		return 0, false, p.finish()
	}
	p.line++
	line, rd := p.line, p.rd
	b := bytes.TrimSpace(p.sc.Bytes())
	if p.end != nil {
		if len(b) == 0 {
			return 0, true, nil
		}
		return 0, false, lineErr(line, "data after the end record")
	}
	if line == 1 {
		v, err := readHeader(b)
		if err != nil {
			return 0, false, lineErr(1, "%s", err)
		}
		rd.version = v
		return len(b), true, nil
	}
	if len(b) == 0 {
		return 0, false, lineErr(line, "empty line")
	}
	var err error
	p.end, err = rd.record(line, b)
	if err != nil {
		return 0, false, lineErr(line, "%s", err)
	}
	return len(b), true, nil
}

// finish checks what only the end of the file tells.
func (p *scan) finish() error {
	line, rd, end := p.line, p.rd, p.end
	if err := p.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return lineErr(line+1, "longer than %d MiB: not a maillage dump, or damaged", MaxLine>>20)
		}
		return err
	}
	switch {
	case line == 0:
		return lineErr(1, "empty file: not a maillage dump")
	case end == nil:
		return lineErr(line, "the file ends without its end record: it was cut short (truncated)")
	case rd.refErr != nil:
		return rd.refErr
	}
	if err := rd.blobs.finish(); err != nil {
		return lineErr(line, "%s", err)
	}
	for _, t := range slices.Sorted(maps.Keys(end.Counts)) {
		if !slices.Contains(recordTypes, t) {
			return lineErr(line, "end record counts an unknown record type %q", t)
		}
	}
	for _, t := range recordTypes {
		if end.Counts[t] != rd.counts[t] {
			return lineErr(line, "the end record counts %d %s records, the file holds %d: it is damaged", end.Counts[t], t, rd.counts[t])
		}
	}
	return nil
}

// Read parses and checks a whole dump: the header and its version, every
// record (known type, no unknown field, valid as the store would find it),
// every reference (a link's or revision's or declaration's ends are in the
// file), and the end record's counts. Errors name the line. It holds the
// whole graph in memory: Restore and Check do not.
func Read(r io.Reader) (*graph.Snapshot, Counts, error) {
	p := newScan(r, true)
	if err := p.run(); err != nil {
		return nil, nil, err
	}
	return &p.rd.snap, p.rd.counts, nil
}

// run reads the rest of the file.
func (p *scan) run() error {
	for {
		_, more, err := p.step()
		if err != nil || !more {
			return err
		}
	}
}

// readHeader checks the first line and returns the file's version.
func readHeader(b []byte) (int, error) {
	var h Header
	if err := json.Unmarshal(b, &h); err != nil || h.Format != Format {
		return 0, errors.New(`not a maillage dump: the first line must be {"format":"maillage-dump","version":…}`)
	}
	switch {
	case h.Version > Version:
		return 0, fmt.Errorf("dump format version %d is newer than this maillage reads (%d): upgrade maillage", h.Version, Version)
	case h.Version < 1:
		return 0, fmt.Errorf("invalid dump format version %d", h.Version)
	}
	return h.Version, nil
}

// strict decodes one record, refusing fields the format does not have: a
// field this version does not know would be lost on restore.
func strict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("malformed record: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return errors.New("malformed record: more than one JSON value on the line")
	}
	return nil
}

// record reads one data line; it returns the end record when it is one.
func (rd *reader) record(line int, b []byte) (*endRecord, error) {
	var t struct {
		Type string `json:"type"`
	}
	if bytes.HasPrefix(b, blobPrefix) {
		// Blob records are most of a dump with media, and a megabyte
		// each: read once, by strict, which checks the type again.
		t.Type = TypeBlob
	} else if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("malformed record (truncated or not JSON): %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if t.Type == TypeEnd {
		var e endRecord
		if err := strict(b, &e); err != nil {
			return nil, err
		}
		return &e, nil
	}
	order := slices.Index(recordTypes, t.Type)
	if order < 0 {
		return nil, fmt.Errorf("unknown record type %q", t.Type)
	}
	if v := versionOf[t.Type]; v > rd.version {
		return nil, fmt.Errorf("a %s record in a version %d dump: %s records came with version %d", t.Type, rd.version, t.Type, v)
	}
	if order < rd.order {
		return nil, fmt.Errorf("a %s record after the %s records: records are grouped by type, in order %s",
			t.Type, recordTypes[rd.order], strings.Join(recordTypes, ", "))
	}
	rd.order = order
	rd.counts[t.Type]++
	var err error
	switch t.Type {
	case TypeKnowledgeBase, TypeCommunity:
		var r groupRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		if t.Type == TypeKnowledgeBase {
			x := graph.KnowledgeBase{ID: r.ID, Name: r.Name, Description: r.Description, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
			err = rd.node(line, graph.KindKnowledgeBase, r.ID, r.Version, x.Validate())
			if rd.keep {
				rd.snap.KnowledgeBases = append(rd.snap.KnowledgeBases, x)
			}
		} else {
			x := graph.Community{ID: r.ID, Name: r.Name, Description: r.Description, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
			err = rd.node(line, graph.KindCommunity, r.ID, r.Version, x.Validate())
			if rd.keep {
				rd.snap.Communities = append(rd.snap.Communities, x)
			}
		}
	case TypeCarnet:
		var r carnetRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		x := graph.Carnet{ID: r.ID, Title: r.Title, Description: r.Description, Categories: r.Categories, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
		err = rd.node(line, graph.KindCarnet, r.ID, r.Version, x.Validate())
		rd.categories[x.ID] = x.Categories
		if rd.keep {
			rd.snap.Carnets = append(rd.snap.Carnets, x)
		}
	case TypeContributor:
		var r contributorRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		if r.Region != "" && rd.version >= 3 {
			return nil, fmt.Errorf("contributor %q: a region is a standpoint declaration since version 3", r.ID)
		}
		x := graph.Contributor{ID: r.ID, Name: r.Name, Bio: r.Bio, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
		err = rd.node(line, graph.KindContributor, r.ID, r.Version, x.Validate())
		if rd.keep {
			rd.snap.Contributors = append(rd.snap.Contributors, x)
		}
	case TypeDocument:
		var r documentRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		d := r.document()
		if !d.Kind.IsDocument() {
			return nil, fmt.Errorf("document %q: unknown kind %q (Note, Term or Organisation)", r.ID, r.Kind)
		}
		if err = rd.node(line, d.Kind, d.ID, d.Version, d.Validate()); err != nil {
			return nil, err
		}
		rd.versions[d.ID] = d.Version
		rd.visibilities[d.ID] = d.Visibility
		if rd.keep {
			rd.snap.Documents = append(rd.snap.Documents, d)
		}
	case TypeRevision:
		var r revisionRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		rev := r.revision()
		switch {
		case rev.Visibility == "" && rd.version < 3:
			rev.Visibility = legacyRevisionVisibility(rev.Version, rd.versions[rev.DocumentID], rd.visibilities[rev.DocumentID])
		case !rev.Visibility.Valid():
			return nil, fmt.Errorf("revision %d of %q: invalid visibility %q", rev.Version, rev.DocumentID, rev.Visibility)
		}
		if !rd.refFault(line, rd.revision(line, &rev)) && rd.keep {
			rd.snap.Revisions = append(rd.snap.Revisions, rev)
		}
	case TypeLink:
		var r linkRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		if !graph.Relation(r.Relation).Valid() {
			return nil, fmt.Errorf("unknown relation %q", r.Relation)
		}
		l := r.link()
		if !rd.refFault(line, rd.link(line, &l)) && rd.keep {
			rd.snap.Links = append(rd.snap.Links, l)
		}
	case TypeDeclaration:
		var r declarationRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		d := r.declaration()
		if !d.Visibility.Valid() {
			return nil, fmt.Errorf("declaration of %q: visibility must be PRIVATE, AGGREGATE or PUBLIC, not %q", d.ContributorID, d.Visibility)
		}
		if graph.ValidateID(d.Dimension) != nil || graph.ValidateID(d.Value) != nil {
			return nil, fmt.Errorf("declaration of %q: dimension and value must be taxonomy ids", d.ContributorID)
		}
		if !rd.refFault(line, rd.declaration(line, &d)) && rd.keep {
			rd.snap.Declarations = append(rd.snap.Declarations, d)
		}
	case TypeFlag:
		var r flagRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		f := r.flag()
		if f.CommentID != "" && rd.version < 4 {
			return nil, fmt.Errorf("flag %q: a flag about a comment in a version %d dump: comments came with version 4", r.ID, rd.version)
		}
		if err := graph.CheckFlag(&f); err != nil {
			return nil, fmt.Errorf("flag %q: %s", r.ID, graph.ErrorMessage(err))
		}
		if !rd.refFault(line, rd.flag(line, &f)) && rd.keep {
			rd.snap.Flags = append(rd.snap.Flags, f)
		}
	case TypeMedia, TypeComment, TypeCommentRevision, TypeBlob:
		err = rd.discussionRecord(line, t.Type, b)
	}
	return nil, err
}

// node checks a node record: its own validation, its id, its version, and
// that no earlier record used its id.
func (rd *reader) node(line int, kind graph.Kind, id string, version int, invalid error) error {
	if err := graph.ValidateID(id); err != nil {
		return fmt.Errorf("%s: %s", kind, graph.ErrorMessage(err))
	}
	if invalid != nil {
		return fmt.Errorf("%s %q: %s", kind, id, graph.ErrorMessage(invalid))
	}
	if version < 1 {
		return fmt.Errorf("%s %q: version must be at least 1, not %d", kind, id, version)
	}
	if k, dup := rd.kinds[id]; dup {
		return fmt.Errorf("%s %q: id already used by the %s on line %d", kind, id, k, rd.lineOf[id])
	}
	rd.kinds[id], rd.lineOf[id] = kind, line
	return nil
}

// refFault keeps the first fault of a reference, reported once the whole
// file is read: a record out of its place (a document among the links)
// makes its references look dangling, and the misplaced record is what
// the error must name. It reports whether err is one.
func (rd *reader) refFault(line int, err error) bool {
	if err != nil && rd.refErr == nil {
		rd.refErr = lineErr(line, "%s", err)
	}
	return err != nil
}

// declaration checks a declaration is of a contributor of the file.
func (rd *reader) declaration(line int, d *graph.Declaration) error {
	if rd.kinds[d.ContributorID] != graph.KindContributor {
		return fmt.Errorf("declaration of %q: no such contributor in the dump", d.ContributorID)
	}
	return rd.once(line, "decl\x00"+d.ContributorID+"\x00"+d.Dimension+"\x00"+d.Value,
		fmt.Sprintf("declaration %s:%s of %q", d.Dimension, d.Value, d.ContributorID))
}

// flag checks a flag is of a document of the file, and fills in its kind.
func (rd *reader) flag(line int, f *graph.Flag) error {
	if f.DocumentKind = rd.kinds[f.DocumentID]; !f.DocumentKind.IsDocument() {
		return fmt.Errorf("flag %q: no document %q in the dump", f.ID, f.DocumentID)
	}
	if c, ok := rd.comments[f.CommentID]; f.CommentID != "" && (!ok || c.documentID != f.DocumentID) {
		return fmt.Errorf("flag %q: no comment %q of document %q in the dump", f.ID, f.CommentID, f.DocumentID)
	}
	return rd.once(line, "flag\x00"+f.ID, fmt.Sprintf("flag %q", f.ID))
}

// once checks a revision, link, declaration or flag is given once; key
// identifies it, what names it.
func (rd *reader) once(line int, key, what string) error {
	if rd.checked {
		return nil
	}
	if first, dup := rd.seen[key]; dup {
		return fmt.Errorf("%s is given twice (first on line %d)", what, first)
	}
	rd.seen[key] = line
	return nil
}

// revision checks a revision is of a document of the file, within its
// versions. Documents come before revisions in a file: all are known.
func (rd *reader) revision(line int, r *graph.Revision) error {
	v, ok := rd.versions[r.DocumentID]
	switch {
	case !ok:
		return fmt.Errorf("revision of %q: no such document in the dump", r.DocumentID)
	case r.Version < 1 || r.Version > v:
		return fmt.Errorf("revision %d of %q: the document is at version %d", r.Version, r.DocumentID, v)
	}
	return rd.once(line, fmt.Sprintf("rev\x00%s\x00%d", r.DocumentID, r.Version), fmt.Sprintf("revision %d of %q", r.Version, r.DocumentID))
}

// link checks a link is between nodes of the file, of the kinds its
// relation takes, and fills in the kinds of its ends.
func (rd *reader) link(line int, l *graph.Link) error {
	what := fmt.Sprintf("link %s %s → %s", l.Relation, l.From, l.To)
	var ok bool
	if l.FromKind, ok = rd.kinds[l.From]; !ok {
		return fmt.Errorf("%s: dangling, no node %q in the dump", what, l.From)
	}
	if l.ToKind, ok = rd.kinds[l.To]; !ok {
		return fmt.Errorf("%s: dangling, no node %q in the dump", what, l.To)
	}
	if err := graph.ValidateLink(*l); err != nil {
		return fmt.Errorf("%s: %s", what, graph.ErrorMessage(err))
	}
	if l.Relation == graph.RelInCarnet && l.Category != "" && !(&graph.Carnet{Categories: rd.categories[l.To]}).HasCategory(l.Category) {
		return fmt.Errorf("%s: carnet %q has no category %q", what, l.To, l.Category)
	}
	return rd.once(line, "link\x00"+l.From+"\x00"+string(l.Relation)+"\x00"+l.To, what)
}
