package markdown

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name        string
		render      func(string) string
		src         string
		contains    []string
		notContains []string
	}{
		{
			name:        "script tag",
			render:      Document,
			src:         "<script>alert(1)</script>",
			notContains: []string{"<script"},
		},
		{
			name:        "script tag limited",
			render:      Limited,
			src:         "<script>alert(1)</script>",
			notContains: []string{"<script"},
		},
		{
			name:        "javascript link",
			render:      Document,
			src:         "[x](javascript:alert(1))",
			contains:    []string{"x"},
			notContains: []string{"href", "<a"},
		},
		{
			name:        "javascript autolink",
			render:      Limited,
			src:         "<javascript:alert(1)>",
			notContains: []string{"href", "<a"},
		},
		{
			name:        "mixed case javascript link",
			render:      Document,
			src:         "[x](JaVaScRiPt:alert(1))",
			notContains: []string{"href", "<a"},
		},
		{
			name:        "img tag with event handler",
			render:      Document,
			src:         "<img src=x onerror=alert(1)>",
			notContains: []string{"<img"},
		},
		{
			name:        "markdown image becomes its alt text",
			render:      Document,
			src:         "![a *b*](http://x/y.png)",
			contains:    []string{"a <em>b</em>"},
			notContains: []string{"<img", "y.png"},
		},
		{
			name:        "markdown image limited",
			render:      Limited,
			src:         "![a](http://x/y.png)",
			notContains: []string{"<img"},
		},
		{
			name:        "anchor tag with onclick",
			render:      Document,
			src:         `<a href="http://x" onclick="y">z</a>`,
			notContains: []string{"<a"},
		},
		{
			name:     "link gets nofollow noopener",
			render:   Document,
			src:      "[site](https://example.org/page)",
			contains: []string{`<a href="https://example.org/page" rel="nofollow noopener">site</a>`},
		},
		{
			name:     "link limited",
			render:   Limited,
			src:      "[site](http://example.org)",
			contains: []string{`<a href="http://example.org" rel="nofollow noopener">site</a>`},
		},
		{
			name:        "linkify",
			render:      Limited,
			src:         "voir www.example.org ou secretariat@example.fr",
			contains:    []string{`<a href="http://www.example.org" rel="nofollow noopener">`, `<a href="mailto:secretariat@example.fr" rel="nofollow noopener">`},
			notContains: []string{"target="},
		},
		{
			name:        "relative link is text",
			render:      Document,
			src:         "[réunion](/reunions/1)",
			contains:    []string{"réunion"},
			notContains: []string{"<a"},
		},
		{
			name:        "link without host",
			render:      Limited,
			src:         "[a](http:) [b](https:/admin) [c](mailto:)",
			notContains: []string{"<a"},
		},
		{
			name:        "data url",
			render:      Document,
			src:         "[x](data:text/html;base64,PHNjcmlwdD4=) [y](data:image/png;base64,AAAA) <data:text/html,x>",
			notContains: []string{"data:text/html;", "data:image", "href"},
		},
		{
			name:     "heading shifted",
			render:   Document,
			src:      "# Titre",
			contains: []string{"<h2>Titre</h2>"},
		},
		{
			name:     "headings capped at h4",
			render:   Document,
			src:      "## a\n\n### b\n\n###### c\n\nd\n=\n",
			contains: []string{"<h3>a</h3>", "<h4>b</h4>", "<h4>c</h4>", "<h2>d</h2>"},
		},
		{
			name:        "no heading in limited",
			render:      Limited,
			src:         "# Titre\n\nSous-titre\n---\n",
			contains:    []string{"<p># Titre</p>"},
			notContains: []string{"<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<hr"},
		},
		{
			name:        "no table or quote in limited",
			render:      Limited,
			src:         "| a | b |\n|---|---|\n| 1 | 2 |\n\n> citation\n",
			contains:    []string{"| a | b |", "&gt; citation"},
			notContains: []string{"<table", "<blockquote"},
		},
		{
			name:     "limited emphasis, lists and code",
			render:   Limited,
			src:      "*a* **b** `c`\n\n- un\n- deux\n",
			contains: []string{"<em>a</em>", "<strong>b</strong>", "<code>c</code>", "<ul>\n<li>un</li>"},
		},
		{
			name:     "table",
			render:   Document,
			src:      "| Nom | Voix |\n|:----|-----:|\n| Pour | 12 |\n",
			contains: []string{"<table>", `<th align="left">Nom</th>`, `<td align="right">12</td>`},
		},
		{
			name:     "document blocks",
			render:   Document,
			src:      "> cité\n\n---\n\n~~barré~~\n\n```\ncode\n```\n",
			contains: []string{"<blockquote>", "<hr>", "<del>barré</del>", "<pre><code>code\n</code></pre>"},
		},
		{
			name:     "line breaks",
			render:   Limited,
			src:      "ligne un\nligne deux",
			contains: []string{"ligne un<br>\nligne deux"},
		},
		{
			name:     "french text",
			render:   Document,
			src:      "« Relevé de décisions » : le cœur de l'œuvre, été",
			contains: []string{"« Relevé de décisions » : le cœur de l&#39;œuvre, été"},
		},
		{
			name:        "iframe and style",
			render:      Document,
			src:         "<iframe src=\"http://x\"></iframe>\n\n<style>p{color:red}</style>\n\nfin",
			notContains: []string{"<iframe", "<style"},
		},
		{
			name:        "fenced code language class dropped",
			render:      Document,
			src:         "```go\nx\n```",
			notContains: []string{"class="},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.render(tt.src)
			for _, want := range tt.contains {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
			for _, bad := range tt.notContains {
				if strings.Contains(got, bad) {
					t.Errorf("output contains %q:\n%s", bad, got)
				}
			}
			if err := checkHTML(got, documentElements); err != nil {
				t.Errorf("%v:\n%s", err, got)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 3, "abc"},
		{"abc", 2, "ab"},
		{"aé", 2, "a"}, // é is two bytes: keeping one would split it
		{"aé", 3, "aé"},
		{"œ", 0, ""},
	}
	for _, tt := range tests {
		if got := truncate(tt.s, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestHugeInput(t *testing.T) {
	// "é" straddles the limit, so a byte cut would leave invalid UTF-8.
	src := strings.Repeat("a", maxInput-1) + strings.Repeat("é", 10)
	got := Document(src)
	if !utf8.ValidString(got) {
		t.Fatal("output is not valid UTF-8")
	}
	if strings.Contains(got, "é") {
		t.Error("text past the limit was rendered")
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			src := fmt.Sprintf("# T%d\n\n[l](http://x/%d) *e*", i, i)
			if got := Document(src); !strings.Contains(got, fmt.Sprintf("http://x/%d", i)) {
				t.Errorf("Document(%q) = %q", src, got)
			}
			if got := Limited(src); !strings.Contains(got, fmt.Sprintf("http://x/%d", i)) {
				t.Errorf("Limited(%q) = %q", src, got)
			}
		})
	}
	wg.Wait()
}

// allowedAttrs is every attribute either policy lets through.
var allowedAttrs = map[string]bool{"href": true, "rel": true, "start": true, "align": true}

var (
	documentElements = map[string]bool{
		"p": true, "br": true, "h2": true, "h3": true, "h4": true, "em": true, "strong": true,
		"del": true, "code": true, "pre": true, "blockquote": true, "hr": true, "ul": true,
		"ol": true, "li": true, "a": true, "table": true, "thead": true, "tbody": true,
		"tr": true, "th": true, "td": true,
	}
	limitedElements = map[string]bool{
		"p": true, "br": true, "em": true, "strong": true, "code": true, "ul": true,
		"ol": true, "li": true, "a": true,
	}
)

// checkHTML reports markup that could run script or load content: it reads
// the output the way a browser would, not as a string.
func checkHTML(out string, elements map[string]bool) error {
	if strings.Contains(strings.ToLower(out), "<script") {
		return fmt.Errorf("script tag")
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			if !elements[tok.Data] {
				return fmt.Errorf("element %q", tok.Data)
			}
			for _, a := range tok.Attr {
				if !allowedAttrs[a.Key] {
					return fmt.Errorf("attribute %q on %q", a.Key, tok.Data)
				}
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.Contains(v, "javascript:") {
					return fmt.Errorf("javascript: in %s=%q", a.Key, a.Val)
				}
				if a.Key == "href" && !strings.HasPrefix(v, "http://") &&
					!strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "mailto:") {
					return fmt.Errorf("href %q", a.Val)
				}
			}
		case html.CommentToken, html.DoctypeToken:
			return fmt.Errorf("unexpected %v", z.Token())
		}
	}
}

var fuzzSeeds = []string{
	"# Titre\n\n*a* **b** ~~c~~ `d`\n\n- x\n- y\n\n> q\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n",
	"<script>alert(1)</script>",
	"[x](javascript:alert(1)) <javascript:alert(1)> [y](jav&#x61;script:alert(1))",
	"<img src=x onerror=alert(1)> ![a](http://x/y.png)",
	`<a href="http://x" onclick="y">z</a>`,
	"[x](http://a \"t\" onclick=1) www.example.org a@b.fr",
	"<iframe src=//x></iframe><style>*{}</style><!-- c -->",
	"[x](data:text/html;base64,AAAA) ![y](data:image/png;base64,AAAA)",
	"```html\n<script>\n```\n\n    <script>",
	"[a]: javascript:alert(1)\n\n[a]",
	"[](http:) [x](mailto:)",
}

func FuzzDocument(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := Document(src)
		if err := checkHTML(out, documentElements); err != nil {
			t.Fatalf("%v in Document(%q):\n%s", err, src, out)
		}
	})
}

func FuzzLimited(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := Limited(src)
		if err := checkHTML(out, limitedElements); err != nil {
			t.Fatalf("%v in Limited(%q):\n%s", err, src, out)
		}
	})
}
