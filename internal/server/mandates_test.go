package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func mandatePost(label, start, end string) url.Values {
	return url.Values{"label": {label}, "starts_on": {start}, "ends_on": {end}}
}

// Only one mandate is in force on a given day: a mandate whose dates
// overlap another's is refused on creation and on edit, with a message
// that names the other and its dates, and the typed values kept. An
// overlapping mandate would otherwise become the one in force and empty
// the public member list.
func TestMandatesCannotOverlap(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	sec := p.as(roleSecretariat)
	demo, err := p.store.CurrentMandate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refused := func(res response, want string) {
		t.Helper()
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("overlapping mandate: got %d, want 422", res.StatusCode)
		}
		if body := html.UnescapeString(res.body); !strings.Contains(body, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, body)
		}
	}
	seats := func() int {
		t.Helper()
		return strings.Count(p.client().get("/members").body, `data-testid="category"`)
	}
	before := seats()
	if before == 0 {
		t.Fatal("the public member list is empty before the test")
	}

	// A new mandate while the demo one runs with no end.
	res := sec.postForm("/admin/mandates/new", mandatePost("Mandature bis", "2025-01-01", ""))
	refused(res, "chevauchent la mandature « Mandature 2024 » (depuis le 21 mars 2024, sans date de fin)")
	if !strings.Contains(res.body, `value="Mandature bis"`) || !strings.Contains(res.body, `value="2025-01-01"`) {
		t.Error("the typed values are not kept")
	}
	if got := seats(); got != before {
		t.Fatalf("the public member list changed: %d categories, want %d", got, before)
	}

	// Once the demo mandate ends, the next one may start the day after.
	demoPath := "/admin/mandates/" + strconv.FormatInt(demo.ID, 10) + "/edit"
	if res := sec.postForm(demoPath, mandatePost("Mandature 2024", "2024-03-21", "2027-03-20")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end the demo mandate: got %d\n%s", res.StatusCode, res.body)
	}
	refused(sec.postForm("/admin/mandates/new", mandatePost("Mandature 2027", "2027-03-20", "")),
		"« Mandature 2024 » (du 21 mars 2024 au 20 mars 2027)")
	res = sec.postForm("/admin/mandates/new", mandatePost("Mandature 2027", "2027-03-21", ""))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the next mandate: got %d\n%s", res.StatusCode, res.body)
	}
	next := strings.TrimSuffix(res.Header.Get("Location"), "/")

	// Edits: moving either into the other is refused; an edit that keeps
	// the dates is not refused by the mandate's own period.
	refused(sec.postForm(next+"/edit", mandatePost("Mandature 2027", "2027-01-01", "")),
		"« Mandature 2024 » (du 21 mars 2024 au 20 mars 2027)")
	refused(sec.postForm(demoPath, mandatePost("Mandature 2024", "2024-03-21", "")),
		"« Mandature 2027 » (depuis le 21 mars 2027, sans date de fin)")
	if res := sec.postForm(next+"/edit", mandatePost("Mandature 2027-2030", "2027-03-21", "")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("renaming the next mandate: got %d\n%s", res.StatusCode, res.body)
	}
	if got := seats(); got != before {
		t.Fatalf("the public member list changed: %d categories, want %d", got, before)
	}
}
