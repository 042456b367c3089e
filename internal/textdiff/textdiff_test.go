package textdiff

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	eq := func(s string) Line { return Line{Kind: Equal, Text: s} }
	ins := func(s string) Line { return Line{Kind: Inserted, Text: s} }
	del := func(s string) Line { return Line{Kind: Deleted, Text: s} }

	tests := []struct {
		name string
		a, b string
		want []Line
	}{
		{
			name: "identical",
			a:    "un\ndeux\ntrois\n",
			b:    "un\ndeux\ntrois\n",
			want: []Line{eq("un"), eq("deux"), eq("trois")},
		},
		{
			name: "one word changed",
			a:    "Relevé de décisions\nPrésents : 12\nLe budget est adopté.\nVote : unanime\nFin",
			b:    "Relevé de décisions\nPrésents : 12\nLe budget est rejeté.\nVote : unanime\nFin",
			want: []Line{
				eq("Relevé de décisions"),
				eq("Présents : 12"),
				{Kind: Deleted, Text: "Le budget est adopté.", Words: []Span{
					{Equal, "Le budget est "}, {Deleted, "adopté."},
				}},
				{Kind: Inserted, Text: "Le budget est rejeté.", Words: []Span{
					{Equal, "Le budget est "}, {Inserted, "rejeté."},
				}},
				eq("Vote : unanime"),
				eq("Fin"),
			},
		},
		{
			name: "word in the middle",
			a:    "le  chat dort",
			b:    "le  chien dort",
			want: []Line{
				{Kind: Deleted, Text: "le  chat dort", Words: []Span{
					{Equal, "le  "}, {Deleted, "chat "}, {Equal, "dort"},
				}},
				{Kind: Inserted, Text: "le  chien dort", Words: []Span{
					{Equal, "le  "}, {Inserted, "chien "}, {Equal, "dort"},
				}},
			},
		},
		{
			name: "paragraph added at end",
			a:    "un\ndeux\n",
			b:    "un\ndeux\n\ntrois\nquatre\n",
			want: []Line{eq("un"), eq("deux"), ins(""), ins("trois"), ins("quatre")},
		},
		{
			name: "line removed",
			a:    "un\ndeux\ntrois",
			b:    "un\ntrois",
			want: []Line{eq("un"), del("deux"), eq("trois")},
		},
		{
			name: "CRLF and LF",
			a:    "un\r\ndeux\r\n",
			b:    "un\ndeux\n",
			want: []Line{eq("un"), eq("deux")},
		},
		{
			name: "final newline ignored",
			a:    "un\ndeux",
			b:    "un\ndeux\n",
			want: []Line{eq("un"), eq("deux")},
		},
		{
			name: "empty a",
			a:    "",
			b:    "un\ndeux",
			want: []Line{ins("un"), ins("deux")},
		},
		{
			name: "empty b",
			a:    "un\ndeux",
			b:    "",
			want: []Line{del("un"), del("deux")},
		},
		{
			name: "both empty",
		},
		{
			name: "more deleted than inserted lines",
			a:    "x\na b\nc\ny",
			b:    "x\na B\ny",
			want: []Line{
				eq("x"),
				{Kind: Deleted, Text: "a b", Words: []Span{{Equal, "a "}, {Deleted, "b"}}},
				{Kind: Inserted, Text: "a B", Words: []Span{{Equal, "a "}, {Inserted, "B"}}},
				del("c"),
				eq("y"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lines(tt.a, tt.b)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Lines(%q, %q) =\n%v\nwant\n%v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestStats(t *testing.T) {
	lines := Lines("a\nb\nc\nd\n", "a\nB\nc\nx\ny\n")
	ins, del := Stats(lines)
	if ins != 3 || del != 2 {
		t.Errorf("Stats = %d inserted, %d deleted, want 3, 2", ins, del)
	}
	if ins, del := Stats(Lines("a", "a")); ins != 0 || del != 0 {
		t.Errorf("Stats of equal texts = %d, %d", ins, del)
	}
}

func TestCompact(t *testing.T) {
	eq := func(s string) Line { return Line{Kind: Equal, Text: s} }
	ins := func(s string) Line { return Line{Kind: Inserted, Text: s} }
	del := func(s string) Line { return Line{Kind: Deleted, Text: s} }
	lines := []Line{
		eq("1"), eq("2"), del("3"), eq("4"), eq("5"), eq("6"), eq("7"),
		ins("8"), eq("9"), eq("10"), ins("11"), eq("12"),
	}
	tests := []struct {
		context int
		want    []Hunk
	}{
		{0, []Hunk{{[]Line{del("3")}}, {[]Line{ins("8")}}, {[]Line{ins("11")}}}},
		{1, []Hunk{
			{[]Line{eq("2"), del("3"), eq("4")}},
			// 9 and 10 are both within context: the hunks touch and merge.
			{[]Line{eq("7"), ins("8"), eq("9"), eq("10"), ins("11"), eq("12")}},
		}},
		{2, []Hunk{{lines}}},
		{-1, []Hunk{{[]Line{del("3")}}, {[]Line{ins("8")}}, {[]Line{ins("11")}}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.context), func(t *testing.T) {
			if got := Compact(lines, tt.context); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Compact(%d) =\n%v\nwant\n%v", tt.context, got, tt.want)
			}
		})
	}
	if got := Compact([]Line{eq("a"), eq("b")}, 3); got != nil {
		t.Errorf("Compact without changes = %v, want nil", got)
	}
	if got := Compact(nil, 3); got != nil {
		t.Errorf("Compact(nil) = %v, want nil", got)
	}
}

func TestCompactHunkIsolated(t *testing.T) {
	lines := Lines("a\nb\nc", "a\nB\nc")
	hunks := Compact(lines, 0)
	hunks[0].Lines = append(hunks[0].Lines, Line{Text: "extra"})
	if lines[3].Text != "c" {
		t.Error("appending to a hunk overwrote the lines it was cut from")
	}
}

// TestLinesProperties checks, on random texts drawn from a small vocabulary
// so that they share lines and words, that the diff is a faithful and
// minimal account of both texts.
func TestLinesProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b := randomText(rng), randomText(rng)
		lines := Lines(a, b)
		var left, right []string
		for i, l := range lines {
			if l.Kind != Inserted {
				left = append(left, l.Text)
			}
			if l.Kind != Deleted {
				right = append(right, l.Text)
			}
			if l.Words != nil {
				var sb strings.Builder
				for _, w := range l.Words {
					if w.Kind != Equal && w.Kind != l.Kind {
						t.Fatalf("span %v in %v line", w, l.Kind)
					}
					sb.WriteString(w.Text)
				}
				if sb.String() != l.Text {
					t.Fatalf("words %v do not rebuild line %q", l.Words, l.Text)
				}
				paired := l.Kind == Deleted && i+1 < len(lines) && lines[i+1].Kind == Inserted && lines[i+1].Words != nil ||
					l.Kind == Inserted && i > 0 && lines[i-1].Kind == Deleted && lines[i-1].Words != nil
				if !paired {
					t.Fatalf("line %d has words but is not part of a pair: %v", i, lines)
				}
			}
		}
		if got, want := strings.Join(left, "\n"), normalise(a); got != want {
			t.Fatalf("old lines give %q, want %q", got, want)
		}
		if got, want := strings.Join(right, "\n"), normalise(b); got != want {
			t.Fatalf("new lines give %q, want %q", got, want)
		}
		ins, del := Stats(lines)
		la, lb := splitLines(a), splitLines(b)
		if want := len(la) + len(lb) - 2*lcsLen(la, lb); ins+del != want {
			t.Fatalf("diff of %q and %q has %d edits, shortest has %d", a, b, ins+del, want)
		}
	}
}

// TestDiffMinimal compares the edit count with a dynamic programming LCS on
// small random sequences, where the search hits the box edges often.
func TestDiffMinimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		a := make([]byte, rng.IntN(12))
		b := make([]byte, rng.IntN(12))
		for i := range a {
			a[i] = byte('a' + rng.IntN(3))
		}
		for i := range b {
			b[i] = byte('a' + rng.IntN(3))
		}
		edits := diff(a, b)
		i, j, n := 0, 0, 0
		for _, e := range edits {
			switch e.kind {
			case Equal:
				if string(a[i:i+e.n]) != string(b[j:j+e.n]) {
					t.Fatalf("diff(%q, %q): equal run %q vs %q", a, b, a[i:i+e.n], b[j:j+e.n])
				}
				i, j = i+e.n, j+e.n
			case Deleted:
				i, n = i+e.n, n+e.n
			case Inserted:
				j, n = j+e.n, n+e.n
			}
		}
		if i != len(a) || j != len(b) {
			t.Fatalf("diff(%q, %q) consumes %d, %d items", a, b, i, j)
		}
		if want := len(a) + len(b) - 2*lcsLen(a, b); n != want {
			t.Fatalf("diff(%q, %q) = %v: %d edits, want %d", a, b, edits, n, want)
		}
	}
}

func TestLinesLargeFallback(t *testing.T) {
	var a, b strings.Builder
	for i := range maxItems + 1 {
		fmt.Fprintf(&a, "a%d\n", i)
		fmt.Fprintf(&b, "b%d\n", i)
	}
	ins, del := Stats(Lines(a.String(), b.String()))
	if ins != maxItems+1 || del != maxItems+1 {
		t.Errorf("Stats = %d, %d", ins, del)
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		s    string
		want []string
	}{
		{"", nil},
		{"mot", []string{"mot"}},
		{"deux mots", []string{"deux ", "mots"}},
		{"  en tête\tet  fin  ", []string{"  ", "en ", "tête\t", "et  ", "fin  "}},
		{"l'œuvre\u00a0: été", []string{"l'œuvre\u00a0", ": ", "été"}},
	}
	for _, tt := range tests {
		if got := splitWords(tt.s); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitWords(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func randomText(rng *rand.Rand) string {
	words := []string{"le", "comité", "vote", "  ", "budget", "\t", "é", ""}
	var sb strings.Builder
	for range rng.IntN(12) {
		for k := range rng.IntN(4) {
			if k > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(words[rng.IntN(len(words))])
		}
		if rng.IntN(5) == 0 {
			sb.WriteByte('\r')
		}
		sb.WriteByte('\n')
	}
	s := sb.String()
	if rng.IntN(2) == 0 {
		s = strings.TrimSuffix(s, "\n")
	}
	return s
}

func normalise(s string) string {
	return strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

func lcsLen[T comparable](a, b []T) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func BenchmarkLines(b *testing.B) {
	var old, changed strings.Builder
	for i := range 2000 {
		line := fmt.Sprintf("Ligne %d du procès-verbal : le comité examine le point %d de l'ordre du jour.\n", i, i)
		old.WriteString(line)
		if i%40 == 0 {
			line = fmt.Sprintf("Ligne %d du procès-verbal : le bureau reporte le point %d à la prochaine séance.\n", i, i)
		}
		changed.WriteString(line)
	}
	a, c := old.String(), changed.String()
	for b.Loop() {
		Lines(a, c)
	}
}

// TestWords: an amendment reads as one run, the deleted words right before
// the words that replace them; a word carries the spaces after it, so
// « jours » at the end differs from « jours » followed by more.
func TestWords(t *testing.T) {
	got := Words("le délai est de deux jours", "le délai est de trois jours ouvrés")
	want := []Span{
		{Equal, "le délai est de "}, {Deleted, "deux jours"}, {Inserted, "trois jours ouvrés"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %+v\nwant %+v", got, want)
	}
}
