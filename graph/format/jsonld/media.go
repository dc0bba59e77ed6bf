package jsonld

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/encommun/maillage/graph"
)

// A note's media are schema.org media objects (associatedMedia): the file
// at its /media/ address, its type, what it shows or says; a recording's
// transcript is the text of its cues. Its discussion is a list of
// schema.org Comment (comment), each reply naming the comment it answers
// (parentItem). Both are read as the anonymous viewer, like the document:
// a hidden document has neither, a hidden comment is absent, and so is
// the text of a deleted one. A comment names its author as a document
// names its authors: contributors are public profiles, and a reference
// carries the name only, never a standpoint.

// mediaType is the schema.org type of each media format.
func mediaType(f graph.MediaFormat) string {
	switch f {
	case graph.MediaAudio:
		return "AudioObject"
	case graph.MediaVideo:
		return "VideoObject"
	case graph.MediaImage:
		return "ImageObject"
	}
	return "DigitalDocument" // a PDF
}

// mediaBase is where media files are served: MediaBase, or the /media/
// beside Base's /ld/.
func (b *Builder) mediaBase() string {
	if b.MediaBase != "" {
		return b.MediaBase
	}
	if base, ok := strings.CutSuffix(b.Base, "/ld/"); ok {
		return base + "/media/"
	}
	return b.Base
}

// extras reads the media and discussions of public documents ds.
type extras struct {
	media    map[string][]*graph.Media
	comments map[string]*graph.Discussion
	people   map[string]Object
}

func (b *Builder) extras(ctx context.Context, ds []*graph.Document) (*extras, error) {
	docIDs := ids(ds, func(d *graph.Document) string { return d.ID })
	media, err := b.Store.MediaOf(ctx, docIDs)
	if err != nil {
		return nil, err
	}
	comments, err := b.Store.Discussions(ctx, docIDs)
	if err != nil {
		return nil, err
	}
	x := &extras{media: media, comments: comments, people: map[string]Object{}}
	var authors []string
	for _, d := range comments {
		for _, c := range d.Comments {
			if c.AuthorID != "" {
				authors = append(authors, c.AuthorID)
			}
		}
	}
	if len(authors) > 0 {
		cs, err := b.Store.Contributors(ctx, authors)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c != nil {
				x.people[c.ID] = Object{"@id": b.iri(c.ID), "@type": "Person", "name": c.Name}
			}
		}
	}
	return x, nil
}

// addExtras sets d's associatedMedia and comment properties on o.
func (b *Builder) addExtras(o Object, d *graph.Document, x *extras) {
	var media []Object
	for _, m := range x.media[d.ID] {
		if m.DocumentID != d.ID {
			continue // the store answered for another document: never pass it on
		}
		mo := Object{"@id": b.iri(d.ID) + "#media-" + m.ID, "@type": mediaType(m.Format), "identifier": m.ID,
			"contentUrl": b.mediaBase() + m.ID, "encodingFormat": m.MIME, "contentSize": fmt.Sprint(m.Size),
			"sha256": m.SHA256, "uploadDate": dateTime(m.CreatedAt)}
		set(mo, "name", m.Title)
		set(mo, "description", m.Description)
		set(mo, "inLanguage", m.Language)
		if m.Format == graph.MediaImage {
			set(mo, "caption", m.Alt)
		} else {
			set(mo, "transcript", transcript(m.Cues))
		}
		media = append(media, mo)
	}
	set(o, "associatedMedia", media)

	var comments []Object
	if disc := x.comments[d.ID]; disc != nil {
		shown := map[string]bool{}
		for _, c := range disc.Comments {
			if c.DocumentID != d.ID || c.Hidden || c.Deleted {
				continue
			}
			co := Object{"@id": b.commentIRI(d.ID, c.ID), "@type": "Comment", "identifier": c.ID, "text": c.Body,
				"dateCreated": dateTime(c.CreatedAt), "dateModified": dateTime(c.UpdatedAt)}
			if ref, ok := x.people[c.AuthorID]; ok {
				co["author"] = ref
			}
			if c.ParentID != "" && shown[c.ParentID] {
				co["parentItem"] = Object{"@id": b.commentIRI(d.ID, c.ParentID)}
			}
			shown[c.ID] = true
			comments = append(comments, co)
		}
	}
	set(o, "comment", comments)
	if len(comments) > 0 {
		o["commentCount"] = len(comments)
	}
}

func (b *Builder) commentIRI(docID, commentID string) string {
	return b.iri(docID) + "#comment-" + commentID
}

// transcript is a recording's cues as text, a line each, with the time
// it is said at and who says it.
func transcript(cues []graph.MediaCue) string {
	var sb strings.Builder
	for _, c := range cues {
		fmt.Fprintf(&sb, "[%s] ", clock(c.Start))
		if c.Speaker != "" {
			sb.WriteString(c.Speaker + " : ")
		}
		sb.WriteString(c.Text)
		sb.WriteByte('\n')
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

// clock writes a cue time as 12:34 or 1:02:03.
func clock(d time.Duration) string {
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
