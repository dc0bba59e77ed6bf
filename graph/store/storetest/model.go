package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/encommun/maillage/graph"
)

// model is what the suite knows it wrote: every node's kind, every
// document, every link. The visibility checks compare what a viewer gets
// from the store with what the model says that viewer may see.
type model struct {
	kinds map[string]graph.Kind
	docs  map[string]*graph.Document
	links map[string]graph.Link
}

func newModel() *model {
	return &model{kinds: map[string]graph.Kind{}, docs: map[string]*graph.Document{}, links: map[string]graph.Link{}}
}

func (m *model) contributor(f *fixture, id string) {
	f.t.Helper()
	f.contributor(id)
	m.kinds[id] = graph.KindContributor
}

func (m *model) community(f *fixture, id string) {
	f.t.Helper()
	f.community(id)
	m.kinds[id] = graph.KindCommunity
}

func (m *model) carnet(f *fixture, id string, categories ...string) {
	f.t.Helper()
	f.carnet(id, categories...)
	m.kinds[id] = graph.KindCarnet
}

func (m *model) doc(f *fixture, d graph.Document, authors ...string) *graph.Document {
	f.t.Helper()
	got := f.doc(d, authors...)
	m.docs[got.ID] = got
	m.kinds[got.ID] = got.Kind
	for _, a := range authors {
		l := graph.Link{Relation: graph.RelAuthored, From: a, To: got.ID, FromKind: graph.KindContributor, ToKind: got.Kind, Role: graph.AuthorRoleAuthor}
		m.links[linkKey(l)] = l
	}
	return got
}

// link makes l as the system and records it.
func (m *model) link(f *fixture, l graph.Link) {
	f.t.Helper()
	got := f.linkL(l)
	m.links[linkKey(*got)] = *got
}

// linkAs makes l as the viewer of ctx and records it.
func (m *model) linkAs(f *fixture, ctx context.Context, l graph.Link) {
	f.t.Helper()
	got, err := f.s.Link(ctx, l)
	f.must(err, "link %s", linkKey(l))
	m.links[linkKey(*got)] = *got
}

// unlinkAs removes a link as the viewer of ctx and from the model.
func (m *model) unlinkAs(f *fixture, ctx context.Context, rel graph.Relation, from, to string) {
	f.t.Helper()
	f.must(f.s.Unlink(ctx, rel, from, to), "unlink %s %s->%s", rel, from, to)
	delete(m.links, string(rel)+" "+from+"->"+to)
}

// setVisibility changes a document's visibility as the viewer of ctx.
func (m *model) setVisibility(f *fixture, ctx context.Context, id string, v graph.Visibility) {
	f.t.Helper()
	d, err := f.s.UpdateDocument(ctx, id, graph.DocumentUpdate{Version: f.reread(id).Version, Visibility: &v})
	f.must(err, "set the visibility of %s to %s", id, v)
	m.docs[id] = d
}

func (m *model) has(rel graph.Relation, from, to string) bool {
	_, ok := m.links[string(rel)+" "+from+"->"+to]
	return ok
}

// linksOf returns the ids at the other end of id's links of rel in dir.
func (m *model) ends(id string, rel graph.Relation, dir graph.Direction) []string {
	var out []string
	for _, l := range m.links {
		if l.Relation != rel {
			continue
		}
		if (dir != graph.In && l.From == id) || (dir != graph.Out && l.To == id) {
			other, _ := l.Other(id)
			out = append(out, other)
		}
	}
	return out
}

func (m *model) access(id string) graph.DocumentAccess {
	return graph.DocumentAccess{
		Visibility:   m.docs[id].Visibility,
		AuthorIDs:    m.ends(id, graph.RelAuthored, graph.In),
		CommunityIDs: m.ends(id, graph.RelOfCommunity, graph.Out),
	}
}

func (m *model) memberships(contributorID string) map[string]bool {
	out := map[string]bool{}
	if contributorID != "" {
		for _, c := range m.ends(contributorID, graph.RelMemberOf, graph.Out) {
			out[c] = true
		}
	}
	return out
}

// canRead is the contract's rule (graph.Viewer.CanRead) applied to the
// model. Nodes that are not documents are public.
func (m *model) canRead(v graph.Viewer, id string) bool {
	if _, ok := m.docs[id]; !ok {
		_, known := m.kinds[id]
		return known
	}
	return v.CanRead(m.access(id), m.memberships(v.ContributorID))
}

func (m *model) docIDs() []string {
	var out []string
	for id := range m.docs {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func (m *model) nodeIDs() []string {
	var out []string
	for id := range m.kinds {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func (m *model) idsOf(kind graph.Kind) []string {
	var out []string
	for id, k := range m.kinds {
		if k == kind {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// expectedLinks is what Links(ids=[id], rel, dir) must return to a viewer
// for whom readable says which nodes exist.
func (m *model) expectedLinks(id string, rel graph.Relation, dir graph.Direction, readable func(string) bool) []string {
	if !readable(id) {
		return nil
	}
	var out []string
	for k, l := range m.links {
		if l.Relation != rel {
			continue
		}
		if (dir != graph.In && l.From == id) || (dir != graph.Out && l.To == id) {
			if other, _ := l.Other(id); readable(other) {
				out = append(out, k)
			}
		}
	}
	return out
}

type namedFilter struct {
	name   string
	filter graph.DocumentFilter
	match  func(id string) bool
	// via is the node the filter follows links from. A document the viewer
	// may not read behaves as if it did not exist, so filtering by a hidden
	// term or organisation matches nothing, like an unknown id.
	via string
}

// filters returns a filter on every value the model holds, with the rule
// each one applies.
func (m *model) filters() []namedFilter {
	fs := []namedFilter{{"none", graph.DocumentFilter{}, func(string) bool { return true }, ""}}
	for _, k := range graph.DocumentKinds {
		fs = append(fs, namedFilter{"kind " + string(k), graph.DocumentFilter{Kinds: []graph.Kind{k}},
			func(id string) bool { return m.docs[id].Kind == k }, ""})
	}
	fs = append(fs, namedFilter{"kinds Term+Organisation", graph.DocumentFilter{Kinds: []graph.Kind{graph.KindTerm, graph.KindOrganisation}},
		func(id string) bool { return m.docs[id].Kind != graph.KindNote }, ""})
	for _, lang := range []string{"fr", "en"} {
		fs = append(fs, namedFilter{"language " + lang, graph.DocumentFilter{Language: lang},
			func(id string) bool { return m.docs[id].Language == lang }, ""})
	}
	for _, v := range []graph.Visibility{graph.VisibilityPublic, graph.VisibilityCommunity, graph.VisibilityPrivate} {
		fs = append(fs, namedFilter{"visibility " + string(v), graph.DocumentFilter{Visibility: v},
			func(id string) bool { return m.docs[id].Visibility == v }, ""})
	}
	for _, c := range m.idsOf(graph.KindContributor) {
		fs = append(fs, namedFilter{"author " + c, graph.DocumentFilter{AuthorID: c},
			func(id string) bool { return m.has(graph.RelAuthored, c, id) }, ""})
	}
	for _, c := range m.idsOf(graph.KindCommunity) {
		fs = append(fs, namedFilter{"community " + c, graph.DocumentFilter{CommunityID: c},
			func(id string) bool { return m.has(graph.RelOfCommunity, id, c) }, ""})
	}
	for _, t := range m.idsOf(graph.KindTerm) {
		fs = append(fs, namedFilter{"term " + t, graph.DocumentFilter{TermID: t},
			func(id string) bool { return m.has(graph.RelMentions, id, t) }, t})
	}
	for _, o := range m.idsOf(graph.KindOrganisation) {
		fs = append(fs, namedFilter{"organisation " + o, graph.DocumentFilter{OrganisationID: o},
			func(id string) bool { return m.has(graph.RelConcerns, id, o) }, o})
	}
	for _, k := range m.idsOf(graph.KindCarnet) {
		fs = append(fs, namedFilter{"carnet " + k, graph.DocumentFilter{CarnetID: k},
			func(id string) bool { return m.has(graph.RelInCarnet, id, k) }, ""})
		cats := map[string]bool{}
		for _, l := range m.links {
			if l.Relation == graph.RelInCarnet && l.To == k && l.Category != "" {
				cats[l.Category] = true
			}
		}
		for cat := range cats {
			fs = append(fs, namedFilter{"carnet " + k + " category " + cat, graph.DocumentFilter{CarnetID: k, Category: cat},
				func(id string) bool {
					l, ok := m.links[string(graph.RelInCarnet)+" "+id+"->"+k]
					return ok && l.Category == cat
				}, ""})
		}
	}
	return fs
}

// viewerCase is one viewer of the visibility checks; bare means a context
// that carries no viewer at all.
type viewerCase struct {
	name string
	v    graph.Viewer
	bare bool
}

func (f *fixture) ctxFor(vc viewerCase) context.Context {
	if vc.bare {
		return f.anon()
	}
	return f.as(vc.v)
}

const missingID = "absent-0000"

// checkReads compares everything the viewer of ctx reads with what
// readable allows: direct reads, batch reads, revisions, every list filter
// and its TotalCount, every node's links and neighbours.
func checkReads(t *testing.T, f *fixture, m *model, ctx context.Context, readable func(string) bool, listPage int) {
	t.Helper()
	docs := m.docIDs()
	var want []string
	for _, id := range docs {
		if readable(id) {
			want = append(want, id)
		}
	}

	t.Run("Document", func(t *testing.T) {
		_, errMissing := f.s.Document(ctx, missingID)
		for _, id := range docs {
			d, err := f.s.Document(ctx, id)
			if readable(id) {
				if err != nil {
					t.Errorf("Document(%s): %v, want the document", id, err)
				} else if d.ID != id || d.Title != m.docs[id].Title {
					t.Errorf("Document(%s) returned %q %q", id, d.ID, d.Title)
				}
				continue
			}
			if d != nil {
				t.Errorf("Document(%s) returned a hidden document", id)
			}
			wantLikeMissing(t, err, id, errMissing, missingID, "Document of a hidden document")
		}
	})

	t.Run("Documents", func(t *testing.T) {
		ids := slices.Concat(docs, []string{missingID})
		got, err := f.s.Documents(ctx, ids)
		if err != nil {
			t.Fatalf("Documents: %v", err)
		}
		if len(got) != len(ids) {
			t.Fatalf("Documents of %d ids returned %d", len(ids), len(got))
		}
		for i, id := range ids {
			switch {
			case id != missingID && readable(id) && (got[i] == nil || got[i].ID != id):
				t.Errorf("Documents[%d] = %v, want %s", i, got[i], id)
			case (id == missingID || !readable(id)) && got[i] != nil:
				t.Errorf("Documents[%d] = %q: hidden or missing, want nil", i, got[i].ID)
			}
		}
	})

	t.Run("Revisions", func(t *testing.T) {
		_, errMissing := f.s.Revisions(ctx, missingID, graph.Page{})
		for _, id := range docs {
			conn, err := f.s.Revisions(ctx, id, graph.Page{})
			if readable(id) {
				if err != nil || conn.TotalCount < 1 {
					t.Errorf("Revisions(%s): %v, want the revisions", id, err)
				}
				continue
			}
			if conn != nil && len(conn.Edges) > 0 {
				t.Errorf("Revisions(%s) returned the revisions of a hidden document", id)
			}
			wantLikeMissing(t, err, id, errMissing, missingID, "Revisions of a hidden document")
		}
	})

	t.Run("ListDocuments", func(t *testing.T) {
		for _, nf := range m.filters() {
			var exp []string
			for _, id := range want {
				if nf.match(id) && (nf.via == "" || readable(nf.via)) {
					exp = append(exp, id)
				}
			}
			got, total := pageAll(t, listPage, func(p graph.Page) (*graph.Connection[*graph.Document], error) {
				return f.s.ListDocuments(ctx, nf.filter, byCreation, p)
			}, "ListDocuments(%s)", nf.name)
			sameSet(t, docIDs(got), exp, "ListDocuments(%s), %d per page", nf.name, listPage)
			if total != len(exp) {
				t.Errorf("ListDocuments(%s): TotalCount %d, want %d", nf.name, total, len(exp))
			}
		}
		got, _ := f.listDocs(ctx, graph.DocumentFilter{}, graph.DocumentOrder{Field: graph.OrderTitle, Desc: true}, 3)
		sameSet(t, docIDs(got), want, "ListDocuments by title, 3 per page")
	})

	// Without its count, a list pages through exactly the same documents,
	// in the same order: what the viewer may not read is no more in it,
	// and no page says another follows when none does.
	t.Run("ListDocumentsWithoutTotal", func(t *testing.T) {
		f := f.on(t)
		for _, nf := range m.filters() {
			counted, _ := f.listDocs(ctx, nf.filter, byCreation, listPage)
			if got := f.listUncounted(ctx, nf.filter, byCreation, listPage); !slices.Equal(got, docIDs(counted)) {
				t.Errorf("ListDocuments(%s) without total, %d per page: %q, with it: %q", nf.name, listPage, got, docIDs(counted))
			}
		}
		byTitle := graph.DocumentOrder{Field: graph.OrderTitle, Desc: true}
		counted, _ := f.listDocs(ctx, graph.DocumentFilter{}, byTitle, 3)
		if got := f.listUncounted(ctx, graph.DocumentFilter{}, byTitle, 3); !slices.Equal(got, docIDs(counted)) {
			t.Errorf("ListDocuments by title, descending, without total: %q, with it: %q", got, docIDs(counted))
		}
	})

	nodes := slices.Concat(m.nodeIDs(), []string{missingID})
	type linkQuery struct {
		rel graph.Relation
		dir graph.Direction
	}
	byQuery := map[linkQuery]map[string][]graph.Link{}
	t.Run("Links", func(t *testing.T) {
		for _, rel := range graph.Relations {
			for _, dir := range []graph.Direction{graph.Out, graph.In, graph.Both} {
				got, err := f.s.Links(ctx, nodes, rel, dir)
				if err != nil {
					t.Fatalf("Links(%s, %s): %v", rel, dir, err)
				}
				byQuery[linkQuery{rel, dir}] = got
				for id := range got {
					if len(got[id]) > 0 && !readable(id) {
						t.Errorf("Links(%s, %s) has links for %s, which the viewer may not read (or does not exist): %q", rel, dir, id, keys(got[id]))
					}
				}
				for _, id := range nodes {
					if readable(id) {
						sameSet(t, keys(got[id]), m.expectedLinks(id, rel, dir, readable), "Links([%s], %s, %s)", id, rel, dir)
					}
				}
			}
		}
	})

	// LinksOf answers every selection of one call as Links answers it
	// (positions and order included): hidden ends and hidden nodes
	// are left out alike, whatever the other selections of the call.
	t.Run("LinksOf", func(t *testing.T) {
		every, err := f.s.Links(ctx, nodes, "", graph.Both)
		if err != nil {
			t.Fatalf("Links(every relation): %v", err)
		}
		byQuery[linkQuery{"", graph.Both}] = every
		var sel []graph.LinkSelection
		for q := range byQuery {
			for _, id := range nodes {
				sel = append(sel, graph.LinkSelection{ID: id, Relation: q.rel, Direction: q.dir})
			}
		}
		sel = append(sel, sel[0], sel[len(sel)/2]) // asked twice
		got, err := f.s.LinksOf(ctx, sel)
		if err != nil {
			t.Fatalf("LinksOf: %v", err)
		}
		if len(got) != len(sel) {
			t.Fatalf("LinksOf of %d selections returned %d lists", len(sel), len(got))
		}
		for i, q := range sel {
			want := byQuery[linkQuery{q.Relation, q.Direction}][q.ID]
			if !reflect.DeepEqual(got[i], want) {
				t.Errorf("LinksOf[%d] (%s, %q, %s) = %q, Links = %q", i, q.ID, q.Relation, q.Direction, keys(got[i]), keys(want))
			}
			if q.Relation != "" {
				sameSet(t, keys(got[i]), m.expectedLinks(q.ID, q.Relation, q.Direction, readable), "LinksOf[%d] (%s, %s, %s)", i, q.ID, q.Relation, q.Direction)
			}
		}
	})

	t.Run("Neighbours", func(t *testing.T) {
		for _, rel := range graph.Relations {
			missConn, missErr := f.s.Neighbours(ctx, missingID, rel, graph.Both, graph.Page{})
			if missErr == nil && (missConn.TotalCount != 0 || len(missConn.Edges) != 0) {
				t.Errorf("Neighbours of a missing id has %d links", missConn.TotalCount)
			}
			for _, id := range m.nodeIDs() {
				if !readable(id) {
					conn, err := f.s.Neighbours(ctx, id, rel, graph.Both, graph.Page{First: graph.MaxFirst})
					sameAsMissing(t, conn, err, id, missConn, missErr, "Neighbours(%s, %s) of a hidden document", id, rel)
					continue
				}
				exp := m.expectedLinks(id, rel, graph.Both, readable)
				got, total := pageAll(t, 2, func(p graph.Page) (*graph.Connection[graph.Link], error) {
					return f.s.Neighbours(ctx, id, rel, graph.Both, p)
				}, "Neighbours(%s, %s, BOTH)", id, rel)
				sameSet(t, keys(got), exp, "Neighbours(%s, %s, BOTH), 2 per page", id, rel)
				if total != len(exp) {
					t.Errorf("Neighbours(%s, %s, BOTH): TotalCount %d, want %d", id, rel, total, len(exp))
				}
			}
		}
	})
}

// sameAsMissing checks that Neighbours of a hidden node answers exactly as
// for a missing one: the same error (message shape included) or the same
// empty page.
func sameAsMissing(t *testing.T, conn *graph.Connection[graph.Link], err error, id string, missConn *graph.Connection[graph.Link], missErr error, format string, args ...any) {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	switch {
	case missErr != nil:
		if graph.ErrorCode(err) != graph.ErrorCode(missErr) || msgShape(err, id) != msgShape(missErr, missingID) {
			t.Errorf("%s: %v; a missing id gets %v", what, err, missErr)
		}
	case err != nil:
		t.Errorf("%s: %v; a missing id gets an empty page", what, err)
	case conn.TotalCount != 0 || len(conn.Edges) != 0:
		t.Errorf("%s: %d links (%q), want none", what, conn.TotalCount, keys(conn.Nodes()))
	}
}
