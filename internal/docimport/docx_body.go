package docimport

import (
	"strconv"
	"strings"
)

// The body of a Word document: paragraphs and their runs, fields, notes,
// drawings and tables.

// blocks reads the block-level content of the body, a cell or a control.
func (d *docx) blocks(n *node) {
	for _, c := range n.children {
		switch c.name {
		case "p":
			d.paragraph(c)
		case "tbl":
			d.b.add(d.table(c))
		case "sdt":
			d.blocks(c.child("sdtContent"))
		case "customXml", "ins", "moveTo", "smartTag":
			d.blocks(c)
		case "del", "moveFrom":
			d.b.lost.deletions++
		case "altChunk":
			d.b.lost.objects++
		}
	}
}

// paragraph adds one w:p as the block its style and numbering make it.
func (d *docx) paragraph(p *node) {
	ppr := p.child("pPr")
	sid := ppr.child("pStyle").attr("val")
	if sid == "" {
		sid = d.defaultStyle
	}
	var title, quote, toc bool
	heading := 0
	var numID string
	ilvl, hasNum := 0, false
	d.style(sid, func(st *wstyle) bool {
		for _, name := range []string{st.name, st.id} {
			title = title || isTitleStyle(name)
			quote = quote || isQuoteStyle(name)
			toc = toc || isTOCStyle(name)
			if heading == 0 {
				heading = headingLevelOf(name)
			}
		}
		if heading == 0 && st.outline > 0 {
			heading = st.outline
		}
		if !hasNum && st.hasNum {
			hasNum, numID, ilvl = true, st.numID, st.ilvl
		}
		return false
	})
	if o := ppr.child("outlineLvl"); o != nil {
		if l, err := strconv.Atoi(o.attr("val")); err == nil && l >= 0 && l < 9 {
			heading = l + 1
		} else if l == 9 {
			heading = 0 // body text, whatever the style says
		}
	}
	if np := ppr.child("numPr"); np != nil {
		hasNum = true
		if id := np.child("numId"); id != nil {
			numID = id.attr("val")
		}
		if l := np.child("ilvl"); l != nil {
			ilvl, _ = strconv.Atoi(l.attr("val"))
		}
	}
	format, number := "", 0
	ilvl = min(max(ilvl, 0), 8)
	// A numbering that numbering.xml does not define shows no number in
	// Word: the paragraph is not a list item.
	if _, defined := d.nums[numID]; hasNum && defined {
		lv, ok := d.nums[numID][ilvl]
		if !ok {
			lv = numLevel{"decimal", 1}
		}
		format = lv.format
		c := d.counters[numID]
		if c == nil {
			c = &counter{}
			d.counters[numID] = c
		}
		number = c.next(ilvl, lv.start)
	}
	if toc {
		d.b.lost.toc = true
		d.fieldsOnly(p)
		return
	}
	var in inline
	in.spans, d.joined = d.joined, nil
	d.runs(p, &in, style{})
	if ppr.child("rPr").child("del") != nil {
		// The paragraph mark is a tracked deletion: accepted, the text
		// joins the next paragraph.
		d.b.lost.deletions++
		d.joined = in.spans
		return
	}
	text := in.markdown()
	switch {
	case title && len(d.b.doc.Blocks) == 0 && !d.titled:
		// The first Title paragraph is the title, whatever the metadata
		// says: it is what the reader of the file sees.
		d.b.doc.Title, d.titled = plainOf(in), true
	case heading > 0:
		if format != "" && format != "none" {
			d.b.lost.headingNumbering = true
		}
		d.b.add(Block{Kind: Heading, Level: clampLevel(heading), Text: strings.ReplaceAll(text, "\n", " ")})
	case format != "" && format != "none":
		ordered := format != "bullet"
		if ordered && format != "decimal" && format != "decimalZero" {
			d.b.lost.listNumbering = true
		}
		if !ordered {
			number = 0
		}
		d.b.add(Block{Kind: ListItem, Level: ilvl + 1, Ordered: ordered, Number: number, Text: text})
	case quote:
		d.b.add(Block{Kind: Quote, Text: text})
	default:
		d.b.add(Block{Kind: Paragraph, Text: text})
	}
}

// plainOf is the text of spans without markdown, for a title.
func plainOf(in inline) string {
	var b strings.Builder
	for _, s := range in.spans {
		if !strings.HasPrefix(s.text, "\x00") {
			b.WriteString(s.text)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// fieldsOnly follows the field marks of a paragraph that is not kept (a
// table of contents), so that a field begun there ends there.
func (d *docx) fieldsOnly(n *node) {
	d.quiet = true
	var walk func(n *node)
	walk = func(n *node) {
		for _, c := range n.children {
			switch c.name {
			case "fldChar":
				d.fieldChar(c)
			case "instrText":
				d.instrText(c)
			case "del", "moveFrom":
			default:
				walk(c)
			}
		}
	}
	walk(n)
	d.quiet = false
}

// instrText adds the text of a w:instrText to the instruction of the field
// being read, before its result begins.
func (d *docx) instrText(c *node) {
	if n := len(d.fields); n > 0 && !d.fields[n-1].result {
		d.fields[n-1].instr.WriteString(c.allText())
	}
}

// fieldChar follows a complex field's begin, separate and end marks.
func (d *docx) fieldChar(c *node) {
	switch c.attr("fldCharType") {
	case "begin":
		if len(d.fields) < 64 {
			d.fields = append(d.fields, field{})
		}
	case "separate":
		if n := len(d.fields); n > 0 {
			f := &d.fields[n-1]
			f.result = true
			if target, ok := hyperlinkField(f.instr.String()); ok {
				f.link = safeLink(target)
			}
		}
	case "end":
		if n := len(d.fields); n > 0 {
			instr := d.fields[n-1].instr.String()
			_, link := hyperlinkField(instr)
			switch kw := strings.ToUpper(firstWord(instr)); {
			case kw == "TOC" || kw == "INDEX":
				d.b.lost.toc = true
			case !link && !d.quiet:
				d.b.lost.fields++
			}
			d.fields = d.fields[:n-1]
		}
	}
}

// hyperlinkField reads « HYPERLINK "https://…" \o "…" »; a link to a place
// in the document (\l) has no target.
func hyperlinkField(instr string) (string, bool) {
	f := strings.Fields(instr)
	if len(f) == 0 || !strings.EqualFold(f[0], "HYPERLINK") {
		return "", false
	}
	if len(f) > 1 && !strings.HasPrefix(f[1], "\\") {
		return strings.Trim(f[1], `"`), true
	}
	return "", true
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// hidden is true while a field's instruction is being read: its text is
// not shown.
func (d *docx) hidden() bool {
	for _, f := range d.fields {
		if !f.result {
			return true
		}
	}
	return false
}

// fieldLink is the target of the innermost hyperlink field showing.
func (d *docx) fieldLink() string {
	for i := len(d.fields) - 1; i >= 0; i-- {
		if d.fields[i].link != "" {
			return d.fields[i].link
		}
	}
	return ""
}

// runs reads the inline content of n (a paragraph, a hyperlink, an
// insertion…) into in.
func (d *docx) runs(n *node, in *inline, ctx style) {
	for _, c := range n.children {
		switch c.name {
		case "r":
			d.run(c, in, ctx)
		case "hyperlink":
			inner := ctx
			if t := d.links[c.attr("id")]; t != "" {
				inner.link = safeLink(t)
			}
			d.runs(c, in, inner)
		case "ins", "moveTo":
			d.b.lost.insertions++
			d.runs(c, in, ctx)
		case "del", "moveFrom":
			d.b.lost.deletions++
		case "fldSimple":
			inner := ctx
			if target, ok := hyperlinkField(c.attr("instr")); ok {
				inner.link = safeLink(target)
			} else {
				d.b.lost.fields++
			}
			d.runs(c, in, inner)
		case "sdt":
			d.runs(c.child("sdtContent"), in, ctx)
		case "smartTag", "customXml", "dir", "bdo":
			d.runs(c, in, ctx)
		case "commentRangeStart":
			d.comments[c.attr("id")] = true
		case "oMath", "oMathPara":
			d.b.lost.objects++
		case "AlternateContent":
			if ch := c.child("Choice"); ch != nil {
				d.runs(ch, in, ctx)
			}
		}
	}
}

// run reads one w:r.
func (d *docx) run(r *node, in *inline, ctx style) {
	st := ctx
	rpr := r.child("rPr")
	if rs := rpr.child("rStyle").attr("val"); rs != "" {
		var m marks
		d.style(rs, func(s *wstyle) bool { return m.inherit(s.marks) })
		st = m.apply(st)
	}
	if b := onOff(rpr.child("b")); b != nil {
		st.bold = *b
	}
	if i := onOff(rpr.child("i")); i != nil {
		st.italic = *i
	}
	if rpr.child("vanish") != nil {
		return // hidden text
	}
	for _, c := range r.children {
		if c.name == "fldChar" {
			d.fieldChar(c)
			continue
		}
		if c.name == "instrText" {
			d.instrText(c)
			continue
		}
		if d.hidden() {
			continue
		}
		if l := d.fieldLink(); l != "" {
			st.link = l
		}
		switch c.name {
		case "t":
			in.add(c.allText(), st)
		case "tab", "ptab":
			in.add(" ", st)
		case "br":
			if t := c.attr("type"); t != "page" && t != "column" {
				in.add("\n", st)
			}
		case "cr":
			in.add("\n", st)
		case "noBreakHyphen":
			in.add("-", st)
		case "footnoteReference", "endnoteReference":
			d.noteRef(c, in)
		case "commentReference":
			d.comments[c.attr("id")] = true
		case "drawing":
			d.drawing(c)
		case "pict":
			d.pict(c)
		case "object":
			d.b.lost.objects++
		case "AlternateContent":
			if ch := c.child("Choice"); ch != nil {
				inner := &node{name: "r", children: ch.children}
				if rpr != nil {
					inner.children = append([]*node{rpr}, ch.children...)
				}
				d.run(inner, in, ctx)
			}
		}
	}
}

// noteRef puts the marker of a footnote or endnote and reads its text.
func (d *docx) noteRef(c *node, in *inline) {
	end := c.name == "endnoteReference"
	src := d.notes
	if end {
		src = d.endnotes
	}
	note := src[c.attr("id")]
	if note == nil || d.inNote {
		return
	}
	n, marker := d.b.note(end)
	in.raw(marker)
	// The note's text is read in its own field context.
	saved := d.fields
	d.fields, d.inNote = nil, true
	var parts []string
	note.all("p", func(p *node) {
		var nin inline
		d.runs(p, &nin, style{})
		if t := nin.markdown(); t != "" {
			parts = append(parts, strings.ReplaceAll(t, "\n", " "))
		}
	})
	d.fields, d.inNote = saved, false
	d.b.setNote(n, strings.Join(parts, " "))
}

// drawing counts a DrawingML object: a text box, a picture, or another
// object (a chart, a shape, SmartArt).
func (d *docx) drawing(c *node) {
	switch {
	case c.find("txbx") != nil || c.find("txbxContent") != nil:
		d.b.lost.textBoxes++
	case c.find("pic") != nil:
		d.b.lost.images++
	default:
		d.b.lost.objects++
	}
}

// pict counts a VML object, as older Word versions write them.
func (d *docx) pict(c *node) {
	switch {
	case c.find("textbox") != nil:
		d.b.lost.textBoxes++
	case c.find("imagedata") != nil:
		d.b.lost.images++
	default:
		d.b.lost.objects++
	}
}

// table reads a w:tbl into a table block; merged cells become empty cells
// and nested tables text, and Lost says the table was simplified.
func (d *docx) table(t *node) Block {
	var rows [][]string
	var rowsOf func(n *node)
	rowsOf = func(n *node) {
		for _, tr := range n.children {
			switch tr.name {
			case "tr":
				if len(rows) < maxRepeat*10 {
					rows = append(rows, d.row(tr))
				}
			case "sdt":
				rowsOf(tr.child("sdtContent"))
			case "customXml", "ins":
				rowsOf(tr)
			}
		}
	}
	rowsOf(t)
	return table(rows)
}

func (d *docx) row(tr *node) []string {
	var cells []string
	var cellsOf func(n *node)
	cellsOf = func(n *node) {
		for _, tc := range n.children {
			switch tc.name {
			case "tc":
				tcpr := tc.child("tcPr")
				if vm := tcpr.child("vMerge"); vm != nil && vm.attr("val") != "restart" {
					d.b.lost.tables = true
					cells = append(cells, "")
				} else {
					cells = append(cells, d.cell(tc))
				}
				if span, err := strconv.Atoi(tcpr.child("gridSpan").attr("val")); err == nil && span > 1 {
					d.b.lost.tables = true
					for range min(span, maxRepeat) - 1 {
						cells = append(cells, "")
					}
				}
			case "sdt":
				cellsOf(tc.child("sdtContent"))
			case "customXml":
				cellsOf(tc)
			}
		}
	}
	cellsOf(tr)
	return cells
}

// cell is the text of a cell's paragraphs, one line.
func (d *docx) cell(tc *node) string {
	var parts []string
	var walk func(n *node)
	walk = func(n *node) {
		for _, c := range n.children {
			switch c.name {
			case "p":
				var in inline
				d.runs(c, &in, style{})
				if t := in.markdown(); t != "" {
					parts = append(parts, t)
				}
			case "tbl":
				d.b.lost.tables = true
				walk(c)
			case "tr", "tc", "sdt", "sdtContent", "customXml":
				walk(c)
			}
		}
	}
	walk(tc)
	return strings.Join(parts, " ")
}
