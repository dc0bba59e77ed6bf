package neo4j

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Property maps go to Neo4j as map[string]any: strings, int64, lists of
// strings and time.Time (stored as DATETIME in UTC). Empty strings are
// kept, so that a property is present on every node of a kind; an empty
// list or a nil time is stored as no property (null).

// props is a property map under construction.
type props map[string]any

func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func strList(xs []string) any {
	if len(xs) == 0 {
		return nil
	}
	return append([]string(nil), xs...)
}

// Sort keys of documents, precomputed at write time with the same
// graph.DocumentOrder.SortKey the embedded store uses, so both stores sort
// alike. The title key is stored hex-encoded: Go compares strings by their
// UTF-8 bytes, and hex digits compare the same in Neo4j whatever its own
// string order is for characters outside the Basic Multilingual Plane.
var sortProperties = map[graph.DocumentOrderField]string{
	graph.OrderCreatedAt:   "sortCreated",
	graph.OrderUpdatedAt:   "sortUpdated",
	graph.OrderPublishedAt: "sortPublished",
	graph.OrderTitle:       "sortTitle",
}

func sortKey(o graph.DocumentOrderField, d *graph.Document) string {
	k := graph.DocumentOrder{Field: o}.SortKey(d)
	if o == graph.OrderTitle {
		return hex.EncodeToString([]byte(k))
	}
	return k
}

func documentProps(d *graph.Document) props {
	p := props{
		"id": d.ID, "kind": string(d.Kind), "slug": d.Slug, "title": d.Title, "summary": d.Summary,
		"body": d.Body, "language": d.Language, "visibility": string(d.Visibility), "licence": d.Licence,
		"aliases": strList(d.Aliases), "definition": d.Definition, "website": d.Website,
		"region": d.Region, "sector": d.Sector,
		"createdAt": d.CreatedAt.UTC(), "updatedAt": d.UpdatedAt.UTC(), "publishedAt": optTime(d.PublishedAt),
		"version": int64(d.Version),
	}
	for field, name := range sortProperties {
		p[name] = sortKey(field, d)
	}
	return p
}

func contributorProps(c *graph.Contributor) props {
	return props{"id": c.ID, "kind": string(graph.KindContributor), "name": c.Name, "bio": c.Bio,
		"createdAt": c.CreatedAt.UTC(), "updatedAt": c.UpdatedAt.UTC(), "version": int64(c.Version)}
}

func carnetProps(c *graph.Carnet) props {
	return props{"id": c.ID, "kind": string(graph.KindCarnet), "title": c.Title, "description": c.Description,
		"categories": strList(c.Categories),
		"createdAt":  c.CreatedAt.UTC(), "updatedAt": c.UpdatedAt.UTC(), "version": int64(c.Version)}
}

func groupProps(kind graph.Kind, id, name, description string, created, updated time.Time, version int) props {
	return props{"id": id, "kind": string(kind), "name": name, "description": description,
		"createdAt": created.UTC(), "updatedAt": updated.UTC(), "version": int64(version)}
}

func linkProps(l *graph.Link) props {
	p := props{"createdAt": l.CreatedAt.UTC()}
	if l.Role != "" {
		p["role"] = l.Role
	}
	if l.Category != "" {
		p["category"] = l.Category
	}
	if l.Position != 0 {
		p["position"] = int64(l.Position)
	}
	return p
}

func revisionProps(r *graph.Revision) props {
	return props{"id": fmt.Sprintf("%s@%d", r.DocumentID, r.Version), "documentId": r.DocumentID,
		"version": int64(r.Version), "authorId": r.AuthorID, "at": r.At.UTC(), "changed": strList(r.Changed),
		"title": r.Title, "summary": r.Summary, "body": r.Body, "visibility": string(r.Visibility)}
}

// decoder reads a property map or a record, remembering the first
// mismatch: a value of the wrong type is a damaged graph, reported as an
// internal error naming the property.
type decoder struct {
	m   map[string]any
	err error
}

func newDecoder(v any) *decoder {
	m, ok := v.(map[string]any)
	if !ok {
		return &decoder{err: fmt.Errorf("expected a map, got %T", v)}
	}
	return &decoder{m: m}
}

func recordDecoder(rec *neo4j.Record) *decoder {
	return &decoder{m: rec.AsMap()}
}

func (d *decoder) fail(key string, v any, want string) {
	if d.err == nil {
		d.err = fmt.Errorf("property %q: expected %s, got %T", key, want, v)
	}
}

func (d *decoder) str(key string) string {
	v := d.m[key]
	if v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(key, v, "a string")
	}
	return s
}

func (d *decoder) int(key string) int64 {
	v := d.m[key]
	if v == nil {
		return 0
	}
	n, ok := v.(int64)
	if !ok {
		d.fail(key, v, "an integer")
	}
	return n
}

func (d *decoder) bool(key string) bool {
	v := d.m[key]
	if v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		d.fail(key, v, "a boolean")
	}
	return b
}

// items reads a list property: nil when it is absent or not a list (then
// recorded as the decoder's failure).
func (d *decoder) items(key string) []any {
	v := d.m[key]
	if v == nil {
		return nil
	}
	xs, ok := v.([]any)
	if !ok {
		d.fail(key, v, "a list")
		return nil
	}
	return xs
}

func (d *decoder) strs(key string) []string {
	xs := d.items(key)
	if len(xs) == 0 {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		s, ok := x.(string)
		if !ok {
			d.fail(key, x, "a list of strings")
			return nil
		}
		out[i] = s
	}
	return out
}

// list reads a list of maps, one decoder each.
func (d *decoder) list(key string) []*decoder {
	xs := d.items(key)
	if xs == nil {
		return nil
	}
	out := make([]*decoder, len(xs))
	for i, x := range xs {
		out[i] = newDecoder(x)
	}
	return out
}

func (d *decoder) optTime(key string) *time.Time {
	v := d.m[key]
	if v == nil {
		return nil
	}
	t, ok := v.(time.Time)
	if !ok {
		d.fail(key, v, "a datetime")
		return nil
	}
	t = t.UTC()
	return &t
}

func (d *decoder) time(key string) time.Time {
	if t := d.optTime(key); t != nil {
		return *t
	}
	return time.Time{}
}

func (d *decoder) done(what string) error {
	if d.err != nil {
		return fmt.Errorf("neo4j store: %s: %w", what, d.err)
	}
	return nil
}

func decodeDocument(v any) (*graph.Document, error) {
	x := newDecoder(v)
	d := &graph.Document{
		ID: x.str("id"), Kind: graph.Kind(x.str("kind")), Slug: x.str("slug"), Title: x.str("title"),
		Summary: x.str("summary"), Body: x.str("body"), Language: x.str("language"),
		Visibility: graph.Visibility(x.str("visibility")), Licence: x.str("licence"),
		Aliases: x.strs("aliases"), Definition: x.str("definition"), Website: x.str("website"),
		Region: x.str("region"), Sector: x.str("sector"),
		CreatedAt: x.time("createdAt"), UpdatedAt: x.time("updatedAt"), PublishedAt: x.optTime("publishedAt"),
		Version: int(x.int("version")), Hidden: x.bool("hidden"),
	}
	return d, x.done("document " + d.ID)
}

func decodeContributor(v any) (*graph.Contributor, error) {
	x := newDecoder(v)
	c := &graph.Contributor{ID: x.str("id"), Name: x.str("name"), Bio: x.str("bio"),
		CreatedAt: x.time("createdAt"), UpdatedAt: x.time("updatedAt"), Version: int(x.int("version"))}
	return c, x.done("contributor " + c.ID)
}

func decodeCarnet(v any) (*graph.Carnet, error) {
	x := newDecoder(v)
	c := &graph.Carnet{ID: x.str("id"), Title: x.str("title"), Description: x.str("description"),
		Categories: x.strs("categories"),
		CreatedAt:  x.time("createdAt"), UpdatedAt: x.time("updatedAt"), Version: int(x.int("version"))}
	return c, x.done("carnet " + c.ID)
}

func decodeCommunity(v any) (*graph.Community, error) {
	x := newDecoder(v)
	c := &graph.Community{ID: x.str("id"), Name: x.str("name"), Description: x.str("description"),
		CreatedAt: x.time("createdAt"), UpdatedAt: x.time("updatedAt"), Version: int(x.int("version"))}
	return c, x.done("community " + c.ID)
}

func decodeKnowledgeBase(v any) (*graph.KnowledgeBase, error) {
	x := newDecoder(v)
	b := &graph.KnowledgeBase{ID: x.str("id"), Name: x.str("name"), Description: x.str("description"),
		CreatedAt: x.time("createdAt"), UpdatedAt: x.time("updatedAt"), Version: int(x.int("version"))}
	return b, x.done("knowledge base " + b.ID)
}

func decodeRevision(v any) (*graph.Revision, error) {
	x := newDecoder(v)
	r := &graph.Revision{DocumentID: x.str("documentId"), Version: int(x.int("version")), AuthorID: x.str("authorId"),
		At: x.time("at"), Changed: x.strs("changed"), Title: x.str("title"), Summary: x.str("summary"), Body: x.str("body"),
		Visibility: graph.Visibility(x.str("visibility"))}
	return r, x.done("revision of " + r.DocumentID)
}

// decodeLink reads the columns of linkColumns.
func decodeLink(rec *neo4j.Record) (graph.Link, error) {
	x := recordDecoder(rec)
	l := graph.Link{Relation: graph.Relation(x.str("rel")), From: x.str("from"), To: x.str("to"),
		FromKind: graph.Kind(x.str("fromKind")), ToKind: graph.Kind(x.str("toKind")),
		Role: x.str("role"), Category: x.str("category"), Position: int(x.int("position")), CreatedAt: x.time("createdAt")}
	return l, x.done("link")
}

func flagProps(f *graph.Flag) props {
	return props{"id": f.ID, "documentId": f.DocumentID, "documentKind": string(f.DocumentKind), "flaggerId": f.FlaggerID,
		"reason": f.Reason, "status": string(f.Status), "decision": string(f.Decision), "note": f.Note,
		"resolverId": f.ResolverID, "createdAt": f.CreatedAt.UTC(), "resolvedAt": optTime(f.ResolvedAt),
		"commentId": optString(f.CommentID)}
}

func decodeFlag(v any) (*graph.Flag, error) {
	x := newDecoder(v)
	f := &graph.Flag{ID: x.str("id"), DocumentID: x.str("documentId"), DocumentKind: graph.Kind(x.str("documentKind")),
		FlaggerID: x.str("flaggerId"), Reason: x.str("reason"), Status: graph.FlagStatus(x.str("status")),
		Decision: graph.FlagDecision(x.str("decision")), Note: x.str("note"), ResolverID: x.str("resolverId"),
		CreatedAt: x.time("createdAt"), ResolvedAt: x.optTime("resolvedAt"), CommentID: x.str("commentId")}
	return f, x.done("flag " + f.ID)
}

// optString leaves an empty string unset, as older nodes have it.
func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
