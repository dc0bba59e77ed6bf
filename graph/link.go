package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Relation is the type of a link between two nodes (a Neo4j relationship type).
type Relation string

const (
	RelAuthored       Relation = "AUTHORED"        // contributor → document, with Role
	RelLinksTo        Relation = "LINKS_TO"        // note → note
	RelMentions       Relation = "MENTIONS"        // document → term
	RelConcerns       Relation = "CONCERNS"        // document → organisation
	RelInCarnet       Relation = "IN_CARNET"       // document → carnet, with Category and Position
	RelInBase         Relation = "IN_BASE"         // carnet → knowledge base
	RelOfCommunity    Relation = "OF_COMMUNITY"    // document | carnet → community
	RelMemberOf       Relation = "MEMBER_OF"       // contributor → community
	RelAffiliatedWith Relation = "AFFILIATED_WITH" // contributor → organisation
	RelBroader        Relation = "BROADER"         // term → broader term
	RelRelated        Relation = "RELATED"         // term → term, symmetric in meaning
)

// Relations lists every relation; it is also the allow-list that keeps
// relation names out of caller-built query text.
var Relations = []Relation{RelAuthored, RelLinksTo, RelMentions, RelConcerns, RelInCarnet, RelInBase,
	RelOfCommunity, RelMemberOf, RelAffiliatedWith, RelBroader, RelRelated}

// endpoints says which kinds each relation joins.
var endpoints = map[Relation]struct{ from, to []Kind }{
	RelAuthored:       {[]Kind{KindContributor}, DocumentKinds},
	RelLinksTo:        {[]Kind{KindNote}, []Kind{KindNote}},
	RelMentions:       {DocumentKinds, []Kind{KindTerm}},
	RelConcerns:       {DocumentKinds, []Kind{KindOrganisation}},
	RelInCarnet:       {DocumentKinds, []Kind{KindCarnet}},
	RelInBase:         {[]Kind{KindCarnet}, []Kind{KindKnowledgeBase}},
	RelOfCommunity:    {append([]Kind{KindCarnet}, DocumentKinds...), []Kind{KindCommunity}},
	RelMemberOf:       {[]Kind{KindContributor}, []Kind{KindCommunity}},
	RelAffiliatedWith: {[]Kind{KindContributor}, []Kind{KindOrganisation}},
	RelBroader:        {[]Kind{KindTerm}, []Kind{KindTerm}},
	RelRelated:        {[]Kind{KindTerm}, []Kind{KindTerm}},
}

// Valid reports whether r is a known relation.
func (r Relation) Valid() bool {
	_, ok := endpoints[r]
	return ok
}

// Direction of a link as seen from one node.
type Direction string

const (
	Out  Direction = "OUT"
	In   Direction = "IN"
	Both Direction = "BOTH"
)

// LinkSelection names the links of one node that one list of a
// LinksOf call holds: those of Relation (every relation when empty) in
// Direction, as Links would select them.
type LinkSelection struct {
	ID        string
	Relation  Relation
	Direction Direction
}

// Valid reports whether d is a known direction.
func (d Direction) Valid() bool { return d == Out || d == In || d == Both }

// Link is a typed relationship. Role is set on AUTHORED links, Category
// and Position on IN_CARNET links.
type Link struct {
	Relation  Relation
	From      string
	To        string
	FromKind  Kind
	ToKind    Kind
	Role      string
	Category  string
	Position  int
	CreatedAt time.Time
}

// Author roles on AUTHORED links.
const (
	AuthorRoleAuthor      = "AUTHOR"
	AuthorRoleContributor = "CONTRIBUTOR"
	AuthorRoleEditor      = "EDITOR"
)

// ValidateLink checks a link's relation against the kinds of its ends, which
// the store has looked up.
func ValidateLink(l Link) error {
	ep, ok := endpoints[l.Relation]
	if !ok {
		return Errorf(EINVALID, "unknown relation %q", l.Relation)
	}
	if l.From == l.To {
		return Errorf(EINVALID, "a node cannot be linked to itself")
	}
	if !kindIn(l.FromKind, ep.from) || !kindIn(l.ToKind, ep.to) {
		return Errorf(EINVALID, "%s cannot join a %s to a %s", l.Relation, l.FromKind, l.ToKind)
	}
	if l.Relation == RelAuthored {
		switch l.Role {
		case "":
		case AuthorRoleAuthor, AuthorRoleContributor, AuthorRoleEditor:
		default:
			return Errorf(EINVALID, "author role must be AUTHOR, CONTRIBUTOR or EDITOR")
		}
	} else if l.Role != "" {
		return Errorf(EINVALID, "only AUTHORED links have a role")
	}
	if l.Relation != RelInCarnet && (l.Category != "" || l.Position != 0) {
		return Errorf(EINVALID, "only IN_CARNET links have a category and a position")
	}
	if l.Position < 0 {
		return Errorf(EINVALID, "position must not be negative")
	}
	return validateText("category", l.Category, MaxNameLen, false)
}

func kindIn(k Kind, ks []Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// Other returns the end of l that is not id.
func (l Link) Other(id string) (string, Kind) {
	if l.From == id {
		return l.To, l.ToKind
	}
	return l.From, l.FromKind
}

// LinkCursor orders links in a node's neighbour list: carnet membership by
// position, everything else by creation time; ties by the other end's id.
func LinkCursor(self string) func(Link) Cursor {
	return func(l Link) Cursor {
		other, _ := l.Other(self)
		if l.Relation == RelInCarnet {
			return Cursor{Key: positionKey(l.Position), ID: other}
		}
		return Cursor{Key: TimeKey(l.CreatedAt), ID: other}
	}
}

func positionKey(p int) string { return fmt.Sprintf("%010d", p) }

// CarnetRanks is the position rule of carnets (issue #15): the position a
// viewer is shown for a carnet entry is its rank, from 1, among the
// carnet's entries that viewer may read, ordered by stored position and
// then by document id. Stored positions are sort keys only; shown as they
// are, their gaps would reveal where hidden entries sit, and a new entry's
// position would count them. entries are one carnet's IN_CARNET links whose
// document the viewer may read, as the store's query found them; the result
// maps each document id to its rank.
func CarnetRanks(entries []Link) map[string]int {
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b Link) int {
		if c := cmp.Compare(a.Position, b.Position); c != 0 {
			return c
		}
		return strings.Compare(a.From, b.From)
	})
	ranks := make(map[string]int, len(sorted))
	for i, l := range sorted {
		ranks[l.From] = i + 1
	}
	return ranks
}

// SortLinks puts one node's links in neighbour order (LinkCursor), keeping
// the order of links with equal cursors. Each cursor is computed once, not
// once per comparison: formatting two dates per comparison made sorting a
// hub's thousands of links the bulk of a graph walk.
func SortLinks(self string, links []Link) {
	cursor := LinkCursor(self)
	// Sorting small keys with their index, the index breaking ties, is
	// stable and moves no Link until the final permutation.
	type keyed struct {
		c Cursor
		i int
	}
	ks := make([]keyed, len(links))
	for i, l := range links {
		ks[i] = keyed{cursor(l), i}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if r := a.c.Compare(b.c); r != 0 {
			return r
		}
		return a.i - b.i
	})
	sorted := make([]Link, len(links))
	for i, k := range ks {
		sorted[i] = links[k.i]
	}
	copy(links, sorted)
}

// CanAddLink holds the rule that a link's ends cannot tell: communities take
// members by invitation. Membership opens the community's COMMUNITY
// documents to the member, so a contributor who could add themself could
// read any community's documents; a curator (or admin) adds members, and a
// member may leave on their own (Unlink keeps the From-end rule).
func CanAddLink(v Viewer, l Link) error {
	if l.Relation == RelMemberOf && !v.IsCurator() {
		return Errorf(EFORBIDDEN, "communities take members by invitation: a curator adds %q to %q", l.From, l.To)
	}
	return nil
}

// MergeLink is the rule of writing l where old (nil when absent) is the
// stored link of the same relation and ends, in every store: a rewrite
// keeps the first creation time, and a zero Role or Position keeps the
// stored one; a new link is dated now unless given a date (restores
// and imports carry theirs), in UTC, and an AUTHORED link without a role
// is by an author.
func MergeLink(l *Link, old *Link, now time.Time) {
	if old != nil {
		l.CreatedAt = old.CreatedAt
		if l.Role == "" {
			l.Role = old.Role
		}
		if l.Position == 0 {
			l.Position = old.Position
		}
		return
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = now
	}
	l.CreatedAt = l.CreatedAt.UTC()
	if l.Relation == RelAuthored && l.Role == "" {
		l.Role = AuthorRoleAuthor
	}
}
