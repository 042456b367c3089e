package export

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

func TestSafeCellNeutralisesFormulas(t *testing.T) {
	for _, v := range []string{
		`=HYPERLINK("http://evil")`,
		"=1+1",
		"+33 1 23 45 67 89",
		"-2+3",
		"@SUM(A1:A2)",
		"\tcmd",
		"\r=1",
		"=",
		"-",
	} {
		if got, want := SafeCell(v), "'"+v; got != want {
			t.Fatalf("SafeCell(%q): got %q, want %q", v, got, want)
		}
	}
}

func TestSafeCellLeavesSafeValues(t *testing.T) {
	for _, v := range []string{
		"",
		"Défenseur des droits",
		"Comité contre l'esclavage moderne",
		"2024-03-21",
		"−5",          // U+2212 MINUS SIGN: not read as a formula
		" =1",         // a leading space is not a formula either
		"'déjà cité'", // an apostrophe already there is kept as it is
		"Mme",
		"a=b",
		"Titulaire – CCEM",
	} {
		if got := SafeCell(v); got != v {
			t.Fatalf("SafeCell(%q): got %q, want %q", v, got, v)
		}
	}
}

func TestWriteCSVFormat(t *testing.T) {
	var buf bytes.Buffer
	header := []string{"Organisme", "Sigle"}
	rows := [][]string{{"Défenseur des droits", ""}, {`=HYPERLINK("http://evil")`, "A;B"}}
	if err := WriteCSV(&buf, header, rows); err != nil {
		t.Fatal(err)
	}
	want := BOM + "Organisme;Sigle\r\n" +
		"Défenseur des droits;\r\n" +
		`"'=HYPERLINK(""http://evil"")";"A;B"` + "\r\n"
	if got := buf.String(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestWriteCSVReadsBack(t *testing.T) {
	header := []string{"Catégorie", "Organisme", "Représentant"}
	rows := [][]string{
		{"Associations", "Comité contre l'esclavage moderne", ""},
		{"Associations", "Nom avec \"guillemets\"; et point-virgule", "ligne 1\nligne 2"},
		{"Autre", "+33 6", "@x"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, header, rows); err != nil {
		t.Fatal(err)
	}
	text, ok := strings.CutPrefix(buf.String(), BOM)
	if !ok {
		t.Fatalf("got %q, want a UTF-8 BOM first", buf.String()[:min(8, buf.Len())])
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = ';'
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{header}
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, c := range row {
			safe[i] = SafeCell(c)
		}
		want = append(want, safe)
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
