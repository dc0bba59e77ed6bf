package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
)

const diffQuery = `query($id: ID!, $from: Int!, $to: Int!) {
	revisionDiff(id: $id, from: $from, to: $to) {
		from { version title } to { version title } minimal
		title { changed lines { op text oldLine newLine } }
		summary { changed }
		body { changed lines { op text oldLine newLine } }
	}
}`

const restoreMutation = `mutation($id: ID!, $v: Int!, $expected: Int!) {
	restoreRevision(id: $id, version: $v, expectedVersion: $expected) {
		document { version title body ... on Note { revisions { totalCount nodes { version changed } } } }
	}
}`

// historyWorld: alice's public note n at version 3 and her private note
// secret, both with three revisions.
func historyWorld(t *testing.T) (*env, map[string]string) {
	e := newEnv(t)
	e.contributor("alice", "Alice")
	e.contributor("carol", "Carol")
	for _, id := range []string{"n", "secret"} {
		vis := graph.VisibilityPublic
		if id == "secret" {
			vis = graph.VisibilityPrivate
		}
		d := e.doc(graph.Document{ID: id, Title: "Atelier 1", Body: "Le maillage\ndes organismes\ncommunautaires", Visibility: vis}, "alice")
		for _, u := range []graph.DocumentUpdate{
			{Title: ptrTo("Atelier 2")},
			{Body: ptrTo("Le maillage\ndes groupes\ncommunautaires\nau Québec")},
		} {
			u.Version = d.Version
			var err error
			d, err = e.store.UpdateDocument(e.sys(), id, u)
			e.must(err, "update")
		}
	}
	return e, map[string]string{
		"alice": e.token(graph.RoleContributor, "alice"),
		"carol": e.token(graph.RoleContributor, "carol"),
	}
}

func ptrTo[T any](v T) *T { return &v }

func diffLines(r *response, field string) []string {
	var out []string
	for i := range r.list("revisionDiff." + field + ".lines") {
		p := fmt.Sprintf("revisionDiff.%s.lines.%d.", field, i)
		num := func(k string) string {
			if v := r.get(p + k); v != nil {
				return fmt.Sprint(v)
			}
			return "-"
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", r.str(p+"op"), num("oldLine"), num("newLine"), r.str(p+"text")))
	}
	return out
}

func TestRevisionDiff(t *testing.T) {
	t.Parallel()
	e, tok := historyWorld(t)
	r := e.query("", diffQuery, vars{"id": gid(graph.KindNote, "n"), "from": 1, "to": 3}).ok()
	if r.str("revisionDiff.from.title") != "Atelier 1" || r.num("revisionDiff.to.version") != 3 || r.get("revisionDiff.minimal") != true {
		t.Errorf("ends: %s", r.Raw)
	}
	if got, want := strings.Join(diffLines(r, "title"), "|"), "DELETE 1 - Atelier 1|INSERT - 1 Atelier 2"; got != want {
		t.Errorf("title diff %q, want %q", got, want)
	}
	want := "EQUAL 1 1 Le maillage|DELETE 2 - des organismes|INSERT - 2 des groupes|EQUAL 3 3 communautaires|INSERT - 4 au Québec"
	if got := strings.Join(diffLines(r, "body"), "|"); got != want {
		t.Errorf("body diff\n %q\nwant\n %q", got, want)
	}
	if r.get("revisionDiff.summary.changed") != false {
		t.Errorf("summary did not change: %s", r.Raw)
	}
	// Backwards: deletions and insertions swap.
	r = e.query("", diffQuery, vars{"id": gid(graph.KindNote, "n"), "from": 3, "to": 2}).ok()
	if got := strings.Join(diffLines(r, "body"), "|"); got != "EQUAL 1 1 Le maillage|DELETE 2 - des groupes|INSERT - 2 des organismes|EQUAL 3 3 communautaires|DELETE 4 - au Québec" {
		t.Errorf("3→2 body diff %q", got)
	}
	if r.get("revisionDiff.title.changed") != false || len(r.list("revisionDiff.title.lines")) != 1 {
		t.Errorf("3→2 title unchanged: %s", r.Raw)
	}
	// Hidden is missing; versions it never had are NOT_FOUND.
	hidden := e.query(tok["carol"], diffQuery, vars{"id": gid(graph.KindNote, "secret"), "from": 1, "to": 2}).wantCode(graph.ENOTFOUND)
	missing := e.query(tok["carol"], diffQuery, vars{"id": gid(graph.KindNote, "nope"), "from": 1, "to": 2}).wantCode(graph.ENOTFOUND)
	if h, m := strings.ReplaceAll(hidden.Errors[0].Message, gid(graph.KindNote, "secret"), "<id>"), strings.ReplaceAll(missing.Errors[0].Message, gid(graph.KindNote, "nope"), "<id>"); h != m {
		t.Errorf("hidden %q, missing %q", h, m)
	}
	e.query(tok["alice"], diffQuery, vars{"id": gid(graph.KindNote, "secret"), "from": 1, "to": 2}).ok()
	for _, v := range [][2]int{{0, 1}, {1, 4}, {-3, 2}} {
		e.query("", diffQuery, vars{"id": gid(graph.KindNote, "n"), "from": v[0], "to": v[1]}).wantCode(graph.ENOTFOUND)
	}
	e.query("", diffQuery, vars{"id": gid(graph.KindContributor, "alice"), "from": 1, "to": 1}).wantCode(graph.EINVALID)
}

func TestRestoreRevision(t *testing.T) {
	t.Parallel()
	e, tok := historyWorld(t)
	n := gid(graph.KindNote, "n")
	e.query("", restoreMutation, vars{"id": n, "v": 1, "expected": 3}).wantCode(graph.EUNAUTHENTICATED)
	e.query(tok["carol"], restoreMutation, vars{"id": n, "v": 1, "expected": 3}).wantCode(graph.EFORBIDDEN)
	e.query(tok["alice"], restoreMutation, vars{"id": n, "v": 1, "expected": 2}).wantCode(graph.ECONFLICT)
	e.query(tok["alice"], restoreMutation, vars{"id": n, "v": 9, "expected": 3}).wantCode(graph.ENOTFOUND)
	e.query(tok["carol"], restoreMutation, vars{"id": gid(graph.KindNote, "secret"), "v": 1, "expected": 3}).wantCode(graph.ENOTFOUND)
	before := e.lastSeq()

	r := e.query(tok["alice"], restoreMutation, vars{"id": n, "v": 1, "expected": 3}).ok()
	p := "restoreRevision.document."
	if r.num(p+"version") != 4 || r.str(p+"title") != "Atelier 1" || r.str(p+"body") != "Le maillage\ndes organismes\ncommunautaires" {
		t.Errorf("restored: %s", r.Raw)
	}
	if r.num(p+"revisions.totalCount") != 4 || r.num(p+"revisions.nodes.0.version") != 4 {
		t.Errorf("history must keep every revision and add one: %s", r.Raw)
	}
	if got := fmt.Sprint(r.get(p + "revisions.nodes.0.changed")); got != "[title body]" {
		t.Errorf("the new revision changed %s, want title and body", got)
	}
	if e.lastSeq() <= before {
		t.Error("a restore is a write: it must append a change")
	}
	// The old versions are still there, untouched.
	d := e.query("", diffQuery, vars{"id": n, "from": 3, "to": 4}).ok()
	if d.str("revisionDiff.from.title") != "Atelier 2" || d.get("revisionDiff.body.changed") != true {
		t.Errorf("3→4: %s", d.Raw)
	}
	// Restoring what is current changes nothing.
	r = e.query(tok["alice"], restoreMutation, vars{"id": n, "v": 1, "expected": 4}).ok()
	if r.num(p+"version") != 4 {
		t.Errorf("restoring the current state must not bump the version: %s", r.Raw)
	}
}
