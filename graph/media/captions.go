package media

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/encommun/maillage/graph"
)

// Cue is one timed piece of a transcript or caption file.
type Cue struct {
	Start, End time.Duration
	// Speaker is the voice a WebVTT <v> tag names, empty otherwise.
	Speaker string
	// Text is plain text: tags and entities are gone, lines are joined.
	Text string
}

// Limits of a caption file, so a hostile one costs bounded memory.
const (
	MaxCaptionBytes = 4 << 20
	MaxCues         = 50000
	maxCueText      = 4000
	maxCaptionSpan  = 100 * time.Hour
)

// ParseCaptions reads a WebVTT or SRT file (told apart by the WEBVTT
// header) into cues in the file's order. Errors are BAD_USER_INPUT naming
// the line, so the uploader can fix the file; nothing is half kept.
func ParseCaptions(b []byte) ([]Cue, error) {
	if len(b) > MaxCaptionBytes {
		return nil, graph.Errorf(graph.EINVALID, "the caption file is larger than %d bytes", MaxCaptionBytes)
	}
	if !utf8.Valid(b) {
		return nil, graph.Errorf(graph.EINVALID, "the caption file is not UTF-8 text")
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	p := &captionParser{sc: bufio.NewScanner(bytes.NewReader(b))}
	p.sc.Buffer(nil, MaxCaptionBytes+1)
	first, ok := p.next()
	if !ok {
		return nil, graph.Errorf(graph.EINVALID, "the caption file is empty")
	}
	if first == "WEBVTT" || strings.HasPrefix(first, "WEBVTT ") || strings.HasPrefix(first, "WEBVTT\t") {
		return p.webvtt()
	}
	p.unread(first)
	return p.srt()
}

type captionParser struct {
	sc      *bufio.Scanner
	line    int
	pending *string
}

func (p *captionParser) next() (string, bool) {
	if p.pending != nil {
		s := *p.pending
		p.pending = nil
		return s, true
	}
	if !p.sc.Scan() {
		return "", false
	}
	p.line++
	return strings.TrimRight(p.sc.Text(), "\r"), true
}

func (p *captionParser) unread(s string) { p.pending = &s }

func (p *captionParser) errorf(format string, args ...any) error {
	return p.errorAt(p.line, format, args...)
}

func (p *captionParser) errorAt(line int, format string, args ...any) error {
	return graph.Errorf(graph.EINVALID, "caption file, line %d: %s", line, fmt.Sprintf(format, args...))
}

// block returns the next run of non-blank lines and the number of its
// first line.
func (p *captionParser) block() (lines []string, first int, ok bool) {
	for {
		s, ok := p.next()
		if !ok {
			return lines, first, len(lines) > 0
		}
		if strings.TrimSpace(s) == "" {
			if len(lines) > 0 {
				return lines, first, true
			}
			continue
		}
		if len(lines) == 0 {
			first = p.line
		}
		lines = append(lines, s)
	}
}

func (p *captionParser) webvtt() ([]Cue, error) {
	// The header block may go on with metadata lines until a blank line.
	for {
		s, ok := p.next()
		if !ok || strings.TrimSpace(s) == "" {
			break
		}
	}
	var cues []Cue
	for {
		lines, at, ok := p.block()
		if !ok {
			return cues, nil
		}
		head := lines[0]
		if head == "NOTE" || strings.HasPrefix(head, "NOTE ") || head == "STYLE" || head == "REGION" {
			continue
		}
		if !strings.Contains(head, "-->") {
			lines = lines[1:] // a cue identifier
			at++
			if len(lines) == 0 {
				return nil, p.errorAt(at-1, "a cue identifier without a timing line")
			}
		}
		c, err := p.cue(lines, at, '.')
		if err != nil {
			return nil, err
		}
		if cues, err = p.add(cues, c); err != nil {
			return nil, err
		}
	}
}

func (p *captionParser) srt() ([]Cue, error) {
	var cues []Cue
	for {
		lines, at, ok := p.block()
		if !ok {
			if len(cues) == 0 {
				return nil, p.errorf("no cue: a WebVTT file starts with WEBVTT, an SRT cue with its number and a timing line")
			}
			return cues, nil
		}
		if _, err := strconv.Atoi(strings.TrimSpace(lines[0])); err == nil && len(lines) > 1 {
			lines = lines[1:]
			at++
		}
		c, err := p.cue(lines, at, ',')
		if err != nil {
			return nil, err
		}
		if cues, err = p.add(cues, c); err != nil {
			return nil, err
		}
	}
}

func (p *captionParser) add(cues []Cue, c Cue) ([]Cue, error) {
	if len(cues) == MaxCues {
		return nil, p.errorf("more than %d cues", MaxCues)
	}
	return append(cues, c), nil
}

// cue reads a timing line and the text lines under it. sep is the
// fraction separator of the format (WebVTT ".", SRT ","); either is
// accepted, as files in the wild mix them.
func (p *captionParser) cue(lines []string, at int, sep byte) (Cue, error) {
	from, to, ok := strings.Cut(lines[0], "-->")
	if !ok {
		return Cue{}, p.errorAt(at, "expected a timing line like 00:01:02%c500 --> 00:01:05%c000, not %q", sep, sep, clip(lines[0], 60))
	}
	start, err := parseTimestamp(strings.TrimSpace(from))
	if err != nil {
		return Cue{}, p.errorAt(at, "%v", err)
	}
	// WebVTT cue settings follow the end time.
	endField := strings.Fields(to)
	if len(endField) == 0 {
		return Cue{}, p.errorAt(at, "a timing line without its end time")
	}
	end, err := parseTimestamp(endField[0])
	if err != nil {
		return Cue{}, p.errorAt(at, "%v", err)
	}
	if end < start {
		return Cue{}, p.errorAt(at, "the cue ends (%s) before it starts (%s)", endField[0], strings.TrimSpace(from))
	}
	speaker, text := cueText(lines[1:])
	if len(text) > maxCueText {
		return Cue{}, p.errorAt(at, "a cue of more than %d bytes of text", maxCueText)
	}
	return Cue{Start: start, End: end, Speaker: speaker, Text: text}, nil
}

var timestampRE = regexp.MustCompile(`^(?:(\d{1,3}):)?(\d{2}):(\d{2})[.,](\d{3})$`)

func parseTimestamp(s string) (time.Duration, error) {
	m := timestampRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("broken timestamp %q (want hh:mm:ss.mmm or mm:ss.mmm)", clip(s, 30))
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	se, _ := strconv.Atoi(m[3])
	ms, _ := strconv.Atoi(m[4])
	if mi > 59 || se > 59 {
		return 0, fmt.Errorf("broken timestamp %q (minutes and seconds run from 00 to 59)", s)
	}
	d := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(se)*time.Second + time.Duration(ms)*time.Millisecond
	if d > maxCaptionSpan {
		return 0, fmt.Errorf("timestamp %q is past %v", s, maxCaptionSpan)
	}
	return d, nil
}

var (
	voiceRE = regexp.MustCompile(`<v(?:\.[^ \t>]*)?[ \t]+([^>]*)>`)
	tagRE   = regexp.MustCompile(`</?[^>]*>`)
	entity  = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&nbsp;", "\u00a0", "&lrm;", "", "&rlm;", "")
)

// cueText turns a cue's lines into plain text and the first voice named.
func cueText(lines []string) (speaker, text string) {
	joined := strings.Join(lines, " ")
	if m := voiceRE.FindStringSubmatch(joined); m != nil {
		speaker = strings.TrimSpace(entity.Replace(m[1]))
	}
	text = entity.Replace(tagRE.ReplaceAllString(joined, ""))
	return speaker, strings.Join(strings.Fields(text), " ")
}

// Timestamp writes d as a reader sees it beside a search hit: "12:34",
// or "1:02:03" past an hour.
func Timestamp(d time.Duration) string {
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
