package graph

import (
	"context"
	"slices"
)

// GroupOps is the storage of one kind of group (carnets, communities,
// knowledge bases): the three kinds share one shape and one set of rules,
// so a store implements it once, generic over G, the group, and U, its
// update. Anyone may read groups; curators, admins and the system write
// them (RequireGroupWriter: UNAUTHENTICATED or FORBIDDEN otherwise).
type GroupOps[G any, U any] interface {
	// Create writes a new group at version 1 and returns it. An empty ID
	// is generated; a given one must be unused (CONFLICT).
	Create(ctx context.Context, g G) (*G, error)
	// Get returns a group, or NOT_FOUND.
	Get(ctx context.Context, id string) (*G, error)
	// GetMany returns the groups with ids, in the same order, with nil for
	// each one that is missing (dataloaders).
	GetMany(ctx context.Context, ids []string) ([]*G, error)
	// List returns one page of the groups.
	List(ctx context.Context, p Page) (*Connection[*G], error)
	// Update applies u if its version is the current one (CONFLICT
	// otherwise, nothing changed) and bumps the version when anything
	// changed.
	Update(ctx context.Context, id string, u U) (*G, error)
	// Delete removes a group and every link to or from it, with the same
	// version check as Update.
	Delete(ctx context.Context, id string, version int) error
}

// The three kinds of group. These are aliases, not new types: a consumer
// that declares the role it uses (interface{ Carnets() graph.CarnetOps })
// is met by every store, since Go matches method results exactly.
type (
	// CarnetOps stores carnets. Update refuses (CONFLICT) to remove a
	// category that documents are still filed under: they would point at
	// nothing. Deleting a carnet leaves its documents.
	CarnetOps = GroupOps[Carnet, CarnetUpdate]
	// CommunityOps stores communities. Deleting one leaves its COMMUNITY
	// documents, readable by their authors only until tied to another
	// community.
	CommunityOps = GroupOps[Community, GroupUpdate]
	// KnowledgeBaseOps stores knowledge bases.
	KnowledgeBaseOps = GroupOps[KnowledgeBase, GroupUpdate]
)

// GroupStore holds carnets, communities and knowledge bases.
type GroupStore interface {
	Carnets() CarnetOps
	Communities() CommunityOps
	KnowledgeBases() KnowledgeBaseOps
}

// GroupServices serves GroupStore with a store's implementations of the
// three kinds; a store embeds it.
type GroupServices struct {
	carnets        CarnetOps
	communities    CommunityOps
	knowledgeBases KnowledgeBaseOps
}

// NewGroupServices returns the GroupServices of these implementations.
func NewGroupServices(c CarnetOps, m CommunityOps, b KnowledgeBaseOps) GroupServices {
	return GroupServices{c, m, b}
}

// Carnets implements GroupStore.
func (g *GroupServices) Carnets() CarnetOps { return g.carnets }

// Communities implements GroupStore.
func (g *GroupServices) Communities() CommunityOps { return g.communities }

// KnowledgeBases implements GroupStore.
func (g *GroupServices) KnowledgeBases() KnowledgeBaseOps { return g.knowledgeBases }

// GroupKind is what a store's one implementation of GroupOps needs to know
// of a kind beyond its stored form: the rules that are not queries, written
// here once for both stores, and the names its operations report to
// Observers.
type GroupKind[G any, U any] struct {
	Kind Kind
	// Ops are the store method names of the operations, as the store's
	// metrics have always called them ("CreateCarnet", "Carnets"…): the
	// generic methods have no per-kind name of their own on the stack.
	Ops       GroupOpNames
	normalize func(*G)
	apply     func(U, *G) bool
	version   func(U) int
}

// GroupOpNames names the six operations of one kind of group.
type GroupOpNames struct {
	Create, Get, GetMany, List, Update, Delete string
}

func groupOpNames(one, many string) GroupOpNames {
	return GroupOpNames{
		Create: "Create" + one, Get: one, GetMany: many, List: "List" + many,
		Update: "Update" + one, Delete: "Delete" + one,
	}
}

// Prepare puts a group about to be created in its stored form.
func (k *GroupKind[G, U]) Prepare(g *G) {
	if k.normalize != nil {
		k.normalize(g)
	}
}

// Apply changes g as u says and reports whether anything changed; g is left
// in its stored form.
func (k *GroupKind[G, U]) Apply(u U, g *G) bool {
	changed := k.apply(u, g)
	k.Prepare(g)
	return changed
}

// Version is the version u expects to change.
func (k *GroupKind[G, U]) Version(u U) int { return k.version(u) }

// The kinds of group.
var (
	CarnetGroup = &GroupKind[Carnet, CarnetUpdate]{
		Kind: KindCarnet, Ops: groupOpNames("Carnet", "Carnets"),
		// A carnet owns its categories (not the caller's slice), and
		// none is stored as nil, whatever a store's decoder gives back.
		normalize: func(c *Carnet) {
			c.Categories = slices.Clone(c.Categories)
			if len(c.Categories) == 0 {
				c.Categories = nil
			}
		},
		apply:   CarnetUpdate.Apply,
		version: func(u CarnetUpdate) int { return u.Version },
	}
	CommunityGroup = &GroupKind[Community, GroupUpdate]{
		Kind: KindCommunity, Ops: groupOpNames("Community", "Communities"),
		apply:   GroupUpdate.ApplyCommunity,
		version: func(u GroupUpdate) int { return u.Version },
	}
	KnowledgeBaseGroup = &GroupKind[KnowledgeBase, GroupUpdate]{
		Kind: KindKnowledgeBase, Ops: groupOpNames("KnowledgeBase", "KnowledgeBases"),
		apply:   GroupUpdate.ApplyKnowledgeBase,
		version: func(u GroupUpdate) int { return u.Version },
	}
)

// CheckCategoryKept refuses the update that left carnet c without cat, a
// category that documents are still filed under ("" is no category).
func CheckCategoryKept(c *Carnet, cat string) error {
	if cat == "" || c.HasCategory(cat) {
		return nil
	}
	return Errorf(ECONFLICT, "category %q of carnet %q is still used: move its documents first", cat, c.ID)
}
