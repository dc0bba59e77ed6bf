package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// shardCount is how many browsers run the spec files side by side:
// $MAILLAGE_E2E_SHARDS, or 2 (three cost more CPU than they save on two cores). One shard runs every scenario in one browser
// against one server, as before sharding.
func shardCount() int {
	if n, err := strconv.Atoi(os.Getenv("MAILLAGE_E2E_SHARDS")); err == nil && n >= 1 {
		return n
	}
	return 2
}

var secondsLine = regexp.MustCompile(`(?m)^// e2e-seconds: (\d+)`)

// specShards splits the spec files of dir into at most n groups that take
// about as long (longest file first into the lightest group). A file's
// weight is its "// e2e-seconds: N" line, measured once; a file without
// one counts six seconds a scenario, so a new spec file finds its place.
// A spec file is never split: its scenarios may build on each other.
func specShards(dir string, n int) ([][]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.spec.mjs"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.spec.mjs in %s", dir)
	}
	type spec struct {
		name   string
		weight int
	}
	specs := make([]spec, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		weight := 6 * bytes.Count(b, []byte("scenario("))
		if m := secondsLine.FindSubmatch(b); m != nil {
			weight, _ = strconv.Atoi(string(m[1]))
		}
		specs = append(specs, spec{filepath.Base(f), weight})
	}
	sort.SliceStable(specs, func(i, j int) bool {
		if specs[i].weight != specs[j].weight {
			return specs[i].weight > specs[j].weight
		}
		return specs[i].name < specs[j].name
	})
	n = min(n, len(specs))
	groups := make([][]string, n)
	load := make([]int, n)
	for _, s := range specs {
		lightest := 0
		for i := range load {
			if load[i] < load[lightest] {
				lightest = i
			}
		}
		groups[lightest] = append(groups[lightest], s.name)
		load[lightest] += s.weight
	}
	for _, g := range groups {
		sort.Strings(g)
	}
	return groups, nil
}

// shardEnv is what one shard needs: the built binary, its own data
// directory, and the spec files it runs.
type shardEnv struct {
	root, bin, node, chromium, shots, data string
	specs                                  []string
}

// shardRun is a shard's browser run: err when its server could not be
// prepared, runErr when node exited badly.
type shardRun struct {
	stdout, stderr []byte
	err, runErr    error
}

// runShard prepares a demo server with the tokens the scenarios use and
// runs e2e/run.mjs on the shard's spec files. It runs on its own
// goroutine, so it reports errors instead of failing the test.
func runShard(t *testing.T, ctx context.Context, e shardEnv) shardRun {
	token := func(args ...string) (string, error) {
		out, err := exec.CommandContext(ctx, e.bin, append([]string{"token", "create", "--data", e.data}, args...)...).Output()
		if err != nil {
			return "", fmt.Errorf("token create %v: %w", args, err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	// A curator token, made before the server locks the data directory;
	// the demo still loads, the graph being empty.
	curator, err := token("--role", "CURATOR")
	if err != nil {
		return shardRun{err: err}
	}
	// A plain contributor's token and a curator's who speaks for a person
	// (flagging needs one): both name demo contributors, so the demo is
	// loaded by a first start, and the tokens made while it is stopped.
	_, stop, err := startServer(t, ctx, e.bin, e.data)
	if stop != nil {
		stop()
	}
	if err != nil {
		return shardRun{err: err}
	}
	contributor, err := token("--role", "CONTRIBUTOR", "--contributor", "contrib-amelie-brisson")
	if err != nil {
		return shardRun{err: err}
	}
	curatorPerson, err := token("--role", "CURATOR", "--contributor", "contrib-nadia-benali")
	if err != nil {
		return shardRun{err: err}
	}
	base, _, err := startServer(t, ctx, e.bin, e.data)
	if err != nil {
		return shardRun{err: err}
	}
	run := exec.CommandContext(ctx, e.node, filepath.Join("e2e", "run.mjs"), base, e.shots)
	run.Dir = e.root
	run.Env = append(os.Environ(), "MAILLAGE_E2E_TOKEN="+curator, "CHROMIUM="+e.chromium,
		"MAILLAGE_E2E_CONTRIBUTOR_TOKEN="+contributor, "MAILLAGE_E2E_CURATOR_PERSON_TOKEN="+curatorPerson,
		"MAILLAGE_E2E_SPECS="+strings.Join(e.specs, ","))
	var stderr bytes.Buffer
	run.Stderr = &stderr
	out, runErr := run.Output()
	return shardRun{stdout: out, stderr: stderr.Bytes(), runErr: runErr}
}

func TestSpecShardsKeepEveryFileOnce(t *testing.T) {
	t.Parallel()
	all, err := specShards(".", 1)
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 4; n++ {
		groups, err := specShards(".", n)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range groups {
			if len(g) == 0 {
				t.Errorf("n=%d: an empty shard in %v", n, groups)
			}
			got = append(got, g...)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(all[0], ",") {
			t.Errorf("n=%d: shards %v do not hold each of %v once", n, groups, all[0])
		}
	}
}
