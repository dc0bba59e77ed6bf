package graph

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// DeclarationVisibility is chosen by a contributor for each standpoint
// value they declare. There is no default: the caller must choose.
type DeclarationVisibility string

const (
	// DeclPrivate values are seen by their owner only — not by admins.
	DeclPrivate DeclarationVisibility = "PRIVATE"
	// DeclAggregate values are counted in statistics (with small counts
	// suppressed) and never shown per person.
	DeclAggregate DeclarationVisibility = "AGGREGATE"
	// DeclPublic values are shown on the profile and usable as search filters.
	DeclPublic DeclarationVisibility = "PUBLIC"
)

// Valid reports whether v is a known declaration visibility.
func (v DeclarationVisibility) Valid() bool {
	return v == DeclPrivate || v == DeclAggregate || v == DeclPublic
}

// Declaration is one standpoint value a contributor declares.
type Declaration struct {
	ContributorID string
	Dimension     string
	Value         string
	Visibility    DeclarationVisibility
	DeclaredAt    time.Time
}

// RequireOwnDeclarations is the one rule for writing declarations:
// nobody, not even an admin, speaks for someone else's standpoint. The
// system may, to load demo data and imports.
func RequireOwnDeclarations(v Viewer, contributorID string) error {
	if err := RequireWriter(v); err != nil {
		return err
	}
	if v.Role == RoleSystem || (v.ContributorID != "" && v.ContributorID == contributorID) {
		return nil
	}
	return Errorf(EFORBIDDEN, "you may only declare or withdraw your own standpoints")
}

// CheckDeclaration is what every store checks of a declaration before it
// looks at the graph: who may write it (RequireOwnDeclarations), a
// dimension and value that are ids, a chosen visibility. The value itself
// is the caller's to check against the taxonomy.
func CheckDeclaration(v Viewer, d Declaration) error {
	if err := RequireOwnDeclarations(v, d.ContributorID); err != nil {
		return err
	}
	if ValidateID(d.Dimension) != nil || ValidateID(d.Value) != nil {
		return Errorf(EINVALID, "invalid standpoint %q:%q: dimension and value are ids of the taxonomy", d.Dimension, d.Value)
	}
	if !d.Visibility.Valid() {
		return Errorf(EINVALID, "visibility must be chosen: PRIVATE, AGGREGATE or PUBLIC")
	}
	return nil
}

// Label is a text in French and English.
type Label struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// StandpointValue is one value of a dimension.
type StandpointValue struct {
	ID    string `json:"id"`
	Label Label  `json:"label"`
}

// StandpointDimension is an axis of standpoints (gender, region, …).
type StandpointDimension struct {
	ID          string            `json:"id"`
	Label       Label             `json:"label"`
	Description Label             `json:"description"`
	Values      []StandpointValue `json:"values"`
}

// Taxonomy is the set of dimensions and values contributors declare from.
// It is data, replaceable by operators; the store does not depend on it, so
// values an operator removes stay on declarations and show as retired.
type Taxonomy struct {
	Version    int                   `json:"version"`
	Dimensions []StandpointDimension `json:"dimensions"`
}

//go:embed taxonomy.json
var defaultTaxonomy []byte

// DefaultTaxonomy returns the taxonomy shipped with maillage.
func DefaultTaxonomy() *Taxonomy {
	t, err := ParseTaxonomy(defaultTaxonomy)
	if err != nil {
		panic("embedded taxonomy.json: " + err.Error())
	}
	return t
}

// LoadTaxonomy reads an operator's taxonomy file.
func LoadTaxonomy(path string) (*Taxonomy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 10<<20))
	if err != nil {
		return nil, err
	}
	t, err := ParseTaxonomy(b)
	if err != nil {
		return nil, fmt.Errorf("taxonomy %s: %w", path, err)
	}
	return t, nil
}

// ParseTaxonomy decodes and checks a taxonomy.
func ParseTaxonomy(b []byte) (*Taxonomy, error) {
	var t Taxonomy
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("not a valid taxonomy JSON document: %w", err)
	}
	if t.Version != 1 {
		return nil, fmt.Errorf("taxonomy version %d is not supported (want 1)", t.Version)
	}
	dims := map[string]bool{}
	for _, d := range t.Dimensions {
		if ValidateID(d.ID) != nil || dims[d.ID] {
			return nil, fmt.Errorf("dimension id %q is invalid or repeated", d.ID)
		}
		dims[d.ID] = true
		if d.Label.FR == "" || d.Label.EN == "" {
			return nil, fmt.Errorf("dimension %q needs a French and an English label", d.ID)
		}
		vals := map[string]bool{}
		for _, v := range d.Values {
			if ValidateID(v.ID) != nil || vals[v.ID] {
				return nil, fmt.Errorf("value id %q of dimension %q is invalid or repeated", v.ID, d.ID)
			}
			vals[v.ID] = true
			if v.Label.FR == "" || v.Label.EN == "" {
				return nil, fmt.Errorf("value %q of %q needs a French and an English label", v.ID, d.ID)
			}
		}
	}
	return &t, nil
}

// Dimension returns the dimension with id, or nil.
func (t *Taxonomy) Dimension(id string) *StandpointDimension {
	for i := range t.Dimensions {
		if t.Dimensions[i].ID == id {
			return &t.Dimensions[i]
		}
	}
	return nil
}

// Value returns the value of a dimension, or nil when either is unknown
// (or retired: removed from the taxonomy since it was declared).
func (t *Taxonomy) Value(dimension, value string) *StandpointValue {
	d := t.Dimension(dimension)
	if d == nil {
		return nil
	}
	for i := range d.Values {
		if d.Values[i].ID == value {
			return &d.Values[i]
		}
	}
	return nil
}

// ValidateDeclaration checks that a new declaration names a current value
// and carries an explicit visibility.
func (t *Taxonomy) ValidateDeclaration(d Declaration) error {
	if !d.Visibility.Valid() {
		return Errorf(EINVALID, "visibility must be chosen: PRIVATE, AGGREGATE or PUBLIC")
	}
	if t.Dimension(d.Dimension) == nil {
		return Errorf(EINVALID, "unknown standpoint dimension %q", d.Dimension)
	}
	if t.Value(d.Dimension, d.Value) == nil {
		return Errorf(EINVALID, "unknown value %q for standpoint dimension %q", d.Value, d.Dimension)
	}
	return nil
}
