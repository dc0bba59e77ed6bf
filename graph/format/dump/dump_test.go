package dump_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/dump"
	"github.com/encommun/maillage/graph/format/dump/dumptest"
	"github.com/encommun/maillage/graph/store/embedded"
)

var sys = graph.SystemContext(context.Background())

func open(t testing.TB) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// opener is open for the kit.
func opener(t testing.TB) graph.Store { return open(t) }

func source(t testing.TB) graph.Store { return dumptest.Source(t, opener) }

func export(t testing.TB, s graph.Store) []byte { return dumptest.Export(t, s) }

func must[T any](t testing.TB) func(T, error) T {
	return func(x T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
}

// TestRoundTripIsLossless: embedded → file → embedded gives the same
// graph, flags and hidden documents included (dumptest.RoundTrip).
func TestRoundTripIsLossless(t *testing.T) {
	t.Parallel()
	file := dumptest.RoundTrip(t, opener)
	// The embedded store lists ties as it did before the restore: the
	// second export is the same file, line for line, header aside.
	dst := open(t)
	if _, err := dump.RestoreBlobs(context.Background(), dst, dumptest.NewBlobs(t, dst), bytes.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	if a, b := withoutHeader(file), withoutHeader(export(t, dst)); a != b {
		t.Errorf("export of the restored graph is not the original dump, line for line")
	}
}

func TestRestoreRefusesANonEmptyStore(t *testing.T) {
	t.Parallel()
	file := export(t, source(t))
	dst := open(t)
	must[*graph.Contributor](t)(dst.CreateContributor(sys, graph.Contributor{ID: "already", Name: "Déjà là"}))
	before := must[uint64](t)(dst.LastSeq(sys))
	_, err := dump.Restore(context.Background(), dst, bytes.NewReader(file))
	if !errors.Is(err, dump.ErrNotEmpty) {
		t.Fatalf("restore into a non-empty store: %v", err)
	}
	if after := must[uint64](t)(dst.LastSeq(sys)); after != before {
		t.Errorf("a refused restore wrote %d changes", after-before)
	}
	if _, err := dst.Contributor(sys, "already"); err != nil {
		t.Errorf("the store's own data is gone: %v", err)
	}
}

// lines returns a dump as lines, and join puts them back.
func lines(b []byte) []string { return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") }
func join(ls []string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

// before4 turns a dump into what a version 3 writer made of the same
// graph: no media, discussions or blobs, no flag about a comment.
func before4(ls []string) []string {
	var out []string
	dropped := map[string]int{}
	for _, l := range ls {
		for _, typ := range []string{dump.TypeMedia, dump.TypeComment, dump.TypeCommentRevision, dump.TypeBlob, dump.TypeFlag} {
			if strings.HasPrefix(l, `{"type":"`+typ+`"`) && (typ != dump.TypeFlag || strings.Contains(l, `"comment":"`)) {
				dropped[typ]++
				l = ""
				break
			}
		}
		if strings.HasPrefix(l, `{"type":"end"`) {
			for typ, n := range dropped {
				l = regexp.MustCompile(`"`+typ+`":(\d+)`).ReplaceAllStringFunc(l, func(m string) string {
					var have int
					fmt.Sscanf(m[len(typ)+3:], "%d", &have)
					return fmt.Sprintf(`"%s":%d`, typ, have-n)
				})
			}
		}
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestBadDumpsWriteNothing(t *testing.T) {
	t.Parallel()
	good := lines(export(t, source(t)))
	v3 := before4(good)
	find := func(prefix string) int {
		for i, l := range good {
			if strings.HasPrefix(l, prefix) {
				return i
			}
		}
		t.Fatalf("no line starting %s", prefix)
		return -1
	}
	firstDoc := find(`{"type":"document"`)
	firstRev := find(`{"type":"revision"`)
	firstLink := find(`{"type":"link"`)
	firstDecl := find(`{"type":"declaration"`)
	firstFlag := find(`{"type":"flag"`)
	openFlag, resolvedFlag := -1, -1
	for i := firstFlag; i < len(good); i++ {
		if strings.Contains(good[i], `"status":"OPEN"`) {
			openFlag = i
		} else if strings.Contains(good[i], `"status":"RESOLVED"`) {
			resolvedFlag = i
		}
	}
	if openFlag < 0 || resolvedFlag < 0 {
		t.Fatal("the dump lacks an open or a resolved flag")
	}
	version := fmt.Sprintf(`"version":%d`, dump.Version)
	edit := func(f func(ls []string) []string) []byte {
		return join(f(slices.Clone(good)))
	}
	// setField gives a string field of line i another value.
	setField := func(i int, field, value string) []byte {
		return edit(func(ls []string) []string {
			re := regexp.MustCompile(`"` + field + `":"[^"]*"`)
			if !re.MatchString(ls[i]) {
				t.Fatalf("line %d has no %s: %s", i+1, field, ls[i])
			}
			ls[i] = re.ReplaceAllLiteralString(ls[i], `"`+field+`":"`+value+`"`)
			return ls
		})
	}
	replaceAt := func(i int, old, new string) []byte {
		return edit(func(ls []string) []string {
			if !strings.Contains(ls[i], old) {
				t.Fatalf("line %d has no %q: %s", i+1, old, ls[i])
			}
			ls[i] = strings.Replace(ls[i], old, new, 1)
			return ls
		})
	}
	cases := []struct {
		name string
		file []byte
		line int    // the line the error must name
		says string // and a word of its message
	}{
		{"empty", nil, 1, "empty file"},
		{"not a dump", []byte("hello\n"), 1, "not a maillage dump"},
		{"newer version", replaceAt(0, version, fmt.Sprintf(`"version":%d`, dump.Version+1)), 1, "newer"},
		{"version 0", replaceAt(0, version, `"version":0`), 1, "invalid dump format version"},
		{"version not a number", replaceAt(0, version, `"version":"2"`), 1, "not a maillage dump"},
		{"flags in a version 1 dump", join(append([]string{strings.Replace(v3[0], version, `"version":1`, 1)}, v3[1:]...)),
			slices.IndexFunc(v3, func(l string) bool { return strings.HasPrefix(l, `{"type":"flag"`) }) + 1, "came with version 2"},
		{"comments in a version 3 dump", replaceAt(0, version, `"version":3`), find(`{"type":"comment"`) + 1, "came with version 4"},
		{"cut at a line", edit(func(ls []string) []string { return ls[:len(ls)-1] }), len(good) - 1, "truncated"},
		{"cut in a line", []byte(strings.Join(good[:firstDoc+1], "\n")[:len(strings.Join(good[:firstDoc+1], "\n"))-20]), firstDoc + 1, "malformed"},
		{"malformed line", edit(func(ls []string) []string { ls[firstDoc] = "{not json"; return ls }), firstDoc + 1, "malformed"},
		{"unknown record type", replaceAt(firstDoc, `"type":"document"`, `"type":"widget"`), firstDoc + 1, "unknown record type"},
		{"unknown kind", replaceAt(firstDoc, `"kind":"`, `"kind":"Widget`), firstDoc + 1, "unknown kind"},
		{"unknown field", replaceAt(firstDoc, `"type":"document"`, `"type":"document","colour":"red"`), firstDoc + 1, "unknown field"},
		{"unknown relation", replaceAt(firstLink, `"relation":"`, `"relation":"X`), firstLink + 1, "unknown relation"},
		{"dangling link", replaceAt(firstLink, `"to":"`, `"to":"nowhere-`), firstLink + 1, "dangling"},
		{"invalid document", replaceAt(firstDoc, `"visibility":"`, `"visibility":"SECRET`), firstDoc + 1, "visibility"},
		{"duplicate id", edit(func(ls []string) []string { return slices.Insert(ls, firstDoc+1, ls[firstDoc]) }), firstDoc + 2, "already used"},
		{"duplicate link", edit(func(ls []string) []string { return slices.Insert(ls, firstLink+1, ls[firstLink]) }), firstLink + 2, "given twice"},
		{"duplicate flag", edit(func(ls []string) []string { return slices.Insert(ls, firstFlag+1, ls[firstFlag]) }), firstFlag + 2, "given twice"},
		{"revision of a missing document", replaceAt(firstRev, `"document":"`, `"document":"nowhere-`), firstRev + 1, "no such document"},
		{"declaration of a missing contributor", replaceAt(firstDecl, `"contributor":"`, `"contributor":"nowhere-`), firstDecl + 1, "no such contributor"},
		{"flag of a missing document", replaceAt(firstFlag, `"document":"`, `"document":"nowhere-`), firstFlag + 1, "no document"},
		{"flag of a contributor", setField(firstFlag, "document", "rt-ada"), firstFlag + 1, "no document"},
		{"flag with an unknown status", replaceAt(firstFlag, `"status":"`, `"status":"MAYBE`), firstFlag + 1, "status"},
		{"open flag with a decision", replaceAt(openFlag, `"status":"OPEN"`, `"status":"OPEN","decision":"KEEP"`), openFlag + 1, "OPEN flag has no decision"},
		{"resolved flag without a decision", replaceAt(resolvedFlag, `"decision":"`, `"decision":"MAYBE`), resolvedFlag + 1, "KEEP or HIDE"},
		{"flag without a reason", setField(firstFlag, "reason", "  "), firstFlag + 1, "reason must not be empty"},
		{"flag without a flagger", setField(firstFlag, "flagger", ""), firstFlag + 1, "flagger"},
		{"count mismatch", edit(func(ls []string) []string { return slices.Delete(ls, firstLink, firstLink+1) }), len(good) - 1, "counts"},
		{"data after the end", edit(func(ls []string) []string { return append(ls, ls[firstDoc]) }), len(good) + 1, "after the end"},
		{"out of order", edit(func(ls []string) []string {
			doc := ls[firstDoc]
			ls = slices.Delete(ls, firstDoc, firstDoc+1)
			return slices.Insert(ls, firstLink, doc) // a document among the links
		}), firstLink + 1, "grouped by type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := open(t)
			_, err := dump.Restore(context.Background(), dst, bytes.NewReader(c.file))
			var le *dump.LineError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a line error", err)
			}
			if le.Line != c.line || !strings.Contains(err.Error(), c.says) {
				t.Errorf("got %q, want line %d saying %q", err, c.line, c.says)
			}
			assertEmpty(t, dst)
		})
	}
}

// TestVersion1DumpRestores: a dump written before flags were in the
// format (version 1) still restores, hidden documents included.
func TestVersion1DumpRestores(t *testing.T) {
	t.Parallel()
	var v1 []string
	for i, l := range before4(lines(export(t, source(t)))) {
		switch {
		case i == 0:
			l = strings.Replace(l, fmt.Sprintf(`"version":%d`, dump.Version), `"version":1`, 1)
		case strings.HasPrefix(l, `{"type":"flag"`):
			continue
		case strings.HasPrefix(l, `{"type":"end"`):
			l = regexp.MustCompile(`,?"flag":\d+`).ReplaceAllString(l, "")
		}
		v1 = append(v1, l)
	}
	dst := open(t)
	counts, err := dump.Restore(context.Background(), dst, bytes.NewReader(join(v1)))
	if err != nil {
		t.Fatal(err)
	}
	if counts[dump.TypeFlag] != 0 || counts[dump.TypeDocument] == 0 {
		t.Errorf("restored %v", counts)
	}
	d, err := dst.Document(sys, "rt-term")
	if err != nil || !d.Hidden {
		t.Errorf("the hidden term after a version 1 restore: %+v, %v", d, err)
	}
	if _, err := dst.Document(context.Background(), "rt-term"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("an anonymous reader reads the hidden term: %v", err)
	}
}

// assertEmpty checks that a store holds nothing at all: no change, no
// node, no flag.
func assertEmpty(t *testing.T, s *embedded.Store) {
	t.Helper()
	if seq := must[uint64](t)(s.LastSeq(sys)); seq != 0 {
		t.Errorf("a failed restore wrote %d changes", seq)
	}
	docs := must[*graph.Connection[*graph.Document]](t)(s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1}))
	people := must[*graph.Connection[*graph.Contributor]](t)(s.ListContributors(sys, graph.Page{First: 1}))
	flags := must[*graph.Connection[*graph.Flag]](t)(s.Flags(sys, graph.FlagFilter{}, graph.Page{First: 1}))
	if docs.TotalCount+people.TotalCount+flags.TotalCount != 0 {
		t.Errorf("a failed restore left %d documents, %d contributors, %d flags", docs.TotalCount, people.TotalCount, flags.TotalCount)
	}
}

// TestStoreRestoreValidates checks the store's own guard, for callers that
// build a Snapshot without reading a file: a dangling link fails the whole
// restore and leaves the store empty.
func TestStoreRestoreValidates(t *testing.T) {
	t.Parallel()
	snap, _, err := dump.Read(bytes.NewReader(export(t, source(t))))
	if err != nil {
		t.Fatal(err)
	}
	bad := *snap
	bad.Links = append(slices.Clone(snap.Links), graph.Link{Relation: graph.RelLinksTo, From: snap.Documents[0].ID, To: "nowhere"})
	dst := open(t)
	if err := dst.Restore(sys, bad); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("dangling link: %v", err)
	}
	// The store checks discussions and media as the reader does.
	if len(snap.Comments) == 0 || len(snap.CommentRevisions) == 0 {
		t.Fatal("the source has no discussion")
	}
	reply := slices.IndexFunc(snap.Comments, func(c graph.Comment) bool { return c.ParentID != "" })
	for _, c := range []struct {
		name string
		edit func(s *graph.Snapshot)
		code string
	}{
		{"a reply to a missing comment", func(s *graph.Snapshot) { s.Comments[reply].ParentID = "nowhere" }, graph.ENOTFOUND},
		{"a reply at the wrong depth", func(s *graph.Snapshot) { s.Comments[reply].Depth += 1 }, graph.EINVALID},
		{"a comment on a missing document", func(s *graph.Snapshot) { s.Comments[0].DocumentID = "nowhere" }, graph.ENOTFOUND},
		{"a comment given twice", func(s *graph.Snapshot) { s.Comments = append(s.Comments, s.Comments[0]) }, graph.ECONFLICT},
		{"a deleted comment keeping its body", func(s *graph.Snapshot) {
			s.Comments[0].Deleted = true
		}, graph.EINVALID},
		{"a revision past the comment's version", func(s *graph.Snapshot) { s.CommentRevisions[0].Version = 99 }, graph.EINVALID},
		{"a media of a missing document", func(s *graph.Snapshot) {
			s.Media = []graph.Media{{ID: "m1", DocumentID: "nowhere", SHA256: strings.Repeat("ab", 32), Size: 1, MIME: "image/png",
				Format: graph.MediaImage, CreatedAt: time.Now()}}
		}, graph.ENOTFOUND},
		{"a media with a node's id", func(s *graph.Snapshot) {
			s.Media = []graph.Media{{ID: s.Documents[0].ID, SHA256: strings.Repeat("ab", 32), Size: 1, MIME: "image/png",
				Format: graph.MediaImage, Visibility: graph.VisibilityPublic, CreatedAt: time.Now()}}
		}, graph.ECONFLICT},
		{"a flag about a missing comment", func(s *graph.Snapshot) { s.Flags[0].CommentID = "nowhere" }, graph.ENOTFOUND},
	} {
		bad := *snap
		bad.Comments = slices.Clone(snap.Comments)
		bad.CommentRevisions = slices.Clone(snap.CommentRevisions)
		bad.Flags = slices.Clone(snap.Flags)
		c.edit(&bad)
		if err := dst.Restore(sys, bad); graph.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	anon := context.Background()
	if err := dst.Restore(anon, *snap); graph.ErrorCode(err) != graph.EUNAUTHENTICATED {
		t.Errorf("anonymous restore: %v", err)
	}
	if seq := must[uint64](t)(dst.LastSeq(sys)); seq != 0 {
		t.Fatalf("failed restores wrote %d changes", seq)
	}
	if err := dst.Restore(sys, *snap); err != nil {
		t.Fatal(err)
	}
	if err := dst.Restore(sys, *snap); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("second restore: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	good := export(f, dumptest.Small(f, opener))
	f.Add(good)
	ls := lines(good)
	f.Add(join(ls[:len(ls)/2]))
	f.Add([]byte(`{"format":"maillage-dump","version":1}` + "\n" + `{"type":"end","counts":{}}` + "\n"))
	f.Add([]byte(`{"format":"maillage-dump","version":1}` + "\n" + `{"type":"link","relation":"LINKS_TO","from":"a","to":"a"}` + "\n"))
	f.Add([]byte("\xff\xfe\n\n"))
	f.Add([]byte(`{"format":"maillage-dump","version":2}` + "\n" +
		`{"type":"document","id":"d","kind":"Note","title":"T","visibility":"PUBLIC","createdAt":"2024-01-01T00:00:00Z","updatedAt":"2024-01-01T00:00:00Z","version":1}` + "\n" +
		`{"type":"flag","id":"f","document":"d","flagger":"c","reason":"r","status":"OPEN","createdAt":"2024-01-01T00:00:00Z"}` + "\n" +
		`{"type":"end","counts":{"document":1,"flag":1}}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		snap, counts, err := dump.Read(bytes.NewReader(b))
		if err != nil {
			var le *dump.LineError
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		// What Read accepts is consistent: counts match, links have
		// their kinds and both ends.
		if counts[dump.TypeLink] != len(snap.Links) || counts[dump.TypeDocument] != len(snap.Documents) {
			t.Fatalf("counts %v for %d links, %d documents", counts, len(snap.Links), len(snap.Documents))
		}
		for _, l := range snap.Links {
			if l.FromKind == "" || l.ToKind == "" || graph.ValidateLink(l) != nil {
				t.Fatalf("accepted link %+v", l)
			}
		}
		// Accepted flags are of documents of the file and valid as a
		// store holds them; and whatever Read accepts, a store's own
		// check accepts too, so a restore cannot fail half way on it.
		for _, f := range snap.Flags {
			if !f.DocumentKind.IsDocument() || graph.CheckFlag(&f) != nil {
				t.Fatalf("accepted flag %+v", f)
			}
		}
		if _, err := graph.PrepareSnapshot(*snap, time.Now()); err != nil {
			t.Fatalf("Read accepted what the store refuses: %v", err)
		}
	})
}

func withoutHeader(b []byte) string {
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	return string(rest)
}
