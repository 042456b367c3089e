// Package view renders the portal's pages with templ. It receives plain
// values from the handlers and never touches the store or the session; templ
// escapes everything it prints.
package view

import (
	"fmt"
	"strconv"
	"time"
	_ "time/tzdata" // the server may have no zoneinfo: Paris time must not depend on it
)

// Base is what every page shares: its title, the signed-in user, a flash
// message and the active navigation entry.
type Base struct {
	// Title is the page's own title, unique per page.
	Title string
	// User is the signed-in user, nil for the public.
	User *User
	// Flash is a one-time confirmation shown at the top of the page.
	Flash string
	// Nav is the active navigation entry: "meetings", "members", "plan", "documents", "consultations", "news", "observatory" or "".
	Nav string
}

// User is the signed-in user as the header shows it.
type User struct {
	Name        string
	RoleLabel   string
	BodyName    string
	Secretariat bool
}

// navEntry is one link of the main navigation.
type navEntry struct {
	Key, Label, Href string
	// Members marks an entry only signed-in members may open: the public
	// would only meet the sign-in page behind it.
	Members bool
}

var navEntries = []navEntry{
	{"meetings", "Réunions", "/meetings", false},
	{"members", "Membres", "/members", false},
	{"plan", "Plan", "/plans", false},
	{"documents", "Documents", "/documents", false},
	{"consultations", "Consultations", "/consultations", true},
	{"news", "Actualités", "/news", false},
	{"observatory", "Observatoire", "/observatory", false},
}

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// Paris is the time zone dates are shown in. It comes from the embedded
// tzdata, so it cannot be missing; a fixed UTC+1 would be an hour wrong all
// summer, so a failure stops the program at start-up instead.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("view: no Europe/Paris time zone: " + err.Error())
	}
	return loc
}()

// Date writes t as "21 mars 2024".
func Date(t time.Time) string {
	t = t.In(Paris)
	day := itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + frenchMonths[t.Month()-1] + " " + itoa(t.Year())
}

// DateTime writes t as "21 mars 2024 à 14 h 00", the time held together by
// non-breaking spaces so that a line never ends inside it.
func DateTime(t time.Time) string {
	return Date(t) + " à " + Clock(t)
}

// Clock writes the time of t as "14 h 09", with non-breaking spaces.
func Clock(t time.Time) string {
	t = t.In(Paris)
	return itoa(t.Hour()) + "\u00a0h\u00a0" + pad2(t.Minute())
}

// ISO writes t for a <time datetime> attribute.
func ISO(t time.Time) string { return t.Format(time.RFC3339) }

func itoa(n int) string { return strconv.Itoa(n) }

func pad2(n int) string { return fmt.Sprintf("%02d", n) }
