package api_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
)

const acceptanceQuery = `{ notes(first: 5) { totalCount edges { node { id title authors { name } backlinks(first: 3) { totalCount } } } pageInfo { hasNextPage endCursor } } }`

func TestAcceptanceQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice Tremblay")
	e.contributor("bob", "Bob Gagnon")
	for i := range 7 {
		e.doc(graph.Document{ID: fmt.Sprintf("n%d", i), Title: fmt.Sprintf("Note %d", i)}, "alice", "bob")
	}
	// n0 is linked from four notes; n1 from one.
	for _, from := range []string{"n1", "n2", "n3", "n4"} {
		e.link(graph.RelLinksTo, from, "n0")
	}
	e.link(graph.RelLinksTo, "n2", "n1")

	r := e.query("", acceptanceQuery, nil).ok()
	if got := r.num("notes.totalCount"); got != 7 {
		t.Errorf("totalCount = %d, want 7", got)
	}
	edges := r.list("notes.edges")
	if len(edges) != 5 {
		t.Fatalf("%d edges, want 5", len(edges))
	}
	if !r.get("notes.pageInfo.hasNextPage").(bool) {
		t.Error("hasNextPage = false, want true")
	}
	if r.str("notes.pageInfo.endCursor") == "" {
		t.Error("endCursor is empty")
	}
	backlinks := map[string]int{}
	for i := range edges {
		p := fmt.Sprintf("notes.edges.%d.node.", i)
		backlinks[r.str(p+"title")] = r.num(p + "backlinks.totalCount")
		var names []string
		for j := range r.list(p + "authors") {
			names = append(names, r.str(fmt.Sprintf("%sauthors.%d.name", p, j)))
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"Alice Tremblay", "Bob Gagnon"}) {
			t.Errorf("%s: authors %v", r.str(p+"title"), names)
		}
		if kind, _, err := api.ParseGlobalID(r.str(p + "id")); err != nil || kind != graph.KindNote {
			t.Errorf("id %q is not a Note's global id (%v)", r.str(p+"id"), err)
		}
	}
	if backlinks["Note 0"] != 4 || backlinks["Note 1"] != 1 || backlinks["Note 2"] != 0 {
		t.Errorf("backlink counts %v, want Note 0: 4, Note 1: 1, Note 2: 0", backlinks)
	}
}

func TestNodeRoundTripEveryKind(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "note1", Title: "Une note"}, "alice")
	e.doc(graph.Document{ID: "term1", Kind: graph.KindTerm, Title: "Maillage", Definition: "Tisser des liens."}, "alice")
	e.doc(graph.Document{ID: "org1", Kind: graph.KindOrganisation, Title: "Centre X", Website: "https://x.example.org"}, "alice")
	_, err := e.store.Carnets().Create(e.sys(), graph.Carnet{ID: "carnet1", Title: "Carnet", Categories: []string{"Atelier"}})
	e.must(err, "carnet")
	_, err = e.store.Communities().Create(e.sys(), graph.Community{ID: "comm1", Name: "Communauté"})
	e.must(err, "community")
	_, err = e.store.KnowledgeBases().Create(e.sys(), graph.KnowledgeBase{ID: "base1", Name: "Base"})
	e.must(err, "base")

	lists := e.query("", `{
		notes { nodes { id } } terms { nodes { id } } organisations { nodes { id } }
		contributors { nodes { id } } carnets { nodes { id } } communities { nodes { id } }
		knowledgeBases { nodes { id } } }`, nil).ok()
	want := map[string]string{
		"notes": "Note", "terms": "Term", "organisations": "Organisation", "contributors": "Contributor",
		"carnets": "Carnet", "communities": "Community", "knowledgeBases": "KnowledgeBase",
	}
	var ids []any
	for field, typename := range want {
		id := lists.str(field + ".nodes.0.id")
		ids = append(ids, id)
		r := e.query("", `query($id: ID!) { node(id: $id) { __typename id } }`, vars{"id": id}).ok()
		if r.str("node.__typename") != typename || r.str("node.id") != id {
			t.Errorf("node(%s) = %s %s, want %s %s", id, r.str("node.__typename"), r.str("node.id"), typename, id)
		}
	}
	r := e.query("", `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, vars{"ids": ids}).ok()
	if n := len(r.list("nodes")); n != len(ids) {
		t.Fatalf("nodes returned %d, want %d", n, len(ids))
	}
	for i, id := range ids {
		if got := r.str(fmt.Sprintf("nodes.%d.id", i)); got != id {
			t.Errorf("nodes[%d].id = %s, want %s", i, got, id)
		}
	}

	// A well-formed id of a missing object, and a valid store id under the
	// wrong kind, are null, not errors.
	r = e.query("", `query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }`,
		vars{"a": gid(graph.KindNote, "nope"), "b": gid(graph.KindNote, "term1")}).ok()
	if r.get("a") != nil || r.get("b") != nil {
		t.Errorf("missing / wrong-kind node: %s", r.Raw)
	}

	// Kind-specific fields come through the wrappers.
	r = e.query("", `query($t: ID!, $o: ID!) {
		t: node(id: $t) { ... on Term { label definition kind } }
		o: node(id: $o) { ... on Organisation { name website kind } ... on Document { title } } }`,
		vars{"t": gid(graph.KindTerm, "term1"), "o": gid(graph.KindOrganisation, "org1")}).ok()
	if r.str("t.label") != "Maillage" || r.str("t.definition") != "Tisser des liens." || r.str("t.kind") != "TERM" {
		t.Errorf("term fields: %s", r.Raw)
	}
	if r.str("o.name") != "Centre X" || r.str("o.title") != "Centre X" || r.str("o.website") != "https://x.example.org" || r.str("o.kind") != "ORGANISATION" {
		t.Errorf("organisation fields: %s", r.Raw)
	}
}

func TestPagingToTheEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	var want []string
	for i := range 11 {
		e.doc(graph.Document{ID: fmt.Sprintf("p%02d", i), Title: fmt.Sprintf("Page %02d", i)}, "alice")
		want = append(want, fmt.Sprintf("Page %02d", i))
	}
	for _, order := range []string{"ASC", "DESC"} {
		var got []string
		var after any
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			r := e.query("", `query($after: String, $dir: OrderDirection!) {
				notes(first: 4, after: $after, orderBy: {field: TITLE, direction: $dir}) {
					totalCount edges { cursor node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
				vars{"after": after, "dir": order}).ok()
			if r.num("notes.totalCount") != 11 {
				t.Errorf("totalCount %d, want 11", r.num("notes.totalCount"))
			}
			edges := r.list("notes.edges")
			for i := range edges {
				got = append(got, r.str(fmt.Sprintf("notes.edges.%d.node.title", i)))
			}
			if len(edges) > 0 && r.str("notes.pageInfo.endCursor") != r.str(fmt.Sprintf("notes.edges.%d.cursor", len(edges)-1)) {
				t.Error("endCursor is not the last edge's cursor")
			}
			if hasPrev := r.get("notes.pageInfo.hasPreviousPage").(bool); hasPrev != (after != nil) {
				t.Errorf("hasPreviousPage = %v on page %d", hasPrev, pages)
			}
			if !r.get("notes.pageInfo.hasNextPage").(bool) {
				break
			}
			after = r.str("notes.pageInfo.endCursor")
		}
		w := slices.Clone(want)
		if order == "DESC" {
			slices.Reverse(w)
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s: pages gave %v, want %v", order, got, w)
		}
	}

	// first: 0 gives the count and no edges.
	r := e.query("", `{ notes(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }`, nil).ok()
	if r.num("notes.totalCount") != 11 || len(r.list("notes.edges")) != 0 || !r.get("notes.pageInfo.hasNextPage").(bool) || r.get("notes.pageInfo.endCursor") != nil {
		t.Errorf("first: 0: %s", r.Raw)
	}
}

func TestNestedConnectionPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.doc(graph.Document{ID: "target", Title: "Cible"}, "alice")
	for i := range 5 {
		id := fmt.Sprintf("src%d", i)
		e.doc(graph.Document{ID: id, Title: "Source " + id}, "alice")
		e.link(graph.RelLinksTo, id, "target")
	}
	q := `query($id: ID!, $after: String) { node(id: $id) { ... on Note { backlinks(first: 2, after: $after) {
		totalCount nodes { title } pageInfo { hasNextPage endCursor } } } } }`
	var titles []string
	var after any
	for range 5 {
		r := e.query("", q, vars{"id": gid(graph.KindNote, "target"), "after": after}).ok()
		if r.num("node.backlinks.totalCount") != 5 {
			t.Errorf("backlinks totalCount %d", r.num("node.backlinks.totalCount"))
		}
		for i := range r.list("node.backlinks.nodes") {
			titles = append(titles, r.str(fmt.Sprintf("node.backlinks.nodes.%d.title", i)))
		}
		if !r.get("node.backlinks.pageInfo.hasNextPage").(bool) {
			break
		}
		after = r.str("node.backlinks.pageInfo.endCursor")
	}
	slices.Sort(titles)
	if len(titles) != 5 || len(slices.Compact(slices.Clone(titles))) != 5 {
		t.Errorf("paged backlinks %v, want the 5 sources once each", titles)
	}
}

func TestNoteLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	alice := e.token(graph.RoleContributor, "alice")

	r := e.query(alice, `mutation { createNote(input: {title: "Premier jet", body: "Du *texte*.", visibility: PUBLIC}) {
		note { id title body language version visibility authors { name } } } }`, nil).ok()
	id := r.str("createNote.note.id")
	if r.num("createNote.note.version") != 1 || r.str("createNote.note.language") != "fr" || r.str("createNote.note.authors.0.name") != "Alice" {
		t.Errorf("created: %s", r.Raw)
	}

	r = e.query(alice, `mutation($id: ID!) { updateNote(input: {id: $id, version: 1, title: "Second jet"}) {
		note { title version revisions { totalCount nodes { version changed author { name } } } } } }`, vars{"id": id}).ok()
	if r.str("updateNote.note.title") != "Second jet" || r.num("updateNote.note.version") != 2 {
		t.Errorf("updated: %s", r.Raw)
	}
	if r.num("updateNote.note.revisions.totalCount") < 1 {
		t.Errorf("no revisions after an update: %s", r.Raw)
	}

	// A stale version is a CONFLICT and changes nothing.
	before := e.lastSeq()
	e.query(alice, `mutation($id: ID!) { updateNote(input: {id: $id, version: 1, title: "Écrasé"}) { note { title } } }`,
		vars{"id": id}).wantCode(graph.ECONFLICT)
	r = e.query(alice, `query($id: ID!) { node(id: $id) { ... on Note { title version } } }`, vars{"id": id}).ok()
	if r.str("node.title") != "Second jet" || r.num("node.version") != 2 || e.lastSeq() != before {
		t.Errorf("a stale update changed something: %s", r.Raw)
	}
	e.query(alice, `mutation($id: ID!) { deleteNote(id: $id, version: 1) { deletedId } }`, vars{"id": id}).wantCode(graph.ECONFLICT)

	// The note's id does not update a term.
	e.query(alice, `mutation($id: ID!) { updateTerm(input: {id: $id, version: 2, label: "x"}) { term { id } } }`,
		vars{"id": id}).wantCode(graph.EINVALID)

	r = e.query(alice, `mutation($id: ID!) { deleteNote(id: $id, version: 2) { deletedId } }`, vars{"id": id}).ok()
	if r.str("deleteNote.deletedId") != id {
		t.Errorf("deletedId: %s", r.Raw)
	}
	r = e.query(alice, `query($id: ID!) { node(id: $id) { id } notes { totalCount } }`, vars{"id": id}).ok()
	if r.get("node") != nil || r.num("notes.totalCount") != 0 {
		t.Errorf("after delete: %s", r.Raw)
	}
}

func TestTermsOrganisationsAndLinks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	alice := e.token(graph.RoleContributor, "alice")
	curator := e.token(graph.RoleCurator, "")

	term := e.query(alice, `mutation { createTerm(input: {label: "Concertation", aliases: ["concerter"], definition: "Agir ensemble.", visibility: PUBLIC}) {
		term { id label aliases definition } } }`, nil).ok()
	termID := term.str("createTerm.term.id")
	broad := e.query(alice, `mutation { createTerm(input: {label: "Action collective", visibility: PUBLIC}) { term { id } } }`, nil).ok().str("createTerm.term.id")
	org := e.query(alice, `mutation { createOrganisation(input: {name: "Table de quartier", aliases: ["TQ"], website: "https://tq.example.org", region: "montreal", sector: "community-action", visibility: PUBLIC}) {
		organisation { id name aliases website region sector } } }`, nil).ok()
	orgID := org.str("createOrganisation.organisation.id")
	if org.str("createOrganisation.organisation.sector") != "community-action" {
		t.Errorf("organisation: %s", org.Raw)
	}
	note := e.query(alice, `mutation { createNote(input: {title: "Compte rendu", visibility: PUBLIC}) { note { id } } }`, nil).ok().str("createNote.note.id")

	for _, l := range []struct {
		rel      string
		from, to string
	}{
		{"MENTIONS", note, termID},
		{"CONCERNS", note, orgID},
		{"BROADER", termID, broad},
	} {
		e.query(alice, `mutation($rel: Relation!, $from: ID!, $to: ID!) { link(input: {relation: $rel, from: $from, to: $to}) {
			link { relation from { id } to { id } } } }`, vars{"rel": l.rel, "from": l.from, "to": l.to}).ok()
	}
	e.query(alice, `mutation($from: ID!) { link(input: {relation: AFFILIATED_WITH, from: $from, to: "`+orgID+`"}) { link { relation } } }`,
		vars{"from": gid(graph.KindContributor, "alice")}).ok()

	// A carnet, by a curator, and a filing through addToCarnet.
	carnet := e.query(curator, `mutation { createCarnet(input: {title: "Ateliers", categories: ["Compte rendu", "Outil"]}) { carnet { id categories } } }`, nil).ok().str("createCarnet.carnet.id")
	e.query(alice, `mutation($d: ID!, $c: ID!) { addToCarnet(documentId: $d, carnetId: $c, category: "Compte rendu", position: 2) {
		link { relation category position } } }`, vars{"d": note, "c": carnet}).ok()

	r := e.query("", `query($n: ID!, $t: ID!, $o: ID!, $c: ID!) {
		n: node(id: $n) { ... on Note { terms { label } organisations { name } carnets { carnet { title } category position } } }
		t: node(id: $t) { ... on Term { broader { label } mentionedBy { totalCount nodes { title } } } }
		b: node(id: "`+broad+`") { ... on Term { narrower { label } } }
		o: node(id: $o) { ... on Organisation { concernedBy { totalCount } affiliates { nodes { name } } } }
		c: node(id: $c) { ... on Carnet { documents(category: "Compte rendu") { totalCount edges { category position node { title } } } } } }`,
		vars{"n": note, "t": termID, "o": orgID, "c": carnet}).ok()
	checks := map[string]any{
		"n.terms.0.label":                "Concertation",
		"n.organisations.0.name":         "Table de quartier",
		"n.carnets.0.carnet.title":       "Ateliers",
		"n.carnets.0.category":           "Compte rendu",
		"n.carnets.0.position":           float64(1), // the given position is a sort key; shown: its rank
		"t.broader.0.label":              "Action collective",
		"t.mentionedBy.totalCount":       float64(1),
		"t.mentionedBy.nodes.0.title":    "Compte rendu",
		"b.narrower.0.label":             "Concertation",
		"o.concernedBy.totalCount":       float64(1),
		"o.affiliates.nodes.0.name":      "Alice",
		"c.documents.totalCount":         float64(1),
		"c.documents.edges.0.node.title": "Compte rendu",
		"c.documents.edges.0.category":   "Compte rendu",
		"c.documents.edges.0.position":   float64(1),
	}
	for path, want := range checks {
		if got := r.get(path); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}

	e.query(alice, `mutation($n: ID!, $t: ID!) { unlink(relation: MENTIONS, from: $n, to: $t) { relation } }`, vars{"n": note, "t": termID}).ok()
	r = e.query("", `query($n: ID!) { node(id: $n) { ... on Note { terms { label } } } }`, vars{"n": note}).ok()
	if len(r.list("node.terms")) != 0 {
		t.Errorf("terms after unlink: %s", r.Raw)
	}
	e.query(alice, `mutation($n: ID!, $t: ID!) { unlink(relation: MENTIONS, from: $n, to: $t) { relation } }`,
		vars{"n": note, "t": termID}).wantCode(graph.ENOTFOUND)
}

func TestGroupMutations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.contributor("alice", "Alice")
	admin := e.token(graph.RoleAdmin, "")
	alice := e.token(graph.RoleContributor, "alice")

	c := e.query(admin, `mutation { createContributor(input: {name: "Bea", bio: "Animatrice"}) { contributor { id name version } } }`, nil).ok()
	bea := c.str("createContributor.contributor.id")
	e.query(admin, `mutation($id: ID!) { updateContributor(input: {id: $id, version: 1, bio: "Animatrice de quartier"}) { contributor { region version } } }`,
		vars{"id": bea}).ok()
	// Contributors edit themselves only.
	e.query(alice, `mutation($id: ID!) { updateContributor(input: {id: $id, version: 2, name: "X"}) { contributor { name } } }`,
		vars{"id": bea}).wantCode(graph.EFORBIDDEN)
	e.query(alice, `mutation { createCommunity(input: {name: "Non"}) { community { id } } }`, nil).wantCode(graph.EFORBIDDEN)

	comm := e.query(admin, `mutation { createCommunity(input: {name: "Voisins", description: "Du quartier"}) { community { id name } } }`, nil).ok().str("createCommunity.community.id")
	base := e.query(admin, `mutation { createKnowledgeBase(input: {name: "Base commune"}) { knowledgeBase { id } } }`, nil).ok().str("createKnowledgeBase.knowledgeBase.id")
	carnet := e.query(admin, `mutation { createCarnet(input: {title: "Carnet", categories: ["A"]}) { carnet { id version } } }`, nil).ok().str("createCarnet.carnet.id")
	e.query(admin, `mutation($c: ID!, $b: ID!) { link(input: {relation: IN_BASE, from: $c, to: $b}) { link { relation } } }`, vars{"c": carnet, "b": base}).ok()
	e.query(admin, `mutation($c: ID!, $m: ID!) { link(input: {relation: OF_COMMUNITY, from: $c, to: $m}) { link { relation } } }`, vars{"c": carnet, "m": comm}).ok()
	// Communities take members by invitation: Alice cannot add herself,
	// an admin (or curator) can.
	join := `mutation($a: ID!, $m: ID!) { link(input: {relation: MEMBER_OF, from: $a, to: $m}) { link { relation } } }`
	e.query(alice, join, vars{"a": gid(graph.KindContributor, "alice"), "m": comm}).wantCode(graph.EFORBIDDEN)
	e.query(admin, join, vars{"a": gid(graph.KindContributor, "alice"), "m": comm}).ok()

	r := e.query("", `query($c: ID!, $m: ID!, $b: ID!) {
		c: node(id: $c) { ... on Carnet { bases { name } communities { name } } }
		m: node(id: $m) { ... on Community { members { totalCount nodes { name } } carnets { title } } }
		b: node(id: $b) { ... on KnowledgeBase { carnets { title } } } }`, vars{"c": carnet, "m": comm, "b": base}).ok()
	if r.str("c.bases.0.name") != "Base commune" || r.str("c.communities.0.name") != "Voisins" ||
		r.str("m.members.nodes.0.name") != "Alice" || r.str("m.carnets.0.title") != "Carnet" || r.str("b.carnets.0.title") != "Carnet" {
		t.Errorf("groups: %s", r.Raw)
	}

	e.query(admin, `mutation($c: ID!) { updateCarnet(input: {id: $c, version: 1, categories: ["A", "B"]}) { carnet { categories version } } }`, vars{"c": carnet}).ok()
	e.query(admin, `mutation($c: ID!) { deleteCarnet(id: $c, version: 1) { deletedId } }`, vars{"c": carnet}).wantCode(graph.ECONFLICT)
	e.query(admin, `mutation($c: ID!) { deleteCarnet(id: $c, version: 2) { deletedId } }`, vars{"c": carnet}).ok()
	e.query(admin, `mutation($m: ID!) { updateCommunity(input: {id: $m, version: 1, name: "Voisines"}) { community { name } } }`, vars{"m": comm}).ok()
	e.query(admin, `mutation($b: ID!) { updateKnowledgeBase(input: {id: $b, version: 1, description: "d"}) { knowledgeBase { description } } }`, vars{"b": base}).ok()
	e.query(admin, `mutation($m: ID!) { deleteCommunity(id: $m, version: 2) { deletedId } }`, vars{"m": comm}).ok()
	e.query(admin, `mutation($b: ID!) { deleteKnowledgeBase(id: $b, version: 2) { deletedId } }`, vars{"b": base}).ok()
	r = e.query("", `{ carnets { totalCount } communities { totalCount } knowledgeBases { totalCount } }`, nil).ok()
	if r.num("carnets.totalCount")+r.num("communities.totalCount")+r.num("knowledgeBases.totalCount") != 0 {
		t.Errorf("after deletes: %s", r.Raw)
	}
}
