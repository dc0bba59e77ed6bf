// Package searcheval is a known-item evaluation of maillage's search on a
// real French corpus: the French manual pages of Debian's manpages-fr and
// manpages-fr-dev (testdata/README.md: provenance and licences). Each page
// is a public note; queries are made from each page's own summary (its
// NOM line), verbatim, accent-folded, and with a word missing; the score
// is where the page comes among the first ten hits (MRR@10, recall@10).
//
// The documents go through the real store and the real index (package
// search, with its French analysis), as the server indexes notes.
package searcheval

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Page is one manual page.
type Page struct {
	ID      string `json:"id"`      // its document id (AssignIDs)
	Name    string `json:"name"`    // the file's name: printf
	Section string `json:"section"` // 3
	Names   string `json:"names"`   // the NOM line's names: printf, fprintf, …
	Summary string `json:"summary"` // the NOM line's text after \-
	Body    string `json:"body"`    // the other sections as plain text
	License string `json:"license"` // the page's SPDX-License-Identifier, if it has one
}

// AssignIDs gives each page a distinct document id made of its section
// and name, in the characters a store id allows.
func AssignIDs(pages []Page) {
	seen := map[string]bool{}
	for i := range pages {
		p := &pages[i]
		id := strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
				return r
			case r >= 'A' && r <= 'Z':
				return r - 'A' + 'a'
			}
			return '_'
		}, "man"+p.Section+"-"+p.Name)
		if len(id) > 56 {
			id = id[:56]
		}
		for n := 2; seen[id]; n++ {
			id = fmt.Sprintf("%s-%d", strings.TrimRight(id, "-0123456789"), n)
		}
		seen[id] = true
		p.ID = id
	}
}

var (
	spdxLine  = regexp.MustCompile(`SPDX-License-Identifier:\s*(\S.*)$`)
	fontEsc   = regexp.MustCompile(`\\f(\[[^\]]*\]|\(..|.)`)
	namedEsc  = regexp.MustCompile(`\\(\(..|\[[^\]]*\]|\*\(..|\*\[[^\]]*\]|\*.)`)
	sizeEsc   = regexp.MustCompile(`\\s[+-]?\d`)
	otherEsc  = regexp.MustCompile(`\\[&c/,%:^|!]`)
	quotedArg = regexp.MustCompile(`"([^"]*)"|(\S+)`)
)

// named are the groff characters the pages use, as text.
var named = map[string]string{
	`\(aq`: "'", `\[aq]`: "'", `\(dq`: `"`, `\[dq]`: `"`, `\(em`: "—", `\[em]`: "—", `\(en`: "–", `\[en]`: "–",
	`\(bu`: "•", `\[bu]`: "•", `\(lq`: "“", `\(rq`: "”", `\[lq]`: "“", `\[rq]`: "”", `\(co`: "©", `\[co]`: "©",
	`\(ga`: "`", `\[ga]`: "`", `\(ti`: "~", `\[ti]`: "~", `\(ha`: "^", `\[ha]`: "^", `\(rs`: `\`, `\[rs]`: `\`,
	`\(Fo`: "«", `\(Fc`: "»", `\[Fo]`: "«", `\[Fc]`: "»", `\(mu`: "×", `\[mu]`: "×", `\(>=`: "≥", `\(<=`: "≤",
}

// plain turns one line of groff text into plain text.
func plain(s string) string {
	s = strings.ReplaceAll(s, `\e`, "\x00")
	s = strings.ReplaceAll(s, `\-`, "-")
	s = strings.ReplaceAll(s, `\ `, " ")
	s = strings.ReplaceAll(s, `\~`, " ")
	s = fontEsc.ReplaceAllString(s, "")
	s = sizeEsc.ReplaceAllString(s, "")
	s = namedEsc.ReplaceAllStringFunc(s, func(m string) string { return named[m] })
	s = otherEsc.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "\x00", `\`)
	return strings.TrimSpace(s)
}

// textMacros are the requests whose arguments are running text.
var textMacros = map[string]bool{"B": true, "I": true, "BR": true, "RB": true, "IR": true, "RI": true,
	"BI": true, "IB": true, "SM": true, "SB": true, "IP": true, "TP": false, "SS": true, "UR": false, "MT": false}

// Parse reads one page of groff man source. ok is false for a page that
// only points to another (.so) or has no NOM line.
func Parse(name, section string, r io.Reader) (p Page, ok bool, err error) {
	p = Page{Name: name, Section: section}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var sectionName string
	var nom, body []string
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, `.\"`) || strings.HasPrefix(line, `'\"`) {
			if m := spdxLine.FindStringSubmatch(line); m != nil && p.License == "" {
				p.License = strings.TrimSpace(m[1])
			}
			continue
		}
		var text string
		if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "'") {
			fields := strings.SplitN(strings.TrimSpace(line[1:]), " ", 2)
			macro := fields[0]
			switch {
			case macro == "so":
				return p, false, nil
			case macro == "SH":
				if len(fields) > 1 {
					sectionName = strings.Trim(plain(fields[1]), `"`)
				}
				continue
			case textMacros[macro] && len(fields) > 1:
				var args []string
				for _, m := range quotedArg.FindAllStringSubmatch(fields[1], -1) {
					args = append(args, m[1]+m[2])
				}
				sep := ""
				if macro == "IP" || macro == "SS" || macro == "SM" || macro == "SB" {
					sep = " "
				}
				text = plain(strings.Join(args, sep))
			default:
				continue
			}
		} else {
			text = plain(line)
		}
		if text == "" {
			continue
		}
		switch sectionName {
		case "NOM", "NAME":
			nom = append(nom, text)
		case "SYNOPSIS", "BIBLIOTHÈQUE":
			// Code, not prose: left out, as a note would quote it.
		default:
			body = append(body, text)
		}
	}
	if err := sc.Err(); err != nil {
		return p, false, err
	}
	names, summary, found := strings.Cut(strings.Join(nom, " "), " - ")
	if !found || strings.TrimSpace(summary) == "" {
		return p, false, nil
	}
	p.Names, p.Summary = strings.TrimSpace(names), strings.TrimSpace(summary)
	p.Body = strings.Join(body, "\n")
	return p, true, nil
}

// ReadDir reads every page under root, a man directory (…/man/fr, with
// man1 … man8 in it), gzipped or not, sorted by section then name.
func ReadDir(root string) ([]Page, error) {
	var pages []Page
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasPrefix(filepath.Base(filepath.Dir(path)), "man") {
			return err
		}
		base := strings.TrimSuffix(d.Name(), ".gz")
		dot := strings.LastIndexByte(base, '.')
		if dot <= 0 {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		var r io.Reader = f
		if strings.HasSuffix(d.Name(), ".gz") {
			gz, err := gzip.NewReader(f)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			defer gz.Close()
			r = gz
		}
		p, ok, err := Parse(base[:dot], base[dot+1:], r)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if ok {
			pages = append(pages, p)
		}
		return nil
	})
	slices.SortFunc(pages, func(a, b Page) int {
		return strings.Compare(a.Section+"/"+a.Name, b.Section+"/"+b.Name)
	})
	AssignIDs(pages)
	return pages, err
}

// ReadJSONL reads pages written by WriteJSONL (the committed sample).
func ReadJSONL(r io.Reader) ([]Page, error) {
	var pages []Page
	dec := json.NewDecoder(r)
	for {
		var p Page
		if err := dec.Decode(&p); err == io.EOF {
			return pages, nil
		} else if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
}

// WriteJSONL writes pages one JSON object a line, each body cut to
// maxBody bytes (at a line end) so that a sample stays small.
func WriteJSONL(w io.Writer, pages []Page, maxBody int) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, p := range pages {
		if maxBody > 0 {
			p.Body = cutText(p.Body, maxBody)
		}
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return nil
}
