package view

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"comite/internal/model"
)

// Plural writes a count with its noun phrase, by the French rule: 0 and 1
// take the singular (« 0 courriel envoyé », « 1 courriel envoyé »).
func Plural(n int, one, many string) string {
	if n <= 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// CappedCount writes a count made with a cap: n itself, or « plus de
// cap » when n is above it.
func CappedCount(n, limit int) string {
	if n > limit {
		return "plus de " + strconv.Itoa(limit)
	}
	return strconv.Itoa(n)
}

// PluralWord is the word of Plural without the number.
func PluralWord(n int, one, many string) string {
	if n <= 1 {
		return one
	}
	return many
}

func describedBy(f *Form, name, hint string) string {
	var ids []string
	if hint != "" {
		ids = append(ids, hintID(name))
	}
	if f.Error(name) != "" {
		ids = append(ids, errorID(name))
	}
	return strings.Join(ids, " ")
}

// current is the aria-current value of a link: "page" for the page shown, and
// nothing otherwise (templ leaves out an attribute whose value is false).
func current(on bool) templ.Attributes {
	if on {
		return templ.Attributes{"aria-current": "page"}
	}
	return templ.Attributes{}
}

func orDash(s string) string {
	if s == "" {
		return "Non renseigné"
	}
	return s
}

// period writes "depuis le 21 mars 2024" or "du 21 mars 2024 au 11 décembre 2024".
func period(start time.Time, end *time.Time) string {
	if end == nil {
		return "depuis le " + Date(start)
	}
	return "du " + Date(start) + " au " + Date(*end)
}

// exportURL keeps the page's chosen day in the export links.
func exportURL(path string, p MembersPage) string {
	if p.DayInput == "" || p.DayError != "" {
		return path
	}
	return path + "?date=" + url.QueryEscape(p.DayInput)
}

func mailStatus(m model.Mail) string {
	switch m.Status {
	case "sent":
		return "envoyé"
	case "failed":
		return "échec après " + strconv.Itoa(m.Attempts) + " tentatives : " + m.LastError
	}
	if m.Attempts > 0 {
		return "en attente d'un nouvel essai (" + m.LastError + ")"
	}
	return "en attente"
}

// mailGroupStatus counts the states of a group's mails: « 62 en attente »,
// « 60 envoyés, 2 en échec ».
func mailGroupStatus(c model.MailStateCounts, sending bool) string {
	var parts []string
	if c.Sent > 0 {
		parts = append(parts, Plural(c.Sent, "envoyé", "envoyés"))
	}
	if c.Waiting > 0 {
		w := strconv.Itoa(c.Waiting) + " en attente"
		if !sending {
			w += " (aucun serveur d'envoi)"
		}
		parts = append(parts, w)
	}
	if c.Retrying > 0 {
		parts = append(parts, strconv.Itoa(c.Retrying)+" en attente d'un nouvel essai")
	}
	if c.Failed > 0 {
		parts = append(parts, strconv.Itoa(c.Failed)+" en échec")
	}
	return strings.Join(parts, ", ")
}

func importEffect(it ImportItem) string {
	switch it.Action {
	case "unchanged":
		return "Inchangé"
	case "replace":
		return "Remplace " + it.OldHolder
	case "new_seat":
		return "Nouveau siège"
	}
	return ""
}

// fileSummary writes "PDF, 1,2 Mo".
// documentMeta is the kind and file of a document beside its title in a
// list: "(Intervention, PDF, 2 Ko)".
func documentMeta(d model.Document) string {
	if d.Latest == nil {
		return "(" + d.Kind.Label() + ")"
	}
	return "(" + d.Kind.Label() + ", " + fileSummary(*d.Latest) + ")"
}

func fileSummary(v model.DocumentVersion) string {
	return mediaLabel(v.MediaType) + ", " + SizeLabel(v.Size)
}

// SizeLabel writes a number of bytes as French readers expect: "1,2 Mo",
// "50 Mo", "12 Ko".
func SizeLabel(n int64) string {
	switch {
	case n >= 1<<20:
		mo := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
		return strings.Replace(strings.TrimSuffix(mo, ".0"), ".", ",", 1) + " Mo"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " Ko"
	}
	return strconv.FormatInt(n, 10) + " octets"
}

func mediaLabel(media string) string {
	switch media {
	case "application/pdf":
		return "PDF"
	case "application/vnd.oasis.opendocument.text":
		return "ODT"
	case "application/vnd.oasis.opendocument.spreadsheet":
		return "ODS"
	case "application/vnd.oasis.opendocument.presentation":
		return "ODP"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return "DOCX"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return "XLSX"
	case "application/vnd.openxmlformats-officedocument.presentationml.presentation":
		return "PPTX"
	case "image/png":
		return "PNG"
	case "image/jpeg":
		return "JPEG"
	case "text/csv":
		return "CSV"
	case "text/plain":
		return "Texte"
	}
	return media
}

func documentsQuery(p DocumentsPage, page int) string {
	q := url.Values{}
	for k, v := range map[string]string{"kind": p.Kind, "year": p.Year, "attached": p.Attached} {
		if v != "" {
			q.Set(k, v)
		}
	}
	q.Set("page", itoa(page))
	return q.Encode()
}

// closedConsultationSentence ends with its full stop so that the date, when
// there is one, is not followed by a stray space.
func closedConsultationSentence(c model.Consultation) string {
	if c.Window == nil {
		return "La consultation sur cette mesure est close."
	}
	return "La consultation sur cette mesure est close depuis le " + DateTime(c.Window.ClosesAt) + "."
}

// headingsFrom moves the headings of stored, sanitised HTML (minutes, an
// article) so that its highest one is an <hN> of level top: the text's own
// "##" then sits under the page's section heading instead of beside it, and
// an article that starts at "###" skips no level. The sanitiser keeps no
// attribute on headings and escapes "<" in text, so the tags are found by
// their exact spelling; one pass of the replacer moves each tag once.
func headingsFrom(html string, top int) string {
	high := 0
	for level := 1; level <= 6; level++ {
		if strings.Contains(html, "<h"+strconv.Itoa(level)) {
			high = level
			break
		}
	}
	if high == 0 || high == top {
		return html
	}
	var pairs []string
	for level := 1; level <= 6; level++ {
		l, to := strconv.Itoa(level), strconv.Itoa(min(max(level+top-high, 1), 6))
		pairs = append(pairs, "<h"+l+">", "<h"+to+">", "<h"+l+" ", "<h"+to+" ", "</h"+l+">", "</h"+to+">")
	}
	return strings.NewReplacer(pairs...).Replace(html)
}

// de writes « de » before a person's name, elided before a vowel as French
// requires: « de Claude », « d'Inès », « d'Yves ». A name starting with an
// « h » keeps « de »: whether it is mute cannot be told from the spelling.
func de(name string) string {
	r := []rune(strings.ToLower(name))
	if len(r) > 0 && strings.ContainsRune("aàâäeéèêëiîïoôöuùûüyœæ", r[0]) {
		return "d'" + name
	}
	return "de " + name
}

// withBody writes a person's name followed by their body in parentheses,
// or after a dash when the name already ends with parentheses of its own
// (« Paul Exemple (DGT, compte de démonstration) – Direction générale du
// travail »): two pairs in a row read as a typo.
func withBody(name, body string) string {
	switch {
	case body == "":
		return name
	case strings.HasSuffix(name, ")"):
		return name + " – " + body
	}
	return name + " (" + body + ")"
}
