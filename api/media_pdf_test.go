package api_test

import (
	"bytes"
	"compress/zlib"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/media/mediatest"
)

func pdfFile(body []byte) upFile {
	return upFile{path: "variables.input.file", name: "guide.pdf", contentType: "application/pdf", body: body}
}

// A PDF's text is searched with its note, under the note's visibility; a
// zip bomb in a PDF is BAD_USER_INPUT and leaves nothing behind.
func TestMediaPDFText(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blobs, err := blob.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Room for the bomb (some 250 KB) to reach the PDF check.
	e, _ := searchEnvWith(t, func(c *api.Config) { c.Blobs = blobs; c.Limits.MaxUploadBytes = 2 << 20 })
	e.contributor("a", "Odile")
	e.contributor("x", "Xavier")
	e.doc(graph.Document{ID: "pub", Title: "Cuisine collective"}, "a")
	e.doc(graph.Document{ID: "priv", Title: "Carnet privé", Visibility: graph.VisibilityPrivate}, "a")
	m := &mediaEnv{env: e, blobDir: dir, a: e.token(graph.RoleContributor, "a"), x: e.token(graph.RoleContributor, "x")}

	guide := mediatest.PDF("FlateDecode", []byte("BT /F1 12 Tf 72 712 Td (Le compostage collectif au pied des immeubles.) Tj ET"))
	m.upload(m.a, vars{"file": nil, "attachTo": gid(graph.KindNote, "pub"), "title": "Guide"}, pdfFile(guide)).ok()
	secret := mediatest.PDF("FlateDecode", []byte("BT /F1 12 Tf 72 712 Td (Les lombrics du sous-sol.) Tj ET"))
	m.upload(m.a, vars{"file": nil, "attachTo": gid(graph.KindNote, "priv"), "title": "Notes"}, pdfFile(secret)).ok()

	const q = `query($q: String!) { search(query: $q) { totalCount edges { node { id } mediaMatches { media { title format } cue { start } at } } } }`
	r := m.query("", q, vars{"q": "compostage"}).ok()
	if r.num("search.totalCount") != 1 || r.str("search.edges.0.node.id") != gid(graph.KindNote, "pub") ||
		r.str("search.edges.0.mediaMatches.0.media.title") != "Guide" || r.get("search.edges.0.mediaMatches.0.at") != nil {
		t.Fatalf("a word of the PDF: %s", r.Raw)
	}
	if r = m.query(m.x, q, vars{"q": "lombric"}).ok(); r.num("search.totalCount") != 0 {
		t.Errorf("x found the text of a private note's PDF: %s", r.Raw)
	}
	if r = m.query(m.a, q, vars{"q": "lombric"}).ok(); r.num("search.totalCount") != 1 {
		t.Errorf("the author does not find her private PDF's text: %s", r.Raw)
	}

	// The bomb: 257 MB of spaces in one content stream.
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	w.Write([]byte("BT /F1 12 Tf 72 712 Td ("))
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 257 {
		w.Write(chunk)
	}
	w.Write([]byte(") Tj ET"))
	w.Close()
	blobsBefore := m.blobs()
	m.upload(m.a, vars{"file": nil, "attachTo": gid(graph.KindNote, "pub")}, pdfFile(mediatest.PDF("deflated", z.Bytes()))).wantCode(graph.EINVALID)
	if n := m.blobs(); n != blobsBefore {
		t.Errorf("the refused bomb left %d files in the blob store", n-blobsBefore)
	}
	notes := m.query(m.a, `{ node(id: "`+gid(graph.KindNote, "pub")+`") { ... on Note { media { title } } } }`, nil).ok()
	if len(notes.list("node.media")) != 1 {
		t.Errorf("media of pub after the bomb: %s", notes.Raw)
	}
}
