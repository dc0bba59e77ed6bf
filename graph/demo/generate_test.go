package demo_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/store/embedded"
	"github.com/encommun/maillage/search"
)

// generatedDigest fingerprints the demo as Parse returns it. A change to
// the generator, its seed or demo.json changes it: update it then, and the
// coverage answers quoted in docs/privacy.md if they moved.
const generatedDigest = "394fbe68f9ab477fd4379f4155d951bba427637ec0d6a4c93c1782a4185a83cf"

func TestGeneratedDemoIsDeterministic(t *testing.T) {
	t.Parallel()
	a, err := demo.Parse()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := demo.Parse()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two parses of the demo differ")
	}
	raw, _ := json.Marshal(a)
	if got := fmt.Sprintf("%x", sha256.Sum256(raw)); got != generatedDigest {
		t.Errorf("the demo's digest is %s, want %s: the generator no longer draws the same commons", got, generatedDigest)
	}
	core, _ := demo.ParseCore()
	if n := len(a.Contributors); n != len(core.Contributors)+demo.GeneratedContributors || n < 140 || n > 160 {
		t.Errorf("%d contributors, %d hand-written", n, len(core.Contributors))
	}
	seen := map[string]bool{}
	vis := map[string]int{}
	for _, c := range a.Contributors[len(core.Contributors):] {
		if !strings.HasPrefix(c.Bio, demo.FictionalBio) {
			t.Errorf("%s (%s): the bio does not say the person is fictional: %q", c.ID, c.Name, c.Bio)
		}
		if seen[c.Name] {
			t.Errorf("%s: name %q given twice", c.ID, c.Name)
		}
		seen[c.Name] = true
		for _, d := range c.Declarations {
			vis[d.Visibility]++
		}
	}
	// Mostly AGGREGATE, a fair share PUBLIC, some PRIVATE.
	total := vis["PUBLIC"] + vis["AGGREGATE"] + vis["PRIVATE"]
	if vis["AGGREGATE"]*2 < total || vis["PUBLIC"]*6 < total || vis["PRIVATE"]*12 < total {
		t.Errorf("declaration visibilities %v", vis)
	}
	// The batch is valid for the taxonomy.
	if _, err := a.Batch(graph.DefaultTaxonomy()); err != nil {
		t.Fatal(err)
	}
}

// The coverage page of the demo's main topics, as anyone reads it: the
// real store and index, the real release rule (noise and rounding, with a
// fixed key). The big topics have present and absent values; a narrow
// search within them is below the floor and withholds every value.
func TestDemoCoverageShowsWhoIsMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	if ok, err := demo.Load(ctx, s, graph.DefaultTaxonomy()); err != nil || !ok {
		t.Fatalf("load: %v, %v", ok, err)
	}
	t.Logf("demo loaded in %s", time.Since(start))
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.CatchUp(ctx, s); err != nil {
		t.Fatal(err)
	}
	tax := graph.DefaultTaxonomy()
	key := sha256.Sum256([]byte("maillage demo coverage test key"))
	coverage := func(q string) *graph.Coverage {
		t.Helper()
		ids, err := ix.Scope(ctx, search.ScopeRequest{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.StandpointCoverage(ctx, graph.CoverageQuery{Scope: graph.DocumentScope{IDs: ids}, K: graph.DefaultCoverageK,
			Noise: &graph.CoverageNoise{Key: key[:], Taxonomy: tax}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	status := func(c *graph.Coverage) map[string][]string {
		out := map[string][]string{}
		for _, d := range c.Dimensions {
			for _, v := range d.Values {
				st := "present"
				if *v.Contributors == 0 {
					st = "absent"
				}
				out[st] = append(out[st], fmt.Sprintf("%s:%s=%d", d.Dimension, v.Value, *v.Contributors))
			}
		}
		return out
	}
	// Values nobody in the scope declares, and values many do: with this
	// key, released as 0 and as 5 or more.
	want := map[string]struct{ absent, present []string }{
		"plateforme": {[]string{"language:indigenous-language", "indigeneity:inuit", "region:outside-quebec", "generation:teens"},
			[]string{"region:montreal", "language:french", "gender:woman"}},
		"savoirs": {[]string{"language:indigenous-language", "migration:refugee", "region:outside-quebec"},
			[]string{"generation:35-49", "sector:social-movements"}},
		"gouvernance": {[]string{"generation:65-plus", "region:nord-du-quebec", "region:cote-nord", "migration:refugee"},
			[]string{"language:french", "region:montreal"}},
	}
	for _, q := range []string{"plateforme", "savoirs", "gouvernance", "littératie"} {
		c := coverage(q)
		st := status(c)
		released := map[string]int{}
		for _, d := range c.Dimensions {
			for _, v := range d.Values {
				released[d.Dimension+":"+v.Value] = *v.Contributors
			}
		}
		for _, v := range want[q].absent {
			if released[v] != 0 {
				t.Errorf("%s: %s released as %d, want absent", q, v, released[v])
			}
		}
		for _, v := range want[q].present {
			if released[v] < graph.CoverageBase {
				t.Errorf("%s: %s released as %d, want present", q, v, released[v])
			}
		}
		t.Logf("%s: %d documents, %d contributors, too few %v\n  present %v\n  absent %v", q, c.Documents, c.Contributors, c.TooFew, st["present"], st["absent"])
		if c.TooFew || c.Contributors < graph.MinContributors(graph.DefaultCoverageK) {
			t.Errorf("%s: %d contributors, below the floor", q, c.Contributors)
			continue
		}
		if len(st["present"]) == 0 || len(st["absent"]) == 0 {
			t.Errorf("%s: present %v, absent %v: want both", q, st["present"], st["absent"])
		}
	}
	// Within the main topics, a narrow search says nothing of any value.
	for _, q := range []string{"plateforme Saguenay", "savoirs syndicaux"} {
		c := coverage(q)
		t.Logf("%s: %d documents, %d contributors, too few %v", q, c.Documents, c.Contributors, c.TooFew)
		if !c.TooFew || len(c.Dimensions) != 0 {
			t.Errorf("%s: %d contributors, too few %v, %d dimensions: want every value withheld", q, c.Contributors, c.TooFew, len(c.Dimensions))
		}
	}
}
