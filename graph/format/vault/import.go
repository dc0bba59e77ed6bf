package vault

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
)

// Options tune an import.
type Options struct {
	// Visibility of files whose front matter gives none. There is no
	// silent default: the caller chooses (the command says PRIVATE).
	Visibility graph.Visibility
	// Licence of files whose front matter gives none.
	Licence string
	// Language of files whose front matter gives none.
	Language string
	// DryRun plans without writing: Result.Actions says what would change.
	DryRun bool
	// BatchSize is how many documents or links one write carries
	// (default 500).
	BatchSize int
	// Progress, when set, is called after each batch of a phase.
	Progress func(phase string, done, total int)
	// Blobs, when set, keeps the files notes embed, which become their
	// media (media.go); without it embeds are left alone.
	Blobs blob.Store
	// MediaLimits override media.DefaultLimits per format.
	MediaLimits map[graph.MediaFormat]int64
}

// Result is what an import did, or would do for a dry run.
type Result struct {
	Files                          int // Markdown files read without a fault
	Created, Updated, Unchanged    map[graph.Kind]int
	Skipped                        int // files left out (see Reports)
	Links                          int // links created
	Contributors, Carnets, TagTerm int // created (tag terms: terms made for #tags)
	Unresolved                     int // links that lead nowhere
	// Media are the embedded files attached; MediaUnchanged those the
	// document already had.
	Media, MediaUnchanged int
	// Actions lists, for a dry run, each change that would be made.
	Actions []string
	Reports []Report
}

// plan is everything an import writes, worked out before the first write.
type plan struct {
	contributors  []graph.Contributor
	carnets       []graph.Carnet
	carnetUpdates map[string][]string // carnet id → categories to add
	carnetVersion map[string]int
	creates       []graph.BatchDocument
	updates       []update
	links         []graph.Link
}

// linkKey identifies a link: there is at most one per relation and ends.
type linkKey struct {
	rel      graph.Relation
	from, to string
}

type update struct {
	id      string
	u       graph.DocumentUpdate
	changed []string
	path    string
}

// Target is what Import reads and writes of a store: the documents,
// links, carnets and contributors a vault may name, and the writes of an
// import (graph.WriteBatch's, and updates of documents and carnets).
type Target interface {
	graph.Creator
	Documents(ctx context.Context, ids []string) ([]*graph.Document, error)
	Links(ctx context.Context, ids []string, rel graph.Relation, dir graph.Direction) (map[string][]graph.Link, error)
	Carnets() graph.CarnetOps
	ListContributors(ctx context.Context, p graph.Page) (*graph.Connection[*graph.Contributor], error)
	UpdateDocument(ctx context.Context, id string, u graph.DocumentUpdate) (*graph.Document, error)
	CreateMedia(ctx context.Context, m graph.Media) (*graph.Media, error)
	MediaOf(ctx context.Context, documentIDs []string) (map[string][]*graph.Media, error)
}

// Import writes the vault into s as the system: new files become new
// documents, changed ones are updated (a revision each), unchanged ones are
// left alone; links and tags are added, never removed (curators may have
// added links of their own). Everything is planned and checked first;
// writes then go in batches, so an interrupted import is completed by
// running it again.
func Import(ctx context.Context, s Target, v *Vault, o Options) (*Result, error) {
	ctx = graph.SystemContext(ctx)
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if !o.Visibility.Valid() {
		return nil, fmt.Errorf("vault: the default visibility must be PUBLIC, COMMUNITY or PRIVATE")
	}
	res := &Result{Created: map[graph.Kind]int{}, Updated: map[graph.Kind]int{}, Unchanged: map[graph.Kind]int{}}
	p, err := v.plan(ctx, s, o, res)
	var mp *mediaPlan
	if err == nil {
		mp, err = v.planMedia(o, res)
	}
	slices.SortStableFunc(v.Reports, func(a, b Report) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	res.Reports = v.Reports
	for _, r := range v.Reports {
		if r.Severity == Skipped {
			res.Skipped++
		}
	}
	if err != nil || o.DryRun {
		return res, err
	}
	if err := p.apply(ctx, s, o, res); err != nil {
		return res, err
	}
	return res, mp.apply(ctx, s, o, res)
}

// document is the graph document a file describes.
func (f *File) document(o Options) graph.Document {
	d := graph.Document{ID: f.ID, Kind: f.Kind, Slug: slug(noExt(f.Path)), Title: f.Title, Summary: f.Front.Summary,
		Body: f.Body, Language: f.Front.Language, Visibility: graph.Visibility(f.Front.Visibility), Licence: f.Front.Licence,
		Aliases: f.Front.Aliases, Definition: f.Front.Definition, Website: f.Front.Website}
	if len(d.Slug) > graph.MaxShortLen {
		d.Slug = d.Slug[:graph.MaxShortLen]
	}
	if d.Language == "" {
		d.Language = o.Language
	}
	if d.Visibility == "" {
		d.Visibility = o.Visibility
	}
	if d.Licence == "" {
		d.Licence = o.Licence
	}
	if f.Front.Date != nil {
		t := *f.Front.Date
		d.CreatedAt, d.PublishedAt = t, &t
	}
	if f.Kind == graph.KindOrganisation && d.Body == "" {
		d.Body = d.Summary
	}
	return d
}

// openness orders visibilities, for tag terms: a term is as open as the
// most open document that uses it, so that a tag used only in private
// notes does not become a public term.
func openness(v graph.Visibility) int {
	switch v {
	case graph.VisibilityPublic:
		return 2
	case graph.VisibilityCommunity:
		return 1
	}
	return 0
}

// plan works out everything the import writes, in steps: the files kept,
// their authors and carnets, the links and tags they ask for, then what of
// that the store lacks.
func (v *Vault) plan(ctx context.Context, s Target, o Options, res *Result) (*plan, error) {
	pl := &planner{v: v, s: s, o: o, res: res,
		p:    &plan{carnetUpdates: map[string][]string{}, carnetVersion: map[string]int{}},
		want: map[linkKey]graph.Link{}, tagTerms: map[string]*graph.Document{}}
	pl.keepValid()
	ix := v.buildIndex()
	if err := pl.keepKinds(ctx); err != nil {
		return nil, err
	}
	authors, err := v.resolveAuthors(ctx, s, pl.p, pl.act)
	if err != nil {
		return nil, err
	}
	carnets, err := v.resolveCarnets(ctx, s, pl.p, pl.act)
	if err != nil {
		return nil, err
	}
	for _, f := range v.Files {
		pl.wantRefs(ix, f)
		pl.wantTags(ix, f)
		for _, a := range authors[f.ID] {
			pl.wantLink(graph.Link{Relation: graph.RelAuthored, From: a, To: f.ID, Role: graph.AuthorRoleAuthor})
		}
		if c := carnets[f.ID]; c != "" {
			pl.wantLink(graph.Link{Relation: graph.RelInCarnet, From: f.ID, To: c, Category: f.Front.Category})
		}
	}
	if err := pl.planTagTerms(ctx); err != nil {
		return nil, err
	}
	pl.planFiles()
	if err := pl.planLinks(ctx); err != nil {
		return nil, err
	}
	res.Contributors, res.Carnets = len(pl.p.contributors), len(pl.p.carnets)
	return pl.p, nil
}

// planner carries what the steps of plan share.
type planner struct {
	v   *Vault
	s   Target
	o   Options
	res *Result
	p   *plan
	// docs are the documents the kept files describe, by id.
	docs map[string]graph.Document
	// existing are the stored documents among the files and tag terms.
	existing map[string]*graph.Document
	// want are the links the vault asks for, order their keys in the
	// vault's order.
	want  map[linkKey]graph.Link
	order []linkKey
	// tagTerms are the terms planned for tags that no term file names, by
	// FoldKey of the tag, in tagOrder.
	tagTerms map[string]*graph.Document
	tagOrder []string
}

// act notes an action of a dry run.
func (pl *planner) act(format string, args ...any) {
	if pl.o.DryRun {
		pl.res.Actions = append(pl.res.Actions, fmt.Sprintf(format, args...))
	}
}

// keepValid leaves out a file whose document the store would refuse, now,
// before links are resolved, so that nothing points at it.
func (pl *planner) keepValid() {
	pl.docs = map[string]graph.Document{}
	var kept []*File
	for _, f := range pl.v.Files {
		d := f.document(pl.o)
		if err := d.Validate(); err != nil {
			pl.v.report(f.Path, f.FrontLine, Skipped, "%s", graph.ErrorMessage(err))
			continue
		}
		pl.docs[f.ID] = d
		kept = append(kept, f)
	}
	pl.v.Files = kept
	pl.res.Files = len(kept)
}

// keepKinds reads the stored documents of the files and leaves out a file
// whose document was stored as another kind.
func (pl *planner) keepKinds(ctx context.Context) error {
	existing, err := documents(ctx, pl.s, idsOf(pl.v.Files))
	if err != nil {
		return err
	}
	pl.existing = existing
	var kept []*File
	for _, f := range pl.v.Files {
		if e := existing[f.ID]; e != nil && e.Kind != f.Kind {
			pl.v.report(f.Path, f.FrontLine, Skipped, "this file was imported as a %s and is now a %s: a document cannot change kind", e.Kind, f.Kind)
			delete(pl.docs, f.ID)
			continue
		}
		kept = append(kept, f)
	}
	pl.v.Files = kept
	return nil
}

// wantLink asks for l, once.
func (pl *planner) wantLink(l graph.Link) {
	k := linkKey{l.Relation, l.From, l.To}
	if _, dup := pl.want[k]; !dup {
		pl.want[k] = l
		pl.order = append(pl.order, k)
	}
}

// wantRefs asks for the links of f's references to other files, and
// reports those that lead nowhere or cannot be.
func (pl *planner) wantRefs(ix *index, f *File) {
	for _, r := range f.Refs {
		to, why := ix.resolve(f, r)
		switch {
		case to == nil:
			pl.res.Unresolved++
			pl.v.report(f.Path, r.Line, Warning, "unresolved link %s: %s", showRef(r), why)
			continue
		case to == f:
			pl.v.report(f.Path, r.Line, Warning, "link %s leads to the file itself: ignored", showRef(r))
			continue
		}
		rel := relationFor(f.Kind, to.Kind)
		if rel == "" {
			pl.v.report(f.Path, r.Line, Warning, "link %s: a %s cannot link to a %s: ignored", showRef(r), strings.ToLower(string(f.Kind)), strings.ToLower(string(to.Kind)))
			continue
		}
		pl.wantLink(graph.Link{Relation: rel, From: f.ID, To: to.ID})
	}
}

// wantTags asks for a link from f to the term of each of its tags: the
// term file the tag names, or else a term made for the tag, as open as
// the most open file tagged with it.
func (pl *planner) wantTags(ix *index, f *File) {
	for _, t := range f.Tags {
		k := key(t.Name)
		if term := ix.term(k); term != nil {
			if term != f {
				pl.wantLink(graph.Link{Relation: relationFor(f.Kind, graph.KindTerm), From: f.ID, To: term.ID})
			}
			continue
		}
		tt := pl.tagTerms[k]
		if tt == nil {
			tt = &graph.Document{ID: stableID("tag-", t.Name, k), Kind: graph.KindTerm, Slug: slug(t.Name), Title: t.Name,
				Language: pl.o.Language, Visibility: graph.VisibilityPrivate, Licence: pl.o.Licence}
			pl.tagTerms[k] = tt
			pl.tagOrder = append(pl.tagOrder, k)
		}
		if vis := pl.docs[f.ID].Visibility; openness(vis) > openness(tt.Visibility) {
			tt.Visibility = vis
		}
		pl.wantLink(graph.Link{Relation: relationFor(f.Kind, graph.KindTerm), From: f.ID, To: tt.ID})
	}
}

// planTagTerms creates the tag terms that are new; existing ones stay as
// curators made them.
func (pl *planner) planTagTerms(ctx context.Context) error {
	var tagIDs []string
	for _, k := range pl.tagOrder {
		tagIDs = append(tagIDs, pl.tagTerms[k].ID)
	}
	existingTags, err := documents(ctx, pl.s, tagIDs)
	if err != nil {
		return err
	}
	for _, k := range pl.tagOrder {
		tt := pl.tagTerms[k]
		if e := existingTags[tt.ID]; e != nil {
			pl.existing[tt.ID] = e
			continue
		}
		pl.p.creates = append(pl.p.creates, graph.BatchDocument{Document: *tt})
		pl.res.TagTerm++
		pl.act("create term %s for tag #%s (%s)", tt.ID, tt.Title, tt.Visibility)
	}
	return nil
}

// planFiles creates, updates or leaves the document of each file.
func (pl *planner) planFiles() {
	for _, f := range pl.v.Files {
		d := pl.docs[f.ID]
		e := pl.existing[f.ID]
		if e == nil {
			pl.p.creates = append(pl.p.creates, graph.BatchDocument{Document: d})
			pl.res.Created[f.Kind]++
			pl.act("create %s %s from %s", strings.ToLower(string(f.Kind)), f.ID, f.Path)
			continue
		}
		u := graph.DocumentUpdate{Version: e.Version, Slug: &d.Slug, Title: &d.Title, Summary: &d.Summary, Body: &d.Body,
			Language: &d.Language, Visibility: &d.Visibility, Licence: &d.Licence, Aliases: &d.Aliases,
			Definition: &d.Definition, Website: &d.Website, PublishedAt: d.PublishedAt}
		probe := *e
		changed := u.Apply(&probe)
		if len(d.Aliases) == 0 && len(e.Aliases) == 0 {
			changed = slices.DeleteFunc(changed, func(c string) bool { return c == "aliases" })
		}
		if len(changed) == 0 {
			pl.res.Unchanged[f.Kind]++
			continue
		}
		pl.p.updates = append(pl.p.updates, update{id: f.ID, u: u, changed: changed, path: f.Path})
		pl.res.Updated[f.Kind]++
		pl.act("update %s %s from %s: %s", strings.ToLower(string(f.Kind)), f.ID, f.Path, strings.Join(changed, ", "))
	}
}

// planLinks writes the links asked for that the store lacks (an
// IN_CARNET link whose category changed is written again).
func (pl *planner) planLinks(ctx context.Context) error {
	have, err := existingLinks(ctx, pl.s, pl.existing)
	if err != nil {
		return err
	}
	for _, k := range pl.order {
		l := pl.want[k]
		if old, ok := have[k]; ok && (l.Relation != graph.RelInCarnet || old.Category == l.Category) {
			continue
		}
		pl.p.links = append(pl.p.links, l)
		pl.act("link %s %s → %s", l.Relation, l.From, l.To)
	}
	pl.res.Links = len(pl.p.links)
	return nil
}

func showRef(r Ref) string {
	if r.Wiki {
		return "[[" + r.Target + "]]"
	}
	return "(" + r.Target + ")"
}

// term returns the term file a tag names (by file name, title or alias).
func (ix *index) term(k string) *File {
	for _, files := range [][]*File{ix.byName[k], ix.byTitle[k], ix.byAlias[k]} {
		var terms []*File
		for _, f := range files {
			if f.Kind == graph.KindTerm {
				terms = append(terms, f)
			}
		}
		if len(terms) == 1 {
			return terms[0]
		}
	}
	return nil
}

func idsOf(fs []*File) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

// documents returns the stored documents among ids, read as the system.
func documents(ctx context.Context, s Target, ids []string) (map[string]*graph.Document, error) {
	out := map[string]*graph.Document{}
	for start := 0; start < len(ids); start += graph.MaxFirst {
		ds, err := s.Documents(ctx, ids[start:min(start+graph.MaxFirst, len(ids))])
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d != nil {
				out[d.ID] = d
			}
		}
	}
	return out, nil
}

// existingLinks returns the links of the stored documents, both ways (an
// AUTHORED link arrives at its document).
func existingLinks(ctx context.Context, s Target, docs map[string]*graph.Document) (map[linkKey]graph.Link, error) {
	out := map[linkKey]graph.Link{}
	ids := make([]string, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for start := 0; start < len(ids); start += graph.MaxFirst {
		links, err := s.Links(ctx, ids[start:min(start+graph.MaxFirst, len(ids))], "", graph.Both)
		if err != nil {
			return nil, err
		}
		for _, ls := range links {
			for _, l := range ls {
				out[linkKey{l.Relation, l.From, l.To}] = l
			}
		}
	}
	return out, nil
}

// all reads every page of a short list (contributors, carnets).
func all[T any](ctx context.Context, list func(context.Context, graph.Page) (*graph.Connection[T], error)) ([]T, error) {
	var out []T
	p := graph.Page{First: graph.MaxFirst}
	for {
		c, err := list(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, c.Nodes()...)
		if !c.PageInfo.HasNextPage || len(c.Edges) == 0 {
			return out, nil
		}
		p.After = c.PageInfo.EndCursor
	}
}

// unlink strips Obsidian's [[…]] from a name written as a wikilink.
func unlink(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[[") && strings.HasSuffix(s, "]]") {
		s = s[2 : len(s)-2]
		if t, _, ok := strings.Cut(s, "|"); ok {
			s = t
		}
	}
	return strings.TrimSpace(s)
}

// resolveAuthors finds each file's authors among the store's contributors,
// by id or by name, and plans a profile for each name it does not know.
func (v *Vault) resolveAuthors(ctx context.Context, s Target, p *plan, act func(string, ...any)) (map[string][]string, error) {
	people, err := all(ctx, s.ListContributors)
	if err != nil {
		return nil, err
	}
	byID, byName := map[string]bool{}, map[string]string{}
	for _, c := range people {
		byID[c.ID] = true
		if _, dup := byName[graph.FoldKey(c.Name)]; !dup {
			byName[graph.FoldKey(c.Name)] = c.ID
		}
	}
	out := map[string][]string{}
	for _, f := range v.Files {
		for _, a := range f.Front.Authors {
			name := unlink(a)
			id := ""
			switch {
			case byID[name]:
				id = name
			case byName[graph.FoldKey(name)] != "":
				id = byName[graph.FoldKey(name)]
			default:
				c := graph.Contributor{ID: stableID("person-", name, graph.FoldKey(name)), Name: name}
				if err := c.Validate(); err != nil {
					v.report(f.Path, f.FrontLine, Warning, "author %q: %s", name, graph.ErrorMessage(err))
					continue
				}
				p.contributors = append(p.contributors, c)
				byID[c.ID], byName[graph.FoldKey(name)] = true, c.ID
				id = c.ID
				act("create contributor %s (%s)", c.ID, c.Name)
			}
			if !slices.Contains(out[f.ID], id) {
				out[f.ID] = append(out[f.ID], id)
			}
		}
	}
	return out, nil
}

// resolveCarnets finds each file's carnet among the store's, by id or
// title, plans the carnets and categories that are missing, and returns
// the carnet id of each file.
func (v *Vault) resolveCarnets(ctx context.Context, s Target, p *plan, act func(string, ...any)) (map[string]string, error) {
	stored, err := all(ctx, s.Carnets().List)
	if err != nil {
		return nil, err
	}
	byID := map[string]*graph.Carnet{}
	byTitle := map[string]*graph.Carnet{}
	for _, c := range stored {
		byID[c.ID] = c
		if _, dup := byTitle[graph.FoldKey(c.Title)]; !dup {
			byTitle[graph.FoldKey(c.Title)] = c
		}
		p.carnetVersion[c.ID] = c.Version
	}
	created := map[string]*graph.Carnet{}
	out := map[string]string{}
	for _, f := range v.Files {
		name := unlink(f.Front.Carnet)
		if name == "" {
			if f.Front.Category != "" {
				v.report(f.Path, f.FrontLine, Warning, "category %q without a carnet: ignored", f.Front.Category)
			}
			continue
		}
		c := byID[name]
		if c == nil {
			c = byTitle[graph.FoldKey(name)]
		}
		if c == nil {
			c = &graph.Carnet{ID: stableID("carnet-", name, graph.FoldKey(name)), Title: name}
			if err := c.Validate(); err != nil {
				v.report(f.Path, f.FrontLine, Warning, "carnet %q: %s", name, graph.ErrorMessage(err))
				continue
			}
			byID[c.ID], byTitle[graph.FoldKey(name)] = c, c
			created[c.ID] = c
			act("create carnet %s (%s)", c.ID, c.Title)
		}
		out[f.ID] = c.ID
		cat := f.Front.Category
		if cat == "" || c.HasCategory(cat) || slices.Contains(p.carnetUpdates[c.ID], cat) {
			continue
		}
		if len(c.Categories)+len(p.carnetUpdates[c.ID]) >= graph.MaxCategories || len(cat) > graph.MaxNameLen {
			v.report(f.Path, f.FrontLine, Warning, "category %q cannot be added to carnet %q: filed without a category", cat, c.Title)
			f.Front.Category = ""
			continue
		}
		if created[c.ID] != nil {
			c.Categories = append(c.Categories, cat)
		} else {
			p.carnetUpdates[c.ID] = append(p.carnetUpdates[c.ID], cat)
		}
		act("add category %q to carnet %s", cat, c.ID)
	}
	ids := make([]string, 0, len(created))
	for id := range created {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p.carnets = append(p.carnets, *created[id])
	}
	// Categories added to stored carnets keep the carnet's own first.
	for id, cats := range p.carnetUpdates {
		all := append(slices.Clone(byID[id].Categories), cats...)
		p.carnetUpdates[id] = all
	}
	return out, nil
}

// apply writes the plan, in batches, reporting progress.
func (p *plan) apply(ctx context.Context, s Target, o Options, res *Result) error {
	progress := func(phase string, done, total int) {
		if o.Progress != nil && total > 0 {
			o.Progress(phase, done, total)
		}
	}
	if len(p.contributors) > 0 {
		if err := graph.WriteBatch(ctx, s, graph.Batch{Contributors: p.contributors}); err != nil {
			return fmt.Errorf("vault: contributors: %w", err)
		}
	}
	if len(p.carnets) > 0 {
		if err := graph.WriteBatch(ctx, s, graph.Batch{Carnets: p.carnets}); err != nil {
			return fmt.Errorf("vault: carnets: %w", err)
		}
	}
	ids := make([]string, 0, len(p.carnetUpdates))
	for id := range p.carnetUpdates {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		cats := p.carnetUpdates[id]
		if _, err := s.Carnets().Update(ctx, id, graph.CarnetUpdate{Version: p.carnetVersion[id], Categories: &cats}); err != nil {
			return fmt.Errorf("vault: carnet %s: %w", id, err)
		}
	}
	total := len(p.creates) + len(p.updates)
	done := 0
	for start := 0; start < len(p.creates); start += o.BatchSize {
		chunk := p.creates[start:min(start+o.BatchSize, len(p.creates))]
		if err := graph.WriteBatch(ctx, s, graph.Batch{Documents: chunk}); err != nil {
			return fmt.Errorf("vault: documents: %w", err)
		}
		done += len(chunk)
		progress("documents", done, total)
	}
	last := time.Now()
	for i, u := range p.updates {
		if _, err := s.UpdateDocument(ctx, u.id, u.u); err != nil {
			return fmt.Errorf("vault: %s: %w", u.path, err)
		}
		done++
		if i == len(p.updates)-1 || time.Since(last) > time.Second {
			progress("documents", done, total)
			last = time.Now()
		}
	}
	for start := 0; start < len(p.links); start += o.BatchSize {
		chunk := p.links[start:min(start+o.BatchSize, len(p.links))]
		if err := graph.WriteBatch(ctx, s, graph.Batch{Links: chunk}); err != nil {
			return fmt.Errorf("vault: links: %w", err)
		}
		progress("links", start+len(chunk), len(p.links))
	}
	return nil
}
