package vault

import (
	"path"
	"strings"

	"github.com/encommun/maillage/graph"
)

// index finds the files a link may name, case- and accent-insensitively
// (graph.FoldKey): by path in the vault, by file name, by title, by alias,
// in that order of precedence, so that a name always wins over an alias
// that happens to be the same text.
type index struct {
	byPath                   map[string]*File
	byName, byTitle, byAlias map[string][]*File
}

func key(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(path.Ext(s), ".md") {
		s = s[:len(s)-3]
	}
	return graph.FoldKey(s)
}

func noExt(p string) string { return strings.TrimSuffix(p, path.Ext(p)) }

// buildIndex indexes v.Files and reports what makes links ambiguous:
// titles two files share, aliases that are another file's name or title
// (which could make two files point at each other: the name wins), and
// aliases two files share.
func (v *Vault) buildIndex() *index {
	ix := &index{byPath: map[string]*File{}, byName: map[string][]*File{}, byTitle: map[string][]*File{}, byAlias: map[string][]*File{}}
	for _, f := range v.Files {
		ix.byPath[key(f.Path)] = f
		name := key(path.Base(f.Path))
		ix.byName[name] = append(ix.byName[name], f)
		ix.byTitle[key(f.Title)] = append(ix.byTitle[key(f.Title)], f)
		seen := map[string]bool{}
		for _, a := range f.Front.Aliases {
			k := key(a)
			if k == "" || seen[k] || k == key(f.Title) {
				continue
			}
			seen[k] = true
			ix.byAlias[k] = append(ix.byAlias[k], f)
		}
	}
	for _, f := range v.Files {
		for _, g := range ix.byTitle[key(f.Title)] {
			if g != f {
				v.report(f.Path, f.FrontLine, Warning, "title %q is also the title of %s: a link by this title is ambiguous", f.Title, g.Path)
				break
			}
		}
		for _, a := range f.Front.Aliases {
			k := key(a)
			for _, g := range append(ix.byName[k], ix.byTitle[k]...) {
				if g != f {
					v.report(f.Path, f.FrontLine, Warning, "alias %q is the name or title of %s: links to %q lead there", a, g.Path, a)
					break
				}
			}
			for _, g := range ix.byAlias[k] {
				if g != f {
					v.report(f.Path, f.FrontLine, Warning, "alias %q is also an alias of %s: a link to it is ambiguous", a, g.Path)
					break
				}
			}
		}
	}
	return ix
}

// resolve finds the file r names from file from; msg says why when it
// finds none.
func (ix *index) resolve(from *File, r Ref) (to *File, msg string) {
	target := strings.TrimPrefix(strings.TrimPrefix(r.Target, "./"), "/")
	if !r.Wiki {
		p := path.Clean(path.Join(path.Dir(from.Path), target))
		if strings.HasPrefix(p, "../") || p == ".." {
			return nil, "leads out of the vault"
		}
		if f := ix.byPath[key(p)]; f != nil {
			return f, ""
		}
		if strings.Contains(target, "/") {
			return nil, "no such file in the vault"
		}
	}
	if strings.Contains(target, "/") {
		if f := ix.byPath[key(target)]; f != nil {
			return f, ""
		}
		if f := ix.byPath[key(path.Join(path.Dir(from.Path), target))]; f != nil {
			return f, ""
		}
		target = path.Base(target)
	}
	k := key(target)
	for _, by := range []struct {
		what  string
		files []*File
	}{{"file name", ix.byName[k]}, {"title", ix.byTitle[k]}, {"alias", ix.byAlias[k]}} {
		switch len(by.files) {
		case 0:
			continue
		case 1:
			return by.files[0], ""
		}
		// Several: the one in the linking file's folder, as Obsidian does.
		var near []*File
		for _, f := range by.files {
			if path.Dir(f.Path) == path.Dir(from.Path) {
				near = append(near, f)
			}
		}
		if len(near) == 1 {
			return near[0], ""
		}
		names := make([]string, len(by.files))
		for i, f := range by.files {
			names[i] = f.Path
		}
		return nil, "ambiguous: the " + by.what + " of " + strings.Join(names, ", ")
	}
	return nil, "no file has this name, title or alias"
}

// relationFor is the relation a link from a document of kind from to one
// of kind to becomes; "" when none fits (a term or an organisation
// pointing at a note).
func relationFor(from, to graph.Kind) graph.Relation {
	switch to {
	case graph.KindNote:
		if from == graph.KindNote {
			return graph.RelLinksTo
		}
	case graph.KindTerm:
		if from == graph.KindTerm {
			return graph.RelRelated
		}
		return graph.RelMentions
	case graph.KindOrganisation:
		return graph.RelConcerns
	}
	return ""
}
