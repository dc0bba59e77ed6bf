// Package vault imports a folder of Markdown files (an Obsidian or Logseq
// vault, a wiki export) into the knowledge graph: each *.md file is a
// note, a term or an organisation; its YAML front matter gives its title,
// aliases, tags, authors, date, visibility, licence, carnet and category;
// [[wikilinks]] and Markdown links between files become links, #tags
// become terms.
//
// Every file has a stable id derived from its path in the vault, so that
// importing the same vault again updates what changed instead of
// duplicating it. A bad file (malformed front matter, binary, not UTF-8,
// too large) is reported with its line and left out; the rest goes in.
package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/encommun/maillage/graph"
)

// MaxFileSize bounds a file: the largest body a document may have, its
// front matter, and room for both. A larger file is reported and skipped
// without being read.
const MaxFileSize = graph.MaxBodyLen + MaxFrontMatter + 4096

// Severity says whether a problem kept a file out.
type Severity string

const (
	// Skipped: the file was not imported.
	Skipped Severity = "skipped"
	// Warning: the file was imported; something in it was not (a link that
	// leads nowhere, an unknown key).
	Warning Severity = "warning"
)

// Report is one line of the import report.
type Report struct {
	Path     string
	Line     int
	Severity Severity
	Msg      string
}

func (r Report) String() string {
	loc := r.Path
	if r.Line > 0 {
		loc = fmt.Sprintf("%s:%d", r.Path, r.Line)
	}
	return fmt.Sprintf("%s: %s: %s", loc, r.Severity, r.Msg)
}

// File is one Markdown file, parsed.
type File struct {
	Path  string // relative to the vault, with slashes
	ID    string
	Kind  graph.Kind
	Title string
	Front FrontMatter
	// FrontLine is the line of the front matter's first key (for reports).
	FrontLine int
	Body      string
	Refs      []Ref
	Tags      []Tag
	// Embeds are the attachments the body embeds (![[audio.mp3]],
	// ![alt](image.png)): media of the document (media.go).
	Embeds []Embed
}

// Vault is a folder of Markdown files, read and checked.
type Vault struct {
	Dir     string
	Files   []*File
	Reports []Report
	// Ignored counts files that are not Markdown (attachments, …).
	Ignored int
	// Attachments are the regular files that are not Markdown, relative
	// to Dir with slashes: what embeds may name.
	Attachments []string
}

func (v *Vault) report(p string, line int, sev Severity, format string, args ...any) {
	v.Reports = append(v.Reports, Report{Path: p, Line: line, Severity: sev, Msg: fmt.Sprintf(format, args...)})
}

// Read walks dir and parses every *.md file in it, in path order. Hidden
// folders (.obsidian, .git, .trash) are skipped, and so are symbolic
// links, which could lead out of the vault.
func Read(dir string) (*Vault, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	v := &Vault{Dir: dir}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			v.report(rel, 0, Skipped, "cannot read: %v", unwrapPath(err))
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if !strings.EqualFold(path.Ext(d.Name()), ".md") {
			v.Ignored++
			if d.Type().IsRegular() {
				v.Attachments = append(v.Attachments, rel)
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 || !d.Type().IsRegular() {
			v.report(rel, 0, Skipped, "not a regular file (a symbolic link?): not followed")
			return nil
		}
		v.readFile(p, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(v.Files, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	return v, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readFile reads and parses one file, or reports why it cannot.
func (v *Vault) readFile(p, rel string) {
	f, err := os.Open(p)
	if err != nil {
		v.report(rel, 0, Skipped, "cannot read: %v", unwrapPath(err))
		return
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() > MaxFileSize {
		v.report(rel, 0, Skipped, "too large: %.1f MB, at most %d KB", float64(info.Size())/1e6, MaxFileSize/1000)
		return
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		v.report(rel, 0, Skipped, "cannot read: %v", unwrapPath(err))
		return
	}
	if len(b) > MaxFileSize {
		v.report(rel, 0, Skipped, "too large: more than %d KB", MaxFileSize/1000)
		return
	}
	file, prob := Parse(rel, b)
	if prob != nil {
		v.report(rel, prob.Line, Skipped, "%s", prob.Msg)
		return
	}
	for _, k := range file.Front.Unknown {
		v.report(rel, file.FrontLine, Warning, "front matter key %q is not used by maillage", k)
	}
	v.Files = append(v.Files, file)
}

// Parse reads one file's bytes: encoding, front matter, links and tags.
func Parse(rel string, b []byte) (*File, *Problem) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return nil, problem(1+bytes.Count(b[:i], []byte("\n")), "binary file (a NUL byte): not Markdown")
	}
	if !utf8.Valid(b) {
		line := 1
		for len(b) > 0 {
			r, size := utf8.DecodeRune(b)
			if r == utf8.RuneError && size <= 1 {
				break
			}
			if r == '\n' {
				line++
			}
			b = b[size:]
		}
		return nil, problem(line, "not valid UTF-8: save the file as UTF-8")
	}
	src := strings.ReplaceAll(string(b), "\r\n", "\n")
	fmLines, body, bodyLine, prob := SplitFrontMatter(src)
	if prob != nil {
		return nil, prob
	}
	front, prob := ParseFrontMatter(fmLines, 2)
	if prob != nil {
		return nil, prob
	}
	f := &File{Path: rel, ID: FileID(rel), Front: front, FrontLine: 2, Body: strings.TrimSpace(body)}
	switch front.Kind {
	case "", "note":
		f.Kind = graph.KindNote
	case "term":
		f.Kind = graph.KindTerm
	case "organisation", "organization":
		f.Kind = graph.KindOrganisation
	default:
		return nil, problem(2, "kind %q: use note, term or organisation", front.Kind)
	}
	f.Title = front.Title
	if f.Title == "" {
		f.Title = strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	}
	f.Refs, f.Tags, f.Embeds = scanBody(body, bodyLine)
	for _, t := range front.Tags {
		f.Tags = append(f.Tags, Tag{Line: 2, Name: t})
	}
	return f, nil
}

// FileID is the stable id of the file at rel (relative, with slashes):
// readable, and unique thanks to a hash of the exact path.
func FileID(rel string) string {
	rel = norm.NFC.String(rel)
	return stableID("md-", strings.TrimSuffix(rel, path.Ext(rel)), rel)
}

// stableID is prefix, a slug of name and 8 hex digits of a hash of key,
// within graph.ValidateID's 64 characters.
func stableID(prefix, name, key string) string {
	s := slug(name)
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:4])
	if s == "" {
		return prefix + h
	}
	return prefix + s + "-" + h
}

// slug folds s to lowercase ASCII letters and digits joined by dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range graph.FoldKey(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
