package search

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

// TestVisibilityProperty seeds random public, community and private
// documents (notes, terms and organisations, linked every which way) and
// random viewers into a real store, indexes them, and checks for each
// viewer and a set of searches that the hits, the total and every facet
// are exactly what the store itself lets that viewer read: nothing hidden
// is revealed, nothing readable is lost.
func TestVisibilityProperty(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { visibilityProperty(t, seed) })
	}
}

var propertyWords = []string{"jardin", "cuisine", "habitat", "transport", "lecture"}

func visibilityProperty(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	s := openStore(t, t.TempDir())
	w := world{t, s}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	some := func(xs []string, max int) []string {
		n := rng.IntN(max + 1)
		out := map[string]bool{}
		for range n {
			out[pick(xs)] = true
		}
		return slices.Sorted(maps.Keys(out))
	}

	contributors := []string{"c0", "c1", "c2", "c3", "c4"}
	communities := []string{"g0", "g1", "g2"}
	carnets := []string{"k0", "k1"}
	for _, c := range contributors {
		w.contributor(c)
	}
	for _, g := range communities {
		w.community(g)
	}
	for _, k := range carnets {
		w.carnet(k)
	}
	for _, c := range contributors {
		for _, g := range some(communities, 2) {
			w.link(graph.RelMemberOf, c, g)
		}
		for _, dim := range []string{"region", "generation"} {
			vis := []graph.DeclarationVisibility{graph.DeclPublic, graph.DeclPrivate, graph.DeclAggregate}[rng.IntN(3)]
			w.declare(c, dim, pick([]string{"a", "b", "c"}), vis)
		}
	}
	visibilities := []graph.Visibility{graph.VisibilityPublic, graph.VisibilityCommunity, graph.VisibilityPrivate}
	var terms, orgs []string
	for i := range 45 {
		kind := graph.KindNote
		switch {
		case i < 6:
			kind = graph.KindTerm
		case i < 10:
			kind = graph.KindOrganisation
		}
		id := fmt.Sprintf("d%02d", i)
		words := append([]string{"atelier"}, some(propertyWords, 3)...)
		lang := pick([]string{"fr", "fr", "en", "es"})
		w.doc(graph.Document{ID: id, Kind: kind, Language: lang, Visibility: visibilities[rng.IntN(3)],
			Title: "Atelier " + id, Body: strings.Join(words, " ")}, some(contributors, 2)...)
		for _, g := range some(communities, 2) {
			w.link(graph.RelOfCommunity, id, g)
		}
		for _, k := range some(carnets, 1) {
			w.link(graph.RelInCarnet, id, k)
		}
		if kind == graph.KindNote {
			for _, tm := range some(terms, 2) {
				w.link(graph.RelMentions, id, tm)
			}
			for _, o := range some(orgs, 2) {
				w.link(graph.RelConcerns, id, o)
			}
		}
		// A third of the notes hold a recording or a drawing, whose words
		// are searched as the note's and whose format is in the facet.
		if kind == graph.KindNote && rng.IntN(3) == 0 {
			f := []graph.MediaFormat{graph.MediaAudio, graph.MediaImage}[rng.IntN(2)]
			_, err := s.CreateMedia(sys, graph.Media{DocumentID: id, SHA256: strings.Repeat("cd", 32), Size: 1,
				MIME: "audio/ogg", Format: f, Cues: []graph.MediaCue{{Text: "témoignage"}}})
			ok(t, err)
		}
		switch kind {
		case graph.KindTerm:
			terms = append(terms, id)
		case graph.KindOrganisation:
			orgs = append(orgs, id)
		}
	}

	ix := openIndex(t, t.TempDir(), nil)
	ok(t, ix.CatchUp(t.Context(), s))
	// Relevance pages try the candidates first (topk.go) however few the
	// matches, so that the property covers that path too.
	ix.fewMatches = 0

	viewers := []graph.Viewer{{}, {Role: graph.RoleResearcher}, {Role: graph.RoleCurator}}
	for _, c := range contributors {
		viewers = append(viewers, graph.Viewer{Role: graph.RoleContributor, ContributorID: c})
	}
	queries := []Request{{Query: "atelier"}}
	for _, word := range propertyWords {
		queries = append(queries, Request{Query: "atelier " + word})
	}
	queries = append(queries,
		Request{Query: "atelier", Filter: Filter{Communities: []string{"g0"}}},
		Request{Query: "atelier", Filter: Filter{Authors: []string{"c1", "c2"}}},
		Request{Query: "atelier", Filter: Filter{Terms: terms[:3]}},
		Request{Query: "atelier", Filter: Filter{Organisations: orgs}},
		Request{Query: "atelier", Filter: Filter{Standpoints: []Standpoint{{"region", "a"}, {"generation", "b"}}}},
		Request{Query: "atelier -jardin", Filter: Filter{Kinds: []graph.Kind{graph.KindNote}}},
		Request{Query: "atelier témoignage"},
	)

	oracle := newOracle(t, s)
	atLeast := 0
	defer func() {
		if atLeast == 0 || ix.boundedPages.Load() == 0 {
			t.Errorf("the bounded path was not exercised: %d totals at least, %d bounded pages (%d not)", atLeast, ix.boundedPages.Load(), ix.boundedMisses.Load())
		}
	}()
	for _, v := range viewers {
		members := oracle.memberships(v)
		visible := oracle.visible(v)
		for _, q := range queries {
			q.Viewer, q.ViewerCommunities, q.Facets, q.FacetSize = v, members, true, MaxFacetSize
			name := fmt.Sprintf("viewer %s/%s query %q filter %+v", v.Role, v.ContributorID, q.Query, q.Filter)
			want := oracle.expect(v, visible, q)

			got := map[string]bool{}
			var first *Result
			q.First = 7
			for page := 0; ; page++ {
				res := search(t, ix, q)
				if first == nil {
					first = res
				}
				for _, h := range res.Hits {
					if got[h.ID] {
						t.Errorf("%s: %s twice", name, h.ID)
					}
					got[h.ID] = true
				}
				if !res.HasNextPage || page > 20 {
					break
				}
				q.After = res.EndCursor
			}
			if gotIDs, wantIDs := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want.ids)); !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("%s:\n hits %q\n want %q", name, gotIDs, wantIDs)
			}
			if first.TotalCount != len(want.ids) {
				t.Errorf("%s: total %d, want %d", name, first.TotalCount, len(want.ids))
			}
			if gotF := facetMap(first.Facets); fmt.Sprint(gotF) != fmt.Sprint(want.facets) {
				t.Errorf("%s:\n facets %v\n   want %v", name, gotF, want.facets)
			}
			// Without facets the total is counted apart, and up to a
			// bound: past it, "at least" the bound.
			for _, upTo := range []int{0, 1, 3} {
				counted := q
				counted.First, counted.After, counted.Facets, counted.CountUpTo = 7, "", false, upTo
				res := search(t, ix, counted)
				wantTotal, wantAtLeast := len(want.ids), false
				if upTo > 0 && wantTotal > upTo {
					wantTotal, wantAtLeast = upTo, true
					atLeast++
				}
				if res.TotalCount != wantTotal || res.TotalAtLeast != wantAtLeast {
					t.Errorf("%s, counting up to %d: total %d (at least: %v), want %d (%v)", name, upTo, res.TotalCount, res.TotalAtLeast, wantTotal, wantAtLeast)
				}
				for _, h := range res.Hits {
					if !want.ids[h.ID] {
						t.Errorf("%s, counting up to %d: hit %s", name, upTo, h.ID)
					}
				}
			}
			// Small facets: the readable values that count most, however
			// many unreadable ones the index is asked about first.
			for _, size := range []int{1, 2} {
				small := q
				small.First, small.After, small.FacetSize = 7, "", size
				res := search(t, ix, small)
				for _, f := range res.Facets {
					var all []Bucket
					for v, n := range want.facets[f.Field] {
						all = append(all, Bucket{v, n})
					}
					slices.SortFunc(all, func(a, b Bucket) int {
						if a.Count != b.Count {
							return b.Count - a.Count
						}
						return strings.Compare(a.Value, b.Value)
					})
					if wantB := all[:min(size, len(all))]; fmt.Sprint(f.Buckets) != fmt.Sprint(wantB) {
						t.Errorf("%s, facet size %d: %s %v, want %v", name, size, f.Field, f.Buckets, wantB)
					}
				}
			}
		}
	}
}

// oracle answers from the store what a viewer may see.
type oracle struct {
	t     *testing.T
	s     graph.Store
	all   []*graph.Document
	words map[string][]string // document id → body words
}

func newOracle(t *testing.T, s graph.Store) *oracle {
	o := &oracle{t: t, s: s, words: map[string][]string{}}
	o.all = listAll(t, sys, s)
	ids := make([]string, len(o.all))
	for i, d := range o.all {
		o.words[d.ID] = strings.Fields(d.Body)
		ids[i] = d.ID
	}
	media, err := s.MediaOf(sys, ids)
	ok(t, err)
	for id, ms := range media {
		for _, m := range ms {
			for _, c := range m.Cues {
				o.words[id] = append(o.words[id], strings.Fields(c.Text)...)
			}
		}
	}
	return o
}

func viewerCtx(v graph.Viewer) context.Context { return graph.WithViewer(context.Background(), v) }

func listAll(t *testing.T, ctx context.Context, s graph.Store) []*graph.Document {
	t.Helper()
	var out []*graph.Document
	p := graph.Page{First: graph.MaxFirst}
	for {
		conn, err := s.ListDocuments(ctx, graph.DocumentFilter{}, graph.DocumentOrder{}, p)
		ok(t, err)
		out = append(out, conn.Nodes()...)
		if !conn.PageInfo.HasNextPage {
			return out
		}
		p.After = conn.PageInfo.EndCursor
	}
}

func (o *oracle) memberships(v graph.Viewer) []string {
	if v.ContributorID == "" {
		return nil
	}
	links, err := o.s.Links(sys, []string{v.ContributorID}, graph.RelMemberOf, graph.Out)
	ok(o.t, err)
	var out []string
	for _, l := range links[v.ContributorID] {
		out = append(out, l.To)
	}
	return out
}

// visible is the store's own answer: the documents v may read.
func (o *oracle) visible(v graph.Viewer) map[string]*graph.Document {
	out := map[string]*graph.Document{}
	for _, d := range listAll(o.t, viewerCtx(v), o.s) {
		out[d.ID] = d
	}
	// Cross-check the store with graph's rule, from the system's view.
	members := map[string]bool{}
	for _, g := range o.memberships(v) {
		members[g] = true
	}
	for _, d := range o.all {
		acc := graph.DocumentAccess{Visibility: d.Visibility, AuthorIDs: o.others(sys, d.ID, graph.RelAuthored, graph.In), CommunityIDs: o.others(sys, d.ID, graph.RelOfCommunity, graph.Out)}
		if v.CanRead(acc, members) != (out[d.ID] != nil) {
			o.t.Fatalf("store and graph.CanRead disagree on %s for %+v", d.ID, v)
		}
	}
	return out
}

func (o *oracle) others(ctx context.Context, id string, rel graph.Relation, dir graph.Direction) []string {
	links, err := o.s.Links(ctx, []string{id}, rel, dir)
	ok(o.t, err)
	var out []string
	for _, l := range links[id] {
		other, _ := l.Other(id)
		out = append(out, other)
	}
	sort.Strings(out)
	return out
}

type expectation struct {
	ids    map[string]bool
	facets map[string]map[string]int
}

// expect computes the hits and facets of q for v from the store, read as v
// (links to documents v cannot read are not returned to v) with the
// authors' declarations read as the system (PUBLIC ones only).
func (o *oracle) expect(v graph.Viewer, visible map[string]*graph.Document, q Request) expectation {
	ctx := viewerCtx(v)
	e := expectation{ids: map[string]bool{}, facets: map[string]map[string]int{}}
	for _, f := range FacetFields {
		e.facets[f] = map[string]int{}
	}
	words := strings.Fields(q.Query)
	for id, d := range visible {
		if !o.matches(id, words) {
			continue
		}
		links := map[graph.Relation][]string{}
		for _, il := range indexedLinks {
			links[il.rel] = o.others(ctx, id, il.rel, il.dir)
		}
		decls := map[string][]graph.Declaration{}
		for _, a := range links[graph.RelAuthored] {
			got, err := o.s.Declarations(sys, []string{a})
			ok(o.t, err)
			decls[a] = got[a]
		}
		en := newEntry(d, links, decls)
		if !o.passes(q.Filter, en, visible) {
			continue
		}
		e.ids[id] = true
		// The viewer's own read of the media: what the index counts
		// must be what the viewer may read.
		ms, err := o.s.MediaOf(ctx, []string{id})
		ok(o.t, err)
		for _, f := range mediaFormats(ms[id]) {
			e.facets[FacetFormat][f]++
		}
		e.facets[FacetKind][string(en.Kind)]++
		e.facets[FacetLanguage][en.Language]++
		for f, vals := range map[string][]string{FacetCarnet: en.CarnetIDs, FacetCommunity: en.CommunityIDs,
			FacetTerm: en.TermIDs, FacetOrganisation: en.OrgIDs, FacetStandpoint: en.Standpoints} {
			for _, x := range vals {
				e.facets[f][x]++
			}
		}
	}
	return e
}

func (o *oracle) matches(id string, words []string) bool {
	for _, w := range words {
		exclude := strings.HasPrefix(w, "-")
		w = strings.TrimPrefix(w, "-")
		if slices.Contains(o.words[id], w) == exclude {
			return false
		}
	}
	return true
}

func (o *oracle) passes(f Filter, en entry, visible map[string]*graph.Document) bool {
	anyIn := func(want, have []string) bool {
		if len(want) == 0 {
			return true
		}
		for _, x := range want {
			if slices.Contains(have, x) {
				return true
			}
		}
		return false
	}
	var kinds []string
	for _, k := range f.Kinds {
		kinds = append(kinds, string(k))
	}
	// A filter on a term or organisation the viewer cannot read matches
	// nothing: en already lacks links to those.
	readable := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			if visible[id] != nil {
				out = append(out, id)
			}
		}
		if len(ids) > 0 && len(out) == 0 {
			return []string{"\x00none"}
		}
		return out
	}
	if !anyIn(kinds, []string{string(en.Kind)}) || !anyIn(f.Communities, en.CommunityIDs) ||
		!anyIn(f.Authors, en.AuthorIDs) || !anyIn(readable(f.Terms), en.TermIDs) || !anyIn(readable(f.Organisations), en.OrgIDs) {
		return false
	}
	byDim := map[string][]string{}
	for _, sp := range f.Standpoints {
		byDim[sp.Dimension] = append(byDim[sp.Dimension], standpointKey(sp.Dimension, sp.Value))
	}
	for _, vals := range byDim {
		if !anyIn(vals, en.Standpoints) {
			return false
		}
	}
	return true
}

func facetMap(fs []Facet) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, f := range fs {
		out[f.Field] = map[string]int{}
		for _, b := range f.Buckets {
			out[f.Field][b.Value] = b.Count
		}
	}
	return out
}
