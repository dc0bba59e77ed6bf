package resolve

import (
	"context"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/diff"
)

// revisionDiff compares two revisions of a readable document. The
// document is checked first, so that a hidden one is NOT_FOUND with the
// same message as a missing one, whatever versions were asked for.
func (r *Resolver) revisionDiff(ctx context.Context, gid string, from, to int) (*model.RevisionDiff, error) {
	_, id, err := r.existing(ctx, gid, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	a, err := r.store.Revision(ctx, id, from)
	if err != nil {
		return nil, err
	}
	b, err := r.store.Revision(ctx, id, to)
	if err != nil {
		return nil, err
	}
	out := &model.RevisionDiff{From: a, To: b, Minimal: true}
	field := func(x, y string) *model.FieldDiff {
		res := diff.Texts(x, y)
		out.Minimal = out.Minimal && res.Minimal
		fd := &model.FieldDiff{Changed: res.Changed(), Lines: make([]*model.DiffLine, len(res.Lines))}
		for i, l := range res.Lines {
			fd.Lines[i] = &model.DiffLine{Op: diffOps[l.Op], Text: l.Text, OldLine: lineNumber(l.Old), NewLine: lineNumber(l.New)}
		}
		return fd
	}
	out.Title = field(a.Title, b.Title)
	out.Summary = field(a.Summary, b.Summary)
	out.Body = field(a.Body, b.Body)
	return out, nil
}

var diffOps = map[diff.Op]model.DiffOp{diff.Equal: model.DiffOpEqual, diff.Delete: model.DiffOpDelete, diff.Insert: model.DiffOpInsert}

func lineNumber(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// restoreRevision writes the title, summary and body of an earlier
// revision as a new version; the store checks rights and the expected
// version, and keeps the revision.
func (r *Resolver) restoreRevision(ctx context.Context, gid string, version, expected int) (*model.RestoreRevisionPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, id, err := r.existing(ctx, gid, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	rev, err := r.store.Revision(ctx, id, version)
	if err != nil {
		return nil, err
	}
	d, err := r.store.UpdateDocument(ctx, id, graph.DocumentUpdate{Version: expected, Title: &rev.Title, Summary: &rev.Summary, Body: &rev.Body})
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return &model.RestoreRevisionPayload{Document: model.WrapDocument(d)}, nil
}
