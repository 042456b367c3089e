package docimport

import (
	"io"
	"strconv"
	"strings"
)

// ODT imports an OpenDocument text (.odt) read from r, of size bytes.
func ODT(r io.ReaderAt, size int64) (Document, error) {
	a, err := openArchive(r, size, "OpenDocument (.odt)")
	if err != nil {
		return Document{}, err
	}
	content, err := a.part("content.xml")
	if err != nil {
		return Document{}, err
	}
	text := content.find("body").child("text")
	if text == nil {
		return Document{}, unreadable("Ce fichier n'est pas un texte OpenDocument (.odt) : il n'a pas de texte (content.xml).")
	}
	o := &odt{b: &builder{}, styles: map[string]*ostyle{}, lists: map[string]*node{}, counters: map[string]*counter{}}
	styles, err := a.part("styles.xml")
	if err != nil {
		return Document{}, err
	}
	// Named styles first, then the automatic styles of the content, which
	// derive from them.
	o.loadStyles(styles.find("styles"), false)
	o.loadStyles(content.find("automatic-styles"), true)
	styles.find("outline-style").all("outline-level-style", func(l *node) {
		if l.attr("num-format") != "" {
			o.numberedHeadings = true
		}
	})
	meta, err := a.part("meta.xml")
	if err != nil {
		return Document{}, err
	}
	o.b.doc.Title = strings.TrimSpace(meta.find("title").allText())
	o.blocks(text)
	return o.b.finish(), nil
}

// odt is the state of one OpenDocument import.
type odt struct {
	b                *builder
	styles           map[string]*ostyle  // by family and name: "paragraph/P1"
	lists            map[string]*node    // list styles by name
	counters         map[string]*counter // numbers reached, by list style
	numberedHeadings bool
	titled           bool
	inNote           bool
}

// ostyle is an ODF style, as far as the import cares.
type ostyle struct {
	name, display, parent string
	marks
	// auto is true for an automatic style: the direct formatting of one
	// paragraph or span, as opposed to a named style such as a heading's.
	auto bool
}

func (o *odt) loadStyles(n *node, auto bool) {
	if n == nil {
		return
	}
	for _, s := range n.children {
		switch s.name {
		case "style":
			st := &ostyle{name: s.attr("name"), display: s.attr("display-name"), parent: s.attr("parent-style-name"), auto: auto}
			if tp := s.child("text-properties"); tp != nil {
				if w := tp.attr("font-weight"); w != "" {
					b := w == "bold" || w >= "600" && len(w) == 3
					st.bold = &b
				}
				if fs := tp.attr("font-style"); fs != "" {
					i := fs == "italic" || fs == "oblique"
					st.italic = &i
				}
			}
			o.styles[s.attr("family")+"/"+st.name] = st
		case "list-style":
			o.lists[s.attr("name")] = s
		}
	}
}

// style follows the parent chain of a style, at most 20 deep.
func (o *odt) style(family, name string, fn func(*ostyle) bool) {
	for range 20 {
		st := o.styles[family+"/"+name]
		if st == nil || fn(st) {
			return
		}
		name = st.parent
	}
}

// blocks reads the block-level content of the text, a section or a cell.
func (o *odt) blocks(n *node) {
	for _, c := range n.children {
		switch c.name {
		case "h":
			o.heading(c)
		case "p":
			o.paragraph(c)
		case "list":
			o.list(c, 1, c.attr("style-name"))
		case "table":
			o.b.add(o.table(c))
		case "section", "deletion-free", "change-region":
			o.blocks(c)
		case "table-of-content", "alphabetical-index", "illustration-index", "table-index",
			"object-index", "user-index", "bibliography":
			o.b.lost.toc = true
		case "tracked-changes":
			c.all("changed-region", func(r *node) {
				switch {
				case r.child("insertion") != nil:
					o.b.lost.insertions++
				case r.child("deletion") != nil:
					o.b.lost.deletions++
				}
			})
		case "frame":
			o.frame(c)
		}
	}
}

func (o *odt) heading(h *node) {
	level, err := strconv.Atoi(h.attr("outline-level"))
	if err != nil || level < 1 {
		level = 1
	}
	if o.numberedHeadings && !isTrue(h.attr("is-list-header")) {
		o.b.lost.headingNumbering = true
	}
	o.b.add(Block{Kind: Heading, Level: clampLevel(level), Text: strings.ReplaceAll(o.text(h), "\n", " ")})
}

func (o *odt) paragraph(p *node) {
	var title, quote bool
	heading := 0
	o.style("paragraph", p.attr("style-name"), func(st *ostyle) bool {
		for _, name := range []string{st.name, st.display} {
			title = title || isTitleStyle(name)
			quote = quote || isQuoteStyle(name)
			if heading == 0 {
				heading = headingLevelOf(name)
			}
		}
		return false
	})
	// Bold or italic set on the whole paragraph by hand (LibreOffice puts
	// it in the paragraph's automatic style) is the text's; a named style's
	// (a heading is bold) is not.
	var base style
	if st := o.styles["paragraph/"+p.attr("style-name")]; st != nil && st.auto {
		base.bold = st.bold != nil && *st.bold
		base.italic = st.italic != nil && *st.italic
	}
	var in inline
	o.inline(p, &in, base)
	text := in.markdown()
	switch {
	case title && len(o.b.doc.Blocks) == 0 && !o.titled:
		o.b.doc.Title, o.titled = plainOf(in), true
	case heading > 0:
		o.b.add(Block{Kind: Heading, Level: clampLevel(heading), Text: strings.ReplaceAll(text, "\n", " ")})
	case quote:
		o.b.add(Block{Kind: Quote, Text: text})
	default:
		o.b.add(Block{Kind: Paragraph, Text: text})
	}
}

// list reads a text:list at the given depth; style is the list style, which
// nested lists inherit unless they name their own.
func (o *odt) list(l *node, depth int, style string) {
	if s := l.attr("style-name"); s != "" {
		style = s
	}
	ordered, start := o.ordered(style, depth)
	level := min(depth, 9)
	count := o.counters[style]
	if count == nil || depth == 1 && l.attr("continue-numbering") != "true" && l.attr("continue-list") == "" {
		// A list starts again from its first number unless it says it
		// continues the previous one.
		count = &counter{}
		o.counters[style] = count
	}
	for _, item := range l.children {
		if item.name != "list-item" && item.name != "list-header" {
			continue
		}
		first := true
		for _, c := range item.children {
			switch c.name {
			case "h":
				// LibreOffice puts numbered headings in lists.
				o.heading(c)
			case "p":
				text := o.text(c)
				if first {
					if text != "" {
						number := 0
						if ordered && item.name == "list-item" {
							if v, err := strconv.Atoi(item.attr("start-value")); err == nil {
								count.set[level-1], count.n[level-1] = true, v-1
							}
							number = count.next(level-1, start)
						}
						o.b.add(Block{Kind: ListItem, Level: level, Ordered: ordered, Number: number, Text: text})
						first = false
					}
				} else {
					o.b.appendLine(text)
				}
			case "list":
				o.list(c, depth+1, style)
			case "table":
				o.b.add(o.table(c))
			}
		}
	}
}

// ordered says whether the level of a list style is numbered, and from
// which number.
func (o *odt) ordered(name string, depth int) (bool, int) {
	ls := o.lists[name]
	if ls == nil {
		return false, 0
	}
	for _, lv := range ls.children {
		if lv.attr("level") != strconv.Itoa(depth) {
			continue
		}
		if lv.name != "list-level-style-number" {
			return false, 0
		}
		switch f := lv.attr("num-format"); f {
		case "":
			return false, 0
		case "1":
		default:
			o.b.lost.listNumbering = true
		}
		start, err := strconv.Atoi(lv.attr("start-value"))
		if err != nil {
			start = 1
		}
		return true, start
	}
	return false, 0
}

// text is the inline markdown of a paragraph or heading.
func (o *odt) text(p *node) string {
	var in inline
	o.inline(p, &in, style{})
	return in.markdown()
}

// odfFields are the elements of ODF fields, whose shown text is kept.
var odfFields = map[string]bool{
	"date": true, "time": true, "page-number": true, "page-count": true, "page-continuation": true,
	"author-name": true, "author-initials": true, "chapter": true, "file-name": true, "template-name": true,
	"variable-get": true, "variable-set": true, "variable-input": true, "user-field-get": true, "user-field-input": true,
	"sequence": true, "sequence-ref": true, "expression": true, "text-input": true, "reference-ref": true,
	"bookmark-ref": true, "note-ref": true, "title": true, "subject": true, "keywords": true, "description": true,
	"creation-date": true, "creation-time": true, "creator": true, "word-count": true, "paragraph-count": true,
	"character-count": true, "initial-creator": true, "sender-firstname": true, "sender-lastname": true,
	"sender-company": true, "database-display": true, "conditional-text": true,
}

// inline reads the inline content of n into in.
func (o *odt) inline(n *node, in *inline, ctx style) {
	for _, c := range n.children {
		switch c.name {
		case "":
			in.add(c.text, ctx)
		case "s":
			in.add(" ", ctx)
		case "tab":
			in.add(" ", ctx)
		case "line-break":
			in.add("\n", ctx)
		case "span":
			var m marks
			o.style("text", c.attr("style-name"), func(s *ostyle) bool { return m.inherit(s.marks) })
			o.inline(c, in, m.apply(ctx))
		case "a":
			st := ctx
			st.link = safeLink(c.attr("href"))
			o.inline(c, in, st)
		case "note":
			o.note(c, in)
		case "annotation":
			o.b.lost.comments++
		case "frame":
			o.frame(c)
		case "ruby":
			o.inline(c.child("ruby-base"), in, ctx)
		case "meta", "meta-field", "soft-page-break":
			o.inline(c, in, ctx)
		case "hidden-text", "hidden-paragraph", "annotation-end", "change", "change-start", "change-end",
			"bookmark", "bookmark-start", "bookmark-end", "reference-mark", "reference-mark-start", "reference-mark-end",
			"toc-mark", "toc-mark-start", "toc-mark-end", "alphabetical-index-mark", "alphabetical-index-mark-start",
			"alphabetical-index-mark-end", "user-index-mark", "user-index-mark-start", "user-index-mark-end":
		default:
			if odfFields[c.name] {
				o.b.lost.fields++
			}
			o.inline(c, in, ctx)
		}
	}
}

// note puts the marker of a footnote or endnote and reads its text.
func (o *odt) note(c *node, in *inline) {
	body := c.child("note-body")
	if body == nil || o.inNote {
		return
	}
	n, marker := o.b.note(c.attr("note-class") == "endnote")
	in.raw(marker)
	o.inNote = true
	var parts []string
	var walk func(x *node)
	walk = func(x *node) {
		for _, p := range x.children {
			switch p.name {
			case "p", "h":
				if t := o.text(p); t != "" {
					parts = append(parts, strings.ReplaceAll(t, "\n", " "))
				}
			case "list", "list-item", "list-header", "section":
				walk(p)
			}
		}
	}
	walk(body)
	o.inNote = false
	o.b.setNote(n, strings.Join(parts, " "))
}

// frame counts a draw:frame: a text box, an image, or another object.
func (o *odt) frame(c *node) {
	switch {
	case c.child("text-box") != nil:
		o.b.lost.textBoxes++
	case c.child("image") != nil:
		o.b.lost.images++
	default:
		o.b.lost.objects++
	}
}

// table reads a table:table; spanned and covered cells become empty cells.
func (o *odt) table(t *node) Block {
	var rows [][]string
	var walk func(n *node)
	walk = func(n *node) {
		for _, c := range n.children {
			switch c.name {
			case "table-row":
				row := o.row(c)
				repeat, _ := strconv.Atoi(c.attr("number-rows-repeated"))
				for range min(max(repeat, 1), maxRepeat) {
					if len(rows) < maxRepeat*10 {
						rows = append(rows, row)
					}
				}
			case "table-header-rows", "table-rows", "table-row-group":
				walk(c)
			}
		}
	}
	walk(t)
	return table(rows)
}

func (o *odt) row(tr *node) []string {
	var cells []string
	// covered counts the cells that a spanning cell covers: ODF writes
	// them as covered-table-cell, some writers leave them out.
	covered := 0
	for _, c := range tr.children {
		var text string
		switch c.name {
		case "table-cell":
			text = o.cell(c)
			covered = 0
			if span, _ := strconv.Atoi(c.attr("number-columns-spanned")); span > 1 {
				o.b.lost.tables = true
				covered = min(span, maxRepeat) - 1
				cells = append(cells, text)
				for range covered {
					cells = append(cells, "")
				}
				continue
			}
			if span, _ := strconv.Atoi(c.attr("number-rows-spanned")); span > 1 {
				o.b.lost.tables = true
			}
		case "covered-table-cell":
			o.b.lost.tables = true
			if covered > 0 {
				covered--
				continue
			}
		default:
			continue
		}
		repeat, _ := strconv.Atoi(c.attr("number-columns-repeated"))
		for range min(max(repeat, 1), maxRepeat) {
			if len(cells) < maxRepeat {
				cells = append(cells, text)
			}
		}
	}
	return cells
}

// cell is the text of a cell's paragraphs, lists and nested tables, one
// line.
func (o *odt) cell(tc *node) string {
	var parts []string
	var walk func(n *node)
	walk = func(n *node) {
		for _, c := range n.children {
			switch c.name {
			case "p", "h":
				if t := o.text(c); t != "" {
					parts = append(parts, t)
				}
			case "table":
				o.b.lost.tables = true
				walk(c)
			case "list", "list-item", "list-header", "section", "table-row", "table-cell",
				"table-header-rows", "table-rows", "table-row-group":
				walk(c)
			}
		}
	}
	walk(tc)
	return strings.Join(parts, " ")
}
