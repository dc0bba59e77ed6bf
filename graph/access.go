package graph

// DocumentAccess is what a document's visibility depends on: its own
// setting, its authors and the communities it is tied to.
type DocumentAccess struct {
	Visibility   Visibility
	AuthorIDs    []string
	CommunityIDs []string
	// Hidden pending review: PRIVATE whatever Visibility says.
	Hidden bool
}

// CanRead is the document visibility rule. viewerCommunities are the
// communities the viewer is a member of (MEMBER_OF), which the store looks
// up in the same transaction as the document.
func (v Viewer) CanRead(a DocumentAccess, viewerCommunities map[string]bool) bool {
	if a.Hidden {
		a.Visibility = VisibilityPrivate
	}
	if v.SeesEverything() || a.Visibility == VisibilityPublic {
		return true
	}
	if v.ContributorID != "" && contains(a.AuthorIDs, v.ContributorID) {
		return true
	}
	if a.Visibility == VisibilityCommunity {
		for _, c := range a.CommunityIDs {
			if viewerCommunities[c] {
				return true
			}
		}
	}
	return false
}

// CanReadRevision is the revision rule, for a document the viewer may read
// now (a is its access today): a revision is readable by whoever could read
// the document when it was written, which is the visibility the revision
// records under the document's current authors and community ties; authors
// and curators always. viewerCommunities as in CanRead.
func (v Viewer) CanReadRevision(rev *Revision, a DocumentAccess, viewerCommunities map[string]bool) bool {
	a.Visibility, a.Hidden = rev.Visibility, false
	return v.CanRead(a, viewerCommunities)
}

// CanEditDocument reports whether v may change a document with these
// authors: its authors and curators may.
func (v Viewer) CanEditDocument(authorIDs []string) bool {
	return v.IsCurator() || (v.ContributorID != "" && contains(authorIDs, v.ContributorID))
}

// CanCreateDocument reports whether v may write documents at all.
func (v Viewer) CanCreateDocument() bool {
	return v.IsCurator() || (v.SignedIn() && v.ContributorID != "")
}

// CanEditContributor reports whether v may change contributor id's profile,
// memberships and affiliations.
func (v Viewer) CanEditContributor(id string) bool {
	return v.Role == RoleAdmin || v.Role == RoleSystem || (v.ContributorID != "" && v.ContributorID == id)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// RequireWriter is the first rule of every write, in every store: a
// signed-in viewer (UNAUTHENTICATED otherwise).
func RequireWriter(v Viewer) error {
	if !v.SignedIn() {
		return Errorf(EUNAUTHENTICATED, "sign in to change the graph")
	}
	return nil
}

// RequireGroupWriter guards the writes of groups (carnets, communities,
// knowledge bases): curators, admins and the system.
func RequireGroupWriter(v Viewer) error {
	if err := RequireWriter(v); err != nil {
		return err
	}
	if !v.IsCurator() {
		return Errorf(EFORBIDDEN, "only curators and admins may do this")
	}
	return nil
}

// RequireAdminWriter guards contributors' creation and deletion, and
// tokens: admins and the system.
func RequireAdminWriter(v Viewer) error {
	if err := RequireWriter(v); err != nil {
		return err
	}
	if v.Role != RoleAdmin && v.Role != RoleSystem {
		return Errorf(EFORBIDDEN, "only admins may do this")
	}
	return nil
}

// DocumentAuthors is the rule of creating a document, in every store: a
// signed-in viewer whose token speaks for a contributor (or a curator);
// the authors named, each once, or the viewer when none is named; and only
// curators name other authors than themselves. It returns the authors to
// link; the store checks that each is a contributor.
func DocumentAuthors(v Viewer, authorIDs []string) ([]string, error) {
	if err := RequireWriter(v); err != nil {
		return nil, err
	}
	if !v.CanCreateDocument() {
		return nil, Errorf(EFORBIDDEN, "your token does not speak for a contributor: it cannot write documents")
	}
	authors := Unique(authorIDs)
	if len(authors) == 0 && v.ContributorID != "" {
		authors = []string{v.ContributorID}
	}
	for _, a := range authors {
		if a != v.ContributorID && !v.IsCurator() {
			return nil, Errorf(EFORBIDDEN, "only curators may name other authors than yourself")
		}
	}
	return authors, nil
}
