package graph

import "context"

// Role is what a signed-in caller may do beyond reading public data.
type Role string

const (
	RoleAnonymous   Role = "ANONYMOUS"
	RoleContributor Role = "CONTRIBUTOR"
	RoleResearcher  Role = "RESEARCHER"
	RoleCurator     Role = "CURATOR"
	RoleAdmin       Role = "ADMIN"
	// RoleSystem is for the process itself (demo loader, indexer, imports);
	// it is never given to a token.
	RoleSystem Role = "SYSTEM"
)

// Roles lists the roles a token may carry.
var Roles = []Role{RoleContributor, RoleResearcher, RoleCurator, RoleAdmin}

// ParseRole validates a role given by an operator or caller.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "unknown role %q: one of CONTRIBUTOR, RESEARCHER, CURATOR, ADMIN", s)
}

// Viewer is who is asking. The zero Viewer is an anonymous reader.
type Viewer struct {
	Role Role
	// ContributorID is the contributor the token speaks for; empty for
	// anonymous readers and for tokens that belong to no contributor.
	ContributorID string
}

// SeesEverything reports whether the viewer bypasses document visibility:
// curators and admins moderate, so they must see what they moderate.
func (v Viewer) SeesEverything() bool {
	return v.Role == RoleCurator || v.Role == RoleAdmin || v.Role == RoleSystem
}

// SeesStoredPositions reports whether carnet positions are given to v as
// stored rather than ranked (CarnetRanks): only to the process itself,
// whose backups must restore the carnets exactly. Nobody is shown them.
func (v Viewer) SeesStoredPositions() bool { return v.Role == RoleSystem }

// SignedIn reports whether the viewer holds a token.
func (v Viewer) SignedIn() bool {
	return v.Role != "" && v.Role != RoleAnonymous
}

// IsCurator reports whether the viewer may curate: edit anyone's documents,
// carnets, communities and links.
func (v Viewer) IsCurator() bool { return v.SeesEverything() }

type viewerKey struct{}

// WithViewer returns a context carrying v.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom returns the viewer of ctx, anonymous when none was set: a
// forgotten viewer must fail closed.
func ViewerFrom(ctx context.Context) Viewer {
	v, _ := ctx.Value(viewerKey{}).(Viewer)
	if v.Role == "" || v.Role == RoleAnonymous {
		// A contributor id without a role proves nothing: drop it, so that
		// the rules never grant an author's rights to an anonymous caller.
		v = Viewer{Role: RoleAnonymous}
	}
	return v
}

// SystemContext is the context for the process's own work (demo data,
// indexing, imports).
func SystemContext(ctx context.Context) context.Context {
	return WithViewer(ctx, Viewer{Role: RoleSystem})
}
