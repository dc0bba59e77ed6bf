package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// The demo's hand-written commons (demo.json) has thirteen contributors:
// too few for coverage, which says nothing of a scope of fewer than 2k
// (issue #15, #18). So Parse adds GeneratedContributors fictional people,
// drawn at load time from a fixed PCG seed: the same people, declarations
// and co-authorships on every load and every platform (math/rand/v2's PCG
// is a specified algorithm), in well under a millisecond, with nothing
// generated to keep in sync in the repository.
//
// Each generated person works mostly in one carnet, whose weights make
// the gaps the coverage page is there to show: few young people and no
// anglophones on governance, no one from the remote regions on some
// topics, Indigenous languages only among the situated-knowledge notes,
// elders only in the literacy workshops. Their names are plainly made up
// and every bio says "Personne fictive de la démo".

// GeneratedContributors is how many fictional contributors Parse adds to
// demo.json's thirteen.
const GeneratedContributors = 137

// FictionalBio starts the bio of every generated contributor.
const FictionalBio = "Personne fictive de la démo."

// The generator's seed: change it and the demo changes.
const genSeed1, genSeed2 = 0x6d61696c6c616765, 18

// weighted is a value with its weight; weight 0 keeps it out.
type weighted struct {
	value  string
	weight int
}

func pick(r *rand.Rand, ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.weight
	}
	n := r.IntN(total)
	for _, w := range ws {
		if n -= w.weight; n < 0 {
			return w.value
		}
	}
	panic("unreachable")
}

// profile is what a carnet's contributors look like: per dimension, the
// chance of declaring it at all and the weights of its values.
type profile struct {
	carnet      string
	people      int
	communities []weighted // "" for none
	dims        []dimProfile
}

type dimProfile struct {
	dimension string
	declare   float64 // chance of declaring a value of it
	sensitive bool    // declared PUBLIC less often
	values    []weighted
}

var (
	genderW = []weighted{{"woman", 50}, {"man", 38}, {"non-binary", 6}, {"trans", 3}, {"prefer-to-describe", 2}}
	// Regions of Quebec as contributors to a Montreal-born platform
	// spread: the remote ones thinly, and not on every topic.
	regionW = []weighted{{"montreal", 30}, {"quebec-city", 12}, {"bas-saint-laurent", 6}, {"saguenay-lac-saint-jean", 6},
		{"outaouais", 6}, {"abitibi-temiscamingue", 4}, {"estrie", 7}, {"mauricie", 6}, {"gaspesie-iles-de-la-madeleine", 3},
		{"cote-nord", 2}, {"nord-du-quebec", 1}, {"other-regions-quebec", 8}, {"outside-quebec", 5}}
	generationW = []weighted{{"18-24", 10}, {"25-34", 25}, {"35-49", 35}, {"50-64", 22}}
	educationW  = []weighted{{"secondary-or-less", 8}, {"college", 25}, {"university-undergrad", 30}, {"graduate", 30}, {"self-taught", 7}}
	racialW     = []weighted{{"racialised", 25}, {"not-racialised", 70}, {"prefer-to-describe", 5}}
	migrationW  = []weighted{{"born-in-canada", 60}, {"immigrant", 18}, {"refugee", 4}, {"international-student", 8}, {"child-of-immigrants", 8}, {"temporary-worker", 2}}
	languageW   = []weighted{{"french", 76}, {"english", 8}, {"other", 16}}
	literacyW   = []weighted{{"low", 8}, {"medium", 45}, {"high", 47}}
	disabilityW = []weighted{{"living-with-disability", 15}, {"not-living-with-disability", 85}}
)

// with returns ws with the given weights replaced (0 removes a value).
func with(ws []weighted, changes ...weighted) []weighted {
	out := slices.Clone(ws)
	for _, c := range changes {
		i := slices.IndexFunc(out, func(w weighted) bool { return w.value == c.value })
		if i < 0 {
			out = append(out, c)
		} else {
			out[i].weight = c.weight
		}
	}
	return slices.DeleteFunc(out, func(w weighted) bool { return w.weight == 0 })
}

func commonDims(gender, region, generation, language, sector, literacy []weighted, indigeneity []weighted, indigeneityP float64) []dimProfile {
	return []dimProfile{
		{dimension: "gender", declare: 0.85, values: gender},
		{dimension: "region", declare: 0.85, values: region},
		{dimension: "generation", declare: 0.75, values: generation},
		{dimension: "language", declare: 0.8, values: language},
		{dimension: "sector", declare: 0.7, values: sector},
		{dimension: "education", declare: 0.5, values: educationW},
		{dimension: "digital-literacy", declare: 0.5, values: literacy},
		{dimension: "migration", declare: 0.35, sensitive: true, values: migrationW},
		{dimension: "racialisation", declare: 0.3, sensitive: true, values: racialW},
		{dimension: "indigeneity", declare: indigeneityP, sensitive: true, values: indigeneity},
		{dimension: "disability", declare: 0.25, sensitive: true, values: disabilityW},
	}
}

var profiles = []profile{
	{
		// The platform's sustainability workshops: staff, volunteers and
		// board, at ease with digital tools, from everywhere but the far
		// north.
		carnet: "carnet-soutenabilite-plateforme", people: 40,
		communities: []weighted{{"commu-soutien-plateforme", 5}, {"commu-cohorte-edition", 2}, {"", 3}},
		dims: commonDims(genderW, with(regionW, weighted{"nord-du-quebec", 0}), generationW, languageW,
			[]weighted{{"community-action", 25}, {"social-economy", 15}, {"digital-tech", 20}, {"philanthropy", 8}, {"education-research", 10}, {"libraries", 7}, {"culture", 5}},
			with(literacyW, weighted{"low", 0}), []weighted{{"not-indigenous", 1}}, 0.15),
	},
	{
		// Governance and funding: board members and funders, older, and
		// all French-speaking; no one from the remote regions.
		carnet: "carnet-gouvernance-financement", people: 30,
		communities: []weighted{{"commu-soutien-plateforme", 4}, {"", 6}},
		dims: commonDims(with(genderW, weighted{"non-binary", 1}, weighted{"trans", 0}),
			with(regionW, weighted{"montreal", 40}, weighted{"cote-nord", 0}, weighted{"nord-du-quebec", 0}, weighted{"gaspesie-iles-de-la-madeleine", 0}, weighted{"abitibi-temiscamingue", 0}),
			with(generationW, weighted{"18-24", 0}, weighted{"25-34", 6}, weighted{"50-64", 35}),
			with(languageW, weighted{"english", 0}, weighted{"other", 4}),
			[]weighted{{"community-action", 20}, {"social-economy", 25}, {"philanthropy", 15}, {"public-service", 10}, {"unions", 8}, {"health", 5}},
			literacyW, []weighted{{"not-indigenous", 1}}, 0.1),
	},
	{
		// Situated knowledge: researchers and activists, more of them
		// racialised or immigrants, the only ones to speak an Indigenous
		// language; fewer men, and no one from the Lower St. Lawrence,
		// the North Shore or the far north.
		carnet: "carnet-savoirs-situes", people: 32,
		communities: []weighted{{"commu-cohorte-edition", 3}, {"", 7}},
		dims: commonDims(with(genderW, weighted{"man", 18}, weighted{"non-binary", 10}, weighted{"two-spirit", 2}),
			with(regionW, weighted{"bas-saint-laurent", 0}, weighted{"cote-nord", 0}, weighted{"nord-du-quebec", 0}),
			generationW, with(languageW, weighted{"other", 24}, weighted{"indigenous-language", 5}),
			[]weighted{{"education-research", 30}, {"social-movements", 25}, {"culture", 15}, {"community-action", 15}, {"health", 5}},
			literacyW, []weighted{{"first-nations", 4}, {"metis", 1}, {"not-indigenous", 10}}, 0.45),
	},
	{
		// Digital literacy and the regions: librarians, popular educators
		// and workshop participants outside the big centres, the only
		// elders of the demo; few graduates, more low literacy, and
		// almost no one outside Quebec.
		carnet: "carnet-litteratie-regions", people: 35,
		communities: []weighted{{"commu-voix-regionales", 6}, {"commu-cohorte-edition", 2}, {"", 2}},
		dims: commonDims(genderW,
			with(regionW, weighted{"montreal", 6}, weighted{"quebec-city", 4}, weighted{"bas-saint-laurent", 10}, weighted{"abitibi-temiscamingue", 9},
				weighted{"gaspesie-iles-de-la-madeleine", 8}, weighted{"cote-nord", 6}, weighted{"nord-du-quebec", 4}, weighted{"outside-quebec", 0}),
			with(generationW, weighted{"65-plus", 14}, weighted{"18-24", 6}),
			with(languageW, weighted{"english", 4}),
			[]weighted{{"libraries", 25}, {"popular-education", 25}, {"community-action", 20}, {"public-service", 10}, {"unions", 8}, {"health", 6}},
			[]weighted{{"low", 30}, {"medium", 45}, {"high", 25}}, []weighted{{"not-indigenous", 1}}, 0.1),
	},
}

// Fictional names: common French first names, and surnames made of
// plants, stones and weather, so that no one mistakes them for people.
var (
	firstNames = []string{"Adèle", "Agathe", "Albane", "Aurore", "Bastien", "Bérénice", "Blaise", "Capucine", "Céleste", "Clément",
		"Colombe", "Corentin", "Damien", "Delphine", "Éloi", "Ernestine", "Fanny", "Félix", "Flavie", "Gaspard",
		"Gervaise", "Hélène", "Hippolyte", "Honorine", "Isidore", "Jeanne", "Joachim", "Justine", "Léandre", "Lison",
		"Lucien", "Madeleine", "Marius", "Mathurin", "Noé", "Odile", "Olivier", "Pauline", "Perrine", "Philémon",
		"Quentin", "Rosine", "Salomé", "Séraphin", "Solange", "Tancrède", "Théodora", "Ulysse", "Valentine", "Zoé"}
	surnames = []string{"Aubépine", "Boisgrésil", "Bourrasque", "Bruyère-d'Anis", "Chardonnet-Pluie", "Coquelourde", "Embrun",
		"Feuillecreuse", "Galet-Doré", "Givrelune", "Grandmélèze", "Lichenaie", "Mousseron", "Petitbouleau", "Pierrelisse",
		"Quartzeline", "Roseaubleu", "Sarrasinière", "Sureauville", "Tilleulmont", "Trèfle-Haut", "Ventdenoroît", "Verglasson"}
)

// bioLines say what a contributor of each carnet does, after FictionalBio.
var bioLines = map[string][]string{
	"carnet-soutenabilite-plateforme": {"Bénévole aux ateliers sur la soutenabilité de la plateforme.", "Membre du comité qui suit la feuille de route de la plateforme.",
		"Participe aux ateliers et relit les synthèses.", "Aide à l'hébergement et à l'entretien de la plateforme."},
	"carnet-gouvernance-financement": {"Siège au cercle d'orientation.", "Suit les demandes de financement et les budgets.",
		"S'intéresse aux instances de décision des communs.", "Représente un bailleur de fonds partenaire."},
	"carnet-savoirs-situes": {"Chercheuse ou chercheur associé aux travaux sur les points de vue.", "Milite pour des communs plus accueillants.",
		"Documente les savoirs de sa communauté.", "Lit et commente les notes sur les savoirs situés."},
	"carnet-litteratie-regions": {"Anime des ateliers de littératie numérique en région.", "A publié sa première note lors d'un atelier en bibliothèque.",
		"Relais régional du réseau des voix des régions.", "Participe aux ateliers d'éducation populaire."},
}

// extraNotes are short notes written by generated contributors, so that
// each carnet has a few documents signed by many hands.
var extraNotes = []struct {
	id, title, summary, body, carnet, category string
	links, terms                               []string
	created                                    string
}{
	{"note-tour-de-table-benevoles", "Tour de table des bénévoles de la plateforme",
		"Ce que les bénévoles disent de leur engagement envers la plateforme.",
		"Lors d'une soirée d'échange, une vingtaine de bénévoles ont raconté pourquoi ils et elles consacrent du temps à la plateforme. Certains y ont trouvé un lieu pour écrire ce qu'ils savent faire, d'autres un réseau. Tous souhaitent que les tâches ingrates, comme la relecture et la réparation des liens, soient mieux reconnues. Cette note consigne leurs propositions : un calendrier partagé, des binômes pour accueillir les nouvelles personnes et un remerciement public à chaque bilan.",
		"carnet-soutenabilite-plateforme", "Atelier 2 – Approfondir", []string{"note-pilier-coproduction", "note-pilier-communaute"}, []string{"term-plateforme-collaborative", "term-curation"}, "2025-03-11T18:30:00Z"},
	{"note-sondage-usages-plateforme", "Sondage sur les usages de la plateforme",
		"Résultats d'un sondage maison auprès des personnes qui consultent la plateforme.",
		"Le sondage a circulé pendant un mois dans les infolettres des organismes membres. On y apprend que la plateforme sert surtout à retrouver des fiches pratiques avant une réunion, et beaucoup moins à publier. Les répondantes et répondants demandent une recherche plus tolérante aux fautes, des notes plus courtes et une version imprimable. Le groupe de travail propose d'en tenir compte dans la feuille de route et de refaire le sondage dans un an.",
		"carnet-soutenabilite-plateforme", "Atelier 3 – Se projeter", []string{"note-atelier-3-scenarios-2030"}, []string{"term-plateforme-collaborative", "term-soutenabilite"}, "2025-05-20T14:00:00Z"},
	{"note-rotation-des-mandats", "Faire tourner les mandats au cercle d'orientation",
		"Une proposition pour que les sièges du cercle changent de mains plus souvent.",
		"Plusieurs membres du cercle d'orientation y siègent depuis sa création. Pour éviter que la gouvernance ne repose toujours sur les mêmes personnes, le groupe propose des mandats de deux ans, renouvelables une fois, et un siège réservé à une personne qui contribue depuis moins d'un an. La proposition sera discutée à la prochaine assemblée ; les objections déjà reçues portent surtout sur la perte de mémoire que cela pourrait entraîner.",
		"carnet-gouvernance-financement", "Instances et participation", []string{"note-cercle-orientation"}, []string{"term-gouvernance-partagee", "term-gouvernance"}, "2025-09-02T13:00:00Z"},
	{"note-budget-participatif-essai", "Un premier essai de budget participatif",
		"Comment une petite enveloppe a été répartie par les membres eux-mêmes.",
		"Une enveloppe modeste, réservée aux projets proposés par les membres, a été répartie cette année par un vote en deux tours. Neuf projets ont été déposés, quatre ont été financés : des traductions, un atelier en région et deux améliorations de l'outil d'édition. Le financement reste fragile, mais l'exercice a donné envie à des membres discrets de prendre la parole. Le bilan recommande de mieux expliquer les règles avant le vote.",
		"carnet-gouvernance-financement", "Modèles de financement", []string{"note-financement-mixte", "note-cotisations-solidaires"}, []string{"term-financement", "term-gouvernance-partagee"}, "2025-11-18T15:00:00Z"},
	{"note-cercle-de-lecture-savoirs", "Cercle de lecture : nos savoirs, nos angles morts",
		"Compte rendu d'un cercle de lecture sur les savoirs qui manquent à la plateforme.",
		"Le cercle de lecture s'est réuni quatre fois autour de textes sur les savoirs situés. À chaque rencontre, les personnes présentes ont cherché dans la plateforme les savoirs qui n'y figurent pas encore : pratiques de soin, savoirs transmis oralement, expériences de personnes arrivées récemment. Le groupe conclut que les absences ne se corrigent pas par une simple invitation ; il faut des formats d'écriture variés et du temps pour tisser la confiance.",
		"carnet-savoirs-situes", "Lectures", []string{"note-lecture-savoirs-situes", "note-qui-est-absent"}, []string{"term-savoir-situe", "term-point-de-vue"}, "2025-04-08T17:00:00Z"},
	{"note-savoirs-oraux-enregistrer", "Enregistrer des savoirs oraux avec consentement",
		"Précautions pour recueillir des récits et des savoirs transmis de vive voix.",
		"Des contributrices proposent d'ajouter à la plateforme des enregistrements de récits. Avant d'appuyer sur le bouton, elles rappellent quelques précautions : expliquer où l'enregistrement sera diffusé, laisser la personne réécouter et retirer un passage, nommer les savoirs collectifs comme tels plutôt que d'en attribuer la propriété à une seule voix. La note liste aussi le matériel simple qui suffit pour commencer.",
		"carnet-savoirs-situes", "Décoloniser les communs", []string{"note-sortir-du-paradigme-du-texte", "note-relations-reciprocite"}, []string{"term-savoir-experientiel", "term-reciprocite"}, "2026-01-27T16:00:00Z"},
	{"note-ateliers-itinerants-bilan", "Ateliers itinérants : bilan d'une tournée",
		"Ce que la tournée des bibliothèques a appris sur la littératie numérique en région.",
		"La tournée a visité onze bibliothèques et salles communautaires en six semaines. Dans chaque lieu, l'atelier commençait par une conversation sur les outils que les gens utilisent déjà, avant de montrer comment publier une note. Les participantes et participants les plus âgés ont été les plus assidus. Les obstacles relevés sont concrets : connexion lente, appareils partagés, peur de mal faire en public. Le bilan propose des ateliers plus courts et répétés.",
		"carnet-litteratie-regions", "Ateliers", []string{"note-atelier-litteratie-bibliotheque", "note-litteratie-premiere-barriere"}, []string{"term-litteratie-numerique", "term-education-populaire"}, "2025-06-16T12:00:00Z"},
	{"note-carte-des-relais-regionaux", "Une carte des relais régionaux",
		"Qui relaie la plateforme dans quelle région, et où il n'y a encore personne.",
		"Pour mieux répartir les ateliers, le réseau a dressé une carte des relais régionaux. Elle montre des relais actifs dans plusieurs régions, mais des zones entières sans personne, en particulier sur la Côte-Nord et dans le Nord-du-Québec. La carte sera mise à jour à chaque bilan ; elle sert aussi à repérer les organismes qui pourraient accueillir un premier atelier et à inviter des personnes de ces régions à écrire.",
		"carnet-litteratie-regions", "Portraits régionaux", []string{"note-bilan-relais-regionaux", "note-wiki-des-regions"}, []string{"term-communaute-de-pratique", "term-litteratie-numerique"}, "2026-02-10T14:00:00Z"},
}

// grow adds the generated contributors and their notes to d, which holds
// demo.json. Deterministic: d is the same after every call on the same
// demo.json.
func (d *Data) grow() {
	r := rand.New(rand.NewPCG(genSeed1, genSeed2))
	// Names: a shuffled list of every pair, taken in order, so none repeats.
	type name struct{ first, last string }
	var names []name
	for _, f := range firstNames {
		for _, l := range surnames {
			names = append(names, name{f, l})
		}
	}
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })

	notesOf := map[string][]int{} // carnet → indexes of its PUBLIC notes in d.Notes
	for i, n := range d.Notes {
		if n.Visibility != "PUBLIC" {
			continue
		}
		for _, c := range n.Carnets {
			notesOf[c.Carnet] = append(notesOf[c.Carnet], i)
		}
	}
	extraOf := map[string][]int{} // carnet → indexes of its extra notes in d.Notes
	for _, x := range extraNotes {
		created, err := time.Parse(time.RFC3339, x.created)
		if err != nil {
			panic(fmt.Sprintf("demo: extra note %s: %v", x.id, err))
		}
		published := created.Add(48 * time.Hour)
		extraOf[x.carnet] = append(extraOf[x.carnet], len(d.Notes))
		d.Notes = append(d.Notes, documentData{ID: x.id, Title: x.title, Summary: x.summary, Body: x.body,
			Language: "fr", Visibility: "PUBLIC", Carnets: []carnetRef{{Carnet: x.carnet, Category: x.category}},
			Links: x.links, Terms: x.terms, CreatedAt: created, PublishedAt: &published})
	}

	next := 0
	for _, p := range profiles {
		for range p.people {
			next++
			nm := names[next-1]
			c := contribData{
				ID:   fmt.Sprintf("contrib-fictif-%03d", next),
				Name: nm.first + " " + nm.last,
				Bio:  FictionalBio + " " + bioLines[p.carnet][r.IntN(len(bioLines[p.carnet]))],
				Role: "CONTRIBUTOR",
			}
			if m := pick(r, p.communities); m != "" {
				c.Memberships = []string{m}
			}
			c.Declarations = declarations(r, p.dims)
			d.Contributors = append(d.Contributors, c)
			// One of the carnet's new notes, and most often one or two of
			// its existing public notes.
			extra := &d.Notes[extraOf[p.carnet][r.IntN(len(extraOf[p.carnet]))]]
			extra.Authors = append(extra.Authors, c.ID)
			existing := notesOf[p.carnet]
			for range r.IntN(3) {
				n := &d.Notes[existing[r.IntN(len(existing))]]
				if !slices.Contains(n.Authors, c.ID) {
					n.Authors = append(n.Authors, c.ID)
				}
			}
		}
	}
	// An extra note that drew no author would be refused by the store:
	// with this seed each has many.
	for i := range d.Notes {
		if len(d.Notes[i].Authors) == 0 {
			panic(fmt.Sprintf("demo: generated note %s has no author: change the seed", d.Notes[i].ID))
		}
	}
}

// declarations draws one person's declarations: 3 to 8 dimensions, each
// PUBLIC, AGGREGATE or PRIVATE, PUBLIC less often on sensitive ones.
func declarations(r *rand.Rand, dims []dimProfile) []declarationData {
	for {
		var out []declarationData
		for _, dp := range dims {
			if r.Float64() >= dp.declare {
				continue
			}
			vis := "AGGREGATE"
			switch x := r.Float64(); {
			case dp.sensitive && x < 0.12, !dp.sensitive && x < 0.32:
				vis = "PUBLIC"
			case dp.sensitive && x >= 0.72, !dp.sensitive && x >= 0.86:
				vis = "PRIVATE"
			}
			out = append(out, declarationData{Dimension: dp.dimension, Value: pick(r, dp.values), Visibility: vis})
		}
		if len(out) >= 3 && len(out) <= 8 {
			return out
		}
	}
}
