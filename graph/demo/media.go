package demo

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/media"
)

// The demo's media (issue #19): a recorded testimony with its French
// transcript and a drawing with its description, beside the note about
// leaving the paradigm of text. Both are generated here rather than
// shipped: the recording is a soft tone standing for a voice (the
// transcript is what search finds), the drawing a few strokes.

// MediaNote is the demo note the media are attached to.
const MediaNote = "note-sortir-du-paradigme-du-texte"

// TestimonyCaptions is the recorded testimony's transcript (WebVTT).
const TestimonyCaptions = `WEBVTT

00:00.000 --> 00:04.000
<v Sam Ouellet>Chez nous, les savoirs passent d'abord par la parole.

00:04.000 --> 00:08.000
<v Sam Ouellet>Ma grand-mère racontait les semis du printemps pendant la veillée.

00:08.000 --> 00:12.000
<v Sam Ouellet>Une voix ou un dessin rejoint des gens qu'un long texte laisse de côté.
`

// LoadMedia attaches the testimony and the drawing to MediaNote, once: it
// does nothing when the note is absent (the demo was not loaded) or
// already has media.
func LoadMedia(ctx context.Context, s graph.Store, blobs blob.Store) error {
	ctx = graph.SystemContext(ctx)
	if _, err := s.Document(ctx, MediaNote); graph.ErrorCode(err) == graph.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if ms, err := s.MediaOf(ctx, []string{MediaNote}); err != nil || len(ms[MediaNote]) > 0 {
		return err
	}
	cues, err := media.ParseCaptions([]byte(TestimonyCaptions))
	if err != nil {
		return err
	}
	testimony := graph.Media{DocumentID: MediaNote, MIME: "audio/wav", Format: graph.MediaAudio, Language: "fr",
		Title:       "Témoignage : la parole avant le texte",
		Description: "Sam Ouellet raconte comment les savoirs de sa région se transmettent de vive voix."}
	for _, c := range cues {
		testimony.Cues = append(testimony.Cues, graph.MediaCue{Start: c.Start, End: c.End, Speaker: c.Speaker, Text: c.Text})
	}
	drawing := graph.Media{DocumentID: MediaNote, MIME: "image/png", Format: graph.MediaImage, Language: "fr",
		Title:       "Dessin : trois maisons reliées",
		Alt:         "Trois maisons dessinées au trait, reliées par des fils de couleur",
		Description: "Un dessin fait en atelier : chaque maison est un groupe du quartier, chaque fil un savoir partagé."}
	drawingPNG, err := drawHouses()
	if err != nil {
		return err
	}
	for _, x := range []struct {
		m    graph.Media
		body []byte
	}{{testimony, toneWAV(12)}, {drawing, drawingPNG}} {
		ref, err := blobs.Put(ctx, bytes.NewReader(x.body), int64(len(x.body)))
		if err != nil {
			return err
		}
		x.m.SHA256, x.m.Size = ref.SHA256, ref.Size
		if _, err := s.CreateMedia(ctx, x.m); err != nil {
			return err
		}
	}
	return nil
}

// wavFormat is a WAV file's fmt chunk after its name: plain PCM.
type wavFormat struct {
	Size               uint32
	Encoding, Channels uint16
	Rate, ByteRate     uint32
	Align, Bits        uint16
}

// toneWAV is secs seconds of a soft 220 Hz tone, 8 kHz, 8 bits, mono.
func toneWAV(secs int) []byte {
	const rate = 8000
	n := rate * secs
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+n))
	b.WriteString("WAVEfmt ")
	// One struct, not a []any: binary.Write refuses a slice of interfaces
	// (with an error easy to drop), which once left the fmt chunk out and
	// the recording unplayable.
	binary.Write(&b, binary.LittleEndian, wavFormat{Size: 16, Encoding: 1, Channels: 1, Rate: rate, ByteRate: rate, Align: 1, Bits: 8})
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(n))
	for i := range n {
		b.WriteByte(byte(128 + 24*math.Sin(2*math.Pi*220*float64(i)/rate)))
	}
	return b.Bytes()
}

// drawHouses draws three houses joined by threads.
func drawHouses() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 240, 120))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	ink := color.RGBA{40, 40, 60, 255}
	line := func(x0, y0, x1, y1 int, c color.RGBA) {
		steps := max(abs(x1-x0), abs(y1-y0), 1)
		for i := 0; i <= steps; i++ {
			img.Set(x0+(x1-x0)*i/steps, y0+(y1-y0)*i/steps, c)
		}
	}
	for _, x := range []int{20, 100, 180} {
		line(x, 90, x+40, 90, ink)
		line(x, 60, x+40, 60, ink)
		line(x, 60, x, 90, ink)
		line(x+40, 60, x+40, 90, ink)
		line(x, 60, x+20, 40, ink)
		line(x+20, 40, x+40, 60, ink)
	}
	line(60, 75, 100, 75, color.RGBA{200, 60, 60, 255})
	line(140, 75, 180, 75, color.RGBA{60, 140, 60, 255})
	line(40, 40, 200, 40, color.RGBA{60, 90, 200, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
