package embedded

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/encommun/maillage/graph"
)

// Records are encoded by hand: a format byte, then fields in a fixed order
// as varints and length-prefixed strings. It is several times faster to
// decode than JSON, which matters for lists that read thousands of heads,
// and the decoder fails on damaged bytes instead of panicking.
const recordFormat = 1

var errBadRecord = errors.New("damaged record")

type enc struct{ b []byte }

func newEnc() *enc { return &enc{b: []byte{recordFormat}} }

func (e *enc) uint(n uint64) { e.b = binary.AppendUvarint(e.b, n) }
func (e *enc) int(n int64)   { e.b = binary.AppendVarint(e.b, n) }

func (e *enc) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *enc) time(t time.Time) {
	e.int(t.Unix())
	e.uint(uint64(t.Nanosecond()))
}

func (e *enc) optTime(t *time.Time) {
	if t == nil {
		e.uint(0)
		return
	}
	e.uint(1)
	e.time(*t)
}

type dec struct {
	b   []byte
	err error
}

func newDec(b []byte) *dec {
	d := &dec{b: b}
	if len(b) == 0 || b[0] != recordFormat {
		d.err = errBadRecord
		return d
	}
	d.b = b[1:]
	return d
}

func (d *dec) fail() { d.err, d.b = errBadRecord, nil }

func (d *dec) uint() uint64 {
	if d.err != nil {
		return 0
	}
	n, size := binary.Uvarint(d.b)
	if size <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[size:]
	return n
}

func (d *dec) int() int64 {
	if d.err != nil {
		return 0
	}
	n, size := binary.Varint(d.b)
	if size <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[size:]
	return n
}

// raw returns a string field without copying; it aliases the database page
// and must not outlive the transaction.
func (d *dec) raw() []byte {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	s := d.b[:n:n]
	d.b = d.b[n:]
	return s
}

func (d *dec) str() string { return string(d.raw()) }

func (d *dec) strs() []string {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) { // every string takes a byte at least
		d.fail()
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *dec) time() time.Time {
	sec := d.int()
	nsec := d.uint()
	if nsec >= 1e9 {
		d.fail()
	}
	if d.err != nil {
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (d *dec) optTime() *time.Time {
	switch d.uint() {
	case 0:
		return nil
	case 1:
		t := d.time()
		return &t
	}
	d.fail()
	return nil
}

// done reports damage, including bytes left over.
func (d *dec) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	return d.err
}

func encodeDocument(d *graph.Document) []byte {
	e := newEnc()
	for _, s := range []string{d.Slug, d.Title, d.Summary, d.Body, d.Language, string(d.Visibility),
		d.Licence, d.Definition, d.Website, d.Region, d.Sector} {
		e.str(s)
	}
	e.strs(d.Aliases)
	e.time(d.CreatedAt)
	e.time(d.UpdatedAt)
	e.optTime(d.PublishedAt)
	e.int(int64(d.Version))
	return e.b
}

func decodeDocument(id string, kind graph.Kind, b []byte) (*graph.Document, error) {
	x := newDec(b)
	d := &graph.Document{ID: id, Kind: kind}
	for _, p := range []*string{&d.Slug, &d.Title, &d.Summary, &d.Body, &d.Language, (*string)(&d.Visibility),
		&d.Licence, &d.Definition, &d.Website, &d.Region, &d.Sector} {
		*p = x.str()
	}
	d.Aliases = x.strs()
	d.CreatedAt = x.time()
	d.UpdatedAt = x.time()
	d.PublishedAt = x.optTime()
	d.Version = int(x.int())
	return d, x.done()
}

// The head of a document is what lists filter and sort on: its
// visibility, its language and its sort key under each order, computed by
// graph.DocumentOrder.SortKey at write time so that cursors agree with it.
var headOrders = []graph.DocumentOrderField{graph.OrderCreatedAt, graph.OrderUpdatedAt, graph.OrderPublishedAt, graph.OrderTitle}

func encodeHead(d *graph.Document) []byte {
	e := newEnc()
	e.str(string(d.Visibility))
	e.str(d.Language)
	for _, f := range headOrders {
		e.str(graph.DocumentOrder{Field: f}.SortKey(d))
	}
	return e.b
}

// headView is a decoded head whose fields alias the database page.
type headView struct {
	visibility, language []byte
	keys                 [4][]byte // indexed like headOrders
}

// readHead decodes a head without copying.
func readHead(b []byte) (headView, error) {
	x := newDec(b)
	h := headView{visibility: x.raw(), language: x.raw()}
	for i := range h.keys {
		h.keys[i] = x.raw()
	}
	return h, x.done()
}

// encodeFacets is the value of a sort index entry: what a list filters on
// before it decides to keep a document.
func encodeFacets(d *graph.Document) []byte {
	e := newEnc()
	e.str(string(d.Visibility))
	e.str(d.Language)
	return e.b
}

func readFacets(b []byte) (visibility, language []byte, err error) {
	x := newDec(b)
	visibility, language = x.raw(), x.raw()
	return visibility, language, x.done()
}

// A contributor record held a region up to schema 3; migrateRegions
// (store.go) rewrote every record without it.
func encodeContributor(c *graph.Contributor) []byte {
	e := newEnc()
	e.str(c.Name)
	e.str(c.Bio)
	e.time(c.CreatedAt)
	e.time(c.UpdatedAt)
	e.int(int64(c.Version))
	return e.b
}

func decodeContributor(id string, b []byte) (*graph.Contributor, error) {
	x := newDec(b)
	c := &graph.Contributor{ID: id, Name: x.str(), Bio: x.str()}
	c.CreatedAt, c.UpdatedAt, c.Version = x.time(), x.time(), int(x.int())
	return c, x.done()
}

// decodeContributorV3 reads a schema 3 contributor record, region
// included, for the migration only.
func decodeContributorV3(id string, b []byte) (c *graph.Contributor, region string, err error) {
	x := newDec(b)
	c = &graph.Contributor{ID: id, Name: x.str(), Bio: x.str()}
	region = x.str()
	c.CreatedAt, c.UpdatedAt, c.Version = x.time(), x.time(), int(x.int())
	return c, region, x.done()
}

func encodeCarnet(c *graph.Carnet) []byte {
	e := newEnc()
	e.str(c.Title)
	e.str(c.Description)
	e.strs(c.Categories)
	e.time(c.CreatedAt)
	e.time(c.UpdatedAt)
	e.int(int64(c.Version))
	return e.b
}

func decodeCarnet(id string, b []byte) (*graph.Carnet, error) {
	x := newDec(b)
	c := &graph.Carnet{ID: id, Title: x.str(), Description: x.str(), Categories: x.strs()}
	c.CreatedAt, c.UpdatedAt, c.Version = x.time(), x.time(), int(x.int())
	return c, x.done()
}

// Communities and knowledge bases share one shape.
func encodeGroup(name, description string, created, updated time.Time, version int) []byte {
	e := newEnc()
	e.str(name)
	e.str(description)
	e.time(created)
	e.time(updated)
	e.int(int64(version))
	return e.b
}

func encodeCommunity(c *graph.Community) []byte {
	return encodeGroup(c.Name, c.Description, c.CreatedAt, c.UpdatedAt, c.Version)
}

func decodeCommunity(id string, b []byte) (*graph.Community, error) {
	x := newDec(b)
	c := &graph.Community{ID: id, Name: x.str(), Description: x.str()}
	c.CreatedAt, c.UpdatedAt, c.Version = x.time(), x.time(), int(x.int())
	return c, x.done()
}

func encodeKnowledgeBase(k *graph.KnowledgeBase) []byte {
	return encodeGroup(k.Name, k.Description, k.CreatedAt, k.UpdatedAt, k.Version)
}

func decodeKnowledgeBase(id string, b []byte) (*graph.KnowledgeBase, error) {
	x := newDec(b)
	k := &graph.KnowledgeBase{ID: id, Name: x.str(), Description: x.str()}
	k.CreatedAt, k.UpdatedAt, k.Version = x.time(), x.time(), int(x.int())
	return k, x.done()
}

// encodeLink stores what the key does not hold. The kinds of both ends
// are kept on the link so that walking links never looks nodes up.
func encodeLink(l *graph.Link) []byte {
	e := newEnc()
	e.str(string(l.FromKind))
	e.str(string(l.ToKind))
	e.str(l.Role)
	e.str(l.Category)
	e.int(int64(l.Position))
	e.time(l.CreatedAt)
	return e.b
}

func decodeLink(rel graph.Relation, from, to string, b []byte) (graph.Link, error) {
	x := newDec(b)
	l := graph.Link{Relation: rel, From: from, To: to}
	l.FromKind, l.ToKind = graph.Kind(x.str()), graph.Kind(x.str())
	l.Role, l.Category = x.str(), x.str()
	l.Position = int(x.int())
	l.CreatedAt = x.time()
	return l, x.done()
}

// readLinkEnds decodes the kinds and category of a link value without
// copying, for scans that only filter on them.
func readLinkEnds(b []byte) (fromKind, toKind, category []byte, err error) {
	x := newDec(b)
	fromKind, toKind = x.raw(), x.raw()
	_ = x.raw() // role
	category = x.raw()
	return fromKind, toKind, category, x.err
}

// readLinkPosition decodes only the position of a link value.
func readLinkPosition(b []byte) (int, error) {
	x := newDec(b)
	for range 4 { // kinds, role, category
		x.raw()
	}
	return int(x.int()), x.err
}

func encodeRevision(r *graph.Revision) []byte {
	e := newEnc()
	e.str(r.AuthorID)
	e.time(r.At)
	e.strs(r.Changed)
	e.str(r.Title)
	e.str(r.Summary)
	e.str(r.Body)
	e.str(string(r.Visibility))
	return e.b
}

func decodeRevision(docID string, version int, b []byte) (*graph.Revision, error) {
	x := newDec(b)
	r := &graph.Revision{DocumentID: docID, Version: version, AuthorID: x.str(), At: x.time(), Changed: x.strs()}
	r.Title, r.Summary, r.Body = x.str(), x.str(), x.str()
	r.Visibility = graph.Visibility(x.str())
	return r, x.done()
}

// decodeRevisionV3 reads a schema 3 revision, which recorded no
// visibility, for the migration only.
func decodeRevisionV3(docID string, version int, b []byte) (*graph.Revision, error) {
	x := newDec(b)
	r := &graph.Revision{DocumentID: docID, Version: version, AuthorID: x.str(), At: x.time(), Changed: x.strs()}
	r.Title, r.Summary, r.Body = x.str(), x.str(), x.str()
	return r, x.done()
}

func encodeDeclaration(d *graph.Declaration) []byte {
	e := newEnc()
	e.str(string(d.Visibility))
	e.time(d.DeclaredAt)
	return e.b
}

func decodeDeclaration(contributor, dimension, value string, b []byte) (graph.Declaration, error) {
	x := newDec(b)
	d := graph.Declaration{ContributorID: contributor, Dimension: dimension, Value: value}
	d.Visibility = graph.DeclarationVisibility(x.str())
	d.DeclaredAt = x.time()
	return d, x.done()
}

func encodeChange(c *graph.Change) []byte {
	e := newEnc()
	e.time(c.At)
	e.str(string(c.Op))
	e.str(string(c.Kind))
	e.str(c.ID)
	e.str(string(c.Relation))
	e.str(c.OtherID)
	return e.b
}

func decodeChange(seq uint64, b []byte) (graph.Change, error) {
	x := newDec(b)
	c := graph.Change{Seq: seq, At: x.time(), Op: graph.ChangeOp(x.str()), Kind: graph.Kind(x.str()), ID: x.str()}
	c.Relation, c.OtherID = graph.Relation(x.str()), x.str()
	return c, x.done()
}
