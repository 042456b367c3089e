package docimport

import (
	"net/url"
	"strings"
	"unicode"
)

// style is the inline formatting of a piece of text.
type style struct {
	bold, italic bool
	link         string // a safe URL, or empty
}

// marks are bold and italic as a document's style sets them: nil where
// the style says nothing, which the style it is based on then decides.
type marks struct{ bold, italic *bool }

// inherit fills what m leaves open from the next style up the chain, and
// reports whether both are now decided.
func (m *marks) inherit(from marks) bool {
	if m.bold == nil {
		m.bold = from.bold
	}
	if m.italic == nil {
		m.italic = from.italic
	}
	return m.bold != nil && m.italic != nil
}

// apply returns st with what m decides.
func (m marks) apply(st style) style {
	if m.bold != nil {
		st.bold = *m.bold
	}
	if m.italic != nil {
		st.italic = *m.italic
	}
	return st
}

// span is a piece of text with one style; text is plain, not yet escaped.
type span struct {
	text string
	style
}

// inline gathers the spans of one block as a word processor splits them
// (runs cut in the middle of words), and writes them as markdown.
type inline struct {
	spans []span
}

func (in *inline) add(text string, st style) {
	if text == "" {
		return
	}
	if n := len(in.spans); n > 0 && in.spans[n-1].style == st {
		in.spans[n-1].text += text
		return
	}
	in.spans = append(in.spans, span{text, st})
}

// raw adds markdown that must not be escaped (a note marker), unstyled.
func (in *inline) raw(md string) {
	in.spans = append(in.spans, span{text: "\x00" + md})
}

// markdown writes the spans as inline markdown: white space collapsed,
// markdown characters escaped, emphasis markers kept tight around their
// words, line starts that markdown would read as block syntax escaped.
func (in *inline) markdown() string {
	// Collapse white space across spans first, so that markers never sit
	// next to a space they would need to be outside of.
	var b strings.Builder
	for i := 0; i < len(in.spans); {
		// A link groups the spans that share it.
		j := i
		for j < len(in.spans) && in.spans[j].link == in.spans[i].link {
			j++
		}
		group := in.spans[i:j]
		if link := in.spans[i].link; link != "" {
			text := emphasis(group)
			lead, core, trail := cutSpace(text)
			if strings.TrimSpace(core) == "" {
				core = escape(link)
			}
			if lead == "" && strings.HasSuffix(b.String(), "!") {
				// « !» before « [ » would make the link an image.
				prev := b.String()
				b.Reset()
				b.WriteString(prev[:len(prev)-1] + "\\!")
			}
			b.WriteString(lead + "[" + core + "](" + linkTarget(link) + ")" + trail)
		} else {
			b.WriteString(emphasis(group))
		}
		i = j
	}
	return finishLines(b.String())
}

// emphasis writes spans with bold and italic markers.
func emphasis(spans []span) string {
	var b strings.Builder
	for i := 0; i < len(spans); {
		j := i
		for j < len(spans) && spans[j].bold == spans[i].bold {
			j++
		}
		var inner strings.Builder
		for k := i; k < j; {
			l := k
			for l < j && spans[l].italic == spans[k].italic {
				l++
			}
			var t strings.Builder
			for _, s := range spans[k:l] {
				t.WriteString(plain(s.text))
			}
			inner.WriteString(wrap(t.String(), "*", spans[k].italic))
			k = l
		}
		b.WriteString(wrap(inner.String(), "**", spans[i].bold))
		i = j
	}
	return b.String()
}

// plain escapes text, or unwraps raw markdown.
func plain(s string) string {
	if md, ok := strings.CutPrefix(s, "\x00"); ok {
		return md
	}
	return escape(collapse(s))
}

// wrap puts marker around the words of s, leaving its outer white space
// outside, where markdown wants it.
func wrap(s, marker string, on bool) string {
	if !on {
		return s
	}
	lead, core, trail := cutSpace(s)
	if core == "" {
		return s
	}
	return lead + marker + core + marker + trail
}

func cutSpace(s string) (lead, core, trail string) {
	core = strings.TrimLeftFunc(s, unicode.IsSpace)
	lead = s[:len(s)-len(core)]
	trimmed := strings.TrimRightFunc(core, unicode.IsSpace)
	return lead, trimmed, core[len(trimmed):]
}

// collapse turns tabs into spaces and drops control characters; line
// breaks stay.
func collapse(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r' || r == '\v' || r == '\f':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

// escape backslashes the characters that markdown (CommonMark with tables
// and strikethrough) reads as inline syntax.
func escape(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '\\', '*', '_', '`', '[', ']', '<', '~', '|':
			b.WriteByte('\\')
		case '&':
			// Only « &word; » or « &#1; » could be an entity.
			if next := s[i+1:]; next != "" && (next[0] == '#' || unicode.IsLetter(rune(next[0]))) {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// finishLines collapses runs of spaces, trims each line, and escapes a line
// start that markdown would take for a heading, a list, a quote or a
// setext underline.
func finishLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' }), " ")
		if l == "" {
			continue
		}
		out = append(out, escapeLineStart(l))
	}
	return strings.Join(out, "\n")
}

func escapeLineStart(l string) string {
	switch l[0] {
	case '#', '-', '+', '=', '>':
		return "\\" + l
	}
	// « 1. » or « 1) » would start a numbered list.
	i := 0
	for i < len(l) && i < 9 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i > 0 && i < len(l) && (l[i] == '.' || l[i] == ')') {
		return l[:i] + "\\" + l[i:]
	}
	return l
}

// safeLink returns target if it is a web or mail address, else empty: the
// text stays, the link goes.
func safeLink(target string) string {
	target = strings.TrimSpace(target)
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		return target
	case "mailto":
		return target
	}
	return ""
}

// linkTarget escapes a URL for a markdown link destination.
func linkTarget(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\n", "", "\\", "%5C").Replace(u)
}
