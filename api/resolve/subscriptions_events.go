package resolve

import (
	"context"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/live"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// The three streams. Each subscription follows the broker with a cheap
// match on change ids, then reads what it delivers through the store with
// the subscriber's viewer, at the time of the event: a change to something
// the viewer may not read yields nothing, and something they could read
// that became unreadable yields one UNAVAILABLE event without content.
// Every stream keeps the little it needs to tell ADDED from UPDATED and
// when to say UNAVAILABLE: ids, never content.

func seqString(c graph.Change) string { return strconv.FormatUint(c.Seq, 10) }

// readDocument is the document as the viewer of ctx may read it now, nil
// when they may not (or it is gone, or the id now names another kind).
func (r *Resolver) readDocument(ctx context.Context, id string, kind graph.Kind) (*graph.Document, error) {
	ds, err := r.store.Documents(ctx, []string{id})
	if err != nil || len(ds) != 1 || ds[0] == nil {
		return nil, err
	}
	if kind != "" && ds[0].Kind != kind {
		return nil, nil
	}
	return ds[0], nil
}

// otherEndReadable reports whether the viewer may read the end of a link
// change that is not self: a link to a document they may not read is not
// theirs to hear of. The other ends that are not documents (contributors,
// carnets, communities, knowledge bases) are public.
func (r *Resolver) otherEndReadable(ctx context.Context, c graph.Change, self string) (bool, error) {
	other, otherIsDoc := c.OtherID, false
	if c.ID == self {
		switch c.Relation {
		case graph.RelLinksTo, graph.RelMentions, graph.RelConcerns, graph.RelBroader, graph.RelRelated:
			otherIsDoc = true
		}
	} else {
		other, otherIsDoc = c.ID, c.Kind.IsDocument()
	}
	if !otherIsDoc {
		return true, nil
	}
	d, err := r.readDocument(ctx, other, "")
	return d != nil, err
}

func linkKind(op graph.ChangeOp) model.ChangeKind {
	switch op {
	case graph.OpLink:
		return model.ChangeKindLinked
	case graph.OpUnlink:
		return model.ChangeKindUnlinked
	}
	return model.ChangeKindUpdated
}

func (r *Resolver) documentChanged(ctx context.Context, gid string) (<-chan *model.DocumentChange, error) {
	lc, err := live.ConnFrom(ctx)
	if err != nil {
		return nil, err
	}
	kind, id, err := parseIDOf(gid, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	gid = GlobalID(kind, id)
	visible := false
	start := func(ctx context.Context) error {
		d, err := r.readDocument(ctx, id, kind)
		if err != nil {
			return err
		}
		if d == nil {
			return graph.Errorf(graph.ENOTFOUND, "no %s with id %q", kind, request.Clip(gid, 80))
		}
		visible = true
		return nil
	}
	// A comment written beside the document is commentAdded's, not a
	// change of the document.
	match := func(c graph.Change) bool { return c.Op != graph.OpComment && (c.ID == id || c.OtherID == id) }
	handle := func(ctx context.Context, c graph.Change) ([]*model.DocumentChange, error) {
		d, err := r.readDocument(ctx, id, kind)
		if err != nil {
			return nil, err
		}
		if d == nil {
			if !visible {
				return nil, nil
			}
			visible = false
			return []*model.DocumentChange{{Kind: model.ChangeKindUnavailable, Seq: seqString(c), DocumentID: gid}}, nil
		}
		ev := model.ChangeKindUpdated
		if c.Relation != "" {
			ok, err := r.otherEndReadable(ctx, c, id)
			if err != nil {
				return nil, err
			}
			if ok {
				ev = linkKind(c.Op)
			} else if visible {
				return nil, nil
			}
		}
		visible = true
		return []*model.DocumentChange{{Kind: ev, Seq: seqString(c), DocumentID: gid, Document: model.WrapDocument(d)}}, nil
	}
	return live.Stream(ctx, lc, match, start, handle)
}

func (r *Resolver) carnetChanged(ctx context.Context, gid string) (<-chan *model.CarnetChange, error) {
	lc, err := live.ConnFrom(ctx)
	if err != nil {
		return nil, err
	}
	_, id, err := parseIDOf(gid, graph.KindCarnet)
	if err != nil {
		return nil, err
	}
	cs := &carnetStream{r: r, id: id, gid: GlobalID(graph.KindCarnet, id), seen: map[string]bool{}, filed: &idSet{ids: map[string]bool{}}}
	return live.Stream(ctx, lc, cs.match, cs.start, cs.handle)
}

// carnetStream is one carnetChanged subscription: what it knows of the
// carnet's documents between two events.
type carnetStream struct {
	r       *Resolver
	id, gid string
	// seen holds the documents of the carnet the subscriber could read at
	// its last event about them.
	seen map[string]bool
	// gone is set once the carnet was reported UNAVAILABLE.
	gone bool
	// filed is what match knows of the carnet's documents, readable or
	// not: an update elsewhere in the store is dropped before anything is
	// read. It only filters; what is delivered is read with the viewer.
	filed *idSet
}

func (s *carnetStream) start(ctx context.Context) error {
	store := s.r.store
	if _, err := store.Carnets().Get(ctx, s.id); err != nil {
		if graph.ErrorCode(err) == graph.ENOTFOUND {
			return graph.Errorf(graph.ENOTFOUND, "no carnet with id %q", request.Clip(s.gid, 80))
		}
		return err
	}
	// As the system: a document the subscriber may not read yet can
	// become readable by an update, which must then be matched. The
	// ids never leave this stream.
	all, err := store.Links(graph.SystemContext(ctx), []string{s.id}, graph.RelInCarnet, graph.In)
	if err != nil {
		return err
	}
	for _, l := range all[s.id] {
		// Added to what match has recorded since Subscribe, never
		// replacing it: a stale id costs a read, a missing one an event.
		s.filed.add(l.From)
	}
	links, err := store.Links(ctx, []string{s.id}, graph.RelInCarnet, graph.In)
	if err != nil {
		return err
	}
	for _, l := range links[s.id] {
		s.seen[l.From] = true
	}
	return nil
}

// match runs in sequence order as the broker fans changes out, ahead of
// handle: it keeps filed up to date from the carnet's own link changes,
// so that an update that follows a filing is matched.
func (s *carnetStream) match(c graph.Change) bool {
	switch {
	case c.Relation == graph.RelInCarnet && c.OtherID == s.id:
		if c.Op == graph.OpUnlink {
			s.filed.remove(c.ID)
		} else {
			s.filed.add(c.ID)
		}
		return true
	case c.ID == s.id || c.OtherID == s.id:
		return true
	case c.Op == graph.OpUpdate && c.Kind.IsDocument():
		return s.filed.has(c.ID)
	case c.Op == graph.OpDelete:
		s.filed.remove(c.ID)
	}
	return false
}

func (s *carnetStream) carnet(ctx context.Context) (*graph.Carnet, error) {
	cs, err := s.r.store.Carnets().GetMany(ctx, []string{s.id})
	if err != nil || len(cs) != 1 {
		return nil, err
	}
	return cs[0], nil
}

func (s *carnetStream) event(ctx context.Context, c graph.Change, kind model.ChangeKind, docID string, d *graph.Document) ([]*model.CarnetChange, error) {
	cr, err := s.carnet(ctx)
	if err != nil {
		return nil, err
	}
	ev := &model.CarnetChange{Kind: kind, Seq: seqString(c), CarnetID: s.gid, Carnet: cr}
	if docID != "" {
		dgid := GlobalID(c.Kind, docID)
		if d != nil {
			dgid = GlobalID(d.Kind, d.ID)
		}
		ev.DocumentID, ev.Document = &dgid, model.WrapDocument(d)
	}
	return []*model.CarnetChange{ev}, nil
}

func (s *carnetStream) handle(ctx context.Context, c graph.Change) ([]*model.CarnetChange, error) {
	switch {
	case c.ID == s.id: // the carnet itself, or one of its own links
		cr, err := s.carnet(ctx)
		if err != nil {
			return nil, err
		}
		if cr == nil {
			if s.gone {
				return nil, nil
			}
			s.gone = true
			return s.event(ctx, c, model.ChangeKindUnavailable, "", nil)
		}
		s.gone = false
		return s.event(ctx, c, linkKind(c.Op), "", nil)

	case c.Relation == graph.RelInCarnet && c.OtherID == s.id:
		doc := c.ID
		d, err := s.r.readDocument(ctx, doc, "")
		if err != nil {
			return nil, err
		}
		if c.Op == graph.OpUnlink {
			if !s.seen[doc] {
				return nil, nil
			}
			delete(s.seen, doc)
			return s.event(ctx, c, model.ChangeKindRemoved, doc, d)
		}
		return s.member(ctx, c, doc, d)

	case c.Kind.IsDocument() && c.Op == graph.OpUpdate:
		doc := c.ID
		links, err := s.r.store.Links(ctx, []string{doc}, graph.RelInCarnet, graph.Out)
		if err != nil {
			return nil, err
		}
		in := false
		for _, l := range links[doc] {
			in = in || l.To == s.id
		}
		d, err := s.r.readDocument(ctx, doc, "")
		if err != nil {
			return nil, err
		}
		if in {
			return s.member(ctx, c, doc, d)
		}
		if !s.seen[doc] {
			return nil, nil
		}
		delete(s.seen, doc)
		if d != nil {
			// Still readable, no longer filed here: its UNLINK is
			// further down the sequence and will find it gone.
			return s.event(ctx, c, model.ChangeKindRemoved, doc, d)
		}
		return s.event(ctx, c, model.ChangeKindUnavailable, doc, nil)
	}
	return nil, nil
}

// member is the event of a document filed in the carnet: ADDED the first
// time the subscriber may read it there, UPDATED after, UNAVAILABLE once
// when they no longer may.
func (s *carnetStream) member(ctx context.Context, c graph.Change, doc string, d *graph.Document) ([]*model.CarnetChange, error) {
	if d == nil {
		if !s.seen[doc] {
			return nil, nil
		}
		delete(s.seen, doc)
		return s.event(ctx, c, model.ChangeKindUnavailable, doc, nil)
	}
	kind := model.ChangeKindUpdated
	if !s.seen[doc] {
		kind = model.ChangeKindAdded
	}
	s.seen[doc] = true
	return s.event(ctx, c, kind, doc, d)
}

// maxOpenFlags bounds the open flags a moderation stream loads when it
// starts; the queue is short (flags wait for a curator), this is a guard.
const maxOpenFlags = 10_000

func (r *Resolver) moderationQueueChanged(ctx context.Context) (<-chan *model.ModerationChange, error) {
	lc, err := live.ConnFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := graph.RequireCuratorTo(graph.ViewerFrom(ctx), "follow the moderation queue"); err != nil {
		return nil, err
	}
	// open maps each open flag the stream knows of to its document;
	// resolved holds the flags it reported resolved, until the changes it
	// reads are newer than their resolution (then they cannot come again).
	open := map[string]string{}
	resolved := map[string]time.Time{}
	flagsOf := func(ctx context.Context, f graph.FlagFilter, limit int) ([]*graph.Flag, error) {
		var out []*graph.Flag
		p := graph.Page{First: graph.MaxFirst}
		for len(out) < limit {
			c, err := r.store.Flags(ctx, f, p)
			if err != nil {
				return nil, err
			}
			out = append(out, c.Nodes()...)
			if !c.PageInfo.HasNextPage {
				break
			}
			p.After = c.PageInfo.EndCursor
		}
		return out, nil
	}
	start := func(ctx context.Context) error {
		flags, err := flagsOf(ctx, graph.FlagFilter{Status: graph.FlagOpen}, maxOpenFlags)
		for _, f := range flags {
			open[f.ID] = f.DocumentID
		}
		return err
	}
	match := func(c graph.Change) bool {
		// Flags on comments come as COMMENT changes of their document.
		return c.Kind.IsDocument() && (c.Op == graph.OpUpdate || c.Op == graph.OpDelete || c.Op == graph.OpComment)
	}
	handle := func(ctx context.Context, c graph.Change) ([]*model.ModerationChange, error) {
		flags, err := r.flagReads.get(ctx, c.Seq, func(ctx context.Context) ([]*graph.Flag, error) {
			return flagsOf(ctx, graph.FlagFilter{DocumentID: c.ID}, maxOpenFlags)
		})
		if err != nil {
			return nil, err
		}
		var out []*model.ModerationChange
		emit := func(kind model.ChangeKind, flagID string, f *graph.Flag) {
			out = append(out, &model.ModerationChange{Kind: kind, Seq: seqString(c), FlagID: flagID, Flag: f, DocumentID: GlobalID(c.Kind, c.ID)})
		}
		for fid, at := range resolved {
			if at.Before(c.At) {
				delete(resolved, fid)
			}
		}
		now := map[string]bool{}
		// Oldest first, as they happened.
		for i := len(flags) - 1; i >= 0; i-- {
			f := flags[i]
			now[f.ID] = true
			_, known := open[f.ID]
			switch {
			case f.Status == graph.FlagOpen:
				if !known {
					emit(model.ChangeKindFlagged, f.ID, f)
				}
				open[f.ID] = c.ID
			case known:
				emit(model.ChangeKindResolved, f.ID, f)
				delete(open, f.ID)
				if f.ResolvedAt != nil {
					resolved[f.ID] = *f.ResolvedAt
				}
			case f.ResolvedAt != nil && !f.ResolvedAt.Before(c.At):
				// Raised and resolved since the stream last looked (a
				// resolution older than this change is history), and
				// not reported yet.
				if _, done := resolved[f.ID]; !done {
					emit(model.ChangeKindResolved, f.ID, f)
					resolved[f.ID] = *f.ResolvedAt
				}
			}
		}
		for fid, doc := range open {
			if doc == c.ID && !now[fid] {
				emit(model.ChangeKindRemoved, fid, nil)
				delete(open, fid)
			}
		}
		return out, nil
	}
	return live.Stream(ctx, lc, match, start, handle)
}

// idSet is a set of ids shared by a stream's match, which runs on the
// broker's goroutine, and its start.
type idSet struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (s *idSet) add(id string) {
	s.mu.Lock()
	s.ids[id] = true
	s.mu.Unlock()
}

func (s *idSet) remove(id string) {
	s.mu.Lock()
	delete(s.ids, id)
	s.mu.Unlock()
}

func (s *idSet) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[id]
}

// flagReads shares the flags of a changed document among the moderation
// streams: the change record cannot tell a flag from an edit (both are an
// UPDATE of the document), so every stream must look at each document
// update, but one read serves them all. Only curators and admins follow
// the queue, and the store shows them all the same flags; any read made
// after the change is one the stream could have made itself.
type flagReads struct {
	mu    sync.Mutex
	reads map[uint64]*flagRead
}

type flagRead struct {
	mu    sync.Mutex
	done  bool
	flags []*graph.Flag
}

// maxFlagReads bounds the changes whose flags are kept: streams read
// within a few changes of each other, and a miss only costs a read.
const maxFlagReads = 256

// get returns the flags read for change seq, reading them with read when
// no stream has yet. A failed read is not shared: each stream tries its
// own.
func (fr *flagReads) get(ctx context.Context, seq uint64, read func(context.Context) ([]*graph.Flag, error)) ([]*graph.Flag, error) {
	fr.mu.Lock()
	if fr.reads == nil {
		fr.reads = map[uint64]*flagRead{}
	}
	e := fr.reads[seq]
	if e == nil {
		if len(fr.reads) >= maxFlagReads {
			oldest := uint64(math.MaxUint64)
			for s := range fr.reads {
				oldest = min(oldest, s)
			}
			delete(fr.reads, oldest)
		}
		e = &flagRead{}
		fr.reads[seq] = e
	}
	fr.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return e.flags, nil
	}
	flags, err := read(ctx)
	if err == nil {
		e.flags, e.done = flags, true
	}
	return flags, err
}
