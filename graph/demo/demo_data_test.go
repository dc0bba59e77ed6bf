package demo

// These tests check the shipped demo data and the default taxonomy on their
// own, with the standard library only, so that a broken data file is caught
// even before the loaders of the project exist.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
)

// ---- taxonomy.json ----

type dtTaxLabel struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

type dtTaxValue struct {
	ID    string     `json:"id"`
	Label dtTaxLabel `json:"label"`
}

type dtTaxDimension struct {
	ID          string       `json:"id"`
	Label       dtTaxLabel   `json:"label"`
	Description dtTaxLabel   `json:"description"`
	Values      []dtTaxValue `json:"values"`
}

type dtTaxonomyFile struct {
	Version    int              `json:"version"`
	Dimensions []dtTaxDimension `json:"dimensions"`
}

// ---- demo.json ----

type dtDemoBase struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

type dtDemoCommunity struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

type dtDemoCarnet struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Categories  []string `json:"categories"`
	Bases       []string `json:"bases"`
	Communities []string `json:"communities"`
}

type dtDemoDeclaration struct {
	Dimension  string `json:"dimension"`
	Value      string `json:"value"`
	Visibility string `json:"visibility"`
}

type dtDemoContributor struct {
	ID           string              `json:"id"`
	Name         string              `json:"name"`
	Bio          string              `json:"bio"`
	Region       string              `json:"region"`
	Memberships  []string            `json:"memberships"`
	Affiliations []string            `json:"affiliations"`
	Role         string              `json:"role"`
	Declarations []dtDemoDeclaration `json:"declarations"`
}

type dtDemoOrganisation struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Aliases     []string `json:"aliases"`
	Summary     string   `json:"summary"`
	Body        string   `json:"body"`
	Website     string   `json:"website"`
	Region      string   `json:"region"`
	Sector      string   `json:"sector"`
	Language    string   `json:"language"`
	Visibility  string   `json:"visibility"`
	Authors     []string `json:"authors"`
	Communities []string `json:"communities"`
	CreatedAt   string   `json:"createdAt"`
	PublishedAt string   `json:"publishedAt"`
}

type dtDemoTerm struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Aliases     []string `json:"aliases"`
	Definition  string   `json:"definition"`
	Summary     string   `json:"summary"`
	Body        string   `json:"body"`
	Language    string   `json:"language"`
	Visibility  string   `json:"visibility"`
	Authors     []string `json:"authors"`
	Broader     []string `json:"broader"`
	Related     []string `json:"related"`
	Communities []string `json:"communities"`
	CreatedAt   string   `json:"createdAt"`
	PublishedAt string   `json:"publishedAt"`
}

type dtDemoPlacement struct {
	Carnet   string `json:"carnet"`
	Category string `json:"category"`
}

type dtDemoNote struct {
	ID            string            `json:"id"`
	Title         string            `json:"title"`
	Summary       string            `json:"summary"`
	Body          string            `json:"body"`
	Language      string            `json:"language"`
	Visibility    string            `json:"visibility"`
	Authors       []string          `json:"authors"`
	Carnets       []dtDemoPlacement `json:"carnets"`
	Communities   []string          `json:"communities"`
	Links         []string          `json:"links"`
	Terms         []string          `json:"terms"`
	Organisations []string          `json:"organisations"`
	CreatedAt     string            `json:"createdAt"`
	PublishedAt   string            `json:"publishedAt"`
}

type dtDemoFile struct {
	Version        int                  `json:"version"`
	KnowledgeBases []dtDemoBase         `json:"knowledgeBases"`
	Communities    []dtDemoCommunity    `json:"communities"`
	Carnets        []dtDemoCarnet       `json:"carnets"`
	Contributors   []dtDemoContributor  `json:"contributors"`
	Organisations  []dtDemoOrganisation `json:"organisations"`
	Terms          []dtDemoTerm         `json:"terms"`
	Notes          []dtDemoNote         `json:"notes"`
}

// ---- helpers ----

var dtIdPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// dtDecodeStrict decodes exactly one JSON value, refusing unknown keys and
// trailing data.
func dtDecodeStrict(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("%s: trailing data after the JSON document", path)
	}
}

func dtLoadTaxonomy(t *testing.T) *dtTaxonomyFile {
	t.Helper()
	var tax dtTaxonomyFile
	dtDecodeStrict(t, "../taxonomy.json", &tax)
	return &tax
}

func dtLoadDemo(t *testing.T) *dtDemoFile {
	t.Helper()
	var d dtDemoFile
	dtDecodeStrict(t, "demo.json", &d)
	return &d
}

// taxonomy index: dimension -> value -> true
func dtTaxIndex(tax *dtTaxonomyFile) map[string]map[string]bool {
	idx := map[string]map[string]bool{}
	for _, d := range tax.Dimensions {
		idx[d.ID] = map[string]bool{}
		for _, v := range d.Values {
			idx[d.ID][v.ID] = true
		}
	}
	return idx
}

func dtWordCount(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
}

var (
	dtDocVisibilities  = map[string]bool{"PUBLIC": true, "COMMUNITY": true, "PRIVATE": true}
	dtDeclVisibilities = map[string]bool{"PUBLIC": true, "AGGREGATE": true, "PRIVATE": true}
	dtRoles            = map[string]bool{"CONTRIBUTOR": true, "CURATOR": true, "RESEARCHER": true, "ADMIN": true}
	dtLanguages        = map[string]bool{"fr": true, "en": true}
	dtMinDate          = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	dtMaxDate          = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

// ---- taxonomy ----

func TestTaxonomy(t *testing.T) {
	t.Parallel()
	tax := dtLoadTaxonomy(t)
	if tax.Version != 1 {
		t.Errorf("taxonomy version = %d, want 1", tax.Version)
	}
	seen := map[string]bool{}
	for _, d := range tax.Dimensions {
		if !dtIdPattern.MatchString(d.ID) || seen[d.ID] {
			t.Errorf("dimension id %q is invalid or repeated", d.ID)
		}
		seen[d.ID] = true
		if d.Label.FR == "" || d.Label.EN == "" || d.Description.FR == "" || d.Description.EN == "" {
			t.Errorf("dimension %q needs French and English label and description", d.ID)
		}
		if len(d.Values) < 2 {
			t.Errorf("dimension %q has %d values", d.ID, len(d.Values))
		}
		vals := map[string]bool{}
		for _, v := range d.Values {
			if !dtIdPattern.MatchString(v.ID) || vals[v.ID] {
				t.Errorf("value id %q of %q is invalid or repeated", v.ID, d.ID)
			}
			vals[v.ID] = true
			if v.Label.FR == "" || v.Label.EN == "" {
				t.Errorf("value %s:%s needs French and English labels", d.ID, v.ID)
			}
		}
	}

	required := map[string][]string{
		"gender":           {"woman", "man", "non-binary"},
		"region":           {"montreal", "quebec-city", "other-regions-quebec", "outside-quebec"},
		"generation":       {"children", "teens", "18-24", "25-34", "35-49", "50-64", "65-plus"},
		"education":        {"secondary-or-less", "college", "university-undergrad", "graduate", "self-taught"},
		"racialisation":    {"racialised", "not-racialised", "prefer-to-describe"},
		"indigeneity":      {"first-nations", "inuit", "metis", "not-indigenous"},
		"migration":        {"born-in-canada", "immigrant", "refugee", "international-student"},
		"language":         {"french", "english", "indigenous-language", "other"},
		"sector":           {"community-action", "social-economy", "health", "education-research", "unions", "libraries", "culture", "popular-education", "social-movements", "public-service", "digital-tech", "philanthropy"},
		"digital-literacy": {"low", "medium", "high"},
		"disability":       {"living-with-disability", "not-living-with-disability"},
	}
	idx := dtTaxIndex(tax)
	for dim, vals := range required {
		if idx[dim] == nil {
			t.Errorf("taxonomy lacks dimension %q", dim)
			continue
		}
		for _, v := range vals {
			if !idx[dim][v] {
				t.Errorf("taxonomy lacks value %s:%s", dim, v)
			}
		}
	}
}

// ---- demo ----

func TestDemoCounts(t *testing.T) {
	t.Parallel()
	d := dtLoadDemo(t)
	if d.Version != 1 {
		t.Errorf("demo version = %d, want 1", d.Version)
	}
	counts := []struct {
		what     string
		got, min int
	}{
		{"notes", len(d.Notes), 42},
		{"terms", len(d.Terms), 22},
		{"organisations", len(d.Organisations), 16},
		{"contributors", len(d.Contributors), 12},
		{"carnets", len(d.Carnets), 4},
		{"communities", len(d.Communities), 3},
		{"knowledge bases", len(d.KnowledgeBases), 2},
	}
	for _, c := range counts {
		if c.got < c.min {
			t.Errorf("%d %s, want at least %d", c.got, c.what, c.min)
		}
	}

	roleCount := map[string]int{}
	for _, c := range d.Contributors {
		roleCount[c.Role]++
	}
	want := map[string]int{"CURATOR": 2, "RESEARCHER": 1, "ADMIN": 1}
	for r, n := range want {
		if roleCount[r] != n {
			t.Errorf("%d contributors with role %s, want %d", roleCount[r], r, n)
		}
	}

	vis := map[string]int{}
	for _, n := range d.Notes {
		vis[n.Visibility]++
	}
	if vis["COMMUNITY"] < 5 || vis["PRIVATE"] < 3 || vis["PUBLIC"] <= len(d.Notes)/2 {
		t.Errorf("note visibilities %v: want most PUBLIC, at least 5 COMMUNITY and 3 PRIVATE", vis)
	}
	restricted := func(v string) bool { return v == "COMMUNITY" || v == "PRIVATE" }
	var rt, ro int
	for _, x := range d.Terms {
		if restricted(x.Visibility) {
			rt++
		}
	}
	for _, x := range d.Organisations {
		if restricted(x.Visibility) {
			ro++
		}
	}
	if rt == 0 || ro == 0 {
		t.Errorf("want at least one restricted term (got %d) and organisation (got %d)", rt, ro)
	}

	for _, c := range d.Carnets {
		if len(c.Categories) < 3 || len(c.Categories) > 5 {
			t.Errorf("carnet %s has %d categories, want 3 to 5", c.ID, len(c.Categories))
		}
	}
}

// dtKinds maps every id of the file to its kind, failing on repeats.
func dtKinds(t *testing.T, d *dtDemoFile) map[string]string {
	t.Helper()
	k := map[string]string{}
	add := func(kind, prefix, id string) {
		if !dtIdPattern.MatchString(id) {
			t.Errorf("%s id %q is not lowercase [a-z0-9-]", kind, id)
		}
		if !strings.HasPrefix(id, prefix) {
			t.Errorf("%s id %q should start with %q", kind, id, prefix)
		}
		if prev, ok := k[id]; ok {
			t.Errorf("id %q used twice (%s and %s)", id, prev, kind)
		}
		k[id] = kind
	}
	for _, x := range d.KnowledgeBases {
		add("base", "base-", x.ID)
	}
	for _, x := range d.Communities {
		add("community", "commu-", x.ID)
	}
	for _, x := range d.Carnets {
		add("carnet", "carnet-", x.ID)
	}
	for _, x := range d.Contributors {
		add("contributor", "contrib-", x.ID)
	}
	for _, x := range d.Organisations {
		add("organisation", "org-", x.ID)
	}
	for _, x := range d.Terms {
		add("term", "term-", x.ID)
	}
	for _, x := range d.Notes {
		add("note", "note-", x.ID)
	}
	return k
}

func TestDemoIDsAndReferences(t *testing.T) {
	t.Parallel()
	d := dtLoadDemo(t)
	tax := dtTaxIndex(dtLoadTaxonomy(t))
	k := dtKinds(t, d)

	refs := func(from, field, kind string, ids []string, min, max int) {
		t.Helper()
		if len(ids) < min || (max >= 0 && len(ids) > max) {
			t.Errorf("%s: %d %s, want %d to %d", from, len(ids), field, min, max)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if k[id] != kind {
				t.Errorf("%s: %s %q is not a %s", from, field, id, kind)
			}
			if seen[id] {
				t.Errorf("%s: %s %q listed twice", from, field, id)
			}
			seen[id] = true
			if id == from {
				t.Errorf("%s refers to itself in %s", from, field)
			}
		}
	}
	checkTax := func(from, dim, val string) {
		t.Helper()
		if !tax[dim][val] {
			t.Errorf("%s: %s %q is not a taxonomy value", from, dim, val)
		}
	}

	for _, c := range d.Carnets {
		refs(c.ID, "bases", "base", c.Bases, 1, -1)
		refs(c.ID, "communities", "community", c.Communities, 0, -1)
		seen := map[string]bool{}
		for _, cat := range c.Categories {
			if strings.TrimSpace(cat) == "" || seen[cat] {
				t.Errorf("carnet %s: empty or repeated category %q", c.ID, cat)
			}
			seen[cat] = true
		}
	}
	for _, c := range d.Contributors {
		refs(c.ID, "memberships", "community", c.Memberships, 0, -1)
		refs(c.ID, "affiliations", "organisation", c.Affiliations, 0, -1)
		if !dtRoles[c.Role] {
			t.Errorf("%s: unknown role %q", c.ID, c.Role)
		}
		if c.Name == "" || c.Bio == "" {
			t.Errorf("%s: name and bio required", c.ID)
		}
	}
	for _, o := range d.Organisations {
		refs(o.ID, "authors", "contributor", o.Authors, 1, -1)
		refs(o.ID, "communities", "community", o.Communities, 0, -1)
		checkTax(o.ID, "region", o.Region)
		checkTax(o.ID, "sector", o.Sector)
		if !strings.HasPrefix(o.Website, "https://") {
			t.Errorf("%s: website %q is not https", o.ID, o.Website)
		}
		if len(o.Aliases) == 0 {
			t.Errorf("%s: no aliases", o.ID)
		}
	}
	for _, x := range d.Terms {
		refs(x.ID, "authors", "contributor", x.Authors, 1, -1)
		refs(x.ID, "communities", "community", x.Communities, 0, -1)
		refs(x.ID, "broader", "term", x.Broader, 0, -1)
		refs(x.ID, "related", "term", x.Related, 0, -1)
		if x.Definition == "" || len(x.Aliases) == 0 {
			t.Errorf("%s: definition and aliases required", x.ID)
		}
	}

	carnets := map[string]map[string]bool{}
	for _, c := range d.Carnets {
		carnets[c.ID] = map[string]bool{}
		for _, cat := range c.Categories {
			carnets[c.ID][cat] = true
		}
	}
	backlinks := map[string]int{}
	for _, n := range d.Notes {
		refs(n.ID, "authors", "contributor", n.Authors, 1, -1)
		refs(n.ID, "communities", "community", n.Communities, 0, -1)
		refs(n.ID, "links", "note", n.Links, 1, 4)
		refs(n.ID, "terms", "term", n.Terms, 1, 4)
		refs(n.ID, "organisations", "organisation", n.Organisations, 0, 3)
		for _, l := range n.Links {
			backlinks[l]++
		}
		if len(n.Carnets) < 1 || len(n.Carnets) > 2 {
			t.Errorf("%s: in %d carnets, want 1 or 2", n.ID, len(n.Carnets))
		}
		for _, p := range n.Carnets {
			cats, ok := carnets[p.Carnet]
			if !ok {
				t.Errorf("%s: unknown carnet %q", n.ID, p.Carnet)
				continue
			}
			if !cats[p.Category] {
				t.Errorf("%s: category %q is not a category of %s", n.ID, p.Category, p.Carnet)
			}
		}
	}
	most := 0
	for _, c := range backlinks {
		most = max(most, c)
	}
	if most < 5 {
		t.Errorf("the most linked note has %d backlinks, want some hubs with 5 or more", most)
	}
}

// dtDocument is the part common to notes, terms and organisations.
type dtDocument struct {
	kind, id, title, summary, body, language, visibility string
	communities                                          []string
	createdAt, publishedAt                               string
}

func dtDocuments(d *dtDemoFile) []dtDocument {
	var docs []dtDocument
	for _, x := range d.Notes {
		docs = append(docs, dtDocument{"note", x.ID, x.Title, x.Summary, x.Body, x.Language, x.Visibility, x.Communities, x.CreatedAt, x.PublishedAt})
	}
	for _, x := range d.Terms {
		docs = append(docs, dtDocument{"term", x.ID, x.Title, x.Summary, x.Body, x.Language, x.Visibility, x.Communities, x.CreatedAt, x.PublishedAt})
	}
	for _, x := range d.Organisations {
		docs = append(docs, dtDocument{"organisation", x.ID, x.Title, x.Summary, x.Body, x.Language, x.Visibility, x.Communities, x.CreatedAt, x.PublishedAt})
	}
	return docs
}

func TestDemoDocuments(t *testing.T) {
	t.Parallel()
	d := dtLoadDemo(t)
	seenVis := map[string]bool{}
	langs := map[string]int{}
	for _, doc := range dtDocuments(d) {
		name := fmt.Sprintf("%s %s", doc.kind, doc.id)
		if !dtDocVisibilities[doc.visibility] {
			t.Errorf("%s: visibility %q", name, doc.visibility)
		}
		seenVis[doc.visibility] = true
		if doc.visibility == "COMMUNITY" && len(doc.communities) == 0 {
			t.Errorf("%s: COMMUNITY visibility without a community", name)
		}
		if !dtLanguages[doc.language] {
			t.Errorf("%s: language %q", name, doc.language)
		}
		langs[doc.language]++
		if strings.TrimSpace(doc.title) == "" || strings.TrimSpace(doc.summary) == "" || strings.TrimSpace(doc.body) == "" {
			t.Errorf("%s: title, summary and body must not be empty", name)
		}
		created, err1 := time.Parse(time.RFC3339, doc.createdAt)
		published, err2 := time.Parse(time.RFC3339, doc.publishedAt)
		if err1 != nil || err2 != nil {
			t.Errorf("%s: dates %q / %q are not RFC 3339", name, doc.createdAt, doc.publishedAt)
			continue
		}
		for _, tm := range []time.Time{created, published} {
			if _, off := tm.Zone(); off != 0 || tm.Before(dtMinDate) || !tm.Before(dtMaxDate) {
				t.Errorf("%s: date %s is not UTC between 2024-01 and 2026-10", name, tm)
			}
		}
		if published.Before(created) {
			t.Errorf("%s: published before created", name)
		}
	}
	for v := range dtDocVisibilities {
		if !seenVis[v] {
			t.Errorf("no document with visibility %s", v)
		}
	}
	if langs["en"] == 0 {
		t.Errorf("want a few English documents")
	}
	for _, n := range d.Notes {
		if w := dtWordCount(n.Body); w < 80 || w > 250 {
			t.Errorf("note %s: body has %d words, want 80 to 250", n.ID, w)
		}
	}
}

func TestDemoDeclarations(t *testing.T) {
	t.Parallel()
	d := dtLoadDemo(t)
	tax := dtTaxIndex(dtLoadTaxonomy(t))
	seenVis := map[string]bool{}
	publicGenderRegion := 0
	englishPublic := 0
	for _, c := range d.Contributors {
		if n := len(c.Declarations); n < 3 || n > 8 {
			t.Errorf("%s declares %d values, want 3 to 8", c.ID, n)
		}
		seen := map[string]bool{}
		pub := map[string]bool{}
		for _, decl := range c.Declarations {
			if !tax[decl.Dimension][decl.Value] {
				t.Errorf("%s declares %s:%s, not in the taxonomy", c.ID, decl.Dimension, decl.Value)
			}
			if !dtDeclVisibilities[decl.Visibility] {
				t.Errorf("%s: declaration %s:%s has visibility %q", c.ID, decl.Dimension, decl.Value, decl.Visibility)
			}
			key := decl.Dimension + ":" + decl.Value
			if seen[key] {
				t.Errorf("%s declares %s twice", c.ID, key)
			}
			seen[key] = true
			seenVis[decl.Visibility] = true
			if decl.Visibility == "PUBLIC" {
				pub[decl.Dimension] = true
				if key == "language:english" {
					englishPublic++
				}
			}
			// Deliberate absences: the demo shows who is missing.
			switch key {
			case "generation:65-plus", "generation:teens", "generation:children":
				t.Errorf("%s declares %s, which the demo keeps absent", c.ID, key)
			}
		}
		if pub["gender"] && pub["region"] {
			publicGenderRegion++
		}
	}
	for v := range dtDeclVisibilities {
		if !seenVis[v] {
			t.Errorf("no declaration with visibility %s", v)
		}
	}
	if publicGenderRegion < 4 {
		t.Errorf("%d contributors declare PUBLIC gender and region, want at least 4", publicGenderRegion)
	}
	if englishPublic != 1 {
		t.Errorf("%d contributors declare language:english PUBLIC, want exactly 1", englishPublic)
	}
}

func TestDemoBroaderHasNoCycle(t *testing.T) {
	t.Parallel()
	d := dtLoadDemo(t)
	broader := map[string][]string{}
	for _, x := range d.Terms {
		broader[x.ID] = x.Broader
	}
	const (
		white = iota
		grey
		black
	)
	state := map[string]int{}
	var visit func(id string, path []string)
	visit = func(id string, path []string) {
		switch state[id] {
		case grey:
			t.Errorf("broader cycle: %s", strings.Join(append(path, id), " -> "))
			return
		case black:
			return
		}
		state[id] = grey
		for _, b := range broader[id] {
			visit(b, append(path, id))
		}
		state[id] = black
	}
	for _, x := range d.Terms {
		visit(x.ID, nil)
	}
}
