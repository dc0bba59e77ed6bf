package search

import (
	"html"
	"regexp"
	"strings"
	"unicode"
)

// While a fragment is made plain, two private-use runes stand for <mark>
// and </mark>, so that the Markdown rules see text only and the marks go
// back where they were.
const (
	markOpen  = "\uE000"
	markClose = "\uE001"
)

var (
	// A text holding the runes themselves loses them, or they would come
	// out as marks.
	toSentinels   = strings.NewReplacer(markOpen, "", markClose, "", "<mark>", markOpen, "</mark>", markClose)
	noSentinels   = strings.NewReplacer(markOpen, "", markClose, "")
	fromSentinels = strings.NewReplacer(markOpen, "<mark>", markClose, "</mark>")
)

// markdownRules turn the Markdown source the index holds into the text a
// reader sees, in order. A fragment may cut a construct in two: the halves
// of a wikilink go too.
var markdownRules = []struct {
	re   *regexp.Regexp
	with string
	// need tells whether the rule can match s: regexps are most of a
	// results page's highlighting time, and most fragments are plain text.
	need func(s string) bool
}{
	{regexp.MustCompile(`\[\[[^\]|\n]*\|([^\]\n]*)\]\]`), "$1", hasAny("[")}, // [[Note|shown text]]
	{regexp.MustCompile(`\[\[([^\]\n]*)\]\]`), "$1", hasAny("[")},            // [[Note]]
	{regexp.MustCompile(`!?\[([^\]\n]*)\]\([^)\s]*\)`), "$1", hasAny("[")},   // [text](url), images
	{regexp.MustCompile(`\[\[|\]\]`), "", hasAny("[]")},
	{regexp.MustCompile(`(?m)^[ \t]*(?:#{1,6}|>|[-*+]|\d{1,3}[.)])[ \t]*$`), "", lineStartsWith("#>-*+0123456789")}, // a mark the cut left alone
	{regexp.MustCompile(`(?m)^[ \t]*#{1,6}[ \t]+`), "", lineStartsWith("#")},                                        // headings
	{regexp.MustCompile(`(?m)^[ \t]*>[ \t]?`), "", lineStartsWith(">")},                                             // quotes
	{regexp.MustCompile(`(?m)^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+`), "", lineStartsWith("-*+0123456789")},             // list items
	{regexp.MustCompile(`(?m)^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-*:?$`), "", hasAny("|")},                // table rules
	{regexp.MustCompile(`(?m)^[ \t]*\|[ \t]*|[ \t]*\|[ \t]*$`), "", hasAny("|")},                                    // table row ends
	{regexp.MustCompile(`[ \t]+\|[ \t]+`), " · ", hasAny("|")},                                                      // table cells
	{regexp.MustCompile("\\*\\*|__|~~|`"), "", hasAny("*_~`")},
	{regexp.MustCompile(`(^|[\s(«"'’])[*_](\S)`), "$1$2", hasAny("*_")},    // *emphasis* opens
	{regexp.MustCompile(`(\S)[*_]([\s).,;:!?…]|$)`), "$1$2", hasAny("*_")}, // and closes
	{regexp.MustCompile(`\s+`), " ", spaceToFold},                          // one line
}

// hasAny is a markdownRules need: s holds one of chars.
func hasAny(chars string) func(string) bool {
	return func(s string) bool { return strings.ContainsAny(s, chars) }
}

// lineStartsWith is a markdownRules need: a line of s begins, after spaces
// and tabs, with one of chars.
func lineStartsWith(chars string) func(string) bool {
	return func(s string) bool {
		for start := 0; ; {
			i := start
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
			if i < len(s) && strings.IndexByte(chars, s[i]) >= 0 {
				return true
			}
			nl := strings.IndexByte(s[i:], '\n')
			if nl < 0 {
				return false
			}
			start = i + nl + 1
		}
	}
}

// spaceToFold is the need of `\s+` → " ": some white space other than a
// lone space (\s is [\t\n\f\r ] in Go's regexp).
func spaceToFold(s string) bool {
	return strings.ContainsAny(s, "\t\n\f\r") || strings.Contains(s, "  ")
}

// plainText is s, Markdown source, as the words a reader sees on one line:
// the marks of headings, lists, quotes, tables, emphasis, code, links and
// wikilinks dropped, every run of white space one space.
func plainText(s string) string {
	for _, r := range markdownRules {
		if r.need(s) {
			s = r.re.ReplaceAllString(s, r.with)
		}
	}
	return s
}

// plainFragment makes a fragment of Bleve's HTML highlighter (escaped
// Markdown source, <mark>…</mark> around matches, "…" where it was cut out
// of a longer text) read as text that starts and ends on whole words: the
// highlighter cuts at a byte count, mid-word, and the Markdown marks it
// leaves in (## À quoi ça sert, [[Autre note]], **gras**) read as noise.
// The result is escaped again, with its marks.
func plainFragment(f string) string {
	s := html.UnescapeString(toSentinels.Replace(f))
	cutStart, cutEnd := strings.HasPrefix(s, "…"), strings.HasSuffix(s, "…")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "…"), "…")
	if cutStart {
		s = dropFirstWord(s)
	}
	if cutEnd {
		s = dropLastWord(s)
	}
	s = strings.TrimSpace(plainText(s))
	out := fromSentinels.Replace(html.EscapeString(s))
	if cutStart {
		out = "…" + out
	}
	if cutEnd {
		out += "…"
	}
	return out
}

// dropFirstWord removes what precedes the first white space of s, a word
// the fragment may have cut, unless a match is in it.
func dropFirstWord(s string) string {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 || strings.Contains(s[:i], markOpen) || strings.Contains(s[:i], markClose) {
		return s
	}
	return s[i:]
}

// dropLastWord removes what follows the last white space of s, unless a
// match is in it.
func dropLastWord(s string) string {
	i := strings.LastIndexFunc(s, unicode.IsSpace)
	if i < 0 || strings.Contains(s[i:], markOpen) || strings.Contains(s[i:], markClose) {
		return s
	}
	return s[:i]
}
