package resolve

import (
	"context"
	"slices"
	"sort"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/search"
)

// Unlinked mentions and link suggestions (schema/mentions.graphqls): the
// index finds the names, the store says what is linked already, and the
// store reads every document returned again with the viewer's rights.

// Suggestion bounds: a suggestion list is one page, never paged.
const (
	DefaultSuggestions = 20
	MaxSuggestions     = 50
	// minSharedTerms is how many terms two notes must both mention for a
	// SHARES_TERMS suggestion: one shared term is too common to mean much.
	minSharedTerms = 2
)

// linkedTo returns the ids of the documents joined to id by the relations
// that make a mention or a suggestion moot, either way. Documents that
// MENTION a term or CONCERN an organisation are not read here when the
// index carries them (the `into` relations are skipped for id's kind).
func (r *Resolver) linkedTo(ctx context.Context, id string, kind graph.Kind) ([]string, error) {
	type rd struct {
		rel graph.Relation
		dir graph.Direction
	}
	rds := []rd{{graph.RelMentions, graph.Out}, {graph.RelConcerns, graph.Out}}
	switch kind {
	case graph.KindTerm:
		rds = append(rds, rd{graph.RelBroader, graph.Both}, rd{graph.RelRelated, graph.Both})
	case graph.KindNote:
		rds = append(rds, rd{graph.RelLinksTo, graph.Both})
	}
	var out []string
	for _, x := range rds {
		m, err := r.store.Links(ctx, []string{id}, x.rel, x.dir)
		if err != nil {
			return nil, err
		}
		out = append(out, otherIDs(id, m[id])...)
	}
	return out, nil
}

// requireLinkCurator admits curators and admins, as the health lists do.
func requireLinkCurator(v graph.Viewer) error {
	return graph.RequireCuratorTo(v, "look for missing links")
}

func (r *Resolver) unlinkedMentions(ctx context.Context, termID, organisationID *string, first *int, after *string) (*model.MentionConnection, error) {
	if err := requireLinkCurator(graph.ViewerFrom(ctx)); err != nil {
		return nil, err
	}
	var gid string
	var kind graph.Kind
	switch {
	case termID != nil && organisationID == nil:
		gid, kind = *termID, graph.KindTerm
	case organisationID != nil && termID == nil:
		gid, kind = *organisationID, graph.KindOrganisation
	default:
		return nil, graph.Errorf(graph.EINVALID, "pass exactly one of termId and organisationId")
	}
	pa := pageOf(first, after)
	if _, err := pa.page.Limit(); err != nil {
		return nil, err
	}
	ix, err := r.searchIndex()
	if err != nil {
		return nil, err
	}
	_, id, err := r.existing(ctx, gid, kind)
	if err != nil {
		return nil, err
	}
	target, err := r.store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	linked, err := r.linkedTo(ctx, id, kind)
	if err != nil {
		return nil, err
	}
	req := search.MentionsRequest{
		Target: id, Kind: kind,
		Names:  append([]string{target.Title}, target.Aliases...),
		Linked: linked,
		First:  pa.page.First, After: pa.page.After,
		Viewer: graph.ViewerFrom(ctx),
	}
	if req.ViewerCommunities, err = r.viewerCommunities(ctx); err != nil {
		return nil, err
	}
	res, err := ix.UnlinkedMentions(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &model.MentionConnection{TotalCount: res.TotalCount, Edges: []*model.MentionEdge{},
		PageInfo: &model.PageInfo{HasNextPage: res.HasNextPage, HasPreviousPage: req.After != ""}}
	if pa.none {
		out.PageInfo.HasNextPage = res.TotalCount > 0
		return out, nil
	}
	hits, err := r.readableHits(ctx, res.Hits)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		out.Edges = append(out.Edges, &model.MentionEdge{Cursor: h.Cursor, Score: h.Score, Node: model.WrapDocument(h.doc),
			Highlights: highlights(h.Highlights), Fragment: firstFragment(h.Highlights)})
	}
	if res.EndCursor != "" {
		out.PageInfo.EndCursor = &res.EndCursor
	}
	if len(out.Edges) > 0 {
		out.PageInfo.StartCursor = &out.Edges[0].Cursor
	}
	return out, nil
}

// firstFragment prefers the body, where a mention sits in a sentence, to
// the title or aliases, which are the name alone.
func firstFragment(hs []search.Highlight) *string {
	for _, field := range []string{"body", "summary", "title", "aliases"} {
		for _, h := range hs {
			if h.Field == field && len(h.Fragments) > 0 {
				return &h.Fragments[0]
			}
		}
	}
	return nil
}

func (r *Resolver) linkSuggestions(ctx context.Context, documentID string, first *int) ([]*model.LinkSuggestion, error) {
	v := graph.ViewerFrom(ctx)
	if err := requireLinkCurator(v); err != nil {
		return nil, err
	}
	limit := DefaultSuggestions
	if first != nil {
		limit = *first
	}
	if limit < 0 || limit > MaxSuggestions {
		return nil, graph.Errorf(graph.EINVALID, "first must be between 0 and %d", MaxSuggestions)
	}
	ix, err := r.searchIndex()
	if err != nil {
		return nil, err
	}
	kind, id, err := r.existing(ctx, documentID, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	out := []*model.LinkSuggestion{}
	if limit == 0 {
		return out, nil
	}
	d, err := r.store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	linked, err := r.linkedTo(ctx, id, kind)
	if err != nil {
		return nil, err
	}
	// A term or an organisation may be linked already the other way
	// round: another term MENTIONS this one, an organisation CONCERNS it.
	if kind != graph.KindNote {
		m, err := r.store.Links(ctx, []string{id}, map[graph.Kind]graph.Relation{graph.KindTerm: graph.RelMentions, graph.KindOrganisation: graph.RelConcerns}[kind], graph.In)
		if err != nil {
			return nil, err
		}
		// Only terms and organisations can be suggested: the notes naming
		// a much-mentioned term would make a long list for nothing.
		for _, l := range m[id] {
			if l.FromKind == graph.KindTerm || l.FromKind == graph.KindOrganisation {
				linked = append(linked, l.From)
			}
		}
	}
	communities, err := r.viewerCommunities(ctx)
	if err != nil {
		return nil, err
	}
	exclude := append([]string{id}, linked...)

	texts := []search.NamedText{{Field: "title", Text: d.Title}, {Field: "summary", Text: d.Summary}, {Field: "summary", Text: d.Definition}, {Field: "body", Text: d.Body}}
	named, err := ix.NamedIn(ctx, search.NamedRequest{Language: d.Language, Texts: texts, Exclude: exclude, Limit: limit, Viewer: v, ViewerCommunities: communities})
	if err != nil {
		return nil, err
	}
	var all []pendingSuggestion
	for _, n := range named {
		s := &model.LinkSuggestion{Reason: model.SuggestionReasonMentionsTerm, Relation: graph.RelMentions,
			Score: n.Weight / (n.Weight + 1), Matched: optional(n.Name), Field: optional(n.Field), Fragment: optional(n.Fragment), SharedTerms: []*model.Term{}}
		if n.Kind == graph.KindOrganisation {
			s.Reason, s.Relation = model.SuggestionReasonMentionsOrganisation, graph.RelConcerns
		}
		all = append(all, pendingSuggestion{s, n.ID})
	}

	if kind == graph.KindNote {
		shared, err := r.sharingTerms(ctx, ix, id, exclude, limit, communities)
		if err != nil {
			return nil, err
		}
		all = append(all, shared...)
	}

	ids := make([]string, len(all))
	for i, p := range all {
		ids[i] = p.id
	}
	docs, err := r.loadDocuments(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, p := range all {
		if docs[i] == nil {
			continue // unreadable since the index saw it: never suggested
		}
		p.s.Target = model.WrapDocument(docs[i])
		out = append(out, p.s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Target.Doc().ID < out[j].Target.Doc().ID
	})
	return out[:min(len(out), limit)], nil
}

// sharingTerms suggests the notes that mention at least minSharedTerms of
// the terms note mentions, scored by the share of their terms in common
// (Jaccard): two notes with the same three terms score 1.
func (r *Resolver) sharingTerms(ctx context.Context, ix *search.Index, note string, exclude []string, limit int, communities []string) ([]pendingSuggestion, error) {
	mine, err := r.store.Links(ctx, []string{note}, graph.RelMentions, graph.Out)
	if err != nil {
		return nil, err
	}
	terms := otherIDs(note, mine[note])
	if len(terms) < minSharedTerms {
		return nil, nil
	}
	hits, err := ix.SharingTerms(ctx, search.SharingRequest{Terms: terms, MinShared: minSharedTerms, Exclude: exclude, Limit: limit,
		Viewer: graph.ViewerFrom(ctx), ViewerCommunities: communities})
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	theirs, err := r.store.Links(ctx, ids, graph.RelMentions, graph.Out)
	if err != nil {
		return nil, err
	}
	type found struct {
		id     string
		shared []string
		union  int
	}
	var fs []found
	var sharedIDs []string
	for _, h := range hits {
		other := otherIDs(h.ID, theirs[h.ID])
		var shared []string
		for _, t := range other {
			if slices.Contains(terms, t) {
				shared = append(shared, t)
			}
		}
		if len(shared) < minSharedTerms {
			continue // the store no longer agrees with the index
		}
		fs = append(fs, found{h.ID, shared, len(terms) + len(other) - len(shared)})
		sharedIDs = append(sharedIDs, shared...)
	}
	// One load for every shared term of every suggestion.
	docs, err := r.loadDocuments(ctx, sharedIDs)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*graph.Document, len(docs))
	for _, d := range docs {
		if d != nil {
			byID[d.ID] = d
		}
	}
	var out []pendingSuggestion
	for _, f := range fs {
		s := &model.LinkSuggestion{Reason: model.SuggestionReasonSharesTerms, Relation: graph.RelLinksTo,
			Score: float64(len(f.shared)) / float64(f.union), SharedTerms: []*model.Term{}}
		for _, t := range f.shared {
			if d := byID[t]; d != nil {
				s.SharedTerms = append(s.SharedTerms, &model.Term{Document: d})
			}
		}
		out = append(out, pendingSuggestion{s, f.id})
	}
	return out, nil
}

// pendingSuggestion is a suggestion whose target is not loaded yet.
type pendingSuggestion struct {
	s  *model.LinkSuggestion
	id string
}

// suggestedRelation is the link accepting a suggestion creates when the
// caller names none.
func suggestedRelation(target graph.Kind) graph.Relation {
	switch target {
	case graph.KindTerm:
		return graph.RelMentions
	case graph.KindOrganisation:
		return graph.RelConcerns
	}
	return graph.RelLinksTo
}

// acceptableRelations are the links a suggestion may become: those
// between two documents.
var acceptableRelations = []graph.Relation{graph.RelMentions, graph.RelConcerns, graph.RelLinksTo, graph.RelRelated, graph.RelBroader}

func (r *Resolver) acceptLinkSuggestion(ctx context.Context, documentID, targetID string, relation *graph.Relation) (*model.AcceptLinkSuggestionPayload, error) {
	if _, err := writer(ctx); err != nil {
		return nil, err
	}
	_, id, err := r.existing(ctx, documentID, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	targetKind, target, err := r.existing(ctx, targetID, graph.DocumentKinds...)
	if err != nil {
		return nil, err
	}
	rel := suggestedRelation(targetKind)
	if relation != nil {
		if !slices.Contains(acceptableRelations, *relation) {
			return nil, graph.Errorf(graph.EINVALID, "a suggestion becomes a MENTIONS, CONCERNS, LINKS_TO, RELATED or BROADER link, not %s", *relation)
		}
		rel = *relation
	}
	// The store checks the kinds (LINKS_TO joins two notes) and the
	// viewer's right to edit the document, as for `link`.
	l, err := r.store.Link(ctx, graph.Link{Relation: rel, From: id, To: target})
	if err != nil {
		return nil, err
	}
	r.wrote(ctx)
	d, err := r.store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	return &model.AcceptLinkSuggestionPayload{Document: model.WrapDocument(d), Link: l}, nil
}
