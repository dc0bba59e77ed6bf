package vault

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func parseFM(src string) (FrontMatter, string, *Problem) {
	lines, body, _, p := SplitFrontMatter(src)
	if p != nil {
		return FrontMatter{}, "", p
	}
	fm, p := ParseFrontMatter(lines, 2)
	return fm, body, p
}

func TestFrontMatterAccepts(t *testing.T) {
	t.Parallel()
	date := time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, src string
		want      FrontMatter
		body      string
	}{
		{"none", "Juste du texte\n", FrontMatter{}, "Juste du texte\n"},
		{"plain", "---\ntitle: Les communs\nvisibility: public\n---\ncorps", FrontMatter{Title: "Les communs", Visibility: "PUBLIC"}, "corps"},
		{"quoted", "---\ntitle: \"Atelier 4 : feuille\"\nsummary: 'L''hiver'\n---\n", FrontMatter{Title: "Atelier 4 : feuille", Summary: "L'hiver"}, ""},
		{"escapes", "---\ntitle: \"a\\\"b\\\\c \\u00e9\"\n---\n", FrontMatter{Title: "a\"b\\c é"}, ""},
		{"inline list", "---\naliases: [A, \"B, C\", 'D']\ntags: [#un, deux]\n---\n", FrontMatter{Aliases: []string{"A", "B, C", "D"}, Tags: []string{"un", "deux"}}, ""},
		{"block list", "---\nauthors:\n  - Ada\n  - \"Grace H.\"\n- Linus\n---\n", FrontMatter{Authors: []string{"Ada", "Grace H.", "Linus"}}, ""},
		{"comments", "---\n# tête\ntitle: Titre # fin\n---\n", FrontMatter{Title: "Titre"}, ""},
		{"date", "---\ndate: 2024-02-10\n---\n", FrontMatter{Date: &date}, ""},
		{"empty values", "---\ntitle:\ntags: []\nlicence: ~\n---\n", FrontMatter{}, ""},
		{"license spelling", "---\nlicense: CC0-1.0\nkind: Term\n---\n", FrontMatter{Licence: "CC0-1.0", Kind: "term"}, ""},
		{"unknown keys", "---\ncssclass: wide\ntitle: T\n---\n", FrontMatter{Title: "T", Unknown: []string{"cssclass"}}, ""},
		{"dots close", "---\ntitle: T\n...\nbody", FrontMatter{Title: "T"}, "body"},
		{"bom and crlf", "\uFEFF---\r\ntitle: T\r\n---\r\nb", FrontMatter{Title: "T"}, "b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fm, body, p := parseFM(c.src)
			if p != nil {
				t.Fatalf("refused: %v", p)
			}
			if !reflect.DeepEqual(fm, c.want) || body != c.body {
				t.Errorf("got %+v body %q\nwant %+v body %q", fm, body, c.want, c.body)
			}
		})
	}
}

func TestFrontMatterRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, src string
		line      int
		says      string
	}{
		{"not closed", "---\ntitle: T\nbody\n", 1, "not closed"},
		{"unterminated quote", "---\ntitle: \"T\n---\n", 2, "not closed"},
		{"duplicate key", "---\ntitle: A\nTitle: B\n---\n", 3, "twice"},
		{"nested map", "---\nauteur:\n  nom: X\n---\n", 3, "nested"},
		{"plain colon", "---\ntitle: A: B\n---\n", 2, "quotes"},
		{"anchor", "---\ntitle: &a T\n---\n", 2, "unsupported"},
		{"alias", "---\ntitle: *a\n---\n", 2, "unsupported"},
		{"block scalar", "---\nsummary: |\n  texte\n---\n", 2, "unsupported"},
		{"flow map", "---\ntitle: {a: b}\n---\n", 2, "unsupported"},
		{"nested list", "---\ntags: [a, [b]]\n---\n", 2, "nested"},
		{"open list", "---\ntags: [a, b\n---\n", 2, "not closed"},
		{"tab", "---\ntitle: T\n\t- x\n---\n", 3, "tab"},
		{"list without key", "---\n- x\n---\n", 2, "no key"},
		{"list for a text", "---\ntitle: [A, B]\n---\n", 2, "one value"},
		{"no colon", "---\njuste du texte\n---\n", 2, "key: value"},
		{"bad date", "---\ndate: demain\n---\n", 2, "date"},
		{"bad escape", "---\ntitle: \"\\q\"\n---\n", 2, "escape"},
		{"two licences", "---\nlicence: A\nlicense: B\n---\n", 0, "both"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, p := parseFM(c.src)
			if p == nil {
				t.Fatal("accepted")
			}
			if (c.line != 0 && p.Line != c.line) || !strings.Contains(p.Msg, c.says) {
				t.Errorf("got %v, want line %d saying %q", p, c.line, c.says)
			}
		})
	}
}

func TestScanBody(t *testing.T) {
	t.Parallel()
	body := strings.Join([]string{
		"Voir [[Note A]] et [[dossier/Note B|la B]], [[Note C#Titre|C]] et ![[Note D]].", // 10
		"Pas des liens : ![[photo.png]], [[rapport.pdf]], [site](https://x.org), [m](mailto:a@b).",
		"Liens Markdown : [E](e.md), [F](<../f g.md>), [G](h%20i.md#part), [ancre](#x).",
		"Tags : #un, #Deux/trois (#quatre) #5 #éducation-populaire et pas-un#tag.",
		"`#code [[Code]]` reste du code ; ``#aussi``.",
		"```",
		"#dedans [[Dedans]]",
		"```",
		"| table | [[Note E\\|E]] |",
		"# Titre, pas un tag",
	}, "\n")
	refs, tags := ScanBody(body, 10)
	want := []Ref{
		{10, "Note A", "", true}, {10, "dossier/Note B", "la B", true}, {10, "Note C", "C", true}, {10, "Note D", "", true},
		{12, "e.md", "E", false}, {12, "../f g.md", "F", false}, {12, "h i.md", "G", false},
		{18, "Note E", "E", true},
	}
	if !reflect.DeepEqual(refs, want) {
		t.Errorf("refs:\n got %+v\nwant %+v", refs, want)
	}
	var names []string
	for _, tg := range tags {
		names = append(names, tg.Name)
		if tg.Line != 13 {
			t.Errorf("tag %s on line %d", tg.Name, tg.Line)
		}
	}
	if got := strings.Join(names, " "); got != "un Deux/trois quatre éducation-populaire" {
		t.Errorf("tags: %s", got)
	}
}

func TestParseRefusesBadBytes(t *testing.T) {
	t.Parallel()
	if _, p := Parse("a.md", []byte("ligne 1\nligne 2\x00\n")); p == nil || p.Line != 2 || !strings.Contains(p.Msg, "binary") {
		t.Errorf("NUL: %v", p)
	}
	if _, p := Parse("a.md", []byte("ligne 1\nligne 2\nd\xe9j\xe0\n")); p == nil || p.Line != 3 || !strings.Contains(p.Msg, "UTF-8") {
		t.Errorf("Latin-1: %v", p)
	}
}

func TestFileIDsAreStableAndValid(t *testing.T) {
	t.Parallel()
	a, b := FileID("notes/Éducation populaire.md"), FileID("notes/Éducation populaire.md")
	if a != b || !strings.HasPrefix(a, "md-notes-education-populaire-") {
		t.Errorf("FileID: %q, %q", a, b)
	}
	if FileID("notes/education populaire.md") == a {
		t.Error("two paths share an id")
	}
	long := FileID(strings.Repeat("très-long/", 30) + "fin.md")
	if len(long) > 64 || FileID("???.md") == "" {
		t.Errorf("ids: %q", long)
	}
}

// FuzzParse feeds arbitrary files to the parser: it must never panic, and
// what it accepts must be well-formed.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"---\ntitle: T\naliases: [A, \"B\"]\ntags:\n  - x\n---\n[[A|b]] #tag [l](x.md)",
		"---\ntitle: 'it''s'\ndate: 2024-01-01\n---\n```\n[[no]]\n```\n",
		"\uFEFF---\r\nkind: term\r\n---\r\n",
		"---\n", "[[", "[[]]", "[]()", "#", "`", "---\na: \"\\u00\"\n---\n",
		"---\ntags: [a, [b]]\n---\n", "![[x.png]] [a](<b c.md>) [a](%zz.md)",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, p := Parse("f.md", b)
		if p != nil {
			if p.Line < 0 || p.Msg == "" {
				t.Fatalf("problem without a message or with line %d", p.Line)
			}
			return
		}
		texts := append([]string{file.Title, file.Front.Summary, file.Front.Licence, file.Body}, file.Front.Aliases...)
		for _, s := range texts {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 accepted: %q", s)
			}
		}
		for _, r := range file.Refs {
			if r.Target == "" || r.Line < 1 || strings.ContainsAny(r.Target, "\n") {
				t.Fatalf("bad ref %+v", r)
			}
		}
		for _, tg := range file.Tags {
			if tg.Name == "" || len(tg.Name) > MaxTagLen && tg.Line != 2 {
				t.Fatalf("bad tag %+v", tg)
			}
		}
		if file.ID == "" || len(file.ID) > 64 {
			t.Fatalf("id %q", file.ID)
		}
	})
}
