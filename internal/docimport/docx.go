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
		return Document{}, unreadable("Ce fichier n'est pas un document Word (.docx) : il n'a pas de texte (word/document.xml).")
	}
	d := &docx{b: &builder{}, styles: map[string]*wstyle{}, nums: map[string]map[int]numLevel{}, counters: map[string]*counter{},
		links: map[string]string{}, notes: map[string]*node{}, endnotes: map[string]*node{}, comments: map[string]bool{}}
	if err := d.load(a); err != nil {
		return Document{}, err
	}
	d.blocks(body.find("body"))
	if d.joined != nil {
		d.b.add(Block{Kind: Paragraph, Text: (&inline{spans: d.joined}).markdown()})
	}
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
	// bullet, lowerLetter, none…) and first number.
	nums     map[string]map[int]numLevel
	counters map[string]*counter // numbers reached, by numbering instance
	links    map[string]string   // relationship id → external target
	notes    map[string]*node    // footnotes by id
	endnotes map[string]*node
	comments map[string]bool // ids of the comments referenced
	fields   []field         // complex fields open, outermost first
	inNote   bool
	titled   bool   // a Title paragraph gave the title
	quiet    bool   // reading the fields of a paragraph left out: not counted
	joined   []span // text of a paragraph whose mark was deleted, for the next
}

// wstyle is a Word style, as far as the import cares.
type wstyle struct {
	id, name, basedOn string
	outline           int // outline level + 1, or 0
	numID             string
	ilvl              int
	hasNum            bool
	marks
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
	abstract := map[string]map[int]numLevel{}
	numbering.all("abstractNum", func(n *node) {
		abstract[n.attr("abstractNumId")] = levels(n)
	})
	numbering.all("num", func(n *node) {
		lv := map[int]numLevel{}
		for k, v := range abstract[n.child("abstractNumId").attr("val")] {
			lv[k] = v
		}
		n.all("lvlOverride", func(o *node) {
			i, err := strconv.Atoi(o.attr("ilvl"))
			if err != nil {
				return
			}
			l, ok := levels(o)[i]
			if !ok {
				l = lv[i]
			}
			if so := o.child("startOverride"); so != nil {
				l.start, _ = strconv.Atoi(so.attr("val"))
			}
			lv[i] = l
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

// numLevel is one level of a Word numbering.
type numLevel struct {
	format string // decimal, bullet, lowerLetter, none…
	start  int
}

// levels reads each level of an abstract numbering or of an override.
func levels(n *node) map[int]numLevel {
	lv := map[int]numLevel{}
	n.all("lvl", func(l *node) {
		i, err := strconv.Atoi(l.attr("ilvl"))
		if err != nil {
			return
		}
		f := l.child("numFmt").attr("val")
		if f == "" {
			f = "decimal"
		}
		start := 1
		if s := l.child("start"); s != nil {
			start, _ = strconv.Atoi(s.attr("val"))
		}
		lv[i] = numLevel{f, start}
	})
	return lv
}

// counter holds the numbers reached at each level of a list, so that a
// list broken by a paragraph goes on where it stopped, as in Word.
type counter struct {
	n   [9]int
	set [9]bool
}

// next returns the number of the next item at level ilvl (0–8), and
// restarts the deeper levels.
func (c *counter) next(ilvl, start int) int {
	if c.set[ilvl] {
		c.n[ilvl]++
	} else {
		c.n[ilvl], c.set[ilvl] = start, true
	}
	for j := ilvl + 1; j < len(c.set); j++ {
		c.set[j] = false
	}
	return c.n[ilvl]
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
