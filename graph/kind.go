package graph

import (
	"crypto/rand"
	"encoding/base32"
	"regexp"
	"strings"
)

// Kind names the type of a node. The values are the GraphQL type names, which
// is also what Relay global ids carry.
type Kind string

const (
	KindNote          Kind = "Note"
	KindTerm          Kind = "Term"
	KindOrganisation  Kind = "Organisation"
	KindContributor   Kind = "Contributor"
	KindCarnet        Kind = "Carnet"
	KindCommunity     Kind = "Community"
	KindKnowledgeBase Kind = "KnowledgeBase"
)

// Kinds lists every node kind.
var Kinds = []Kind{KindNote, KindTerm, KindOrganisation, KindContributor, KindCarnet, KindCommunity, KindKnowledgeBase}

// DocumentKinds are the kinds that carry text, authors, visibility and revisions.
var DocumentKinds = []Kind{KindNote, KindTerm, KindOrganisation}

// IsDocument reports whether k is one of the document kinds.
func (k Kind) IsDocument() bool {
	return k == KindNote || k == KindTerm || k == KindOrganisation
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ValidateID checks the shape of a caller-chosen id (imports and demo data
// choose their ids; the store generates the others).
func ValidateID(id string) error {
	if !idPattern.MatchString(id) {
		return Errorf(EINVALID, "invalid id %q: use 1 to 64 characters among a-z, 0-9, '-' and '_'", id)
	}
	return nil
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random id: 80 bits, so collisions are not a concern.
func NewID() string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return strings.ToLower(idEncoding.EncodeToString(b[:]))
}
