// Package ical writes iCalendar (RFC 5545): meeting invitations sent by mail
// and the calendar feeds that calendar apps subscribe to.
package ical

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the server may have no zoneinfo, and Paris time must not depend on it
	"unicode/utf8"
)

const (
	prodID          = "-//Comite//Portail du comite//FR"
	tzid            = "Europe/Paris"
	defaultDuration = 2 * time.Hour
	maxLine         = 75 // octets per content line, CRLF excluded
	stampFormat     = "20060102T150405Z"
	localFormat     = "20060102T150405"
)

// paris is where the committee meets: times are written as Paris wall-clock
// times so that a calendar shows the meeting at the hour of the convocation
// whatever its own zone.
var paris = func() *time.Location {
	loc, err := time.LoadLocation(tzid)
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}()

// Event is one VEVENT.
type Event struct {
	UID         string    // stable across updates, e.g. "meeting-12@comite"
	Sequence    int       // grows with each update sent to attendees
	Start, End  time.Time // End zero => Start + 2h
	Stamp       time.Time // DTSTAMP (UTC); zero => time.Now()
	Summary     string
	Description string
	Location    string
	URL         string
	Status      string // "CONFIRMED", "TENTATIVE" or "CANCELLED"; empty => omitted

	OrganizerName, OrganizerEmail string // ORGANIZER;CN=...:mailto:... when email not empty
	AttendeeName, AttendeeEmail   string // one ATTENDEE;CN=..;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:.. when email not empty
}

// Calendar is one VCALENDAR.
type Calendar struct {
	Method string // "", "PUBLISH", "REQUEST" or "CANCEL"
	Name   string // X-WR-CALNAME when not empty
	Events []Event
}

// Bytes renders c with CRLF line endings and lines folded at 75 octets.
func (c Calendar) Bytes() []byte {
	var w writer
	w.line("BEGIN:VCALENDAR")
	w.line("PRODID:" + prodID)
	w.line("VERSION:2.0")
	w.line("CALSCALE:GREGORIAN")
	if c.Method != "" {
		w.line("METHOD:" + token(c.Method))
	}
	if c.Name != "" {
		w.line("X-WR-CALNAME:" + text(c.Name))
	}
	// Every DTSTART and DTEND names this TZID, and RFC 5545 requires its
	// definition in the same object.
	if len(c.Events) > 0 {
		w.timezone()
	}
	for _, e := range c.Events {
		w.event(e)
	}
	w.line("END:VCALENDAR")
	return w.b.Bytes()
}

type writer struct{ b bytes.Buffer }

func (w *writer) timezone() {
	// The EU rules since 1996; a VTIMEZONE describing past rules too would
	// only matter for meetings before then.
	for _, l := range []string{
		"BEGIN:VTIMEZONE",
		"TZID:" + tzid,
		"BEGIN:DAYLIGHT",
		"TZOFFSETFROM:+0100",
		"TZOFFSETTO:+0200",
		"TZNAME:CEST",
		"DTSTART:19700329T020000",
		"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
		"END:DAYLIGHT",
		"BEGIN:STANDARD",
		"TZOFFSETFROM:+0200",
		"TZOFFSETTO:+0100",
		"TZNAME:CET",
		"DTSTART:19701025T030000",
		"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
		"END:STANDARD",
		"END:VTIMEZONE",
	} {
		w.line(l)
	}
}

func (w *writer) event(e Event) {
	end := e.End
	if end.IsZero() {
		end = e.Start.Add(defaultDuration)
	}
	stamp := e.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	w.line("BEGIN:VEVENT")
	w.line("UID:" + text(e.UID))
	w.line("SEQUENCE:" + strconv.Itoa(e.Sequence))
	w.line("DTSTAMP:" + stamp.UTC().Format(stampFormat))
	w.line("DTSTART;TZID=" + tzid + ":" + e.Start.In(paris).Format(localFormat))
	w.line("DTEND;TZID=" + tzid + ":" + end.In(paris).Format(localFormat))
	for _, p := range []struct{ name, value string }{
		{"SUMMARY", e.Summary},
		{"DESCRIPTION", e.Description},
		{"LOCATION", e.Location},
	} {
		if p.value != "" {
			w.line(p.name + ":" + text(p.value))
		}
	}
	if e.URL != "" {
		w.line("URL:" + token(e.URL))
	}
	if e.Status != "" {
		w.line("STATUS:" + token(e.Status))
	}
	if e.OrganizerEmail != "" {
		w.line("ORGANIZER" + cn(e.OrganizerName) + ":mailto:" + token(e.OrganizerEmail))
	}
	if e.AttendeeEmail != "" {
		w.line("ATTENDEE" + cn(e.AttendeeName) + ";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:" + token(e.AttendeeEmail))
	}
	w.line("END:VEVENT")
}

// line writes one content line, folded so that no physical line exceeds
// maxLine octets; a fold never falls inside a UTF-8 sequence, which some
// clients would otherwise show as two broken characters.
func (w *writer) line(s string) {
	limit := maxLine
	for len(s) > limit {
		i := limit
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		if i == 0 { // not UTF-8 at all: any cut will do
			i = limit
		}
		w.b.WriteString(s[:i])
		w.b.WriteString("\r\n ")
		s = s[i:]
		limit = maxLine - 1 // the leading space counts
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}

var textEscaper = strings.NewReplacer(
	`\`, `\\`,
	`;`, `\;`,
	`,`, `\,`,
	"\r\n", `\n`,
	"\n", `\n`,
	"\r", `\n`,
)

// text escapes a TEXT value (RFC 5545 §3.3.11).
func text(s string) string { return textEscaper.Replace(s) }

// token drops control characters from a value that has no escaping (a URI,
// an enumerated value), so that it cannot break out of its content line.
func token(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// cn renders a CN parameter, empty for an empty name. DQUOTE cannot be
// escaped in a parameter value (RFC 5545 §3.2), so it is dropped.
func cn(name string) string {
	v := strings.ReplaceAll(token(name), `"`, "")
	if v == "" {
		return ""
	}
	if strings.ContainsAny(v, ":;,") {
		v = `"` + v + `"`
	}
	return ";CN=" + v
}

// Unfold joins folded content lines (RFC 5545 §3.1): a CRLF followed by a
// space or a tab is removed.
func Unfold(s string) string {
	return strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(s)
}

// Fold folds every content line of an unfolded iCalendar text at 75 octets,
// as Bytes does; it undoes Unfold.
func Fold(s string) string {
	var w writer
	lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	for _, l := range lines {
		w.line(l)
	}
	return w.b.String()
}
