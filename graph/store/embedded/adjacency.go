package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// The adjacency index keeps graph walks cheap around hubs with tens of
// thousands of links. For every node and every relation and direction of
// its links, bDegrees holds two counts: all of those links, and those whose
// other end every viewer may read ("open": a node that is not a document,
// or a document whose head says PUBLIC — a hidden one's says PRIVATE). The
// other links, whose far end only some viewers may read, are listed in
// bShut, in the same order as bOut and bIn list links, with that end's
// kind and effective visibility (PRIVATE or COMMUNITY), so that deciding
// whether a viewer may read it seldom needs its head.
//
// A node's visible degree is then one Get per relation for anonymous
// readers and for those who see everything, plus a scan of its shut links
// (with the usual visibility decision for each) for a signed-in
// contributor. A walk tells visible links from the others by merging the
// link scan with the shut scan, both in key order, instead of reading
// every neighbour's head; and it can stop after the first few.
//
// The index follows every write: putLink and deleteLink count the link at
// both ends, and putDocument moves a document in or out of its neighbours'
// shut lists when its head turns PUBLIC or stops being PUBLIC. Files from
// before schema 3 get the index built when they are opened (migrate).

var (
	bDegrees = []byte("degrees") // id\x00REL\x00D (D: dirOut or dirIn) → total, open (uint32 each, big-endian)
	bShut    = []byte("shut")    // id\x00D\x00REL\x00other → the other end's kind \x00 visibility
)

// Directions as the index spells them.
const (
	dirOut byte = 'o'
	dirIn  byte = 'i'
)

func degreeKey(id string, rel graph.Relation, d byte) []byte {
	b := make([]byte, 0, len(id)+len(rel)+3)
	b = append(b, id...)
	b = append(b, 0)
	b = append(b, rel...)
	return append(b, 0, d)
}

// shutPrefix selects id's shut links in direction d, of relation rel or of
// all relations when rel is empty.
func shutPrefix(id string, d byte, rel graph.Relation) []byte {
	b := make([]byte, 0, len(id)+len(rel)+4)
	b = append(b, id...)
	b = append(b, 0, d, 0)
	if rel != "" {
		b = append(b, rel...)
		b = append(b, 0)
	}
	return b
}

func shutKey(id string, d byte, rel graph.Relation, other string) []byte {
	return append(shutPrefix(id, d, rel), other...)
}

func readDegree(v []byte) (total, open uint32) {
	if len(v) != 8 {
		return 0, 0
	}
	return binary.BigEndian.Uint32(v), binary.BigEndian.Uint32(v[4:])
}

// kindOf returns the Kind constant spelled by b without allocating.
func kindOf(b []byte) graph.Kind {
	for _, k := range graph.Kinds {
		if string(b) == string(k) {
			return k
		}
	}
	return graph.Kind(b)
}

// endVisibility returns the visibility the head of node id of kind k
// records (PRIVATE while hidden), "" for a node that is not a document or
// has no head yet. A node is open when it is not a document or PUBLIC.
func (r *reader) endVisibility(id string, k graph.Kind) (graph.Visibility, error) {
	if !k.IsDocument() {
		return "", nil
	}
	b := r.headsOf(k).Get([]byte(id))
	if b == nil {
		return "", nil
	}
	h, err := readHead(b)
	if err != nil {
		return "", fmt.Errorf("head of %s: %w", id, err)
	}
	return visibilityOf(h.visibility), nil
}

func open(k graph.Kind, vis graph.Visibility) bool {
	return !k.IsDocument() || vis == graph.VisibilityPublic
}

// shutValue is a shut link's value: the other end's kind and visibility.
func shutValue(k graph.Kind, vis graph.Visibility) []byte {
	return []byte(string(k) + "\x00" + string(vis))
}

// readShut decodes a shut value; the visibility is "" in the first
// values schema 3 wrote, which held the kind alone.
func readShut(v []byte) (graph.Kind, graph.Visibility) {
	if i := bytes.IndexByte(v, 0); i >= 0 {
		return kindOf(v[:i]), visibilityOf(v[i+1:])
	}
	return kindOf(v), ""
}

// visibilityOf returns the Visibility constant spelled by b without
// allocating.
func visibilityOf(b []byte) graph.Visibility {
	for _, v := range []graph.Visibility{graph.VisibilityPublic, graph.VisibilityCommunity, graph.VisibilityPrivate} {
		if string(b) == string(v) {
			return v
		}
	}
	return graph.Visibility(b)
}

// countLink adds (delta 1) or removes (delta -1) link l in the index, at
// both ends. Both ends must still be stored.
func (w *writer) countLink(l *graph.Link, delta int) error {
	fromVis, err := w.endVisibility(l.From, l.FromKind)
	if err != nil {
		return err
	}
	toVis, err := w.endVisibility(l.To, l.ToKind)
	if err != nil {
		return err
	}
	if err := w.countEnd(l.From, l.Relation, dirOut, l.To, l.ToKind, toVis, delta); err != nil {
		return err
	}
	return w.countEnd(l.To, l.Relation, dirIn, l.From, l.FromKind, fromVis, delta)
}

func (w *writer) countEnd(id string, rel graph.Relation, d byte, other string, otherKind graph.Kind, vis graph.Visibility, delta int) error {
	isOpen := open(otherKind, vis)
	if err := w.bumpDegree(id, rel, d, delta, isOpen); err != nil {
		return err
	}
	if isOpen {
		return nil
	}
	shut := w.tx.Bucket(bShut)
	if delta > 0 {
		return shut.Put(shutKey(id, d, rel, other), shutValue(otherKind, vis))
	}
	return shut.Delete(shutKey(id, d, rel, other))
}

// bumpDegree changes the total by delta, and the open count too when open.
func (w *writer) bumpDegree(id string, rel graph.Relation, d byte, delta int, open bool) error {
	b := w.tx.Bucket(bDegrees)
	key := degreeKey(id, rel, d)
	total, nOpen := readDegree(b.Get(key))
	t, o := int64(total)+int64(delta), int64(nOpen)
	if open {
		o += int64(delta)
	}
	if t < 0 || o < 0 || o > t {
		return fmt.Errorf("adjacency index of %s %s: counts %d/%d after a change of %d: %w", id, rel, o, t, delta, errBadRecord)
	}
	if t == 0 {
		return b.Delete(key)
	}
	v := make([]byte, 8)
	binary.BigEndian.PutUint32(v, uint32(t))
	binary.BigEndian.PutUint32(v[4:], uint32(o))
	return b.Put(key, v)
}

// revisit updates document id's neighbours once its head's visibility
// changed from was to is: their open counts when it turned open or shut,
// their shut lists (which record the visibility) in every case.
func (w *writer) revisit(id string, kind graph.Kind, was, is graph.Visibility) error {
	wasOpen, isOpen := open(kind, was), open(kind, is)
	delta := 0
	switch {
	case isOpen && !wasOpen:
		delta = 1
	case wasOpen && !isOpen:
		delta = -1
	}
	type end struct {
		rel   graph.Relation
		other string
		d     byte // the direction of the link as the other end sees it
	}
	var ends []end
	for _, side := range []struct {
		b      *bbolt.Bucket
		theirs byte
	}{{w.out, dirIn}, {w.in, dirOut}} {
		err := scanLinks(side.b, id, "", func(rel, other, _ []byte) error {
			ends = append(ends, end{relationOf(rel), string(other), side.theirs})
			return nil
		})
		if err != nil {
			return err
		}
	}
	shut := w.tx.Bucket(bShut)
	for _, e := range ends {
		if delta != 0 {
			b := w.tx.Bucket(bDegrees)
			key := degreeKey(e.other, e.rel, e.d)
			total, nOpen := readDegree(b.Get(key))
			o := int64(nOpen) + int64(delta)
			if o < 0 || o > int64(total) {
				return fmt.Errorf("adjacency index of %s %s: %d open of %d: %w", e.other, e.rel, o, total, errBadRecord)
			}
			v := make([]byte, 8)
			binary.BigEndian.PutUint32(v, total)
			binary.BigEndian.PutUint32(v[4:], uint32(o))
			if err := b.Put(key, v); err != nil {
				return err
			}
		}
		sk := shutKey(e.other, e.d, e.rel, id)
		var err error
		if isOpen {
			err = shut.Delete(sk)
		} else {
			err = shut.Put(sk, shutValue(kind, is))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// buildAdjacencyIndex fills an empty index from the stored links (files
// written before schema 3). It counts in memory and writes each bucket in
// key order: a million random puts in one bbolt transaction would split
// pages without end.
func buildAdjacencyIndex(tx *bbolt.Tx) error {
	r := newReader(context.Background(), tx, graph.Viewer{Role: graph.RoleSystem})
	type counts struct{ total, open uint32 }
	degrees := map[string]*counts{}
	shut := map[string][]byte{}
	vis := map[string]graph.Visibility{}
	end := func(id string, rel graph.Relation, d byte, other string, otherKind graph.Kind) error {
		v, seen := vis[other]
		if !seen {
			var err error
			if v, err = r.endVisibility(other, otherKind); err != nil {
				return err
			}
			vis[other] = v
		}
		key := string(degreeKey(id, rel, d))
		c := degrees[key]
		if c == nil {
			c = &counts{}
			degrees[key] = c
		}
		c.total++
		if open(otherKind, v) {
			c.open++
		} else {
			shut[string(shutKey(id, d, rel, other))] = shutValue(otherKind, v)
		}
		return nil
	}
	c := r.out.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		parts := bytes.SplitN(k, []byte{0}, 3)
		if len(parts) != 3 {
			return fmt.Errorf("link key %q: %w", k, errBadRecord)
		}
		fromKind, toKind, _, err := readLinkEnds(v)
		if err != nil {
			return fmt.Errorf("link key %q: %w", k, err)
		}
		from, rel, to := string(parts[0]), relationOf(parts[1]), string(parts[2])
		if err := end(from, rel, dirOut, to, kindOf(toKind)); err != nil {
			return err
		}
		if err := end(to, rel, dirIn, from, kindOf(fromKind)); err != nil {
			return err
		}
	}
	b := tx.Bucket(bDegrees)
	b.FillPercent = 1 // written in order, never split again by this load
	for _, key := range slices.Sorted(maps.Keys(degrees)) {
		v := make([]byte, 8)
		binary.BigEndian.PutUint32(v, degrees[key].total)
		binary.BigEndian.PutUint32(v[4:], degrees[key].open)
		if err := b.Put([]byte(key), v); err != nil {
			return err
		}
	}
	b = tx.Bucket(bShut)
	b.FillPercent = 1
	for _, key := range slices.Sorted(maps.Keys(shut)) {
		if err := b.Put([]byte(key), shut[key]); err != nil {
			return err
		}
	}
	return nil
}

// adjQuery is a checked graph.AdjacencyQuery.
type adjQuery struct {
	rels    []graph.Relation // by name; nil for every relation
	dirs    []byte
	limit   int
	among   map[string]bool // nil: every other end
	amongs  []string        // among's ids in a set order
	degrees bool
	// Filled as the call goes: the kinds of the readable ids of among,
	// and the relations that may join two kinds.
	amongKinds map[string]graph.Kind
	joins      map[[2]graph.Kind][]graph.Relation
}

func checkAdjacencyQuery(q graph.AdjacencyQuery) (*adjQuery, error) {
	aq := &adjQuery{limit: q.Limit, degrees: q.Degrees}
	for _, rel := range q.Relations {
		if err := validRelation(rel); err != nil {
			return nil, err
		}
		if !slices.Contains(aq.rels, rel) {
			aq.rels = append(aq.rels, rel)
		}
	}
	slices.Sort(aq.rels)
	switch q.Direction {
	case graph.Out:
		aq.dirs = []byte{dirOut}
	case graph.In:
		aq.dirs = []byte{dirIn}
	case graph.Both:
		aq.dirs = []byte{dirOut, dirIn}
	default:
		return nil, graph.Errorf(graph.EINVALID, "direction must be OUT, IN or BOTH")
	}
	if q.Among != nil {
		aq.among = make(map[string]bool, len(q.Among))
		for _, id := range q.Among {
			if !aq.among[id] {
				aq.among[id] = true
				aq.amongs = append(aq.amongs, id)
			}
		}
	}
	return aq, nil
}

// scanRels returns the relations to scan one by one: rels, or one pass over
// all of them (the empty relation) when nil.
func (q *adjQuery) scanRels() []graph.Relation {
	if q.rels == nil {
		return []graph.Relation{""}
	}
	return q.rels
}

// Adjacency implements graph.LinkStore.
func (s *Store) Adjacency(ctx context.Context, ids []string, q graph.AdjacencyQuery) (map[string]graph.Adjacent, error) {
	aq, err := checkAdjacencyQuery(q)
	if err != nil {
		return nil, err
	}
	out := map[string]graph.Adjacent{}
	err = s.view(ctx, func(r *reader) error {
		done := map[string]bool{}
		for _, id := range ids {
			if done[id] {
				continue
			}
			done[id] = true
			k, err := r.visibleKind(id)
			if err != nil {
				return err
			}
			if k == "" {
				continue
			}
			a, err := r.adjacency(id, k, aq)
			if err != nil {
				return err
			}
			hideStoredPositions(r.v, a.Links)
			if len(a.Links) > 0 || a.Degree > 0 {
				out[id] = a
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// hideStoredPositions zeroes the carnet positions of ls (graph.Adjacent):
// walks never show them, and ranking them would cost each walk a scan of
// every carnet it meets.
func hideStoredPositions(v graph.Viewer, ls []graph.Link) {
	if v.SeesStoredPositions() {
		return
	}
	for i := range ls {
		ls[i].Position = 0
	}
}

// adjacency answers q for readable node id of kind k.
func (r *reader) adjacency(id string, k graph.Kind, q *adjQuery) (graph.Adjacent, error) {
	var a graph.Adjacent
	stored, visible, err := r.degrees(id, q)
	if err != nil {
		return a, err
	}
	if q.degrees {
		a.Degree = visible
	}
	if q.limit == 0 || stored == 0 {
		return a, nil
	}
	if q.among != nil && len(q.amongs)*len(q.dirs)*len(q.candidates()) < stored {
		a.Links, err = r.linksAmong(id, k, q)
		return a, err
	}
	for _, d := range q.dirs {
		for _, rel := range q.scanRels() {
			err := r.scanVisible(id, d, rel, func(rel graph.Relation, other []byte, v []byte) (bool, error) {
				if q.among != nil && !q.among[string(other)] {
					return true, nil
				}
				l, err := decodeAdjacent(id, d, rel, other, v)
				if err != nil {
					return false, err
				}
				a.Links = append(a.Links, l)
				return q.limit < 0 || len(a.Links) < q.limit, nil
			})
			if err != nil {
				return a, err
			}
			if q.limit > 0 && len(a.Links) >= q.limit {
				return a, nil
			}
		}
	}
	return a, nil
}

// candidates is the relations a lookup by pair must try.
func (q *adjQuery) candidates() []graph.Relation {
	if q.rels == nil {
		return graph.Relations
	}
	return q.rels
}

// degrees returns how many links of id q selects are stored, and how many
// of them the viewer may see.
func (r *reader) degrees(id string, q *adjQuery) (stored, visible int, err error) {
	b := r.tx.Bucket(bDegrees)
	count := func(v []byte) {
		total, open := readDegree(v)
		stored += int(total)
		if r.v.SeesEverything() {
			visible += int(total)
		} else {
			visible += int(open)
		}
	}
	for _, d := range q.dirs {
		if q.rels == nil {
			prefix := idPrefix(id)
			c := b.Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				if k[len(k)-1] == d {
					count(v)
				}
			}
		} else {
			for _, rel := range q.rels {
				count(b.Get(degreeKey(id, rel, d)))
			}
		}
	}
	if !q.degrees || r.v.SeesEverything() || r.v.ContributorID == "" {
		return stored, visible, nil
	}
	// A contributor may read some shut ends too: theirs, and their
	// communities'.
	shut := r.tx.Bucket(bShut)
	for _, d := range q.dirs {
		for _, rel := range q.scanRels() {
			prefix := shutPrefix(id, d, rel)
			c := shut.Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				other, err := shutOther(id, k)
				if err != nil {
					return 0, 0, err
				}
				k, vis := readShut(v)
				ok, err := r.canReadShut(other, k, vis)
				if err != nil {
					return 0, 0, err
				}
				if ok {
					visible++
				}
			}
		}
	}
	return stored, visible, nil
}

// canReadShut decides for a signed-in contributor whether they may read
// a shut end, from the visibility its shut entry records: a PRIVATE one
// only when they wrote it, found in the set of their documents rather
// than by a lookup per end. A COMMUNITY one (or an entry without a
// visibility) takes the usual decision.
func (r *reader) canReadShut(id []byte, k graph.Kind, vis graph.Visibility) (bool, error) {
	if vis == graph.VisibilityPrivate {
		if mine := r.myDocuments(); mine != nil {
			return mine[string(id)], nil
		}
	}
	return r.canRead(string(id), k)
}

// maxMine bounds the set myDocuments loads: past it, lookups per end
// cost less than reading the set.
const maxMine = 4096

// myDocuments returns the set of documents the viewer AUTHORED, or nil
// when they wrote more than maxMine, loaded once per transaction.
func (r *reader) myDocuments() map[string]bool {
	if r.mine == nil && !r.mineTooMany {
		me := r.v.ContributorID
		mine := map[string]bool{}
		prefix := linkPrefix(me, graph.RelAuthored)
		c := r.out.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(mine) == maxMine {
				r.mineTooMany = true
				return nil
			}
			mine[string(k[len(prefix):])] = true
		}
		r.mine = mine
	}
	return r.mine
}

// shutOther returns the other end named by a shut key of id.
func shutOther(id string, k []byte) ([]byte, error) {
	rest := k[len(id)+3:]
	sep := bytes.IndexByte(rest, 0)
	if sep < 0 {
		return nil, fmt.Errorf("shut key %q: %w", k, errBadRecord)
	}
	return rest[sep+1:], nil
}

// scanVisible calls fn, in key order, for each of id's links of relation
// rel (every relation when empty) in direction d whose other end the
// viewer may read, until fn returns false. The link scan is merged with
// the shut scan, so that only shut ends cost a visibility decision.
func (r *reader) scanVisible(id string, d byte, rel graph.Relation, fn func(rel graph.Relation, other, v []byte) (bool, error)) error {
	b := r.out
	if d == dirIn {
		b = r.in
	}
	all, signedIn := r.v.SeesEverything(), r.v.ContributorID != ""
	var sc *bbolt.Cursor
	var sk, sv []byte
	sp := shutPrefix(id, d, rel)
	if !all {
		sc = r.tx.Bucket(bShut).Cursor()
		if sk, sv = sc.Seek(sp); sk != nil && !bytes.HasPrefix(sk, sp) {
			sk = nil
		}
	}
	prefix := linkPrefix(id, rel)
	skip := len(id) + 3 // a shut key's id\x00D\x00
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		tail := k[len(id)+1:] // REL\x00other, as in a shut key after its prefix
		sep := bytes.IndexByte(tail, 0)
		if sep < 0 {
			return fmt.Errorf("link key %q: %w", k, errBadRecord)
		}
		other := tail[sep+1:]
		if !all {
			for sk != nil && bytes.Compare(sk[skip:], tail) < 0 {
				if sk, sv = sc.Next(); sk != nil && !bytes.HasPrefix(sk, sp) {
					sk = nil
				}
			}
			if sk != nil && bytes.Equal(sk[skip:], tail) {
				if !signedIn {
					continue
				}
				k, vis := readShut(sv)
				ok, err := r.canReadShut(other, k, vis)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
		}
		more, err := fn(relationOf(tail[:sep]), other, v)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// relationOf returns the Relation constant spelled by b without allocating.
func relationOf(b []byte) graph.Relation {
	for _, rel := range graph.Relations {
		if string(b) == string(rel) {
			return rel
		}
	}
	return graph.Relation(b)
}

// decodeAdjacent decodes one of id's links in direction d, its kinds
// shared with the graph package's constants rather than allocated anew.
func decodeAdjacent(id string, d byte, rel graph.Relation, other, v []byte) (graph.Link, error) {
	from, to := id, string(other)
	if d == dirIn {
		from, to = to, from
	}
	x := newDec(v)
	l := graph.Link{Relation: rel, From: from, To: to}
	l.FromKind, l.ToKind = kindOf(x.raw()), kindOf(x.raw())
	l.Role, l.Category = x.str(), x.str()
	l.Position = int(x.int())
	l.CreatedAt = x.time()
	if err := x.done(); err != nil {
		return l, fmt.Errorf("link %s %s %s: %w", from, rel, to, err)
	}
	return l, nil
}

// linksAmong finds id's links to q.among by looking each pair up, which
// beats scanning a hub's links when the set is small.
func (r *reader) linksAmong(id string, k graph.Kind, q *adjQuery) ([]graph.Link, error) {
	if q.amongKinds == nil {
		// Once per call: the kind of each readable id of the set.
		q.amongKinds = make(map[string]graph.Kind, len(q.amongs))
		for _, o := range q.amongs {
			ok := r.kind(o)
			if ok == "" {
				continue
			}
			if readable, err := r.canRead(o, ok); err != nil {
				return nil, err
			} else if readable {
				q.amongKinds[o] = ok
			}
		}
	}
	type found struct {
		d    byte
		link graph.Link
	}
	var fs []found
	for _, o := range q.amongs {
		ok := q.amongKinds[o]
		if ok == "" || o == id {
			continue
		}
		for _, d := range q.dirs {
			b, from, to := r.out, k, ok
			if d == dirIn {
				b, from, to = r.in, ok, k
			}
			for _, rel := range q.between(from, to) {
				v := b.Get(linkKey(id, rel, o))
				if v == nil {
					continue
				}
				l, err := decodeAdjacent(id, d, rel, []byte(o), v)
				if err != nil {
					return nil, err
				}
				fs = append(fs, found{d, l})
			}
		}
	}
	slices.SortFunc(fs, func(a, b found) int {
		if a.d != b.d {
			return int(b.d) - int(a.d) // dirOut ('o') before dirIn ('i')
		}
		if a.link.Relation != b.link.Relation {
			return bytes.Compare([]byte(a.link.Relation), []byte(b.link.Relation))
		}
		ao, _ := a.link.Other(id)
		bo, _ := b.link.Other(id)
		return bytes.Compare([]byte(ao), []byte(bo))
	})
	if q.limit >= 0 && len(fs) > q.limit {
		fs = fs[:q.limit]
	}
	out := make([]graph.Link, len(fs))
	for i, f := range fs {
		out[i] = f.link
	}
	return out, nil
}

// between returns the relations of the query that may join a node of
// kind from to one of kind to.
func (q *adjQuery) between(from, to graph.Kind) []graph.Relation {
	key := [2]graph.Kind{from, to}
	if rels, ok := q.joins[key]; ok {
		return rels
	}
	var rels []graph.Relation
	for _, rel := range q.candidates() {
		if joinable[rel][key] {
			rels = append(rels, rel)
		}
	}
	if q.joins == nil {
		q.joins = map[[2]graph.Kind][]graph.Relation{}
	}
	q.joins[key] = rels
	return rels
}

// joinable[rel][from][to] says whether rel may join those kinds.
var joinable = func() map[graph.Relation]map[[2]graph.Kind]bool {
	m := map[graph.Relation]map[[2]graph.Kind]bool{}
	for _, rel := range graph.Relations {
		m[rel] = map[[2]graph.Kind]bool{}
		for _, a := range graph.Kinds {
			for _, b := range graph.Kinds {
				if graph.ValidateLink(graph.Link{Relation: rel, From: "a", To: "b", FromKind: a, ToKind: b}) == nil {
					m[rel][[2]graph.Kind{a, b}] = true
				}
			}
		}
	}
	return m
}()

func joins(rel graph.Relation, from, to graph.Kind) bool {
	return joinable[rel][[2]graph.Kind{from, to}]
}
