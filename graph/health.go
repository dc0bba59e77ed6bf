package graph

import (
	"slices"
	"strings"
	"unicode"
)

// HealthCheck names a kind of document that needs a curator's care.
type HealthCheck string

const (
	// CheckOrphan: a document with no link to or from another document
	// (DocumentRelations). Authorship, carnets and communities do not
	// count: they file a document, they do not weave it in.
	CheckOrphan HealthCheck = "ORPHAN"
	// CheckNoCarnet: a note in no carnet.
	CheckNoCarnet HealthCheck = "NOTE_WITHOUT_CARNET"
	// CheckNoDefinition: a term whose definition is empty or blank.
	CheckNoDefinition HealthCheck = "TERM_WITHOUT_DEFINITION"
)

// Valid reports whether c is a known check.
func (c HealthCheck) Valid() bool {
	return c == CheckOrphan || c == CheckNoCarnet || c == CheckNoDefinition
}

// DocumentRelations are the relations that join a document to another
// document: what an orphan lacks.
var DocumentRelations = []Relation{RelLinksTo, RelMentions, RelConcerns, RelBroader, RelRelated}

// RequireCurator is the rule of every curation read: curators, admins and
// the system. Stores call it first, so that no other viewer learns even
// a count.
func RequireCurator(v Viewer) error { return RequireCuratorTo(v, "see the health of the graph") }

// RequireCuratorTo admits curators and admins: UNAUTHENTICATED for an
// anonymous viewer, FORBIDDEN for other roles, each message ending with
// what the viewer wanted to do.
func RequireCuratorTo(v Viewer, what string) error {
	switch {
	case !v.SignedIn():
		return Errorf(EUNAUTHENTICATED, "sign in as a curator to %s", what)
	case !v.IsCurator():
		return Errorf(EFORBIDDEN, "only curators and admins may %s", what)
	}
	return nil
}

// DocumentTitle is what duplicate detection reads of a document.
type DocumentTitle struct {
	ID      string
	Kind    Kind
	Title   string
	Aliases []string
}

// DuplicateGroup is a set of documents of one kind whose titles or
// aliases are near-identical. Key is the shared normalised form.
type DuplicateGroup struct {
	Kind Kind
	Key  string
	IDs  []string // sorted
}

// Cursor orders groups by kind, then first id.
func (g DuplicateGroup) Cursor() Cursor { return Cursor{Key: string(g.Kind), ID: g.IDs[0]} }

// stopWords are dropped when titles are compared: articles and linking
// words change nothing to what a title names.
var stopWords = map[string]bool{
	"le": true, "la": true, "les": true, "l": true, "un": true, "une": true, "des": true, "de": true,
	"du": true, "d": true, "et": true, "en": true, "au": true, "aux": true,
	"the": true, "a": true, "an": true, "of": true, "and": true,
}

// DuplicateKey is the form in which two titles that name the same thing
// meet: accents folded, lower case, punctuation and spaces dropped,
// articles dropped, and a final s or x taken off longer words (plurals).
// "Les réseaux communautaires", "Réseau communautaire" and
// "reseau-communautaire" share one key.
func DuplicateKey(s string) string {
	words := strings.FieldsFunc(FoldKey(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var b strings.Builder
	for _, w := range words {
		if stopWords[w] {
			continue
		}
		if len(w) > 3 && (strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x")) {
			w = w[:len(w)-1]
		}
		b.WriteString(w)
	}
	return b.String()
}

// ProbableDuplicates groups documents of one kind that share a
// DuplicateKey through their titles or aliases (a term whose alias is
// another term's label, say), transitively. Groups come in cursor order.
func ProbableDuplicates(ts []DocumentTitle) []DuplicateGroup {
	parent := make([]int, len(ts))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	type slot struct {
		kind Kind
		key  string
	}
	first := map[slot]int{}
	for i, t := range ts {
		for _, name := range append([]string{t.Title}, t.Aliases...) {
			k := DuplicateKey(name)
			if k == "" {
				continue
			}
			s := slot{t.Kind, k}
			if j, seen := first[s]; seen {
				if a, b := find(i), find(j); a != b {
					parent[a] = b
				}
			} else {
				first[s] = i
			}
		}
	}
	members := map[int][]int{}
	for i := range ts {
		r := find(i)
		members[r] = append(members[r], i)
	}
	var out []DuplicateGroup
	for r, ms := range members {
		ids := make([]string, 0, len(ms))
		for _, m := range ms {
			ids = append(ids, ts[m].ID)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) < 2 {
			continue
		}
		out = append(out, DuplicateGroup{Kind: ts[r].Kind, Key: sharedKey(ts, ms), IDs: ids})
	}
	slices.SortFunc(out, func(a, b DuplicateGroup) int { return a.Cursor().Compare(b.Cursor()) })
	return out
}

// sharedKey names a group by the key most of its documents share (ties:
// the smallest), which is what made them meet.
func sharedKey(ts []DocumentTitle, members []int) string {
	holders := map[string]map[string]bool{}
	for _, m := range members {
		for _, name := range append([]string{ts[m].Title}, ts[m].Aliases...) {
			if k := DuplicateKey(name); k != "" {
				if holders[k] == nil {
					holders[k] = map[string]bool{}
				}
				holders[k][ts[m].ID] = true
			}
		}
	}
	best := ""
	for k, ids := range holders {
		if best == "" || len(ids) > len(holders[best]) || (len(ids) == len(holders[best]) && k < best) {
			best = k
		}
	}
	return best
}
