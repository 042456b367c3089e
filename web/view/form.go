package view

import (
	"crypto/rand"
	"slices"
	"strings"
)

// SubmissionField is the hidden field that carries a form's submission key.
const SubmissionField = "submission"

// newSubmissionKey draws the key of one rendering of a form. It is drawn
// as the form is written, whichever handler renders it, so that each copy
// of a form has its own: the server creates once per key
// (internal/server/submission.go), however often that copy is sent.
func newSubmissionKey() string { return rand.Text() }

// Form carries what a user typed and what is wrong with it, so that a form
// rendered again keeps the input and shows every error.
type Form struct {
	Values map[string]string
	// Errors maps a field name to its message, in French.
	Errors map[string]string
	// Order lists the fields with errors in page order, for the summary.
	Order []string
	// Labels maps a field name to its label, for the summary's links.
	Labels map[string]string
}

// NewForm returns an empty form.
func NewForm() *Form {
	return &Form{Values: map[string]string{}, Errors: map[string]string{}, Labels: map[string]string{}}
}

// Value returns the typed value of field name.
func (f *Form) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// Error returns the message for field name, or "".
func (f *Form) Error(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// Fail records a message for field name; the first message per field wins.
func (f *Form) Fail(name, label, msg string) {
	if _, ok := f.Errors[name]; ok {
		return
	}
	f.Errors[name] = msg
	f.Labels[name] = label
	f.Order = append(f.Order, name)
}

// Valid reports whether no field has an error.
func (f *Form) Valid() bool { return f == nil || len(f.Errors) == 0 }

// FieldID is the id of the input of field name, the target of the summary's links.
func FieldID(name string) string { return "champ-" + name }

func errorID(name string) string { return "erreur-" + name }

func hintID(name string) string { return "aide-" + name }

// Has reports whether value is among the comma-separated values of a
// checkboxes field.
func (f *Form) Has(name, value string) bool {
	return slices.Contains(strings.Split(f.Value(name), ","), value)
}

// hasEmptyOption reports whether a select already offers an empty choice
// (« Choisir un organisme »).
func hasEmptyOption(opts []Option) bool {
	for _, o := range opts {
		if o.Value == "" {
			return true
		}
	}
	return false
}

// InFieldOrder returns f with its errors listed in the order of fields on
// the page, which the summary follows: a checker may find a missing date
// before a missing title, the reader reads the title first. Errors of
// names that are not among fields keep their place after them.
func (f *Form) InFieldOrder(fields []Field) *Form {
	pos := map[string]int{}
	for i, fd := range fields {
		pos[fd.Name] = i
	}
	g := *f
	g.Order = slices.Clone(f.Order)
	slices.SortStableFunc(g.Order, func(a, b string) int {
		pa, oka := pos[a]
		pb, okb := pos[b]
		switch {
		case oka && okb:
			return pa - pb
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return &g
}
