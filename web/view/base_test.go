package view

import (
	"context"
	"go/build"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParisSummerTime checks that a summer date is shown in CEST (UTC+2),
// not in a fixed UTC+1, and that the zone comes from the embedded tzdata so
// that a server without zoneinfo shows the same hour.
func TestParisSummerTime(t *testing.T) {
	summer := time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC)
	if got, want := DateTime(summer), "1er juillet 2024 à 14\u00a0h\u00a000"; got != want {
		t.Errorf("DateTime(%v) = %q, want %q", summer, got, want)
	}
	if _, offset := summer.In(Paris).Zone(); offset != 2*3600 {
		t.Errorf("Paris offset on 1 July = %d s, want 7200", offset)
	}
	winter := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	if got, want := DateTime(winter), "15 janvier 2024 à 13\u00a0h\u00a000"; got != want {
		t.Errorf("DateTime(%v) = %q, want %q", winter, got, want)
	}
	if Paris.String() != "Europe/Paris" {
		t.Errorf("Paris = %q, want Europe/Paris", Paris)
	}
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pkg.Imports, "time/tzdata") {
		t.Errorf("package view does not import time/tzdata: Paris depends on the server's zoneinfo")
	}
}

// TestTemplatesDoNotRenderMarkdown checks that no template renders
// markdown on each request: members' texts are rendered once, when saved,
// and the views print the stored HTML.
func TestTemplatesDoNotRenderMarkdown(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v, %v", files, err)
	}
	call := regexp.MustCompile(`(?i)markdown\w*[.(]`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if call.MatchString(line) {
				t.Errorf("%s:%d renders markdown: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(pkg.Imports, "comite/internal/markdown") {
		t.Error("package view imports the markdown renderer")
	}
}

func TestDe(t *testing.T) {
	for name, want := range map[string]string{"Inès Martin": "d'Inès Martin", "Claude Aubry": "de Claude Aubry", "Émile": "d'Émile", "Yves": "d'Yves", "Hélène": "de Hélène", "": "de "} {
		if got := de(name); got != want {
			t.Errorf("de(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestWithBody(t *testing.T) {
	for _, tt := range [][3]string{
		{"Inès Martin", "CNCDH", "Inès Martin (CNCDH)"},
		{"Paul Exemple (DGT, compte de démonstration)", "Direction générale du travail", "Paul Exemple (DGT, compte de démonstration) – Direction générale du travail"},
		{"Inès Martin", "", "Inès Martin"},
	} {
		if got := withBody(tt[0], tt[1]); got != tt[2] {
			t.Errorf("withBody(%q, %q) = %q, want %q", tt[0], tt[1], got, tt[2])
		}
	}
}

func TestHeadingsFrom(t *testing.T) {
	for _, tt := range []struct {
		html string
		top  int
		want string
	}{
		{"<h1>A</h1><p>x</p><h2 id=\"b\">B</h2>", 3, "<h3>A</h3><p>x</p><h4 id=\"b\">B</h4>"},
		{"<h3>A</h3><h4>B</h4>", 2, "<h2>A</h2><h3>B</h3>"},
		{"<h2>A</h2>", 2, "<h2>A</h2>"},
		{"<p>&lt;h2&gt;</p>", 3, "<p>&lt;h2&gt;</p>"},
		{"<h5>A</h5><h6>B</h6>", 6, "<h6>A</h6><h6>B</h6>"},
	} {
		if got := headingsFrom(tt.html, tt.top); got != tt.want {
			t.Errorf("headingsFrom(%q, %d) = %q, want %q", tt.html, tt.top, got, tt.want)
		}
	}
}

func TestInFieldOrder(t *testing.T) {
	f := NewForm()
	f.Order = []string{"date", "other", "title"}
	got := f.InFieldOrder([]Field{{Name: "title"}, {Name: "summary"}, {Name: "date"}}).Order
	if want := []string{"title", "date", "other"}; !slices.Equal(got, want) {
		t.Errorf("summary order %q, want %q", got, want)
	}
	if f.Order[0] != "date" {
		t.Errorf("InFieldOrder changed the form it was given: %q", f.Order)
	}
}

func TestConsultationsInTheMenuForMembersOnly(t *testing.T) {
	render := func(b Base) string {
		var out strings.Builder
		if err := Layout(b).Render(context.Background(), &out); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if page := render(Base{Title: "Accueil"}); strings.Contains(page, `href="/consultations"`) {
		t.Error("the public's menu links to the consultations, which would only show it the sign-in page")
	}
	if page := render(Base{Title: "Accueil", User: &User{Name: "Alice"}}); !strings.Contains(page, `href="/consultations"`) {
		t.Error("a member's menu lacks the consultations")
	}
}
