// Package textdiff computes a readable difference between two versions of a
// text: line by line, with the changed words of a line modified in place.
package textdiff

import (
	"strings"
	"unicode"
)

// Kind tells whether a piece of text is in both versions or in one only.
type Kind int

const (
	Equal    Kind = iota // in both versions
	Inserted             // only in the new version
	Deleted              // only in the old version
)

// Span is a run of text of one kind.
type Span struct {
	Kind Kind
	Text string
}

// Line is one line of the diff. For a line changed in place (a deleted line
// paired with an inserted one), the Deleted Line comes right before the
// Inserted one and both have Words set to word-level spans, so the page can
// highlight just the changed words; otherwise Words is nil.
type Line struct {
	Kind  Kind
	Text  string
	Words []Span
}

// Hunk is a run of consecutive lines shown together.
type Hunk struct {
	Lines []Line
}

// Lines compares a and b line by line, after normalising CRLF to LF. A final
// newline does not count as an extra, empty line. Past 20 000 differing lines
// on either side, the differing region is reported as wholly deleted then
// wholly inserted rather than spending seconds on a shortest diff.
func Lines(a, b string) []Line {
	la, lb := splitLines(a), splitLines(b)
	var out []Line
	i, j := 0, 0
	edits := diff(la, lb)
	for k := 0; k < len(edits); k++ {
		e := edits[k]
		switch e.kind {
		case Equal:
			for _, s := range la[i : i+e.n] {
				out = append(out, Line{Kind: Equal, Text: s})
			}
			i += e.n
			j += e.n
		case Deleted:
			del := la[i : i+e.n]
			i += e.n
			var ins []string
			// diff puts the deletions of a change before its insertions.
			if k+1 < len(edits) && edits[k+1].kind == Inserted {
				k++
				ins = lb[j : j+edits[k].n]
				j += edits[k].n
			}
			out = appendChange(out, del, ins)
		case Inserted:
			out = appendChange(out, nil, lb[j:j+e.n])
			j += e.n
		}
	}
	return out
}

// appendChange pairs deleted and inserted lines in order, so that a line
// edited in place shows as its old version followed by its new one with word
// spans; lines left over from the longer side are plain.
func appendChange(out []Line, del, ins []string) []Line {
	paired := min(len(del), len(ins))
	for k := range paired {
		before, after := wordSpans(del[k], ins[k])
		out = append(out,
			Line{Kind: Deleted, Text: del[k], Words: before},
			Line{Kind: Inserted, Text: ins[k], Words: after},
		)
	}
	for _, s := range del[paired:] {
		out = append(out, Line{Kind: Deleted, Text: s})
	}
	for _, s := range ins[paired:] {
		out = append(out, Line{Kind: Inserted, Text: s})
	}
	return out
}

// Words compares a and b word by word, as one run of Equal, Deleted and
// Inserted spans in edit order: each deletion comes right before the
// insertion that replaces it, equal text once.
func Words(a, b string) []Span {
	wa, wb := splitWords(a), splitWords(b)
	var out []Span
	i, j := 0, 0
	for _, e := range diff(wa, wb) {
		switch e.kind {
		case Equal:
			out = append(out, Span{Kind: Equal, Text: strings.Join(wa[i:i+e.n], "")})
			i += e.n
			j += e.n
		case Deleted:
			out = append(out, Span{Kind: Deleted, Text: strings.Join(wa[i:i+e.n], "")})
			i += e.n
		case Inserted:
			out = append(out, Span{Kind: Inserted, Text: strings.Join(wb[j:j+e.n], "")})
			j += e.n
		}
	}
	return out
}

// wordSpans returns the spans of the old line (Equal and Deleted) and of the
// new line (Equal and Inserted).
func wordSpans(a, b string) (before, after []Span) {
	// Non-nil even for an empty line: a nil Words means the line is not
	// paired.
	before, after = []Span{}, []Span{}
	for _, s := range Words(a, b) {
		if s.Kind != Inserted {
			before = append(before, s)
		}
		if s.Kind != Deleted {
			after = append(after, s)
		}
	}
	return before, after
}

// Stats counts inserted and deleted lines.
func Stats(lines []Line) (inserted, deleted int) {
	for _, l := range lines {
		switch l.Kind {
		case Inserted:
			inserted++
		case Deleted:
			deleted++
		}
	}
	return inserted, deleted
}

// Compact keeps only the changed lines and up to context equal lines on each
// side of them. Changes separated by at most 2×context equal lines share a
// hunk. The hunks share their lines with the given slice.
func Compact(lines []Line, context int) []Hunk {
	context = max(context, 0)
	keep := make([]bool, len(lines))
	last := -1 // index of the latest changed line
	for i, l := range lines {
		if l.Kind != Equal {
			for k := max(i-context, last+1); k <= i; k++ {
				keep[k] = true
			}
			last = i
		} else if last >= 0 && i-last <= context {
			keep[i] = true
		}
	}
	var hunks []Hunk
	for i := 0; i < len(lines); {
		if !keep[i] {
			i++
			continue
		}
		start := i
		for i < len(lines) && keep[i] {
			i++
		}
		hunks = append(hunks, Hunk{Lines: lines[start:i:i]})
	}
	return hunks
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// splitWords cuts s before every non-space rune that follows a space, so
// each word carries the spaces after it and the pieces join back into s.
func splitWords(s string) []string {
	var words []string
	start := 0
	prevSpace := false
	for i, r := range s {
		space := unicode.IsSpace(r)
		if prevSpace && !space {
			words = append(words, s[start:i])
			start = i
		}
		prevSpace = space
	}
	if start < len(s) {
		words = append(words, s[start:])
	}
	return words
}
