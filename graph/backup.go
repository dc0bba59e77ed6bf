package graph

import (
	"context"
	"io"
)

// HotBackuper is implemented by stores that can copy themselves whole while
// they serve: the embedded store writes a consistent image of its file,
// which `maillage serve` opens as it is. (Neo4j has its own tools for that:
// neo4j-admin database dump; `maillage export json` works with both.)
type HotBackuper interface {
	// HotBackup writes the store as of one moment: every write
	// acknowledged before the call is in the copy, none that starts after
	// it. Writers go on meanwhile. start is called once the size of the
	// copy and the change sequence it ends at are known, before any byte
	// is written, and returns where to write them. The copy holds
	// everything, private documents and standpoints included: only the
	// system and admins may take one (UNAUTHENTICATED, FORBIDDEN).
	HotBackup(ctx context.Context, start func(size int64, seq uint64) (io.Writer, error)) error
}

// RequireAdminTo is the rule for operations on the whole store at once.
func RequireAdminTo(v Viewer, what string) error {
	switch {
	case v.Role == RoleAdmin || v.Role == RoleSystem:
		return nil
	case !v.SignedIn():
		return Errorf(EUNAUTHENTICATED, "sign in as an admin to %s", what)
	default:
		return Errorf(EFORBIDDEN, "only admins may %s", what)
	}
}
