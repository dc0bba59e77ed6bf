package search

import (
	"sort"
	"strings"
	"time"

	"github.com/encommun/maillage/graph"
)

// entry is what the index knows of one document: its text and the ids and
// values that filters, facets and the visibility clause read. It is built
// from the store (gather.go) and is the only shape that reaches Bleve.
type entry struct {
	ID           string
	Kind         graph.Kind
	Language     string
	Visibility   graph.Visibility
	PublishedAt  *time.Time
	UpdatedAt    time.Time
	Title        string
	Aliases      []string // a term's aliases, an organisation's acronyms
	Summary      []string // summary, and a term's definition
	Body         string
	AuthorIDs    []string
	CommunityIDs []string
	CarnetIDs    []string
	TermIDs      []string
	OrgIDs       []string
	Standpoints  []string // authors' PUBLIC declarations as "dimension:value"
	Media        []string // the text of the document's media (media.go)
	Formats      []string // "text" and its media's formats (FacetFormat)
}

// indexDoc is the Bleve document. Its json tags are the field paths of
// mapping.go; the text goes into exactly one language family, so that each
// family is analysed by its own analyzer.
type indexDoc struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind"`
	Language      string     `json:"lang"`
	Visibility    string     `json:"vis"`
	Authors       []string   `json:"author,omitempty"`
	Communities   []string   `json:"community,omitempty"`
	Carnets       []string   `json:"carnet,omitempty"`
	Terms         []string   `json:"term,omitempty"`
	Organisations []string   `json:"organisation,omitempty"`
	Standpoints   []string   `json:"standpoint,omitempty"`
	Published     *time.Time `json:"published,omitempty"`
	Updated       string     `json:"updated"`
	FR            *textDoc   `json:"fr,omitempty"`
	EN            *textDoc   `json:"en,omitempty"`
	XX            *textDoc   `json:"xx,omitempty"`
	Facets        []string   `json:"fc,omitempty"` // facet codes, see facets.go
}

type textDoc struct {
	Title   string   `json:"title"`
	Aliases []string `json:"aliases,omitempty"`
	Summary []string `json:"summary,omitempty"`
	Body    string   `json:"body,omitempty"`
	Media   []string `json:"media,omitempty"`
}

// newEntry builds the entry of d from its links and its authors' public
// declarations. Only PUBLIC declarations are kept, whatever decls holds:
// PRIVATE and AGGREGATE values never enter the index, where a filter or a
// facet could reveal them per person.
func newEntry(d *graph.Document, links map[graph.Relation][]string, decls map[string][]graph.Declaration) entry {
	e := entry{
		ID:           d.ID,
		Kind:         d.Kind,
		Language:     normLanguage(d.Language),
		Visibility:   d.Visibility,
		PublishedAt:  d.PublishedAt,
		UpdatedAt:    d.UpdatedAt,
		Title:        d.Title,
		Aliases:      d.Aliases,
		Body:         d.Body,
		AuthorIDs:    uniq(links[graph.RelAuthored]),
		CommunityIDs: uniq(links[graph.RelOfCommunity]),
		CarnetIDs:    uniq(links[graph.RelInCarnet]),
		TermIDs:      uniq(links[graph.RelMentions]),
		OrgIDs:       uniq(links[graph.RelConcerns]),
	}
	if d.Hidden {
		// Hidden pending review: PRIVATE to the index, as to the store
		// (graph.Viewer.CanRead), until a curator shows it again.
		e.Visibility = graph.VisibilityPrivate
	}
	for _, s := range []string{d.Summary, d.Definition} {
		if strings.TrimSpace(s) != "" {
			e.Summary = append(e.Summary, s)
		}
	}
	var sp []string
	for _, a := range e.AuthorIDs {
		for _, dc := range decls[a] {
			if dc.Visibility == graph.DeclPublic && dc.ContributorID == a {
				sp = append(sp, standpointKey(dc.Dimension, dc.Value))
			}
		}
	}
	e.Standpoints = uniq(sp)
	return e
}

func standpointKey(dimension, value string) string { return dimension + ":" + value }

func (e entry) doc(dict *facetDict) indexDoc {
	d := indexDoc{
		ID:            e.ID,
		Kind:          string(e.Kind),
		Language:      e.Language,
		Visibility:    string(e.Visibility),
		Authors:       e.AuthorIDs,
		Communities:   e.CommunityIDs,
		Carnets:       e.CarnetIDs,
		Terms:         e.TermIDs,
		Organisations: e.OrgIDs,
		Standpoints:   e.Standpoints,
		Updated:       graph.TimeKey(e.UpdatedAt),
		Facets:        dict.facetCodes(e),
	}
	if e.PublishedAt != nil {
		t := e.PublishedAt.UTC()
		d.Published = &t
	}
	text := &textDoc{Title: e.Title, Aliases: e.Aliases, Summary: e.Summary, Body: e.Body, Media: e.Media}
	switch langOf(e.Language) {
	case langFR:
		d.FR = text
	case langEN:
		d.EN = text
	default:
		d.XX = text
	}
	return d
}

// normLanguage lowercases a language tag; tags are compared and faceted in
// this form.
func normLanguage(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// uniq returns the distinct non-empty values of xs, sorted, so that an
// entry is the same whatever order the store returned links in.
func uniq(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(xs))
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
