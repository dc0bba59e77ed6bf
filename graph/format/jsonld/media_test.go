package jsonld_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/demo"
	"github.com/encommun/maillage/graph/format/jsonld/jsonldtest"
)

// TestMediaAndCommentsAsLinkedData: a public note's media are schema.org
// media objects with their file's address, type, transcript or caption;
// its discussion is schema.org Comment with authors and replies; a hidden
// comment, a deleted one's text and the media and comments of a document
// the public may not read are nowhere, even for a curator's context.
func TestMediaAndCommentsAsLinkedData(t *testing.T) {
	t.Parallel()
	s := demoStore(t)
	blobs, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadMedia(context.Background(), s, blobs); err != nil {
		t.Fatal(err)
	}
	ada := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleContributor, ContributorID: "ld-ada"})
	curator := graph.WithViewer(context.Background(), graph.Viewer{Role: graph.RoleCurator, ContributorID: "ld-ada"})
	must[*graph.Contributor](t)(s.CreateContributor(sys, graph.Contributor{ID: "ld-ada", Name: "Ada Commente"}))
	must[*graph.Document](t)(s.CreateDocument(ada, graph.Document{ID: "ld-secret", Kind: graph.KindNote, Title: "Secret",
		Visibility: graph.VisibilityPrivate}, nil))
	first := must[*graph.Comment](t)(s.AddComment(ada, demo.MediaNote, "", "Quelle belle voix"))
	reply := must[*graph.Comment](t)(s.AddComment(ada, demo.MediaNote, first.ID, "Et le dessin aussi"))
	gone := must[*graph.Comment](t)(s.AddComment(ada, demo.MediaNote, "", "Texte retiré"))
	must[*graph.Comment](t)(s.AddComment(ada, demo.MediaNote, gone.ID, "Réponse au retiré"))
	must[*graph.Comment](t)(s.DeleteComment(ada, gone.ID))
	rude := must[*graph.Comment](t)(s.AddComment(ada, demo.MediaNote, "", "Propos masqué"))
	f := must[*graph.Flag](t)(s.FlagComment(ada, rude.ID, "Hors sujet"))
	must[*graph.Flag](t)(s.ResolveFlag(curator, f.ID, graph.DecisionHide, ""))
	must[*graph.Comment](t)(s.AddComment(ada, "ld-secret", "", "Commentaire privé"))
	must[*graph.Media](t)(s.CreateMedia(ada, graph.Media{DocumentID: "ld-secret", SHA256: strings.Repeat("ab", 32), Size: 10,
		MIME: "image/png", Format: graph.MediaImage, Alt: "Image secrète"}))

	o, err := builder(s).Node(curator, graph.KindNote, demo.MediaNote)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(o)
	var note struct {
		Media    []map[string]any `json:"associatedMedia"`
		Comments []map[string]any `json:"comment"`
		Count    int              `json:"commentCount"`
	}
	if err := json.Unmarshal(raw, &note); err != nil {
		t.Fatal(err)
	}
	types := map[string]map[string]any{}
	for _, m := range note.Media {
		types[m["@type"].(string)] = m
	}
	audio, image := types["AudioObject"], types["ImageObject"]
	if len(note.Media) != 2 || audio == nil || image == nil {
		t.Fatalf("media of the note: %v", note.Media)
	}
	if u, _ := audio["contentUrl"].(string); u != "https://commun.example/media/"+audio["identifier"].(string) ||
		audio["encodingFormat"] != "audio/wav" || !strings.Contains(audio["transcript"].(string), "[0:04] Sam Ouellet : Ma grand-mère") {
		t.Errorf("the recording: %v", audio)
	}
	if image["caption"] != "Trois maisons dessinées au trait, reliées par des fils de couleur" || image["description"] == nil {
		t.Errorf("the drawing: %v", image)
	}
	byText := map[string]map[string]any{}
	for _, c := range note.Comments {
		if c["@type"] != "Comment" {
			t.Errorf("comment of type %v", c["@type"])
		}
		byText[c["text"].(string)] = c
	}
	if len(byText) != 3 || note.Count != 3 || byText["Quelle belle voix"] == nil || byText["Réponse au retiré"] == nil {
		t.Fatalf("comments: %v", note.Comments)
	}
	if a, _ := byText["Quelle belle voix"]["author"].(map[string]any); a["name"] != "Ada Commente" || a["@type"] != "Person" {
		t.Errorf("a comment's author: %v", a)
	}
	if p, _ := byText["Et le dessin aussi"]["parentItem"].(map[string]any); p["@id"] != byText["Quelle belle voix"]["@id"] {
		t.Errorf("a reply's parent: %v", p)
	}
	if _, ok := byText["Réponse au retiré"]["parentItem"]; ok {
		t.Errorf("a reply names the comment deleted above it")
	}

	var buf bytes.Buffer
	if _, err := builder(s).WriteGraph(curator, &buf); err != nil {
		t.Fatal(err)
	}
	for _, never := range []string{"Propos masqué", "Texte retiré", "Commentaire privé", "Image secrète", reply.ID + "x"} {
		if bytes.Contains(buf.Bytes(), []byte(never)) || bytes.Contains(raw, []byte(never)) {
			t.Errorf("the linked data holds %q", never)
		}
	}
	if !bytes.Contains(buf.Bytes(), []byte("Et le dessin aussi")) || !bytes.Contains(buf.Bytes(), []byte("AudioObject")) {
		t.Errorf("the exported graph lacks the note's comments or media")
	}
	// Safe mode: every new term expands to an IRI.
	if nodes, _ := jsonldtest.Expand(t, buf.Bytes()); nodes < 50 {
		t.Errorf("expanded %d nodes", nodes)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(x T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
}
