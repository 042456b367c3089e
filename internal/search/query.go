// Package search turns what a user types in the search box into a
// PostgreSQL text-search query, and its highlighted excerpts into safe
// HTML.
package search

import (
	"html"
	"strings"
	"unicode"
)

// maxTerms bounds the work one query can cause.
const maxTerms = 12

// Query is a parsed search: the words and phrases as typed, and the
// tsquery text to give to to_tsquery with the portal's configuration.
type Query struct {
	Words   []string
	Phrases [][]string
	// TSQuery is empty when nothing searchable was typed.
	TSQuery string
}

// Parse reads the search box: words in double quotes form a phrase
// (matched in order, next to each other), every other word matches as a
// prefix ("identif" finds "identification"). Accents and case do not
// matter; the database folds them. Anything but letters and digits
// separates words, so no operator can be smuggled into the tsquery.
func Parse(input string) Query {
	var q Query
	var parts []string
	inQuote := false
	for i, chunk := range strings.Split(input, `"`) {
		inQuote = i%2 == 1
		words := split(chunk)
		if len(words) == 0 {
			continue
		}
		if inQuote && len(words) > 1 {
			words = limit(words, maxTerms-countTerms(q))
			if len(words) == 0 {
				break
			}
			q.Phrases = append(q.Phrases, words)
			parts = append(parts, "("+strings.Join(quoted(words, ""), " <-> ")+")")
			continue
		}
		for _, w := range words {
			if countTerms(q) >= maxTerms {
				break
			}
			q.Words = append(q.Words, w)
			parts = append(parts, quoted([]string{w}, ":*")[0])
		}
	}
	q.TSQuery = strings.Join(parts, " & ")
	return q
}

// split cuts text into lowercase words of letters and digits.
func split(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func limit(words []string, n int) []string {
	if n < 0 {
		n = 0
	}
	if len(words) > n {
		return words[:n]
	}
	return words
}

func countTerms(q Query) int {
	n := len(q.Words)
	for _, p := range q.Phrases {
		n += len(p)
	}
	return n
}

// quoted writes each word as a tsquery literal. Words hold only letters
// and digits, so the quotes cannot be broken out of.
func quoted(words []string, suffix string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "'" + w + "'" + suffix
	}
	return out
}

// Markers ts_headline puts around matches: characters nobody types, so
// that the excerpt can be escaped as a whole before they become <mark>.
const (
	StartMark = "\u2060\u27e6"
	StopMark  = "\u27e7\u2060"
)

// Highlight turns an excerpt from ts_headline into HTML: the text is
// escaped, then the markers become <mark> elements.
func Highlight(excerpt string) string {
	s := html.EscapeString(excerpt)
	s = strings.ReplaceAll(s, StartMark, "<mark>")
	s = strings.ReplaceAll(s, StopMark, "</mark>")
	// A marker cut in half by the excerpt's length limit must not leave
	// an element open.
	if strings.Count(s, "<mark>") != strings.Count(s, "</mark>") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", "")
	}
	return s
}
