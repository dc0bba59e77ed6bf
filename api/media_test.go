package api_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
)

// Media uploads and serving, through a real server: each attack of issue
// #19's "Bad input" is replayed and must leave no blob behind and tell
// nothing about documents the caller may not read.

const (
	testAudioLimit  = 64 << 10
	testUploadLimit = 256 << 10
)

type mediaEnv struct {
	*env
	blobDir string
	a, x    string // tokens of contributors a (author of pub and priv) and x
}

func newMediaEnv(t *testing.T) *mediaEnv {
	t.Helper()
	dir := t.TempDir()
	blobs, err := blob.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := searchEnvWith(t, func(c *api.Config) {
		c.Blobs = blobs
		c.MediaLimits = map[graph.MediaFormat]int64{graph.MediaAudio: testAudioLimit}
		c.Limits.MaxUploadBytes = testUploadLimit
	})
	e.contributor("a", "Odile")
	e.contributor("x", "Xavier")
	e.doc(graph.Document{ID: "pub", Title: "Cuisine collective"}, "a")
	e.doc(graph.Document{ID: "priv", Title: "Carnet privé", Visibility: graph.VisibilityPrivate}, "a")
	return &mediaEnv{env: e, blobDir: dir, a: e.token(graph.RoleContributor, "a"), x: e.token(graph.RoleContributor, "x")}
}

// blobs counts the files the blob store holds, its temporary ones too.
func (m *mediaEnv) blobs() int {
	n := 0
	filepath.WalkDir(m.blobDir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// wav is a valid WAV file of n bytes of silence.
func wav(n int) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+n))
	b.WriteString("WAVEfmt ")
	// Field by field: binary.Write refuses a []any.
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(8000), uint32(8000), uint16(1), uint16(8)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(n))
	for i := 0; i < n; i++ {
		b.WriteByte(byte(128 + i%7))
	}
	return b.Bytes()
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(2, 2, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const testVTT = "WEBVTT\n\n00:00.000 --> 00:04.000\n<v Odile>Bonjour à toutes\n\n12:34.500 --> 12:40.000\nla cuisine collective du quartier\n"

type upFile struct {
	path, name, contentType string
	body                    []byte
}

// multipartBody builds a request of the GraphQL multipart request spec.
func multipartBody(t testing.TB, query string, variables vars, files ...upFile) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	w.WriteField("operations", string(ops))
	m := map[string][]string{}
	for i, f := range files {
		m[fmt.Sprint(i)] = []string{f.path}
	}
	mb, _ := json.Marshal(m)
	w.WriteField("map", string(mb))
	for i, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%d"; filename="%s"`, i, f.name))
		h.Set("Content-Type", f.contentType)
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(f.body)
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

const uploadQuery = `mutation($input: UploadMediaInput!) { uploadMedia(input: $input) {
  id url format mimeType size sha256 title visibility document { id }
  transcript { start end at speaker text } } }`

func (m *mediaEnv) upload(token string, input vars, files ...upFile) *response {
	m.t.Helper()
	ct, body := multipartBody(m.t, uploadQuery, vars{"input": input}, files...)
	req, err := http.NewRequestWithContext(m.t.Context(), http.MethodPost, m.srv.URL+"/graphql", bytes.NewReader(body))
	m.must(err, "new request")
	req.Header.Set("Content-Type", ct)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return m.send(req)
}

func audioFile(body []byte) upFile {
	return upFile{path: "variables.input.file", name: "temoignage.wav", contentType: "audio/wav", body: body}
}

func captionsFile(vtt string) upFile {
	return upFile{path: "variables.input.captions", name: "temoignage.vtt", contentType: "text/vtt", body: []byte(vtt)}
}

type served struct {
	status int
	header http.Header
	body   []byte
}

func (m *mediaEnv) get(token, path string, header ...string) served {
	m.t.Helper()
	req, err := http.NewRequestWithContext(m.t.Context(), http.MethodGet, m.srv.URL+path, nil)
	m.must(err, "new request")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := m.srv.Client().Do(req)
	m.must(err, "GET "+path)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return served{res.StatusCode, res.Header, b}
}

func TestMediaUploadAndServe(t *testing.T) {
	t.Parallel()
	m := newMediaEnv(t)
	audio := wav(4000)
	r := m.upload(m.a, vars{"file": nil, "captions": nil, "attachTo": gid(graph.KindNote, "pub"), "title": "Témoignage"},
		audioFile(audio), captionsFile(testVTT)).ok()
	id := r.str("uploadMedia.id")
	if r.str("uploadMedia.format") != "AUDIO" || r.str("uploadMedia.mimeType") != "audio/wav" ||
		r.num("uploadMedia.size") != len(audio) || r.get("uploadMedia.visibility") != nil ||
		r.str("uploadMedia.document.id") != gid(graph.KindNote, "pub") || r.str("uploadMedia.url") != "/media/"+id {
		t.Fatalf("uploaded media %s", r.Raw)
	}
	if at, sp := r.str("uploadMedia.transcript.1.at"), r.get("uploadMedia.transcript.0.speaker"); at != "12:34" || sp != "Odile" {
		t.Errorf("transcript: at %q, speaker %v", at, sp)
	}
	notes := m.query("", `{ node(id: "`+gid(graph.KindNote, "pub")+`") { ... on Note { media { id transcript { text } } } } }`, nil).ok()
	if notes.str("node.media.0.id") != id {
		t.Errorf("Note.media: %s", notes.Raw)
	}

	s := m.get("", "/media/"+id)
	if s.status != 200 || !bytes.Equal(s.body, audio) || s.header.Get("Content-Type") != "audio/wav" ||
		s.header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(s.header.Get("Content-Disposition"), "inline") {
		t.Fatalf("GET: %d %v (%d bytes)", s.status, s.header, len(s.body))
	}
	s = m.get("", "/media/"+id, "Range", "bytes=100-163")
	if s.status != http.StatusPartialContent || !bytes.Equal(s.body, audio[100:164]) ||
		s.header.Get("Content-Range") != fmt.Sprintf("bytes 100-163/%d", len(audio)) {
		t.Errorf("range: %d %q, %d bytes", s.status, s.header.Get("Content-Range"), len(s.body))
	}
	s = m.get("", "/media/"+id, "Range", fmt.Sprintf("bytes=-%d", 10))
	if s.status != http.StatusPartialContent || !bytes.Equal(s.body, audio[len(audio)-10:]) {
		t.Errorf("suffix range: %d, %d bytes", s.status, len(s.body))
	}

	// The same bytes twice are one blob.
	before := m.blobs()
	m.upload(m.a, vars{"file": nil, "visibility": "PUBLIC"}, audioFile(audio)).ok()
	if m.blobs() != before {
		t.Errorf("the same content stored twice: %d blobs, then %d", before, m.blobs())
	}

	// A PDF is served as an attachment, under its sniffed type.
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	p := m.upload(m.a, vars{"file": nil, "visibility": "PUBLIC"},
		upFile{path: "variables.input.file", name: "guide.pdf", contentType: "application/pdf", body: pdf}).ok()
	s = m.get("", "/media/"+p.str("uploadMedia.id"))
	if s.status != 200 || s.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(s.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("PDF: %d %v", s.status, s.header)
	}
}

// TestMediaPhotoLosesItsLocation uploads a real phone photo carrying GPS
// tags: what is stored and served has no EXIF left.
func TestMediaPhotoLosesItsLocation(t *testing.T) {
	t.Parallel()
	m := newMediaEnv(t)
	photo, err := os.ReadFile("../graph/media/testdata/gps-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(photo, []byte("Exif")) {
		t.Fatal("the test photo carries no EXIF")
	}
	r := m.upload(m.a, vars{"file": nil, "attachTo": gid(graph.KindNote, "pub"), "alt": "Une rue"},
		upFile{path: "variables.input.file", name: "rue.jpg", contentType: "image/jpeg", body: photo}).ok()
	s := m.get("", r.str("uploadMedia.url"))
	if s.status != 200 || s.header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("GET: %d %v", s.status, s.header)
	}
	for _, leak := range []string{"Exif", "iPhone", "Apple"} {
		if bytes.Contains(s.body, []byte(leak)) {
			t.Errorf("the served photo still holds %q", leak)
		}
	}
	filepath.WalkDir(m.blobDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(path); bytes.Contains(b, []byte("Exif")) {
				t.Errorf("a stored blob holds EXIF: %s", path)
			}
		}
		return nil
	})
}

func TestMediaVisibility(t *testing.T) {
	t.Parallel()
	m := newMediaEnv(t)
	r := m.upload(m.a, vars{"file": nil, "attachTo": gid(graph.KindNote, "priv")}, audioFile(wav(500))).ok()
	id := r.str("uploadMedia.id")
	unknown := m.get("", "/media/absent-0000")
	if unknown.status != 404 {
		t.Fatalf("unknown media: %d", unknown.status)
	}
	for _, tok := range []string{"", m.x} {
		s := m.get(tok, "/media/"+id)
		if s.status != 404 || s.header.Get("Content-Type") != unknown.header.Get("Content-Type") ||
			errorShape(t, s.body, id) != errorShape(t, unknown.body, "absent-0000") {
			t.Errorf("hidden media as %q: %d %s, unknown: %s", tok, s.status, s.body, unknown.body)
		}
		if q := m.query(tok, `query($id: ID!) { media(id: $id) { id } }`, vars{"id": id}).ok(); q.get("media") != nil {
			t.Errorf("media(id) of a hidden note: %s", q.Raw)
		}
	}
	if s := m.get(m.a, "/media/"+id); s.status != 200 {
		t.Errorf("the author reads it: %d", s.status)
	}
	// The digest alone opens nothing: the path takes media ids only.
	if s := m.get("", "/media/"+r.str("uploadMedia.sha256")); s.status != 404 {
		t.Errorf("GET by digest: %d", s.status)
	}
	if s := m.get("", "/media/..%2f..%2fetc%2fpasswd"); s.status != 404 {
		t.Errorf("GET by path: %d", s.status)
	}
	// A standing-alone media is PRIVATE by default.
	alone := m.upload(m.x, vars{"file": nil}, audioFile(wav(600))).ok().str("uploadMedia.id")
	if s := m.get("", "/media/"+alone); s.status != 404 {
		t.Errorf("a private standing-alone media served to anonymous: %d", s.status)
	}
	if s := m.get(m.x, "/media/"+alone); s.status != 200 {
		t.Errorf("its uploader: %d", s.status)
	}
}

// TestMediaBadInput replays the attacks of issue #19: each is refused
// with its code and leaves no blob.
func TestMediaBadInput(t *testing.T) {
	t.Parallel()
	m := newMediaEnv(t)
	wantNothingKept := func(what string) {
		t.Helper()
		if n := m.blobs(); n != 0 {
			t.Errorf("%s left %d blob files", what, n)
		}
		if ms, err := m.store.MediaOf(m.sys(), []string{"pub", "priv"}); err != nil || len(ms) != 0 {
			t.Errorf("%s left media records: %v %v", what, ms, err)
		}
	}

	// A file that lies about its type.
	m.upload(m.a, vars{"file": nil}, upFile{path: "variables.input.file", name: "x.wav", contentType: "audio/wav", body: pngBytes(t)}).
		wantCode(graph.EINVALID)
	wantNothingKept("a PNG declared as WAV")
	m.upload(m.a, vars{"file": nil}, upFile{path: "variables.input.file", name: "x.svg", contentType: "image/svg+xml",
		body: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}).wantCode(graph.EINVALID)
	wantNothingKept("an SVG")

	// Captions with broken timestamps.
	r := m.upload(m.a, vars{"file": nil, "captions": nil, "attachTo": gid(graph.KindNote, "pub")},
		audioFile(wav(100)), captionsFile("WEBVTT\n\n00:61:00.000 --> 00:62:00.000\nnon\n")).wantCode(graph.EINVALID)
	if !strings.Contains(r.Errors[0].Message, "line 3") {
		t.Errorf("the captions error names no line: %s", r.Errors[0].Message)
	}
	wantNothingKept("broken captions")

	// Over the audio limit, under the request's.
	m.upload(m.a, vars{"file": nil}, audioFile(wav(testAudioLimit+1))).wantCode(graph.EINVALID)
	wantNothingKept("an audio file over its limit")

	// Anonymous and revoked: refused before the body is read.
	r = m.upload("", vars{"file": nil}, audioFile(wav(100)))
	if r.Status != http.StatusUnauthorized || r.code() != graph.EUNAUTHENTICATED {
		t.Errorf("anonymous upload: %d %s", r.Status, r.Raw)
	}
	revoked := m.token(graph.RoleContributor, "x")
	_, err := m.store.RevokeToken(m.sys(), graph.TokenID(graph.HashToken(revoked)))
	m.must(err, "revoke")
	if r = m.upload(revoked, vars{"file": nil}, audioFile(wav(100))); r.Status != http.StatusUnauthorized {
		t.Errorf("revoked token: %d %s", r.Status, r.Raw)
	}
	wantNothingKept("anonymous and revoked uploads")

	// Attaching to a note the viewer cannot read: NOT_FOUND with the
	// message of an unknown note.
	hidden := m.upload(m.x, vars{"file": nil, "attachTo": gid(graph.KindNote, "priv")}, audioFile(wav(100))).wantCode(graph.ENOTFOUND)
	unknown := m.upload(m.x, vars{"file": nil, "attachTo": gid(graph.KindNote, "nope")}, audioFile(wav(100))).wantCode(graph.ENOTFOUND)
	if strings.ReplaceAll(hidden.Errors[0].Message, gid(graph.KindNote, "priv"), "ID") !=
		strings.ReplaceAll(unknown.Errors[0].Message, gid(graph.KindNote, "nope"), "ID") {
		t.Errorf("hidden %q, unknown %q", hidden.Errors[0].Message, unknown.Errors[0].Message)
	}
	m.upload(m.x, vars{"file": nil, "attachTo": gid(graph.KindNote, "pub")}, audioFile(wav(100))).wantCode(graph.EFORBIDDEN)
	wantNothingKept("attaching to notes x may not edit")

	// A truncated upload: the body stops in the middle of the file.
	ct, body := multipartBody(t, uploadQuery, vars{"input": vars{"file": nil}}, audioFile(wav(20000)))
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, m.srv.URL+"/graphql", bytes.NewReader(body[:len(body)/2]))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+m.a)
	if r = m.send(req); r.Status != http.StatusBadRequest {
		t.Errorf("truncated upload: %d %s", r.Status, r.Raw)
	}
	wantNothingKept("a truncated upload")

	// 5 GB declared: refused at once, nearly nothing read.
	huge := &countingReader{left: 5 << 30}
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, m.srv.URL+"/graphql", huge)
	req.ContentLength = 5 << 30
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+m.a)
	if res, err := m.srv.Client().Do(req); err == nil {
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("5 GB declared: %d", res.StatusCode)
		}
		res.Body.Close()
	}
	// What the client wrote beyond the refusal sits in socket buffers.
	if n := huge.read.Load(); n > 8<<20 {
		t.Errorf("5 GB declared: the client sent %d bytes before the refusal", n)
	}
	// 5 GB sent without a length (chunked): cut at the limit.
	huge = &countingReader{left: 5 << 30, prefix: body[:len(body)/2]}
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, m.srv.URL+"/graphql", huge)
	req.ContentLength = -1
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+m.a)
	if res, err := m.srv.Client().Do(req); err == nil {
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("5 GB chunked: %d", res.StatusCode)
		}
		res.Body.Close()
	}
	if n := huge.read.Load(); n > 16<<20 {
		t.Errorf("5 GB chunked: the client sent %d bytes before the server stopped", n)
	}
	wantNothingKept("5 GB uploads")
}

// countingReader yields prefix then left bytes of filler, counting what
// was read.
type countingReader struct {
	prefix []byte
	left   int64
	read   atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		c.read.Add(int64(n))
		return n, nil
	}
	if c.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > c.left {
		n = c.left
	}
	for i := range p[:n] {
		p[i] = 'a'
	}
	c.left -= n
	c.read.Add(n)
	return int(n), nil
}

// errorShape is an error body without its request id, with id as ID.
func errorShape(t *testing.T, body []byte, id string) string {
	var v struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(body, &v); err != nil || len(v.Errors) != 1 {
		t.Fatalf("error body %s", body)
	}
	return fmt.Sprint(v.Errors[0].Extensions["code"], " ", strings.ReplaceAll(v.Errors[0].Message, id, "ID"))
}

// TestMediaSearch: a word spoken in a recording finds its note, with the
// time it is said; a hidden note's recording finds nothing.
func TestMediaSearch(t *testing.T) {
	t.Parallel()
	m := newMediaEnv(t)
	m.upload(m.a, vars{"file": nil, "captions": nil, "attachTo": gid(graph.KindNote, "pub"), "title": "Témoignage d'Odile"},
		audioFile(wav(300)), captionsFile(testVTT)).ok()
	m.upload(m.a, vars{"file": nil, "captions": nil, "attachTo": gid(graph.KindNote, "priv")},
		audioFile(wav(400)), captionsFile("WEBVTT\n\n01:02:03.000 --> 01:02:05.000\nle potager partagé\n")).ok()
	const q = `query($q: String!) { search(query: $q) { totalCount edges { node { id }
	  highlights { field } mediaMatches { media { id title } at cue { start text } } } } }`
	r := m.query("", q, vars{"q": "quartier"}).ok()
	if r.num("search.totalCount") != 1 || r.str("search.edges.0.node.id") != gid(graph.KindNote, "pub") {
		t.Fatalf("search for a spoken word: %s", r.Raw)
	}
	if at := r.str("search.edges.0.mediaMatches.0.at"); at != "12:34" {
		t.Errorf("at %q, want 12:34; %s", at, r.Raw)
	}
	// The hidden note's recording: found by its author, by nobody else.
	if r = m.query("", q, vars{"q": "potager"}).ok(); r.num("search.totalCount") != 0 {
		t.Errorf("anonymous found a hidden note's recording: %s", r.Raw)
	}
	if r = m.query(m.x, q, vars{"q": "potagers"}).ok(); r.num("search.totalCount") != 0 {
		t.Errorf("x found a hidden note's recording: %s", r.Raw)
	}
	r = m.query(m.a, q, vars{"q": "potagers"}).ok()
	if r.num("search.totalCount") != 1 || r.str("search.edges.0.mediaMatches.0.at") != "1:02:03" {
		t.Errorf("the author's search: %s", r.Raw)
	}

	// The format facet counts what the viewer may read: the private
	// note's audio is not counted for anonymous readers.
	m.doc(graph.Document{ID: "plain", Title: "Cuisine sans média"}, "a")
	m.upload(m.a, vars{"file": nil, "attachTo": gid(graph.KindNote, "priv"), "title": "Cuisine du potager"}, audioFile(wav(450))).ok()
	const fq = `{ search(query: "cuisine") { facets { field buckets { value label count } } } }`
	formats := func(token string) map[string]int {
		out := map[string]int{}
		for _, f := range m.query(token, fq, nil).ok().list("search.facets") {
			f := f.(map[string]any)
			if f["field"] == "format" {
				for _, b := range f["buckets"].([]any) {
					b := b.(map[string]any)
					out[b["value"].(string)] = int(b["count"].(float64))
				}
			}
		}
		return out
	}
	if got := formats(""); got["TEXT"] != 2 || got["AUDIO"] != 1 || len(got) != 2 {
		t.Errorf("anonymous format facet %v, want TEXT 2, AUDIO 1", got)
	}
	if got := formats(m.a); got["TEXT"] != 3 || got["AUDIO"] != 2 {
		t.Errorf("the author's format facet %v, want TEXT 3, AUDIO 2", got)
	}
}

// TestMediaMatchesUnderConcurrentSearches: mediaMatches of many hits, in
// several searches at once, all answer. Their word folding once shared
// one accent-stripping transformer, which keeps state between calls:
// concurrent edges panicked ("slice bounds out of range") and searches
// failed with INTERNAL.
func TestMediaMatchesUnderConcurrentSearches(t *testing.T) {
	t.Parallel()
	m := newMediaEnv(t)
	const hits = 12
	for i := range hits {
		id := fmt.Sprintf("recit%02d", i)
		m.doc(graph.Document{ID: id, Title: fmt.Sprintf("Récit %d", i)}, "a")
		m.upload(m.a, vars{"file": nil, "captions": nil, "attachTo": gid(graph.KindNote, id)}, audioFile(wav(500+i)),
			captionsFile("WEBVTT\n\n00:01.000 --> 00:03.000\nLes récits de la veillée au village\n")).ok()
	}
	const q = `query($q: String!) { search(query: $q, first: 20) { totalCount edges { mediaMatches { at } } } }`
	const clients, rounds = 4, 5
	got := make([]*response, clients*rounds)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				got[c*rounds+i] = m.query("", q, vars{"q": "veillée"})
			}
		}()
	}
	wg.Wait()
	for _, r := range got {
		r = r.ok()
		if r.num("search.totalCount") != hits {
			t.Fatalf("a search found %v of %d recordings: %s", r.num("search.totalCount"), hits, r.Raw)
		}
		for i := range hits {
			if at := r.str(fmt.Sprintf("search.edges.%d.mediaMatches.0.at", i)); at != "0:01" {
				t.Fatalf("hit %d: at %q, want 0:01: %s", i, at, r.Raw)
			}
		}
	}
}
