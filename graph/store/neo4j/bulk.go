package neo4j

import (
	"context"
	"fmt"
	"time"

	"github.com/encommun/maillage/graph"
)

// bulkRows is how many rows one UNWIND statement carries: large enough to
// amortise a round trip, small enough to keep each statement's parameters
// and plan modest.
const bulkRows = 1000

var _ graph.BatchLoader = (*Store)(nil)

// LoadBatch implements graph.BatchLoader: it writes a whole batch of new
// nodes, links and declarations in one write transaction, with batched
// UNWIND statements (one per kind or relation and per 1 000 rows) instead
// of a transaction per object. Everything is checked first, with the
// errors the one-by-one methods give (BAD_USER_INPUT for invalid data,
// CONFLICT for a used or repeated id, NOT_FOUND for a missing link end),
// and nothing is written unless all of it is valid. Each object gets the
// change entries the one-by-one methods would append, so the search index
// follows a batch like any other write.
//
// Links that already exist are replaced; new IN_CARNET entries without a
// position go after the carnet's last entry, in batch order. One batch is
// one transaction: split very large imports (beyond some 50 000 objects)
// into several batches to bound the server's transaction memory.
func (s *Store) LoadBatch(ctx context.Context, b graph.Batch) error {
	return s.update(ctx, func(w *writer) error {
		if err := graph.RequireAdminWriter(w.v); err != nil {
			return err
		}
		l := &loader{w: w, kinds: map[string]graph.Kind{}, carnets: map[string]*graph.Carnet{}}
		if err := l.prepare(b); err != nil {
			return err
		}
		return l.write()
	})
}

// loader is one LoadBatch run: it validates everything, then writes.
type loader struct {
	w *writer
	// kinds of every node the batch creates or refers to.
	kinds   map[string]graph.Kind
	carnets map[string]*graph.Carnet
	// existing kinds of the ids the batch names, as stored; created, the
	// ids the batch claimed so far.
	existing map[string]graph.Kind
	created  map[string]bool
	// rows per statement, in writing order.
	nodes     map[graph.Kind][]map[string]any
	revisions []map[string]any
	links     map[graph.Relation][]map[string]any
	decls     []map[string]any
	changes   []func()
}

// addNode queues a node whose id taken has checked.
func (l *loader) addNode(kind graph.Kind, id string, p props) {
	l.kinds[id] = kind
	if l.nodes == nil {
		l.nodes = map[graph.Kind][]map[string]any{}
	}
	l.nodes[kind] = append(l.nodes[kind], p)
	l.changes = append(l.changes, func() { l.w.record(graph.OpCreate, kind, id, "", "") })
}

// prepare checks the batch against itself and the store, and builds the
// rows to write: nodes first, then the links and declarations that need
// their kinds.
func (l *loader) prepare(b graph.Batch) error {
	existing, err := l.w.kinds(batchIDs(b)...)
	if err != nil {
		return err
	}
	l.existing, l.created = existing, map[string]bool{}
	if err := l.prepareNodes(b); err != nil {
		return err
	}
	authored, err := l.prepareDocuments(b.Documents)
	if err != nil {
		return err
	}
	for id, k := range existing {
		if l.kinds[id] == "" {
			l.kinds[id] = k
		}
	}
	for _, a := range authored {
		if l.kinds[a.From] != graph.KindContributor {
			return graph.Errorf(graph.ENOTFOUND, "no contributor with id %q", a.From)
		}
	}
	positions, err := l.loadCarnets(b.Links)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, x := range append(authored, b.Links...) {
		if err := l.prepareLink(x, positions, seen); err != nil {
			return err
		}
	}
	for _, d := range b.Declarations {
		if err := l.prepareDeclaration(d); err != nil {
			return err
		}
	}
	return nil
}

// batchIDs are the ids a batch creates or refers to, each once: the ids
// it creates must be unused, those it refers to must exist.
func batchIDs(b graph.Batch) []string {
	var ids []string
	for _, c := range b.Contributors {
		ids = append(ids, c.ID)
	}
	for _, c := range b.Communities {
		ids = append(ids, c.ID)
	}
	for _, k := range b.KnowledgeBases {
		ids = append(ids, k.ID)
	}
	for _, c := range b.Carnets {
		ids = append(ids, c.ID)
	}
	for _, d := range b.Documents {
		ids = append(ids, d.Document.ID)
		ids = append(ids, d.AuthorIDs...)
	}
	for _, x := range b.Links {
		ids = append(ids, x.From, x.To)
	}
	for _, d := range b.Declarations {
		ids = append(ids, d.ContributorID)
	}
	return uniq(nonEmpty(ids))
}

// take claims id for a node of the batch: a valid id that neither the
// store nor the batch uses yet.
func (l *loader) take(id string) error {
	if id == "" {
		return graph.Errorf(graph.EINVALID, "every node of a batch needs its id")
	}
	if err := graph.ValidateID(id); err != nil {
		return err
	}
	if l.existing[id] != "" || l.created[id] {
		return graph.Errorf(graph.ECONFLICT, "id %q is already taken", id)
	}
	l.created[id] = true
	return nil
}

// newNode validates a node of the batch and claims its id; its version
// and dates are then set as a creation sets them.
func (l *loader) newNode(validate func() error, id string, version *int, created, updated *time.Time) error {
	if err := validate(); err != nil {
		return err
	}
	if err := l.take(id); err != nil {
		return err
	}
	*version = 1
	*created, *updated = creationTimes(l.w.now, *created, *updated)
	return nil
}

// prepareNodes queues the batch's contributors and groups (communities,
// knowledge bases, carnets).
func (l *loader) prepareNodes(b graph.Batch) error {
	for _, in := range b.Contributors {
		c := in
		if err := l.newNode(c.Validate, c.ID, &c.Version, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return err
		}
		l.addNode(graph.KindContributor, c.ID, contributorProps(&c))
	}
	for _, in := range b.Communities {
		c := in
		if err := l.newNode(c.Validate, c.ID, &c.Version, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return err
		}
		l.addNode(graph.KindCommunity, c.ID, communityType.props(&c))
	}
	for _, in := range b.KnowledgeBases {
		k := in
		if err := l.newNode(k.Validate, k.ID, &k.Version, &k.CreatedAt, &k.UpdatedAt); err != nil {
			return err
		}
		l.addNode(graph.KindKnowledgeBase, k.ID, knowledgeBaseType.props(&k))
	}
	for _, in := range b.Carnets {
		c := in
		c.Categories = append([]string(nil), in.Categories...)
		if len(c.Categories) == 0 {
			c.Categories = nil
		}
		if err := l.newNode(c.Validate, c.ID, &c.Version, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return err
		}
		l.addNode(graph.KindCarnet, c.ID, carnetProps(&c))
		l.carnets[c.ID] = &c
	}
	return nil
}

// prepareDocuments queues the batch's documents, each with its first
// revision, and returns their AUTHORED links, checked with the others.
func (l *loader) prepareDocuments(docs []graph.BatchDocument) ([]graph.Link, error) {
	var authored []graph.Link
	for _, in := range docs {
		d := in.Document
		d.Aliases = append([]string(nil), in.Document.Aliases...)
		if len(d.Aliases) == 0 {
			d.Aliases = nil
		}
		if err := l.newNode(d.Validate, d.ID, &d.Version, &d.CreatedAt, &d.UpdatedAt); err != nil {
			return nil, err
		}
		if d.PublishedAt != nil {
			t := d.PublishedAt.UTC()
			d.PublishedAt = &t
		}
		l.addNode(d.Kind, d.ID, documentProps(&d))
		rev := graph.Revision{DocumentID: d.ID, Version: 1, AuthorID: l.w.v.ContributorID, At: d.CreatedAt,
			Changed: setFields(&d), Title: d.Title, Summary: d.Summary, Body: d.Body, Visibility: d.Visibility}
		l.revisions = append(l.revisions, revisionProps(&rev))
		for _, a := range uniq(in.AuthorIDs) {
			authored = append(authored, graph.Link{Relation: graph.RelAuthored, From: a, To: d.ID,
				Role: graph.AuthorRoleAuthor, CreatedAt: d.CreatedAt})
		}
	}
	return authored, nil
}

// prepareLink checks a link of the batch (its relation, ends, kinds, and
// that the batch holds it once, in seen), gives it its defaults (date,
// author role, carnet position after positions) and queues it.
func (l *loader) prepareLink(x graph.Link, positions map[string]int, seen map[string]bool) error {
	if err := validRelation(x.Relation); err != nil {
		return err
	}
	if x.FromKind = l.kinds[x.From]; x.FromKind == "" {
		return graph.NotFound(x.From)
	}
	if x.ToKind = l.kinds[x.To]; x.ToKind == "" {
		return graph.NotFound(x.To)
	}
	if err := graph.ValidateLink(x); err != nil {
		return err
	}
	key := string(x.Relation) + "\x00" + x.From + "\x00" + x.To
	if seen[key] {
		return graph.Errorf(graph.EINVALID, "the batch holds the %s link from %q to %q twice", x.Relation, x.From, x.To)
	}
	seen[key] = true
	if x.CreatedAt.IsZero() {
		x.CreatedAt = l.w.now
	}
	x.CreatedAt = x.CreatedAt.UTC()
	if x.Relation == graph.RelAuthored && x.Role == "" {
		x.Role = graph.AuthorRoleAuthor
	}
	if x.Relation == graph.RelInCarnet {
		if err := l.placeInCarnet(&x, positions); err != nil {
			return err
		}
	}
	if l.links == nil {
		l.links = map[graph.Relation][]map[string]any{}
	}
	l.links[x.Relation] = append(l.links[x.Relation], map[string]any{
		"from": x.From, "to": x.To, "props": map[string]any(linkProps(&x)),
	})
	l.changes = append(l.changes, func() { l.w.recordLink(graph.OpLink, &x) })
	return nil
}

// placeInCarnet checks an IN_CARNET link's category and gives it the
// carnet's next position unless it has one.
func (l *loader) placeInCarnet(x *graph.Link, positions map[string]int) error {
	c := l.carnets[x.To]
	if c == nil {
		return graph.NotFound(x.To)
	}
	if x.Category != "" && !c.HasCategory(x.Category) {
		return graph.Errorf(graph.EINVALID, "carnet %q has no category %q", x.To, x.Category)
	}
	if x.Position == 0 {
		positions[x.To]++
		x.Position = positions[x.To]
	} else {
		positions[x.To] = max(positions[x.To], x.Position)
	}
	return nil
}

// prepareDeclaration checks a standpoint declaration of the batch and
// queues it.
func (l *loader) prepareDeclaration(d graph.Declaration) error {
	if graph.ValidateID(d.Dimension) != nil || graph.ValidateID(d.Value) != nil {
		return graph.Errorf(graph.EINVALID, "invalid standpoint %q:%q: dimension and value are ids of the taxonomy", d.Dimension, d.Value)
	}
	if !d.Visibility.Valid() {
		return graph.Errorf(graph.EINVALID, "visibility must be chosen: PRIVATE, AGGREGATE or PUBLIC")
	}
	if l.kinds[d.ContributorID] != graph.KindContributor {
		return graph.NotFound(d.ContributorID)
	}
	if d.DeclaredAt.IsZero() {
		d.DeclaredAt = l.w.now
	}
	l.decls = append(l.decls, map[string]any{"contributorId": d.ContributorID,
		"valueId": valueID(d.Dimension, d.Value), "dimension": d.Dimension, "value": d.Value,
		"visibility": string(d.Visibility), "declaredAt": d.DeclaredAt.UTC()})
	l.changes = append(l.changes, func() {
		l.w.record(graph.OpUpdate, graph.KindContributor, d.ContributorID, "", "")
	})
	return nil
}

// loadCarnets reads the stored carnets that IN_CARNET links of the batch
// point at, for their categories, and returns the last position of every
// carnet the batch files documents in, so that entries without a position
// go after it in batch order, as one Link call after another would place
// them.
func (l *loader) loadCarnets(links []graph.Link) (map[string]int, error) {
	positions := map[string]int{}
	var stored []string
	for _, x := range links {
		if x.Relation != graph.RelInCarnet || l.kinds[x.To] != graph.KindCarnet {
			continue
		}
		positions[x.To] = 0
		if l.carnets[x.To] == nil {
			stored = append(stored, x.To)
		}
	}
	stored = uniq(stored)
	if len(stored) == 0 {
		return positions, nil
	}
	cs, err := getNodes(l.w.reader, carnetType, stored)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c != nil {
			l.carnets[c.ID] = c
		}
	}
	recs, err := l.w.run(carnetLastPositions, map[string]any{"ids": stored})
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		x := recordDecoder(rec)
		positions[x.str("id")] = int(x.int("position"))
		if err := x.done("carnet position"); err != nil {
			return nil, err
		}
	}
	return positions, nil
}

// write runs the batched statements, then queues the change entries.
func (l *loader) write() error {
	for _, k := range graph.Kinds {
		if err := l.chunks(bulkCreateNodesCypher[k], l.nodes[k]); err != nil {
			return err
		}
	}
	if err := l.chunks(bulkCreateRevisions, l.revisions); err != nil {
		return err
	}
	for _, rel := range graph.Relations {
		if err := l.chunks(bulkMergeLinksCypher[rel], l.links[rel]); err != nil {
			return err
		}
	}
	if err := l.chunks(bulkPutDeclarations, l.decls); err != nil {
		return err
	}
	for _, queue := range l.changes {
		queue()
	}
	return nil
}

func (l *loader) chunks(cypher string, rows []map[string]any) error {
	for start := 0; start < len(rows); start += bulkRows {
		end := min(start+bulkRows, len(rows))
		if _, err := l.w.run(cypher, map[string]any{"rows": rows[start:end]}); err != nil {
			return fmt.Errorf("batch rows %d-%d: %w", start, end-1, err)
		}
	}
	return nil
}

func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
