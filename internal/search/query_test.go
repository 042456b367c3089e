package search

import "testing"

func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"traite", "'traite':*"},
		{"Mécanisme  national", "'mécanisme':* & 'national':*"},
		{`"mécanisme national" identif`, "('mécanisme' <-> 'national') & 'identif':*"},
		{`a' | !b & c:* <-> (d)`, "'a':* & 'b':* & 'c':* & 'd':*"},
		{`"unique"`, "'unique':*"},
		{`"non fermé`, "('non' <-> 'fermé')"},
		{"  ", ""},
		{"';DROP TABLE x;--", "'drop':* & 'table':* & 'x':*"},
	}
	for _, tt := range tests {
		if got := Parse(tt.in).TSQuery; got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := Parse("a b c d e f g h i j k l m n o p")
	if len(long.Words) != maxTerms {
		t.Errorf("%d words kept, want %d", len(long.Words), maxTerms)
	}
}

func TestHighlight(t *testing.T) {
	got := Highlight("la " + StartMark + "traite" + StopMark + " <script>x</script>")
	want := "la <mark>traite</mark> &lt;script&gt;x&lt;/script&gt;"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := Highlight("cut " + StartMark + "half"); got != "cut half" {
		t.Errorf("unbalanced marker: %q", got)
	}
}
