package docimport

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

// Fuzzing: go test ./internal/docimport -run '^$' -fuzz '^FuzzDOCXPart$' -fuzztime 45s
// -fuzzminimizetime 20x (likewise FuzzODTPart and FuzzFile). The seeds are
// the test files; without -fuzzminimizetime the worker spends its minute
// minimizing the first 10 KB input that finds new code, and seems stuck.

var (
	docxSeeds = []string{"note-procedure.docx", "rapport-etape.docx", "libreoffice/compte-rendu.docx"}
	odtSeeds  = []string{"compte-rendu.odt", "libreoffice/note-procedure.odt", "libreoffice/rapport-etape.odt"}
)

// parts reads every part of a test file.
func parts(t testing.TB, name string) []part {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []part
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, part{f.Name, string(body)})
	}
	return out
}

// replaced returns ps with the part called name given body.
func replaced(ps []part, name, body string) []part {
	out := make([]part, len(ps))
	for i, p := range ps {
		if p.name == name {
			p.body = body
		}
		out[i] = p
	}
	return out
}

// checkImport holds whatever the input: an error is ErrUnreadable, and a
// document is well formed and writes as markdown.
func checkImport(t *testing.T, doc Document, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, ErrUnreadable) {
			t.Fatalf("got error %v, want one wrapping ErrUnreadable", err)
		}
		return
	}
	for _, b := range doc.Blocks {
		switch b.Kind {
		case Heading:
			if b.Level < 1 || b.Level > 6 {
				t.Fatalf("got heading level %d", b.Level)
			}
		case ListItem:
			if b.Level < 1 {
				t.Fatalf("got list level %d", b.Level)
			}
		case Table:
			for _, r := range b.Rows {
				if len(r) != len(b.Rows[0]) {
					t.Fatalf("got rows of %d and %d cells", len(b.Rows[0]), len(r))
				}
			}
		}
		if b.Kind != Table && b.Text == "" {
			t.Fatalf("got an empty %v", b.Kind)
		}
	}
	Markdown(doc)
}

// FuzzDOCXPart changes one XML part of a Word file: the body, the styles,
// the numbering or the notes.
func FuzzDOCXPart(f *testing.F) {
	names := []string{"word/document.xml", "word/styles.xml", "word/numbering.xml", "word/footnotes.xml"}
	base := parts(f, "note-procedure.docx")
	for _, file := range docxSeeds {
		for _, p := range parts(f, file) {
			for i, n := range names {
				if p.name == n {
					f.Add(uint8(i), p.body)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		b := zipParts(t, replaced(base, names[int(which)%len(names)], body))
		doc, err := DOCX(bytes.NewReader(b), int64(len(b)))
		checkImport(t, doc, err)
	})
}

// FuzzODTPart changes the content or the styles of an OpenDocument text.
func FuzzODTPart(f *testing.F) {
	names := []string{"content.xml", "styles.xml"}
	base := parts(f, "compte-rendu.odt")
	for _, file := range odtSeeds {
		for _, p := range parts(f, file) {
			for i, n := range names {
				if p.name == n {
					f.Add(uint8(i), p.body)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		b := zipParts(t, replaced(base, names[int(which)%len(names)], body))
		doc, err := ODT(bytes.NewReader(b), int64(len(b)))
		checkImport(t, doc, err)
	})
}

// FuzzFile gives any bytes to both importers.
func FuzzFile(f *testing.F) {
	for _, file := range append(docxSeeds, odtSeeds...) {
		b, err := os.ReadFile("testdata/" + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := DOCX(bytes.NewReader(b), int64(len(b)))
		checkImport(t, doc, err)
		doc, err = ODT(bytes.NewReader(b), int64(len(b)))
		checkImport(t, doc, err)
	})
}
