package graph

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// tokenPrefix makes maillage tokens recognisable to secret scanners.
const tokenPrefix = "mlg_"

// TokenIDLen is the length of a token's public id: that many leading
// characters of its hash. 48 bits tell tokens apart (a clash is refused
// at creation); a prefix of the SHA-256 of 256 random bits helps nobody
// find the secret, and, unlike a stored random id, it exists for tokens
// created before ids did, in both stores, with no migration.
const TokenIDLen = 12

// MaxTokenLabel bounds a token's label, in characters.
const MaxTokenLabel = 200

// Token is an API token as stored: only the hash of the secret is kept.
type Token struct {
	// ID is the public id of the token, TokenID(Hash): what lists show and
	// what revoking takes. Stores fill it in when they read a token.
	ID string
	// Hash is the hash of the secret. Lists leave it empty: it is how the
	// store finds a token by its secret, and has no business in a listing.
	Hash          string
	Role          Role
	ContributorID string
	CreatedAt     time.Time
	// ExpiresAt is when the token stops working; zero for never (tokens
	// made before expiry existed).
	ExpiresAt time.Time
	// Label is the operator's note on what the token is for.
	Label string
}

// TokenID returns the public id of the token with that hash.
func TokenID(hash string) string {
	if len(hash) > TokenIDLen {
		return hash[:TokenIDLen]
	}
	return hash
}

// ValidTokenID checks an id given by an operator or caller. Only whole ids
// are accepted: a shorter prefix would pick whichever tokens it happened
// to match.
func ValidTokenID(id string) error {
	if len(id) != TokenIDLen {
		return Errorf(EINVALID, "a token id is %d characters, as `maillage token list` shows it", TokenIDLen)
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return Errorf(EINVALID, "a token id is %d lowercase hexadecimal characters, as `maillage token list` shows it", TokenIDLen)
		}
	}
	return nil
}

// Expired tells whether the token no longer works at now.
func (t *Token) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// ValidateNew checks what a caller sets on a token to create, once the
// store has settled CreatedAt.
func (t *Token) ValidateNew() error {
	if _, err := ParseRole(string(t.Role)); err != nil {
		return err
	}
	if !t.ExpiresAt.IsZero() && !t.ExpiresAt.After(t.CreatedAt) {
		return Errorf(EINVALID, "a token must expire after it is created")
	}
	if utf8.RuneCountInString(t.Label) > MaxTokenLabel {
		return Errorf(EINVALID, "a token label is at most %d characters", MaxTokenLabel)
	}
	if !utf8.ValidString(t.Label) || strings.IndexFunc(t.Label, unicode.IsControl) >= 0 {
		// Labels end up in a terminal table: no escape sequences, no line breaks.
		return Errorf(EINVALID, "a token label is one line of text, without control characters")
	}
	return nil
}

// ExpiredTokenError is what reading an expired token by its secret returns:
// UNAUTHENTICATED, saying when it expired, so that its holder knows to ask
// for a new one rather than suspect a typo.
func ExpiredTokenError(t *Token) *Error {
	return Errorf(EUNAUTHENTICATED, "this token expired on %s: ask an administrator for a new one",
		t.ExpiresAt.UTC().Format(time.RFC3339))
}

// TokenCursor is the position of a token in lists, oldest first.
func TokenCursor(t *Token) Cursor {
	return Cursor{Key: t.CreatedAt.UTC().Format(tokenCursorTime), ID: t.ID}
}

// tokenCursorTime sorts as text in time order (fixed width, UTC).
const tokenCursorTime = "2006-01-02T15:04:05.000000000Z"

// ParseTokenCursor reads the position after which a token list resumes.
func ParseTokenCursor(after string) (at time.Time, id string, err error) {
	c, err := DecodeCursor(after)
	if err != nil {
		return time.Time{}, "", err
	}
	at, perr := time.Parse(tokenCursorTime, c.Key)
	if perr != nil || len(c.ID) > TokenIDLen {
		return time.Time{}, "", Errorf(EINVALID, "invalid cursor: pass an endCursor returned by a previous page of tokens")
	}
	return at, c.ID, nil
}

// CheckTokenPage refuses a page of tokens that no store could serve: a
// bad first, or an after that is not a token list's cursor. Both stores
// check it before reading anything.
func CheckTokenPage(p Page) error {
	if _, err := p.Limit(); err != nil {
		return err
	}
	if p.After != "" {
		if _, _, err := ParseTokenCursor(p.After); err != nil {
			return err
		}
	}
	return nil
}

// Unexpired returns t, or the error of an expired token: what a store's
// TokenByHash answers once it has read t.
func Unexpired(t *Token, now time.Time) (*Token, error) {
	if t.Expired(now) {
		return nil, ExpiredTokenError(t)
	}
	return t, nil
}

// NewTokenSecret returns a fresh secret to hand to the caller once, and the
// hash to store.
func NewTokenSecret() (secret, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashToken(secret)
}

// HashToken returns the stored form of a secret. Secrets are 256 random
// bits, so a fast hash is enough: there is nothing to brute-force.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(sum[:])
}

// RequireTokenAdmin guards listing and revoking tokens: admins and the
// system only.
func RequireTokenAdmin(v Viewer) error {
	if !v.SignedIn() {
		return Errorf(EUNAUTHENTICATED, "sign in as an admin to manage tokens")
	}
	if v.Role != RoleAdmin && v.Role != RoleSystem {
		return Errorf(EFORBIDDEN, "only admins may list or revoke tokens")
	}
	return nil
}

// TokenWatcher is implemented by stores that know in memory when a token
// may have stopped working: the embedded store, whose file only its own
// process writes. TokenRevision changes (after the commit, before the
// call that revoked returns) whenever a token is revoked or deleted, so a
// caller that read a token as valid at revision r knows it still is while
// the revision is r and its expiry has not come. Stores others write too
// (Neo4j) do not implement it: their tokens must be read again.
type TokenWatcher interface {
	TokenRevision() uint64
}
