package graph

import (
	"cmp"
	"slices"
)

// The contributor network is the researchers' map of who writes with whom,
// and from which organisations and communities.

// RequireResearcher is the rule of the contributor network: researchers,
// curators, admins and the system. Mapping who writes with whom is a
// research tool, not a reader's.
func RequireResearcher(v Viewer) error {
	switch {
	case !v.SignedIn():
		return Errorf(EUNAUTHENTICATED, "sign in as a researcher to map the contributors")
	case v.Role != RoleResearcher && v.Role != RoleCurator && v.Role != RoleAdmin && v.Role != RoleSystem:
		return Errorf(EFORBIDDEN, "only researchers, curators and admins may map the contributors")
	}
	return nil
}

// NetworkQuery asks for the network of a scope.
type NetworkQuery struct {
	Scope DocumentScope
}

// Check is what every store checks before it reads a network: the viewer
// is a researcher (or above), the scope is valid.
func (q NetworkQuery) Check(v Viewer) error {
	if err := RequireResearcher(v); err != nil {
		return err
	}
	return q.Scope.Check()
}

// Network is the co-authorship network of a set of documents. It holds
// ids and counts only; standpoints are read apart (Declarations), where
// the per-person rules apply.
type Network struct {
	// Documents counted: those of the scope the viewer may read.
	Documents int
	// Contributors are the distinct authors of those documents, by id,
	// each with the number of them they wrote.
	Contributors []NetworkContributor
	// Coauthorships join two contributors (A < B) who wrote documents
	// together, weighted by how many; sorted by A, then B.
	Coauthorships []Coauthorship
	// Affiliations are the MEMBER_OF and AFFILIATED_WITH links of those
	// contributors whose other end the viewer may read (an organisation is
	// a document with its own visibility), sorted by From, Relation, To.
	Affiliations []Link
}

// NetworkContributor is one contributor of a Network.
type NetworkContributor struct {
	ID        string
	Documents int
}

// Coauthorship is one weighted edge of a Network.
type Coauthorship struct {
	A, B      string
	Documents int
}

// NetworkTally builds a Network from documents and their authors, for
// stores that read authorship themselves.
type NetworkTally struct {
	documents int
	authored  map[string]int
	pairs     map[[2]string]int
}

// NewNetworkTally returns an empty tally.
func NewNetworkTally() *NetworkTally {
	return &NetworkTally{authored: map[string]int{}, pairs: map[[2]string]int{}}
}

// AddDocument counts one document with its authors (repeats ignored).
func (t *NetworkTally) AddDocument(authorIDs []string) {
	t.documents++
	as := slices.Clone(authorIDs)
	slices.Sort(as)
	as = slices.Compact(as)
	for i, a := range as {
		t.authored[a]++
		for _, b := range as[i+1:] {
			t.pairs[[2]string{a, b}]++
		}
	}
}

// Network returns the network so far, without affiliations, sorted.
func (t *NetworkTally) Network() *Network {
	n := &Network{Documents: t.documents}
	for id, d := range t.authored {
		n.Contributors = append(n.Contributors, NetworkContributor{ID: id, Documents: d})
	}
	for p, w := range t.pairs {
		n.Coauthorships = append(n.Coauthorships, Coauthorship{A: p[0], B: p[1], Documents: w})
	}
	n.Sort()
	return n
}

// Sort puts the network's lists in the order Network documents, so that
// every store returns the same network the same way.
func (n *Network) Sort() {
	slices.SortFunc(n.Contributors, func(a, b NetworkContributor) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(n.Coauthorships, func(a, b Coauthorship) int { return cmp.Or(cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B)) })
	slices.SortFunc(n.Affiliations, func(a, b Link) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.Relation, b.Relation), cmp.Compare(a.To, b.To))
	})
}
