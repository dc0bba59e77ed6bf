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
	"slices"
	"strings"

	"github.com/encommun/maillage/graph"
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

// Restore reads a whole dump from r, checks it completely, and only then
// writes it into s, which must be empty (or hold only what an interrupted
// restore left, which the store clears first): a bad file writes nothing.
// It returns how many records of each type it restored.
func Restore(ctx context.Context, s graph.Store, r io.Reader) (Counts, error) {
	ctx = graph.SystemContext(ctx)
	rs, ok := s.(graph.Restorer)
	if !ok {
		return nil, ErrNoRestore
	}
	snap, counts, err := Read(r)
	if err != nil {
		return nil, err
	}
	// Checked here for a clear error before the work, and again by the
	// store, where it cannot race with a writer.
	if err := checkTarget(ctx, s); err != nil {
		return nil, err
	}
	if err := rs.Restore(ctx, *snap); err != nil {
		if graph.ErrorCode(err) == graph.ECONFLICT {
			if empty, e := isEmpty(ctx, s); e == nil && !empty {
				return nil, ErrNotEmpty
			}
		}
		return nil, fmt.Errorf("restore: %w", err)
	}
	return counts, nil
}

// Check reads and checks a whole dump as Restore does, and checks that s
// could take it (when s is not nil), without writing anything: a dry run.
func Check(ctx context.Context, s graph.Store, r io.Reader) (Counts, error) {
	ctx = graph.SystemContext(ctx)
	if s != nil {
		if _, ok := s.(graph.Restorer); !ok {
			return nil, ErrNoRestore
		}
	}
	_, counts, err := Read(r)
	if err != nil {
		return nil, err
	}
	if s != nil {
		if err := checkTarget(ctx, s); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

// checkTarget refuses a store that holds a graph, unless an interrupted
// restore left it there.
func checkTarget(ctx context.Context, s graph.Store) error {
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

// isEmpty reports whether s holds no node of any kind.
func isEmpty(ctx context.Context, s graph.Store) (bool, error) {
	docs, err := s.ListDocuments(ctx, graph.DocumentFilter{Kinds: graph.DocumentKinds}, graph.DocumentOrder{}, graph.Page{First: 1})
	if err != nil {
		return false, err
	}
	n := docs.TotalCount
	for _, count := range []func() (int, error){
		func() (int, error) { c, err := s.ListContributors(ctx, graph.Page{First: 1}); return total(c, err) },
		func() (int, error) { c, err := s.ListCarnets(ctx, graph.Page{First: 1}); return total(c, err) },
		func() (int, error) { c, err := s.ListCommunities(ctx, graph.Page{First: 1}); return total(c, err) },
		func() (int, error) { c, err := s.ListKnowledgeBases(ctx, graph.Page{First: 1}); return total(c, err) },
	} {
		c, err := count()
		if err != nil {
			return false, err
		}
		n += c
	}
	return n == 0, nil
}

func total[T any](c *graph.Connection[T], err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return c.TotalCount, nil
}

// reader is one Read run: what the lines seen so far declared, to check
// references once every node is known.
type reader struct {
	snap   graph.Snapshot
	counts Counts
	// kinds and lines of the nodes, by id.
	kinds   map[string]graph.Kind
	lineOf  map[string]int
	carnets map[string]*graph.Carnet
	// lines of the records whose references are checked at the end.
	revLines, linkLines, declLines []int
	// order is the index in recordTypes of the last record type seen.
	order int
	// version is the file's format version, from its header.
	version   int
	flagLines []int
}

// Read parses and checks a whole dump: the header and its version, every
// record (known type, no unknown field, valid as the store would find it),
// every reference (a link's or revision's or declaration's ends are in the
// file), and the end record's counts. Errors name the line.
func Read(r io.Reader) (*graph.Snapshot, Counts, error) {
	rd := &reader{counts: Counts{}, kinds: map[string]graph.Kind{}, lineOf: map[string]int{}, carnets: map[string]*graph.Carnet{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), MaxLine)
	line := 0
	var end *endRecord
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if end != nil {
			if len(b) == 0 {
				continue
			}
			return nil, nil, lineErr(line, "data after the end record")
		}
		if line == 1 {
			v, err := readHeader(b)
			if err != nil {
				return nil, nil, lineErr(1, "%s", err)
			}
			rd.version = v
			continue
		}
		if len(b) == 0 {
			return nil, nil, lineErr(line, "empty line")
		}
		var err error
		end, err = rd.record(line, b)
		if err != nil {
			return nil, nil, lineErr(line, "%s", err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, nil, lineErr(line+1, "longer than %d MiB: not a maillage dump, or damaged", MaxLine>>20)
		}
		return nil, nil, err
	}
	switch {
	case line == 0:
		return nil, nil, lineErr(1, "empty file: not a maillage dump")
	case end == nil:
		return nil, nil, lineErr(line, "the file ends without its end record: it was cut short (truncated)")
	}
	if err := rd.checkReferences(); err != nil {
		return nil, nil, err
	}
	for _, t := range slices.Sorted(maps.Keys(end.Counts)) {
		if !slices.Contains(recordTypes, t) {
			return nil, nil, lineErr(line, "end record counts an unknown record type %q", t)
		}
	}
	for _, t := range recordTypes {
		if end.Counts[t] != rd.counts[t] {
			return nil, nil, lineErr(line, "the end record counts %d %s records, the file holds %d: it is damaged", end.Counts[t], t, rd.counts[t])
		}
	}
	return &rd.snap, rd.counts, nil
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
	if err := json.Unmarshal(b, &t); err != nil {
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
			rd.snap.KnowledgeBases = append(rd.snap.KnowledgeBases, x)
		} else {
			x := graph.Community{ID: r.ID, Name: r.Name, Description: r.Description, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
			err = rd.node(line, graph.KindCommunity, r.ID, r.Version, x.Validate())
			rd.snap.Communities = append(rd.snap.Communities, x)
		}
	case TypeCarnet:
		var r carnetRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		x := graph.Carnet{ID: r.ID, Title: r.Title, Description: r.Description, Categories: r.Categories, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
		err = rd.node(line, graph.KindCarnet, r.ID, r.Version, x.Validate())
		rd.snap.Carnets = append(rd.snap.Carnets, x)
		rd.carnets[x.ID] = &x // a copy: pointers into a growing slice go stale
	case TypeContributor:
		var r contributorRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		x := graph.Contributor{ID: r.ID, Name: r.Name, Bio: r.Bio, Region: r.Region, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
		err = rd.node(line, graph.KindContributor, r.ID, r.Version, x.Validate())
		rd.snap.Contributors = append(rd.snap.Contributors, x)
	case TypeDocument:
		var r documentRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		d := r.document()
		if !d.Kind.IsDocument() {
			return nil, fmt.Errorf("document %q: unknown kind %q (Note, Term or Organisation)", r.ID, r.Kind)
		}
		err = rd.node(line, d.Kind, d.ID, d.Version, d.Validate())
		rd.snap.Documents = append(rd.snap.Documents, d)
	case TypeRevision:
		var r revisionRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		rd.snap.Revisions = append(rd.snap.Revisions, r.revision())
		rd.revLines = append(rd.revLines, line)
	case TypeLink:
		var r linkRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		if !graph.Relation(r.Relation).Valid() {
			return nil, fmt.Errorf("unknown relation %q", r.Relation)
		}
		rd.snap.Links = append(rd.snap.Links, r.link())
		rd.linkLines = append(rd.linkLines, line)
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
		rd.snap.Declarations = append(rd.snap.Declarations, d)
		rd.declLines = append(rd.declLines, line)
	case TypeFlag:
		var r flagRecord
		if err = strict(b, &r); err != nil {
			return nil, err
		}
		f := r.flag()
		if err := graph.CheckFlag(&f); err != nil {
			return nil, fmt.Errorf("flag %q: %s", r.ID, graph.ErrorMessage(err))
		}
		rd.snap.Flags = append(rd.snap.Flags, f)
		rd.flagLines = append(rd.flagLines, line)
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

// checkReferences checks what needs every node: revisions of known
// documents within their versions, links between known nodes of the right
// kinds, declarations of known contributors, no duplicates.
func (rd *reader) checkReferences() error {
	versions := map[string]int{}
	for _, d := range rd.snap.Documents {
		versions[d.ID] = d.Version
	}
	seen := map[string]int{}
	once := func(line int, key, what string) error {
		if first, dup := seen[key]; dup {
			return lineErr(line, "%s is given twice (first on line %d)", what, first)
		}
		seen[key] = line
		return nil
	}
	for i, r := range rd.snap.Revisions {
		line := rd.revLines[i]
		v, ok := versions[r.DocumentID]
		switch {
		case !ok:
			return lineErr(line, "revision of %q: no such document in the dump", r.DocumentID)
		case r.Version < 1 || r.Version > v:
			return lineErr(line, "revision %d of %q: the document is at version %d", r.Version, r.DocumentID, v)
		}
		if err := once(line, fmt.Sprintf("rev\x00%s\x00%d", r.DocumentID, r.Version), fmt.Sprintf("revision %d of %q", r.Version, r.DocumentID)); err != nil {
			return err
		}
	}
	for i := range rd.snap.Links {
		l := &rd.snap.Links[i]
		line := rd.linkLines[i]
		what := fmt.Sprintf("link %s %s → %s", l.Relation, l.From, l.To)
		var ok bool
		if l.FromKind, ok = rd.kinds[l.From]; !ok {
			return lineErr(line, "%s: dangling, no node %q in the dump", what, l.From)
		}
		if l.ToKind, ok = rd.kinds[l.To]; !ok {
			return lineErr(line, "%s: dangling, no node %q in the dump", what, l.To)
		}
		if err := graph.ValidateLink(*l); err != nil {
			return lineErr(line, "%s: %s", what, graph.ErrorMessage(err))
		}
		if l.Relation == graph.RelInCarnet && l.Category != "" && !rd.carnets[l.To].HasCategory(l.Category) {
			return lineErr(line, "%s: carnet %q has no category %q", what, l.To, l.Category)
		}
		if err := once(line, "link\x00"+l.From+"\x00"+string(l.Relation)+"\x00"+l.To, what); err != nil {
			return err
		}
	}
	for i, d := range rd.snap.Declarations {
		line := rd.declLines[i]
		if rd.kinds[d.ContributorID] != graph.KindContributor {
			return lineErr(line, "declaration of %q: no such contributor in the dump", d.ContributorID)
		}
		if err := once(line, "decl\x00"+d.ContributorID+"\x00"+d.Dimension+"\x00"+d.Value,
			fmt.Sprintf("declaration %s:%s of %q", d.Dimension, d.Value, d.ContributorID)); err != nil {
			return err
		}
	}
	for i := range rd.snap.Flags {
		f := &rd.snap.Flags[i]
		line := rd.flagLines[i]
		if f.DocumentKind = rd.kinds[f.DocumentID]; !f.DocumentKind.IsDocument() {
			return lineErr(line, "flag %q: no document %q in the dump", f.ID, f.DocumentID)
		}
		if err := once(line, "flag\x00"+f.ID, fmt.Sprintf("flag %q", f.ID)); err != nil {
			return err
		}
	}
	return nil
}
