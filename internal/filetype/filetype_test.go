package filetype

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gabriel-vasile/mimetype"
)

// sniff does what blob.Stage does: mimetype on the first bytes, without parameters.
func sniff(b []byte) string {
	t, _, _ := strings.Cut(mimetype.Detect(b).String(), ";")
	return t
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// part is one entry of a ZIP-based office file.
type part struct{ name, body string }

// buildZip writes parts in order, deflated, as office suites do.
func buildZip(t *testing.T, parts ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// buildODF writes an OpenDocument package: the "mimetype" entry first, stored
// uncompressed and without a data descriptor, so that its content sits at
// byte 38 where readers (and mimetype) look for it.
func buildODF(t *testing.T, mediaType, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               "mimetype",
		Method:             zip.Store,
		CRC32:              crc32.ChecksumIEEE([]byte(mediaType)),
		CompressedSize64:   uint64(len(mediaType)),
		UncompressedSize64: uint64(len(mediaType)),
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(mediaType))
	for _, p := range []part{
		{"META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="` + mediaType + `"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>`},
		{"content.xml", `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" office:version="1.2">
 <office:body>` + body + `</office:body>
</office:document-content>`},
	} {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

func contentTypes(overrides string) part {
	return part{"[Content_Types].xml", xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>` + overrides + `</Types>`}
}

func rootRels(target string) part {
	return part{"_rels/.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + target + `"/>
</Relationships>`}
}

func docxFile(t *testing.T) []byte {
	return buildZip(t,
		contentTypes(`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>`),
		rootRels("word/document.xml"),
		part{"word/document.xml", xmlHead + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Compte rendu du comité</w:t></w:r></w:p></w:body></w:document>`},
	)
}

func xlsxFile(t *testing.T) []byte {
	return buildZip(t,
		contentTypes(`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`),
		rootRels("xl/workbook.xml"),
		part{"xl/workbook.xml", xmlHead + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Budget" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		part{"xl/_rels/workbook.xml.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		part{"xl/worksheets/sheet1.xml", xmlHead + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Ministère</t></is></c><c r="B1"><v>1200</v></c></row></sheetData></worksheet>`},
	)
}

// pptxFile has the parts that identify a presentation; a deck PowerPoint
// opens also needs a slide master, a layout and a theme, which change nothing
// to how it is recognised.
func pptxFile(t *testing.T) []byte {
	return buildZip(t,
		contentTypes(`<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>
<Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`),
		rootRels("ppt/presentation.xml"),
		part{"ppt/presentation.xml", xmlHead + `<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`},
		part{"ppt/_rels/presentation.xml.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/></Relationships>`},
		part{"ppt/slides/slide1.xml", xmlHead + `<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld></p:sld>`},
	)
}

func odtFile(t *testing.T) []byte {
	return buildODF(t, "application/vnd.oasis.opendocument.text",
		`<office:text><text:p>Compte rendu du comité</text:p></office:text>`)
}

func odsFile(t *testing.T) []byte {
	return buildODF(t, "application/vnd.oasis.opendocument.spreadsheet",
		`<office:spreadsheet><table:table table:name="Budget"><table:table-row><table:table-cell><text:p>Ministère</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>`)
}

func odpFile(t *testing.T) []byte {
	return buildODF(t, "application/vnd.oasis.opendocument.presentation",
		`<office:presentation><draw:page draw:name="page1"/></office:presentation>`)
}

func picture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{0, 0x55, 0xa4, 0xff}) // bleu France
		}
	}
	return img
}

func pngFile(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, picture()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegFile(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, picture(), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheck(t *testing.T) {
	pdf := readFile(t, "compte-rendu.pdf")
	txt := readFile(t, "notes.txt")
	csv := readFile(t, "budget.csv")
	exe := readFile(t, "programme.exe")
	docx, xlsx, pptx := docxFile(t), xlsxFile(t), pptxFile(t)
	odt, ods, odp := odtFile(t), odsFile(t), odpFile(t)
	pngb, jpg := pngFile(t), jpegFile(t)
	semicolons := []byte("ministère;montant\nÉconomie;1200\nIntérieur;950\n")
	plainZip := buildZip(t, part{"lisez-moi.txt", "bonjour"})
	binary := append([]byte("Notes\x00\x01\x02"), exe...)

	accepted := []struct {
		name    string
		content []byte
		want    string
	}{
		{"compte-rendu.pdf", pdf, "application/pdf"},
		{"COMPTE-RENDU.PDF", pdf, "application/pdf"},
		{"relevé.odt", odt, "application/vnd.oasis.opendocument.text"},
		{"budget.ods", ods, "application/vnd.oasis.opendocument.spreadsheet"},
		{"séance.odp", odp, "application/vnd.oasis.opendocument.presentation"},
		{"rapport.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"budget.XLSX", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"séance.pptx", pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
		{"photo.png", pngb, "image/png"},
		{"photo.jpg", jpg, "image/jpeg"},
		{"photo.JPEG", jpg, "image/jpeg"},
		{"notes.txt", txt, "text/plain"},
		{"budget.csv", csv, "text/csv"},
		{"budget-excel.csv", semicolons, "text/csv"},
		{`C:\Users\secretariat\notes.txt`, txt, "text/plain"},
		{"rapport.pdf ", pdf, "application/pdf"},
	}
	for _, tc := range accepted {
		t.Run("accepte "+tc.name, func(t *testing.T) {
			sniffed := sniff(tc.content)
			got, err := Check(tc.name, sniffed)
			if err != nil {
				t.Fatalf("Check(%q, %q): %v", tc.name, sniffed, err)
			}
			if got != tc.want {
				t.Errorf("Check(%q, %q) = %q, want %q", tc.name, sniffed, got, tc.want)
			}
		})
	}

	const mismatch = "Le contenu du fichier ne correspond pas à son extension "
	refused := []struct {
		name    string
		content []byte
		want    string // the whole message, or its start when it ends with "…"
	}{
		{"programme.pdf", exe, mismatch + ".pdf : il ressemble à un programme Windows."},
		{"notes.txt", binary, mismatch + ".txt : …"},
		{"compte-rendu.txt", pdf, mismatch + ".txt : il ressemble à un document PDF."},
		{"compte-rendu.csv", pdf, mismatch + ".csv : il ressemble à un document PDF."},
		{"rapport.pdf", docx, mismatch + ".pdf : il ressemble à un document Word (.docx)."},
		{"rapport.docx", pdf, mismatch + ".docx : il ressemble à un document PDF."},
		{"rapport.docx", odt, mismatch + ".docx : il ressemble à un texte OpenDocument (.odt)."},
		{"rapport.odt", docx, mismatch + ".odt : il ressemble à un document Word (.docx)."},
		{"budget.xlsx", ods, mismatch + ".xlsx : il ressemble à un tableur OpenDocument (.ods)."},
		{"rapport.docx", plainZip, mismatch + ".docx : il ressemble à une archive ZIP."},
		{"photo.jpg", pngb, mismatch + ".jpg : il ressemble à une image PNG."},
		{"photo.png", txt, mismatch + ".png : il ressemble à du texte."},
		{"vide.pdf", nil, mismatch + ".pdf : …"},
		{"programme.exe", exe, "Ce type de fichier n'est pas accepté. Formats acceptés : .pdf, .odt, .ods, .odp, .docx, .xlsx, .pptx, .png, .jpg, .jpeg, .txt, .csv."},
		{"compte-rendu.pdf.exe", exe, "Ce type de fichier n'est pas accepté. …"},
		{"compte-rendu", pdf, "Ce type de fichier n'est pas accepté. …"},
		{"compte-rendu.", pdf, "Ce type de fichier n'est pas accepté. …"},
		{"archive.zip", plainZip, "Ce type de fichier n'est pas accepté. …"},
		{"ancien.doc", pdf, "Ce type de fichier n'est pas accepté. …"},
	}
	for _, tc := range refused {
		t.Run("refuse "+tc.name, func(t *testing.T) {
			sniffed := sniff(tc.content)
			got, err := Check(tc.name, sniffed)
			if err == nil {
				t.Fatalf("Check(%q, %q) = %q, want an error", tc.name, sniffed, got)
			}
			if prefix, ok := strings.CutSuffix(tc.want, "…"); ok {
				if !strings.HasPrefix(err.Error(), prefix) {
					t.Errorf("Check(%q, %q): %q, want it to start with %q", tc.name, sniffed, err, prefix)
				}
			} else if err.Error() != tc.want {
				t.Errorf("Check(%q, %q):\n got %q\nwant %q", tc.name, sniffed, err, tc.want)
			}
		})
	}
}

// TestSniffedAs pins what mimetype says of each sample: the rest of the tests
// rely on it, and a new mimetype release could change it.
func TestSniffedAs(t *testing.T) {
	for _, tc := range []struct {
		content []byte
		want    string
	}{
		{readFile(t, "compte-rendu.pdf"), "application/pdf"},
		{readFile(t, "programme.exe"), "application/vnd.microsoft.portable-executable"},
		{readFile(t, "notes.txt"), "text/plain"},
		{readFile(t, "budget.csv"), "text/csv"},
		{odtFile(t), "application/vnd.oasis.opendocument.text"},
		{docxFile(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{buildZip(t, part{"lisez-moi.txt", "bonjour"}), "application/zip"},
	} {
		if got := sniff(tc.content); got != tc.want {
			t.Errorf("sniffed %q, want %q", got, tc.want)
		}
	}
}

func TestCheckAliasesAndParameters(t *testing.T) {
	for _, tc := range []struct{ name, sniffed, want string }{
		{"a.pdf", "application/x-pdf", "application/pdf"},
		{"a.txt", "text/plain; charset=utf-8", "text/plain"},
		{"a.csv", "text/plain; charset=iso-8859-1", "text/csv"},
		{"a.txt", "text/html; charset=utf-8", "text/plain"}, // served as text, never as HTML
		{"a.png", "image/apng", "image/png"},
	} {
		got, err := Check(tc.name, tc.sniffed)
		if err != nil || got != tc.want {
			t.Errorf("Check(%q, %q) = %q, %v; want %q", tc.name, tc.sniffed, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ name, sniffed string }{
		{"a.docx", "application/zip"},
		{"a.odt", "application/zip"},
		{"a.csv", "application/octet-stream"},
		{"a.pdf", ""},
		{"a.pdf", "n'importe quoi"},
	} {
		if got, err := Check(tc.name, tc.sniffed); err == nil {
			t.Errorf("Check(%q, %q) = %q, want an error", tc.name, tc.sniffed, got)
		}
	}
}

func TestAllowed(t *testing.T) {
	got := strings.Join(Allowed(), ", ")
	want := ".pdf, .odt, .ods, .odp, .docx, .xlsx, .pptx, .png, .jpg, .jpeg, .txt, .csv"
	if got != want {
		t.Errorf("Allowed() = %q, want %q", got, want)
	}
	Allowed()[0] = ".exe"
	if Allowed()[0] != ".pdf" {
		t.Error("Allowed returns the package's own slice")
	}
}
