package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/encommun/maillage/graph"
)

// The demo's discussions (discussions.json), beside a few public notes.
// Each comment is written by one of its note's authors, so that the demo's
// coverage is the same with or without them.

//go:embed discussions.json
var discussionsJSON []byte

type commentData struct {
	Document string        `json:"document,omitempty"`
	Author   string        `json:"author"`
	Body     string        `json:"body"`
	Replies  []commentData `json:"replies,omitempty"`
}

// loadDiscussions writes the demo's discussions through the store, each
// comment as its author, after the graph they discuss.
func loadDiscussions(ctx context.Context, s Target) error {
	var threads []commentData
	if err := json.Unmarshal(discussionsJSON, &threads); err != nil {
		return fmt.Errorf("discussions.json: %w", err)
	}
	var add func(doc, replyTo string, c commentData) error
	add = func(doc, replyTo string, c commentData) error {
		as := graph.WithViewer(ctx, graph.Viewer{Role: graph.RoleContributor, ContributorID: c.Author})
		x, err := s.AddComment(as, doc, replyTo, c.Body)
		if err != nil {
			return fmt.Errorf("demo: comment by %s on %s: %w", c.Author, doc, err)
		}
		for _, r := range c.Replies {
			if err := add(doc, x.ID, r); err != nil {
				return err
			}
		}
		return nil
	}
	for _, t := range threads {
		if err := add(t.Document, "", t); err != nil {
			return err
		}
	}
	return nil
}
