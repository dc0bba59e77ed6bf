package vault

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FrontMatter is the part of a file's YAML front matter that maillage
// reads. Lists may be written inline ([a, b]) or as a block (- a).
type FrontMatter struct {
	Title      string
	Aliases    []string
	Tags       []string
	Authors    []string
	Date       *time.Time
	Visibility string
	Licence    string
	Kind       string // note, term or organisation
	Carnet     string
	Category   string
	Summary    string
	Language   string
	Definition string // terms
	Website    string // organisations
	// Unknown lists the keys maillage does not use (Obsidian and other
	// tools add their own): they are reported, not an error.
	Unknown []string
}

// Problem is something wrong with a file, at a line (0: the whole file).
type Problem struct {
	Line int
	Msg  string
}

func (p *Problem) Error() string {
	if p.Line == 0 {
		return p.Msg
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
}

func problem(line int, format string, args ...any) *Problem {
	return &Problem{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// MaxFrontMatter bounds the front matter: a few dozen keys fit many times.
const MaxFrontMatter = 64 << 10

// listKeys hold lists; the other known keys hold one text.
var listKeys = map[string]bool{"aliases": true, "tags": true, "authors": true}

var textKeys = map[string]bool{"title": true, "date": true, "visibility": true, "licence": true, "license": true,
	"kind": true, "carnet": true, "category": true, "summary": true, "language": true, "lang": true,
	"definition": true, "website": true}

// SplitFrontMatter separates the front matter from the body. A file
// without front matter is all body. It returns the front matter's lines
// (without the fences), the body and the line number the body starts on.
func SplitFrontMatter(src string) (fm []string, body string, bodyLine int, err *Problem) {
	src = strings.TrimPrefix(src, "\uFEFF")
	first, rest, found := strings.Cut(src, "\n")
	if strings.TrimRight(first, " \t\r") != "---" {
		return nil, src, 1, nil
	}
	line, size := 1, 0
	for found {
		var l string
		l, rest, found = strings.Cut(rest, "\n")
		line++
		if t := strings.TrimRight(l, " \t\r"); t == "---" || t == "..." {
			return fm, rest, line + 1, nil
		}
		if size += len(l) + 1; size > MaxFrontMatter {
			return nil, "", 0, problem(line, "front matter is longer than %d KiB: is its closing --- missing?", MaxFrontMatter>>10)
		}
		fm = append(fm, strings.TrimSuffix(l, "\r"))
	}
	return nil, "", 0, problem(1, "front matter is not closed: no line --- after the opening one")
}

// ParseFrontMatter reads the strict subset of YAML that front matter
// needs: top-level `key: value` pairs whose values are plain, 'single' or
// "double" quoted scalars, inline lists [a, b], or block lists of such
// scalars on the following lines (- a). Anything else (nested maps, block
// scalars, anchors, tags, flow maps) is refused with its line, rather than
// guessed at: a mistaken visibility would publish what was meant private.
// first is the file line of lines[0].
func ParseFrontMatter(lines []string, first int) (FrontMatter, *Problem) {
	var fm FrontMatter
	seen := map[string]int{}
	values := map[string][]string{}
	var listKey string // the key whose block list is being read
	for i, raw := range lines {
		n := first + i
		if !utf8.ValidString(raw) {
			return fm, problem(n, "not valid UTF-8")
		}
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.HasPrefix(raw, "\t") {
			return fm, problem(n, "tab indentation: YAML indents with spaces")
		}
		if strings.HasPrefix(trimmed, "- ") || trimmed == "-" {
			if listKey == "" {
				return fm, problem(n, "a list item (- …) with no key above it")
			}
			if raw[0] != ' ' && raw[0] != '-' {
				return fm, problem(n, "unexpected indentation")
			}
			v, err := scalar(strings.TrimSpace(strings.TrimPrefix(trimmed, "-")), n)
			if err != nil {
				return fm, err
			}
			values[listKey] = append(values[listKey], v)
			continue
		}
		if raw[0] == ' ' {
			return fm, problem(n, "nested values are not supported: keep keys at the start of the line")
		}
		key, rest, ok := strings.Cut(raw, ":")
		if !ok || !validKey(key) {
			return fm, problem(n, "expected `key: value`")
		}
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			return fm, problem(n, "expected a space after %q", key+":")
		}
		key = strings.ToLower(key)
		if prev, dup := seen[key]; dup {
			return fm, problem(n, "key %q is given twice (first on line %d)", key, prev)
		}
		seen[key] = n
		listKey = ""
		rest = strings.TrimSpace(rest)
		switch {
		case rest == "" || rest == "~" || rest == "null":
			listKey = key // a block list may follow
			values[key] = nil
		case strings.HasPrefix(rest, "["):
			items, err := inlineList(rest, n)
			if err != nil {
				return fm, err
			}
			values[key] = items
		default:
			v, err := scalar(rest, n)
			if err != nil {
				return fm, err
			}
			values[key] = []string{v}
		}
	}
	for key, vs := range values {
		line := seen[key]
		switch {
		case listKeys[key]:
			var out []string
			for _, v := range vs {
				if v = strings.TrimSpace(v); v != "" {
					out = append(out, v)
				}
			}
			switch key {
			case "aliases":
				fm.Aliases = out
			case "tags":
				// Obsidian writes tags with or without their #.
				for _, t := range out {
					fm.Tags = append(fm.Tags, strings.TrimPrefix(t, "#"))
				}
			case "authors":
				fm.Authors = out
			}
		case textKeys[key]:
			if len(vs) > 1 {
				return fm, problem(line, "%q takes one value, not a list", key)
			}
			v := ""
			if len(vs) == 1 {
				v = strings.TrimSpace(vs[0])
			}
			switch key {
			case "title":
				fm.Title = v
			case "date":
				if v != "" {
					t, err := parseDate(v)
					if err != nil {
						return fm, problem(line, "date %q: use YYYY-MM-DD or an RFC 3339 time", v)
					}
					fm.Date = &t
				}
			case "visibility":
				fm.Visibility = strings.ToUpper(v)
			case "licence", "license":
				if fm.Licence != "" && v != fm.Licence {
					return fm, problem(line, "both licence and license are given")
				}
				fm.Licence = v
			case "kind":
				fm.Kind = strings.ToLower(v)
			case "carnet":
				fm.Carnet = v
			case "category":
				fm.Category = v
			case "summary":
				fm.Summary = v
			case "language", "lang":
				fm.Language = strings.ToLower(v)
			case "definition":
				fm.Definition = v
			case "website":
				fm.Website = v
			}
		default:
			fm.Unknown = append(fm.Unknown, key)
		}
	}
	return fm, nil
}

func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for i, r := range k {
		ok := r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// scalar reads one plain or quoted scalar.
func scalar(s string, line int) (string, *Problem) {
	if s == "" {
		return "", nil
	}
	switch s[0] {
	case '"':
		v, rest, err := doubleQuoted(s, line)
		if err != nil {
			return "", err
		}
		if t := strings.TrimSpace(rest); t != "" && !strings.HasPrefix(t, "#") {
			return "", problem(line, "text after the closing quote")
		}
		return v, nil
	case '\'':
		v, rest, err := singleQuoted(s, line)
		if err != nil {
			return "", err
		}
		if t := strings.TrimSpace(rest); t != "" && !strings.HasPrefix(t, "#") {
			return "", problem(line, "text after the closing quote")
		}
		return v, nil
	case '&', '*', '!', '|', '>', '{', '%', '@', '`':
		return "", problem(line, "unsupported YAML (%q): write the value as plain or quoted text", s[:1])
	}
	// A plain scalar ends at a comment (" #"); ": " inside it is what
	// YAML reads as a nested map, which front matter has no use for.
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i]
	}
	if strings.Contains(s, ": ") {
		return "", problem(line, "a plain value cannot contain \": \": put it in quotes")
	}
	return strings.TrimSpace(s), nil
}

func doubleQuoted(s string, line int) (string, string, *Problem) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 >= len(s) {
				return "", "", problem(line, "unfinished escape in a quoted value")
			}
			i++
			switch s[i] {
			case '"', '\\', '/':
				b.WriteByte(s[i])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if i+4 >= len(s) {
					return "", "", problem(line, "bad \\u escape")
				}
				n, err := strconv.ParseUint(s[i+1:i+5], 16, 32)
				if err != nil || !utf8.ValidRune(rune(n)) {
					return "", "", problem(line, "bad \\u escape")
				}
				b.WriteRune(rune(n))
				i += 4
			default:
				return "", "", problem(line, "unsupported escape \\%c", s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", problem(line, "a quoted value is not closed")
}

func singleQuoted(s string, line int) (string, string, *Problem) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), s[i+1:], nil
		}
		b.WriteByte(s[i])
	}
	return "", "", problem(line, "a quoted value is not closed")
}

// inlineList reads [a, "b, c", 'd'].
func inlineList(s string, line int) ([]string, *Problem) {
	var out []string
	rest := strings.TrimSpace(s[1:])
	for {
		if strings.HasPrefix(rest, "]") {
			if t := strings.TrimSpace(rest[1:]); t != "" && !strings.HasPrefix(t, "#") {
				return nil, problem(line, "text after the closing ]")
			}
			return out, nil
		}
		if rest == "" {
			return nil, problem(line, "a list [ … ] is not closed on its line")
		}
		var item string
		var err *Problem
		switch rest[0] {
		case '"':
			item, rest, err = doubleQuoted(rest, line)
		case '\'':
			item, rest, err = singleQuoted(rest, line)
		case '[', '{':
			return nil, problem(line, "nested lists and maps are not supported")
		default:
			end := strings.IndexAny(rest, ",]")
			if end < 0 {
				return nil, problem(line, "a list [ … ] is not closed on its line")
			}
			item, err = scalar(strings.TrimSpace(rest[:end]), line)
			rest = rest[end:]
		}
		if err != nil {
			return nil, err
		}
		out = append(out, item)
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, ",") {
			rest = strings.TrimSpace(rest[1:])
		} else if !strings.HasPrefix(rest, "]") {
			return nil, problem(line, "expected , or ] in the list")
		}
	}
}

func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date")
}
