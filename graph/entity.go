package graph

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Contributor is a person who writes in the commons. Standpoint declarations
// are kept apart (see Declaration): they are personal data with their own
// visibility, and no profile field repeats them. A region in particular is
// a standpoint of the dimension "region" and nothing else: a profile field
// holding it would show what its owner may have declared AGGREGATE or
// PRIVATE (issue #15).
type Contributor struct {
	ID        string
	Name      string
	Bio       string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// Carnet is a notebook: an ordered collection of documents with categories.
type Carnet struct {
	ID          string
	Title       string
	Description string
	Categories  []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

// Community is a group of contributors; documents and carnets can be tied to it.
type Community struct {
	ID          string
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

// KnowledgeBase groups carnets (IN_BASE).
type KnowledgeBase struct {
	ID          string
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

// Limits on the smaller records.
const (
	MaxNameLen        = 200
	MaxDescriptionLen = 10_000
	MaxCategories     = 100
)

func validateText(field, value string, max int, required bool) error {
	if required && strings.TrimSpace(value) == "" {
		return Errorf(EINVALID, "%s must not be empty", field)
	}
	if !utf8.ValidString(value) {
		return Errorf(EINVALID, "%s is not valid UTF-8", field)
	}
	if len(value) > max {
		return Errorf(EINVALID, "%s is too long: %d bytes, at most %d", field, len(value), max)
	}
	return nil
}

// Validate checks a contributor before it is written.
func (c *Contributor) Validate() error {
	return firstErr(
		validateText("name", c.Name, MaxNameLen, true),
		validateText("bio", c.Bio, MaxDescriptionLen, false),
	)
}

// Validate checks a carnet before it is written.
func (c *Carnet) Validate() error {
	if err := firstErr(
		validateText("title", c.Title, MaxTitleLen, true),
		validateText("description", c.Description, MaxDescriptionLen, false),
	); err != nil {
		return err
	}
	if len(c.Categories) > MaxCategories {
		return Errorf(EINVALID, "too many categories: %d, at most %d", len(c.Categories), MaxCategories)
	}
	seen := map[string]bool{}
	for _, cat := range c.Categories {
		if err := validateText("category", cat, MaxNameLen, true); err != nil {
			return err
		}
		if seen[cat] {
			return Errorf(EINVALID, "category %q is listed twice", cat)
		}
		seen[cat] = true
	}
	return nil
}

// HasCategory reports whether cat is one of the carnet's categories.
func (c *Carnet) HasCategory(cat string) bool {
	for _, x := range c.Categories {
		if x == cat {
			return true
		}
	}
	return false
}

// Validate checks a community before it is written.
func (c *Community) Validate() error {
	return firstErr(
		validateText("name", c.Name, MaxNameLen, true),
		validateText("description", c.Description, MaxDescriptionLen, false),
	)
}

// Validate checks a knowledge base before it is written.
func (b *KnowledgeBase) Validate() error {
	return firstErr(
		validateText("name", b.Name, MaxNameLen, true),
		validateText("description", b.Description, MaxDescriptionLen, false),
	)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ContributorUpdate changes a contributor; nil fields stay as they are.
type ContributorUpdate struct {
	Version int
	Name    *string
	Bio     *string
}

// CarnetUpdate changes a carnet; nil fields stay as they are. Removing a
// category still used by a document is refused (CONFLICT).
type CarnetUpdate struct {
	Version     int
	Title       *string
	Description *string
	Categories  *[]string
}

// GroupUpdate changes a community or a knowledge base.
type GroupUpdate struct {
	Version     int
	Name        *string
	Description *string
}

// Apply changes c and reports whether anything changed.
func (u ContributorUpdate) Apply(c *Contributor) bool {
	return anyTrue(setStr(&c.Name, u.Name), setStr(&c.Bio, u.Bio))
}

// Apply changes c and reports whether anything changed.
func (u CarnetUpdate) Apply(c *Carnet) bool {
	changed := anyTrue(setStr(&c.Title, u.Title), setStr(&c.Description, u.Description))
	if u.Categories != nil && strings.Join(c.Categories, "\x00") != strings.Join(*u.Categories, "\x00") {
		c.Categories = append([]string(nil), (*u.Categories)...)
		changed = true
	}
	return changed
}

// ApplyCommunity changes c and reports whether anything changed.
func (u GroupUpdate) ApplyCommunity(c *Community) bool {
	return anyTrue(setStr(&c.Name, u.Name), setStr(&c.Description, u.Description))
}

// ApplyKnowledgeBase changes b and reports whether anything changed.
func (u GroupUpdate) ApplyKnowledgeBase(b *KnowledgeBase) bool {
	return anyTrue(setStr(&b.Name, u.Name), setStr(&b.Description, u.Description))
}

func setStr(dst *string, src *string) bool {
	if src == nil || *dst == *src {
		return false
	}
	*dst = *src
	return true
}

// anyTrue takes already evaluated results, so every setter above runs.
func anyTrue(bs ...bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}
