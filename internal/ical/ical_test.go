package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"

	"comite/internal/ical"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// decode parses out with an independent implementation and checks the
// physical form of every line on the way.
func decode(t *testing.T, out []byte) *goical.Calendar {
	t.Helper()
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		t.Fatalf("output does not end in CRLF: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n")
	for i, l := range lines {
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i, len(l), l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i, l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
		}
	}
	cal, err := goical.NewDecoder(bytes.NewReader(out)).Decode()
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, out)
	}
	return cal
}

func onlyEvent(t *testing.T, cal *goical.Calendar) goical.Event {
	t.Helper()
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	return events[0]
}

func propText(t *testing.T, props goical.Props, name string) string {
	t.Helper()
	p := props.Get(name)
	if p == nil {
		t.Errorf("no %s", name)
		return ""
	}
	s, err := p.Text()
	if err != nil {
		t.Errorf("%s: %v", name, err)
	}
	return s
}

func TestEventRoundTrip(t *testing.T) {
	const (
		summary  = "Réunion plénière, 2ᵉ séance; ordre du jour\nvoir ci-dessous \\ annexes"
		location = "Salle des fêtes, 1 place de l'Église; Évry"
	)
	stamp := time.Date(2025, 6, 30, 8, 0, 5, 0, time.UTC)
	out := ical.Calendar{
		Method: "REQUEST",
		Name:   "Réunions du comité",
		Events: []ical.Event{{
			UID:            "meeting-12@comite",
			Sequence:       3,
			Start:          time.Date(2025, 7, 15, 14, 30, 0, 0, paris),
			Stamp:          stamp.In(paris), // written in UTC whatever its zone
			Summary:        summary,
			Description:    "Ordre du jour :\n1. Approbation du procès-verbal\n2. Questions diverses",
			Location:       location,
			URL:            "https://comite.example.fr/reunions/12",
			Status:         "CONFIRMED",
			OrganizerName:  "Secrétariat du comité",
			OrganizerEmail: "secretariat@example.fr",
			AttendeeName:   `Dupont, "Claire"`,
			AttendeeEmail:  "claire.dupont@example.fr",
		}},
	}.Bytes()
	cal := decode(t, out)

	for name, want := range map[string]string{
		"PRODID":       "-//Comite//Portail du comite//FR",
		"VERSION":      "2.0",
		"CALSCALE":     "GREGORIAN",
		"METHOD":       "REQUEST",
		"X-WR-CALNAME": "Réunions du comité",
	} {
		if got := propText(t, cal.Props, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}

	e := onlyEvent(t, cal)
	for name, want := range map[string]string{
		"UID":         "meeting-12@comite",
		"SUMMARY":     summary,
		"DESCRIPTION": "Ordre du jour :\n1. Approbation du procès-verbal\n2. Questions diverses",
		"LOCATION":    location,
		"STATUS":      "CONFIRMED",
	} {
		if got := propText(t, e.Props, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if p := e.Props.Get("DTSTAMP"); p == nil || p.Value != "20250630T080005Z" {
		t.Errorf("DTSTAMP = %+v", p)
	}
	if seq, err := e.Props.Get("SEQUENCE").Int(); err != nil || seq != 3 {
		t.Errorf("SEQUENCE = %d, %v", seq, err)
	}
	if u, err := e.Props.URI("URL"); err != nil || u.String() != "https://comite.example.fr/reunions/12" {
		t.Errorf("URL = %v, %v", u, err)
	}

	start, err := e.DateTimeStart(nil)
	if err != nil || !start.Equal(time.Date(2025, 7, 15, 12, 30, 0, 0, time.UTC)) {
		t.Errorf("DTSTART = %v, %v; want 12:30 UTC", start, err)
	}
	if p := e.Props.Get("DTSTART"); p.Params.Get("TZID") != "Europe/Paris" || p.Value != "20250715T143000" {
		t.Errorf("DTSTART = %+v", p)
	}
	end, err := e.DateTimeEnd(nil)
	if err != nil || !end.Equal(time.Date(2025, 7, 15, 14, 30, 0, 0, time.UTC)) {
		t.Errorf("DTEND = %v, %v; want two hours after the start", end, err)
	}

	org := e.Props.Get("ORGANIZER")
	if org == nil || org.Value != "mailto:secretariat@example.fr" || org.Params.Get("CN") != "Secrétariat du comité" {
		t.Errorf("ORGANIZER = %+v", org)
	}
	att := e.Props.Get("ATTENDEE")
	if att == nil || att.Value != "mailto:claire.dupont@example.fr" || att.Params.Get("CN") != "Dupont, Claire" ||
		att.Params.Get("ROLE") != "REQ-PARTICIPANT" || att.Params.Get("RSVP") != "FALSE" {
		t.Errorf("ATTENDEE = %+v", att)
	}
	if !bytes.Contains(out, []byte("\r\nORGANIZER;CN=Secrétariat du comité:mailto:")) {
		t.Errorf("a CN without special characters was quoted:\n%s", out)
	}

	var tz []*goical.Component
	for _, c := range cal.Children {
		if c.Name == "VTIMEZONE" {
			tz = append(tz, c)
		}
	}
	if len(tz) != 1 || propText(t, tz[0].Props, "TZID") != "Europe/Paris" {
		t.Errorf("VTIMEZONE components = %v", tz)
	}
}

func TestTimesAreParisWallClock(t *testing.T) {
	for _, tc := range []struct {
		start, end         time.Time
		wantStart, wantEnd time.Time
	}{
		{ // summer time, +0200
			start:     time.Date(2025, 7, 15, 14, 30, 0, 0, paris),
			wantStart: time.Date(2025, 7, 15, 12, 30, 0, 0, time.UTC),
			wantEnd:   time.Date(2025, 7, 15, 14, 30, 0, 0, time.UTC),
		},
		{ // winter time, +0100, given in UTC and with an explicit end
			start:     time.Date(2026, 1, 20, 13, 30, 0, 0, time.UTC),
			end:       time.Date(2026, 1, 20, 15, 0, 0, 0, time.UTC),
			wantStart: time.Date(2026, 1, 20, 13, 30, 0, 0, time.UTC),
			wantEnd:   time.Date(2026, 1, 20, 15, 0, 0, 0, time.UTC),
		},
	} {
		out := ical.Calendar{Events: []ical.Event{{UID: "u", Start: tc.start, End: tc.end}}}.Bytes()
		e := onlyEvent(t, decode(t, out))
		if start, err := e.DateTimeStart(nil); err != nil || !start.Equal(tc.wantStart) {
			t.Errorf("DTSTART = %v, %v; want %v", start, err, tc.wantStart)
		}
		if end, err := e.DateTimeEnd(nil); err != nil || !end.Equal(tc.wantEnd) {
			t.Errorf("DTEND = %v, %v; want %v", end, err, tc.wantEnd)
		}
	}
	jan := ical.Calendar{Events: []ical.Event{{UID: "u", Start: time.Date(2026, 1, 20, 14, 30, 0, 0, paris)}}}.Bytes()
	if !bytes.Contains(jan, []byte("\r\nDTSTART;TZID=Europe/Paris:20260120T143000\r\n")) {
		t.Errorf("January DTSTART not in Paris time:\n%s", jan)
	}
	e := onlyEvent(t, decode(t, jan))
	if start, _ := e.DateTimeStart(nil); !start.Equal(time.Date(2026, 1, 20, 13, 30, 0, 0, time.UTC)) {
		t.Errorf("January 14:30 in Paris = %v, want 13:30 UTC", start)
	}
}

// The VTIMEZONE is what clients without the Olson database rely on: its
// rules must switch at the same instants as Go's.
func TestTimezoneMatchesTZData(t *testing.T) {
	cal := decode(t, ical.Calendar{Events: []ical.Event{{UID: "u", Start: time.Now()}}}.Bytes())
	found := 0
	for _, tz := range cal.Children {
		if tz.Name != "VTIMEZONE" {
			continue
		}
		for _, rule := range tz.Children {
			from := map[string]int{"+0100": 3600, "+0200": 7200}[rule.Props.Get("TZOFFSETFROM").Value]
			to := map[string]int{"+0100": 3600, "+0200": 7200}[rule.Props.Get("TZOFFSETTO").Value]
			set, err := rule.RecurrenceSet(time.UTC)
			if err != nil || set == nil || from == 0 || to == 0 || from == to {
				t.Fatalf("%s: set %v, err %v, offsets %d → %d", rule.Name, set, err, from, to)
			}
			changes := set.Between(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), true)
			if len(changes) != 7 {
				t.Errorf("%s: %d changes in 2024–2030, want 7", rule.Name, len(changes))
			}
			for _, wall := range changes {
				at := wall.Add(-time.Duration(from) * time.Second) // wall clock of the old offset
				_, before := at.Add(-time.Second).In(paris).Zone()
				_, after := at.In(paris).Zone()
				if before != from || after != to {
					t.Errorf("%s at %v: Go has %d → %d", rule.Name, at, before, after)
				}
			}
			found++
		}
	}
	if found != 2 {
		t.Errorf("%d timezone rules, want 2", found)
	}
}

func TestLongLinesAreFolded(t *testing.T) {
	// An odd number of octets before a run of two-octet letters puts the
	// 75th octet inside a character.
	desc := "Éléments à préparer : " + strings.Repeat("é", 100) + "\n" +
		strings.Repeat("Le comité délibère valablement lorsque la moitié des membres est présente. ", 6)
	out := ical.Calendar{Events: []ical.Event{{UID: "meeting-1@comite", Start: time.Now(), Description: desc}}}.Bytes()
	e := onlyEvent(t, decode(t, out)) // checks lengths, CRLF and UTF-8 of every line
	if got := propText(t, e.Props, "DESCRIPTION"); got != desc {
		t.Errorf("DESCRIPTION = %q\nwant %q", got, desc)
	}
	unfolded := strings.ReplaceAll(string(out), "\r\n ", "")
	want := "\r\nDESCRIPTION:Éléments à préparer : " + strings.Repeat("é", 100) + `\n` + "Le comité"
	if !strings.Contains(unfolded, want) {
		t.Errorf("unfolded output lacks %q:\n%s", want, unfolded)
	}
	if n := strings.Count(string(out), "\r\n "); n < 8 {
		t.Errorf("%d folds, want at least 8", n)
	}
}

func TestCancel(t *testing.T) {
	out := ical.Calendar{Method: "CANCEL", Events: []ical.Event{{
		UID:           "meeting-12@comite",
		Sequence:      4,
		Start:         time.Date(2025, 7, 15, 14, 30, 0, 0, paris),
		Summary:       "Réunion annulée",
		Status:        "CANCELLED",
		AttendeeEmail: "claire.dupont@example.fr",
	}}}.Bytes()
	cal := decode(t, out)
	if got := propText(t, cal.Props, "METHOD"); got != "CANCEL" {
		t.Errorf("METHOD = %q", got)
	}
	e := onlyEvent(t, cal)
	if got := propText(t, e.Props, "STATUS"); got != "CANCELLED" {
		t.Errorf("STATUS = %q", got)
	}
	if seq, err := e.Props.Get("SEQUENCE").Int(); err != nil || seq != 4 {
		t.Errorf("SEQUENCE = %d, %v", seq, err)
	}
	if att := e.Props.Get("ATTENDEE"); att == nil || att.Value != "mailto:claire.dupont@example.fr" || att.Params.Get("CN") != "" {
		t.Errorf("ATTENDEE = %+v", att)
	}
	if e.Props.Get("ORGANIZER") != nil || e.Props.Get("LOCATION") != nil {
		t.Errorf("empty fields were written:\n%s", out)
	}
	if stamp, err := e.Props.DateTime("DTSTAMP", nil); err != nil || time.Since(stamp) > time.Minute || time.Since(stamp) < -time.Second {
		t.Errorf("DTSTAMP = %v, %v; want now", stamp, err)
	}
}

func TestEmptyCalendar(t *testing.T) {
	out := ical.Calendar{Method: "PUBLISH", Name: "Comité"}.Bytes()
	want := "BEGIN:VCALENDAR\r\nPRODID:-//Comite//Portail du comite//FR\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\n" +
		"METHOD:PUBLISH\r\nX-WR-CALNAME:Comité\r\nEND:VCALENDAR\r\n"
	if string(out) != want {
		t.Errorf("empty calendar = %q\nwant %q", out, want)
	}
	if cal := decode(t, out); len(cal.Children) != 0 {
		t.Errorf("children = %v", cal.Children)
	}
}

// Unfold and Fold undo each other on what Bytes writes, so that a calendar
// may be read line by line, changed and written back.
func TestUnfoldFold(t *testing.T) {
	out := ical.Calendar{Method: "REQUEST", Events: []ical.Event{{UID: "meeting-1@comite", Start: time.Date(2026, 5, 1, 14, 0, 0, 0, paris),
		Stamp: time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC), Summary: strings.Repeat("Réunion du comité de coordination ", 6),
		Description: "Page : https://comite.example.fr/" + strings.Repeat("a", 120)}}}.Bytes()
	unfolded := ical.Unfold(string(out))
	if strings.Contains(unfolded, "\r\n ") || !strings.Contains(unfolded, strings.Repeat("a", 120)) {
		t.Fatalf("not unfolded:\n%s", unfolded)
	}
	if got := ical.Fold(unfolded); got != string(out) {
		t.Fatalf("Fold(Unfold(x)) != x:\n%q\n%q", got, out)
	}
	decode(t, []byte(ical.Fold(unfolded)))
}
