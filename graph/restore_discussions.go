package graph

import "strconv"

// The media and discussions of a snapshot, checked as SnapshotPreparer
// checks the rest: what a restore writes must be what a store could
// have written. Kept apart from Prepare so that each kind of record has
// its rule in one place.

// preparedComment is what later records are checked against: a reply
// against its parent, a revision against its comment, a flag against the
// comment it is about.
type preparedComment struct {
	documentID string
	depth      int
	version    int
}

// preparedDiscussions is the part of a SnapshotPreparer's memory that
// media and comments need: ids, never text.
type preparedDiscussions struct {
	comments map[string]preparedComment
	media    map[string]struct{}
}

// copyDiscussions gives out its own copies of in's media and discussions,
// as Prepare does for every other kind.
func copyDiscussions(out *Snapshot, in Snapshot) {
	out.Media = append([]Media(nil), in.Media...)
	out.Comments = append([]Comment(nil), in.Comments...)
	out.CommentRevisions = append([]CommentRevision(nil), in.CommentRevisions...)
}

// prepareDiscussions checks out's media, comments and comment revisions
// against the nodes prepared so far, and readies them to write.
func (p *SnapshotPreparer) prepareDiscussions(out *Snapshot) error {
	d := &p.discussions
	if d.comments == nil {
		d.comments, d.media = map[string]preparedComment{}, map[string]struct{}{}
	}
	for i := range out.Media {
		m := &out.Media[i]
		what := "media " + m.ID
		if err := ValidateID(m.ID); err != nil {
			return invalid("media", err)
		}
		if k := p.kinds[m.ID]; k != "" {
			return Errorf(ECONFLICT, "%s: id %q is already used by a %s", what, m.ID, k)
		}
		if _, dup := d.media[m.ID]; dup {
			return Errorf(ECONFLICT, "%s: given twice", what)
		}
		if err := CheckStoredMedia(m); err != nil {
			return invalid(what, err)
		}
		if m.DocumentID != "" && !p.kinds[m.DocumentID].IsDocument() {
			return Errorf(ENOTFOUND, "%s: no document %q", what, m.DocumentID)
		}
		d.media[m.ID] = struct{}{}
		m.Cues = append([]MediaCue(nil), m.Cues...)
		if len(m.Cues) == 0 {
			m.Cues = nil
		}
		m.CreatedAt = m.CreatedAt.UTC()
	}
	for i := range out.Comments {
		c := &out.Comments[i]
		what := "comment " + c.ID
		if err := ValidateID(c.ID); err != nil {
			return invalid("comment", err)
		}
		if _, dup := d.comments[c.ID]; dup {
			return Errorf(ECONFLICT, "%s: given twice", what)
		}
		kind := p.kinds[c.DocumentID]
		if !kind.IsDocument() {
			return Errorf(ENOTFOUND, "%s: no document %q", what, c.DocumentID)
		}
		if c.DocumentKind != "" && c.DocumentKind != kind {
			return Errorf(EINVALID, "%s: document %q is a %s, not a %s", what, c.DocumentID, kind, c.DocumentKind)
		}
		c.DocumentKind = kind
		if err := CheckStoredComment(c); err != nil {
			return invalid(what, err)
		}
		if c.ParentID != "" {
			parent, ok := d.comments[c.ParentID]
			switch {
			case !ok || parent.documentID != c.DocumentID:
				return Errorf(ENOTFOUND, "%s: it replies to %q, no earlier comment of document %q", what, c.ParentID, c.DocumentID)
			case c.Depth != parent.depth+1:
				return Errorf(EINVALID, "%s: a reply to a comment at depth %d is at depth %d, not %d", what, parent.depth, parent.depth+1, c.Depth)
			}
		}
		d.comments[c.ID] = preparedComment{documentID: c.DocumentID, depth: c.Depth, version: c.Version}
		c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
		c.ReplyCount = 0
	}
	for i := range out.CommentRevisions {
		r := &out.CommentRevisions[i]
		what := "revision " + strconv.Itoa(r.Version) + " of comment " + r.CommentID
		c, ok := d.comments[r.CommentID]
		switch {
		case !ok:
			return Errorf(ENOTFOUND, "%s: no comment %q", what, r.CommentID)
		case r.DocumentID != "" && r.DocumentID != c.documentID:
			return Errorf(EINVALID, "%s: the comment is on document %q, not %q", what, c.documentID, r.DocumentID)
		case r.Version < 1 || r.Version > c.version:
			return Errorf(EINVALID, "%s: the comment is at version %d", what, c.version)
		}
		r.DocumentID = c.documentID
		if err := CheckCommentBody(r.Body); err != nil {
			return invalid(what, err)
		}
		if r.EditorID != "" {
			if err := ValidateID(r.EditorID); err != nil {
				return Errorf(EINVALID, "%s: editor: %s", what, ErrorMessage(err))
			}
		}
		if r.At.IsZero() {
			return Errorf(EINVALID, "%s: no date", what)
		}
		if _, dup := p.seen["crev\x00"+r.CommentID+"\x00"+strconv.Itoa(r.Version)]; dup {
			return Errorf(ECONFLICT, "%s: given twice", what)
		}
		p.seen["crev\x00"+r.CommentID+"\x00"+strconv.Itoa(r.Version)] = struct{}{}
		r.At = r.At.UTC()
	}
	return nil
}

// flagComment checks that a flag about a comment names a comment of its
// document prepared before it.
func (p *SnapshotPreparer) flagComment(f *Flag) error {
	if f.CommentID == "" {
		return nil
	}
	c, ok := p.discussions.comments[f.CommentID]
	if !ok || c.documentID != f.DocumentID {
		return Errorf(ENOTFOUND, "no comment %q of document %q", f.CommentID, f.DocumentID)
	}
	return nil
}

// CheckStoredMedia validates a media record as a store holds it, beyond
// Validate: a creation date, and an uploader id when there is one (it
// may name a contributor deleted since).
func CheckStoredMedia(m *Media) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.CreatedAt.IsZero() {
		return Errorf(EINVALID, "no creation date")
	}
	if m.UploaderID != "" {
		if err := ValidateID(m.UploaderID); err != nil {
			return Errorf(EINVALID, "uploader: %s", ErrorMessage(err))
		}
	}
	return nil
}

// CheckStoredComment validates a comment as a store holds it: an id, a
// version, dates, a depth within MaxCommentDepth (0 exactly for the first
// of a thread), and either a body and an author or, for a deleted
// stand-in, neither. Its document and its parent are the caller's to
// check.
func CheckStoredComment(c *Comment) error {
	if err := ValidateID(c.ID); err != nil {
		return err
	}
	if c.Version < 1 {
		return Errorf(EINVALID, "version must be at least 1, not %d", c.Version)
	}
	if c.CreatedAt.IsZero() || c.UpdatedAt.IsZero() {
		return Errorf(EINVALID, "no creation or update date")
	}
	switch {
	case c.Depth < 0 || c.Depth > MaxCommentDepth:
		return Errorf(EINVALID, "depth must be 0 to %d, not %d", MaxCommentDepth, c.Depth)
	case c.ParentID == "" && c.Depth != 0:
		return Errorf(EINVALID, "the first comment of a thread is at depth 0, not %d", c.Depth)
	case c.ParentID != "" && c.Depth == 0:
		return Errorf(EINVALID, "a reply is at depth 1 or more")
	}
	if c.ParentID != "" {
		if err := ValidateID(c.ParentID); err != nil {
			return Errorf(EINVALID, "parent: %s", ErrorMessage(err))
		}
	}
	if c.Deleted {
		if c.Body != "" || c.AuthorID != "" {
			return Errorf(EINVALID, "a deleted comment keeps neither its body nor its author")
		}
		return nil
	}
	if err := ValidateID(c.AuthorID); err != nil {
		return Errorf(EINVALID, "author: %s", ErrorMessage(err))
	}
	return CheckCommentBody(c.Body)
}
