package graph

import "testing"

// TestCanReadHidden: a hidden document is PRIVATE whatever its visibility.
func TestCanReadHidden(t *testing.T) {
	t.Parallel()
	member := map[string]bool{"c": true}
	for _, vis := range []Visibility{VisibilityPublic, VisibilityCommunity, VisibilityPrivate} {
		a := DocumentAccess{Visibility: vis, AuthorIDs: []string{"a"}, CommunityIDs: []string{"c"}, Hidden: true}
		for _, c := range []struct {
			v    Viewer
			m    map[string]bool
			want bool
		}{
			{Viewer{}, nil, false},
			{Viewer{Role: RoleContributor, ContributorID: "m"}, member, false},
			{Viewer{Role: RoleResearcher}, nil, false},
			{Viewer{Role: RoleContributor, ContributorID: "a"}, nil, true},
			{Viewer{Role: RoleCurator}, nil, true},
			{Viewer{Role: RoleAdmin}, nil, true},
		} {
			if got := c.v.CanRead(a, c.m); got != c.want {
				t.Errorf("%s hidden, viewer %+v: CanRead %v, want %v", vis, c.v, got, c.want)
			}
			a.Hidden = false
			if vis == VisibilityPublic && !c.v.CanRead(a, c.m) {
				t.Errorf("shown PUBLIC document unreadable by %+v", c.v)
			}
			a.Hidden = true
		}
	}
}
