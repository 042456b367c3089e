// Package docimport turns an uploaded draft text, a Word (.docx,
// WordprocessingML) or OpenDocument (.odt) file, into the structure of a
// consultation text: headings, paragraphs, list items, tables and quotes, each
// with its inline text as markdown (**bold**, *italic*, [links](https://…)).
// Markdown gives the same structure as one markdown text, which is what the
// consultation stores. The package is pure (standard library only) and never
// trusts the file.
//
// Choices, so that nobody has to guess them:
//
//   - What the file holds is kept: headings (Word's Heading n / Titre n
//     styles, outline levels; ODF's text:h), paragraphs, bulleted and
//     numbered lists with their nesting and their numbers (a list broken by
//     a paragraph goes on from where it stopped), tables (a markdown table,
//     the first row as header, each cell one line), block quotes (Quote /
//     Citation / Quotations styles), bold, italic and web links (http,
//     https, mailto; other targets keep their text only). A list item's
//     second paragraph is a line break in the item.
//   - Each block is one markdown block, and Markdown separates them by a
//     blank line, except that the items of a list follow each other: a
//     consultation that cuts its text at blank lines gets each heading,
//     paragraph, table and quote as a paragraph, and each list whole.
//     Characters that markdown would read as markup are escaped, line
//     starts included (« 1. » typed by hand in a heading stays text).
//   - Footnotes and endnotes are numbered [1], [2]… in the order they are
//     referenced, the marker stays in the text, and the notes follow the text
//     under a heading « Notes ». Markdown has no footnote syntax in our
//     renderer, so the marker is plain text.
//   - Tracked changes are accepted: inserted text is kept, deleted text is
//     dropped, and Lost says so, since the reader of the file may have seen
//     them as proposals.
//   - Lost lists in French what was not kept: images, drawings and embedded
//     objects, text boxes, comments, fields (their last shown text is kept),
//     tables of contents, numbering formats other than 1, 2, 3 and the
//     numbering of headings, merged or nested table cells.
//   - The Title style (Word) or paragraph style (ODF) gives Document.Title;
//     otherwise the file's metadata title does. The title is not a block and
//     Markdown leaves it out: the consultation keeps the title in its own
//     field.
//   - Bounds: at most 5 000 entries in the archive, 16 MiB inflated over
//     all the XML parts read (whatever the zip headers claim), 4 MiB of
//     character data, 250 000 XML elements and 256 levels of nesting.
//     Images are never inflated. At these bounds an import takes about a
//     second and 70 MB of memory; a hundred pages take 0.1 s and 15 MB. A
//     file over a bound, damaged, or not of its type gives an error
//     wrapping ErrUnreadable with a French message for the person who
//     uploaded it. Headers and footers are page furniture, not text: they
//     are not read.
package docimport

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// BlockKind says what a block is.
type BlockKind int

// The kinds of block.
const (
	// Heading is a section title; Level is 1 (top) to 6.
	Heading BlockKind = iota + 1
	// Paragraph is a plain paragraph of text.
	Paragraph
	// ListItem is one item of a bulleted or numbered list; Level is its
	// nesting, from 1, and Ordered says whether the list is numbered.
	ListItem
	// Table is a table: Rows holds its cells, the first row as header.
	Table
	// Quote is a quoted paragraph.
	Quote
)

// String names the kind, for tests and logs.
func (k BlockKind) String() string {
	switch k {
	case Heading:
		return "heading"
	case Paragraph:
		return "paragraph"
	case ListItem:
		return "item"
	case Table:
		return "table"
	case Quote:
		return "quote"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Block is one block of the imported text.
type Block struct {
	Kind BlockKind
	// Level is a heading's level (1–6) or a list item's depth (from 1).
	Level int
	// Ordered is true for an item of a numbered list, and Number is the
	// number the file shows for it (a list broken by a paragraph goes on
	// from where it stopped), or 0 when the file does not say.
	Ordered bool
	Number  int
	// Text is the block's text as inline markdown, escaped: **bold**,
	// *italic*, [text](url), and \n for a line break. Empty for a table.
	Text string
	// Rows are a table's rows of cells, each cell inline markdown on one
	// line. All rows have the same number of cells.
	Rows [][]string
}

// Document is an imported draft text.
type Document struct {
	// Title is the document's title, from its Title paragraph or its
	// metadata; empty when it has none.
	Title string
	// Blocks is the text, in order; notes come last, after a « Notes »
	// heading.
	Blocks []Block
	// Lost says in French what the file held that the text does not keep,
	// one phrase each, e.g. « 2 images non reprises ».
	Lost []string
}

// ErrUnreadable is wrapped by every error due to the file itself: damaged,
// not of its type, or beyond the bounds. The error's message is French and
// meant for the person who uploaded the file.
var ErrUnreadable = errors.New("fichier illisible")

// unreadable builds an error wrapping ErrUnreadable with a French message.
func unreadable(format string, args ...any) error {
	return &fileError{msg: fmt.Sprintf(format, args...)}
}

type fileError struct{ msg string }

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return ErrUnreadable }

// Markdown writes doc's blocks as one markdown text (CommonMark with tables):
// a blank line between blocks, list items on consecutive lines indented by
// their depth, tables as pipe tables. The title is left out (see the package
// comment).
func Markdown(doc Document) string {
	var b strings.Builder
	// indent[i] is the indentation of the content of an item at depth i+1,
	// which its children must reach to nest under it.
	var indent []int
	var number []int
	prev := BlockKind(0)
	for _, bl := range doc.Blocks {
		if bl.Kind != ListItem {
			indent, number = indent[:0], number[:0]
		}
		if b.Len() > 0 {
			if bl.Kind == ListItem && prev == ListItem {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		prev = bl.Kind
		switch bl.Kind {
		case Heading:
			level := clampLevel(bl.Level)
			b.WriteString(strings.Repeat("#", level) + " " + strings.ReplaceAll(bl.Text, "\n", " "))
		case ListItem:
			// An item deeper than its parent + 1 nests under the parent.
			depth := min(max(bl.Level, 1), len(indent)+1)
			// number[i] is the number of the last item at depth i+1, 0 for
			// a bullet: a numbered item follows on from it.
			n := 0
			if bl.Ordered {
				switch {
				case len(number) >= depth && number[depth-1] > 0:
					n = number[depth-1] + 1
				case bl.Number > 0:
					n = bl.Number
				default:
					n = 1
				}
				// CommonMark reads at most nine digits as a number.
				n = min(n, 999_999_999)
			}
			indent, number = indent[:depth-1], number[:depth-1]
			pad := 0
			if depth > 1 {
				pad = indent[depth-2]
			}
			marker := "- "
			if n > 0 {
				marker = strconv.Itoa(n) + ". "
			}
			indent = append(indent, pad+len(marker))
			number = append(number, n)
			b.WriteString(strings.Repeat(" ", pad) + marker + indentLines(bl.Text, pad+len(marker)))
		case Table:
			writeTable(&b, bl.Rows)
		case Quote:
			b.WriteString("> " + strings.ReplaceAll(bl.Text, "\n", "\n> "))
		default:
			b.WriteString(bl.Text)
		}
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// indentLines indents every line of s but the first by n spaces, so that a
// line break stays inside its list item.
func indentLines(s string, n int) string {
	return strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", n))
}

// writeTable writes rows as a pipe table, the first row as header.
func writeTable(b *strings.Builder, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	for i, row := range rows {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("|")
		for _, c := range row {
			if c == "" {
				c = " "
			}
			b.WriteString(" " + c + " |")
		}
		if i == 0 {
			b.WriteString("\n|" + strings.Repeat(" --- |", len(row)))
		}
	}
}
