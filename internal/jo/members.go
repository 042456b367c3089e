package jo

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"comite/internal/model"
)

var (
	bulletRe   = regexp.MustCompile(`^[-–—•·*‑−]+\s*`)
	numberedRe = regexp.MustCompile(`^(?:\d{1,2}\s*°\s*\)?|[IVXL]{1,6}\s*(?:[.)]\s*(?:[-–—]\s*)?|[-–—]\s+))`)
	letterRe   = regexp.MustCompile(`^[a-zA-Z]\s*\)\s*`)
	// A civility counts only before something that can start a name, so that
	// "représentant Mme la ministre" is not read as a person called "la".
	civRe      = regexp.MustCompile(`(?:^|[^\pL\pN])((?i:madame|monsieur|mme)\.?|M\.?)\s+(?:\p{Lu}|(?:de|du|des|van|von)\s|d['’])`)
	civStartRe = regexp.MustCompile(`^(?:(?i:madame|monsieur|mme)|M)(?:[.\s,]|$)`)
	roleHeadRe = regexp.MustCompile(`^(?:membres? )?(?:titulaire|suppleant)e?s?\s*:?$`)
	roleLeadRe = regexp.MustCompile(`^(?:membres? )?(?:titulaire|suppleant)e?s?\s*:`)
	roleRe     = regexp.MustCompile(`^(?:en qualite de |en tant que )?(?:membres? )?(titulaire|suppleant)`)
	reprRe     = regexp.MustCompile(`^(?:en qualite de |en tant que )?represent`)
	pieceSepRe = regexp.MustCompile(`[,;]`)
	connLeadRe = regexp.MustCompile(`(?i)^(?:et|ou)(?:\s+|$)`)
	connTailRe = regexp.MustCompile(`(?i)\s+(?:et|ou)$`)
	nameWordRe = regexp.MustCompile(`^\pL[\pL\pM'’.\-]*$`)
)

// memberLine reads line i of the member part and returns the index of the
// last line it consumed.
func (p *parser) memberLine(i int) int {
	text := bulletRe.ReplaceAllString(p.lines[i].norm, "")
	if m := numberedRe.FindStringIndex(text); m != nil {
		// "1° M. Jean DUPONT, …": some lists number people, not categories.
		if rest := text[m[1]:]; civStartRe.MatchString(rest) {
			return p.entry(i, rest)
		}
		head, rest := splitHeading(text)
		p.setCategory(head, true)
		return p.headingRest(i, rest)
	}
	if m := letterRe.FindStringIndex(text); m != nil {
		if rest := text[m[1]:]; civStartRe.MatchString(rest) {
			return p.entry(i, rest)
		}
		head, rest := splitHeading(text[m[1]:])
		p.setBody(head)
		return p.headingRest(i, rest)
	}
	if roleHeadRe.MatchString(fold(text)) {
		p.ctx.role = roleIn(fold(text))
		p.understood[i] = true
		return i
	}
	if hasCivility(text) {
		return p.entry(i, text)
	}
	if strings.HasSuffix(text, ":") {
		head := strings.TrimRight(text, " :")
		// Without numbering the first level of headings is the categories.
		if guessCategory(head) != "" && !p.ctx.numbered {
			p.setCategory(head, false)
		} else {
			p.setBody(head)
		}
		p.understood[i] = true
		return i
	}
	p.unrecognised(i, i)
	return i
}

// splitHeading cuts "3° Personnalités qualifiées : Mme X ;" into the heading
// and the entries printed on the same line.
func splitHeading(text string) (head, rest string) {
	head, rest, _ = strings.Cut(text, ":")
	return strings.TrimRight(head, " .:"), strings.TrimSpace(rest)
}

func (p *parser) headingRest(i int, rest string) int {
	if rest == "" {
		p.understood[i] = true
		return i
	}
	return p.entry(i, rest)
}

func (p *parser) setCategory(head string, numbered bool) {
	f := fold(head)
	p.ctx = context{heading: head, numbered: numbered, category: guessCategory(head), role: roleIn(f)}
	p.ctx.catRole = p.ctx.role
}

func (p *parser) setBody(head string) {
	f := fold(head)
	p.ctx.role = p.ctx.catRole
	if r := roleIn(f); r != "" {
		p.ctx.role = r
	}
	if roleHeadRe.MatchString(f) {
		return // "b) Membres suppléants :" names no body.
	}
	p.ctx.body, p.ctx.repr = head, ""
	if reprRe.MatchString(f) {
		p.ctx.body, p.ctx.repr = "", head
	}
	p.ctx.bodyCategory = guessCategory(head)
}

func (p *parser) unrecognised(from, to int) {
	for k := from; k <= to; k++ {
		if l := p.lines[k]; l.norm != "" {
			p.res.Unrecognised = append(p.res.Unrecognised, Line{Number: l.num, Text: l.raw})
		}
	}
}

// entry reads the member entry that starts on line i with text first, joining
// the following lines while the entry is visibly unfinished, and returns the
// index of its last line.
func (p *parser) entry(i int, first string) int {
	var text strings.Builder
	text.WriteString(first)
	last, j := first, i
	for unfinished(last) && j+1 < len(p.lines) && continues(p.lines[j+1]) {
		j++
		last = p.lines[j].norm
		text.WriteString(" " + last)
	}
	members, ok := p.readEntry(text.String(), p.lines[i].num)
	if !ok {
		p.unrecognised(i, j)
		return j
	}
	for k := i; k <= j; k++ {
		p.understood[k] = true
	}
	p.res.Members = append(p.res.Members, members...)
	return j
}

// unfinished reports whether an entry line lacks the ";" or "." that ends an
// entry in the JO, so that the next line may carry the rest of it.
func unfinished(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(text))
	return !strings.ContainsRune(";.:", r)
}

// continues reports whether l can only be the rest of the entry above it:
// anything that may start an entry or a heading starts a new one.
func continues(l line) bool {
	t := l.norm
	if t == "" {
		return false
	}
	r := []rune(t)[0]
	if !unicode.IsLetter(r) && r != '(' {
		return false
	}
	f := l.fold
	return !civStartRe.MatchString(t) && !numberedRe.MatchString(t) && !letterRe.MatchString(t) &&
		!roleLeadRe.MatchString(f) && !nommesRe.MatchString(f) && !endRe.MatchString(f) &&
		!strings.HasSuffix(t, ":")
}

func hasCivility(text string) bool {
	return civRe.MatchString(text) || civStartRe.MatchString(text)
}

// readEntry reads one entry: one person, or several sharing a line ("M. X,
// titulaire, et Mme Y, suppléante, représentant …"). Any part it cannot place
// rejects the whole entry, so that the secretariat sees it.
func (p *parser) readEntry(text string, num int) ([]Member, bool) {
	text = bulletRe.ReplaceAllString(text, "")
	locs := civRe.FindAllStringSubmatchIndex(text, -1)
	if len(locs) == 0 {
		return nil, false
	}
	lineBody, lead, ok := entryLead(trimSegment(text[:locs[0][2]]))
	if !ok {
		return nil, false
	}
	members, bodies, ok := readPeople(text, locs, num, lead)
	if !ok {
		return nil, false
	}
	p.complete(members, bodies, lineBody)
	return members, true
}

// entryLead reads what is printed before the entry's first civility: a
// role for the first person, or a body for everyone on the line
// ("Comité contre l'esclavage moderne : Mme X …").
func entryLead(pre string) (lineBody string, lead model.SeatRole, ok bool) {
	switch {
	case pre == "":
	case !hasAlnum(pre):
		return "", "", false
	case roleRe.MatchString(fold(pre)):
		lead = roleOf(pre)
	default:
		lineBody = pre
	}
	return lineBody, lead, true
}

// readPeople reads the person after each civility of text (found at locs),
// the first one with role lead, and returns them with the body each one's
// own parts name.
func readPeople(text string, locs [][]int, num int, lead model.SeatRole) (members []Member, bodies []string, ok bool) {
	for k, loc := range locs {
		end := len(text)
		if k+1 < len(locs) {
			end = locs[k+1][2]
		}
		m := Member{Line: num, Civility: civility(text[loc[2]:loc[3]]), Role: lead}
		lead = ""
		pieces := pieceSepRe.Split(text[loc[3]:end], -1)
		given, family, rest, ok := readName(pieces[0])
		if !ok {
			return nil, nil, false
		}
		m.GivenName, m.FamilyName = given, family
		// The words just before the next civility may introduce it:
		// "…, et Mme Y", "… ; suppléant : M. Y".
		if n := len(pieces) - 1; k+1 < len(locs) && n > 0 {
			last := strings.TrimSpace(pieces[n])
			isRole := roleRe.MatchString(fold(trimSegment(last)))
			if strings.HasSuffix(last, ":") || trimSegment(last) == "" || (isRole && m.Role != "") {
				if isRole {
					lead = roleOf(last)
				}
				pieces = pieces[:n]
			}
		}
		body, ok := classify(&m, append(rest, pieces[1:]...))
		if !ok {
			return nil, nil, false
		}
		members = append(members, m)
		bodies = append(bodies, body)
	}
	return members, bodies, true
}

// complete fills what the entry left out of members from what the others
// on the line print once for all, then from the headings above it.
func (p *parser) complete(members []Member, bodies []string, lineBody string) {
	// A pair shares what is printed once for both.
	var sharedBody, sharedRepr string
	for k := range members {
		if sharedBody == "" {
			sharedBody = bodies[k]
		}
		if sharedRepr == "" {
			sharedRepr = members[k].Representing
		}
	}
	for k := range members {
		m := &members[k]
		m.Heading, m.Category = p.ctx.heading, p.ctx.category
		if m.Category == "" {
			m.Category = p.ctx.bodyCategory
		}
		m.Qualified = m.Qualified || m.Category == model.CategoryQualifiedPerson
		if m.Qualified && m.Category == "" {
			m.Category = model.CategoryQualifiedPerson
		}
		if m.Representing == "" {
			m.Representing = sharedRepr
		}
		if m.Representing == "" {
			m.Representing = p.ctx.repr
		}
		// A qualified person sits in their own name: what follows the name is
		// a title, not a body.
		m.Body = p.ctx.body
		for _, b := range []string{bodies[k], lineBody, sharedBody} {
			if m.Body == "" && !m.Qualified {
				m.Body = b
			}
		}
		if m.Role == "" {
			m.Role = p.ctx.role
		}
		if m.Role == "" {
			m.Role = model.SeatTitulaire
		}
	}
}

// classify places the parts printed after a name and returns the first one
// that is neither a role nor a "représentant" phrase, which names the body.
func classify(m *Member, segs []string) (body string, ok bool) {
	inRepr := false
	for _, s := range segs {
		s = trimSegment(s)
		f := fold(s)
		switch {
		case s == "":
		case !hasAlnum(s):
			return "", false
		case roleRe.MatchString(f):
			m.Role, inRepr = roleOf(s), false
		case strings.Contains(f, "personnalite qualifiee"):
			m.Qualified, inRepr = true, false
		case reprRe.MatchString(f):
			m.Representing, inRepr = s, true
		case inRepr:
			// "représentant le ministre du travail, de l'emploi et de l'insertion"
			m.Representing += ", " + s
		case body == "":
			body = s
		}
	}
	return body, true
}

// trimSegment removes connectors and punctuation around a part of an entry.
func trimSegment(s string) string {
	s = strings.Trim(strings.TrimSpace(s), " .;:,–—-")
	s = connLeadRe.ReplaceAllString(s, "")
	s = connTailRe.ReplaceAllString(s, "")
	return strings.Trim(s, " .;:,–—-")
}

func hasAlnum(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

func civility(c string) string {
	switch strings.TrimSuffix(fold(c), ".") {
	case "madame", "mme":
		return "Mme"
	}
	return "M."
}

func roleOf(s string) model.SeatRole {
	if m := roleRe.FindStringSubmatch(fold(trimSegment(s))); m != nil && m[1] == "suppleant" {
		return model.SeatSuppleant
	}
	return model.SeatTitulaire
}

// roleIn is the role a heading states, "" when it names both or neither.
func roleIn(f string) model.SeatRole {
	t, s := strings.Contains(f, "titulaire"), strings.Contains(f, "suppleant")
	switch {
	case t && !s:
		return model.SeatTitulaire
	case s && !t:
		return model.SeatSuppleant
	}
	return ""
}

// readName splits what follows a civility into given and family names and
// returns what is printed after the name ("titulaire et", a parenthesis).
func readName(piece string) (given, family string, rest []string, ok bool) {
	var after []string
	if head, tail, found := strings.Cut(piece, ":"); found {
		piece, after = head, append(after, tail)
	}
	var paren string
	if head, tail, found := strings.Cut(piece, "("); found {
		inside, tail2, _ := strings.Cut(tail, ")")
		piece, paren, after = head, strings.TrimSpace(inside), append([]string{tail2}, after...)
	}
	words := strings.Fields(strings.TrimRight(strings.TrimSpace(piece), ".:"))
	n := 0
	for n < len(words) && !endsName(words[n]) {
		n++
	}
	name := words[:n]
	after = append([]string{strings.Join(words[n:], " ")}, after...)
	if len(name) == 0 {
		return "", "", nil, false
	}
	if !allNameWords(name) {
		return "", "", nil, false
	}
	// "DUPONT (Jean)", as older texts print it.
	if pw := strings.Fields(paren); len(pw) > 0 && allFamily(name) && !upperWord(pw[0]) && allNameWords(pw) {
		return paren, strings.Join(name, " "), after, true
	}
	if paren != "" {
		after = append([]string{paren}, after...)
	}
	given, family = splitName(name)
	return given, family, after, true
}

func allNameWords(words []string) bool {
	for _, w := range words {
		if !nameWordRe.MatchString(w) {
			return false
		}
	}
	return true
}

// endsName reports whether w can no longer be part of a name: a role or
// connector, or a lower-case word that is not a particle.
func endsName(w string) bool {
	f := fold(strings.Trim(w, ".:"))
	if !hasAlnum(w) {
		return true
	}
	switch {
	case f == "et", f == "ou", roleRe.MatchString(f), reprRe.MatchString(f), strings.HasPrefix(f, "membre"):
		return true
	}
	r := []rune(w)[0]
	// "Mme Marie DURAND épouse MARTIN" prints a married name within the name.
	return unicode.IsLower(r) && !isParticle(w) && !upperWord(w) && f != "epouse" && f != "nee"
}

var particles = map[string]bool{
	"de": true, "du": true, "des": true, "d'": true, "le": true, "la": true, "les": true,
	"van": true, "von": true, "der": true, "den": true, "del": true, "della": true, "di": true,
	"da": true, "dos": true, "das": true, "ben": true, "el": true, "al": true, "ter": true, "ten": true,
}

func isParticle(w string) bool { return particles[fold(w)] }

// upperWord reports whether w is printed like a family name: two letters or
// more, none lower case, after an elided "d'" ("d'ARGENSON").
func upperWord(w string) bool {
	f := strings.ReplaceAll(w, "’", "'")
	if len(f) > 2 && (f[:2] == "d'" || f[:2] == "l'") {
		w = f[2:]
	}
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

func allFamily(words []string) bool {
	for _, w := range words {
		if !upperWord(w) && !isParticle(w) {
			return false
		}
	}
	return true
}

// splitName finds the family name: the first upper-case word with the
// particles before it ("Anne de LA TOUR"), a leading upper-case run
// ("DURAND Alice"), or failing case hints the last word ("Sophie Le Roy").
func splitName(words []string) (given, family string) {
	upper, part := make([]bool, len(words)), make([]bool, len(words))
	for i, w := range words {
		upper[i], part[i] = upperWord(w), isParticle(w)
	}
	start := -1
	// Each word is looked at once: a run of particles not followed by an
	// upper-case word cannot start the family name from any of its words.
	for i := 0; i < len(words) && start < 0; {
		j := i
		for j < len(words)-1 && part[j] {
			j++
		}
		if upper[j] {
			start = i
		}
		i = j + 1
	}
	if start == 0 {
		end := 0
		for end < len(words) && (upper[end] || part[end]) {
			end++
		}
		return strings.Join(words[end:], " "), strings.Join(words[:end], " ")
	}
	if start < 0 {
		start = len(words) - 1
		for start > 0 && part[start-1] {
			start--
		}
	}
	return strings.Join(words[:start], " "), strings.Join(words[start:], " ")
}

// guessCategory maps a heading to a category by the words the decree uses.
func guessCategory(head string) model.Category {
	f := fold(head)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(f, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("personnalites qualifiees"):
		return model.CategoryQualifiedPerson
	case has("autorites administratives independantes", "instances independantes", "defenseur des droits", "commission nationale consultative"):
		return model.CategoryIndependentBody
	case has("associations"):
		return model.CategoryAssociation
	case has("syndica", "organisations professionnelles", "partenaires sociaux"):
		return model.CategoryUnion
	case has("l'etat", "administrations", "ministres", "ministere", "collectivites", "etablissements publics"):
		return model.CategoryInstitution
	}
	return ""
}

// normalise turns every kind of pasted space into one plain space; soft
// hyphens and zero-width characters from web pages disappear.
func normalise(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '\u00ad' || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff':
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

var accents = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u",
	"ç", "c", "ÿ", "y", "œ", "oe", "æ", "ae", "’", "'", "‘", "'",
)

// fold gives the form keywords are matched on: lower case, no accents,
// straight apostrophes.
func fold(s string) string {
	return accents.Replace(strings.ToLower(s))
}
