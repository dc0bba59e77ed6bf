package search

import (
	"slices"

	"github.com/encommun/maillage/graph"
)

// The media attached to a document (graph.MediaStore) are searched as part
// of it: their titles, alt texts, descriptions and transcript cues are one
// more text field of the document's entry (textMedia), analysed in the
// document's language. A media is readable exactly when its document is,
// so the document's visibility and standpoint clauses already hold for
// its media, inside the index query, with nothing new to keep in step;
// a media upload or deletion is an UPDATE of its document in the change
// sequence, which reindexes it. Which cue a hit's words fell in, and so
// its time, is the API's to tell (it reads the media with the viewer).

// mediaText is the indexed text of a document's media: one value per
// title, alt text, description, cue and extracted text (a PDF's), so that
// a phrase never spans two.
func mediaText(ms []*graph.Media) []string {
	var out []string
	for _, m := range ms {
		for _, s := range []string{m.Title, m.Alt, m.Description} {
			if s != "" {
				out = append(out, s)
			}
		}
		for _, c := range m.Cues {
			out = append(out, c.Text)
		}
		if m.Text != "" {
			out = append(out, m.Text)
		}
	}
	return out
}

// mediaFormats are a document's values of FacetFormat: text, since every
// document is, and each format of its media once.
func mediaFormats(ms []*graph.Media) []string {
	out := []string{"text"}
	for _, m := range ms {
		if f := string(m.Format); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
