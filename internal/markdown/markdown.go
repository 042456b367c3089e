// Package markdown turns markdown written by users into HTML that is safe to
// embed in a page.
//
// Rendering happens in two layers: goldmark is configured so that it cannot
// produce dangerous markup (no raw HTML, no images), and its output is then
// run through a bluemonday allowlist so that a goldmark bug or a future
// configuration mistake still cannot reach the browser.
package markdown

import (
	"bytes"
	"net/url"
	"regexp"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// maxInput bounds the work a single paste can cause on the server.
const maxInput = 200_000

// linkRel is put on every link: user content must not pass page rank
// (nofollow) nor give the target page a handle on ours (noopener).
const linkRel = "nofollow noopener"

// goldmark.Markdown and bluemonday.Policy are both safe for concurrent use
// once built, so each renderer is shared by all requests.
var (
	document = goldmark.New(
		goldmark.WithParser(parser.NewParser(
			// Like the raw HTML inline parser, the HTML block parser is
			// left out.
			parser.WithBlockParsers(
				util.Prioritized(parser.NewSetextHeadingParser(), 100),
				util.Prioritized(parser.NewThematicBreakParser(), 200),
				util.Prioritized(parser.NewListParser(), 300),
				util.Prioritized(parser.NewListItemParser(), 400),
				util.Prioritized(parser.NewCodeBlockParser(), 500),
				util.Prioritized(parser.NewATXHeadingParser(), 600),
				util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
				util.Prioritized(parser.NewBlockquoteParser(), 800),
				util.Prioritized(parser.NewParagraphParser(), 1000),
			),
			parser.WithInlineParsers(inlineParsers()...),
			parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
			parser.WithASTTransformers(util.Prioritized(transformer{shiftHeadings: true}, 100)),
		)),
		goldmark.WithExtensions(
			// The align attribute rather than goldmark's default style
			// attribute, because the sanitizer allows no style.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
		),
		// A single newline is a line break: texts are typed in textareas or
		// pasted from word processors by people who do not expect markdown
		// to join their lines.
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)

	limited = goldmark.New(
		goldmark.WithParser(parser.NewParser(
			// Without the heading, quote, table, code block and thematic
			// break parsers their syntax stays plain paragraph text.
			parser.WithBlockParsers(
				util.Prioritized(parser.NewListParser(), 300),
				util.Prioritized(parser.NewListItemParser(), 400),
				util.Prioritized(parser.NewParagraphParser(), 1000),
			),
			parser.WithInlineParsers(inlineParsers()...),
			parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
			parser.WithASTTransformers(util.Prioritized(transformer{}, 100)),
		)),
		goldmark.WithExtensions(extension.Linkify),
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)

	documentPolicy = newPolicy(
		"p", "br", "h2", "h3", "h4", "em", "strong", "del", "code", "pre",
		"blockquote", "hr", "ul", "ol", "li", "a",
		"table", "thead", "tbody", "tr", "th", "td",
	)
	limitedPolicy = newPolicy("p", "br", "em", "strong", "code", "ul", "ol", "li", "a")
)

// inlineParsers are goldmark's defaults minus the raw HTML parser, so that
// HTML typed by a user is shown as text rather than silently dropped.
func inlineParsers() []util.PrioritizedValue {
	return []util.PrioritizedValue{
		util.Prioritized(parser.NewCodeSpanParser(), 100),
		util.Prioritized(parser.NewLinkParser(), 200),
		util.Prioritized(parser.NewAutoLinkParser(), 300),
		util.Prioritized(parser.NewEmphasisParser(), 500),
	}
}

var (
	relPattern   = regexp.MustCompile("^" + regexp.QuoteMeta(linkRel) + "$")
	alignPattern = regexp.MustCompile("^(left|center|right)$")
)

// newPolicy allows the given elements and, among attributes, only those
// goldmark emits for them. No other attribute (style, class, id, on*) can
// get through.
func newPolicy(elements ...string) *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(elements...)
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowAttrs("rel").Matching(relPattern).OnElements("a")
	// Adds nofollow even if the rel set by the transformer were lost.
	p.RequireNoFollowOnLinks(true)
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("align").Matching(alignPattern).OnElements("th", "td")
	return p
}

// Document renders markdown of long texts written by the secretariat or
// members (minutes, articles, positions): paragraphs, headings h2–h4 (a
// markdown "# x" becomes <h2>, "##" <h3>, "###" and deeper <h4>, since the
// page owns <h1>), emphasis, strikethrough, lists, blockquotes, GFM tables,
// code, links, horizontal rules and line breaks. Images are reduced to their
// alternative text; HTML in the source is shown as text. Only the first
// 200 000 bytes of src are rendered.
func Document(src string) string {
	return render(document, documentPolicy, src)
}

// Limited renders short texts (comments, remarks): paragraphs, emphasis,
// lists, links, line breaks and inline code. Any other markdown syntax
// (headings, quotes, tables…) is kept as plain paragraph text. Only the
// first 200 000 bytes of src are rendered.
func Limited(src string) string {
	return render(limited, limitedPolicy, src)
}

func render(md goldmark.Markdown, policy *bluemonday.Policy, src string) string {
	var buf bytes.Buffer
	// Convert only fails when writing to buf fails, which it does not.
	_ = md.Convert([]byte(truncate(src, maxInput)), &buf)
	return policy.Sanitize(buf.String())
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// transformer adapts the parsed document to what the pages may show.
type transformer struct {
	// shiftHeadings moves every heading one level down, capped at h4,
	// because the page itself owns <h1>.
	shiftHeadings bool
}

func (t transformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	// Nodes are replaced after the walk: mutating the tree during it would
	// derail the traversal.
	var unwrap []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if t.shiftHeadings {
				n.Level = min(n.Level+1, 4)
			}
		case *ast.Link:
			if allowedURL(string(n.Destination)) {
				n.SetAttributeString("rel", linkRel)
			} else {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkEmail || allowedURL(string(n.URL(source))) {
				n.SetAttributeString("rel", linkRel)
			} else {
				unwrap = append(unwrap, n)
			}
		case *ast.Image:
			// Images would make members' browsers load third-party
			// resources; their alternative text keeps the meaning.
			unwrap = append(unwrap, n)
		}
		return ast.WalkContinue, nil
	})
	// A link the sanitizer would strip the href of is better shown as
	// plain text than as an anchor leading nowhere.
	for _, n := range unwrap {
		parent := n.Parent()
		if a, ok := n.(*ast.AutoLink); ok {
			parent.ReplaceChild(parent, n, ast.NewString(a.Label(source)))
			continue
		}
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// allowedURL accepts the schemes the sanitizer lets through, and only in
// absolute form: browsers resolve "http:x" against the page, making it a
// disguised relative link.
func allowedURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}
