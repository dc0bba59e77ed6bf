package resolve

import (
	"context"
	"strings"
	"unicode"

	"github.com/99designs/gqlgen/graphql"

	"github.com/encommun/maillage/api/model"
	"github.com/encommun/maillage/graph"
	"github.com/encommun/maillage/graph/media"
)

// mediaMatches tells, for one search hit, which of its media hold the
// search's words and from which cue to play. The index found the document
// by its media text (search/media.go); the media are read here with the
// viewer, so what is shown is what the viewer may read. The words are
// matched folded (case, accents) and by their first letters, a stand-in
// for the index's French stemming that is close enough to point at the
// right cue.
func (r *Resolver) mediaMatches(ctx context.Context, edge *model.SearchEdge) ([]*model.MediaMatch, error) {
	out := []*model.MediaMatch{}
	if edge == nil || edge.Node == nil {
		return out, nil
	}
	words := matchWords(searchQueryOf(ctx))
	if len(words) == 0 {
		return out, nil
	}
	id := edge.Node.Doc().ID
	ms, err := r.loaders(ctx).media.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		var hit *model.MediaMatch
		for i := range m.Cues {
			if holdsWord(m.Cues[i].Text, words) {
				at := media.Timestamp(m.Cues[i].Start)
				hit = &model.MediaMatch{Media: m, Cue: &m.Cues[i], At: &at}
				break
			}
		}
		if hit == nil && holdsWord(m.Title+" "+m.Alt+" "+m.Description+" "+m.Text, words) {
			hit = &model.MediaMatch{Media: m}
		}
		if hit != nil {
			out = append(out, hit)
		}
	}
	return out, nil
}

// searchQueryOf finds the query argument of the search field a hit's
// resolver runs under.
func searchQueryOf(ctx context.Context) string {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Field.Field != nil && fc.Field.Name == "search" && fc.Object == "Query" {
			q, _ := fc.Args["query"].(string)
			return q
		}
	}
	return ""
}

func splitWords(s string) []string {
	return strings.FieldsFunc(graph.FoldKey(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// matchWords are the query's words of three letters or more, cut to the
// stem they share with their inflections (cuisine, cuisines, cuisiner).
func matchWords(q string) []string {
	var out []string
	for _, w := range splitWords(q) {
		rs := []rune(w)
		if len(rs) < 3 {
			continue
		}
		if len(rs) > 5 {
			rs = rs[:max(5, len(rs)-2)]
		}
		out = append(out, string(rs))
	}
	return out
}

func holdsWord(text string, stems []string) bool {
	for _, w := range splitWords(text) {
		for _, s := range stems {
			if strings.HasPrefix(w, s) {
				return true
			}
		}
	}
	return false
}

// formatLabels are the labels of the format facet's values.
var formatLabels = map[string]string{"text": "Texte", "audio": "Audio", "video": "Vidéo", "image": "Image", "pdf": "PDF"}
