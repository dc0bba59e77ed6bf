package vault

import (
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode"
)

// Ref is a link from one file to another, as written.
type Ref struct {
	Line int
	// Target names the file: a name, a title or an alias for a wikilink
	// ("Autre note", "dossier/Autre note"), a path relative to the file for
	// a Markdown link ("../dossier/autre-note.md"); heading and block
	// parts (#…, ^…) are removed.
	Target string
	Label  string
	// Wiki is true for [[…]], false for [label](target).
	Wiki bool
}

// Tag is a #tag of the body.
type Tag struct {
	Line int
	Name string
}

// MaxTagLen bounds a tag; a longer "tag" is a run of text, not a keyword.
const MaxTagLen = 100

var (
	mdLink  = regexp.MustCompile(`(!?)\[([^\]\n]*)\]\(\s*(<[^>\n]*>|[^()\s]+)(?:\s+"[^"\n]*")?\s*\)`)
	tagExpr = regexp.MustCompile(`(?:^|[\s(\[,;])#([\p{L}\p{N}_/-]+)`)
	scheme  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// ScanBody finds the links and tags of a Markdown body whose first line is
// line first. Code (fenced blocks and `spans`) holds neither, and embeds of
// attachments (![[image.png]], ![](photo.jpg)) are not links between notes.
func ScanBody(body string, first int) (refs []Ref, tags []Tag) {
	refs, tags, _ = scanBody(body, first)
	return refs, tags
}

// scanBody is ScanBody with the attachments the body embeds.
func scanBody(body string, first int) (refs []Ref, tags []Tag, embeds []Embed) {
	fence := ""
	for i, line := range strings.Split(body, "\n") {
		n := first + i
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if f := fenceOf(trimmed); f != "" {
			fence = f
			continue
		}
		line = blankCode(line)
		line, refs = wikilinks(line, n, refs, &embeds)
		line, refs = markdownLinks(line, n, refs, &embeds)
		for _, m := range tagExpr.FindAllStringSubmatch(line, -1) {
			t := strings.TrimRight(m[1], "/-")
			if t == "" || len(t) > MaxTagLen || !strings.ContainsFunc(t, unicode.IsLetter) {
				continue
			}
			tags = append(tags, Tag{Line: n, Name: t})
		}
	}
	return refs, tags, embeds
}

// fenceOf returns the fence a line opens (``` or ~~~, three or more).
func fenceOf(trimmed string) string {
	for _, c := range []string{"`", "~"} {
		if strings.HasPrefix(trimmed, c+c+c) {
			n := len(trimmed) - len(strings.TrimLeft(trimmed, c))
			return strings.Repeat(c, n)
		}
	}
	return ""
}

// blankCode replaces inline code spans by spaces, keeping offsets.
func blankCode(line string) string {
	if !strings.Contains(line, "`") {
		return line
	}
	b := []byte(line)
	for i := 0; i < len(b); {
		if b[i] != '`' {
			i++
			continue
		}
		run := 1
		for i+run < len(b) && b[i+run] == '`' {
			run++
		}
		closer := strings.Index(string(b[i+run:]), strings.Repeat("`", run))
		if closer < 0 {
			break
		}
		end := i + run + closer + run
		for j := i; j < end; j++ {
			b[j] = ' '
		}
		i = end
	}
	return string(b)
}

// wikilinks collects [[target|label]] links and blanks them out of line,
// so that their text is not read again as tags.
func wikilinks(line string, n int, refs []Ref, embeds *[]Embed) (string, []Ref) {
	if !strings.Contains(line, "[[") {
		return line, refs
	}
	var out strings.Builder
	rest := line
	for {
		start := strings.Index(rest, "[[")
		if start < 0 {
			break
		}
		end := strings.Index(rest[start+2:], "]]")
		if end < 0 {
			break
		}
		inner := rest[start+2 : start+2+end]
		embed := start > 0 && rest[start-1] == '!'
		out.WriteString(rest[:start])
		out.WriteString(strings.Repeat(" ", end+4))
		rest = rest[start+4+end:]
		inner = strings.ReplaceAll(inner, `\|`, "|") // escaped in tables
		target, label, _ := strings.Cut(inner, "|")
		target = stripAnchor(target)
		// ![[Autre note]] embeds a note, which links to it too; an image
		// or a PDF, embedded or linked, is not a note.
		if embed && target != "" && isAttachment(target) {
			*embeds = append(*embeds, Embed{Line: n, Target: target, Alt: embedAlt(label), Wiki: true})
		}
		if target == "" || isAttachment(target) {
			continue
		}
		refs = append(refs, Ref{Line: n, Target: target, Label: strings.TrimSpace(label), Wiki: true})
	}
	out.WriteString(rest)
	return out.String(), refs
}

// markdownLinks collects [label](relative/path.md) links between files;
// URLs with a scheme and attachments are not links between notes.
func markdownLinks(line string, n int, refs []Ref, embeds *[]Embed) (string, []Ref) {
	if !strings.Contains(line, "](") {
		return line, refs
	}
	b := []byte(line)
	for _, m := range mdLink.FindAllStringSubmatchIndex(line, -1) {
		for j := m[0]; j < m[1]; j++ {
			b[j] = ' '
		}
		embed := m[3] > m[2]
		label, target := line[m[4]:m[5]], line[m[6]:m[7]]
		target = strings.TrimSuffix(strings.TrimPrefix(target, "<"), ">")
		if embed && strings.HasPrefix(target, "/") && isAttachment(target) {
			// An embed of an absolute path is refused by name, not ignored.
			*embeds = append(*embeds, Embed{Line: n, Target: target, Alt: strings.TrimSpace(label)})
			continue
		}
		if scheme.MatchString(target) || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "/") {
			continue
		}
		if u, err := url.PathUnescape(target); err == nil {
			target = u
		}
		target = stripAnchor(target)
		if embed && target != "" && isAttachment(target) {
			*embeds = append(*embeds, Embed{Line: n, Target: target, Alt: strings.TrimSpace(label)})
		}
		if target == "" || embed || isAttachment(target) {
			continue
		}
		refs = append(refs, Ref{Line: n, Target: target, Label: strings.TrimSpace(label)})
	}
	return string(b), refs
}

// stripAnchor removes a heading (#…) or block (^…) reference.
func stripAnchor(t string) string {
	if i := strings.IndexAny(t, "#^"); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}

// isAttachment reports whether a target names a file other than a note:
// one with an extension that is not .md.
func isAttachment(target string) bool {
	ext := strings.ToLower(path.Ext(target))
	if ext == "" || ext == ".md" {
		return false
	}
	// "Atelier 2. Bilan" or "version 1.2" have a dot but no extension:
	// extensions are short, without spaces, with a letter.
	return len(ext) <= 6 && !strings.ContainsAny(ext, " ") && strings.ContainsFunc(ext, unicode.IsLetter)
}
