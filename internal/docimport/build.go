package docimport

import (
	"strconv"
	"strings"
)

// builder gathers the blocks, the notes and what was lost, whatever the
// format.
type builder struct {
	doc   Document
	notes []string // texts of the notes, in the order of their markers
	lost  losses
}

// losses counts what the file holds that the text does not keep.
type losses struct {
	images, textBoxes, objects, comments int
	insertions, deletions                int
	fields                               int
	footnotes, endnotes                  int
	toc                                  bool // table of contents or index
	listNumbering                        bool // 1°, a), I. … become 1, 2, 3
	headingNumbering                     bool
	tables                               bool // merged or nested cells
}

func (b *builder) add(bl Block) {
	if bl.Kind == Table && len(bl.Rows) == 0 || bl.Kind != Table && bl.Text == "" {
		return
	}
	b.doc.Blocks = append(b.doc.Blocks, bl)
}

// appendLine adds text as a new line of the last block, for the second
// paragraph of a list item.
func (b *builder) appendLine(text string) {
	if text == "" {
		return
	}
	if n := len(b.doc.Blocks); n > 0 && b.doc.Blocks[n-1].Kind == ListItem {
		b.doc.Blocks[n-1].Text += "\n" + text
		return
	}
	b.add(Block{Kind: Paragraph, Text: text})
}

// note reserves the next note number and returns its marker; the text is
// set with setNote once read.
func (b *builder) note(endnote bool) (int, string) {
	if endnote {
		b.lost.endnotes++
	} else {
		b.lost.footnotes++
	}
	b.notes = append(b.notes, "")
	n := len(b.notes)
	return n, noteMarker(n)
}

func noteMarker(n int) string { return "\\[" + strconv.Itoa(n) + "\\]" }

func (b *builder) setNote(n int, text string) { b.notes[n-1] = text }

// finish appends the notes and the list of losses.
func (b *builder) finish() Document {
	if len(b.notes) > 0 {
		level := 0
		for _, bl := range b.doc.Blocks {
			if bl.Kind == Heading && (level == 0 || bl.Level < level) {
				level = bl.Level
			}
		}
		b.doc.Blocks = append(b.doc.Blocks, Block{Kind: Heading, Level: max(level, 1), Text: "Notes"})
		for i, t := range b.notes {
			b.doc.Blocks = append(b.doc.Blocks, Block{Kind: Paragraph, Text: strings.TrimSpace(noteMarker(i+1) + " " + t)})
		}
	}
	b.doc.Title = strings.Join(strings.Fields(b.doc.Title), " ")
	b.doc.Lost = b.lost.messages()
	return b.doc
}

// messages says in French what was lost, in a fixed order.
func (l losses) messages() []string {
	var m []string
	count := func(n int, one, many string) {
		if n > 0 {
			m = append(m, plural(n, one, many))
		}
	}
	count(l.images, "image non reprise", "images non reprises")
	count(l.textBoxes, "zone de texte non reprise", "zones de texte non reprises")
	count(l.objects, "objet incorporé (graphique, dessin, formule…) non repris", "objets incorporés (graphiques, dessins, formules…) non repris")
	count(l.comments, "commentaire non repris", "commentaires non repris")
	if c := l.insertions + l.deletions; c > 0 {
		var parts []string
		if l.insertions > 0 {
			parts = append(parts, plural(l.insertions, "insertion gardée", "insertions gardées"))
		}
		if l.deletions > 0 {
			parts = append(parts, plural(l.deletions, "suppression appliquée", "suppressions appliquées"))
		}
		m = append(m, plural(c, "modification suivie acceptée", "modifications suivies acceptées")+" ("+strings.Join(parts, ", ")+")")
	}
	count(l.footnotes, "note de bas de page reprise en fin de texte", "notes de bas de page reprises en fin de texte")
	count(l.endnotes, "note de fin reprise en fin de texte", "notes de fin reprises en fin de texte")
	count(l.fields, "champ remplacé par son texte affiché", "champs remplacés par leur texte affiché")
	if l.toc {
		m = append(m, "table des matières ou index non repris")
	}
	if l.headingNumbering {
		m = append(m, "numérotation automatique des titres non reprise")
	}
	if l.listNumbering {
		m = append(m, "numérotation des listes ramenée à 1, 2, 3")
	}
	if l.tables {
		m = append(m, "mise en forme des tableaux simplifiée (cellules fusionnées ou imbriquées)")
	}
	return m
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// table builds a table block from rows of cells: rows padded to the same
// width, empty trailing columns and rows dropped (spreadsheet-like tables
// repeat empty cells), line breaks inside cells made spaces.
func table(rows [][]string) Block {
	width := 0
	for _, r := range rows {
		for i := len(r) - 1; i >= 0; i-- {
			if r[i] != "" {
				width = max(width, i+1)
				break
			}
		}
	}
	for len(rows) > 0 && allEmpty(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	if width == 0 || len(rows) == 0 {
		return Block{Kind: Table}
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		row := make([]string, width)
		for j := range min(len(r), width) {
			row[j] = strings.ReplaceAll(r[j], "\n", " ")
		}
		out[i] = row
	}
	return Block{Kind: Table, Rows: out}
}

func allEmpty(r []string) bool {
	for _, c := range r {
		if c != "" {
			return false
		}
	}
	return true
}

// maxRepeat bounds the repetition of cells and rows that ODF and column
// spans allow to declare: a table wider or longer than this is not text.
const maxRepeat = 100

// styleName normalises a style name for comparison: lower case, without
// spaces, underscores or the « _20_ » that ODF writes for spaces.
func styleName(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "_20_", ""))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// headingLevelOf reads « heading 2 », « Titre2 », « Heading_20_2 » as 2.
func headingLevelOf(name string) int {
	n := styleName(name)
	for _, p := range []string{"heading", "titre", "überschrift", "titolo", "título"} {
		if rest, ok := strings.CutPrefix(n, p); ok {
			if l, err := strconv.Atoi(rest); err == nil && l >= 1 && l <= 9 {
				return l
			}
		}
	}
	return 0
}

func isTitleStyle(name string) bool {
	switch styleName(name) {
	case "title", "titre", "titreprincipal":
		return true
	}
	return false
}

func isQuoteStyle(name string) bool {
	switch styleName(name) {
	case "quote", "intensequote", "citation", "citationintense", "quotations", "citations", "blocktext":
		return true
	}
	return false
}

// isTOCStyle reads Word's « toc 1 » (id TOC1, or TM1 in French) and
// « TOC Heading » (« En-tête de table des matières »).
func isTOCStyle(name string) bool {
	n := styleName(name)
	if n == "tocheading" || strings.HasPrefix(n, "entêtedetabledesmatières") || strings.HasPrefix(n, "enttedetabledesmatires") {
		return true
	}
	for _, p := range []string{"toc", "tm", "contents"} {
		if rest, ok := strings.CutPrefix(n, p); ok {
			if _, err := strconv.Atoi(rest); err == nil {
				return true
			}
		}
	}
	return false
}

// clampLevel keeps a heading level within markdown's 1–6.
func clampLevel(l int) int { return min(max(l, 1), 6) }
