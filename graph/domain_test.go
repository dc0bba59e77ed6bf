package graph

import (
	"context"
	"strings"
	"testing"
)

func TestDocumentValidate(t *testing.T) {
	t.Parallel()
	ok := Document{Kind: KindNote, Title: "Une note", Visibility: VisibilityPublic}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(d *Document){
		"empty title":       func(d *Document) { d.Title = "  " },
		"long body":         func(d *Document) { d.Body = strings.Repeat("a", MaxBodyLen+1) },
		"invalid utf-8":     func(d *Document) { d.Summary = "\xff" },
		"no visibility":     func(d *Document) { d.Visibility = "" },
		"bad kind":          func(d *Document) { d.Kind = KindCarnet },
		"note definition":   func(d *Document) { d.Definition = "x" },
		"empty alias":       func(d *Document) { d.Aliases = []string{""} },
		"note with website": func(d *Document) { d.Website = "https://example.org" },
	}
	for name, mutate := range bad {
		d := ok
		mutate(&d)
		if err := d.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: want BAD_USER_INPUT, got %v", name, err)
		}
	}
}

func TestCanRead(t *testing.T) {
	t.Parallel()
	doc := DocumentAccess{Visibility: VisibilityCommunity, AuthorIDs: []string{"a"}, CommunityIDs: []string{"c"}}
	member := map[string]bool{"c": true}
	cases := []struct {
		v     Viewer
		comms map[string]bool
		want  bool
	}{
		{Viewer{}, nil, false},
		{Viewer{Role: RoleContributor, ContributorID: "x"}, nil, false},
		{Viewer{Role: RoleContributor, ContributorID: "m"}, member, true},
		{Viewer{Role: RoleContributor, ContributorID: "a"}, nil, true},
		{Viewer{Role: RoleResearcher, ContributorID: "r"}, nil, false},
		{Viewer{Role: RoleCurator}, nil, true},
	}
	for _, c := range cases {
		if got := c.v.CanRead(doc, c.comms); got != c.want {
			t.Errorf("%+v reads community doc: %v, want %v", c.v, got, c.want)
		}
	}
	private := DocumentAccess{Visibility: VisibilityPrivate, AuthorIDs: []string{"a"}, CommunityIDs: []string{"c"}}
	if (Viewer{Role: RoleContributor, ContributorID: "m"}).CanRead(private, member) {
		t.Error("a community member reads a private document")
	}
}

func TestDefaultTaxonomy(t *testing.T) {
	t.Parallel()
	tax := DefaultTaxonomy()
	for _, dim := range []string{"gender", "region", "generation", "education", "racialisation", "indigeneity",
		"migration", "language", "sector", "digital-literacy", "disability"} {
		d := tax.Dimension(dim)
		if d == nil || len(d.Values) < 2 {
			t.Errorf("dimension %q missing or nearly empty", dim)
		}
	}
	if err := tax.ValidateDeclaration(Declaration{Dimension: "region", Value: "montreal"}); ErrorCode(err) != EINVALID {
		t.Errorf("a declaration without visibility was accepted: %v", err)
	}
	if err := tax.ValidateDeclaration(Declaration{Dimension: "region", Value: "atlantis", Visibility: DeclPublic}); ErrorCode(err) != EINVALID {
		t.Errorf("an unknown value was accepted: %v", err)
	}
	if err := tax.ValidateDeclaration(Declaration{Dimension: "region", Value: "montreal", Visibility: DeclPublic}); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{`{`, `{"version": 2}`, `{"version":1,"dimensions":[{"id":"x","label":{"fr":"X"}}]}`} {
		if _, err := ParseTaxonomy([]byte(bad)); err == nil {
			t.Errorf("taxonomy %s accepted", bad)
		}
	}
}

func TestErrorsRevealNothingInternal(t *testing.T) {
	t.Parallel()
	err := error(&Error{Code: ECONFLICT, Message: "stale"})
	if ErrorCode(err) != ECONFLICT || ErrorMessage(err) != "stale" {
		t.Fatal(err)
	}
	internal := strings.NewReader("").UnreadByte() // an arbitrary non-domain error
	if ErrorCode(internal) != EINTERNAL || ErrorMessage(internal) != "internal error" {
		t.Fatalf("%q / %q", ErrorCode(internal), ErrorMessage(internal))
	}
}

func TestViewerWithoutRoleIsAnonymous(t *testing.T) {
	t.Parallel()
	ctx := WithViewer(context.Background(), Viewer{ContributorID: "a"})
	v := ViewerFrom(ctx)
	if v.SignedIn() || v.ContributorID != "" {
		t.Fatalf("a role-less viewer kept its contributor id: %+v", v)
	}
	if v.CanRead(DocumentAccess{Visibility: VisibilityPrivate, AuthorIDs: []string{"a"}}, nil) {
		t.Fatal("a role-less viewer reads an author's private document")
	}
}
