package api_test

import (
	"encoding/base64"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

func TestGlobalIDs(t *testing.T) {
	t.Parallel()
	for _, k := range graph.Kinds {
		id := graph.NewID()
		gid := api.GlobalID(k, id)
		kind, sid, err := api.ParseGlobalID(gid)
		if err != nil || kind != k || sid != id {
			t.Errorf("round trip %s %s: %s %s %v", k, id, kind, sid, err)
		}
	}
	enc := base64.RawURLEncoding.EncodeToString
	for _, bad := range []string{
		"", "!", "Tm90ZTpuMQ==", // padded
		enc([]byte("Note")), enc([]byte("Note:")), enc([]byte(":n1")), enc([]byte("note:n1")),
		enc([]byte("Note:n1:x")), enc([]byte("Note:N1")), enc([]byte("Document:n1")),
		enc([]byte("Note:n1")) + "x", // trailing garbage
		enc([]byte("Note:" + string(make([]byte, 70)))),
	} {
		if _, _, err := api.ParseGlobalID(bad); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("ParseGlobalID(%q) = %v, want BAD_USER_INPUT", bad, err)
		}
	}
}

func FuzzParseGlobalID(f *testing.F) {
	f.Add(api.GlobalID(graph.KindNote, "n1"))
	f.Add("Tm90ZTpuMQ")
	f.Fuzz(func(t *testing.T, s string) {
		kind, id, err := api.ParseGlobalID(s)
		if err != nil {
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Fatalf("error %v is not BAD_USER_INPUT", err)
			}
			return
		}
		// Whatever parses is canonical: it encodes back to itself.
		if api.GlobalID(kind, id) != s {
			t.Fatalf("%q parses to %s %s, which encodes to %q", s, kind, id, api.GlobalID(kind, id))
		}
	})
}
