package resolve

import (
	"encoding/base64"
	"strings"

	"github.com/encommun/maillage/api/internal/request"
	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
)

// maxGlobalIDLen bounds what ParseGlobalID looks at: a kind, a colon and a
// store id of at most 64 characters, base64-encoded, fit well within it.
const maxGlobalIDLen = 128

// GlobalID returns the Relay global id of the object of this kind with this
// store id: base64url (unpadded) of "Kind:storeId". Callers treat it as
// opaque.
func GlobalID(kind graph.Kind, id string) string { return model.GlobalID(kind, id) }

// ParseGlobalID decodes a global id strictly: anything but the canonical
// encoding of a known kind and a well-formed store id is BAD_USER_INPUT.
func ParseGlobalID(gid string) (graph.Kind, string, error) {
	bad := func() (graph.Kind, string, error) {
		return "", "", graph.Errorf(graph.EINVALID, "invalid id %q: pass an id returned by this API", request.Clip(gid, 80))
	}
	if gid == "" || len(gid) > maxGlobalIDLen {
		return bad()
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(gid)
	if err != nil {
		return bad()
	}
	kind, id, ok := strings.Cut(string(b), ":")
	if !ok || !graph.Kind(kind).Valid() || graph.ValidateID(id) != nil {
		return bad()
	}
	return graph.Kind(kind), id, nil
}

// parseIDOf decodes a global id that must name one of kinds: a valid id of
// another kind is BAD_USER_INPUT too, since the argument says what it takes.
func parseIDOf(gid string, kinds ...graph.Kind) (graph.Kind, string, error) {
	kind, id, err := ParseGlobalID(gid)
	if err != nil {
		return "", "", err
	}
	for _, k := range kinds {
		if k == kind {
			return kind, id, nil
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return "", "", graph.Errorf(graph.EINVALID, "id %q is not the id of a %s", request.Clip(gid, 80), strings.Join(names, " or "))
}

// parseOptionalIDOf is parseIDOf for nullable arguments: nil gives "".
func parseOptionalIDOf(gid *string, kinds ...graph.Kind) (string, error) {
	if gid == nil {
		return "", nil
	}
	_, id, err := parseIDOf(*gid, kinds...)
	return id, err
}
