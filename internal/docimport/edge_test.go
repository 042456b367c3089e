package docimport

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"comite/internal/markdown"
)

// docxOf is a minimal Word file around the given body, with a numbering
// part for lists and headings and an endnotes part.
func docxOf(t testing.TB, body string) []byte {
	const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
		`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" ` +
		`xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ` +
		`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"`
	return zipParts(t, []part{
		{"[Content_Types].xml", contentTypes()},
		{"word/document.xml", xmlHead + `<w:document ` + w + `><w:body>` + body + `</w:body></w:document>`},
		{"word/numbering.xml", xmlHead + `<w:numbering ` + w + `><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>` +
			`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`},
		{"word/endnotes.xml", xmlHead + `<w:endnotes ` + w + `><w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:endnote>` +
			`<w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t xml:space="preserve"> Source : DGCS.</w:t></w:r></w:p></w:endnote></w:endnotes>`},
	})
}

func p(content string) string { return `<w:p>` + content + `</w:p>` }
func styled(style, content string) string {
	return `<w:p><w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>` + content + `</w:p>`
}
func r(text string) string { return `<w:r><w:t xml:space="preserve">` + text + `</w:t></w:r>` }

const (
	fldBegin    = `<w:r><w:fldChar w:fldCharType="begin"/></w:r>`
	fldSeparate = `<w:r><w:fldChar w:fldCharType="separate"/></w:r>`
	fldEnd      = `<w:r><w:fldChar w:fldCharType="end"/></w:r>`
)

func instr(s string) string {
	return `<w:r><w:instrText xml:space="preserve">` + s + `</w:instrText></w:r>`
}

// What Word files hold besides the plain cases of the test files: fields,
// tables of contents, text boxes, drawings, outline levels, numbered
// headings, endnotes, hidden text, content controls, moved text.
func TestDOCXCases(t *testing.T) {
	for _, tt := range []struct {
		name       string
		body       string
		want, lost []string
	}{
		{"hyperlink field", p(r("Voir ") + fldBegin + instr(` HYPERLINK "https://www.legifrance.gouv.fr/" \o "JO" `) + fldSeparate + r("Légifrance") + fldEnd + r(".")),
			[]string{"p Voir [Légifrance](https://www.legifrance.gouv.fr/)."}, nil},
		{"page and date fields keep their text", p(r("Page ")+fldBegin+instr(" PAGE ")+fldSeparate+r("3")+fldEnd) +
			p(`<w:fldSimple w:instr=" DATE \@ &quot;d MMMM yyyy&quot; ">`+r("4 décembre 2026")+`</w:fldSimple>`),
			[]string{"p Page 3", "p 4 décembre 2026"}, []string{"2 champs remplacés par leur texte affiché"}},
		{"table of contents", styled("TOCHeading", r("Sommaire")) +
			styled("TOC1", fldBegin+instr(` TOC \o "1-3" \h \z \u `)+fldSeparate+r("1. Objet")+`<w:r><w:tab/></w:r>`+r("1")) +
			styled("TOC1", r("2. Repérage")+`<w:r><w:tab/></w:r>`+r("2")) + p(fldEnd) +
			styled("Heading1", r("1. Objet")),
			[]string{"h1 1\\. Objet"}, []string{"table des matières ou index non repris"}},
		{"text box counted once", p(r("Avant") + `<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>` +
			`<wps:wsp><wps:txbx><w:txbxContent>` + p(r("Encadré")) + `</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>` +
			`<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>` + p(r("Encadré")) + `</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>`),
			[]string{"p Avant"}, []string{"1 zone de texte non reprise"}},
		{"old and new drawings", p(`<w:r><w:pict><v:shape><v:imagedata r:id="rId9"/></v:shape></w:pict></w:r>`) +
			p(`<w:r><w:drawing><wp:inline><a:graphic><a:graphicData><c:chart r:id="rId10"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`) +
			p(`<w:r><w:object><v:shape/></w:object></w:r>`),
			nil, []string{"1 image non reprise", "2 objets incorporés (graphiques, dessins, formules…) non repris"}},
		{"outline levels and styles without styles.xml", styled("Heading1", r("Titre sans styles")) +
			p(`<w:pPr><w:outlineLvl w:val="2"/></w:pPr>`+r("Niveau 3 direct")) +
			`<w:p><w:pPr><w:pStyle w:val="Heading2"/><w:outlineLvl w:val="9"/></w:pPr>` + r("Corps de texte") + `</w:p>`,
			[]string{"h1 Titre sans styles", "h3 Niveau 3 direct", "p Corps de texte"}, nil},
		{"numbered heading", `<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>` + r("Objet") + `</w:p>`,
			[]string{"h1 Objet"}, []string{"numérotation automatique des titres non reprise"}},
		{"endnote", p(r("Chiffres") + `<w:r><w:endnoteReference w:id="1"/></w:r>` + r(".")),
			[]string{"p Chiffres\\[1\\].", "h1 Notes", "p \\[1\\] Source : DGCS."}, []string{"1 note de fin reprise en fin de texte"}},
		{"hidden text, content control, moved text", p(r("Visible")+`<w:r><w:rPr><w:vanish/></w:rPr><w:t>caché</w:t></w:r>`) +
			`<w:sdt><w:sdtPr><w:alias w:val="Objet"/></w:sdtPr><w:sdtContent>` + p(r("Dans un contrôle")) + `</w:sdtContent></w:sdt>` +
			p(`<w:moveFrom w:id="1">`+r("ancienne place")+`</w:moveFrom>`+r("Ici")+`<w:moveTo w:id="2">`+r(" nouvelle place")+`</w:moveTo>`),
			[]string{"p Visible", "p Dans un contrôle", "p Ici nouvelle place"}, []string{"2 modifications suivies acceptées (1 insertion gardée, 1 suppression appliquée)"}},
		{"numbering undefined or removed", `<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr>` + r("Sans numéro") + `</w:p>` +
			`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr></w:pPr>` + r("Numéro retiré") + `</w:p>`,
			[]string{"p Sans numéro", "p Numéro retiré"}, nil},
		{"deleted paragraph mark", `<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="C. Martin"/></w:rPr></w:pPr>` + r("Premier morceau") + `</w:p>` +
			styled("Heading2", r(" et la suite")),
			[]string{"h2 Premier morceau et la suite"}, []string{"1 modification suivie acceptée (1 suppression appliquée)"}},
		{"links other than web and mail keep their text", p(fldBegin + instr(` HYPERLINK "javascript:alert(1)" `) + fldSeparate + r("ici") + fldEnd +
			`<w:hyperlink w:anchor="_Toc1">` + r(" et là") + `</w:hyperlink>`),
			[]string{"p ici et là"}, nil},
		{"emphasis across runs and spaces", p(`<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">gras </w:t></w:r><w:r><w:rPr><w:b/><w:i/></w:rPr><w:t>et italique</w:t></w:r>` +
			`<w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t xml:space="preserve"> puis rien</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">   </w:t></w:r>`),
			[]string{"p **gras *et italique*** puis rien"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := docxOf(t, tt.body)
			doc, err := DOCX(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if got := outline(doc.Blocks); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !slices.Equal(doc.Lost, tt.lost) {
				t.Errorf("got lost %q, want %q", doc.Lost, tt.lost)
			}
		})
	}
}

// odtOf is a minimal OpenDocument text around the given body.
func odtOf(t testing.TB, body, styles string) []byte {
	const ns = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" ` +
		`xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ` +
		`xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"`
	return zipParts(t, []part{
		{"mimetype", "application/vnd.oasis.opendocument.text"},
		{"content.xml", `<?xml version="1.0" encoding="UTF-8"?><office:document-content ` + ns + `><office:body><office:text>` + body +
			`</office:text></office:body></office:document-content>`},
		{"styles.xml", `<?xml version="1.0" encoding="UTF-8"?><office:document-styles ` + ns + `>` + styles + `</office:document-styles>`},
	})
}

// What OpenDocument texts hold besides the test file's cases.
func TestODTCases(t *testing.T) {
	numbered := `<text:outline-style style:name="Outline"><text:outline-level-style text:level="1" style:num-format="1"/></text:outline-style>`
	for _, tt := range []struct {
		name, body, styles string
		want, lost         []string
	}{
		{"tracked changes", `<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info><dc:creator>C. Martin</dc:creator></office:change-info>` +
			`<text:p>douze</text:p></text:deletion></text:changed-region><text:changed-region text:id="c2"><text:insertion><office:change-info/></text:insertion></text:changed-region></text:tracked-changes>` +
			`<text:p>Le comité a examiné <text:change text:change-id="c1"/><text:change-start text:change-id="c2"/>quinze<text:change-end text:change-id="c2"/> mesures.</text:p>`,
			"", []string{"p Le comité a examiné quinze mesures."}, []string{"2 modifications suivies acceptées (1 insertion gardée, 1 suppression appliquée)"}},
		{"frames, index, fields, spaces", `<text:table-of-content><text:index-body><text:p>Objet 1</text:p></text:index-body></text:table-of-content>` +
			`<text:p>Mis à jour le <text:date>4 décembre 2026</text:date>,<text:s text:c="3"/>voir<text:tab/>ci-dessous<text:line-break/>suite</text:p>` +
			`<text:p><draw:frame><draw:image xlink:href="Pictures/1.png"/></draw:frame><draw:frame><draw:text-box><text:p>Encadré</text:p></draw:text-box></draw:frame></text:p>`,
			"", []string{"p Mis à jour le 4 décembre 2026, voir ci-dessous\nsuite"},
			[]string{"1 image non reprise", "1 zone de texte non reprise", "1 champ remplacé par son texte affiché", "table des matières ou index non repris"}},
		{"numbered headings", `<text:h text:outline-level="1">Objet</text:h><text:h text:outline-level="7">Profond</text:h>` +
			`<text:list><text:list-item><text:h text:outline-level="2">Dans une liste</text:h></text:list-item></text:list>`, numbered,
			[]string{"h1 Objet", "h6 Profond", "h2 Dans une liste"}, []string{"numérotation automatique des titres non reprise"}},
		{"spans, repeated and covered cells", `<table:table><table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Total</text:p></table:table-cell>` +
			`<table:covered-table-cell/><table:table-cell><text:p>9</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1000"/></table:table-row>` +
			`<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1000"/></table:table-row></table:table>`,
			"", []string{"table Total ¦  ¦ 9"}, []string{"mise en forme des tableaux simplifiée (cellules fusionnées ou imbriquées)"}},
		{"letters numbering and list paragraphs", `<text:list text:style-name="L1"><text:list-item><text:p>un</text:p><text:p>suite de un</text:p></text:list-item>` +
			`<text:list-header><text:p>sans numéro</text:p></text:list-header></text:list>`,
			`<office:styles><text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-format="a"/></text:list-style></office:styles>`,
			[]string{"ol1 un\nsuite de un", "ol1 sans numéro"}, []string{"numérotation des listes ramenée à 1, 2, 3"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := odtOf(t, tt.body, tt.styles)
			doc, err := ODT(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if got := outline(doc.Blocks); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !slices.Equal(doc.Lost, tt.lost) {
				t.Errorf("got lost %q, want %q", doc.Lost, tt.lost)
			}
		})
	}
}

// Damaged, hostile or mistaken files give a French error wrapping
// ErrUnreadable, never a panic nor a gigabyte in memory.
func TestUnreadable(t *testing.T) {
	bomb := func() []byte {
		// Two parts of 10 MiB, each within the bound and both beyond it,
		// in attributes, which are neither text nor elements; 10 MiB of
		// one letter deflate to 10 KiB.
		big := `<w:p w:rsidR="` + strings.Repeat("0", 10<<20) + `"/>`
		ps := replaced(parts(t, "note-procedure.docx"), "word/document.xml", body(big+p(r("a"))))
		return zipParts(t, replaced(ps, "word/styles.xml", strings.Replace(styles, "<w:docDefaults>", big+"<w:docDefaults>", 1)))
	}
	many := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i := range maxEntries + 1 {
			if _, err := zw.CreateHeader(&zip.FileHeader{Name: "x/" + strconv.Itoa(i), Method: zip.Store}); err != nil {
				t.Fatal(err)
			}
		}
		zw.Close()
		return buf.Bytes()
	}
	note, err := os.ReadFile("testdata/note-procedure.docx")
	if err != nil {
		t.Fatal(err)
	}
	odt, err := os.ReadFile("testdata/compte-rendu.odt")
	if err != nil {
		t.Fatal(err)
	}
	const tooLarge = "Ce document Word (.docx) est trop volumineux pour être importé : découpez-le en plusieurs textes."
	for _, tt := range []struct {
		name string
		file []byte
		odt  bool
		want string
	}{
		{"not a zip", []byte("%PDF-1.7 pas un document Word"), false, "Ce fichier n'est pas un document Word (.docx) lisible : son archive est endommagée."},
		{"cut short", note[:len(note)/2], false, "Ce fichier n'est pas un document Word (.docx) lisible : son archive est endommagée."},
		{"zip bomb", bomb(), false, tooLarge},
		{"too many entries", many(), false, "Ce document Word (.docx) contient trop de fichiers internes (5001, au plus 5000) pour être importé."},
		{"too much text", docxOf(t, p(r(strings.Repeat("Un texte très long. ", maxText/20+1)))), false, tooLarge},
		{"too many elements", docxOf(t, strings.Repeat("<w:p/>", maxElements)), false, tooLarge},
		{"too deep", docxOf(t, strings.Repeat("<w:sdt>", 300)+strings.Repeat("</w:sdt>", 300)), false, tooLarge},
		{"malformed XML", docxOf(t, "<w:p><w:r></w:p>"), false, "Ce document Word (.docx) est endommagé : XML mal formé dans word/document.xml, ligne 2."},
		{"other charset", zipParts(t, []part{{"word/document.xml", `<?xml version="1.0" encoding="UTF-16"?><w:document/>`}}), false, "Ce document Word (.docx) est endommagé (word/document.xml illisible)."},
		{"an .odt given as .docx", odt, false, "Ce fichier n'est pas un document Word (.docx) : il n'a pas de texte (word/document.xml)."},
		{"a .docx given as .odt", note, true, "Ce fichier n'est pas un texte OpenDocument (.odt) : il n'a pas de texte (content.xml)."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.odt {
				_, err = ODT(bytes.NewReader(tt.file), int64(len(tt.file)))
			} else {
				_, err = DOCX(bytes.NewReader(tt.file), int64(len(tt.file)))
			}
			if !errors.Is(err, ErrUnreadable) || err.Error() != tt.want {
				t.Errorf("got %v, want %q wrapping ErrUnreadable", err, tt.want)
			}
		})
	}
}

// A numbered list broken by a paragraph goes on from where it stopped, as
// the file shows it, and so does its markdown.
func TestListNumbers(t *testing.T) {
	numbers := func(doc Document) []int {
		var n []int
		for _, b := range doc.Blocks {
			if b.Ordered {
				n = append(n, b.Number)
			}
		}
		return n
	}
	item := func(text string) string {
		return `<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>` + r(text) + `</w:p>`
	}
	docx := docxOf(t, item("Premier")+item("Deuxième")+p(r("Une explication."))+item("Troisième"))
	odtStyles := `<office:styles><text:list-style style:name="L2"><text:list-level-style-number text:level="1" style:num-format="1"/></text:list-style></office:styles>`
	odt := odtOf(t, `<text:list text:style-name="L2"><text:list-item><text:p>Premier</text:p></text:list-item><text:list-item><text:p>Deuxième</text:p></text:list-item></text:list>`+
		`<text:p>Une explication.</text:p><text:list text:style-name="L2" text:continue-numbering="true"><text:list-item><text:p>Troisième</text:p></text:list-item></text:list>`+
		`<text:p>Autre liste :</text:p><text:list text:style-name="L2"><text:list-item><text:p>Un</text:p></text:list-item>`+
		`<text:list-item text:start-value="7"><text:p>Sept</text:p></text:list-item></text:list>`, odtStyles)
	for _, tt := range []struct {
		name string
		doc  Document
		want []int
		md   string
	}{
		{"Word", importBytes(t, docx, false), []int{1, 2, 3}, "1. Premier\n2. Deuxième\n\nUne explication.\n\n3. Troisième\n"},
		{"ODF", importBytes(t, odt, true), []int{1, 2, 3, 1, 7}, "1. Premier\n2. Deuxième\n\nUne explication.\n\n3. Troisième\n\nAutre liste :\n\n1. Un\n2. Sept\n"},
		{"Word file", open(t, "note-procedure.docx"), []int{1, 2, 1, 2, 3}, ""},
	} {
		if got := numbers(tt.doc); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got numbers %v, want %v", tt.name, got, tt.want)
		}
		if md := Markdown(tt.doc); tt.md != "" && md != tt.md {
			t.Errorf("%s: got markdown\n%s\nwant\n%s", tt.name, md, tt.md)
		}
	}
	if html := markdown.Document(Markdown(importBytes(t, docx, false))); !strings.Contains(html, `<ol start="3">`) {
		t.Errorf("got %s, want the list going on at 3", html)
	}
}

func importBytes(t *testing.T, b []byte, odt bool) Document {
	t.Helper()
	var doc Document
	var err error
	if odt {
		doc, err = ODT(bytes.NewReader(b), int64(len(b)))
	} else {
		doc, err = DOCX(bytes.NewReader(b), int64(len(b)))
	}
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
