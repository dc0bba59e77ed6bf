package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/encommun/maillage/graph"
)

// Limits on the query text. They bound the work one request can cause: each
// term becomes a few Bleve clauses per field and language.
const (
	MaxQueryChars = 512
	MaxQueryTerms = 32
)

// fuzzyMinLetters is the length from which a word tolerates one typo:
// shorter words have too many neighbours one edit away.
const fuzzyMinLetters = 5

// userQuery is the user's text, parsed. The grammar is deliberately small
// and has no error cases beyond the limits: any text is words.
//
//	query   = { space | clause }
//	clause  = [ "-" ] ( phrase | word )
//	phrase  = '"' { any but '"' } ( '"' | end )
//	word    = { any but space or '"' }
//
// Nothing else is syntax: `title:x`, `+body:/.*/`, `AND`, `*` are words,
// which the analyzers then cut into plain terms. Bleve's query-string
// syntax is never used on user input.
type userQuery struct {
	Must    []clause // every one must match
	MustNot []clause // none may match
}

// clause is a word or a quoted phrase, as typed.
type clause struct {
	Text   string
	Phrase bool
}

// fuzzy reports whether the clause tolerates one edit per term.
func (c clause) fuzzy() bool {
	return !c.Phrase && letters(c.Text) >= fuzzyMinLetters
}

// tolerant reports whether typo tolerance would change anything: whether
// some word to match is long enough.
func (q *userQuery) tolerant() bool {
	for _, c := range q.Must {
		if c.fuzzy() {
			return true
		}
	}
	return false
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// parseQuery parses user text. Errors are graph.EINVALID: empty text, too
// long, too many terms, or nothing left to search for (only exclusions).
func parseQuery(s string) (*userQuery, error) {
	if !utf8.ValidString(s) {
		return nil, graph.Errorf(graph.EINVALID, "query is not valid UTF-8")
	}
	if strings.TrimFunc(s, isSpace) == "" {
		return nil, graph.Errorf(graph.EINVALID, "query must not be empty")
	}
	if n := utf8.RuneCountInString(s); n > MaxQueryChars {
		return nil, graph.Errorf(graph.EINVALID, "query is too long: %d characters, at most %d", n, MaxQueryChars)
	}
	q := &userQuery{}
	terms := 0
	add := func(text string, phrase, exclude bool) {
		text = strings.TrimFunc(text, isSpace)
		if text == "" {
			return
		}
		terms += len(strings.FieldsFunc(text, isSpace))
		c := clause{Text: text, Phrase: phrase}
		if exclude {
			q.MustNot = append(q.MustNot, c)
		} else {
			q.Must = append(q.Must, c)
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isSpace(r) {
			i += size
			continue
		}
		exclude := false
		if r == '-' && i+1 < len(s) {
			next, nsize := utf8.DecodeRuneInString(s[i+1:])
			if !isSpace(next) {
				exclude = true
				i++
				r, size = next, nsize
			}
		}
		if r == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				add(s[i+1:], true, exclude)
				break
			}
			add(s[i+1:i+1+end], true, exclude)
			i += 1 + end + 1
			continue
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if isSpace(r) || r == '"' {
				break
			}
			j += size
		}
		add(s[i:j], false, exclude)
		i = j
	}
	if terms > MaxQueryTerms {
		return nil, graph.Errorf(graph.EINVALID, "query has too many terms: %d, at most %d", terms, MaxQueryTerms)
	}
	if len(q.Must) == 0 {
		return nil, graph.Errorf(graph.EINVALID, "query needs at least one word to search for")
	}
	return q, nil
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }
