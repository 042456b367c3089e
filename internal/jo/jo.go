// Package jo reads the text of a Journal officiel arrêté naming the members of a committee, as
// Légifrance displays it, into structured seats, and reports every line it could not understand.
package jo

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"comite/internal/model"
)

// Result is what Parse read from a pasted arrêté.
type Result struct {
	Title        string    // the first line starting with "Arrêté du …" (normalised spaces), "" if none
	Date         time.Time // the date in the title, midnight UTC; zero if none
	NOR          string    // "NOR : DFEA2406543A" → "DFEA2406543A"; "" if none
	JORF         string    // e.g. "JORF n°0062 du 14 mars 2024" if present in the text; "" otherwise
	TextNumber   string    // "texte n° 33" → "33" if present
	ELI          string    // an https://www.legifrance.gouv.fr/eli/... URL if present
	Members      []Member  // in the order of the text
	Unrecognised []Line    // every non-blank line of the member part that is neither a heading nor a member
	Lines        int       // number of non-blank lines in the text
	Understood   int       // non-blank lines recognised as reference, preamble, heading or member
}

// Line is one line of the pasted text, as pasted.
type Line struct {
	Number int    // 1-based; "\n", "\r\n" and "\r" each end a line
	Text   string // the original text, line ending removed
}

// Member is one person named on a seat.
type Member struct {
	Line         int            // line number where the member's entry starts
	Heading      string         // the category heading as printed, e.g. "2° Au titre des associations"
	Category     model.Category // guessed from the heading; "" when unknown
	Body         string         // the body represented, as printed, from a body heading or the entry itself (only a heading for a qualified person, whose entry gives a title)
	Civility     string         // "M." or "Mme"
	GivenName    string         // "Jean-Pierre"
	FamilyName   string         // as printed, usually upper case: "DUPONT", "LE GALL", "de LA TOUR"
	Role         model.SeatRole // titulaire unless the entry or its heading says suppléant
	Representing string         // "représentant le ministre chargé du travail", trailing punctuation removed
	Qualified    bool           // named as a personnalité qualifiée
}

// line is one pasted line in three forms: raw to report it, norm to read names
// as printed, fold to match keywords whatever the accents and case.
type line struct {
	num             int
	raw, norm, fold string
}

type phase int

const (
	preamble phase = iota
	memberPart
	afterMembers
	signature
)

var (
	vuRe       = regexp.MustCompile(`^vu[\s,']`)
	nommesRe   = regexp.MustCompile(`\bsont (?:nomme|designe)e?s\b`)
	endRe      = regexp.MustCompile(`^(?:art\.|art |article\b|fait le |fait a |le present arrete)`)
	arreteRe   = regexp.MustCompile(`^(?:arretent|arrete|decident|decide)\s*:?$`)
	authorRe   = regexp.MustCompile(`^(?:le|la|les) .*,$`)
	norRe      = regexp.MustCompile(`(?i)\bNOR\s*:?\s*([a-z]{4}\d{7}[a-z])\b`)
	jorfRe     = regexp.MustCompile(`(?i)\bJORF\s*n\s*°\s*\d+\s+du\s+\d{1,2}(?:er)?\s+\p{L}+\s+\d{4}`)
	textNoRe   = regexp.MustCompile(`(?i)\btexte\s+n\s*°\s*(\d+)`)
	eliRe      = regexp.MustCompile(`https?://(?:www\.)?legifrance\.gouv\.fr/eli/\S+`)
	titleDayRe = regexp.MustCompile(`^arrete du (\d{1,2})(?:er)? (\pL+) (\d{4})\b`)
)

var months = map[string]time.Month{
	"janvier": time.January, "fevrier": time.February, "mars": time.March, "avril": time.April,
	"mai": time.May, "juin": time.June, "juillet": time.July, "aout": time.August,
	"septembre": time.September, "octobre": time.October, "novembre": time.November, "decembre": time.December,
}

// Parse reads the pasted text. It never fails: what it cannot read goes to Result.Unrecognised.
func Parse(text string) Result {
	p := &parser{lines: splitLines(text)}
	p.understood = make([]bool, len(p.lines))
	p.run()
	for i, l := range p.lines {
		if l.norm == "" {
			continue
		}
		p.res.Lines++
		if p.understood[i] {
			p.res.Understood++
		}
	}
	return p.res
}

// parser holds the state of one Parse call; understood is per line so that a
// line is never counted twice.
type parser struct {
	lines      []line
	understood []bool
	res        Result
	ctx        context
}

// context is what the headings above an entry say about it.
type context struct {
	heading      string
	numbered     bool // the heading was numbered, so unnumbered "…:" lines are bodies
	category     model.Category
	catRole      model.SeatRole // role stated by the category heading, restored at each body
	role         model.SeatRole
	body, repr   string
	bodyCategory model.Category // for lists whose category headings say nothing usable
}

func splitLines(text string) []line {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	raws := strings.Split(text, "\n")
	lines := make([]line, len(raws))
	for i, r := range raws {
		n := normalise(r)
		lines[i] = line{num: i + 1, raw: r, norm: n, fold: fold(n)}
	}
	return lines
}

func (p *parser) run() {
	ph := preamble
	for i := 0; i < len(p.lines); i++ {
		l := p.lines[i]
		switch {
		case l.norm == "":
		case ph == signature:
			// Signature blocks have no fixed shape ("Pour la ministre et par
			// délégation :", a title, a name): everything after "Fait le" is one.
			p.understood[i] = true
		case ph != memberPart && vuRe.MatchString(l.fold):
			// Checked before "sont nommés" because a recital may quote it.
			p.understood[i] = true
		case nommesRe.MatchString(l.fold):
			ph = memberPart
			p.ctx = context{role: roleIn(l.fold)}
			p.ctx.catRole = p.ctx.role
			if _, rest, ok := strings.Cut(l.norm, ":"); ok && strings.TrimSpace(rest) != "" {
				i = p.entry(i, strings.TrimSpace(rest))
			} else {
				p.understood[i] = true
			}
		case ph == memberPart && !endRe.MatchString(l.fold):
			i = p.memberLine(i)
		default:
			if ph == memberPart {
				ph = afterMembers
			}
			p.understood[i] = p.preambleLine(l, ph == preamble)
			if strings.HasPrefix(l.fold, "fait le ") || strings.HasPrefix(l.fold, "fait a ") {
				ph = signature
			}
		}
	}
}

// preambleLine reads a line outside the member part and reports whether it is
// one of the usual parts of an arrêté.
func (p *parser) preambleLine(l line, beforeMembers bool) bool {
	ref := p.references(l)
	f := l.fold
	switch {
	case strings.HasPrefix(f, "arrete du "):
		if p.res.Title == "" {
			p.res.Title = l.norm
			p.res.Date = titleDate(f)
		}
		return true
	case ref, arreteRe.MatchString(f), endRe.MatchString(f):
		return true
	case beforeMembers && authorRe.MatchString(f):
		// The signing minister opens the text: "La ministre déléguée …, chargée de …,".
		return true
	}
	return false
}

// references records the Légifrance identifiers found on l; the first of each
// kind wins because Légifrance prints them at the top.
func (p *parser) references(l line) bool {
	found := false
	if m := norRe.FindStringSubmatch(l.norm); m != nil {
		found = true
		if p.res.NOR == "" {
			p.res.NOR = strings.ToUpper(m[1])
		}
	}
	if m := jorfRe.FindString(l.norm); m != "" {
		found = true
		if p.res.JORF == "" {
			p.res.JORF = m
		}
	}
	if m := textNoRe.FindStringSubmatch(l.norm); m != nil {
		found = true
		if p.res.TextNumber == "" {
			p.res.TextNumber = m[1]
		}
	}
	if m := eliRe.FindString(l.norm); m != "" {
		found = true
		if p.res.ELI == "" {
			p.res.ELI = strings.TrimRight(m, ".,;)")
		}
	}
	return found || strings.HasPrefix(l.fold, "version en vigueur")
}

// titleDate reads "arrete du 1er mars 2019" (folded); a day the month does not
// have gives the zero time rather than a date time.Date would roll over.
func titleDate(f string) time.Time {
	m := titleDayRe.FindStringSubmatch(f)
	if m == nil {
		return time.Time{}
	}
	month, ok := months[m[2]]
	day, _ := strconv.Atoi(m[1])
	year, _ := strconv.Atoi(m[3])
	if !ok {
		return time.Time{}
	}
	d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if d.Day() != day || d.Month() != month {
		return time.Time{}
	}
	return d
}
