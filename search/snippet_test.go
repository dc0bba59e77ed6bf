package search

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestPlainFragment(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		// Cut mid-word on both sides by the highlighter: the halves go.
		{"…entre <mark>d&#39;éducation</mark> populaire du Littoral** offre des ateliers dans le Bas-Saint-L…",
			"…<mark>d&#39;éducation</mark> populaire du Littoral offre des ateliers dans le…"},
		{"…tc.\n\n## À quoi ça sert\n\n- **Pour les lectrices** : chercher <mark>l&#39;éducation</mark> populaire",
			"…À quoi ça sert Pour les lectrices : chercher <mark>l&#39;éducation</mark> populaire"},
		{"Voir [[Autre note]] et [[note-x|la charte]] ou [le site](https://example.org) sur la <mark>gouvernance</mark>",
			"Voir Autre note et la charte ou le site sur la <mark>gouvernance</mark>"},
		{"…tre note]] puis *la* <mark>gouvernance</mark> et `code` [[Suite de…",
			"…note puis la <mark>gouvernance</mark> et code Suite…"},
		{"…des personnes <mark>immigrantes</mark>.\n-…", "…personnes <mark>immigrantes</mark>.…"},
		{"…carnet sur la <mark>gouvernance</mark>\n\n##…", "…sur la <mark>gouvernance</mark>…"},
		{"c&#39;est l&#39;*enclosure* du <mark>commun</mark>", "c&#39;est l&#39;enclosure du <mark>commun</mark>"},
		// A match in the first or last word keeps it.
		{"…<mark>Gouvernance</mark>** : informelle, portée par deux ou trois personnes très engag…",
			"…<mark>Gouvernance</mark> : informelle, portée par deux ou trois personnes très…"},
		// A first word may be whole: it goes all the same, the ellipsis says so.
		{"…la <mark>gouvernance</mark>…", "…<mark>gouvernance</mark>…"},
		{"| Région | <mark>Ateliers</mark> |\n|---|---|\n| Gaspésie | 2 |", "Région · <mark>Ateliers</mark> Gaspésie · 2"},
		{"> une citation sur le <mark>commun</mark>\n1. premier", "une citation sur le <mark>commun</mark> premier"},
		// Escaping survives, and so do intra-word underscores.
		{"a &lt;script&gt; <mark>x</mark> snake_case &amp; 2 * 3", "a &lt;script&gt; <mark>x</mark> snake_case &amp; 2 * 3"},
		// The sentinel runes in a text do not become marks.
		{"a \uE000b\uE001 <mark>c</mark>", "a b <mark>c</mark>"},
	}
	for _, c := range cases {
		if got := plainFragment(c.in); got != c.want {
			t.Errorf("plainFragment(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestPlainTextSkipsOnlyRulesThatCannotMatch compares plainText with every
// rule applied unconditionally, on random Markdown-ish text.
func TestPlainTextSkipsOnlyRulesThatCannotMatch(t *testing.T) {
	t.Parallel()
	all := func(s string) string {
		for _, r := range markdownRules {
			s = r.re.ReplaceAllString(s, r.with)
		}
		return s
	}
	alphabet := []string{"a", "é", " ", "  ", "\t", "\n", "\r", "#", "## ", "> ", "- ", "* ", "+ ", "1. ", "12) ", "3.", "7)", "#", "|", " | ", "---", ":", "[", "]", "[[", "]]", "(", ")", "!", "*", "**", "_", "__", "~~", "`", "«", "’", ".", ",", "x", "mot"}
	rng := rand.New(rand.NewPCG(7, 7))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(30) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		if got, want := plainText(s), all(s); got != want {
			t.Fatalf("plainText(%q) = %q, want %q", s, got, want)
		}
	}
}
