package jsonld

import (
	"regexp"
	"strings"
)

// DefaultLicence is what a document without a licence of its own is
// published under, unless the operator says otherwise.
const DefaultLicence = "CC-BY-SA-4.0"

var creativeCommons = regexp.MustCompile(`^CC-(BY(?:-NC)?(?:-SA|-ND)?)-([1-4]\.[05])$`)

// spdxOther are the SPDX ids, beyond Creative Commons, that a commons of
// texts and data is likely to use; they resolve to the SPDX licence page.
var spdxOther = map[string]string{
	"ODBL-1.0": "ODbL-1.0", "ODC-BY-1.0": "ODC-By-1.0", "PDDL-1.0": "PDDL-1.0",
	"LO-2.0": "etalab-2.0", "ETALAB-2.0": "etalab-2.0", "GFDL-1.3-OR-LATER": "GFDL-1.3-or-later",
	"FAL-1.3": "LAL-1.3", "LAL-1.3": "LAL-1.3",
}

// LicenceIRI returns the IRI of a licence given as an SPDX-like id
// ("CC-BY-SA-4.0", "cc by-sa 4.0", "CC0-1.0", "ODbL-1.0") or as an IRI
// already. ok is false for free text it cannot map ("Tous droits réservés"),
// which callers show as a name rather than invent an IRI for.
func LicenceIRI(licence string) (iri string, ok bool) {
	s := strings.TrimSpace(licence)
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		return s, !strings.ContainsAny(s, " \t\n<>\"{}|\\^`")
	}
	id := strings.ToUpper(strings.Join(strings.Fields(s), "-"))
	id = strings.TrimSuffix(strings.TrimSuffix(id, "-INTERNATIONAL"), "-INT")
	if id == "CC0-1.0" || id == "CC0" {
		return "https://creativecommons.org/publicdomain/zero/1.0/", true
	}
	if m := creativeCommons.FindStringSubmatch(id); m != nil {
		return "https://creativecommons.org/licenses/" + strings.ToLower(m[1]) + "/" + m[2] + "/", true
	}
	if spdx, known := spdxOther[id]; known {
		return "https://spdx.org/licenses/" + spdx + ".html", true
	}
	return "", false
}
