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
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/api"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
)

// The figures of issue #19 (media): uploads over HTTP, and the search of
// a word said in a recording, against a real server on loopback with the
// 500-note corpus of the Serve benchmarks, a bbolt store, the Bleve index
// and a blob directory. An upload answers once its note is reindexed (a
// mutation answers when its write is searchable), so its time holds the
// multipart spool, the type check, the SHA-256, the blob write with its
// fsync, the record and the reindexing of the note.
//
//	go test ./api -run '^$' -bench 'Media' -benchtime 20x
//
// MB/s is the file's bytes over the whole request's time; ms/upload and
// ms/search are wall-clock, and so depend on the machine's load.

type mediaBench struct {
	url, token string
	notes      []string // public notes the token's contributor wrote
}

func newMediaBench(b *testing.B) *mediaBench {
	b.Helper()
	blobs, err := blob.OpenDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	srv, _, s := benchServerWith(b, func(c *api.Config) { c.Blobs = blobs })
	secret, hash := graph.NewTokenSecret()
	// c01 wrote n001, n021, n041…: all public (every tenth note is private).
	if err := s.CreateToken(graph.SystemContext(b.Context()), graph.Token{Hash: hash, Role: graph.RoleContributor, ContributorID: "c01", CreatedAt: time.Now()}); err != nil {
		b.Fatal(err)
	}
	m := &mediaBench{url: srv.URL, token: secret}
	for i := 1; i < 500; i += 20 {
		m.notes = append(m.notes, gid(graph.KindNote, fmt.Sprintf("n%03d", i)))
	}
	return m
}

func (m *mediaBench) upload(b *testing.B, note string, files ...upFile) {
	input := vars{"file": nil, "attachTo": note, "title": "Témoignage"}
	if len(files) > 1 {
		input["captions"] = nil
	}
	ct, body := multipartBody(b, `mutation($input: UploadMediaInput!) { uploadMedia(input: $input) { id size } }`, vars{"input": input}, files...)
	req, _ := http.NewRequestWithContext(b.Context(), http.MethodPost, m.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+m.token)
	res, err := benchHTTP.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		b.Fatalf("upload: %d %s", res.StatusCode, out)
	}
}

// benchWAV is a valid 8 kHz 8-bit mono WAV of n bytes of noise (which no
// layer compresses), its first bytes made unique by seed so that each
// upload is a new blob.
func benchWAV(n int, seed uint64) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+n))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(8000), uint32(8000), uint16(1), uint16(8)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(n))
	r := rand.New(rand.NewPCG(seed, 1))
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	b.Write(data)
	return b.Bytes()
}

// benchPNG is a PNG of about 200 KB: a noisy drawing, which PNG cannot
// squeeze much.
func benchPNG(b *testing.B, seed uint64) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 260, 260))
	r := rand.New(rand.NewPCG(seed, 2))
	for y := range 260 {
		for x := range 260 {
			v := r.Uint32()
			img.Set(x, y, color.NRGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkMediaUpload(b *testing.B) {
	for _, c := range []struct {
		name string
		file func(seed uint64) upFile
	}{
		{"audio-5MB", func(seed uint64) upFile {
			return upFile{"variables.input.file", "temoignage.wav", "audio/wav", benchWAV(5<<20, seed)}
		}},
		{"image-200KB", func(seed uint64) upFile {
			return upFile{"variables.input.file", "dessin.png", "image/png", benchPNG(b, seed)}
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := newMediaBench(b)
			// The files are made before the clock runs, one per upload.
			var files []upFile
			for i := 0; b.Loop(); i++ {
				if i == len(files) {
					b.StopTimer()
					files = append(files, c.file(uint64(i)))
					b.StartTimer()
				}
				f := files[i]
				b.SetBytes(int64(len(f.body)))
				m.upload(b, m.notes[i%len(m.notes)], f)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/upload")
			b.ReportMetric(float64(len(files[0].body))/1024, "KB/file")
		})
	}
}

// BenchmarkMediaSearchTranscriptWord: a word said in one cue of an hour's
// transcript (120 cues) of a recording attached to one of 500 notes, with
// the hit's mediaMatches (the cue and its time) as the explorer asks.
func BenchmarkMediaSearchTranscriptWord(b *testing.B) {
	m := newMediaBench(b)
	var vtt strings.Builder
	vtt.WriteString("WEBVTT\n\n")
	for i := range 120 {
		fmt.Fprintf(&vtt, "%02d:%02d:00.000 --> %02d:%02d:30.000\n", i/60, i%60, i/60, i%60)
		if i == 77 {
			vtt.WriteString("Ma grand-mère racontait les semis pendant la veillée.\n\n")
		} else {
			fmt.Fprintf(&vtt, "Le %s du quartier, passage %d.\n\n", benchWords[i%len(benchWords)], i)
		}
	}
	m.upload(b, m.notes[0], upFile{"variables.input.file", "temoignage.wav", "audio/wav", benchWAV(64<<10, 7)},
		upFile{"variables.input.captions", "temoignage.vtt", "text/vtt", []byte(vtt.String())})
	const q = `query($q: String!) { search(query: $q, first: 10) { totalCount
		edges { node { id title } highlights { field fragments } mediaMatches { at cue { start text } media { id title format } } } } }`
	body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"q": "veillée"}})
	check := func() {
		res, err := benchHTTP.Post(m.url+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !bytes.Contains(out, []byte(`"at":"1:17:00"`)) {
			b.Fatalf("the spoken word is not found at its time: %s", out)
		}
	}
	for b.Loop() {
		check()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/search")
}
