package generate

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// The text is plausible French administrative prose about the
// committee's topics, made from word lists and sentence templates. It
// never contains a rare word (see RareWords): those are only planted.

// subject is a grammatical subject and whether it is plural, so that the
// verb agrees.
type subject struct {
	text   string
	plural bool
}

var subjects = []subject{
	{"l'inspection du travail", false},
	{"les services de police", true},
	{"la gendarmerie nationale", false},
	{"l'office central pour la répression de la traite des êtres humains", false},
	{"les parquets", true},
	{"les associations spécialisées", true},
	{"la MIPROF", false},
	{"les préfectures", true},
	{"l'OFII", false},
	{"l'OFPRA", false},
	{"les conseils départementaux", true},
	{"l'aide sociale à l'enfance", false},
	{"les agences régionales de santé", true},
	{"le ministère de la Justice", false},
	{"le ministère de l'Intérieur", false},
	{"la direction générale du travail", false},
	{"la direction générale de la cohésion sociale", false},
	{"les organisations syndicales", true},
	{"le comité de coordination", false},
	{"les référents départementaux", true},
	{"France Travail", false},
	{"l'Éducation nationale", false},
	{"les services des douanes", true},
	{"la Défenseure des droits", false},
	{"la CNCDH", false},
	{"les centres d'hébergement", true},
	{"les collectivités territoriales", true},
	{"les magistrats référents", true},
	{"le groupe de travail", false},
	{"le secrétariat du comité", false},
	{"les unités de contrôle", true},
	{"les juridictions interrégionales spécialisées", true},
	{"la plateforme de signalement", false},
	{"le réseau des commissariats", false},
	{"les avocats des parties civiles", true},
	{"les professionnels de santé", true},
	{"les travailleurs sociaux", true},
	{"les maraudes associatives", true},
	{"l'administration pénitentiaire", false},
	{"les consulats", true},
}

// verb is a present-tense verb phrase, singular and plural.
type verb struct{ one, many string }

var verbs = []verb{
	{"renforce", "renforcent"}, {"coordonne", "coordonnent"}, {"pilote", "pilotent"}, {"évalue", "évaluent"},
	{"soutient", "soutiennent"}, {"améliore", "améliorent"}, {"organise", "organisent"}, {"facilite", "facilitent"},
	{"développe", "développent"}, {"accompagne", "accompagnent"}, {"finance", "financent"}, {"suit", "suivent"},
	{"met en œuvre", "mettent en œuvre"}, {"consolide", "consolident"}, {"étend", "étendent"}, {"documente", "documentent"},
	{"prépare", "préparent"}, {"examine", "examinent"}, {"harmonise", "harmonisent"}, {"précise", "précisent"},
	{"signale", "signalent"}, {"appuie", "appuient"}, {"mobilise", "mobilisent"}, {"réoriente", "réorientent"},
	{"structure", "structurent"}, {"recense", "recensent"}, {"encadre", "encadrent"}, {"relaie", "relaient"},
}

var infinitives = []string{
	"renforcer", "généraliser", "évaluer", "simplifier", "étendre", "financer", "structurer", "clarifier",
	"pérenniser", "développer", "mieux coordonner", "améliorer", "systématiser", "mesurer", "rendre effective",
	"accélérer", "territorialiser", "sécuriser", "faire connaître", "formaliser", "outiller", "adapter",
}

// objects are what the committee talks about; the first ones come up
// most often.
var objects = []string{
	"la lutte contre la traite des êtres humains",
	"la protection des victimes",
	"le repérage des situations d'exploitation",
	"l'identification des victimes de traite",
	"le mécanisme national d'identification et d'orientation des victimes",
	"l'hébergement sécurisé des victimes",
	"la formation des professionnels",
	"les contrôles de l'inspection du travail",
	"l'accès aux droits des personnes exploitées",
	"la délivrance des titres de séjour aux victimes",
	"l'accompagnement social et professionnel",
	"la coopération avec les pays d'origine",
	"la sensibilisation du grand public",
	"la prise en charge des mineurs non accompagnés",
	"le travail forcé dans l'agriculture saisonnière",
	"la servitude domestique",
	"l'exploitation sexuelle des mineurs",
	"la contrainte à commettre des délits",
	"la mendicité forcée",
	"les mariages forcés",
	"la collecte de données statistiques",
	"le financement des associations spécialisées",
	"la saisie des avoirs criminels",
	"l'indemnisation des victimes",
	"le dispositif national d'accueil et de protection des victimes",
	"le parcours de sortie de la prostitution",
	"l'aide financière à l'insertion sociale et professionnelle",
	"les enquêtes patrimoniales",
	"l'audition des victimes",
	"la coordination interministérielle",
	"le réseau des référents traite",
	"la formation initiale et continue des magistrats",
	"l'exploitation par le travail dans le bâtiment",
	"l'exploitation dans la restauration",
	"les filières de traite liées à la prostitution en ligne",
	"le recrutement frauduleux par des agences d'intérim",
	"la protection des lanceurs d'alerte",
	"l'interprétariat professionnel",
	"la mise à l'abri d'urgence",
	"l'orientation vers les soins psychotraumatiques",
	"le retour volontaire et la réinsertion",
	"la vigilance des entreprises sur leurs chaînes d'approvisionnement",
	"la responsabilité pénale des personnes morales",
	"la détection aux frontières",
	"les violences sexuelles faites aux mineurs",
	"la scolarisation des enfants exploités",
	"le non-châtiment des victimes contraintes",
	"le guide pratique à l'usage des professionnels",
	"la campagne nationale d'information",
	"l'évaluation du plan national",
}

var complements = []string{
	"dans chaque département",
	"en Île-de-France",
	"dans les territoires ultramarins",
	"d'ici la fin du plan",
	"au cours du premier semestre",
	"au cours du second semestre",
	"en lien avec les associations",
	"avec l'appui de la MIPROF",
	"conformément aux recommandations du GRETA",
	"sans délai",
	"de manière systématique",
	"dans le cadre du plan national",
	"à titre expérimental",
	"en concertation avec les partenaires sociaux",
	"sur l'ensemble du territoire",
	"dès le premier contact avec la victime",
	"selon un calendrier partagé",
	"avec des moyens constants",
	"dans le respect du secret professionnel",
	"en s'appuyant sur les retours d'expérience",
}

var connectors = []string{
	"Par ailleurs", "En outre", "Dans ce cadre", "À cet égard", "En conséquence", "Toutefois",
	"Au regard de ces éléments", "Depuis le début du plan", "À ce stade", "En pratique", "De plus",
	"Sur ce point", "Dans l'intervalle", "Pour mémoire", "En revanche", "Concrètement",
}

var cities = []string{
	"Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier", "Bordeaux",
	"Lille", "Rennes", "Reims", "Toulon", "Grenoble", "Dijon", "Angers", "Nîmes", "Clermont-Ferrand",
	"Le Havre", "Brest", "Limoges", "Tours", "Amiens", "Perpignan", "Metz", "Besançon", "Orléans", "Rouen",
	"Mulhouse", "Caen", "Nancy", "Calais", "Cayenne", "Saint-Denis", "Fort-de-France", "Pointe-à-Pitre",
	"Mamoudzou", "Bobigny", "Créteil", "Nanterre", "Ajaccio", "Bastia", "Bayonne", "Pau", "Poitiers",
	"La Rochelle", "Valence", "Avignon", "Lorient", "Vannes", "Saint-Brieuc", "Cherbourg", "Évry",
	"Cergy", "Meaux", "Beauvais", "Arras", "Dunkerque", "Boulogne-sur-Mer", "Chambéry", "Annecy",
}

// victims are counted nouns and whether they are feminine, for the
// agreement of the past participle.
var victims = []struct {
	noun     string
	feminine bool
}{
	{"victimes", true}, {"personnes", true}, {"mineurs", false}, {"femmes", true},
	{"travailleurs saisonniers", false}, {"ressortissants étrangers", false}, {"jeunes majeurs", false},
}

var participles = []string{"identifié", "accompagné", "orienté", "hébergé", "auditionné", "signalé", "reçu"}

var sources = []string{
	"le rapport annuel de la MIPROF", "les données du ministère de l'Intérieur", "l'enquête annuelle du SSMSI",
	"le dernier rapport du GRETA", "les associations du collectif Ensemble contre la traite",
	"l'Observatoire national des violences faites aux femmes", "le bilan de l'inspection du travail",
	"les remontées des référents départementaux", "la Commission nationale consultative des droits de l'homme",
}

var structures = []string{
	"le dispositif Ac.Sé", "un centre d'hébergement spécialisé", "une association agréée",
	"les services de l'aide sociale à l'enfance", "un accueil de jour", "une permanence juridique",
	"un centre d'hébergement et de réinsertion sociale", "une unité médico-judiciaire",
}

var states = []string{
	"une priorité du comité", "un point de vigilance", "un chantier ouvert", "insuffisamment documenté",
	"à consolider", "en cours d'évaluation", "un enjeu partagé", "un axe structurant du plan",
}

var givenNames = []string{
	"Camille", "Claire", "Nadia", "Julien", "Thomas", "Sophie", "Karim", "Amélie", "Lucas", "Fatou",
	"Hélène", "Mathieu", "Inès", "Pierre", "Marion", "Yasmine", "Nicolas", "Élodie", "Antoine", "Léa",
	"Samuel", "Aïcha", "Bruno", "Chloé", "David", "Emma", "François", "Gaëlle", "Hugo", "Isabelle",
	"Jérôme", "Laure", "Mehdi", "Nathalie", "Olivier", "Pauline", "Rachid", "Sarah", "Vincent", "Zoé",
}

var familyNames = []string{
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
	"Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
	"Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
	"Benali", "Diallo", "Nguyen", "Kone", "Haddad", "Traoré", "Mendy", "Rousseau", "Blanc", "Guerin",
}

var sectionTitles = []string{
	"Contexte", "État des lieux", "Constats", "Analyse", "Propositions", "Recommandations", "Calendrier",
	"Moyens mobilisés", "Indicateurs de suivi", "Points de vigilance", "Perspectives", "Méthode",
}

var docSubjects = []string{
	"le repérage des victimes", "l'hébergement des victimes", "la formation des professionnels",
	"le travail forcé", "l'exploitation sexuelle", "la traite des mineurs", "le mécanisme national d'identification",
	"les contrôles de l'inspection du travail", "la coopération internationale", "l'accès aux droits",
	"la servitude domestique", "la mendicité forcée", "l'indemnisation des victimes", "la collecte de données",
	"la contrainte à commettre des délits", "les mariages forcés", "la prise en charge des mineurs",
}

// writer builds text from one random source.
type writer struct {
	r *rand.Rand
	b strings.Builder
}

func newWriter(r *rand.Rand) *writer { return &writer{r: r} }

// pick chooses uniformly.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// pickSkewed favours the head of the list: the first items come up far
// more often than the last, as in real texts.
func pickSkewed[T any](r *rand.Rand, list []T) T {
	u := r.Float64()
	return list[int(u*u*float64(len(list)))]
}

func capitalize(s string) string {
	for i, c := range s {
		if i == 0 {
			return strings.ToUpper(string(c)) + s[len(string(c)):]
		}
	}
	return s
}

// number writes n the French way: "12 345".
func number(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (w *writer) year() int { return 2014 + w.r.IntN(13) }

// sentence writes one sentence, from one of the templates below. Every
// template draws its words from w.r in the order it writes them, so that
// a seed always gives the same text; the plain statement comes up three
// times as often as the others.
func (w *writer) sentence() {
	switch w.r.IntN(12) {
	case 0, 1, 2:
		w.statement()
	case 3:
		w.victimCount()
	case 4:
		w.put(pick(w.r, connectors), ", ")
		w.clause(false)
		w.put(".")
	case 5:
		w.put("Le comité recommande de ", pick(w.r, infinitives), " ", pickSkewed(w.r, objects), " ",
			pick(w.r, complements), ".")
	case 6:
		w.put("La mesure ", strconv.Itoa(1+w.r.IntN(6)), ".", strconv.Itoa(1+w.r.IntN(5)),
			" du plan national prévoit de ", pick(w.r, infinitives), " ", pickSkewed(w.r, objects), ".")
	case 7:
		w.put("Selon ", pick(w.r, sources), ", ", number(5+w.r.IntN(900)), " personnes ont été orientées vers ",
			pick(w.r, structures), " à ", pick(w.r, cities), ".")
	case 8:
		w.put("Les échanges ont porté sur ", pickSkewed(w.r, objects), " et sur ", pickSkewed(w.r, objects), ".")
	case 9:
		w.put(capitalize(pickSkewed(w.r, objects)), " demeure ", pick(w.r, states), ", notamment à ",
			pick(w.r, cities), ".")
	case 10:
		w.put(personName(w.r), " rappelle que ")
		w.clause(false)
		w.put(" depuis ", strconv.Itoa(w.year()), ".")
	default:
		w.put("Le dossier n° ", strconv.Itoa(w.year()), "-", strconv.Itoa(1000+w.r.IntN(9000)), " concerne ",
			pickSkewed(w.r, objects), " dans le ressort de la cour d'appel de ", pick(w.r, cities), ".")
	}
}

// put writes parts in turn. Go evaluates the arguments of a call left to
// right, so draws made in them keep the order they are written in.
func (w *writer) put(parts ...string) {
	for _, p := range parts {
		w.b.WriteString(p)
	}
}

// clause writes "subject verb object", the verb agreeing with the subject.
func (w *writer) clause(capital bool) {
	s, v := pick(w.r, subjects), pick(w.r, verbs)
	text, form := s.text, v.one
	if capital {
		text = capitalize(text)
	}
	if s.plural {
		form = v.many
	}
	w.put(text, " ", form, " ", pickSkewed(w.r, objects))
}

// statement is a clause, with a complement one time in two.
func (w *writer) statement() {
	w.clause(true)
	if w.r.IntN(2) == 0 {
		w.put(" ", pick(w.r, complements))
	}
	w.put(".")
}

// victimCount is a dated count of identified victims, the participle
// agreeing with the noun.
func (w *writer) victimCount() {
	vi := pick(w.r, victims)
	p := pick(w.r, participles)
	if vi.feminine {
		p += "es"
	} else {
		p += "s"
	}
	w.put("En ", strconv.Itoa(w.year()), ", ", number(10+w.r.IntN(3000)), " ", vi.noun, " ont été ", p, " à ",
		pick(w.r, cities), ", selon ", pick(w.r, sources), ".")
}

// paragraph writes n sentences.
func (w *writer) paragraph(n int) {
	for i := range n {
		if i > 0 {
			w.b.WriteByte(' ')
		}
		w.sentence()
	}
}

// words is about how many words the text holds so far.
func (w *writer) words() int { return w.b.Len() / 7 }

func (w *writer) String() string { return w.b.String() }

// documentText is the extracted text of a document of about n words:
// numbered sections of paragraphs, as pdftotext gives them.
func documentText(r *rand.Rand, title string, n int) string {
	w := newWriter(r)
	w.b.Grow(n * 8)
	w.b.WriteString(title)
	w.b.WriteString("\n\nComité de coordination de la lutte contre l'exploitation et la traite des êtres humains\n\n")
	section := 1
	for w.words() < n {
		if w.r.IntN(4) == 0 || section == 1 {
			w.b.WriteString(strconv.Itoa(section))
			w.b.WriteString(". ")
			w.b.WriteString(pick(w.r, sectionTitles))
			w.b.WriteString("\n\n")
			section++
		}
		w.paragraph(3 + w.r.IntN(6))
		w.b.WriteString("\n\n")
	}
	return w.String()
}

// shortText is a few sentences in one to three paragraphs separated by a
// blank line, at most max bytes: a comment, an update, a decision. It
// holds nothing markdown would turn into markup.
func shortText(r *rand.Rand, sentences, max int) string {
	w := newWriter(r)
	for i := range sentences {
		if i > 0 {
			if w.r.IntN(4) == 0 {
				w.b.WriteString("\n\n")
			} else {
				w.b.WriteByte(' ')
			}
		}
		n := w.b.Len()
		w.sentence()
		if w.b.Len() > max {
			if n == 0 {
				return truncateWords(w.String(), max)
			}
			return strings.TrimRight(w.String()[:n], " \n")
		}
	}
	return w.String()
}

// truncateWords cuts s at a space before max bytes.
func truncateWords(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return s + "."
}

// minutesText is markdown minutes of a meeting: a heading per agenda
// item, then paragraphs.
func minutesText(r *rand.Rand, items []string, wordsPerItem int) string {
	w := newWriter(r)
	w.b.WriteString("La séance est ouverte à 14 h sous la présidence de la secrétaire générale de la MIPROF.\n\n")
	for i, it := range items {
		w.b.WriteString("## ")
		w.b.WriteString(strconv.Itoa(i + 1))
		w.b.WriteString(". ")
		w.b.WriteString(it)
		w.b.WriteString("\n\n")
		start := w.words()
		for w.words()-start < wordsPerItem {
			w.paragraph(2 + w.r.IntN(5))
			w.b.WriteString("\n\n")
		}
	}
	w.b.WriteString("La séance est levée à 17 h.\n")
	return w.String()
}

// personName is a made-up name.
func personName(r *rand.Rand) string {
	return pick(r, givenNames) + " " + pick(r, familyNames)
}
