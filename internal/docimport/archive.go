package docimport

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// Bounds of one import. A draft text of a hundred pages holds a few
// megabytes of XML and some tens of thousands of elements.
// At the bounds an import takes about a second and 70 MB (measured, see the
// package comment): a larger file is refused rather than read.
const (
	maxEntries  = 5000     // entries of the zip archive (images included)
	maxInflate  = 16 << 20 // bytes inflated over all the XML parts read
	maxText     = 4 << 20  // bytes of character data over all the parts read
	maxElements = 250_000  // XML elements over all the parts read
	maxDepth    = 256      // nesting of XML elements
)

// errTooLarge stops reading a part that inflates beyond the budget.
var errTooLarge = errors.New("too large")

// archive is an office file being read, with the budgets that all its parts
// share.
type archive struct {
	zr       *zip.Reader
	kind     string // « Word (.docx) » or « OpenDocument (.odt) », for messages
	inflate  int64
	text     int
	elements int
}

func openArchive(r io.ReaderAt, size int64, kind string) (*archive, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, unreadable("Ce fichier n'est pas un document %s lisible : son archive est endommagée.", kind)
	}
	if len(zr.File) > maxEntries {
		return nil, unreadable("Ce document %s contient trop de fichiers internes (%d, au plus %d) pour être importé.", kind, len(zr.File), maxEntries)
	}
	return &archive{zr: zr, kind: kind, inflate: maxInflate, text: maxText, elements: maxElements}, nil
}

func (a *archive) file(name string) *zip.File {
	for _, f := range a.zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// node is an XML element: its local name, attributes by local name, and its
// content, where text is a node with an empty name. Prefixes and namespaces
// are left aside: the local names are enough here, and OOXML has two sets of
// namespaces (transitional and strict) for the same names.
type node struct {
	name     string
	attrs    []xml.Attr
	children []*node
	text     string
}

// attr returns the value of the attribute of local name n. Like child,
// find and all, it takes a nil node as an element without content, so that
// optional elements can be chained.
func (e *node) attr(n string) string {
	if e == nil {
		return ""
	}
	for _, a := range e.attrs {
		if a.Name.Local == n {
			return a.Value
		}
	}
	return ""
}

// child returns the first child element named n, or nil.
func (e *node) child(n string) *node {
	if e == nil {
		return nil
	}
	for _, c := range e.children {
		if c.name == n {
			return c
		}
	}
	return nil
}

// find returns the first element named n at any depth under e, or nil.
func (e *node) find(n string) *node {
	if e == nil {
		return nil
	}
	for _, c := range e.children {
		if c.name == n {
			return c
		}
		if f := c.find(n); f != nil {
			return f
		}
	}
	return nil
}

// all calls fn for every element under e named n, at any depth, not looking
// inside the elements found.
func (e *node) all(n string, fn func(*node)) {
	if e == nil {
		return
	}
	for _, c := range e.children {
		if c.name == n {
			fn(c)
		} else {
			c.all(n, fn)
		}
	}
}

// allText is the character data under e, at any depth.
func (e *node) allText() string {
	if e == nil {
		return ""
	}
	if e.name == "" {
		return e.text
	}
	var b strings.Builder
	for _, c := range e.children {
		b.WriteString(c.allText())
	}
	return b.String()
}

// part reads the XML part called name; a missing part gives nil and no error.
func (a *archive) part(name string) (*node, error) {
	f := a.file(name)
	if f == nil {
		return nil, nil
	}
	// A first check on the declared size; budgetReader holds the real one.
	if f.UncompressedSize64 > uint64(a.inflate) {
		return nil, a.tooLarge()
	}
	rc, err := f.Open()
	if err != nil {
		return nil, unreadable("Ce document %s est endommagé (%s illisible).", a.kind, name)
	}
	defer rc.Close()
	root, err := a.parse(&budgetReader{r: rc, budget: &a.inflate})
	switch {
	case errors.Is(err, errTooLarge):
		return nil, a.tooLarge()
	case err != nil:
		var syntax *xml.SyntaxError
		if errors.As(err, &syntax) {
			return nil, unreadable("Ce document %s est endommagé : XML mal formé dans %s, ligne %d.", a.kind, name, syntax.Line)
		}
		return nil, unreadable("Ce document %s est endommagé (%s illisible).", a.kind, name)
	}
	return root, nil
}

func (a *archive) tooLarge() error {
	return unreadable("Ce document %s est trop volumineux pour être importé : découpez-le en plusieurs textes.", a.kind)
}

// parse reads an XML document into a tree, within the element budget and
// the depth bound.
func (a *archive) parse(r io.Reader) (*node, error) {
	dec := xml.NewDecoder(r)
	// Office files are UTF-8 or UTF-16 in principle; encoding/xml reads
	// only UTF-8, and a declared other charset is refused here.
	dec.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
			return input, nil
		}
		return nil, errors.New("unsupported charset " + label)
	}
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) != 1 {
				return nil, io.ErrUnexpectedEOF
			}
			return root, nil
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if a.elements--; a.elements < 0 || len(stack) > maxDepth {
				return nil, errTooLarge
			}
			n := &node{name: t.Name.Local, attrs: t.Attr}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if a.text -= len(t); a.text < 0 {
				return nil, errTooLarge
			}
			if len(stack) > 1 {
				top.children = append(top.children, &node{text: string(t)})
			}
		}
	}
}

// budgetReader fails once more than *budget bytes have been read through it.
type budgetReader struct {
	r      io.Reader
	budget *int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if *b.budget < 0 {
		return 0, errTooLarge
	}
	n, err := b.r.Read(p)
	*b.budget -= int64(n)
	if *b.budget < 0 {
		return 0, errTooLarge
	}
	return n, err
}
