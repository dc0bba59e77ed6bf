package api

import (
	"github.com/encommun/maillage/api/resolve"
	"github.com/encommun/maillage/graph"
)

// GlobalID returns the Relay global id of the object of this kind with this
// store id (resolve.GlobalID). Callers treat it as opaque.
func GlobalID(kind graph.Kind, id string) string { return resolve.GlobalID(kind, id) }

// ParseGlobalID decodes a global id strictly (resolve.ParseGlobalID):
// anything but the canonical encoding of a known kind and a well-formed
// store id is BAD_USER_INPUT.
func ParseGlobalID(gid string) (graph.Kind, string, error) { return resolve.ParseGlobalID(gid) }
