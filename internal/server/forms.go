package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"comite/internal/model"
	"comite/web/view"
)

// readForm parses the posted form into a view.Form holding the trimmed
// values of fields, so that a form shown again keeps what was typed.
func readForm(r *http.Request, fields []view.Field) (*view.Form, error) {
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	f := view.NewForm()
	for _, fd := range fields {
		if fd.Kind == "checkboxes" {
			f.Values[fd.Name] = strings.Join(r.PostForm[fd.Name], ",")
		} else {
			f.Values[fd.Name] = strings.TrimSpace(r.PostForm.Get(fd.Name))
		}
		f.Labels[fd.Name] = fd.Label
	}
	return f, nil
}

// checker validates a form's values and records French messages on it.
type checker struct {
	f      *view.Form
	fields map[string]view.Field
}

func newChecker(f *view.Form, fields []view.Field) *checker {
	c := &checker{f: f, fields: map[string]view.Field{}}
	for _, fd := range fields {
		c.fields[fd.Name] = fd
	}
	return c
}

func (c *checker) fail(name, msg string) { c.f.Fail(name, c.fields[name].Label, msg) }

// text returns the value of name, checking presence and length.
func (c *checker) text(name string, max int) string {
	v := c.f.Value(name)
	switch {
	case v == "" && c.fields[name].Required:
		c.fail(name, "Ce champ est obligatoire.")
	case utf8.RuneCountInString(v) > max:
		c.fail(name, "Ce champ ne peut dépasser "+strconv.Itoa(max)+" caractères.")
	}
	return v
}

// date reads a YYYY-MM-DD date; nil when empty and optional.
func (c *checker) date(name string) *time.Time {
	v := c.f.Value(name)
	if v == "" {
		if c.fields[name].Required {
			c.fail(name, "Saisissez une date.")
		}
		return nil
	}
	t, err := time.Parse(time.DateOnly, v)
	switch {
	case err != nil:
		c.fail(name, "Saisissez une date valide au format AAAA-MM-JJ, par exemple 2024-03-21.")
		return nil
	case !plausibleYear(t):
		c.fail(name, dateRangeMessage)
		return nil
	}
	return &t
}

// datetime reads a date and time typed in a datetime-local field, in Paris
// time; nil when empty.
func (c *checker) datetime(name, example string) *time.Time {
	v := c.f.Value(name)
	if v == "" {
		if c.fields[name].Required {
			c.fail(name, "Saisissez une date et une heure.")
		}
		return nil
	}
	t, err := time.ParseInLocation(datetimeLocal, v, view.Paris)
	switch {
	case err != nil:
		c.fail(name, "Saisissez une date et une heure valides, par exemple "+example+".")
		return nil
	case !plausibleYear(t):
		c.fail(name, dateRangeMessage)
		return nil
	}
	return &t
}

// datetimeLocal is the format of an <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

// Dates outside these years are typing mistakes (9999-12-31), and adding a
// day or a month to them must stay within what PostgreSQL and Go agree on.
const (
	firstYear        = 1900
	lastYear         = 2199
	dateRangeMessage = "Saisissez une date comprise entre 1900 et 2199."
)

func plausibleYear(t time.Time) bool { return t.Year() >= firstYear && t.Year() <= lastYear }

// id reads a numeric id chosen in a select; 0 when empty.
func (c *checker) id(name string) int64 {
	v := c.f.Value(name)
	if v == "" || v == "0" {
		if c.fields[name].Required {
			c.fail(name, "Faites un choix dans la liste.")
		}
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		c.fail(name, "Faites un choix dans la liste.")
		return 0
	}
	return n
}

// ids reads the ticked boxes of a checkboxes field, each one of its options.
func (c *checker) ids(name string) []int64 {
	var out []int64
	v := c.f.Value(name)
	if v == "" {
		return nil
	}
	allowed := map[string]bool{}
	for _, o := range c.fields[name].Options {
		allowed[o.Value] = true
	}
	for _, part := range strings.Split(v, ",") {
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || !allowed[part] {
			c.fail(name, "Faites un choix dans la liste.")
			return nil
		}
		out = append(out, n)
	}
	return out
}

// choice checks the value is one of the field's options.
func (c *checker) choice(name string) string {
	v := c.f.Value(name)
	for _, o := range c.fields[name].Options {
		if o.Value == v && (v != "" || !c.fields[name].Required) {
			return v
		}
	}
	c.fail(name, "Faites un choix dans la liste.")
	return ""
}

// webURL checks an optional http(s) address.
func (c *checker) webURL(name string) string {
	v := c.text(name, 500)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.fail(name, "Saisissez une adresse complète commençant par https://, par exemple https://www.exemple.fr.")
		return ""
	}
	return v
}

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// email checks an optional e-mail address.
func (c *checker) email(name string) string {
	v := c.text(name, 254)
	if v != "" && !emailPattern.MatchString(v) {
		c.fail(name, "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")
	}
	return strings.ToLower(v)
}

func formatDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

func formatID(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func categoryOptions() []view.Option {
	opts := []view.Option{{Value: "", Label: "Choisir une catégorie"}}
	for _, c := range model.Categories {
		opts = append(opts, view.Option{Value: string(c), Label: c.Label()})
	}
	return opts
}

func bodyOptions(bodies []model.Body, none string) []view.Option {
	opts := []view.Option{{Value: "", Label: none}}
	for _, b := range bodies {
		opts = append(opts, view.Option{Value: strconv.FormatInt(b.ID, 10), Label: b.DisplayName()})
	}
	return opts
}

// clock reads an HH:MM time of day on the given date, in Paris.
func (c *checker) clock(name string, date *time.Time) *time.Time {
	v := c.f.Value(name)
	if v == "" {
		if c.fields[name].Required {
			c.fail(name, "Saisissez une heure.")
		}
		return nil
	}
	t, err := time.Parse("15:04", v)
	if err != nil {
		c.fail(name, "Saisissez une heure valide au format HH:MM, par exemple 14:30.")
		return nil
	}
	if date == nil {
		return nil
	}
	at := time.Date(date.Year(), date.Month(), date.Day(), t.Hour(), t.Minute(), 0, 0, view.Paris)
	return &at
}

// wholeNumber reads a whole number between lo and hi; msg says what is expected.
func (c *checker) wholeNumber(name string, lo, hi int, msg string) int {
	v := c.f.Value(name)
	if v == "" && !c.fields[name].Required {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		c.fail(name, msg)
		return 0
	}
	return n
}
