package vault_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/format/vault"
)

// genVault writes n Markdown files into dir: front matter with authors,
// tags, a carnet and a category, some 300 words of body, three wikilinks
// to other files and two #tags. A fixed seed keeps it the same each time.
func genVault(t testing.TB, dir string, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(8, 20000))
	words := strings.Fields("commun savoir partage atelier communauté réseau gouvernance financement bénévole " +
		"coopérative quartier mémoire archive bibliothèque éducation populaire solidarité territoire région accès")
	for i := range n {
		folder := fmt.Sprintf("dossier-%02d", i%40)
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: Note %d sur le %s\naliases: [N%d]\ntags: [%s, %s]\nauthors: [Personne %d]\n",
			i, words[i%len(words)], i, words[r.IntN(len(words))], words[r.IntN(len(words))], r.IntN(50))
		fmt.Fprintf(&b, "date: 2024-%02d-%02d\nvisibility: %s\ncarnet: Carnet %d\ncategory: Catégorie %d\n---\n",
			1+i%12, 1+i%28, []string{"PUBLIC", "COMMUNITY", "PRIVATE"}[i%3], i%10, i%5)
		for w := range 300 {
			b.WriteString(words[r.IntN(len(words))])
			if w%60 == 59 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		for range 3 {
			fmt.Fprintf(&b, "Voir [[Note %d sur le %s]]. ", r.IntN(n), "x") // titles rarely match: half resolve by alias below
			fmt.Fprintf(&b, "[[N%d]] ", r.IntN(n))
		}
		fmt.Fprintf(&b, "\n#%s #thème-%d\n", words[r.IntN(len(words))], r.IntN(200))
		p := filepath.Join(dir, folder, "note-"+strconv.Itoa(i)+".md")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkImportVault imports a generated vault into a fresh embedded
// store and reports files/s; MAILLAGE_VAULT_FILES sets its size (20 000 by
// default, the size the issue asks about):
//
//	go test ./graph/format/vault -run '^$' -bench ImportVault -benchtime 1x
func BenchmarkImportVault(b *testing.B) {
	n := 20_000
	if s := os.Getenv("MAILLAGE_VAULT_FILES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	genVault(b, dir, n)
	for b.Loop() {
		s := open(b)
		start := time.Now()
		v, err := vault.Read(dir)
		if err != nil {
			b.Fatal(err)
		}
		read := time.Since(start)
		res, err := vault.Import(context.Background(), s, v, vault.Options{Visibility: graph.VisibilityPrivate, Language: "fr", BatchSize: 500})
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		if res.Created[graph.KindNote] != n {
			b.Fatalf("created %d notes of %d", res.Created[graph.KindNote], n)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "files/s")
		b.ReportMetric(read.Seconds(), "read-s")
		b.ReportMetric(float64(res.Links), "links")
	}
}
