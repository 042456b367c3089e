package extract

import (
	"archive/zip"
	"cmp"
	"compress/flate"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// errTooLarge is the error of an archive inflating beyond maxXML.
var errTooLarge = errors.New("the archive inflates beyond the limit for text extraction")

// rules say how to read the text out of one kind of XML part. Elements are
// matched by local name: prefixes vary, and OOXML has two sets of namespaces
// (transitional and strict) for the same names.
type rules struct {
	// collect names the elements whose character data, at any depth, is text.
	collect map[string]bool
	// open is text written where an element starts (tabs, line breaks).
	open map[string]string
	// close is the separator written where an element ends (paragraphs).
	close map[string]string
	// skip names the elements whose whole content is ignored.
	skip map[string]bool
}

var (
	// ODF: all text is in paragraphs and headings, table cells included.
	odfRules = &rules{
		collect: set("p", "h"),
		open:    map[string]string{"s": " ", "tab": "\t", "line-break": "\n"},
		close:   map[string]string{"p": "\n", "h": "\n", "table-cell": "\t"},
		// Deleted text kept for change tracking, comments with their author.
		skip: set("tracked-changes", "annotation"),
	}
	// WordprocessingML: runs of text in w:t (and a:t in drawings).
	docxRules = &rules{
		collect: set("t"),
		open:    map[string]string{"tab": "\t", "br": "\n", "cr": "\n"},
		close:   map[string]string{"p": "\n"},
		// Paragraph and run properties hold tab stops, not tabs.
		skip: set("pPr", "rPr"),
	}
	// SpreadsheetML: shared strings (si) and inline strings (is) of cells.
	xlsxRules = &rules{
		collect: set("t"),
		close:   map[string]string{"si": "\n", "is": "\n"},
		// Phonetic readings repeat the text.
		skip: set("rPh"),
	}
	// PresentationML: DrawingML paragraphs of the slides.
	pptxRules = &rules{
		collect: set("t"),
		open:    map[string]string{"br": "\n"},
		close:   map[string]string{"p": "\n"},
	}
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// archive is a zip file read with a budget of inflated bytes shared by all
// its parts.
type archive struct {
	zr     *zip.Reader
	budget int64
	out    collector
}

func openArchive(r io.ReaderAt, size int64) (*archive, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, zipErr(err)
	}
	return &archive{zr: zr, budget: maxXML}, nil
}

// zipErr marks the errors that come from the content of the file as invalid;
// the others come from reading it.
func zipErr(err error) error {
	var corrupt flate.CorruptInputError
	var syntax *xml.SyntaxError
	switch {
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrAlgorithm), errors.Is(err, zip.ErrChecksum),
		errors.Is(err, zip.ErrInsecurePath), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, errTooLarge),
		errors.As(err, &corrupt), errors.As(err, &syntax):
		return invalid(err)
	}
	return err
}

func (a *archive) file(name string) *zip.File {
	for _, f := range a.zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// numbered returns the parts named prefix + number + suffix, by number.
func (a *archive) numbered(prefix, suffix string) []*zip.File {
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `([0-9]{1,9})` + regexp.QuoteMeta(suffix) + `$`)
	type part struct {
		n int
		f *zip.File
	}
	var parts []part
	for _, f := range a.zr.File {
		if m := re.FindStringSubmatch(f.Name); m != nil {
			n, _ := strconv.Atoi(m[1])
			parts = append(parts, part{n, f})
		}
	}
	slices.SortFunc(parts, func(x, y part) int { return cmp.Compare(x.n, y.n) })
	files := make([]*zip.File, len(parts))
	for i, p := range parts {
		files[i] = p.f
	}
	return files
}

// read adds the text of XML part f to a.out.
func (a *archive) read(ctx context.Context, f *zip.File, rl *rules) error {
	if a.out.full {
		return nil
	}
	// A first check on the declared size; budgetReader enforces the real one.
	if f.UncompressedSize64 > uint64(a.budget) {
		return invalid(fmt.Errorf("%s: %w", f.Name, errTooLarge))
	}
	rc, err := f.Open()
	if err != nil {
		return zipErr(fmt.Errorf("%s: %w", f.Name, err))
	}
	defer rc.Close()
	dec := xml.NewDecoder(&budgetReader{r: rc, budget: &a.budget})
	if err := walk(ctx, dec, rl, &a.out); err != nil {
		if ctx.Err() != nil {
			return err
		}
		return zipErr(fmt.Errorf("%s: %w", f.Name, err))
	}
	return nil
}

// text returns what was read, trimmed and cleaned.
func (a *archive) text() string {
	return clean(strings.TrimSpace(a.out.b.String()))
}

// budgetReader fails once more than *budget bytes have been read through it.
type budgetReader struct {
	r      io.Reader
	budget *int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if *b.budget < 0 {
		return 0, errTooLarge
	}
	n, err := b.r.Read(p)
	*b.budget -= int64(n)
	if *b.budget < 0 {
		return 0, errTooLarge
	}
	return n, err
}

// walk collects the text of the XML read by dec into out, until the end of
// the document or until out is full.
func walk(ctx context.Context, dec *xml.Decoder, rl *rules, out *collector) error {
	collecting, skipping := 0, 0
	for n := 0; !out.full; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// RawToken leaves prefixes alone and does not match end tags to
		// start tags: only local names matter here, and the zip checksum
		// catches a truncated part.
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if skipping > 0 || rl.skip[name] {
				skipping++
				continue
			}
			if rl.collect[name] {
				collecting++
			}
			if s, ok := rl.open[name]; ok {
				out.text(s)
			}
		case xml.EndElement:
			name := t.Name.Local
			if skipping > 0 {
				skipping--
				continue
			}
			if rl.collect[name] && collecting > 0 {
				collecting--
			}
			if s, ok := rl.close[name]; ok {
				out.sep(s)
			}
		case xml.CharData:
			if collecting > 0 && skipping == 0 {
				out.text(string(t))
			}
		}
	}
	return nil
}

// collector gathers text up to MaxText bytes.
type collector struct {
	b    strings.Builder
	full bool
}

func (c *collector) text(s string) {
	if c.full || s == "" {
		return
	}
	if c.b.Len()+len(s) > MaxText {
		s = truncate(strings.ToValidUTF8(s, "\uFFFD"), MaxText-c.b.Len())
		c.full = true
	}
	c.b.WriteString(s)
}

// sep writes a separator, unless the text is empty or already ends with
// white space.
func (c *collector) sep(s string) {
	if c.b.Len() == 0 {
		return
	}
	switch c.b.String()[c.b.Len()-1] {
	case '\n', ' ', '\t':
		return
	}
	c.text(s)
}

func odfText(ctx context.Context, r io.ReaderAt, size int64) (string, error) {
	a, err := openArchive(r, size)
	if err != nil {
		return "", err
	}
	f := a.file("content.xml")
	if f == nil {
		return "", invalid(errors.New("no content.xml in the OpenDocument file"))
	}
	if err := a.read(ctx, f, odfRules); err != nil {
		return "", err
	}
	return a.text(), nil
}

func docxText(ctx context.Context, r io.ReaderAt, size int64) (string, error) {
	a, err := openArchive(r, size)
	if err != nil {
		return "", err
	}
	f := a.file("word/document.xml")
	if f == nil {
		return "", invalid(errors.New("no word/document.xml in the Word file"))
	}
	if err := a.read(ctx, f, docxRules); err != nil {
		return "", err
	}
	return a.text(), nil
}

// xlsxText reads the shared strings, then the inline strings of each sheet.
// Numbers and formula results are not text for search.
func xlsxText(ctx context.Context, r io.ReaderAt, size int64) (string, error) {
	a, err := openArchive(r, size)
	if err != nil {
		return "", err
	}
	if a.file("xl/workbook.xml") == nil {
		return "", invalid(errors.New("no xl/workbook.xml in the Excel file"))
	}
	parts := a.numbered("xl/worksheets/sheet", ".xml")
	if f := a.file("xl/sharedStrings.xml"); f != nil {
		parts = append([]*zip.File{f}, parts...)
	}
	for _, f := range parts {
		if err := a.read(ctx, f, xlsxRules); err != nil {
			return "", err
		}
	}
	return a.text(), nil
}

// pptxText reads the slides in their order.
func pptxText(ctx context.Context, r io.ReaderAt, size int64) (string, error) {
	a, err := openArchive(r, size)
	if err != nil {
		return "", err
	}
	if a.file("ppt/presentation.xml") == nil {
		return "", invalid(errors.New("no ppt/presentation.xml in the PowerPoint file"))
	}
	for _, f := range a.numbered("ppt/slides/slide", ".xml") {
		if err := a.read(ctx, f, pptxRules); err != nil {
			return "", err
		}
		a.out.sep("\n")
	}
	return a.text(), nil
}
