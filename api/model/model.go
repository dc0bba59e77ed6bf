// Package model holds the Go types of the GraphQL API that the graph package
// does not provide: wrappers that give each document kind its own Go type
// (so that gqlgen resolves interfaces by type), filter inputs, custom scalars
// and, in models_gen.go, the connection, input and payload types gqlgen
// generates.
package model

import (
	"encoding/base64"

	"github.com/encommun/maillage/graph"
)

// Node is any value of a GraphQL type implementing Node: a *Note, *Term,
// *Organisation, *graph.Contributor, *graph.Carnet, *graph.Community or
// *graph.KnowledgeBase. The graph types are bound as they are, so the one
// method they all share, Validate, is what marks a node; it also keeps
// gqlgen from generating a case for a pointer to the Document interface.
type Node interface {
	Validate() error
}

// Document is a *Note, *Term or *Organisation.
type Document interface {
	Node
	Doc() *graph.Document
}

// Note is a graph.Document of kind Note.
type Note struct{ *graph.Document }

// Term is a graph.Document of kind Term.
type Term struct{ *graph.Document }

// Organisation is a graph.Document of kind Organisation.
type Organisation struct{ *graph.Document }

// GlobalID is the id the API shows for the object of kind with store id
// id: base64url("KIND:id"), unpadded (api.ParseGlobalID reads it back).
func GlobalID(kind graph.Kind, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(kind) + ":" + id))
}

// The id fields of the document types are these methods rather than
// resolvers: a method that takes no context is resolved in line, where
// gqlgen gives a resolver a goroutine of its own when its object has other
// such fields (authors, backlinks…).

// GlobalID is the note's GraphQL id.
func (n *Note) GlobalID() string { return GlobalID(graph.KindNote, n.ID) }

// GlobalID is the term's GraphQL id.
func (t *Term) GlobalID() string { return GlobalID(graph.KindTerm, t.ID) }

// GlobalID is the organisation's GraphQL id.
func (o *Organisation) GlobalID() string { return GlobalID(graph.KindOrganisation, o.ID) }

// Doc returns the wrapped document.
func (n Note) Doc() *graph.Document { return n.Document }

// Doc returns the wrapped document.
func (t Term) Doc() *graph.Document { return t.Document }

// Doc returns the wrapped document.
func (o Organisation) Doc() *graph.Document { return o.Document }

// WrapDocument returns d as the Go type of its GraphQL type, or nil for nil.
func WrapDocument(d *graph.Document) Document {
	if d == nil {
		return nil
	}
	switch d.Kind {
	case graph.KindNote:
		return &Note{d}
	case graph.KindTerm:
		return &Term{d}
	case graph.KindOrganisation:
		return &Organisation{d}
	}
	return nil
}

// DocumentFilterInput is the Go form of the NoteFilter, TermFilter,
// OrganisationFilter and DocumentFilter inputs, which share their fields
// (only DocumentFilter has kinds). Ids are global ids.
type DocumentFilterInput struct {
	Kinds        []graph.Kind
	Language     *string
	Visibility   *graph.Visibility
	Author       *string
	Carnet       *string
	Category     *string
	Community    *string
	Term         *string
	Organisation *string
}

// MediaMatch is where a search's words were found in a hit's media.
type MediaMatch struct {
	Media *graph.Media
	Cue   *graph.MediaCue
	At    *string
}
