package media

import (
	"strings"
	"testing"
	"time"

	"github.com/encommun/maillage/graph"
)

const sampleVTT = "\ufeffWEBVTT - témoignage\nKind: captions\n\nNOTE enregistré à l'atelier\n\n" +
	"intro\n00:00:01.000 --> 00:00:04.500 align:start\n<v Mireille>Bonjour à toutes et à tous.</v>\n\n" +
	"00:12:34.000 --> 00:12:40.250\nOn a monté la <i>cuisine collective</i>\nen deux mois &amp; sans budget.\n\n" +
	"01:02:03.004 --> 01:02:05.000\n<c.jaune>Merci.</c>\n"

func TestParseWebVTT(t *testing.T) {
	t.Parallel()
	cues, err := ParseCaptions([]byte(sampleVTT))
	if err != nil {
		t.Fatal(err)
	}
	want := []Cue{
		{Start: time.Second, End: 4500 * time.Millisecond, Speaker: "Mireille", Text: "Bonjour à toutes et à tous."},
		{Start: 12*time.Minute + 34*time.Second, End: 12*time.Minute + 40250*time.Millisecond, Text: "On a monté la cuisine collective en deux mois & sans budget."},
		{Start: time.Hour + 2*time.Minute + 3004*time.Millisecond, End: time.Hour + 2*time.Minute + 5*time.Second, Text: "Merci."},
	}
	if len(cues) != len(want) {
		t.Fatalf("%d cues: %+v", len(cues), cues)
	}
	for i := range want {
		if cues[i] != want[i] {
			t.Errorf("cue %d: %+v, want %+v", i, cues[i], want[i])
		}
	}
	if got := Timestamp(cues[1].Start); got != "12:34" {
		t.Errorf("Timestamp: %q", got)
	}
	if got := Timestamp(cues[2].Start); got != "1:02:03" {
		t.Errorf("Timestamp: %q", got)
	}
}

func TestParseSRT(t *testing.T) {
	t.Parallel()
	srt := "1\r\n00:00:02,000 --> 00:00:05,000\r\nPremière ligne\r\ndeuxième ligne\r\n\r\n2\r\n00:01:00,500 --> 00:01:03,000\r\n<b>Fin</b>\r\n"
	cues, err := ParseCaptions([]byte(srt))
	if err != nil {
		t.Fatal(err)
	}
	if len(cues) != 2 || cues[0].Text != "Première ligne deuxième ligne" || cues[1].Start != time.Minute+500*time.Millisecond || cues[1].Text != "Fin" {
		t.Fatalf("%+v", cues)
	}
}

func TestBrokenCaptionFilesSayWhere(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ file, want string }{
		"minutes past 59":   {"WEBVTT\n\n00:61:00.000 --> 00:62:00.000\nx\n", "line 3: broken timestamp \"00:61:00.000\""},
		"no milliseconds":   {"WEBVTT\n\n00:01:00 --> 00:02:00\nx\n", "line 3: broken timestamp"},
		"ends before start": {"WEBVTT\n\n00:02:00.000 --> 00:01:00.000\nx\n", "ends (00:01:00.000) before it starts"},
		"no arrow":          {"1\n00:00:01,000 00:00:02,000\nx\n", "expected a timing line"},
		"no end":            {"WEBVTT\n\n00:00:01.000 -->\nx\n", "without its end time"},
		"identifier alone":  {"WEBVTT\n\nintro\n", "a cue identifier without a timing line"},
		"empty":             {"", "empty"},
		"not text":          {"WEBVTT\n\n\xff\xfe", "not UTF-8"},
		"plain prose":       {"Ceci n'est pas un fichier de sous-titres.", "expected a timing line"},
	} {
		_, err := ParseCaptions([]byte(c.file))
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(graph.ErrorMessage(err), c.want) {
			t.Errorf("%s: %v, want BAD_USER_INPUT with %q", name, err, c.want)
		}
	}
	if _, err := ParseCaptions([]byte(strings.Repeat("x", MaxCaptionBytes+1))); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("oversized: %v", err)
	}
	many := "WEBVTT\n\n" + strings.Repeat("00:00:01.000 --> 00:00:02.000\nx\n\n", MaxCues+1)
	if _, err := ParseCaptions([]byte(many)); graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), "more than") {
		t.Errorf("too many cues: %v", err)
	}
}

func FuzzParseCaptions(f *testing.F) {
	f.Add([]byte(sampleVTT))
	f.Add([]byte("1\n00:00:02,000 --> 00:00:05,000\nligne\n"))
	f.Add([]byte("WEBVTT\n\n00:61:00.000 --> 00:62:00.000\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cues, err := ParseCaptions(b)
		if err != nil {
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Fatalf("%v, want BAD_USER_INPUT", err)
			}
			return
		}
		for _, c := range cues {
			if c.End < c.Start || c.Start < 0 || c.End > maxCaptionSpan || len(c.Text) > maxCueText {
				t.Fatalf("impossible cue %+v", c)
			}
			if strings.ContainsAny(c.Text, "\n\r") {
				t.Fatalf("text keeps a line break: %q", c.Text)
			}
		}
	})
}
