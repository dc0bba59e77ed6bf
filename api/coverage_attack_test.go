package api_test

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/search"
)

// The two attacks of issue #15, replayed against the demo commons through
// the real executor, as an anonymous reader would run them. They replay on
// the demo's thirteen hand-written contributors (demo.LoadCore), the
// commons they were found on: the 137 generated ones would give each
// person more cover, and the equation script enumerates every assignment
// of the candidates, which only a small commons allows.
//
//  1. Equations: from coverage(query: "plateforme") and coverage(query:
//     "savoirs"), the public search results, public authorship and public
//     declarations, solve for who declares gender AGGREGATE as what. On
//     the suppression-only code the per-value contributor and document
//     counts had exactly one solution: the five AGGREGATE women.
//  2. Removal: coverage(filter: {authors: all}) against the same with one
//     person left out. On the suppression-only code a value going from
//     SUPPRESSED to ABSENT gave that person's AGGREGATE value.

var attackQueries = []string{"plateforme", "savoirs"}

// fixedKey is a reproducible coverage key for the tests.
func fixedKey(seed string) []byte {
	h := sha256.Sum256([]byte("maillage test coverage key " + seed))
	return h[:]
}

// withCoverage sets the coverage key and a budget large enough for an
// attack replay.
func withCoverage(t *testing.T, key []byte) func(*api.Config) {
	return func(c *api.Config) {
		rel, err := api.OpenCoverageRelease(api.CoverageOptions{Key: key, Budget: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		c.Coverage = rel
	}
}

// demoWorld is the demo's hand-written commons in a real store and index,
// served with cfg.
func demoWorld(t *testing.T, cfg func(*api.Config)) (*env, *search.Index) {
	t.Helper()
	e, ix := searchEnvWith(t, cfg)
	if ok, err := demo.LoadCore(e.sys(), e.store, graph.DefaultTaxonomy()); err != nil || !ok {
		t.Fatalf("demo: %v", err)
	}
	catchUp(t, e, ix)
	return e, ix
}

// publicView is what anyone can read: who wrote which document a search
// finds, and the PUBLIC gender of each contributor.
type publicView struct {
	scopes       map[string][]string // query → ids of the documents found
	authors      map[string][]string // document id → author ids
	publicGender map[string]string   // contributor id → PUBLIC gender value
	contributors []string
}

func readPublic(t *testing.T, e *env) publicView {
	t.Helper()
	v := publicView{scopes: map[string][]string{}, authors: map[string][]string{}, publicGender: map[string]string{}}
	for _, q := range attackQueries {
		r := e.query("", `query($q: String!) { search(query: $q, first: 100) { totalCount edges { node { id ... on Document { authors { id } } } } } }`, vars{"q": q}).ok()
		if r.num("search.totalCount") > 100 {
			t.Fatalf("%s: more than one page", q)
		}
		for _, edge := range r.list("search.edges") {
			n := edge.(map[string]any)["node"].(map[string]any)
			id := n["id"].(string)
			v.scopes[q] = append(v.scopes[q], id)
			v.authors[id] = nil
			for _, a := range n["authors"].([]any) {
				v.authors[id] = append(v.authors[id], a.(map[string]any)["id"].(string))
			}
		}
	}
	r := e.query("", `{ contributors(first: 100) { nodes { id standpoints { dimension value } } } }`, nil).ok()
	for _, n := range r.list("contributors.nodes") {
		c := n.(map[string]any)
		v.contributors = append(v.contributors, c["id"].(string))
		for _, s := range c["standpoints"].([]any) {
			if sm := s.(map[string]any); sm["dimension"] == "gender" {
				v.publicGender[c["id"].(string)] = sm["value"].(string)
			}
		}
	}
	return v
}

// genderRows returns, per gender value, the released contributors and
// documents of a coverage (nil when not given) and its status.
type row struct {
	status                  string
	contributors, documents *int
}

func genderRows(r *response) map[string]row {
	out := map[string]row{}
	for _, v := range dimension(r, "gender")["values"].([]any) {
		vm := v.(map[string]any)
		var rw row
		rw.status = vm["status"].(string)
		if n, ok := vm["contributors"].(float64); ok {
			i := int(n)
			rw.contributors = &i
		}
		if n, ok := vm["documents"].(float64); ok {
			i := int(n)
			rw.documents = &i
		}
		out[vm["id"].(string)] = rw
	}
	return out
}

// solveGender is the attack script of issue #15: every assignment of a
// gender value (or none) to the contributors without a PUBLIC one, kept
// when it gives exactly the released contributor and document counts of
// every gender value in every scope.
func solveGender(v publicView, released map[string]map[string]row) (candidates []string, solutions []map[string]string) {
	inScope := map[string]bool{}
	for _, docs := range v.scopes {
		for _, d := range docs {
			for _, a := range v.authors[d] {
				inScope[a] = true
			}
		}
	}
	for a := range inScope {
		if v.publicGender[a] == "" {
			candidates = append(candidates, a)
		}
	}
	slices.Sort(candidates)
	values := []string{""}
	for _, tv := range graph.DefaultTaxonomy().Dimension("gender").Values {
		values = append(values, tv.ID)
	}
	assign := make([]int, len(candidates))
	for {
		gender := maps.Clone(v.publicGender)
		for i, c := range candidates {
			if values[assign[i]] != "" {
				gender[c] = values[assign[i]]
			}
		}
		if consistent(v, released, gender) {
			s := map[string]string{}
			for _, c := range candidates {
				s[c] = gender[c]
			}
			solutions = append(solutions, s)
		}
		i := 0
		for ; i < len(assign); i++ {
			if assign[i]++; assign[i] < len(values) {
				break
			}
			assign[i] = 0
		}
		if i == len(assign) {
			return candidates, solutions
		}
	}
}

func consistent(v publicView, released map[string]map[string]row, gender map[string]string) bool {
	for q, rows := range released {
		for value, rw := range rows {
			people, docs := map[string]bool{}, 0
			for _, d := range v.scopes[q] {
				hit := false
				for _, a := range v.authors[d] {
					if gender[a] == value {
						people[a], hit = true, true
					}
				}
				if hit {
					docs++
				}
			}
			if rw.contributors != nil && *rw.contributors != len(people) || rw.documents != nil && *rw.documents != docs {
				return false
			}
		}
	}
	return true
}

// demoAggregateGender is what the demo's contributors declare AGGREGATE
// on gender, read from the store as the system: the secret the attack is
// after.
func demoAggregateGender(t *testing.T, e *env) map[string]string {
	t.Helper()
	out := map[string]string{}
	for c, vals := range demoDeclared(t, e, graph.DeclAggregate) {
		for key := range vals {
			if v, ok := strings.CutPrefix(key, "gender:"); ok {
				out[c] = v
			}
		}
	}
	return out
}

// demoDeclared is every demo contributor's values of one visibility, as
// "dimension:value", by global id.
func demoDeclared(t *testing.T, e *env, vis graph.DeclarationVisibility) map[string]map[string]bool {
	t.Helper()
	ids := demoContributors(t)
	ds, err := e.store.Declarations(e.sys(), ids)
	e.must(err, "declarations")
	out := map[string]map[string]bool{}
	for _, c := range ids {
		g := gid(graph.KindContributor, c)
		out[g] = map[string]bool{}
		for _, d := range ds[c] {
			if d.Visibility == vis {
				out[g][d.Dimension+":"+d.Value] = true
			}
		}
	}
	return out
}

func demoContributors(t *testing.T) []string {
	t.Helper()
	d, err := demo.ParseCore()
	if err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(d.ContributorRoles()))
}

func TestCoverageAttackEquations(t *testing.T) {
	t.Parallel()
	e, _ := demoWorld(t, withCoverage(t, fixedKey("equations")))
	v := readPublic(t, e)
	released := map[string]map[string]row{}
	for _, q := range attackQueries {
		r := e.query("", coverageQuery, vars{"q": q}).ok()
		t.Logf("%s: %d documents, %d contributors, too few: %v", q, r.num("coverage.documentCount"), r.num("coverage.contributorCount"), r.get("coverage.tooFewContributors"))
		released[q] = genderRows(r)
		for value, rw := range released[q] {
			if rw.documents != nil {
				t.Errorf("%s: gender:%s has a document count (%d): an equation over public authorship", q, value, *rw.documents)
			}
		}
	}
	truth := demoAggregateGender(t, e)
	candidates, solutions := solveGender(v, released)
	women := 0
	for _, g := range truth {
		if g == "woman" {
			women++
		}
	}
	t.Logf("%d candidates without a PUBLIC gender, %d AGGREGATE women among them; the script finds %d solutions", len(candidates), women, len(solutions))
	if len(solutions) == 1 {
		found := []string{}
		for c, g := range solutions[0] {
			if g == "woman" {
				found = append(found, c)
			}
		}
		t.Errorf("the equations have one solution: the attack names %d people %v", len(found), found)
	}
	// A cleverer attacker weighs every answer by its likelihood: the
	// mechanism is public (graph.ReleaseProbability), only the key is not.
	// With a uniform prior on each candidate (woman or not), the posterior
	// of each set of women given the released woman counts of both scopes.
	post := map[string]float64{}
	var total float64
	for mask := range 1 << len(candidates) {
		l := 1.0
		for _, q := range attackQueries {
			rw := released[q]["woman"]
			if rw.contributors == nil {
				continue
			}
			n := 0
			for _, c := range scopeAuthors(v, q) {
				if v.publicGender[c] == "woman" {
					n++
				} else if i := slices.Index(candidates, c); i >= 0 && mask&(1<<i) != 0 {
					n++
				}
			}
			l *= graph.ReleaseProbability(n, *rw.contributors)
		}
		set := []string{}
		for i, c := range candidates {
			if mask&(1<<i) != 0 {
				set = append(set, c)
			}
		}
		post[strings.Join(set, ",")] += l
		total += l
	}
	var trueSet []string
	for _, c := range candidates {
		if truth[c] == "woman" {
			trueSet = append(trueSet, c)
		}
	}
	best, bestP := "", 0.0
	for set, p := range post {
		if p/total > bestP {
			best, bestP = set, p/total
		}
	}
	pTruth := post[strings.Join(trueSet, ",")] / total
	ties := 0
	for _, p := range post {
		if p/total > bestP-1e-12 {
			ties++
		}
	}
	t.Logf("likelihood attacker: the true set has posterior %.3f (prior %.3f); the likeliest sets (%d) have %.3f each", pTruth, 1/float64(int(1)<<len(candidates)), ties, bestP)
	for _, q := range attackQueries {
		t.Logf("%s: woman released %v", q, *released[q]["woman"].contributors)
	}
	// Per person: the posterior that each candidate is a woman. Two
	// candidates who wrote in the same scopes get the same: the answers
	// describe groups, never a person within one.
	marginal := map[string]float64{}
	for set, p := range post {
		for _, c := range strings.Split(set, ",") {
			if c != "" {
				marginal[c] += p / total
			}
		}
	}
	for _, a := range candidates {
		t.Logf("P(%s is a woman | answers) = %.3f (prior 0.5)", a, marginal[a])
		for _, b := range candidates {
			if sameScopes(v, a, b) && math.Abs(marginal[a]-marginal[b]) > 1e-9 {
				t.Errorf("%s and %s wrote in the same scopes but the answers weigh them differently: %.3f, %.3f", a, b, marginal[a], marginal[b])
			}
		}
		if marginal[a] > 0.8 {
			t.Errorf("P(%s is a woman | answers) = %.3f", a, marginal[a])
		}
	}
	if pTruth > 0.5 {
		t.Errorf("the likelihood attacker names the five with probability %.3f: more likely right than wrong", pTruth)
	}
	_ = best
}

// sameScopes reports whether contributors a and b wrote in the same scopes.
func sameScopes(v publicView, a, b string) bool {
	for _, q := range attackQueries {
		authors := scopeAuthors(v, q)
		if slices.Contains(authors, a) != slices.Contains(authors, b) {
			return false
		}
	}
	return true
}

// scopeAuthors lists the authors of the documents a query found.
func scopeAuthors(v publicView, q string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range v.scopes[q] {
		for _, a := range v.authors[d] {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

func TestCoverageAttackRemoval(t *testing.T) {
	t.Parallel()
	const keys = 24
	var (
		fired, firedRight, holds, holdsFired int
		pairs, pairsWithout, firedWithout    int
	)
	for k := range keys {
		e, _ := demoWorld(t, withCoverage(t, fixedKey(fmt.Sprint("removal ", k))))
		truth := demoDeclared(t, e, graph.DeclAggregate) // contributor gid → its AGGREGATE values
		public := demoDeclared(t, e, graph.DeclPublic)
		all := []string{}
		for _, c := range demoContributors(t) {
			all = append(all, gid(graph.KindContributor, c))
		}
		whole := e.query("", coverageQuery, vars{"f": map[string]any{"authors": all}}).ok()
		if whole.num("coverage.contributorCount") != len(all) {
			t.Fatalf("all authors: %s", whole.Raw)
		}
		wholeRows := allRows(whole)
		for i, target := range all {
			rest := slices.Delete(slices.Clone(all), i, i+1)
			r := e.query("", coverageQuery, vars{"f": map[string]any{"authors": rest}}).ok()
			if r.num("coverage.contributorCount") != len(rest) {
				// The target co-wrote with someone left in: still counted.
				continue
			}
			without := allRows(r)
			for key, w := range wholeRows {
				if public[target][key] {
					continue // anyone knows it
				}
				// The attack: a value present with the target and absent
				// (or withheld to absent) without them is theirs.
				signal := w != "ABSENT" && without[key] == "ABSENT"
				if truth[target][key] {
					holds++
					if signal {
						holdsFired++
					}
				} else {
					pairsWithout++
					if signal {
						firedWithout++
					}
				}
				pairs++
				if signal {
					fired++
					if truth[target][key] {
						firedRight++
					}
				}
			}
		}
	}
	hit := float64(holdsFired) / float64(holds)
	falseAlarm := float64(firedWithout) / float64(pairsWithout)
	t.Logf("%d keys: the rule fires on %d of %d (person, value) pairs, %d rightly (%.3f; by chance %.3f); on %.3f of the values a person holds AGGREGATE, on %.3f of the others",
		keys, fired, pairs, firedRight, float64(firedRight)/float64(max(fired, 1)), float64(holds)/float64(pairs), hit, falseAlarm)
	if fired > 0 && firedRight == fired {
		t.Errorf("every value the removal attack points at is the person's AGGREGATE value (%d of %d)", firedRight, fired)
	}
	// One person more or less moves a released count by at most 1/5 in
	// statistical distance: the rule can fire at most that much more
	// often on a person's values than on others'. Slack for 24 keys.
	if hit-falseAlarm > 0.2+0.08 {
		t.Errorf("the removal attack fires on %.3f of held values and %.3f of others: past the 1/5 bound", hit, falseAlarm)
	}
}

// allRows returns "dimension:value" → status of a coverage.
func allRows(r *response) map[string]string {
	out := map[string]string{}
	for _, d := range r.list("coverage.dimensions") {
		dm := d.(map[string]any)
		for _, v := range dm["values"].([]any) {
			vm := v.(map[string]any)
			out[dm["id"].(string)+":"+vm["id"].(string)] = vm["status"].(string)
		}
	}
	return out
}
