package view

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

func plural(n int, one, many string) string {
	if n <= 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
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
