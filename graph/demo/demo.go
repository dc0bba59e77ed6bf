// Package demo loads the French demo commons shipped with maillage: a small
// knowledge graph around a workshop series on the sustainability of a
// knowledge-sharing platform.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/encommun/maillage/graph"
)

//go:embed demo.json
var demoJSON []byte

// Data is the shape of demo.json.
type Data struct {
	Version        int            `json:"version"`
	KnowledgeBases []groupData    `json:"knowledgeBases"`
	Communities    []groupData    `json:"communities"`
	Carnets        []carnetData   `json:"carnets"`
	Contributors   []contribData  `json:"contributors"`
	Organisations  []documentData `json:"organisations"`
	Terms          []documentData `json:"terms"`
	Notes          []documentData `json:"notes"`
}

type groupData struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

type carnetData struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Categories  []string `json:"categories"`
	Bases       []string `json:"bases"`
	Communities []string `json:"communities"`
}

type contribData struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Bio          string            `json:"bio"`
	Region       string            `json:"region"`
	Memberships  []string          `json:"memberships"`
	Affiliations []string          `json:"affiliations"`
	Role         string            `json:"role"`
	Declarations []declarationData `json:"declarations"`
}

type declarationData struct {
	Dimension  string `json:"dimension"`
	Value      string `json:"value"`
	Visibility string `json:"visibility"`
}

type carnetRef struct {
	Carnet   string `json:"carnet"`
	Category string `json:"category"`
}

type documentData struct {
	ID            string      `json:"id"`
	Title         string      `json:"title"`
	Aliases       []string    `json:"aliases"`
	Definition    string      `json:"definition"`
	Summary       string      `json:"summary"`
	Body          string      `json:"body"`
	Website       string      `json:"website"`
	Region        string      `json:"region"`
	Sector        string      `json:"sector"`
	Language      string      `json:"language"`
	Visibility    string      `json:"visibility"`
	Authors       []string    `json:"authors"`
	Communities   []string    `json:"communities"`
	Carnets       []carnetRef `json:"carnets"`
	Links         []string    `json:"links"`
	Terms         []string    `json:"terms"`
	Organisations []string    `json:"organisations"`
	Broader       []string    `json:"broader"`
	Related       []string    `json:"related"`
	CreatedAt     time.Time   `json:"createdAt"`
	PublishedAt   *time.Time  `json:"publishedAt"`
}

// Parse decodes the embedded demo data strictly.
func Parse() (*Data, error) {
	var d Data
	dec := json.NewDecoder(bytes.NewReader(demoJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("demo.json: %w", err)
	}
	return &d, nil
}

// Contributors returns the demo contributors' ids and roles, so that the
// command line can offer tokens for them.
func (d *Data) ContributorRoles() map[string]graph.Role {
	out := map[string]graph.Role{}
	for _, c := range d.Contributors {
		out[c.ID] = graph.Role(c.Role)
	}
	return out
}

// Load writes the demo graph into s unless it is already there. It returns
// false when nothing was loaded: the demo is present, or the store already
// holds other data (the demo never mixes into a real commons).
func Load(ctx context.Context, s graph.Store, tax *graph.Taxonomy) (bool, error) {
	ctx = graph.SystemContext(ctx)
	d, err := Parse()
	if err != nil {
		return false, err
	}
	if seq, err := s.LastSeq(ctx); err != nil {
		return false, err
	} else if seq > 0 {
		return false, nil
	}
	l := loader{ctx: ctx, s: s, tax: tax}
	l.load(d)
	return l.err == nil, l.err
}

// loader keeps the first error so that the long sequence of writes reads
// as a list, not as a ladder of checks.
type loader struct {
	ctx context.Context
	s   graph.Store
	tax *graph.Taxonomy
	err error
}

func (l *loader) do(what string, f func() error) {
	if l.err != nil {
		return
	}
	if err := f(); err != nil {
		l.err = fmt.Errorf("demo: %s: %w", what, err)
	}
}

func (l *loader) link(rel graph.Relation, from, to string, attrs ...func(*graph.Link)) {
	lk := graph.Link{Relation: rel, From: from, To: to}
	for _, a := range attrs {
		a(&lk)
	}
	l.do(fmt.Sprintf("%s %s → %s", rel, from, to), func() error {
		_, err := l.s.Link(l.ctx, lk)
		return err
	})
}

func (l *loader) load(d *Data) {
	for _, b := range d.KnowledgeBases {
		l.do(b.ID, func() error {
			_, err := l.s.CreateKnowledgeBase(l.ctx, graph.KnowledgeBase{ID: b.ID, Name: b.Name, Description: b.Description})
			return err
		})
	}
	for _, c := range d.Communities {
		l.do(c.ID, func() error {
			_, err := l.s.CreateCommunity(l.ctx, graph.Community{ID: c.ID, Name: c.Name, Description: c.Description})
			return err
		})
	}
	for _, c := range d.Carnets {
		l.do(c.ID, func() error {
			_, err := l.s.CreateCarnet(l.ctx, graph.Carnet{ID: c.ID, Title: c.Title, Description: c.Description, Categories: c.Categories})
			return err
		})
		for _, b := range c.Bases {
			l.link(graph.RelInBase, c.ID, b)
		}
		for _, m := range c.Communities {
			l.link(graph.RelOfCommunity, c.ID, m)
		}
	}
	for _, c := range d.Contributors {
		l.do(c.ID, func() error {
			_, err := l.s.CreateContributor(l.ctx, graph.Contributor{ID: c.ID, Name: c.Name, Bio: c.Bio, Region: c.Region})
			return err
		})
		for _, m := range c.Memberships {
			l.link(graph.RelMemberOf, c.ID, m)
		}
		for _, dec := range c.Declarations {
			decl := graph.Declaration{ContributorID: c.ID, Dimension: dec.Dimension, Value: dec.Value,
				Visibility: graph.DeclarationVisibility(dec.Visibility)}
			l.do("declaration of "+c.ID, func() error {
				if l.tax != nil {
					if err := l.tax.ValidateDeclaration(decl); err != nil {
						return err
					}
				}
				_, err := l.s.DeclareStandpoint(l.ctx, decl)
				return err
			})
		}
	}
	// Documents first, links after: links may point forward in the file.
	for _, kind := range []struct {
		kind graph.Kind
		docs []documentData
	}{{graph.KindOrganisation, d.Organisations}, {graph.KindTerm, d.Terms}, {graph.KindNote, d.Notes}} {
		for _, doc := range kind.docs {
			l.createDocument(kind.kind, doc)
		}
	}
	for _, c := range d.Contributors {
		for _, o := range c.Affiliations {
			l.link(graph.RelAffiliatedWith, c.ID, o)
		}
	}
	for _, docs := range [][]documentData{d.Organisations, d.Terms, d.Notes} {
		for _, doc := range docs {
			l.linkDocument(doc)
		}
	}
}

func (l *loader) createDocument(kind graph.Kind, d documentData) {
	doc := graph.Document{
		ID: d.ID, Kind: kind, Title: d.Title, Summary: d.Summary, Body: d.Body,
		Aliases: d.Aliases, Definition: d.Definition, Website: d.Website, Region: d.Region, Sector: d.Sector,
		Language: d.Language, Visibility: graph.Visibility(d.Visibility), Licence: "CC-BY-SA-4.0",
		CreatedAt: d.CreatedAt, PublishedAt: d.PublishedAt, Slug: d.ID,
	}
	l.do(d.ID, func() error {
		_, err := l.s.CreateDocument(l.ctx, doc, d.Authors)
		return err
	})
}

func (l *loader) linkDocument(d documentData) {
	for _, c := range d.Communities {
		l.link(graph.RelOfCommunity, d.ID, c)
	}
	for _, c := range d.Carnets {
		l.link(graph.RelInCarnet, d.ID, c.Carnet, func(lk *graph.Link) { lk.Category = c.Category })
	}
	for _, n := range d.Links {
		l.link(graph.RelLinksTo, d.ID, n)
	}
	for _, t := range d.Terms {
		l.link(graph.RelMentions, d.ID, t)
	}
	for _, o := range d.Organisations {
		l.link(graph.RelConcerns, d.ID, o)
	}
	for _, b := range d.Broader {
		l.link(graph.RelBroader, d.ID, b)
	}
	for _, r := range d.Related {
		l.link(graph.RelRelated, d.ID, r)
	}
}
