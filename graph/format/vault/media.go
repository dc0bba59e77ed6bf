package vault

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/blob"
	"github.com/encommun/maillage/graph/media"
)

// Embedded attachments become the media of the document that embeds
// them: ![[témoignage.mp3]] or ![un dessin](images/dessin.png). Each file
// goes through what an upload goes through (graph/media: its type read
// from its content and checked against its extension, the limits of its
// format, a photo's location and camera metadata stripped), and a
// WebVTT or SRT file beside a recording, with the same base name, becomes
// its transcript. Every embed is checked before anything is written: a
// path leading out of the vault, a missing file, a file that lies about
// its type or is too large fails the whole import with BAD_USER_INPUT
// naming the note, its line and the file. Importing again attaches only
// files the document does not have yet (by content).

// Embed is an attachment a note embeds.
type Embed struct {
	Line int
	// Target is the file as written: a name or a path from the vault's
	// root for ![[…]], a path relative to the note for ![…](…).
	Target string
	// Alt is the text that stands for it (![alt](…), ![[file|alt]]).
	Alt  string
	Wiki bool
}

// embedAlt is an Obsidian embed's label as alt text; a size ("300",
// "300x200") is not one.
func embedAlt(label string) string {
	label = strings.TrimSpace(label)
	if strings.Trim(label, "0123456789x") == "" {
		return ""
	}
	return label
}

// plannedMedia is one file to attach, checked.
type plannedMedia struct {
	note string // the embedding note, for messages
	rel  string // the file, relative to the vault
	m    graph.Media
}

// mediaPlan is what planMedia checked and apply writes.
type mediaPlan struct {
	dir   string
	media []plannedMedia
}

// planMedia resolves and checks every embed of the files to import.
func (v *Vault) planMedia(o Options, res *Result) (*mediaPlan, error) {
	mp := &mediaPlan{dir: v.Dir}
	if o.Blobs == nil {
		return mp, nil
	}
	limits := media.Limits(o.MediaLimits)
	root, err := filepath.EvalSymlinks(v.Dir)
	if err != nil {
		return nil, err
	}
	attachments := map[string]bool{}
	byName := map[string][]string{}
	for _, a := range v.Attachments {
		attachments[a] = true
		byName[path.Base(a)] = append(byName[path.Base(a)], a)
	}
	for _, f := range v.Files {
		seen := map[string]bool{}
		for _, e := range f.Embeds {
			where := fmt.Sprintf("%s:%d", f.Path, e.Line)
			rel, err := resolveEmbed(f, e, attachments, byName)
			if err != nil {
				return nil, graph.Errorf(graph.EINVALID, "%s: %s", where, graph.ErrorMessage(err))
			}
			if seen[rel] {
				continue
			}
			seen[rel] = true
			m, err := checkAttachment(root, rel, limits, attachments)
			if err != nil {
				return nil, graph.Errorf(graph.EINVALID, "%s: the embedded file %q: %s", where, rel, graph.ErrorMessage(err))
			}
			m.DocumentID = f.ID
			m.Title = strings.TrimSuffix(path.Base(rel), path.Ext(rel))
			if m.Format == graph.MediaImage {
				m.Alt = e.Alt
			}
			m.Language = f.document(o).Language
			probe := m
			probe.SHA256, probe.Size = strings.Repeat("0", 64), 1
			if err := probe.Validate(); err != nil {
				return nil, graph.Errorf(graph.EINVALID, "%s: the embedded file %q: %s", where, rel, graph.ErrorMessage(err))
			}
			mp.media = append(mp.media, plannedMedia{note: f.Path, rel: rel, m: m})
			if o.DryRun {
				res.Media++
				res.Actions = append(res.Actions, fmt.Sprintf("attach %s (%s) to %s", rel, m.Format, f.Path))
			}
		}
	}
	return mp, nil
}

// resolveEmbed finds the file an embed names, relative to the vault.
func resolveEmbed(f *File, e Embed, attachments map[string]bool, byName map[string][]string) (string, error) {
	t := filepath.ToSlash(e.Target)
	if path.IsAbs(t) || filepath.IsAbs(e.Target) || filepath.VolumeName(e.Target) != "" {
		return "", graph.Errorf(graph.EINVALID, "the embedded file %q is outside the vault", e.Target)
	}
	var candidates []string
	if e.Wiki {
		// Obsidian: a path from the root, one from the note, or a name
		// found anywhere (the note's folder first).
		candidates = append(candidates, path.Clean(t), path.Join(path.Dir(f.Path), t))
	} else {
		candidates = append(candidates, path.Join(path.Dir(f.Path), t))
	}
	for _, c := range candidates {
		if c == ".." || strings.HasPrefix(c, "../") {
			return "", graph.Errorf(graph.EINVALID, "the embedded file %q is outside the vault", e.Target)
		}
	}
	for _, c := range candidates {
		if attachments[c] {
			return c, nil
		}
	}
	if e.Wiki && !strings.Contains(t, "/") {
		if found := byName[t]; len(found) > 0 {
			for _, a := range found {
				if path.Dir(a) == path.Dir(f.Path) {
					return a, nil
				}
			}
			return found[0], nil
		}
	}
	return "", graph.Errorf(graph.EINVALID, "the embedded file %q is not in the vault", e.Target)
}

// checkAttachment reads what an upload reads of a file: its type from its
// content, checked against its extension, and its size against its
// format's limit; and its captions, for a recording. The bytes are read
// again when written.
func checkAttachment(root, rel string, limits map[graph.MediaFormat]int64, attachments map[string]bool) (graph.Media, error) {
	var m graph.Media
	full, err := inside(root, rel)
	if err != nil {
		return m, err
	}
	fh, err := os.Open(full)
	if err != nil {
		return m, graph.Errorf(graph.EINVALID, "cannot read it: %v", unwrapPath(err))
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return m, err
	}
	head := make([]byte, media.SniffLen)
	n, err := io.ReadFull(fh, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return m, err
	}
	if n == 0 {
		return m, graph.Errorf(graph.EINVALID, "the file is empty")
	}
	typ, err := media.Check(head[:n], mime.TypeByExtension(strings.ToLower(path.Ext(rel))))
	if err != nil {
		return m, err
	}
	m.MIME, m.Format = typ.MIME, graph.MediaFormat(typ.Format)
	if limit := limits[m.Format]; info.Size() > limit {
		return m, blob.TooLarge(limit)
	}
	if m.Format == graph.MediaImage {
		// A photo the stripping would refuse fails now, before any write.
		b, err := io.ReadAll(io.MultiReader(bytes.NewReader(head[:n]), io.LimitReader(fh, limits[m.Format])))
		if err != nil {
			return m, err
		}
		if _, err := media.StripImage(m.MIME, b); err != nil {
			return m, err
		}
	}
	if m.Format == graph.MediaPDF {
		// Its text is searched with its note, as an upload's is; a zip
		// bomb is refused now, before any write.
		b, err := io.ReadAll(io.MultiReader(bytes.NewReader(head[:n]), io.LimitReader(fh, limits[m.Format])))
		if err != nil {
			return m, err
		}
		if m.Text, err = media.PDFText(b); err != nil {
			return m, err
		}
	}
	if m.Format != graph.MediaAudio && m.Format != graph.MediaVideo {
		return m, nil
	}
	base := strings.TrimSuffix(rel, path.Ext(rel))
	for _, ext := range []string{".vtt", ".srt", ".VTT", ".SRT"} {
		if !attachments[base+ext] {
			continue
		}
		b, err := readCaptions(root, base+ext)
		if err != nil {
			return m, err
		}
		cues, err := media.ParseCaptions(b)
		if err != nil {
			return m, graph.Errorf(graph.EINVALID, "its captions %s: %s", base+ext, graph.ErrorMessage(err))
		}
		for _, c := range cues {
			m.Cues = append(m.Cues, graph.MediaCue{Start: c.Start, End: c.End, Speaker: c.Speaker, Text: c.Text})
		}
		break
	}
	return m, nil
}

func readCaptions(root, rel string) ([]byte, error) {
	full, err := inside(root, rel)
	if err != nil {
		return nil, err
	}
	fh, err := os.Open(full)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, media.MaxCaptionBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > media.MaxCaptionBytes {
		return nil, graph.Errorf(graph.EINVALID, "its captions %s are larger than %d bytes", rel, media.MaxCaptionBytes)
	}
	return b, nil
}

// inside returns rel's path under root, refusing anything that is not a
// regular file within it once symbolic links are followed: a link in the
// vault must not lead the import to a file elsewhere.
func inside(root, rel string) (string, error) {
	full := filepath.Join(root, filepath.FromSlash(rel))
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", graph.Errorf(graph.EINVALID, "cannot read it: %v", unwrapPath(err))
	}
	if r, err := filepath.Rel(root, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", graph.Errorf(graph.EINVALID, "it leads outside the vault")
	}
	info, err := os.Lstat(full)
	if err != nil || !info.Mode().IsRegular() {
		return "", graph.Errorf(graph.EINVALID, "not a regular file (a symbolic link?)")
	}
	return real, nil
}

// apply writes the planned media: each file into the blob store (an image
// stripped of its metadata first), then its record, unless the document
// already has a media with that content.
func (mp *mediaPlan) apply(ctx context.Context, s Target, o Options, res *Result) error {
	if len(mp.media) == 0 {
		return nil
	}
	root, err := filepath.EvalSymlinks(mp.dir)
	if err != nil {
		return err
	}
	limits := media.Limits(o.MediaLimits)
	var docs []string
	for _, x := range mp.media {
		docs = append(docs, x.m.DocumentID)
	}
	have, err := s.MediaOf(ctx, slices.Compact(slices.Sorted(slices.Values(docs))))
	if err != nil {
		return err
	}
	for _, x := range mp.media {
		m := x.m
		ref, err := putAttachment(ctx, o.Blobs, root, x.rel, m.MIME, limits[m.Format])
		if err != nil {
			return fmt.Errorf("vault: %s: the embedded file %s: %w", x.note, x.rel, err)
		}
		m.SHA256, m.Size = ref.SHA256, ref.Size
		if slices.ContainsFunc(have[m.DocumentID], func(h *graph.Media) bool { return h.SHA256 == m.SHA256 }) {
			res.MediaUnchanged++
			continue
		}
		if _, err := s.CreateMedia(ctx, m); err != nil {
			return fmt.Errorf("vault: %s: the embedded file %s: %w", x.note, x.rel, err)
		}
		res.Media++
	}
	return nil
}

// putAttachment keeps a file's bytes as an upload keeps them.
func putAttachment(ctx context.Context, blobs blob.Store, root, rel, mimeType string, limit int64) (blob.Ref, error) {
	full, err := inside(root, rel)
	if err != nil {
		return blob.Ref{}, err
	}
	fh, err := os.Open(full)
	if err != nil {
		return blob.Ref{}, err
	}
	defer fh.Close()
	var body io.Reader = fh
	if strings.HasPrefix(mimeType, "image/") {
		b, err := io.ReadAll(io.LimitReader(fh, limit+1))
		if err != nil {
			return blob.Ref{}, err
		}
		if int64(len(b)) > limit {
			return blob.Ref{}, blob.TooLarge(limit)
		}
		if b, err = media.StripImage(mimeType, b); err != nil {
			return blob.Ref{}, err
		}
		body = bytes.NewReader(b)
	}
	return blobs.Put(ctx, body, limit)
}
