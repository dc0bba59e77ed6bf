package vault_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/vault"
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

// testVault copies testdata/vault to a temporary folder and adds the files
// that are not worth keeping in the repository: a binary file, a Latin-1
// file and a 50 MB file (sparse: it takes no room).
func testVault(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "vault")
	if err := os.CopyFS(dir, os.DirFS("testdata/vault")); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("mauvais/binaire.md", []byte("PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	write("mauvais/latin1.md", []byte("---\ntitle: Caf\xe9\n---\nd\xe9j\xe0\n"))
	huge := filepath.Join(dir, "mauvais/enorme.md")
	write("mauvais/enorme.md", []byte("---\ntitle: Énorme\n---\n"))
	if err := os.Truncate(huge, 50<<20); err != nil {
		t.Fatal(err)
	}
	return dir
}

func importVault(t testing.TB, s graph.Store, dir string, dryRun bool) *vault.Result {
	t.Helper()
	v, err := vault.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := vault.Import(context.Background(), s, v, vault.Options{Visibility: graph.VisibilityPrivate,
		Licence: "CC-BY-SA-4.0", Language: "fr", DryRun: dryRun, BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// byPath finds the stored document of a vault file.
func byPath(t testing.TB, s graph.Store, rel string) *graph.Document {
	t.Helper()
	d, err := s.Document(sys, vault.FileID(rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return d
}

func hasLink(t testing.TB, s graph.Store, rel graph.Relation, from, to string) bool {
	t.Helper()
	ls, err := s.Links(sys, []string{from}, rel, graph.Out)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(ls[from], func(l graph.Link) bool { return l.To == to })
}

func TestImportTheTestVault(t *testing.T) {
	t.Parallel()
	s := open(t)
	dir := testVault(t)
	res := importVault(t, s, dir, false)

	want := map[graph.Kind]int{graph.KindNote: 22, graph.KindTerm: 4, graph.KindOrganisation: 3}
	for k, n := range want {
		if res.Created[k] != n {
			t.Errorf("%s created: %d, want %d", k, res.Created[k], n)
		}
	}
	if res.Files != 29 || res.Skipped != 9 || res.TagTerm != 10 || res.Contributors != 3 || res.Carnets != 1 || res.Unresolved != 3 {
		t.Errorf("files %d, skipped %d, tag terms %d, contributors %d, carnets %d, unresolved %d",
			res.Files, res.Skipped, res.TagTerm, res.Contributors, res.Carnets, res.Unresolved)
	}
	// What the store holds agrees with what the import says.
	all, err := s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	if all.TotalCount != 22+4+3+10 {
		t.Errorf("the store holds %d documents", all.TotalCount)
	}

	// Every bad file is reported with its line, and left out.
	reports := map[string]vault.Report{}
	for _, r := range res.Reports {
		if r.Severity == vault.Skipped {
			reports[r.Path] = r
		}
	}
	for path, want := range map[string]struct {
		line int
		says string
	}{
		"mauvais/binaire.md":             {3, "binary"},
		"mauvais/latin1.md":              {2, "UTF-8"},
		"mauvais/enorme.md":              {0, "too large"},
		"mauvais/front-matter-casse.md":  {2, "not closed"},
		"mauvais/non-ferme.md":           {1, "not closed"},
		"mauvais/genre-inconnu.md":       {2, "kind"},
		"mauvais/visibilite-inconnue.md": {2, "visibility"},
		"mauvais/imbrique.md":            {3, "nested"},
		"mauvais/cle-double.md":          {3, "twice"},
	} {
		r, ok := reports[path]
		if !ok || r.Line != want.line || !strings.Contains(r.Msg, want.says) {
			t.Errorf("%s: report %+v, want line %d saying %q", path, r, want.line, want.says)
		}
		if _, err := s.Document(sys, vault.FileID(path)); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("%s was imported: %v", path, err)
		}
	}
	warned := func(path, says string) {
		t.Helper()
		for _, r := range res.Reports {
			if r.Path == path && r.Severity == vault.Warning && strings.Contains(r.Msg, says) {
				return
			}
		}
		t.Errorf("no warning %q for %s", says, path)
	}
	warned("ateliers/atelier-2.md", "unresolved link [[Inexistante]]")
	warned("notes/liens-markdown.md", "unresolved link (absente.md)")
	warned("notes/renvoi-bilan.md", "ambiguous")
	warned("ateliers/atelier-4.md", "leads to the file itself")
	warned("notes/journal de bord.md", "leads to the file itself")
	warned("notes/cycle-a.md", `alias "Cycle B" is the name or title of notes/cycle-b.md`)
	warned("notes/doublon-a.md", `title "Bilan" is also the title`)
	warned("notes/inconnu.md", `"cssclass"`)
	warned("lexique/education-populaire.md", "a term cannot link to a note")

	// Front matter and defaults.
	a1 := byPath(t, s, "ateliers/atelier-1.md")
	if a1.Title != "Atelier 1 — Les communs" || a1.Visibility != graph.VisibilityPublic || a1.Licence != "CC-BY-SA-4.0" ||
		!a1.CreatedAt.Equal(time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC)) || a1.PublishedAt == nil ||
		!slices.Equal(a1.Aliases, []string{"Atelier 1", "Premier atelier"}) || a1.Summary == "" {
		t.Errorf("atelier 1: %+v", a1)
	}
	if home := byPath(t, s, "Accueil.md"); home.Title != "Accueil" || home.Visibility != graph.VisibilityPrivate || home.Language != "fr" {
		t.Errorf("a file without front matter: %+v", home)
	}
	if hiver := byPath(t, s, "notes/commentaires.md"); hiver.Title != "L'atelier d'hiver" || !slices.Contains(hiver.Aliases, "Hiver à la coop") || hiver.Visibility != graph.VisibilityPublic {
		t.Errorf("quoted front matter: %+v", hiver)
	}
	if en := byPath(t, s, "notes/anglais.md"); en.Language != "en" {
		t.Errorf("language: %q", en.Language)
	}
	if crlf := byPath(t, s, "notes/crlf.md"); crlf.Title != "Fin de ligne Windows" || strings.Contains(crlf.Body, "\r") {
		t.Errorf("CRLF file: %+v", crlf)
	}
	if bom := byPath(t, s, "notes/bom.md"); bom.Title != "Avec BOM" {
		t.Errorf("BOM file: %+v", bom)
	}
	if org := byPath(t, s, "organisations/coop-la-ruche.md"); org.Kind != graph.KindOrganisation || org.Website != "https://laruche.example" || org.Body == "" {
		t.Errorf("organisation: %+v", org)
	}
	if term := byPath(t, s, "lexique/gouvernance-partagee.md"); term.Kind != graph.KindTerm || term.Definition == "" {
		t.Errorf("term: %+v", term)
	}

	// Links, resolved every way the vault writes them.
	id := vault.FileID
	for _, l := range []struct {
		rel      graph.Relation
		from, to string
		how      string
	}{
		{graph.RelLinksTo, "Accueil.md", "ateliers/atelier-1.md", "by title"},
		{graph.RelLinksTo, "Accueil.md", "ateliers/atelier-2.md", "by path, with a label"},
		{graph.RelMentions, "Accueil.md", "lexique/education-populaire.md", "by title, without its accent"},
		{graph.RelLinksTo, "Accueil.md", "charte.md", "Markdown link"},
		{graph.RelLinksTo, "ateliers/atelier-1.md", "ateliers/atelier-2.md", "by alias"},
		{graph.RelMentions, "ateliers/atelier-1.md", "lexique/gouvernance-partagee.md", "wikilink and #tag"},
		{graph.RelConcerns, "ateliers/atelier-1.md", "organisations/coop-la-ruche.md", "organisation"},
		{graph.RelLinksTo, "ateliers/atelier-2.md", "ateliers/atelier-1.md", "by file name"},
		{graph.RelLinksTo, "ateliers/atelier-2.md", "ateliers/atelier-3.md", "relative Markdown link"},
		{graph.RelLinksTo, "ateliers/atelier-4.md", "ateliers/atelier-1.md", "with a heading"},
		{graph.RelMentions, "notes/centrer-les-marges.md", "lexique/equite.md", "upper case, accents, and a tag"},
		{graph.RelLinksTo, "notes/centrer-les-marges.md", "ateliers/atelier-3.md", "title with a label"},
		{graph.RelLinksTo, "notes/journal de bord.md", "Accueil.md", "../ Markdown link"},
		{graph.RelConcerns, "notes/liste-de-lecture.md", "organisations/reseau-bibliotheques.md", "organisation alias"},
		{graph.RelLinksTo, "notes/liens-markdown.md", "ateliers/atelier-2.md", "<angle> Markdown link"},
		{graph.RelLinksTo, "notes/tableau.md", "ateliers/atelier-1.md", "escaped pipe in a table"},
		{graph.RelConcerns, "notes/commentaires.md", "organisations/coop-la-ruche.md", "organisation alias"},
		{graph.RelLinksTo, "notes/cycle-a.md", "notes/cycle-b.md", "title before alias"},
		{graph.RelLinksTo, "notes/cycle-b.md", "notes/cycle-a.md", "title before alias"},
		{graph.RelRelated, "lexique/gouvernance-partagee.md", "lexique/education-populaire.md", "term to term"},
		{graph.RelMentions, "organisations/reseau-bibliotheques.md", "lexique/fonds-communautaire.md", "organisation to term"},
		{graph.RelInCarnet, "ateliers/atelier-3.md", "", "carnet"},
	} {
		to := id(l.to)
		if l.rel == graph.RelInCarnet {
			ls, _ := s.Links(sys, []string{id(l.from)}, graph.RelInCarnet, graph.Out)
			if len(ls[id(l.from)]) != 1 || ls[id(l.from)][0].Category != "Synthèses" {
				t.Errorf("%s: carnet links %+v", l.from, ls)
			}
			continue
		}
		if !hasLink(t, s, l.rel, id(l.from), to) {
			t.Errorf("no %s %s → %s (%s)", l.rel, l.from, l.to, l.how)
		}
	}
	// Code is not read for links or tags, and nothing links to itself.
	for _, from := range []string{"ateliers/atelier-1.md", "ateliers/atelier-4.md", "notes/journal de bord.md"} {
		ls, _ := s.Links(sys, []string{id(from)}, "", graph.Out)
		for _, l := range ls[id(from)] {
			if l.To == id(from) || strings.Contains(l.To, "pas-un") || strings.Contains(l.To, "dedans") {
				t.Errorf("%s: link %+v", from, l)
			}
		}
	}

	// Authors: a [[wikilink]] name and plain names become contributors.
	ls, _ := s.Links(sys, []string{id("ateliers/atelier-1.md")}, graph.RelAuthored, graph.In)
	var names []string
	for _, l := range ls[id("ateliers/atelier-1.md")] {
		c, err := s.Contributor(sys, l.From)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"Amélie Brisson", "Jonathan Thériault"}) {
		t.Errorf("authors of atelier 1: %v", names)
	}

	// The carnet holds both categories.
	cs, _ := s.Carnets().List(sys, graph.Page{})
	if len(cs.Nodes()) != 1 || !slices.Equal(cs.Nodes()[0].Categories, []string{"Comptes rendus", "Synthèses"}) {
		t.Errorf("carnets: %+v", cs.Nodes())
	}

	// Tag terms are as open as the most open document using them.
	tagVis := map[string]graph.Visibility{}
	terms, _ := s.ListDocuments(sys, graph.DocumentFilter{Kinds: []graph.Kind{graph.KindTerm}}, graph.DocumentOrder{}, graph.Page{First: 100})
	for _, d := range terms.Nodes() {
		if strings.HasPrefix(d.ID, "tag-") {
			tagVis[d.Title] = d.Visibility
		}
	}
	for tag, vis := range map[string]graph.Visibility{"inclusion": graph.VisibilityPublic, "brouillon": graph.VisibilityPrivate,
		"journal": graph.VisibilityPrivate, "financement/local": graph.VisibilityPublic, "saison-froide": graph.VisibilityPublic} {
		if tagVis[tag] != vis {
			t.Errorf("tag term %q: %q, want %q (all: %v)", tag, tagVis[tag], vis, tagVis)
		}
	}
	if _, ok := tagVis["pas-un-tag"]; ok {
		t.Error("a tag inside code became a term")
	}
}

func TestReimportUpdatesInsteadOfDuplicating(t *testing.T) {
	t.Parallel()
	s := open(t)
	dir := testVault(t)
	first := importVault(t, s, dir, false)
	seq, _ := s.LastSeq(sys)

	again := importVault(t, s, dir, false)
	if n, _ := s.LastSeq(sys); n != seq {
		t.Errorf("importing the same vault again wrote %d changes", n-seq)
	}
	if again.Unchanged[graph.KindNote] != first.Created[graph.KindNote] || again.Links != 0 || again.TagTerm != 0 || again.Contributors != 0 {
		t.Errorf("second import: %+v", again)
	}

	// One file changed, one added: a dry run says so and writes nothing.
	path := filepath.Join(dir, "ateliers", "atelier-2.md")
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), "Piste : un", "Piste retenue : un", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes", "nouvelle.md"), []byte("Une nouvelle note vers [[Accueil]] #nouveau\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dry := importVault(t, s, dir, true)
	if n, _ := s.LastSeq(sys); n != seq {
		t.Errorf("a dry run wrote %d changes", n-seq)
	}
	wantActions := []string{
		"create term tag-nouveau-",
		"update note " + vault.FileID("ateliers/atelier-2.md") + " from ateliers/atelier-2.md: body",
		"create note " + vault.FileID("notes/nouvelle.md") + " from notes/nouvelle.md",
		"link LINKS_TO " + vault.FileID("notes/nouvelle.md") + " → " + vault.FileID("Accueil.md"),
		"link MENTIONS " + vault.FileID("notes/nouvelle.md") + " → tag-nouveau-",
	}
	if len(dry.Actions) != len(wantActions) {
		t.Fatalf("dry run actions:\n%s", strings.Join(dry.Actions, "\n"))
	}
	for i, a := range dry.Actions {
		if !strings.HasPrefix(a, wantActions[i]) {
			t.Errorf("action %d: %q, want %q…", i, a, wantActions[i])
		}
	}

	third := importVault(t, s, dir, false)
	if third.Created[graph.KindNote] != 1 || third.Updated[graph.KindNote] != 1 || third.Links != 2 {
		t.Errorf("third import: created %v updated %v links %d", third.Created, third.Updated, third.Links)
	}
	d := byPath(t, s, "ateliers/atelier-2.md")
	if d.Version != 2 || !strings.Contains(d.Body, "Piste retenue") {
		t.Errorf("updated document: version %d", d.Version)
	}
	revs, err := s.Revisions(sys, d.ID, graph.Page{})
	if err != nil || revs.TotalCount != 2 {
		t.Errorf("revisions: %v %v", revs, err)
	}
	all, _ := s.ListDocuments(sys, graph.DocumentFilter{}, graph.DocumentOrder{}, graph.Page{First: 1})
	if all.TotalCount != 22+4+3+10+1+1 {
		t.Errorf("the store holds %d documents after three imports", all.TotalCount)
	}
}

// An author already in the store is found by name, whatever the accents
// and case: no second profile is made.
func TestImportFindsExistingContributors(t *testing.T) {
	t.Parallel()
	s := open(t)
	if _, err := s.CreateContributor(sys, graph.Contributor{ID: "contrib-amelie", Name: "AMELIE BRISSON"}); err != nil {
		t.Fatal(err)
	}
	res := importVault(t, s, testVault(t), false)
	if res.Contributors != 2 {
		t.Errorf("%d contributors created, want 2", res.Contributors)
	}
	if !hasLink(t, s, graph.RelAuthored, "contrib-amelie", vault.FileID("ateliers/atelier-2.md")) {
		t.Error("the existing contributor is not the author")
	}
}
