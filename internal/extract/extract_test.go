package extract_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"comite/internal/extract"
)

const phrase = "Compte rendu du comité — séance du 21 mars 2024"

type part struct{ name, body string }

// zipOf builds an archive of parts; a part named "mimetype" is stored
// uncompressed, as ODF wants it first and stored.
func zipOf(t *testing.T, parts ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		method := zip.Deflate
		if p.name == "mimetype" {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func text(t *testing.T, mediaType string, data []byte) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return extract.Text(ctx, mediaType, bytes.NewReader(data), int64(len(data)))
}

func mustText(t *testing.T, mediaType string, data []byte) string {
	t.Helper()
	got, err := text(t, mediaType, data)
	if err != nil {
		t.Fatalf("%s: %v", mediaType, err)
	}
	return got
}

const odfNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
	`xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ` +
	`xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ` +
	`xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" ` +
	`xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
	`xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"`

func odf(t *testing.T, mediaType, body string) []byte {
	return zipOf(t,
		part{"mimetype", mediaType},
		part{"META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="` + mediaType + `"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>`},
		part{"content.xml", `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ` + odfNS + ` office:version="1.3">
 <office:automatic-styles><style:style xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" style:name="P1" style:family="paragraph"/></office:automatic-styles>
 <office:body>` + body + `</office:body>
</office:document-content>`},
	)
}

func TestODT(t *testing.T) {
	data := odf(t, "application/vnd.oasis.opendocument.text", `<office:text>
  <text:h text:outline-level="1">Compte rendu du <text:span text:style-name="T1">comité</text:span> — séance du 21<text:s/>mars 2024</text:h>
  <text:p>Présents<text:tab/>: la présidente<text:line-break/>et le secrétaire<office:annotation><dc:creator>Relecteur</dc:creator><text:p>à revoir</text:p></office:annotation></text:p>
  <text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>texte supprimé</text:p></text:deletion></text:changed-region></text:tracked-changes>
  <table:table table:name="Votes"><table:table-row>
   <table:table-cell><text:p>Pour</text:p></table:table-cell><table:table-cell><text:p>12</text:p></table:table-cell>
  </table:table-row></table:table>
 </office:text>`)
	got := mustText(t, "application/vnd.oasis.opendocument.text", data)
	want := phrase + "\nPrésents\t: la présidente\net le secrétaire\nPour\n12"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestODS(t *testing.T) {
	data := odf(t, "application/vnd.oasis.opendocument.spreadsheet", `<office:spreadsheet>
  <table:table table:name="Feuille1">
   <table:table-row><table:table-cell office:value-type="string"><text:p>`+phrase+`</text:p></table:table-cell>
    <table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell></table:table-row>
   <table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
  </table:table>
 </office:spreadsheet>`)
	got := mustText(t, "application/vnd.oasis.opendocument.spreadsheet", data)
	if want := phrase + "\n3"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestODP(t *testing.T) {
	data := odf(t, "application/vnd.oasis.opendocument.presentation", `<office:presentation>
  <draw:page draw:name="page1"><draw:frame svg:width="20cm" svg:height="3cm"><draw:text-box>
   <text:p>`+phrase+`</text:p><text:p>Ordre du jour</text:p>
  </draw:text-box></draw:frame></draw:page>
 </office:presentation>`)
	got := mustText(t, "application/vnd.oasis.opendocument.presentation", data)
	if want := phrase + "\nOrdre du jour"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func ooxml(t *testing.T, overrides string, parts ...part) []byte {
	all := []part{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>` + overrides + `</Types>`},
	}
	return zipOf(t, append(all, parts...)...)
}

func rels(target, typ string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="` + typ + `" Target="` + target + `"/>
</Relationships>`
}

const officeDocRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

func docx(t *testing.T, body string) []byte {
	return ooxml(t, `<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>`,
		part{"_rels/.rels", rels("word/document.xml", officeDocRel)},
		part{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `<w:sectPr/></w:body></w:document>`},
	)
}

func TestDOCX(t *testing.T) {
	data := docx(t, `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>`+
		`<w:r><w:t>Compte rendu du </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>comité</w:t></w:r>`+
		`<w:r><w:t xml:space="preserve"> — séance du 21 mars 2024</w:t></w:r></w:p>`+
		`<w:p><w:r><w:t>Point 1</w:t><w:tab/><w:t>Budget &amp; comptes</w:t><w:br/><w:t>adopté</w:t></w:r></w:p>`+
		`<w:p/><w:p><w:r><w:delText>supprimé</w:delText><w:instrText>PAGE</w:instrText></w:r></w:p>`)
	got := mustText(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", data)
	if want := phrase + "\nPoint 1\tBudget & comptes\nadopté"; got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestXLSX(t *testing.T) {
	data := ooxml(t, `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`,
		part{"_rels/.rels", rels("xl/workbook.xml", officeDocRel)},
		part{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		part{"xl/_rels/workbook.xml.rels", rels("worksheets/sheet1.xml", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet")},
		part{"xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><t>Compte rendu du comité</t></si><si><r><t xml:space="preserve"> — séance </t></r><r><rPr><b/></rPr><t>du 21 mars 2024</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si></sst>`},
		part{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1"><v>42</v></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>Budget voté</t></is></c><c r="B2"><f>SUM(C1)</f><v>42</v></c></row>
</sheetData></worksheet>`},
	)
	got := mustText(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
	if want := "Compte rendu du comité\n — séance du 21 mars 2024\nBudget voté"; got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func slide(paras ...string) string {
	var b strings.Builder
	for _, p := range paras {
		b.WriteString(`<a:p><a:r><a:rPr lang="fr-FR"/><a:t>` + p + `</a:t></a:r></a:p>`)
	}
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree>
<p:sp><p:txBody><a:bodyPr/>` + b.String() + `</p:txBody></p:sp></p:spTree></p:cSld></p:sld>`
}

func TestPPTX(t *testing.T) {
	data := ooxml(t, `<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>`,
		part{"_rels/.rels", rels("ppt/presentation.xml", officeDocRel)},
		part{"ppt/presentation.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>`},
		// Out of order in the archive, and 10 after 2.
		part{"ppt/slides/slide10.xml", slide("Questions diverses")},
		part{"ppt/slides/slide1.xml", slide("Compte rendu du comité", "séance du 21 mars 2024")},
		part{"ppt/slides/slide2.xml", slide("Ordre du jour")},
		part{"ppt/slides/_rels/slide1.xml.rels", rels("../slideLayouts/slideLayout1.xml", "x")},
	)
	got := mustText(t, "application/vnd.openxmlformats-officedocument.presentationml.presentation", data)
	if want := "Compte rendu du comité\nséance du 21 mars 2024\nOrdre du jour\nQuestions diverses"; got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// minimalPDF writes a one-page PDF 1.4 showing line in Helvetica, with an
// exact cross-reference table. line is written in WinAnsiEncoding.
func minimalPDF(t *testing.T, line string) []byte {
	t.Helper()
	var lit strings.Builder
	for _, r := range line {
		switch {
		case r == '(' || r == ')' || r == '\\':
			lit.WriteString(`\` + string(r))
		case r >= 0x20 && r < 0x7f:
			lit.WriteRune(r)
		case r >= 0xa0 && r <= 0xff: // Latin-1 part of WinAnsi
			fmt.Fprintf(&lit, `\%03o`, r)
		default:
			t.Fatalf("minimalPDF: %q is not in WinAnsiEncoding here", r)
		}
	}
	content := "BT /F1 24 Tf 72 720 Td (" + lit.String() + ") Tj ET\n"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off) // 20 bytes each, as the format wants
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)

	// The table must point at each object.
	data := b.Bytes()
	for i, off := range offsets {
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(data[off:], []byte(want)) {
			t.Fatalf("minimalPDF: object %d not at offset %d", i+1, off)
		}
	}
	if !bytes.HasPrefix(data[xref:], []byte("xref\n")) {
		t.Fatal("minimalPDF: startxref is wrong")
	}
	return data
}

// TestPDF runs the real pdftotext: it fails, not skips, without it, because
// the portal cannot search PDFs without it.
func TestPDF(t *testing.T) {
	got := mustText(t, "application/pdf", minimalPDF(t, "Compte rendu du comité"))
	if got != "Compte rendu du comité" {
		t.Fatalf("got %q", got)
	}
}

func TestCorruptFiles(t *testing.T) {
	cases := []struct{ name, mediaType string }{
		{"pdf", "application/pdf"},
		{"odt", "application/vnd.oasis.opendocument.text"},
		{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := []byte("%PDF-1.4\nceci n'est pas un fichier valide\n")
			_, err := text(t, c.mediaType, data)
			if !errors.Is(err, extract.ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
		})
	}
	t.Run("missing part", func(t *testing.T) {
		data := zipOf(t, part{"word/other.xml", "<x/>"})
		if _, err := text(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", data); !errors.Is(err, extract.ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})
	t.Run("broken xml", func(t *testing.T) {
		data := docxRaw(t, "<w:document><w:body><w:p><w:t>a &nbsp; b</w:t>")
		if _, err := text(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", data); !errors.Is(err, extract.ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})
}

// docxRaw is a DOCX whose document.xml is exactly body.
func docxRaw(t *testing.T, body string) []byte {
	return zipOf(t, part{"[Content_Types].xml", "<Types/>"}, part{"word/document.xml", body})
}

func TestPlainText(t *testing.T) {
	cases := []struct {
		name, mediaType string
		data            []byte
		want            string
	}{
		{"utf8", "text/plain; charset=utf-8", []byte("\uFEFF" + phrase + "\n"), phrase + "\n"},
		{"csv", "text/csv", []byte("date;objet\n2024-03-21;" + phrase + "\n"), "date;objet\n2024-03-21;" + phrase + "\n"},
		{"windows-1252", "text/csv", []byte("s\xe9ance du comit\xe9 \x96 \x80 5\n"), "séance du comité – € 5\n"},
		{"mostly utf8", "text/plain", []byte("comité \xff fin"), "comité \uFFFD fin"},
		{"nul", "text/plain", []byte("a\x00b"), "ab"},
		{"empty", "text/plain", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := mustText(t, c.mediaType, c.data)
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestUnsupported(t *testing.T) {
	for _, mt := range []string{"image/png", "image/jpeg", "application/octet-stream"} {
		if _, err := text(t, mt, []byte("\x89PNG\r\n\x1a\n")); !errors.Is(err, extract.ErrUnsupported) {
			t.Errorf("%s: got %v, want ErrUnsupported", mt, err)
		}
	}
}

func TestTextIsCapped(t *testing.T) {
	// 'é' is two bytes, so an odd cap would split one without care.
	long := strings.Repeat("é", extract.MaxText)
	t.Run("plain", func(t *testing.T) {
		got := mustText(t, "text/plain", []byte(long))
		if len(got) > extract.MaxText || len(got) < extract.MaxText-4 || !utf8.ValidString(got) {
			t.Fatalf("len %d, valid %v", len(got), utf8.ValidString(got))
		}
	})
	t.Run("docx", func(t *testing.T) {
		got := mustText(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			docx(t, strings.Repeat("<w:p><w:r><w:t>"+strings.Repeat("é", 999)+"</w:t></w:r></w:p>", 2*extract.MaxText/2000+10)))
		if len(got) > extract.MaxText || len(got) < extract.MaxText-4 || !utf8.ValidString(got) {
			t.Fatalf("len %d, valid %v", len(got), utf8.ValidString(got))
		}
	})
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := minimalPDF(t, "x")
	_, err := extract.Text(ctx, "application/pdf", bytes.NewReader(data), int64(len(data)))
	if !errors.Is(err, context.Canceled) || errors.Is(err, extract.ErrInvalid) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r *bytes.Reader
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// deflated compresses head, then chunk repeated until size bytes, then tail;
// it returns the compressed bytes, their CRC-32 and inflated length.
func deflated(t *testing.T, head, chunk, tail string, size int) ([]byte, uint32, int) {
	t.Helper()
	var comp bytes.Buffer
	crc := crc32.NewIEEE()
	fw, err := flate.NewWriter(&comp, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	w := io.MultiWriter(fw, crc)
	io.WriteString(w, head)
	chunk = strings.Repeat(chunk, 64<<10/len(chunk))
	n := len(head)
	for n < size {
		io.WriteString(w, chunk)
		n += len(chunk)
	}
	io.WriteString(w, tail)
	n += len(tail)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return comp.Bytes(), crc.Sum32(), n
}

// rawZip stores parts already compressed with deflate, their headers
// declaring size bytes each.
func rawZip(t *testing.T, comp []byte, crc uint32, size int, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		pw, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
			CRC32: crc, CompressedSize64: uint64(len(comp)), UncompressedSize64: uint64(size)})
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(comp)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestZipBomb: a small DOCX whose document.xml inflates to 64 MiB of
// elements without text, so that only the cap on inflated bytes stops the
// reading. With an honest header it is refused at once; with a header that
// lies about the size, after reading a fraction of the archive.
func TestZipBomb(t *testing.T) {
	comp, crc, n := deflated(t, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`,
		`<w:bookmarkEnd w:id="0"/>`, `</w:body></w:document>`, 64<<20)
	for _, honest := range []bool{true, false} {
		t.Run(fmt.Sprintf("honest=%v", honest), func(t *testing.T) {
			size := n
			if !honest {
				size = 4096
			}
			data := rawZip(t, comp, crc, size, "word/document.xml")
			r := &countingReaderAt{r: bytes.NewReader(data)}
			_, err := extract.Text(context.Background(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", r, int64(len(data)))
			// A lying header is caught by archive/zip, which reads no more
			// than the declared size.
			if !errors.Is(err, extract.ErrInvalid) || honest && !strings.Contains(err.Error(), "inflates beyond") {
				t.Fatalf("got %v, want an ErrInvalid about inflating", err)
			}
			if read := r.n.Load(); read > int64(len(data))/2 {
				t.Fatalf("read %d of %d compressed bytes: the cap did not stop the reading", read, len(data))
			}
		})
	}
}

// TestZipBombParts: sheets each under the cap but over it together. The cap
// is lowered to 1 MiB for the test, which would be slow at 50 MiB.
func TestZipBombParts(t *testing.T) {
	defer extract.SetMaxXML(1 << 20)()
	sheet := `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		strings.Repeat(`<row><c><v>1</v></c></row>`, 400<<10/26) + `</sheetData></worksheet>`
	data := zipOf(t, part{"xl/workbook.xml", "<workbook/>"},
		part{"xl/worksheets/sheet1.xml", sheet}, part{"xl/worksheets/sheet2.xml", sheet}, part{"xl/worksheets/sheet3.xml", sheet})
	_, err := text(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
	if !errors.Is(err, extract.ErrInvalid) || !strings.Contains(err.Error(), "sheet3.xml") || !strings.Contains(err.Error(), "inflates beyond") {
		t.Fatalf("got %v, want an ErrInvalid about sheet3.xml inflating", err)
	}
}
