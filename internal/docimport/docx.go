package docimport

import (
	"io"
	"strconv"
	"strings"
)

// DOCX imports a Word document (WordprocessingML, .docx) read from r, of
// size bytes.
func DOCX(r io.ReaderAt, size int64) (Document, error) {
	a, err := openArchive(r, size, "Word (.docx)")
	if err != nil {
		return Document{}, err
	}
	body, err := a.part("word/document.xml")
	if err != nil {
		return Document{}, err
	}
	if body == nil || body.find("body") == nil {
		return Document{}, unreadable("Ce fichier n'est pas un document Word (.docx) : il n'a pas de texte (word/document.xml).")
	}
	d := &docx{b: &builder{}, styles: map[string]*wstyle{}, nums: map[string]map[int]string{},
		links: map[string]string{}, notes: map[string]*node{}, endnotes: map[string]*node{}, comments: map[string]bool{}}
	if err := d.load(a); err != nil {
		return Document{}, err
	}
	d.blocks(body.find("body"))
	if d.b.lost.comments < len(d.comments) {
		d.b.lost.comments = len(d.comments)
	}
	return d.b.finish(), nil
}

// docx is the state of one Word import.
type docx struct {
	b      *builder
	styles map[string]*wstyle
	// defaultStyle is the paragraph style of paragraphs that name none.
	defaultStyle string
	// nums maps a numbering instance and a level to its format (decimal,
	// bullet, lowerLetter, none…).
	nums     map[string]map[int]string
	links    map[string]string // relationship id → external target
	notes    map[string]*node  // footnotes by id
	endnotes map[string]*node
	comments map[string]bool // ids of the comments referenced
	fields   []field         // complex fields open, outermost first
	inNote   bool
	titled   bool // a Title paragraph gave the title
	quiet    bool // reading the fields of a paragraph left out: not counted
}

// wstyle is a Word style, as far as the import cares.
type wstyle struct {
	id, name, basedOn string
	outline           int // outline level + 1, or 0
	numID             string
	ilvl              int
	hasNum            bool
	bold, italic      *bool
}

// field is a complex field being read: its instruction, then its result.
type field struct {
	instr  strings.Builder
	result bool   // the separator was seen: the text is the field's result
	link   string // HYPERLINK target
}

// load reads the styles, numbering, relationships, notes, comments and
// metadata that the body refers to.
func (d *docx) load(a *archive) error {
	styles, err := a.part("word/styles.xml")
	if err != nil {
		return err
	}
	styles.all("style", func(s *node) {
		st := &wstyle{id: s.attr("styleId"), name: s.child("name").attr("val"), basedOn: s.child("basedOn").attr("val")}
		ppr := s.child("pPr")
		if o := ppr.child("outlineLvl"); o != nil {
			if l, err := strconv.Atoi(o.attr("val")); err == nil && l >= 0 && l < 9 {
				st.outline = l + 1
			}
		}
		if np := ppr.child("numPr"); np != nil {
			st.hasNum = true
			st.numID = np.child("numId").attr("val")
			st.ilvl, _ = strconv.Atoi(np.child("ilvl").attr("val"))
		}
		st.bold, st.italic = onOff(s.child("rPr").child("b")), onOff(s.child("rPr").child("i"))
		d.styles[st.id] = st
		if s.attr("type") == "paragraph" && isTrue(s.attr("default")) {
			d.defaultStyle = st.id
		}
	})

	numbering, err := a.part("word/numbering.xml")
	if err != nil {
		return err
	}
	abstract := map[string]map[int]string{}
	numbering.all("abstractNum", func(n *node) {
		abstract[n.attr("abstractNumId")] = levels(n)
	})
	numbering.all("num", func(n *node) {
		lv := map[int]string{}
		for k, v := range abstract[n.child("abstractNumId").attr("val")] {
			lv[k] = v
		}
		n.all("lvlOverride", func(o *node) {
			for k, v := range levels(o) {
				lv[k] = v
			}
		})
		d.nums[n.attr("numId")] = lv
	})

	rels, err := a.part("word/_rels/document.xml.rels")
	if err != nil {
		return err
	}
	rels.all("Relationship", func(r *node) {
		if strings.EqualFold(r.attr("TargetMode"), "External") {
			d.links[r.attr("Id")] = r.attr("Target")
		}
	})

	for _, p := range []struct {
		part, elem string
		into       map[string]*node
	}{{"word/footnotes.xml", "footnote", d.notes}, {"word/endnotes.xml", "endnote", d.endnotes}} {
		notes, err := a.part(p.part)
		if err != nil {
			return err
		}
		notes.all(p.elem, func(n *node) {
			if t := n.attr("type"); t == "" || t == "normal" {
				p.into[n.attr("id")] = n
			}
		})
	}

	comments, err := a.part("word/comments.xml")
	if err != nil {
		return err
	}
	comments.all("comment", func(*node) { d.b.lost.comments++ })

	core, err := a.part("docProps/core.xml")
	if err != nil {
		return err
	}
	d.b.doc.Title = strings.TrimSpace(core.find("title").allText())
	return nil
}

// levels reads the numbering format of each level of an abstract
// numbering or of an override.
func levels(n *node) map[int]string {
	lv := map[int]string{}
	n.all("lvl", func(l *node) {
		i, err := strconv.Atoi(l.attr("ilvl"))
		if err != nil {
			return
		}
		f := l.child("numFmt").attr("val")
		if f == "" {
			f = "decimal"
		}
		lv[i] = f
	})
	return lv
}

// onOff reads a Word toggle property: present and not false.
func onOff(n *node) *bool {
	if n == nil {
		return nil
	}
	v := n.attr("val")
	b := v == "" || isTrue(v)
	return &b
}

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "on":
		return true
	}
	return false
}

// style follows the basedOn chain of a style, at most 20 deep (a loop in a
// damaged file must not hang).
func (d *docx) style(id string, fn func(*wstyle) bool) {
	for i := range 20 {
		st := d.styles[id]
		if st == nil && i == 0 && id != "" {
			// A file without styles.xml still names its styles: Heading1
			// says enough.
			st = &wstyle{id: id}
		}
		if st == nil || fn(st) {
			return
		}
		id = st.basedOn
	}
}

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
	format := ""
	if hasNum && numID != "" && numID != "0" {
		format = d.nums[numID][ilvl]
		if format == "" {
			format = "decimal"
		}
	}
	if toc {
		d.b.lost.toc = true
		d.fieldsOnly(p)
		return
	}
	var in inline
	d.runs(p, &in, style{})
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
		d.b.add(Block{Kind: ListItem, Level: min(max(ilvl, 0), 8) + 1, Ordered: ordered, Text: text})
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
				if n := len(d.fields); n > 0 && !d.fields[n-1].result {
					d.fields[n-1].instr.WriteString(c.allText())
				}
			case "del", "moveFrom":
			default:
				walk(c)
			}
		}
	}
	walk(n)
	d.quiet = false
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
		var bold, italic *bool
		d.style(rs, func(s *wstyle) bool {
			if bold == nil {
				bold = s.bold
			}
			if italic == nil {
				italic = s.italic
			}
			return bold != nil && italic != nil
		})
		if bold != nil {
			st.bold = *bold
		}
		if italic != nil {
			st.italic = *italic
		}
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
			if n := len(d.fields); n > 0 && !d.fields[n-1].result {
				d.fields[n-1].instr.WriteString(c.allText())
			}
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
