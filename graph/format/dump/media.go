package dump

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
)

// Media files travel inside the dump, as blob records after every other
// record: one file stays the one thing an operator keeps, copies and
// restores (standard input and output included), and the end record's
// counts tell a file cut short in the middle of a recording as they do
// anywhere else. A blob is cut into records of BlobChunk bytes (base64 in
// JSON, a third larger), so that no line nears MaxLine and memory holds
// one chunk whatever the file's size:
//
//	{"type":"blob","sha256":"…","size":N,"offset":0,"data":"…"}
//
// The chunks of one blob follow each other, offsets without gap. A reader
// hashes them as they come and refuses a blob whose bytes do not give its
// digest, a media whose blob the file lacks, and a blob no media names.
// Restoring puts each blob into the target's blob store as it is read
// (blob.Store.Put: whole or not at all), before the restore's last write;
// a restore that fails removes the blobs it added.
//
// The cost is a third more bytes than the files themselves; a graph
// whose media are large is better backed up with its blob directory
// copied aside, and this file for the graph (a later version may add an
// option to leave the bytes out).

// blobPrefix starts every blob record as WriteBlobs writes it.
var blobPrefix = []byte(`{"type":"blob",`)

// BlobChunk is how many bytes of a media file one blob record carries.
const BlobChunk = 1 << 20

// ErrNoBlobs is returned for a graph with media, or a dump with media
// files, when no blob store is given to read or restore their bytes.
var ErrNoBlobs = errors.New("the graph holds media files: give the blob store (the data directory's blobs) to carry them")

// cueRecord is one transcript cue; times are Go durations ("12m34.5s"),
// exact and readable.
type cueRecord struct {
	Start   string `json:"start"`
	End     string `json:"end"`
	Speaker string `json:"speaker,omitempty"`
	Text    string `json:"text"`
}

type mediaRecord struct {
	Type        string      `json:"type"`
	ID          string      `json:"id"`
	Document    string      `json:"document,omitempty"`
	SHA256      string      `json:"sha256"`
	Size        int64       `json:"size"`
	MIME        string      `json:"mime"`
	Format      string      `json:"format"`
	Title       string      `json:"title,omitempty"`
	Alt         string      `json:"alt,omitempty"`
	Description string      `json:"description,omitempty"`
	Language    string      `json:"language,omitempty"`
	Visibility  string      `json:"visibility,omitempty"`
	Uploader    string      `json:"uploader,omitempty"`
	Cues        []cueRecord `json:"cues,omitempty"`
	// Text is what was extracted from a PDF for search: kept, so that a
	// restored PDF is found as before without extracting it again.
	Text      string    `json:"text,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// commentRecord is one comment; its document's kind is the document
// record's. A deleted stand-in has neither author nor body.
type commentRecord struct {
	Type      string    `json:"type"`
	ID        string    `json:"id"`
	Document  string    `json:"document"`
	Parent    string    `json:"parent,omitempty"`
	Depth     int       `json:"depth,omitempty"`
	Author    string    `json:"author,omitempty"`
	Body      string    `json:"body,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int       `json:"version"`
	Deleted   bool      `json:"deleted,omitempty"`
	Hidden    bool      `json:"hidden,omitempty"`
}

type commentRevisionRecord struct {
	Type    string    `json:"type"`
	Comment string    `json:"comment"`
	Version int       `json:"version"`
	Body    string    `json:"body"`
	Editor  string    `json:"editor,omitempty"`
	At      time.Time `json:"at"`
}

type blobRecord struct {
	Type   string `json:"type"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Offset int64  `json:"offset"`
	Data   []byte `json:"data"`
}

func toMediaRecord(m *graph.Media) mediaRecord {
	r := mediaRecord{Type: TypeMedia, ID: m.ID, Document: m.DocumentID, SHA256: m.SHA256, Size: m.Size, MIME: m.MIME,
		Format: string(m.Format), Title: m.Title, Alt: m.Alt, Description: m.Description, Language: m.Language,
		Visibility: string(m.Visibility), Uploader: m.UploaderID, Text: m.Text, CreatedAt: m.CreatedAt}
	for _, c := range m.Cues {
		r.Cues = append(r.Cues, cueRecord{Start: c.Start.String(), End: c.End.String(), Speaker: c.Speaker, Text: c.Text})
	}
	return r
}

func (r mediaRecord) media() (graph.Media, error) {
	m := graph.Media{ID: r.ID, DocumentID: r.Document, SHA256: r.SHA256, Size: r.Size, MIME: r.MIME,
		Format: graph.MediaFormat(r.Format), Title: r.Title, Alt: r.Alt, Description: r.Description, Language: r.Language,
		Visibility: graph.Visibility(r.Visibility), UploaderID: r.Uploader, Text: r.Text, CreatedAt: r.CreatedAt}
	for i, c := range r.Cues {
		start, err1 := time.ParseDuration(c.Start)
		end, err2 := time.ParseDuration(c.End)
		if err := errors.Join(err1, err2); err != nil {
			return m, fmt.Errorf("media %q: cue %d: a time is a duration such as \"12m34.5s\": %v", r.ID, i+1, err)
		}
		m.Cues = append(m.Cues, graph.MediaCue{Start: start, End: end, Speaker: c.Speaker, Text: c.Text})
	}
	return m, nil
}

func toCommentRecord(c *graph.Comment) commentRecord {
	return commentRecord{Type: TypeComment, ID: c.ID, Document: c.DocumentID, Parent: c.ParentID, Depth: c.Depth,
		Author: c.AuthorID, Body: c.Body, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version,
		Deleted: c.Deleted, Hidden: c.Hidden}
}

func (r commentRecord) comment() graph.Comment {
	return graph.Comment{ID: r.ID, DocumentID: r.Document, ParentID: r.Parent, Depth: r.Depth, AuthorID: r.Author,
		Body: r.Body, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version, Deleted: r.Deleted, Hidden: r.Hidden}
}

func toCommentRevisionRecord(r *graph.CommentRevision) commentRevisionRecord {
	return commentRevisionRecord{Type: TypeCommentRevision, Comment: r.CommentID, Version: r.Version, Body: r.Body,
		Editor: r.EditorID, At: r.At}
}

func (r commentRevisionRecord) revision() graph.CommentRevision {
	return graph.CommentRevision{CommentID: r.Comment, Version: r.Version, Body: r.Body, EditorID: r.Editor, At: r.At}
}

// writeMedia writes every media record, then returns the digests and
// sizes of their files, for writeBlobs.
func writeMedia(ctx context.Context, s Source, put func(string, any) error) (map[string]int64, error) {
	files := map[string]int64{}
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ms, err := s.ScanMedia(ctx, after, graph.MaxFirst)
		if err != nil {
			return nil, fmt.Errorf("dump: %w", err)
		}
		for _, m := range ms {
			files[m.SHA256] = m.Size
			if err := put(TypeMedia, toMediaRecord(m)); err != nil {
				return nil, err
			}
		}
		if len(ms) < graph.MaxFirst {
			return files, nil
		}
		after = ms[len(ms)-1].ID
	}
}

// writeDiscussions writes the comments of docIDs, then their revisions:
// records are grouped by type, so the discussions are read twice rather
// than held.
func writeDiscussions(ctx context.Context, s Source, docIDs []string, put func(string, any) error) error {
	for _, revisions := range []bool{false, true} {
		for start := 0; start < len(docIDs); start += graph.MaxFirst {
			ids := docIDs[start:min(start+graph.MaxFirst, len(docIDs))]
			ds, err := s.Discussions(ctx, ids)
			if err != nil {
				return fmt.Errorf("dump: %w", err)
			}
			for _, id := range ids {
				d := ds[id]
				if d == nil {
					continue
				}
				if revisions {
					for _, r := range d.Revisions {
						if err := put(TypeCommentRevision, toCommentRevisionRecord(r)); err != nil {
							return err
						}
					}
					continue
				}
				for _, c := range d.Comments {
					if err := put(TypeComment, toCommentRecord(c)); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// writeBlobs writes the bytes of every file, in digest order, checking
// each against its digest as it goes: a damaged file in the blob store
// fails the dump rather than travel into a backup.
func writeBlobs(ctx context.Context, blobs blob.Store, files map[string]int64, put func(string, any) error) error {
	if len(files) == 0 {
		return nil
	}
	if blobs == nil {
		return ErrNoBlobs
	}
	buf := make([]byte, BlobChunk)
	for _, sha := range slices.Sorted(maps.Keys(files)) {
		size := files[sha]
		f, err := blobs.Open(ctx, sha)
		if err != nil {
			return fmt.Errorf("dump: the file of a media (%s): %w", sha, err)
		}
		h := sha256.New()
		var off int64
		for err == nil {
			var n int
			n, err = io.ReadFull(f, buf)
			if n > 0 {
				h.Write(buf[:n])
				if perr := put(TypeBlob, blobRecord{Type: TypeBlob, SHA256: sha, Size: size, Offset: off, Data: buf[:n]}); perr != nil {
					f.Close()
					return perr
				}
				off += int64(n)
			}
		}
		f.Close()
		if err != io.EOF && err != io.ErrUnexpectedEOF {
			return fmt.Errorf("dump: read the file %s: %w", sha, err)
		}
		if off != size || hex.EncodeToString(h.Sum(nil)) != sha {
			return fmt.Errorf("dump: the blob store's file %s is damaged (%d bytes, a media says %d; or its content does not give its digest)", sha, off, size)
		}
	}
	return nil
}

// blobReading is the reader's state for media files: the files media
// records need, those the file has given whole, and the one being read.
type blobReading struct {
	need map[string]int64 // digest → size, from media records
	// mediaOf names a media needing each file, for errors.
	mediaOf map[string]string
	done    map[string]bool
	cur     *blobInProgress
	// sink, when set, receives the bytes (the restore's second pass).
	sink *blobSink
}

type blobInProgress struct {
	sha       string
	size, off int64
	h         hash.Hash
	line      int
	put       *blobPut
}

func newBlobReading() *blobReading {
	return &blobReading{need: map[string]int64{}, mediaOf: map[string]string{}, done: map[string]bool{}}
}

// media notes the file a media record needs.
func (b *blobReading) media(m *graph.Media) error {
	if size, ok := b.need[m.SHA256]; ok && size != m.Size {
		return fmt.Errorf("media %q: its file %s is %d bytes, media %q says %d", m.ID, m.SHA256, m.Size, b.mediaOf[m.SHA256], size)
	}
	b.need[m.SHA256] = m.Size
	if b.mediaOf[m.SHA256] == "" {
		b.mediaOf[m.SHA256] = m.ID
	}
	return nil
}

// chunk reads one blob record.
func (b *blobReading) chunk(line int, r *blobRecord) error {
	if err := blob.CheckDigest(r.SHA256); err != nil {
		return fmt.Errorf("blob: %s", graph.ErrorMessage(err))
	}
	cur := b.cur
	if cur != nil && cur.sha != r.SHA256 {
		return fmt.Errorf("blob %s begins before blob %s (line %d) is whole: %d of its %d bytes came", r.SHA256, cur.sha, cur.line, cur.off, cur.size)
	}
	if cur == nil {
		size, ok := b.need[r.SHA256]
		switch {
		case b.done[r.SHA256]:
			return fmt.Errorf("blob %s is given twice", r.SHA256)
		case !ok:
			return fmt.Errorf("blob %s: no media of the dump has this file", r.SHA256)
		case r.Size != size:
			return fmt.Errorf("blob %s is %d bytes, media %q says %d", r.SHA256, r.Size, b.mediaOf[r.SHA256], size)
		}
		cur = &blobInProgress{sha: r.SHA256, size: size, h: sha256.New(), line: line}
		if b.sink != nil {
			var err error
			if cur.put, err = b.sink.start(r.SHA256, size); err != nil {
				return err
			}
		}
		b.cur = cur
	}
	switch {
	case r.Size != cur.size:
		return fmt.Errorf("blob %s: a chunk says %d bytes, the first said %d", r.SHA256, r.Size, cur.size)
	case r.Offset != cur.off:
		return fmt.Errorf("blob %s: a chunk at offset %d where %d was expected: chunks are missing or out of order", r.SHA256, r.Offset, cur.off)
	case len(r.Data) == 0 || int64(len(r.Data)) > cur.size-cur.off:
		return fmt.Errorf("blob %s: a chunk of %d bytes at offset %d of %d", r.SHA256, len(r.Data), r.Offset, cur.size)
	}
	cur.h.Write(r.Data)
	cur.off += int64(len(r.Data))
	if cur.put != nil {
		if err := cur.put.write(r.Data); err != nil {
			return err
		}
	}
	if cur.off < cur.size {
		return nil
	}
	b.cur = nil
	b.done[cur.sha] = true
	if got := hex.EncodeToString(cur.h.Sum(nil)); got != cur.sha {
		if cur.put != nil {
			cur.put.abort()
		}
		return fmt.Errorf("blob %s (from line %d) is damaged: its bytes give the digest %s", cur.sha, cur.line, got)
	}
	if cur.put != nil {
		return cur.put.finish()
	}
	return nil
}

// finish checks, at the end of the file, that every file a media needs
// came whole.
func (b *blobReading) finish() error {
	if b.cur != nil {
		return fmt.Errorf("blob %s (from line %d) is cut short: %d of its %d bytes", b.cur.sha, b.cur.line, b.cur.off, b.cur.size)
	}
	for _, sha := range slices.Sorted(maps.Keys(b.need)) {
		if !b.done[sha] {
			return fmt.Errorf("media %q: its file %s is not in the dump", b.mediaOf[sha], sha)
		}
	}
	return nil
}

// abort ends a blob being written, after an error elsewhere.
func (b *blobReading) abort() {
	if b.cur != nil && b.cur.put != nil {
		b.cur.put.abort()
	}
	b.cur = nil
}

// blobSink puts the files a restore reads into a blob store, and
// remembers those it added, to remove them if the restore fails.
type blobSink struct {
	ctx   context.Context
	store blob.Store
	added []string
}

// blobPut is one file on its way into the store: its bytes go through a
// pipe to Put, which reads them as they come.
type blobPut struct {
	sink *blobSink
	sha  string
	w    *io.PipeWriter
	done chan error
	new  bool
	// ended is set once done has been read.
	ended bool
}

func (s *blobSink) start(sha string, size int64) (*blobPut, error) {
	p := &blobPut{sink: s, sha: sha, done: make(chan error, 1)}
	if f, err := s.store.Open(s.ctx, sha); err == nil {
		f.Close()
	} else if graph.ErrorCode(err) == graph.ENOTFOUND {
		p.new = true
	} else {
		return nil, err
	}
	pr, pw := io.Pipe()
	p.w = pw
	go func() {
		ref, err := s.store.Put(s.ctx, pr, size)
		if err == nil && ref.SHA256 != sha {
			err = fmt.Errorf("blob %s: the store kept %s", sha, ref.SHA256)
		}
		pr.CloseWithError(cmpErr(err, io.ErrClosedPipe))
		p.done <- err
	}()
	return p, nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

func (p *blobPut) write(b []byte) error {
	if _, err := p.w.Write(b); err != nil {
		p.w.CloseWithError(err)
		p.ended = true
		return fmt.Errorf("blob %s: %w", p.sha, <-p.done)
	}
	return nil
}

func (p *blobPut) finish() error {
	p.w.Close()
	p.ended = true
	if err := <-p.done; err != nil {
		return fmt.Errorf("blob %s: %w", p.sha, err)
	}
	if p.new {
		p.sink.added = append(p.sink.added, p.sha)
	}
	return nil
}

func (p *blobPut) abort() {
	if p.ended {
		return
	}
	p.ended = true
	p.w.CloseWithError(errors.New("the restore stopped"))
	<-p.done
}

// undo removes the files the restore added.
func (s *blobSink) undo() {
	ctx := context.WithoutCancel(s.ctx)
	for _, sha := range s.added {
		_ = s.store.Delete(ctx, sha)
	}
	s.added = nil
}

// discussionRecord reads a media, comment, comment revision or blob
// record.
func (rd *reader) discussionRecord(line int, typ string, b []byte) error {
	switch typ {
	case TypeMedia:
		var r mediaRecord
		if err := strict(b, &r); err != nil {
			return err
		}
		m, err := r.media()
		if err != nil {
			return err
		}
		if err := graph.ValidateID(m.ID); err != nil {
			return fmt.Errorf("media: %s", graph.ErrorMessage(err))
		}
		if err := graph.CheckStoredMedia(&m); err != nil {
			return fmt.Errorf("media %q: %s", m.ID, graph.ErrorMessage(err))
		}
		if k, dup := rd.kinds[m.ID]; dup {
			return fmt.Errorf("media %q: id already used by the %s on line %d", m.ID, k, rd.lineOf[m.ID])
		}
		if err := rd.blobs.media(&m); err != nil {
			return err
		}
		bad := rd.once(line, "media\x00"+m.ID, fmt.Sprintf("media %q", m.ID))
		if bad == nil && m.DocumentID != "" && !rd.kinds[m.DocumentID].IsDocument() {
			bad = fmt.Errorf("media %q: no document %q in the dump", m.ID, m.DocumentID)
		}
		if !rd.refFault(line, bad) && rd.keep {
			rd.snap.Media = append(rd.snap.Media, m)
		}
	case TypeComment:
		var r commentRecord
		if err := strict(b, &r); err != nil {
			return err
		}
		c := r.comment()
		if err := graph.CheckStoredComment(&c); err != nil {
			return fmt.Errorf("comment %q: %s", c.ID, graph.ErrorMessage(err))
		}
		bad := rd.comment(line, &c)
		if bad == nil {
			rd.comments[c.ID] = commentRef{documentID: c.DocumentID, depth: c.Depth, version: c.Version}
		}
		if !rd.refFault(line, bad) && rd.keep {
			rd.snap.Comments = append(rd.snap.Comments, c)
		}
	case TypeCommentRevision:
		var r commentRevisionRecord
		if err := strict(b, &r); err != nil {
			return err
		}
		rev := r.revision()
		what := fmt.Sprintf("revision %d of comment %q", rev.Version, rev.CommentID)
		if err := graph.CheckCommentBody(rev.Body); err != nil {
			return fmt.Errorf("%s: %s", what, graph.ErrorMessage(err))
		}
		if rev.At.IsZero() {
			return fmt.Errorf("%s: no date", what)
		}
		c, ok := rd.comments[rev.CommentID]
		var bad error
		switch {
		case !ok:
			bad = fmt.Errorf("%s: no such comment in the dump", what)
		case rev.Version < 1 || rev.Version > c.version:
			bad = fmt.Errorf("%s: the comment is at version %d", what, c.version)
		default:
			rev.DocumentID = c.documentID
			bad = rd.once(line, fmt.Sprintf("crev\x00%s\x00%d", rev.CommentID, rev.Version), what)
		}
		if !rd.refFault(line, bad) && rd.keep {
			rd.snap.CommentRevisions = append(rd.snap.CommentRevisions, rev)
		}
	case TypeBlob:
		r, err := decodeBlob(b)
		if err != nil {
			return err
		}
		if r.Type != TypeBlob {
			return fmt.Errorf("malformed record: a blob record of type %q", r.Type)
		}
		return rd.blobs.chunk(line, &r)
	}
	return nil
}

// comment checks a comment is on a document of the file and, for a
// reply, under an earlier comment of that document, one level down.
func (rd *reader) comment(line int, c *graph.Comment) error {
	if c.DocumentKind = rd.kinds[c.DocumentID]; !c.DocumentKind.IsDocument() {
		return fmt.Errorf("comment %q: no document %q in the dump", c.ID, c.DocumentID)
	}
	if c.ParentID != "" {
		p, ok := rd.comments[c.ParentID]
		switch {
		case !ok || p.documentID != c.DocumentID:
			return fmt.Errorf("comment %q: it replies to %q, no earlier comment of document %q in the dump", c.ID, c.ParentID, c.DocumentID)
		case c.Depth != p.depth+1:
			return fmt.Errorf("comment %q: a reply to a comment at depth %d is at depth %d, not %d", c.ID, p.depth, p.depth+1, c.Depth)
		}
	}
	return rd.once(line, "comment\x00"+c.ID, fmt.Sprintf("comment %q", c.ID))
}

// dataField ends a blob record as WriteBlobs writes it.
var dataField = []byte(`,"data":"`)

// decodeBlob reads a blob record. encoding/json scans a string a byte
// at a time, which made reading the data of a dump with media some ten
// times slower than writing it: a record laid out as WriteBlobs lays it
// out, its data last, has the rest of its fields read by strict and its
// data decoded as base64 directly, which is what encoding/json would
// have done with a string free of quotes and escapes. Any other layout
// goes through strict whole.
func decodeBlob(b []byte) (blobRecord, error) {
	var r blobRecord
	i := bytes.LastIndex(b, dataField)
	if i < 0 || !bytes.HasSuffix(b, []byte(`"}`)) {
		return r, strict(b, &r)
	}
	data := b[i+len(dataField) : len(b)-2]
	if bytes.IndexByte(data, '"') >= 0 || bytes.IndexByte(data, '\\') >= 0 {
		return r, strict(b, &r)
	}
	head := append(append(make([]byte, 0, i+1), b[:i]...), '}')
	if err := strict(head, &r); err != nil {
		return r, err
	}
	r.Data = make([]byte, base64.StdEncoding.DecodedLen(len(data)))
	n, err := base64.StdEncoding.Decode(r.Data, data)
	if err != nil {
		return r, fmt.Errorf("malformed record: the data is not base64: %v", err)
	}
	r.Data = r.Data[:n]
	return r, nil
}
