package view

import (
	"strconv"
	"strings"
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
