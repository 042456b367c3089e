package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// wordingPackages are the packages whose strings reach pages and mails:
// flash messages, form errors, labels and hints, confirmations, mail
// subjects and bodies, import and upload errors, the demo committee. The
// templates' own text is checked on rendered pages (web/view's
// TestFrenchTypography); internal/jo reads the Journal officiel's text and
// cmd/ writes to a terminal, so neither is here.
var wordingPackages = []string{
	"internal/access", "internal/docimport", "internal/filetype", "internal/mail", "internal/model",
	"internal/password", "internal/seed", "internal/server", "internal/store", "web/view",
}

// Where French typography wants a no-break space and a string has an
// ordinary one: before « : » (not « := » or « :: » of code), before « ; ! ? »
// ending a clause (not « ?cursor= » of a URL), inside « », between a
// number and « % » (not a format verb such as « %d %s »).
var (
	plainBeforeColon = regexp.MustCompile(`\S +:([^:=]|$)`)
	plainBeforeMark  = regexp.MustCompile(`\S +[;!?]([^\pL\d=?.]|$)`)
	plainInQuotes    = regexp.MustCompile(`« | »`)
	plainBeforePct   = regexp.MustCompile(`(\d|%d) %%?([^a-zA-Z%]|$)`)
)

// TestFrenchTypographyOfGoStrings fails when a string literal of the
// portal's wording puts an ordinary space where a browser or a mail reader
// may break the line and leave « : », « ; », « » » or « % » alone at the
// start of the next one. Write U+00A0 before « : », inside « » and before
// « % », U+202F before « ; ! ? », as the templates do.
func TestFrenchTypographyOfGoStrings(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, pkg := range wordingPackages {
		paths, err := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			// Tests type what users type; generated templ code is checked
			// through its templates.
			if strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_templ.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				for _, re := range []*regexp.Regexp{plainBeforeColon, plainBeforeMark, plainInQuotes, plainBeforePct} {
					if loc := re.FindStringIndex(lit.Value); loc != nil {
						from, to := max(loc[0]-30, 0), min(loc[1]+10, len(lit.Value))
						rel, _ := filepath.Rel(root, fset.Position(lit.Pos()).Filename)
						t.Errorf("%s:%d: ordinary space in French punctuation: %q", rel, fset.Position(lit.Pos()).Line, lit.Value[from:to])
						break
					}
				}
				return true
			})
		}
	}
	if checked < 100 {
		t.Fatalf("checked %d files: the package list no longer matches the tree", checked)
	}
}
