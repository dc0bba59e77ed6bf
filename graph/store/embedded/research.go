package embedded

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/encommun/maillage/graph"
	"go.etcd.io/bbolt"
)

// Statistics and the contributor network read a whole scope of documents
// in one read transaction, so that the counts describe one state of the
// graph. Declarations are read here, not through Declarations: the
// per-person rule of that method would hide the AGGREGATE values these
// counts are made of. They go straight into a graph.CoverageTally, and
// only its suppressed result leaves the store.

// perIDLimit is the size from which a scope of ids is read by walking
// every document (sequential reads, one pass) rather than by looking each
// id up (a random read each). A variable so that tests run both paths.
var perIDLimit = 4096

// cancelEvery is how many documents a scope walk reads between two
// checks of the context: a request past its time limit stops soon.
const cancelEvery = 1024

// stepsBeforeSeek is how far the authorship cursor walks forward before
// it seeks instead: documents are visited in id order, so the next one's
// authors are usually a few keys on, and a step is much cheaper than a
// seek from the root of the tree.
const stepsBeforeSeek = 16

// scopeDocuments calls fn with each document of scope that the viewer may
// read, each once, and its authors. The slices fn receives are valid
// only during the call: they alias the database pages.
func (r *reader) scopeDocuments(ctx context.Context, scope graph.DocumentScope, fn func(id []byte, authors [][]byte)) error {
	var authors [][]byte
	if !scope.All && len(scope.IDs) < perIDLimit {
		seen := make(map[string]bool, len(scope.IDs))
		by := &authorship{c: r.in.Cursor()}
		for i, id := range scope.IDs {
			if i%cancelEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			k := r.kind(id)
			if !k.IsDocument() {
				continue
			}
			ok, err := r.canRead(id, k)
			if err != nil {
				return err
			}
			if ok {
				authors = by.of([]byte(id), authors, false)
				fn([]byte(id), authors)
			}
		}
		return nil
	}
	var wanted map[string]bool
	if !scope.All {
		wanted = make(map[string]bool, len(scope.IDs))
		for _, id := range scope.IDs {
			wanted[id] = true
		}
	}
	readable := r.readableRule()
	n := 0
	for _, kind := range graph.DocumentKinds {
		// The head bucket lists a kind's documents in id order with
		// their visibility: authorship, keyed by document id too, is then
		// read by one cursor moving forward.
		by := &authorship{c: r.in.Cursor()}
		c := r.headsOf(kind).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if n++; n%cancelEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if wanted != nil && !wanted[string(k)] {
				continue
			}
			h, err := readHead(v)
			if err != nil {
				return fmt.Errorf("head of %s: %w", k, err)
			}
			if !readable(k, h.visibility) {
				continue
			}
			authors = by.of(k, authors, true)
			fn(k, authors)
		}
	}
	return nil
}

// authorship reads documents' AUTHORED links with one cursor. Asked for
// documents in increasing id order, it steps forward from where the last
// one ended; otherwise, or when the next one is far, it seeks.
type authorship struct {
	c          *bbolt.Cursor
	k          []byte // the key the cursor is on, not yet consumed; nil at the end
	positioned bool
	prefix     []byte
}

// of returns the ids of id's authors, appended to out[:0].
func (a *authorship) of(id []byte, out [][]byte, forward bool) [][]byte {
	a.prefix = append(append(append(append(a.prefix[:0], id...), 0), graph.RelAuthored...), 0)
	k := a.k
	if !forward || !a.positioned {
		k, _ = a.c.Seek(a.prefix)
	} else {
		for steps := 0; k != nil && bytes.Compare(k, a.prefix) < 0; steps++ {
			if steps == stepsBeforeSeek {
				k, _ = a.c.Seek(a.prefix)
				break
			}
			k, _ = a.c.Next()
		}
	}
	out = out[:0]
	for ; k != nil && bytes.HasPrefix(k, a.prefix); k, _ = a.c.Next() {
		out = append(out, k[len(a.prefix):])
	}
	a.k, a.positioned = k, true
	return out
}

// readableRule returns graph.Viewer.CanRead for a walk over every
// document: the documents the viewer wrote and the COMMUNITY documents of
// their communities are read up front, one prefix scan each, rather than
// looked up per document as canReadHead does.
func (r *reader) readableRule() func(id, visibility []byte) bool {
	if r.v.SeesEverything() {
		return func([]byte, []byte) bool { return true }
	}
	authored := map[string]bool{}
	tied := map[string]bool{}
	if me := r.v.ContributorID; me != "" {
		for _, d := range r.linkedIDs(r.out, me, graph.RelAuthored) {
			authored[d] = true
		}
		for _, c := range r.linkedIDs(r.out, me, graph.RelMemberOf) {
			for _, d := range r.linkedIDs(r.in, c, graph.RelOfCommunity) {
				tied[d] = true
			}
		}
	}
	public, community := []byte(graph.VisibilityPublic), []byte(graph.VisibilityCommunity)
	return func(id, visibility []byte) bool {
		switch {
		case bytes.Equal(visibility, public):
			return true
		case authored[string(id)]:
			return true
		default:
			return bytes.Equal(visibility, community) && tied[string(id)]
		}
	}
}

// countedDeclarations returns a contributor's PUBLIC and AGGREGATE
// declarations: PRIVATE ones are not even decoded.
func (r *reader) countedDeclarations(id string) ([]graph.Declaration, error) {
	var out []graph.Declaration
	prefix := idPrefix(id)
	c := r.tx.Bucket(bDecls).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		dim, val, ok := strings.Cut(string(k[len(prefix):]), "\x00")
		if !ok {
			return nil, fmt.Errorf("declaration key %q: %w", k, errBadRecord)
		}
		d, err := decodeDeclaration(id, dim, val, v)
		if err != nil {
			return nil, fmt.Errorf("declaration %q: %w", k, err)
		}
		if d.Visibility == graph.DeclPublic || d.Visibility == graph.DeclAggregate {
			out = append(out, d)
		}
	}
	return out, nil
}

// StandpointCoverage implements graph.ResearchStore.
func (s *Store) StandpointCoverage(ctx context.Context, q graph.CoverageQuery) (*graph.Coverage, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	var counts graph.CoverageCounts
	err := s.view(ctx, func(r *reader) error {
		t := graph.NewCoverageTally()
		number := map[string]int{} // contributor id → tally number
		var nums []int
		var declErr error
		notCounted := map[string]bool{} // commenters who never chose to be counted
		err := r.scopeDocuments(ctx, q.Scope, func(doc []byte, authors [][]byte) {
			if declErr != nil {
				return // reported once the walk ends
			}
			nums = nums[:0]
			for _, a := range authors {
				i, ok := number[string(a)]
				if !ok {
					id := string(a)
					var ds []graph.Declaration
					if ds, declErr = r.countedDeclarations(id); declErr != nil {
						return
					}
					i = t.AddContributor(id, ds)
					number[id] = i
				}
				nums = append(nums, i)
			}
			var commenters []string
			if commenters, declErr = r.commenters(string(doc)); declErr != nil {
				return
			}
			for _, id := range commenters {
				if slices.ContainsFunc(authors, func(a []byte) bool { return string(a) == id }) || notCounted[id] {
					continue
				}
				i, ok := number[id]
				if !ok {
					var ds []graph.Declaration
					if ds, declErr = r.countedDeclarations(id); declErr != nil {
						return
					}
					if !graph.CommenterTakesPart(ds) {
						notCounted[id] = true
						continue
					}
					i = t.AddContributor(id, ds)
					number[id] = i
				}
				nums = append(nums, i)
			}
			t.AddDocument(nums)
		})
		if err != nil {
			return err
		}
		if declErr != nil {
			return declErr
		}
		counts = t.Counts()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return q.Release(counts)
}

// ContributorNetwork implements graph.ResearchStore.
func (s *Store) ContributorNetwork(ctx context.Context, q graph.NetworkQuery) (*graph.Network, error) {
	if err := q.Check(viewerOf(ctx)); err != nil {
		return nil, err
	}
	var out *graph.Network
	err := s.view(ctx, func(r *reader) error {
		t := graph.NewNetworkTally()
		var ids []string
		err := r.scopeDocuments(ctx, q.Scope, func(_ []byte, authors [][]byte) {
			ids = ids[:0]
			for _, a := range authors {
				ids = append(ids, string(a))
			}
			t.AddDocument(ids)
		})
		if err != nil {
			return err
		}
		out = t.Network()
		for _, c := range out.Contributors {
			for _, rel := range []graph.Relation{graph.RelMemberOf, graph.RelAffiliatedWith} {
				ls, err := r.visibleLinks(c.ID, rel, graph.Out)
				if err != nil {
					return err
				}
				out.Affiliations = append(out.Affiliations, ls...)
			}
		}
		out.Sort()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
