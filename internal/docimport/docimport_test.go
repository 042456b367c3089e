package docimport

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"comite/internal/markdown"
)

// open imports a file of testdata.
func open(t testing.TB, name string) Document {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var doc Document
	if strings.HasSuffix(name, ".odt") {
		doc, err = ODT(bytes.NewReader(b), int64(len(b)))
	} else {
		doc, err = DOCX(bytes.NewReader(b), int64(len(b)))
	}
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return doc
}

// outline writes blocks one a line, as a reader would list them: « h2 »
// for a heading of level 2, « ul1 »/« ol2 » for an item of a bulleted or
// numbered list at depth 1 or 2, « p », « q », and « table » with its rows.
func outline(blocks []Block) []string {
	var out []string
	for _, b := range blocks {
		var tag string
		switch b.Kind {
		case Heading:
			tag = "h" + strconv.Itoa(b.Level)
		case ListItem:
			tag = "ul" + strconv.Itoa(b.Level)
			if b.Ordered {
				tag = "ol" + strconv.Itoa(b.Level)
			}
		case Paragraph:
			tag = "p"
		case Quote:
			tag = "q"
		case Table:
			var rows []string
			for _, r := range b.Rows {
				rows = append(rows, strings.Join(r, " ¦ "))
			}
			out = append(out, "table "+strings.Join(rows, " / "))
			continue
		}
		out = append(out, tag+" "+b.Text)
	}
	return out
}

func checkOutline(t *testing.T, got Document, title string, want, lost []string) {
	t.Helper()
	if got.Title != title {
		t.Errorf("got title %q, want %q", got.Title, title)
	}
	g := outline(got.Blocks)
	for i := range max(len(g), len(want)) {
		var gi, wi string
		if i < len(g) {
			gi = g[i]
		}
		if i < len(want) {
			wi = want[i]
		}
		if gi != wi {
			t.Errorf("block %d:\n got %q\nwant %q", i, gi, wi)
		}
	}
	if !slices.Equal(got.Lost, lost) {
		t.Errorf("got lost %q, want %q", got.Lost, lost)
	}
}

// A procedure note as Word writes it: the title from the Title paragraph,
// the headings typed with their numbers, runs cut inside words joined, the
// two lists with their sub-levels, the link, the quote, and the footnotes
// numbered in the text and listed at the end.
func TestDOCXProcedureNote(t *testing.T) {
	doc := open(t, "note-procedure.docx")
	checkOutline(t, doc, "Procédure d’identification et d’orientation des victimes de la traite", []string{
		"p *Document de travail – version du 4 décembre 2026*",
		"h1 1\\. Objet de la note",
		"p La présente note décrit la procédure suivie par les services de l’État et les associations lorsqu’une personne est repérée " +
			"comme victime potentielle de traite des êtres humains\\[1\\]. Elle précise le rôle de chacun et les délais à respecter. " +
			"Elle a été préparée par la MIPROF avec les membres du comité.",
		"h1 2\\. Repérage",
		"p Tout professionnel peut repérer une victime potentielle. Les indicateurs suivants doivent alerter :",
		"ul1 la personne ne dispose pas de ses documents d’identité ;",
		"ul1 elle est hébergée par son employeur ;",
		"ul2 en particulier dans le travail domestique ou agricole ;",
		"ul1 elle présente une **dette envers un tiers**.",
		"h2 2\\.1 Premier entretien",
		"p Le guide d’entretien est disponible sur le [site de la MIPROF](https://arretonslesviolences.gouv.fr/je-suis-professionnel). " +
			"L’entretien se tient *sans la présence* de l’accompagnant.",
		"h1 3\\. Orientation",
		"ol1 Informer la personne de ses droits, dans une langue qu’elle comprend\\[2\\].",
		"ol1 Proposer une mise à l’abri :",
		"ol2 par le dispositif national Ac.Sé ;",
		"ol2 ou par une association spécialisée du département.",
		"ol1 Signaler la situation au parquet compétent.",
		"q « Toute victime doit pouvoir bénéficier d’un délai de réflexion de trente jours. »",
		"p Les délais sont rappelés en annexe.\n**Contact :** secrétariat de la mission.",
		"h1 Notes",
		"p \\[1\\] Article 225-4-1 du code pénal.",
		"p \\[2\\] Le recours à un interprète est pris en charge par l’État (*circulaire du 22 janvier 2015*).",
	}, []string{"2 notes de bas de page reprises en fin de texte", "numérotation des listes ramenée à 1, 2, 3"})
}

// A report with a table, tracked changes, a comment and an image: the
// insertions are kept, the deletions gone, and Lost says all of it.
func TestDOCXReport(t *testing.T) {
	doc := open(t, "rapport-etape.docx")
	checkOutline(t, doc, "Rapport d’étape 2026", []string{
		"h1 Rapport d’étape à mi-parcours du plan national",
		"p Le comité a examiné quinze mesures lors de sa séance du 12 novembre 2026.",
		"h1 Avancement des mesures",
		"p Le tableau suivant présente l’état des mesures *au 30 novembre 2026*.",
		"table **Mesure** ¦ **Pilote** ¦ **État** ¦ **Avancement**" +
			" / M1 – Former les professionnels de santé au repérage ¦ DGS ¦ En cours ¦ 60 %" +
			" / M2 – Ouvrir des places d’hébergement sécurisé ¦ DGCS ¦ Réalisée ¦ 100 %" +
			" / M3 – Protéger les mineurs exploités ¦ DPJJ DGCS ¦ En retard ¦ 15 %" +
			" / **Ensemble du plan** ¦  ¦  ¦ **58 %**",
		"p Figure 1 – Nombre de victimes accompagnées par an",
		"h1 Recommandations",
		"p Le comité recommande de **renforcer la formation** des agents d’accueil.",
	}, []string{
		"1 image non reprise",
		"1 commentaire non repris",
		"6 modifications suivies acceptées (3 insertions gardées, 3 suppressions appliquées)",
		"mise en forme des tableaux simplifiée (cellules fusionnées ou imbriquées)",
	})
}

// Minutes written with LibreOffice: headings, nested bulleted list,
// numbered list, a table with a header row, a footnote, a comment.
func TestODTMinutes(t *testing.T) {
	doc := open(t, "compte-rendu.odt")
	checkOutline(t, doc, "Compte rendu de la réunion du groupe de travail « Mineurs »", []string{
		"p *Réunion du 18 novembre 2026, en visioconférence.*",
		"h1 Participants",
		"ul1 le secrétariat de la mission ;",
		"ul1 les ministères :",
		"ul2 Justice (DPJJ) ;",
		"ul2 Intérieur (OCRTEH) ;",
		"ul1 trois associations de protection de l’enfance.",
		"h1 Points examinés",
		"h2 Repérage des mineurs contraints à commettre des délits",
		"p Les participants constatent une hausse des situations de mineurs **contraints à commettre des délits**\\[1\\]. " +
			"Ils rappellent que ces mineurs sont *d’abord des victimes*.",
		"q « Un mineur exploité n’est jamais un délinquant comme les autres. »",
		"h2 Décisions",
		"ol1 Diffuser la fiche réflexe aux **parquets** avant la fin de l’année.",
		"ol1 Publier le guide sur [le site du ministère de la Justice](https://www.justice.gouv.fr/).",
		"ol1 Réunir de nouveau le groupe en mars 2027.",
		"h1 Calendrier",
		"table Action ¦ Responsable ¦ Échéance / Fiche réflexe ¦ DPJJ ¦ 31 décembre 2026 / Guide \\| version web ¦ Secrétariat ¦ Février 2027",
		"p Prochaine réunion : **mars 2027**.",
		"h1 Notes",
		"p \\[1\\] Voir le rapport annuel de l’OCRTEH, p. 12.",
	}, []string{"1 commentaire non repris", "1 note de bas de page reprise en fin de texte"})
}

// The markdown of an import, rendered by the portal's renderer, has the
// structure of the file: nested lists numbered from 1, a table, a link,
// emphasis, a quote, and no character read as markup by mistake.
func TestMarkdownRenders(t *testing.T) {
	count := func(html, s string) int { return strings.Count(html, s) }
	for _, tt := range []struct {
		file                                string
		ol, ul, li, tables, quotes, strongs int
		texts                               []string
	}{
		{"note-procedure.docx", 2, 2, 9, 0, 1, 2, []string{
			`<a href="https://arretonslesviolences.gouv.fr/je-suis-professionnel"`, "<em>sans la présence</em>",
			"humains[1]. Elle", "1. Objet de la note", "2.1 Premier entretien", "[2] Le recours"}},
		{"rapport-etape.docx", 0, 0, 0, 1, 0, 7, []string{"<th>", "<td>DPJJ DGCS</td>", "<em>au 30 novembre 2026</em>"}},
		{"compte-rendu.odt", 1, 2, 8, 1, 1, 3, []string{"<td>Guide | version web</td>", `<a href="https://www.justice.gouv.fr/"`}},
	} {
		html := markdown.Document(Markdown(open(t, tt.file)))
		got := []int{count(html, "<ol>"), count(html, "<ul>"), count(html, "<li>"), count(html, "<table>"), count(html, "<blockquote>"), count(html, "<strong>")}
		want := []int{tt.ol, tt.ul, tt.li, tt.tables, tt.quotes, tt.strongs}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got ol, ul, li, table, blockquote, strong %v, want %v\n%s", tt.file, got, want, html)
		}
		for _, s := range tt.texts {
			if !strings.Contains(html, s) {
				t.Errorf("%s: the HTML has no %q\n%s", tt.file, s, html)
			}
		}
		if regexp.MustCompile(`\\[\[\]*#|]`).MatchString(html) {
			t.Errorf("%s: a backslash escape shows in the HTML\n%s", tt.file, html)
		}
	}
}

// Text that looks like markdown stays text.
func TestMarkdownEscapes(t *testing.T) {
	doc := Document{Blocks: []Block{
		{Kind: Paragraph, Text: (&inline{spans: []span{{text: "# pas un titre * ni _ une [liste] `code` <b> a|b &amp; 3 < 4"}}}).markdown()},
		{Kind: Paragraph, Text: (&inline{spans: []span{{text: "1. pas une liste\n- ni celle-ci\n> ni une citation"}}}).markdown()},
		{Kind: Paragraph, Text: (&inline{spans: []span{
			{text: "voir !"}, {text: "la page (2)", style: style{link: "https://exemple.fr/a b_(c)"}}, {text: " et "},
			{text: "ceci", style: style{link: safeLink("javascript:alert(1)")}},
		}}).markdown()},
		{Kind: Table, Rows: [][]string{{"a"}, {""}}},
	}}
	html := markdown.Document(Markdown(doc))
	for _, s := range []string{
		"# pas un titre * ni _ une [liste] `code` &lt;b&gt; a|b &amp;amp; 3 &lt; 4",
		"1. pas une liste<br>\n- ni celle-ci<br>\n&gt; ni une citation",
		`voir !<a href="https://exemple.fr/a%20b_%28c%29" rel="nofollow noopener">la page (2)</a> et ceci`,
	} {
		if !strings.Contains(html, s) {
			t.Errorf("the HTML has no %q:\n%s", s, html)
		}
	}
	for _, s := range []string{"<h", "<ol", "<ul", "<code", "<blockquote", "<img", "javascript"} {
		if strings.Contains(html, s) {
			t.Errorf("the HTML has %q:\n%s", s, html)
		}
	}
}

// The same texts saved by LibreOffice 7.4 in the other format (the Word
// notes as .odt, the .odt minutes as .docx) give the same import: title,
// blocks and losses.
func TestSameImportWhateverTheWriter(t *testing.T) {
	for _, pair := range [][2]string{
		{"note-procedure.docx", "libreoffice/note-procedure.odt"},
		{"rapport-etape.docx", "libreoffice/rapport-etape.odt"},
		{"compte-rendu.odt", "libreoffice/compte-rendu.docx"},
	} {
		want, got := open(t, pair[0]), open(t, pair[1])
		if got.Title != want.Title || !slices.Equal(outline(got.Blocks), outline(want.Blocks)) || !slices.Equal(got.Lost, want.Lost) {
			t.Errorf("%s:\n got %q %q %q\nwant %q %q %q", pair[1], got.Title, outline(got.Blocks), got.Lost, want.Title, outline(want.Blocks), want.Lost)
		}
	}
}
