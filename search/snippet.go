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
}{
	{regexp.MustCompile(`\[\[[^\]|\n]*\|([^\]\n]*)\]\]`), "$1"}, // [[Note|shown text]]
	{regexp.MustCompile(`\[\[([^\]\n]*)\]\]`), "$1"},            // [[Note]]
	{regexp.MustCompile(`!?\[([^\]\n]*)\]\([^)\s]*\)`), "$1"},   // [text](url), images
	{regexp.MustCompile(`\[\[|\]\]`), ""},
	{regexp.MustCompile(`(?m)^[ \t]*(?:#{1,6}|>|[-*+]|\d{1,3}[.)])[ \t]*$`), ""},        // a mark the cut left alone
	{regexp.MustCompile(`(?m)^[ \t]*#{1,6}[ \t]+`), ""},                                 // headings
	{regexp.MustCompile(`(?m)^[ \t]*>[ \t]?`), ""},                                      // quotes
	{regexp.MustCompile(`(?m)^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+`), ""},                  // list items
	{regexp.MustCompile(`(?m)^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-*:?$`), ""}, // table rules
	{regexp.MustCompile(`(?m)^[ \t]*\|[ \t]*|[ \t]*\|[ \t]*$`), ""},                     // table row ends
	{regexp.MustCompile(`[ \t]+\|[ \t]+`), " · "},                                       // table cells
	{regexp.MustCompile("\\*\\*|__|~~|`"), ""},
	{regexp.MustCompile(`(^|[\s(«"'’])[*_](\S)`), "$1$2"},    // *emphasis* opens
	{regexp.MustCompile(`(\S)[*_]([\s).,;:!?…]|$)`), "$1$2"}, // and closes
	{regexp.MustCompile(`\s+`), " "},                         // one line
}

// plainText is s, Markdown source, as the words a reader sees on one line:
// the marks of headings, lists, quotes, tables, emphasis, code, links and
// wikilinks dropped, every run of white space one space.
func plainText(s string) string {
	for _, r := range markdownRules {
		s = r.re.ReplaceAllString(s, r.with)
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
