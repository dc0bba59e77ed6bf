package storetest

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

// testMedia checks graph.MediaStore: a media attached to a document reads
// exactly as that document (hidden, unknown and deleted look the same),
// a standing-alone one by its own visibility, and a refused write leaves
// nothing behind.
func testMedia(t *testing.T, newStore factory) {
	sha := strings.Repeat("ab", 32)
	audio := func(doc string) graph.Media {
		return graph.Media{DocumentID: doc, SHA256: sha, Size: 4096, MIME: "audio/ogg", Format: graph.MediaAudio,
			Title: "Témoignage de " + doc, Description: "Récit enregistré", Language: "fr",
			Cues: []graph.MediaCue{
				{Start: 0, End: 4 * time.Second, Speaker: "Odile", Text: "Bonjour à toutes"},
				{Start: 754 * time.Second, End: 760 * time.Second, Text: "la cuisine collective du quartier"},
			}}
	}

	t.Run("Visibility", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		before := f.state()
		made := map[string]*graph.Media{}
		for _, doc := range []string{"pub", "com", "priv"} {
			seq := f.lastSeq()
			m, err := f.s.CreateMedia(f.asC("a"), audio(doc))
			f.must(err, "a attaches a recording to %s", doc)
			f.wantSeqAdvanced(seq, "attaching media to %s", doc)
			if cs, err := f.s.Changes(f.sys(), seq, 10); err != nil || len(cs) != 1 || cs[0].Op != graph.OpUpdate || cs[0].ID != doc || cs[0].Kind != graph.KindNote {
				t.Errorf("attaching media to %s: changes %+v %v, want one UPDATE of the note", doc, cs, err)
			}
			if m.ID == "" || m.UploaderID != "a" || m.DocumentID != doc || m.Visibility != "" || m.CreatedAt.IsZero() {
				t.Fatalf("created media %+v", m)
			}
			made[doc] = m
		}
		alone := graph.Media{SHA256: sha, Size: 10, MIME: "image/png", Format: graph.MediaImage, Alt: "Un dessin",
			Visibility: graph.VisibilityPublic}
		pubAlone, err := f.s.CreateMedia(f.asC("x"), alone)
		f.must(err, "x uploads a public drawing")
		alone.Visibility = graph.VisibilityPrivate
		privAlone, err := f.s.CreateMedia(f.asC("x"), alone)
		f.must(err, "x uploads a private drawing")
		if st := f.state(); st.Documents != before.Documents || st.Contributors != before.Contributors {
			t.Errorf("media are no documents: the counts changed from %+v to %+v", before, st)
		}

		// Round trip.
		got, err := f.s.Media(f.anon(), made["pub"].ID)
		f.must(err, "anonymous reads the public note's media")
		want := *made["pub"]
		got.CreatedAt, want.CreatedAt = got.CreatedAt.UTC().Truncate(time.Millisecond), want.CreatedAt.UTC().Truncate(time.Millisecond)
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("read back %+v\nwant %+v", *got, want)
		}

		readers := []struct {
			name string
			ctx  context.Context
			can  map[string]bool
		}{
			{"anonymous", f.anon(), map[string]bool{"pub": true, "alone": true}},
			{"member m", f.asC("m"), map[string]bool{"pub": true, "com": true, "alone": true}},
			{"outsider z", f.asC("z"), map[string]bool{"pub": true, "alone": true}},
			{"uploader x", f.asC("x"), map[string]bool{"pub": true, "alone": true, "privAlone": true}},
			{"author a", f.asC("a"), map[string]bool{"pub": true, "com": true, "priv": true, "alone": true}},
			{"researcher", f.as(researcher), map[string]bool{"pub": true, "alone": true}},
			{"curator", f.as(curator), map[string]bool{"pub": true, "com": true, "priv": true, "alone": true, "privAlone": true}},
		}
		ids := map[string]string{"pub": made["pub"].ID, "com": made["com"].ID, "priv": made["priv"].ID,
			"alone": pubAlone.ID, "privAlone": privAlone.ID}
		_, errMissing := f.s.Media(f.anon(), missingID)
		for _, rd := range readers {
			for name, id := range ids {
				m, err := f.s.Media(rd.ctx, id)
				if rd.can[name] {
					if err != nil || m.ID != id {
						t.Errorf("%s reads media %s: %v", rd.name, name, err)
					}
					continue
				}
				if m != nil {
					t.Errorf("%s read the hidden media %s", rd.name, name)
				}
				wantLikeMissing(t, err, id, errMissing, missingID, "%s reads media %s", rd.name, name)
			}
			of, err := f.s.MediaOf(rd.ctx, []string{"pub", "com", "priv", missingID, "pub"})
			f.must(err, "MediaOf as %s", rd.name)
			for _, doc := range []string{"pub", "com", "priv"} {
				if got := len(of[doc]); got != map[bool]int{true: 1}[rd.can[doc]] {
					t.Errorf("%s: MediaOf(%s) gave %d media", rd.name, doc, got)
				}
			}
			if len(of) > 3 || of[missingID] != nil {
				t.Errorf("%s: MediaOf gave %v", rd.name, of)
			}
		}

		// A document hidden pending review takes its media with it.
		fl, err := f.s.FlagDocument(f.asC("x"), "pub", "À vérifier")
		f.must(err, "flag pub")
		_, err = f.s.ResolveFlag(f.as(curator), fl.ID, graph.DecisionHide, "")
		f.must(err, "hide pub")
		_, err = f.s.Media(f.anon(), ids["pub"])
		wantLikeMissing(t, err, ids["pub"], errMissing, missingID, "anonymous reads the media of a hidden note")
		of, err := f.s.MediaOf(f.asC("z"), []string{"pub"})
		f.must(err, "MediaOf")
		if len(of) != 0 {
			t.Errorf("MediaOf of a hidden note gave %v", of)
		}
		_, err = f.s.Media(f.asC("a"), ids["pub"])
		f.must(err, "the author still reads it")
	})

	t.Run("Refused", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		before := f.state()
		_, errMissing := f.s.CreateMedia(f.asC("x"), audio(missingID))
		_, errHidden := f.s.CreateMedia(f.asC("x"), audio("priv"))
		wantLikeMissing(t, errHidden, "priv", errMissing, missingID, "attaching to a note one may not read")
		_, err := f.s.CreateMedia(f.anon(), audio("pub"))
		wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous upload")
		_, err = f.s.CreateMedia(f.as(researcher), audio("pub"))
		wantCode(t, err, graph.EFORBIDDEN, "a token of no contributor")
		_, err = f.s.CreateMedia(f.asC("x"), audio("pub"))
		wantCode(t, err, graph.EFORBIDDEN, "attaching to a readable note one may not edit")
		_, err = f.s.CreateMedia(f.asC("a"), audio("k"))
		wantCode(t, err, graph.ENOTFOUND, "attaching to a carnet")
		for name, change := range map[string]func(m *graph.Media){
			"short digest":         func(m *graph.Media) { m.SHA256 = "abc" },
			"upper-case digest":    func(m *graph.Media) { m.SHA256 = strings.ToUpper(sha) },
			"path digest":          func(m *graph.Media) { m.SHA256 = "../" + sha[3:] },
			"no size":              func(m *graph.Media) { m.Size = 0 },
			"unknown format":       func(m *graph.Media) { m.Format = "text" },
			"no MIME":              func(m *graph.Media) { m.MIME = "" },
			"MIME with parameters": func(m *graph.Media) { m.MIME = "audio/ogg; codecs=opus" },
			"cue ends first":       func(m *graph.Media) { m.Cues[1].End = time.Second },
			"bad UTF-8":            func(m *graph.Media) { m.Title = "\xff" },
			"community standalone": func(m *graph.Media) { m.DocumentID, m.Visibility = "", graph.VisibilityCommunity },
			"standalone no vis":    func(m *graph.Media) { m.DocumentID = "" },
			"text of a recording":  func(m *graph.Media) { m.Text = "du texte" },
		} {
			m := audio("pub")
			change(&m)
			_, err := f.s.CreateMedia(f.asC("a"), m)
			wantCode(t, err, graph.EINVALID, "%s", name)
		}
		f.wantState(before, "refused uploads")
		of, err := f.s.MediaOf(f.as(curator), []string{"pub", "priv"})
		f.must(err, "MediaOf")
		if len(of) != 0 {
			t.Errorf("refused uploads left media: %v", of)
		}
	})

	// A PDF keeps the text extracted from it, which search reads.
	t.Run("Text", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		in := graph.Media{DocumentID: "pub", SHA256: sha, Size: 2048, MIME: "application/pdf", Format: graph.MediaPDF,
			Title: "Guide", Text: "Les semis du printemps\n\nLe potager partagé, « à l’ombre »"}
		made, err := f.s.CreateMedia(f.asC("a"), in)
		f.must(err, "a attaches a PDF with its text")
		got, err := f.s.Media(f.anon(), made.ID)
		f.must(err, "read the PDF")
		of, err := f.s.MediaOf(f.anon(), []string{"pub"})
		f.must(err, "MediaOf")
		if got.Text != in.Text || len(of["pub"]) != 1 || of["pub"][0].Text != in.Text {
			t.Errorf("text read back %q and %v, want %q", got.Text, of["pub"], in.Text)
		}
		in.Text = strings.Repeat("x", graph.MaxMediaText+1)
		_, err = f.s.CreateMedia(f.asC("a"), in)
		wantCode(t, err, graph.EINVALID, "a text past MaxMediaText")
	})

	// ScanMedia walks every media the viewer may read, in id order, page
	// by page: a dump reads them so, and what a viewer may not read is
	// not there, on any page.
	t.Run("Scan", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		mine := map[string]string{} // id → what it is
		for _, doc := range []string{"pub", "com", "priv", "pubx"} {
			author := "a"
			if doc == "pubx" {
				author = "x"
			}
			m, err := f.s.CreateMedia(f.asC(author), audio(doc))
			f.must(err, "attach to %s", doc)
			mine[m.ID] = doc
		}
		for _, v := range []graph.Visibility{graph.VisibilityPublic, graph.VisibilityPrivate} {
			m, err := f.s.CreateMedia(f.asC("x"), graph.Media{SHA256: sha, Size: 10, MIME: "image/png", Format: graph.MediaImage, Visibility: v})
			f.must(err, "x uploads a %s drawing", v)
			mine[m.ID] = "alone " + string(v)
		}
		_, err := f.s.SetHidden(f.as(curator), "pubx", true)
		f.must(err, "hide pubx")
		scan := func(ctx context.Context, page int) []string {
			t.Helper()
			var ids []string
			for after := ""; ; {
				ms, err := f.s.ScanMedia(ctx, after, page)
				f.must(err, "ScanMedia after %q", after)
				if len(ms) > page {
					t.Fatalf("ScanMedia gave %d media for a limit of %d", len(ms), page)
				}
				for _, m := range ms {
					ids = append(ids, m.ID)
				}
				if len(ms) < page {
					return ids
				}
				after = ms[len(ms)-1].ID
			}
		}
		want := func(what ...string) []string {
			var ids []string
			for id, w := range mine {
				if slices.Contains(what, w) {
					ids = append(ids, id)
				}
			}
			slices.Sort(ids)
			return ids
		}
		for _, c := range []struct {
			who  string
			ctx  context.Context
			sees []string
		}{
			{"the system", f.sys(), want("pub", "com", "priv", "pubx", "alone PUBLIC", "alone PRIVATE")},
			{"anonymous", f.anon(), want("pub", "alone PUBLIC")},
			{"x (uploader of the private drawing, author of the hidden note)", f.asC("x"), want("pub", "pubx", "alone PUBLIC", "alone PRIVATE")},
			{"a (author, member of c)", f.asC("a"), want("pub", "com", "priv", "alone PUBLIC")},
		} {
			for _, page := range []int{1, 2, 100} {
				sameOrder(t, scan(c.ctx, page), c.sees, "%s scans media, pages of %d", c.who, page)
			}
		}
		_, err = f.s.ScanMedia(f.sys(), "", 0)
		wantCode(t, err, graph.EINVALID, "a scan of 0 media")
	})

	t.Run("Delete", func(t *testing.T) {
		f := newFixture(t, newStore)
		buildWorld(f)
		pub, err := f.s.CreateMedia(f.asC("a"), audio("pub"))
		f.must(err, "attach to pub")
		priv, err := f.s.CreateMedia(f.asC("a"), audio("priv"))
		f.must(err, "attach to priv")
		err = f.s.DeleteMedia(f.anon(), pub.ID)
		wantCode(t, err, graph.EUNAUTHENTICATED, "anonymous delete")
		err = f.s.DeleteMedia(f.asC("x"), pub.ID)
		wantCode(t, err, graph.EFORBIDDEN, "x deletes a's media on a's note")
		errHidden := f.s.DeleteMedia(f.asC("x"), priv.ID)
		errMissing := f.s.DeleteMedia(f.asC("x"), missingID)
		wantLikeMissing(t, errHidden, priv.ID, errMissing, missingID, "deleting a hidden media")
		seq := f.lastSeq()
		f.must(f.s.DeleteMedia(f.asC("a"), pub.ID), "the author deletes")
		f.wantSeqAdvanced(seq, "deleting an attached media")
		_, err = f.s.Media(f.as(curator), pub.ID)
		wantCode(t, err, graph.ENOTFOUND, "a deleted media")

		// Deleting the document deletes its media: a document made
		// again with the same id does not inherit them.
		d := f.reread("priv")
		f.must(f.s.DeleteDocument(f.asC("a"), "priv", d.Version), "delete priv")
		_, err = f.s.Media(f.as(curator), priv.ID)
		wantCode(t, err, graph.ENOTFOUND, "the media of a deleted note")
		f.doc(graph.Document{ID: "priv", Kind: graph.KindNote, Title: "Encore", Visibility: graph.VisibilityPublic}, "a")
		of, err := f.s.MediaOf(f.as(curator), []string{"priv"})
		f.must(err, "MediaOf")
		if len(of) != 0 {
			t.Errorf("a new document with a deleted one's id inherited its media: %v", of)
		}
	})
}
