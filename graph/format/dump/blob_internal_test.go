package dump

import (
	"reflect"
	"testing"
)

// TestDecodeBlobAsStrict: the fast path reads a blob record exactly as
// encoding/json does, and refuses what it refuses.
func TestDecodeBlobAsStrict(t *testing.T) {
	t.Parallel()
	sha := `"sha256":"aa"`
	for _, line := range []string{
		`{"type":"blob",` + sha + `,"size":3,"offset":0,"data":"AQID"}`,
		`{"type":"blob",` + sha + `,"size":3,"offset":0,"data":""}`,
		`{"type":"blob","data":"AQID",` + sha + `,"size":3,"offset":0}`,
		`{"type":"blob",` + sha + `,"size":3,"offset":0,"data":"AQID","data":"BAUG"}`,
		`{"type":"blob",` + sha + `,"size":3,"offset":0,"colour":"red","data":"AQID"}`,
		`{"type":"blob",` + sha + `,"size":3,"offset":0,"data":"AQ\u0049D"}`,
		`{"type":"blob",` + sha + `,"size":3,"offset":0,"data":"A!ID"}`,
		`{"type":"blob",` + sha + `,"size":"3","offset":0,"data":"AQID"}`,
		`{"type":"blob",` + sha + `,"size":3,"offset":0,"data":"AQID"}}`,
		`{"type":"blob",` + sha + `,"size":3,"offset":0,"data":"AQID"`,
	} {
		var want blobRecord
		wantErr := strict([]byte(line), &want)
		got, err := decodeBlob([]byte(line))
		if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(got, want)) {
			t.Errorf("%s:\nfast   %+v %v\nstrict %+v %v", line, got, err, want, wantErr)
		}
	}
}
