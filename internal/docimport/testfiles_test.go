package docimport

// The two Word test files are written here, part by part, as Word 2016 (in
// French) writes them: rsid attributes, runs cut in the middle of words by
// editing sessions, proofing marks, the _GoBack bookmark, French style ids
// (Titre1, Paragraphedeliste) with their English built-in names, footnote
// separators. `go test ./internal/docimport -run TestTestdata -update`
// rewrites them; without -update the test checks that the committed files
// are what this file writes. The .odt file was made by LibreOffice 7.4 from
// testdata/compte-rendu.fodt (see TestTestdata).

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"flag"
	"os"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the Word files of testdata")

// docxFiles are the Word test files by name, each as its parts.
var docxFiles = map[string][]part{
	"note-procedure.docx": notePackage(),
	"rapport-etape.docx":  rapportPackage(),
}

type part struct{ name, body string }

func TestTestdata(t *testing.T) {
	for name, parts := range docxFiles {
		got := zipParts(t, parts)
		path := "testdata/" + name
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what testfiles_test.go writes: run go test ./internal/docimport -run TestTestdata -update", path)
		}
	}
}

// zipParts zips parts as Word does: deflated, in the given order, with a
// fixed time so that the file is the same at every run.
func zipParts(t testing.TB, parts []part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate,
			Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		body := []byte(p.body)
		if b64, ok := strings.CutPrefix(p.body, "base64:"); ok {
			body, err = base64.StdEncoding.DecodeString(b64)
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n"

// wordNS are the namespaces Word declares on its parts' root elements.
const wordNS = `xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" ` +
	`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
	`xmlns:o="urn:schemas-microsoft-com:office:office" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
	`xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" ` +
	`xmlns:v="urn:schemas-microsoft-com:vml" ` +
	`xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" ` +
	`xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ` +
	`xmlns:w10="urn:schemas-microsoft-com:office:word" ` +
	`xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
	`xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" ` +
	`xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" ` +
	`xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" ` +
	`mc:Ignorable="w14 wp14"`

func contentTypes(extra ...string) string {
	return xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Default Extension="png" ContentType="image/png"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
		`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
		`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
		`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
		strings.Join(extra, "") +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
		`</Types>`
}

const packageRels = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

func core(title string) string {
	return xmlHead + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + title + `</dc:title><dc:creator>Secrétariat MIPROF</dc:creator>` +
		`<cp:lastModifiedBy>Secrétariat MIPROF</cp:lastModifiedBy><cp:revision>7</cp:revision>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-11T09:12:00Z</dcterms:created>` +
		`<dcterms:modified xsi:type="dcterms:W3CDTF">2026-12-03T16:40:00Z</dcterms:modified></cp:coreProperties>`
}

const app = xmlHead + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ` +
	`xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
	`<Template>Normal.dotm</Template><TotalTime>94</TotalTime><Pages>2</Pages><Application>Microsoft Office Word</Application>` +
	`<DocSecurity>0</DocSecurity><Company>Premier ministre</Company><AppVersion>16.0000</AppVersion></Properties>`

const settings = xmlHead + `<w:settings ` + wordNS + `><w:zoom w:percent="100"/><w:trackRevisions w:val="false"/>` +
	`<w:defaultTabStop w:val="708"/><w:hyphenationZone w:val="425"/><w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00A1B2C3"/><w:rsid w:val="00B4D5E6"/><w:rsid w:val="00C7F809"/></w:rsids>` +
	`<w:themeFontLang w:val="fr-FR"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>`

const fontTable = xmlHead + `<w:fonts ` + wordNS + `>` +
	`<w:font w:name="Calibri"><w:panose1 w:val="020F0502020204030204"/><w:charset w:val="00"/><w:family w:val="swiss"/></w:font>` +
	`<w:font w:name="Symbol"><w:panose1 w:val="05050102010706020507"/><w:charset w:val="02"/><w:family w:val="roman"/></w:font>` +
	`<w:font w:name="Courier New"><w:panose1 w:val="02070309020205020404"/><w:charset w:val="00"/><w:family w:val="modern"/></w:font>` +
	`</w:fonts>`

// styles are French Word's: localised ids, English built-in names.
const styles = xmlHead + `<w:styles ` + wordNS + `>` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi"/>` +
	`<w:sz w:val="22"/><w:lang w:val="fr-FR" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Titre1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:link w:val="Titre1Car"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="0"/>` +
	`<w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:color w:val="2F5496"/><w:sz w:val="32"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Titre2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr>` +
	`<w:rPr><w:b/><w:color w:val="2F5496"/><w:sz w:val="26"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Titre"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:uiPriority w:val="10"/><w:qFormat/><w:pPr><w:contextualSpacing/></w:pPr><w:rPr><w:sz w:val="56"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Paragraphedeliste"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/>` +
	`<w:uiPriority w:val="34"/><w:qFormat/><w:pPr><w:ind w:left="720"/><w:contextualSpacing/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Citation"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:uiPriority w:val="29"/><w:qFormat/><w:pPr><w:spacing w:before="200"/><w:ind w:left="864" w:right="864"/><w:jc w:val="center"/></w:pPr>` +
	`<w:rPr><w:i/><w:iCs/><w:color w:val="404040"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Lgende"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:uiPriority w:val="35"/><w:unhideWhenUsed/><w:qFormat/><w:rPr><w:i/><w:iCs/><w:sz w:val="18"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Notedebasdepage"><w:name w:val="footnote text"/><w:basedOn w:val="Normal"/>` +
	`<w:link w:val="NotedebasdepageCar"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Commentaire"><w:name w:val="annotation text"/><w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="20"/></w:rPr></w:style>` +
	`<w:style w:type="character" w:default="1" w:styleId="Policepardfaut"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>` +
	`<w:style w:type="character" w:styleId="Appelnotedebasdep"><w:name w:val="footnote reference"/><w:basedOn w:val="Policepardfaut"/>` +
	`<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>` +
	`<w:style w:type="character" w:styleId="Lienhypertexte"><w:name w:val="Hyperlink"/><w:basedOn w:val="Policepardfaut"/>` +
	`<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>` +
	`<w:style w:type="character" w:styleId="lev"><w:name w:val="Strong"/><w:basedOn w:val="Policepardfaut"/><w:qFormat/><w:rPr><w:b/><w:bCs/></w:rPr></w:style>` +
	`<w:style w:type="character" w:styleId="Marquedecommentaire"><w:name w:val="annotation reference"/><w:basedOn w:val="Policepardfaut"/>` +
	`<w:rPr><w:sz w:val="16"/></w:rPr></w:style>` +
	`<w:style w:type="table" w:default="1" w:styleId="TableauNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/></w:tblPr></w:style>` +
	`<w:style w:type="table" w:styleId="Grilledutableau"><w:name w:val="Table Grid"/><w:basedOn w:val="TableauNormal"/>` +
	`<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>` +
	`<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>` +
	`</w:styles>`

// Paragraph and run helpers keep the documents below readable; what they
// write is what Word writes.
func para(rsid, pPr string, content ...string) string {
	s := `<w:p w:rsidR="` + rsid + `" w:rsidRDefault="00A1B2C3" w:rsidP="` + rsid + `">`
	if pPr != "" {
		s += `<w:pPr>` + pPr + `</w:pPr>`
	}
	return s + strings.Join(content, "") + `</w:p>`
}

func pstyle(id string) string { return `<w:pStyle w:val="` + id + `"/>` }

func numPr(ilvl, numID string) string {
	return `<w:pStyle w:val="Paragraphedeliste"/><w:numPr><w:ilvl w:val="` + ilvl + `"/><w:numId w:val="` + numID + `"/></w:numPr>`
}

// run writes a run; rPr is inside <w:rPr>, text keeps its spaces.
func run(rsid, rPr, text string) string {
	s := `<w:r`
	if rsid != "" {
		s += ` w:rsidR="` + rsid + `"`
	}
	s += `>`
	if rPr != "" {
		s += `<w:rPr>` + rPr + `</w:rPr>`
	}
	sp := ""
	if strings.HasPrefix(text, " ") || strings.HasSuffix(text, " ") {
		sp = ` xml:space="preserve"`
	}
	return s + `<w:t` + sp + `>` + text + `</w:t></w:r>`
}

func footnoteRef(id string) string {
	return `<w:r w:rsidR="00B4D5E6"><w:rPr><w:rStyle w:val="Appelnotedebasdep"/></w:rPr><w:footnoteReference w:id="` + id + `"/></w:r>`
}

const (
	proofStart = `<w:proofErr w:type="spellStart"/>`
	proofEnd   = `<w:proofErr w:type="spellEnd"/>`
	gramStart  = `<w:proofErr w:type="gramStart"/>`
	gramEnd    = `<w:proofErr w:type="gramEnd"/>`
)

func body(content ...string) string {
	return xmlHead + `<w:document ` + wordNS + `><w:body>` + strings.Join(content, "") +
		`<w:sectPr w:rsidR="00A1B2C3"><w:pgSz w:w="11906" w:h="16838"/>` +
		`<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/>` +
		`<w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr></w:body></w:document>`
}

// notePackage is a procedure note: a title, numbered headings typed by
// hand, paragraphs, a bulleted list with a sub-level, a numbered list with
// lettered sub-items, a quote, a link and two footnotes.
func notePackage() []part {
	numbering := xmlHead + `<w:numbering ` + wordNS + `>` +
		`<w:abstractNum w:abstractNumId="0" w15:restartNumberingAfterBreak="0" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">` +
		`<w:nsid w:val="1C2A3B4D"/><w:multiLevelType w:val="hybridMultilevel"/><w:tmpl w:val="040C000F"/>` +
		`<w:lvl w:ilvl="0" w:tplc="040C0001"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="` + "\uf0b7" + `"/><w:lvlJc w:val="left"/>` +
		`<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl>` +
		`<w:lvl w:ilvl="1" w:tplc="040C0003"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/><w:lvlJc w:val="left"/>` +
		`<w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New" w:hint="default"/></w:rPr></w:lvl>` +
		`</w:abstractNum>` +
		`<w:abstractNum w:abstractNumId="1"><w:nsid w:val="5E6F7A8B"/><w:multiLevelType w:val="hybridMultilevel"/><w:tmpl w:val="040C0019"/>` +
		`<w:lvl w:ilvl="0" w:tplc="040C000F"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>` +
		`<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>` +
		`<w:lvl w:ilvl="1" w:tplc="040C0019"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/><w:lvlJc w:val="left"/>` +
		`<w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr></w:lvl>` +
		`</w:abstractNum>` +
		`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>` +
		`</w:numbering>`
	footnotes := xmlHead + `<w:footnotes ` + wordNS + `>` +
		`<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>` +
		`<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>` +
		`<w:footnote w:id="1">` + para("00B4D5E6", pstyle("Notedebasdepage"),
		`<w:r><w:rPr><w:rStyle w:val="Appelnotedebasdep"/></w:rPr><w:footnoteRef/></w:r>`,
		run("", "", " Article 225-4-1 du "), run("00C7F809", "", "code pé"), run("00C7F809", "", "nal.")) + `</w:footnote>` +
		`<w:footnote w:id="2">` + para("00B4D5E6", pstyle("Notedebasdepage"),
		`<w:r><w:rPr><w:rStyle w:val="Appelnotedebasdep"/></w:rPr><w:footnoteRef/></w:r>`,
		run("", "", " Le recours à un interprète est pris en charge par l’État ("), run("", "<w:i/>", "circulaire du 22 janvier 2015"), run("", "", ").")) + `</w:footnote>` +
		`</w:footnotes>`
	rels := xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
		`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>` +
		`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>` +
		`<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://arretonslesviolences.gouv.fr/je-suis-professionnel" TargetMode="External"/>` +
		`</Relationships>`
	const a, b, c = "00A1B2C3", "00B4D5E6", "00C7F809"
	doc := body(
		para(a, pstyle("Titre"), run(a, "", "Procédure d’identi"), run(b, "", "fication et d’orientation des victimes de la traite")),
		para(a, "", run(a, "<w:i/><w:iCs/>", "Document de travail – version du 4 décembre 2026")),
		para(a, pstyle("Titre1"), `<w:bookmarkStart w:id="0" w:name="_Toc152417001"/>`, run(a, "", "1. Objet de la note"), `<w:bookmarkEnd w:id="0"/>`),
		para(a, "",
			run(a, "", "La présente note décrit la procédure suivie par les services de l’État et les associations lorsqu’une personne est repérée comme victime potentielle de traite des êtres humains"),
			footnoteRef("1"),
			run(a, "", ". Elle précise le rôle de chacun et les délais à respecter. Elle a été préparée par la "),
			proofStart, run(a, "", "MIPROF"), proofEnd,
			run(b, "", " avec les membres du "), run(c, "", "comi"), run(b, "", "té."),
		),
		para(a, pstyle("Titre1"), run(a, "", "2. Repérage")),
		para(a, "", run(a, "", "Tout professionnel peut repérer une victime potentielle. Les indicateurs suivants "), gramStart, run(a, "", "doivent"), gramEnd, run(a, "", " alerter :")),
		para(a, numPr("0", "1"), run(a, "", "la personne ne dispose pas de ses documents d’identité ;")),
		para(a, numPr("0", "1"), run(a, "", "elle est hébergée par son employeur ;")),
		para(b, numPr("1", "1"), run(b, "", "en particulier dans le travail domestique ou agricole ;")),
		para(a, numPr("0", "1"), run(a, "", "elle présente une "), run(a, "<w:b/><w:bCs/>", "dette"), run(b, "<w:b/><w:bCs/>", " envers un tiers"), run(a, "", ".")),
		para(a, pstyle("Titre2"), run(a, "", "2.1 Premier entretien")),
		para(a, "", run(a, "", "Le guide d’entretien est disponible sur le "),
			`<w:hyperlink r:id="rId6" w:history="1">`+run(a, `<w:rStyle w:val="Lienhypertexte"/>`, "site de la ")+run(c, `<w:rStyle w:val="Lienhypertexte"/>`, "MIPROF")+`</w:hyperlink>`,
			run(a, "", ". L’entretien se tient "), run(a, "<w:i/>", "sans la présence"), run(a, "", " de l’accompagnant.")),
		para(a, pstyle("Titre1"), run(a, "", "3. Orientation")),
		para(a, numPr("0", "2"), run(a, "", "Informer la personne de ses droits, dans une langue qu’elle comprend"), footnoteRef("2"), run(a, "", ".")),
		para(a, numPr("0", "2"), run(a, "", "Proposer une mise à l’abri :")),
		para(a, numPr("1", "2"), run(a, "", "par le dispositif national "), proofStart, run(a, "", "Ac.Sé"), proofEnd, run(a, "", " ;")),
		para(a, numPr("1", "2"), run(a, "", "ou par une association spécialisée du département.")),
		para(a, numPr("0", "2"), `<w:bookmarkStart w:id="1" w:name="_GoBack"/><w:bookmarkEnd w:id="1"/>`, run(a, "", "Signaler la situation au parquet compétent.")),
		para(a, pstyle("Citation"), run(a, "", "« Toute victime doit pouvoir bénéficier d’un délai de réflexion de trente jours. »")),
		para(a, ""),
		para(a, "", run(a, "", "Les délais sont rappelés en annexe."), `<w:r><w:br/></w:r>`, run(a, "<w:b/>", "Contact :"), `<w:r><w:tab/></w:r>`, run(a, "", "secrétariat de la mission.")),
	)
	return []part{
		{"[Content_Types].xml", contentTypes(
			`<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>`,
			`<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>`)},
		{"_rels/.rels", packageRels},
		{"word/document.xml", doc},
		{"word/_rels/document.xml.rels", rels},
		{"word/footnotes.xml", footnotes},
		{"word/numbering.xml", numbering},
		{"word/styles.xml", styles},
		{"word/settings.xml", settings},
		{"word/fontTable.xml", fontTable},
		{"docProps/core.xml", core("Note de procédure")},
		{"docProps/app.xml", app},
	}
}

// pixel is a 4 × 3 PNG, the report's figure.
const pixel = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGP438AARww4OQBqQBH1OV4fMAAAAABJRU5ErkJggg=="

// rapportPackage is a progress report: headings, a table with a header row
// and a merged total row, tracked changes (an insertion and deletions), a
// comment, an inline image with its caption.
func rapportPackage() []part {
	const a, b = "00A1B2C3", "00B4D5E6"
	ins := func(id, text string) string {
		return `<w:ins w:id="` + id + `" w:author="Claire Martin" w:date="2026-12-02T10:15:00Z">` + run(b, "", text) + `</w:ins>`
	}
	del := func(id, text string) string {
		return `<w:del w:id="` + id + `" w:author="Claire Martin" w:date="2026-12-02T10:15:00Z"><w:r w:rsidDel="` + b + `"><w:delText xml:space="preserve">` + text + `</w:delText></w:r></w:del>`
	}
	cell := func(width, content string, extra string) string {
		return `<w:tc><w:tcPr><w:tcW w:w="` + width + `" w:type="dxa"/>` + extra + `</w:tcPr>` + content + `</w:tc>`
	}
	cp := func(text string, bold bool) string {
		rpr := ""
		if bold {
			rpr = "<w:b/><w:bCs/>"
		}
		return para(a, "", run(a, rpr, text))
	}
	row := func(header bool, cells ...string) string {
		s := `<w:tr w:rsidR="00A1B2C3" w:rsidTr="00A1B2C3">`
		if header {
			s += `<w:trPr><w:tblHeader/></w:trPr>`
		}
		widths := []string{"3969", "1701", "1701", "1701"}
		for i, c := range cells {
			s += cell(widths[i], cp(c, header), "")
		}
		return s + `</w:tr>`
	}
	tbl := `<w:tbl><w:tblPr><w:tblStyle w:val="Grilledutableau"/><w:tblW w:w="0" w:type="auto"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>` +
		`<w:tblGrid><w:gridCol w:w="3969"/><w:gridCol w:w="1701"/><w:gridCol w:w="1701"/><w:gridCol w:w="1701"/></w:tblGrid>` +
		row(true, "Mesure", "Pilote", "État", "Avancement") +
		row(false, "M1 – Former les professionnels de santé au repérage", "DGS", "En cours", "60 %") +
		row(false, "M2 – Ouvrir des places d’hébergement sécurisé", "DGCS", "Réalisée", "100 %") +
		`<w:tr w:rsidR="00A1B2C3" w:rsidTr="00A1B2C3">` +
		cell("3969", para(a, "", run(a, "", "M3 – Protéger les mineurs "), run(b, "", "exploités")), "") +
		cell("1701", para(a, "", run(a, "", "DPJJ"))+para(a, "", run(a, "", "DGCS")), "") +
		cell("1701", para(a, "", del("11", "Non engagée"), ins("12", "En retard")), "") +
		cell("1701", cp("15 %", false), "") + `</w:tr>` +
		`<w:tr w:rsidR="00A1B2C3" w:rsidTr="00A1B2C3">` +
		cell("7371", cp("Ensemble du plan", true), `<w:gridSpan w:val="3"/>`) +
		cell("1701", cp("58 %", true), "") + `</w:tr></w:tbl>`
	drawing := `<w:r w:rsidR="` + a + `"><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" wp14:anchorId="1A2B3C4D" wp14:editId="5E6F7A8B">` +
		`<wp:extent cx="5400000" cy="3240000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="1" name="Image 1" descr="Courbe du nombre de victimes accompagnées"/>` +
		`<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" noChangeAspect="1"/></wp:cNvGraphicFramePr>` +
		`<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">` +
		`<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="1" name="graphique.png"/><pic:cNvPicPr/></pic:nvPicPr>` +
		`<pic:blipFill><a:blip r:embed="rId8"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
		`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5400000" cy="3240000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>` +
		`</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`
	doc := body(
		para(a, pstyle("Titre1"), run(a, "", "Rapport d’étape à mi-parcours du plan national")),
		para(a, "",
			run(a, "", "Le comité a examiné "), del("1", "douze"), ins("2", "quinze"),
			`<w:commentRangeStart w:id="3"/>`, run(a, "", " mesures"), `<w:commentRangeEnd w:id="3"/>`,
			`<w:r w:rsidR="`+b+`"><w:rPr><w:rStyle w:val="Marquedecommentaire"/></w:rPr><w:commentReference w:id="3"/></w:r>`,
			run(a, "", " lors de sa séance du 12 novembre 2026."),
			del("4", " Les autres seront examinées en 2027."),
		),
		para(a, pstyle("Titre1"), run(a, "", "Avancement des mesures")),
		para(a, "", run(a, "", "Le tableau suivant présente l’état des mesures "), run(a, "<w:i/>", "au 30 novembre 2026"), run(a, "", ".")),
		tbl,
		para(a, `<w:jc w:val="center"/>`, drawing),
		para(a, pstyle("Lgende"), run(a, "", "Figure 1 – Nombre de victimes accompagnées par an")),
		para(a, pstyle("Titre1"), run(a, "", "Recommandations")),
		para(a, "", ins("5", "Le comité recommande de "), run(a, "<w:b/>", "renforcer la formation"), run(a, "", " des agents d’accueil.")),
	)
	comments := xmlHead + `<w:comments ` + wordNS + `><w:comment w:id="3" w:author="Paul Lefèvre" w:date="2026-12-02T11:02:00Z" w:initials="PL">` +
		para(b, pstyle("Commentaire"), `<w:r><w:rPr><w:rStyle w:val="Marquedecommentaire"/></w:rPr><w:annotationRef/></w:r>`, run("", "", "Vérifier le chiffre avec la DGCS.")) +
		`</w:comment></w:comments>`
	rels := xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
		`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>` +
		`<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>` +
		`</Relationships>`
	return []part{
		{"[Content_Types].xml", contentTypes(
			`<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>`)},
		{"_rels/.rels", packageRels},
		{"word/document.xml", doc},
		{"word/_rels/document.xml.rels", rels},
		{"word/comments.xml", comments},
		{"word/media/image1.png", "base64:" + pixel},
		{"word/styles.xml", styles},
		{"word/settings.xml", settings},
		{"word/fontTable.xml", fontTable},
		{"docProps/core.xml", core("Rapport d’étape 2026")},
		{"docProps/app.xml", app},
	}
}
