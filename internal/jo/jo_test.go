package jo

import (
	"os"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
)

const (
	tit = model.SeatTitulaire
	sup = model.SeatSuppleant
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(b)
}

func TestParseGolden(t *testing.T) {
	const title = "de la mission interministérielle pour la protection des femmes contre les violences et la lutte contre la traite des êtres humains"
	tests := []struct {
		file         string
		title        string
		date         time.Time
		nor, jorf    string
		textNumber   string
		eli          string
		lines        int
		understood   int
		families     []string       // every member's family name, in order
		members      map[int]Member // full checks of some members, by index
		unrecognised []Line
	}{
		{
			file:       "arrete-2024-comite.txt",
			title:      "Arrêté du 12 mars 2024 portant nomination des membres du comité de coordination " + title,
			date:       time.Date(2024, time.March, 12, 0, 0, 0, 0, time.UTC),
			nor:        "DFEA2406543A",
			jorf:       "JORF n°0062 du 14 mars 2024",
			textNumber: "33",
			eli:        "https://www.legifrance.gouv.fr/eli/arrete/2024/3/12/DFEA2406543A/jo/texte",
			lines:      46,
			understood: 45,
			families: []string{"MARCHAND", "VASSEUR", "BELKACEM", "LE GALL", "FERRAND", "COLLET", "GARNIER", "ROCHE",
				"BERTIN", "ROUSSEL", "BENALI", "de LA TOUR", "N'DIAYE", "LEFEBVRE", "FONTAINE", "d'ARGENSON"},
			members: map[int]Member{
				1: {Line: 17, Heading: "1° Au titre des représentants de l'Etat", Category: model.CategoryInstitution,
					Body: "Direction générale du travail", Civility: "Mme", GivenName: "Hélène", FamilyName: "VASSEUR", Role: sup},
				3: {Line: 20, Heading: "1° Au titre des représentants de l'Etat", Category: model.CategoryInstitution,
					Body: "Direction générale de la cohésion sociale", Civility: "M.", GivenName: "Olivier", FamilyName: "LE GALL", Role: sup},
				8: {Line: 30, Heading: "2° Au titre des autorités administratives indépendantes", Category: model.CategoryIndependentBody,
					Body: "Défenseur des droits", Civility: "Mme", GivenName: "Lucie", FamilyName: "BERTIN", Role: tit},
				11: {Line: 36, Heading: "3° Au titre des associations", Category: model.CategoryAssociation,
					Body: "Mouvement du Nid", Civility: "Mme", GivenName: "Anne-Sophie", FamilyName: "de LA TOUR", Role: tit},
				15: {Line: 42, Heading: "4° Au titre des personnalités qualifiées", Category: model.CategoryQualifiedPerson,
					Civility: "M.", GivenName: "François", FamilyName: "d'ARGENSON", Role: tit, Qualified: true},
			},
			unrecognised: []Line{{23, "- Mme , titulaire ;"}},
		},
		{
			file:       "arrete-2021-pairs.txt",
			title:      "Arrêté du 5 juillet 2021 portant nomination des membres du comité de coordination " + title,
			date:       time.Date(2021, time.July, 5, 0, 0, 0, 0, time.UTC),
			nor:        "DFEA2119872A",
			lines:      28,
			understood: 27,
			families: []string{"CARPENTIER", "DUMONT", "PERRIN", "KERMARREC", "BENSAÏD", "TESSIER", "ARNAUD", "FOUCHER",
				"GAUTHIER", "BARRE", "MOREL", "OZANNE", "LAMBERT", "DIALLO", "VIDAL", "ROUX", "CHEVALIER", "PETITJEAN",
				"DU PLESSIS", "ABADIE"},
			members: map[int]Member{
				0: {Line: 8, Heading: "I. – Représentants des administrations de l'Etat", Category: model.CategoryInstitution,
					Civility: "M.", GivenName: "Bruno", FamilyName: "CARPENTIER", Role: tit,
					Representing: "représentant le ministre chargé du travail"},
				1: {Line: 8, Heading: "I. – Représentants des administrations de l'Etat", Category: model.CategoryInstitution,
					Civility: "Mme", GivenName: "Laure", FamilyName: "DUMONT", Role: sup,
					Representing: "représentant le ministre chargé du travail"},
				4: {Line: 10, Heading: "I. – Représentants des administrations de l'Etat", Category: model.CategoryInstitution,
					Civility: "Mme", GivenName: "Sarah", FamilyName: "BENSAÏD", Role: tit,
					Representing: "représentant le garde des sceaux, ministre de la justice"},
				5: {Line: 10, Heading: "I. – Représentants des administrations de l'Etat", Category: model.CategoryInstitution,
					Civility: "M.", GivenName: "Guillaume", FamilyName: "TESSIER", Role: sup,
					Representing: "représentant le garde des sceaux, ministre de la justice"},
				6: {Line: 12, Heading: "II. – Représentants des autorités administratives indépendantes", Category: model.CategoryIndependentBody,
					Body: "Commission nationale consultative des droits de l'homme", Civility: "Mme", GivenName: "Chloé", FamilyName: "ARNAUD", Role: tit},
				13: {Line: 17, Heading: "III. – Représentants des associations", Category: model.CategoryAssociation,
					Body: "La Cimade", Civility: "Mme", GivenName: "Fatou", FamilyName: "DIALLO", Role: sup},
				17: {Line: 20, Heading: "IV. – Représentants des organisations syndicales de salariés", Category: model.CategoryUnion,
					Civility: "M.", GivenName: "Lucas", FamilyName: "PETITJEAN", Role: sup,
					Representing: "représentant la Confédération générale du travail"},
				19: {Line: 23, Heading: "V. – Personnalités qualifiées", Category: model.CategoryQualifiedPerson,
					Civility: "Mme", GivenName: "Rose-Marie", FamilyName: "ABADIE", Role: tit, Qualified: true},
			},
			unrecognised: []Line{{16, "???"}},
		},
		{
			file:       "arrete-messy-paste.txt",
			title:      "Arrêté du 1er mars 2019 portant nomination des membres du comité de coordination " + title,
			date:       time.Date(2019, time.March, 1, 0, 0, 0, 0, time.UTC),
			nor:        "DFEA1905417A",
			jorf:       "JORF n°0053 du 3 mars 2019",
			textNumber: "21",
			lines:      33,
			understood: 31, // the "Journal officiel électronique authentifié" banner and the garbled line
			families: []string{"DURAND-LEFÈVRE", "BOUVIER", "MOREAU", "HUMBERT", "N’GUESSAN", "de SAINT-ANDRÉ",
				"BRETON", "GIRAUD", "Le Roy", "VAN DER MEER"},
			members: map[int]Member{
				0: {Line: 13, Heading: "1° Représentants de l’État", Category: model.CategoryInstitution,
					Body: "Direction générale de la cohésion sociale", Civility: "Mme", GivenName: "Marie-Christine", FamilyName: "DURAND-LEFÈVRE", Role: tit},
				1: {Line: 15, Heading: "1° Représentants de l’État", Category: model.CategoryInstitution,
					Body: "Direction générale de la cohésion sociale", Civility: "M.", GivenName: "Jean-Pierre", FamilyName: "BOUVIER", Role: sup},
				2: {Line: 17, Heading: "1° Représentants de l’État", Category: model.CategoryInstitution,
					Body: "Direction générale des étrangers en France", Civility: "Mme", GivenName: "Laëtitia", FamilyName: "MOREAU", Role: tit},
				3: {Line: 18, Heading: "1° Représentants de l’État", Category: model.CategoryInstitution,
					Body: "Direction générale des étrangers en France", Civility: "M.", GivenName: "Franck", FamilyName: "HUMBERT", Role: sup},
				4: {Line: 22, Heading: "2° Au titre des associations", Category: model.CategoryAssociation,
					Body: "Comité contre l’esclavage moderne", Civility: "Mme", GivenName: "Aurélie", FamilyName: "N’GUESSAN", Role: tit},
				7: {Line: 26, Heading: "2° Au titre des associations", Category: model.CategoryAssociation,
					Body: "Mouvement du Nid", Civility: "M.", GivenName: "Mathieu", FamilyName: "GIRAUD", Role: sup},
				8: {Line: 28, Heading: "3° Au titre des personnalités qualifiées", Category: model.CategoryQualifiedPerson,
					Civility: "Mme", GivenName: "Sophie", FamilyName: "Le Roy", Role: tit, Qualified: true},
			},
			unrecognised: []Line{{24, "Mme\u00a0???, suppléante ;"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := Parse(readTestdata(t, tt.file))
			if r.Title != tt.title {
				t.Fatalf("Title: got %q, want %q", r.Title, tt.title)
			}
			if !r.Date.Equal(tt.date) {
				t.Fatalf("Date: got %v, want %v", r.Date, tt.date)
			}
			if r.NOR != tt.nor || r.JORF != tt.jorf || r.TextNumber != tt.textNumber || r.ELI != tt.eli {
				t.Fatalf("references: got %q %q %q %q, want %q %q %q %q",
					r.NOR, r.JORF, r.TextNumber, r.ELI, tt.nor, tt.jorf, tt.textNumber, tt.eli)
			}
			if r.Lines != tt.lines || r.Understood != tt.understood {
				t.Fatalf("Understood/Lines: got %d/%d, want %d/%d", r.Understood, r.Lines, tt.understood, tt.lines)
			}
			var families []string
			for _, m := range r.Members {
				families = append(families, m.FamilyName)
			}
			if strings.Join(families, "|") != strings.Join(tt.families, "|") {
				t.Fatalf("family names: got %v, want %v", families, tt.families)
			}
			for i, want := range tt.members {
				if got := r.Members[i]; got != want {
					t.Fatalf("member %d: got %+v, want %+v", i, got, want)
				}
			}
			if len(r.Unrecognised) != len(tt.unrecognised) {
				t.Fatalf("Unrecognised: got %v, want %v", r.Unrecognised, tt.unrecognised)
			}
			for i := range tt.unrecognised {
				if r.Unrecognised[i] != tt.unrecognised[i] {
					t.Fatalf("Unrecognised: got %v, want %v", r.Unrecognised, tt.unrecognised)
				}
			}
		})
	}
}

// The messy file is only a test if it keeps the bytes a browser paste gives.
func TestMessyPasteKeepsItsBytes(t *testing.T) {
	s := readTestdata(t, "arrete-messy-paste.txt")
	for _, want := range []string{"\r\n", "\u00a0", "\u202f", "\t"} {
		if !strings.Contains(s, want) {
			t.Fatalf("got a file without %q, want it kept (check git's line-ending settings)", want)
		}
	}
}

// members wraps entry lines in the smallest text that has a member part.
func members(lines ...string) Result {
	return Parse("Arrêté du 2 mai 2022 portant nomination\nArticle 1\nSont nommés membres du comité :\n" +
		strings.Join(lines, "\n") + "\nArticle 2\nFait le 2 mai 2022.\n")
}

func TestParseEntries(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []Member // Line, Heading, Category and Body are checked only when set here
	}{
		{"civilities", []string{"Madame Alice DURAND ;", "Monsieur Paul MARTIN ;", "Mme. Léa PETIT ;", "M Marc BLANC ;", "MME Zoé NOIR ;"},
			[]Member{{Civility: "Mme", GivenName: "Alice", FamilyName: "DURAND", Role: tit},
				{Civility: "M.", GivenName: "Paul", FamilyName: "MARTIN", Role: tit},
				{Civility: "Mme", GivenName: "Léa", FamilyName: "PETIT", Role: tit},
				{Civility: "M.", GivenName: "Marc", FamilyName: "BLANC", Role: tit},
				{Civility: "Mme", GivenName: "Zoé", FamilyName: "NOIR", Role: tit}}},
		{"particles and apostrophes", []string{"- Mme Marie de la FONTAINE ;", "– M. Yves O’BRIEN, suppléant ;", "— Mme Anne Le GALL ;", "• M. Luc d’ALBRET ;", "Mme Marie DURAND épouse MARTIN ;"},
			[]Member{{Civility: "Mme", GivenName: "Marie", FamilyName: "de la FONTAINE", Role: tit},
				{Civility: "M.", GivenName: "Yves", FamilyName: "O’BRIEN", Role: sup},
				{Civility: "Mme", GivenName: "Anne", FamilyName: "Le GALL", Role: tit},
				{Civility: "M.", GivenName: "Luc", FamilyName: "d’ALBRET", Role: tit},
				{Civility: "Mme", GivenName: "Marie", FamilyName: "DURAND épouse MARTIN", Role: tit}}},
		{"family name first", []string{"M. DUPONT (Jean), titulaire ;", "Mme MARTIN Claire, membre suppléante ;"},
			[]Member{{Civility: "M.", GivenName: "Jean", FamilyName: "DUPONT", Role: tit},
				{Civility: "Mme", GivenName: "Claire", FamilyName: "MARTIN", Role: sup}}},
		{"pair without commas", []string{"M. Jean DUPONT titulaire et Mme Claire MARTIN suppléante, représentant le ministre chargé de la santé ;"},
			[]Member{{Civility: "M.", GivenName: "Jean", FamilyName: "DUPONT", Role: tit, Representing: "représentant le ministre chargé de la santé"},
				{Civility: "Mme", GivenName: "Claire", FamilyName: "MARTIN", Role: sup, Representing: "représentant le ministre chargé de la santé"}}},
		{"role leads", []string{"titulaire : Mme Alice DURAND ; suppléant M. Paul MARTIN ;"},
			[]Member{{Civility: "Mme", GivenName: "Alice", FamilyName: "DURAND", Role: tit},
				{Civility: "M.", GivenName: "Paul", FamilyName: "MARTIN", Role: sup}}},
		{"role headings", []string{"a) ECPAT France :", "Titulaires :", "- Mme Alice DURAND ;", "Suppléants :", "- M. Paul MARTIN ;"},
			[]Member{{Body: "ECPAT France", Civility: "Mme", GivenName: "Alice", FamilyName: "DURAND", Role: tit},
				{Body: "ECPAT France", Civility: "M.", GivenName: "Paul", FamilyName: "MARTIN", Role: sup}}},
		{"heading says suppléant", []string{"2° Membres suppléants au titre des associations :", "- Mme Alice DURAND, La Cimade ;"},
			[]Member{{Heading: "2° Membres suppléants au titre des associations", Category: model.CategoryAssociation, Body: "La Cimade",
				Civility: "Mme", GivenName: "Alice", FamilyName: "DURAND", Role: sup}}},
		{"entries on the heading line", []string{"3° Personnalités qualifiées : Mme Alice DURAND ; M. Paul MARTIN."},
			[]Member{{Line: 4, Heading: "3° Personnalités qualifiées", Category: model.CategoryQualifiedPerson,
				Civility: "Mme", GivenName: "Alice", FamilyName: "DURAND", Role: tit, Qualified: true},
				{Line: 4, Heading: "3° Personnalités qualifiées", Category: model.CategoryQualifiedPerson,
					Civility: "M.", GivenName: "Paul", FamilyName: "MARTIN", Role: tit, Qualified: true}}},
		{"numbered people", []string{"1° M. Jean DUPONT, Mouvement du Nid ;"},
			[]Member{{Body: "Mouvement du Nid", Civility: "M.", GivenName: "Jean", FamilyName: "DUPONT", Role: tit}}},
		{"line break inside an entry", []string{"- M. Jean-Marc", "DE SOUSA, titulaire,", "représentant le ministre chargé du travail, de l'emploi et de l'insertion ;"},
			[]Member{{Line: 4, Civility: "M.", GivenName: "Jean-Marc", FamilyName: "DE SOUSA", Role: tit,
				Representing: "représentant le ministre chargé du travail, de l'emploi et de l'insertion"}}},
		{"representing heading", []string{"a) Représentant le ministre de l'intérieur :", "- Mme Alice DURAND, titulaire ;"},
			[]Member{{Civility: "Mme", GivenName: "Alice", FamilyName: "DURAND", Role: tit, Representing: "Représentant le ministre de l'intérieur"}}},
		{"unnumbered headings", []string{"Au titre des associations :", "Comité contre l'esclavage moderne :", "Mme Alice DURAND ;"},
			[]Member{{Heading: "Au titre des associations", Category: model.CategoryAssociation, Body: "Comité contre l'esclavage moderne",
				Civility: "Mme", GivenName: "Alice", FamilyName: "DURAND", Role: tit}}},
		{"body headings guess only their own category", []string{"1° Autres membres :", "a) Défenseur des droits :", "- Mme Alice DURAND ;", "b) ECPAT France :", "- M. Paul MARTIN ;"},
			[]Member{{Heading: "1° Autres membres", Category: model.CategoryIndependentBody, Body: "Défenseur des droits",
				Civility: "Mme", GivenName: "Alice", FamilyName: "DURAND", Role: tit},
				{Heading: "1° Autres membres", Body: "ECPAT France", Civility: "M.", GivenName: "Paul", FamilyName: "MARTIN", Role: tit}}},
		{"not people", []string{"représentant Mme la ministre ;", "Mme , titulaire ;", "M. 12, suppléant ;", "Mme Alice DURAND, ??? ;"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := members(tt.lines...)
			if len(r.Members) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", r.Members, tt.want)
			}
			for i, want := range tt.want {
				got := r.Members[i]
				if want.Line == 0 {
					got.Line = 0
				}
				if want.Heading == "" {
					got.Heading, got.Category = "", ""
				}
				if want.Body == "" {
					got.Body = ""
				}
				if got != want {
					t.Fatalf("member %d: got %+v, want %+v", i, got, want)
				}
			}
			if tt.want == nil && len(r.Unrecognised) != len(tt.lines) {
				t.Fatalf("got %v unrecognised, want all %d lines", r.Unrecognised, len(tt.lines))
			}
		})
	}
}

func TestParseReferences(t *testing.T) {
	tests := []struct {
		text string
		want Result
	}{
		{"Arrêté du 31 février 2024 portant nomination", Result{Title: "Arrêté du 31 février 2024 portant nomination", Lines: 1, Understood: 1}},
		{"ARRÊTÉ DU 1ER AOÛT 2020 portant nomination\r\nNOR : dfea2012345a",
			Result{Title: "ARRÊTÉ DU 1ER AOÛT 2020 portant nomination", Date: time.Date(2020, time.August, 1, 0, 0, 0, 0, time.UTC), NOR: "DFEA2012345A", Lines: 2, Understood: 2}},
		{"JORF n°0004 du 5 janvier 2013 texte n° 12\nhttps://www.legifrance.gouv.fr/eli/decret/2013/1/3/DFEX1242343D/jo/texte.\nCopier",
			Result{JORF: "JORF n°0004 du 5 janvier 2013", TextNumber: "12", ELI: "https://www.legifrance.gouv.fr/eli/decret/2013/1/3/DFEX1242343D/jo/texte", Lines: 3, Understood: 2}},
	}
	for _, tt := range tests {
		if got := Parse(tt.text); !got.Date.Equal(tt.want.Date) || got.Title != tt.want.Title || got.NOR != tt.want.NOR ||
			got.JORF != tt.want.JORF || got.TextNumber != tt.want.TextNumber || got.ELI != tt.want.ELI ||
			got.Lines != tt.want.Lines || got.Understood != tt.want.Understood {
			t.Fatalf("Parse(%q): got %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

func TestGuessCategory(t *testing.T) {
	tests := []struct {
		head string
		want model.Category
	}{
		{"2° Au titre des ASSOCIATIONS", model.CategoryAssociation},
		{"Représentants des organisations syndicales", model.CategoryUnion},
		{"Organisations professionnelles d'employeurs", model.CategoryUnion},
		{"Personnalites qualifiees", model.CategoryQualifiedPerson},
		{"Autorités administratives indépendantes", model.CategoryIndependentBody},
		{"Représentants de l’État", model.CategoryInstitution},
		{"Représentants des collectivités territoriales", model.CategoryInstitution},
		{"Divers", ""},
	}
	for _, tt := range tests {
		if got := guessCategory(tt.head); got != tt.want {
			t.Fatalf("guessCategory(%q): got %v, want %v", tt.head, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"arrete-2024-comite.txt", "arrete-2021-pairs.txt", "arrete-messy-paste.txt"} {
		f.Add(readTestdata(f, name))
	}
	for _, s := range []string{"", "\r", "Sont nommés :\nM. A", "Sont nommés :\nMme\n", "sont nommés : Mme X (Y) : Z ; M. de",
		"Sont désignés :\n1° :\na) :\n- M. DUPONT (Jean\n", "Arrêté du 1er mars 2019\nNOR : ABCD1912345A\nFait le\nM. X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := Parse(text)
		lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"), "\n")
		n := len(lines)
		if r.Understood+len(r.Unrecognised) > r.Lines || r.Lines > n {
			t.Fatalf("got Understood %d, %d unrecognised, Lines %d, want their sum <= Lines <= %d",
				r.Understood, len(r.Unrecognised), r.Lines, n)
		}
		for i, u := range r.Unrecognised {
			if u.Number < 1 || u.Number > n || u.Text != lines[u.Number-1] || (i > 0 && u.Number <= r.Unrecognised[i-1].Number) {
				t.Fatalf("got unrecognised %+v, want increasing lines in 1..%d with their pasted text", u, n)
			}
		}
		for _, m := range r.Members {
			if m.Line < 1 || m.Line > n || m.FamilyName == "" || !m.Role.Valid() {
				t.Fatalf("got member %+v, want a line in 1..%d, a family name and a valid role", m, n)
			}
		}
	})
}
