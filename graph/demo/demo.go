// Package demo loads the French demo commons shipped with maillage: a
// knowledge graph around a workshop series on the sustainability of a
// knowledge-sharing platform, written by hand (demo.json, thirteen
// contributors) and grown at load time with fictional contributors drawn
// from a fixed seed (generate.go), 150 in all.
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

// Parse decodes the embedded demo data strictly and adds the generated
// fictional contributors and their notes (generate.go).
func Parse() (*Data, error) {
	d, err := ParseCore()
	if err != nil {
		return nil, err
	}
	d.grow()
	return d, nil
}

// ParseCore decodes the hand-written demo data only (demo.json): thirteen
// contributors, too few for coverage to say anything of a value. The
// replays of issue #15's attacks use it: the fewer the people, the less
// cover each has.
func ParseCore() (*Data, error) {
	var d Data
	dec := json.NewDecoder(bytes.NewReader(demoJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("demo.json: %w", err)
	}
	return &d, nil
}

// ContributorRoles returns the demo contributors' ids and roles: the tests
// that sign in as each of them (the command line's demo accounts are
// Data.Accounts).
func (d *Data) ContributorRoles() map[string]graph.Role {
	out := map[string]graph.Role{}
	for _, c := range d.Contributors {
		out[c.ID] = graph.Role(c.Role)
	}
	return out
}

// Target is what loading the demo needs of a store: the change sequence,
// to tell an empty store, and the writes of graph.WriteBatch.
type Target interface {
	graph.Creator
	LastSeq(ctx context.Context) (uint64, error)
	// AddComment writes the demo's discussions, each as its author.
	AddComment(ctx context.Context, documentID, replyTo, body string) (*graph.Comment, error)
}

// Load writes the demo graph into s unless it is already there. It returns
// false when nothing was loaded: the demo is present, or the store already
// holds other data (the demo never mixes into a real commons). Stores that
// can write a batch at once (Neo4j) load it in one transaction.
func Load(ctx context.Context, s Target, tax *graph.Taxonomy) (bool, error) {
	d, err := Parse()
	if err != nil {
		return false, err
	}
	return d.Load(ctx, s, tax)
}

// LoadCore is Load with the hand-written demo only (ParseCore).
func LoadCore(ctx context.Context, s Target, tax *graph.Taxonomy) (bool, error) {
	d, err := ParseCore()
	if err != nil {
		return false, err
	}
	return d.Load(ctx, s, tax)
}

// Load writes d into s as the package's Load does.
func (d *Data) Load(ctx context.Context, s Target, tax *graph.Taxonomy) (bool, error) {
	ctx = graph.SystemContext(ctx)
	if seq, err := s.LastSeq(ctx); err != nil {
		return false, err
	} else if seq > 0 {
		return false, nil
	}
	b, err := d.Batch(tax)
	if err != nil {
		return false, err
	}
	if err := graph.WriteBatch(ctx, s, b); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if err := loadDiscussions(ctx, s); err != nil {
		return false, err
	}
	return true, nil
}

// Batch turns the demo data into one graph.Batch, checking every standpoint
// declaration against tax (when given).
func (d *Data) Batch(tax *graph.Taxonomy) (graph.Batch, error) {
	var b graph.Batch
	link := func(rel graph.Relation, from, to string) {
		b.Links = append(b.Links, graph.Link{Relation: rel, From: from, To: to})
	}
	for _, x := range d.KnowledgeBases {
		b.KnowledgeBases = append(b.KnowledgeBases, graph.KnowledgeBase{ID: x.ID, Name: x.Name, Description: x.Description})
	}
	for _, x := range d.Communities {
		b.Communities = append(b.Communities, graph.Community{ID: x.ID, Name: x.Name, Description: x.Description})
	}
	for _, c := range d.Carnets {
		b.Carnets = append(b.Carnets, graph.Carnet{ID: c.ID, Title: c.Title, Description: c.Description, Categories: c.Categories})
		for _, base := range c.Bases {
			link(graph.RelInBase, c.ID, base)
		}
		for _, m := range c.Communities {
			link(graph.RelOfCommunity, c.ID, m)
		}
	}
	for _, c := range d.Contributors {
		b.Contributors = append(b.Contributors, graph.Contributor{ID: c.ID, Name: c.Name, Bio: c.Bio})
		for _, m := range c.Memberships {
			link(graph.RelMemberOf, c.ID, m)
		}
		for _, o := range c.Affiliations {
			link(graph.RelAffiliatedWith, c.ID, o)
		}
		for _, dec := range c.Declarations {
			decl := graph.Declaration{ContributorID: c.ID, Dimension: dec.Dimension, Value: dec.Value,
				Visibility: graph.DeclarationVisibility(dec.Visibility)}
			if tax != nil {
				if err := tax.ValidateDeclaration(decl); err != nil {
					return b, fmt.Errorf("demo: declaration of %s: %w", c.ID, err)
				}
			}
			b.Declarations = append(b.Declarations, decl)
		}
	}
	for _, kind := range []struct {
		kind graph.Kind
		docs []documentData
	}{{graph.KindOrganisation, d.Organisations}, {graph.KindTerm, d.Terms}, {graph.KindNote, d.Notes}} {
		for _, x := range kind.docs {
			b.Documents = append(b.Documents, graph.BatchDocument{AuthorIDs: x.Authors, Document: graph.Document{
				ID: x.ID, Kind: kind.kind, Slug: x.ID, Title: x.Title, Summary: x.Summary, Body: x.Body,
				Aliases: x.Aliases, Definition: x.Definition, Website: x.Website, Region: x.Region, Sector: x.Sector,
				Language: x.Language, Visibility: graph.Visibility(x.Visibility), Licence: "CC-BY-SA-4.0",
				CreatedAt: x.CreatedAt, PublishedAt: x.PublishedAt,
			}})
			for _, c := range x.Communities {
				link(graph.RelOfCommunity, x.ID, c)
			}
			for _, c := range x.Carnets {
				b.Links = append(b.Links, graph.Link{Relation: graph.RelInCarnet, From: x.ID, To: c.Carnet, Category: c.Category})
			}
			for _, n := range x.Links {
				link(graph.RelLinksTo, x.ID, n)
			}
			for _, t := range x.Terms {
				link(graph.RelMentions, x.ID, t)
			}
			for _, o := range x.Organisations {
				link(graph.RelConcerns, x.ID, o)
			}
			for _, t := range x.Broader {
				link(graph.RelBroader, x.ID, t)
			}
			for _, t := range x.Related {
				link(graph.RelRelated, x.ID, t)
			}
		}
	}
	return b, nil
}
