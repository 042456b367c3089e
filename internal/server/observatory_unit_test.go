package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"comite/internal/model"
)

func TestReadReturnCSV(t *testing.T) {
	values, problem := readReturnCSV(strings.NewReader("\ufeffcle;variable;nombre\r\nsupported;Victimes accompagnées;1 234\r\nminor;Mineures;\r\n"))
	if problem != "" || values["supported"] != "1234" || values["minor"] != "" {
		t.Errorf("got %v, %q", values, problem)
	}
	for body, want := range map[string]string{
		"":                                      "La première ligne",
		"cle;variable;nombre\nsupported;x\n":    "Ligne 2 : il faut trois colonnes",
		"cle;variable;nombre\nautre;x;1\n":      "Ligne 2 : la clé « autre »",
		"cle;variable;nombre\nmna;x;1\nmna;x;2": "Ligne 3 : la variable « Mineurs potentiellement non accompagnés » apparaît deux fois.",
	} {
		if _, problem := readReturnCSV(strings.NewReader(body)); !strings.HasPrefix(problem, want) {
			t.Errorf("%q: got %q, want %q", body, problem, want)
		}
	}
}

func TestParsePublishedYears(t *testing.T) {
	pubs, problem := parsePublishedYears("annee;associations;reperees;accompagnees;source\n2021;44;4868;2872;https://contrelatraite.net/node/671\n2018;53;;2918;\n")
	if problem != "" || len(pubs) != 2 {
		t.Fatalf("got %v, %q", pubs, problem)
	}
	if v, ok := pubs[0].Cell("victims", model.VarSupported); !ok || v != 2872 || pubs[0].Respondents != 44 {
		t.Errorf("2021: got %+v", pubs[0])
	}
	if _, ok := pubs[1].Cell("victims", model.VarIdentified); ok {
		t.Errorf("2018: an unpublished figure was made up")
	}
	for text, want := range map[string]string{
		"2021;44;x;2872;":         "Ligne 1 : l'année et les chiffres",
		"2021;44;1;2;javascript:": "Ligne 1 : la source",
		"2021;44":                 "Ligne 1 : il faut cinq colonnes",
		"":                        "Saisissez au moins une année.",
	} {
		if _, problem := parsePublishedYears(text); !strings.HasPrefix(problem, want) {
			t.Errorf("%q: got %q, want %q", text, problem, want)
		}
	}
}

// buildPublication suppresses what few associations feed and never
// publishes a breakdown with a single hidden cell.
func TestBuildPublication(t *testing.T) {
	var returns []model.Counts
	for i := range 4 {
		c := model.Counts{"supported": 100, "form_sexual": 100, "sex_female": 100, "adult": 100, "origin_africa": 100, "place_france": 100}
		if i == 0 {
			c["form_sexual"], c["form_begging"] = 90, 10
		}
		returns = append(returns, c)
	}
	pub, err := buildPublication(2025, returns, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Respondents != 4 {
		t.Errorf("respondents: got %d, want 4", pub.Respondents)
	}
	if _, ok := pub.Cell("form", "form_begging"); ok {
		t.Errorf("a cell fed by one association is published")
	}
	if _, ok := pub.Cell("form", "form_sexual"); ok {
		if _, ok := pub.Cell("victims", model.VarSupported); ok {
			t.Errorf("the begging cell can be recomputed: total and sexual exploitation are both published")
		}
	}
	if v, ok := pub.Cell("sex", "sex_female"); !ok || v != 400 {
		t.Errorf("a safe cell is hidden: got %d, %v", v, ok)
	}
}

// The maintenance reminds the associations that have not answered, once,
// a week before the survey closes; opening a survey writes to every
// association; the plan's measure links to the observatory.
func TestSurveyCampaign(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	sv, err := p.store.SurveyByYear(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := p.srv.RemindSurveys(ctx); err != nil || n != 0 {
		t.Fatalf("two months ahead: %d reminders, %v; want none", n, err)
	}
	if _, err := p.store.Pool().Exec(ctx, `UPDATE surveys SET closes_on = current_date + 3 WHERE id = $1`, sv.ID); err != nil {
		t.Fatal(err)
	}
	// The association role's body has an example return: back to a draft.
	if _, err := p.store.Pool().Exec(ctx, `UPDATE survey_returns SET state = 'draft' WHERE survey_id = $1
		AND body_id = (SELECT id FROM bodies WHERE slug = 'ccem')`, sv.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := p.srv.RemindSurveys(ctx); err != nil || n != 1 {
		t.Fatalf("three days ahead: %d reminders, %v; want 1", n, err)
	}
	if n, err := p.srv.RemindSurveys(ctx); err != nil || n != 0 {
		t.Fatalf("the second run: %d reminders, %v; want none", n, err)
	}
	mails, err := p.store.MailsTo(ctx, p.emails[roleAssociation])
	if err != nil || len(mails) != 1 || !strings.HasPrefix(mails[0].Subject, "Rappel – Enquête annuelle") {
		t.Errorf("the association's mails: %v, %v", mails, err)
	}

	// Opening the next survey writes to every association.
	res := p.as(roleSecretariat).postForm("/admin/observatory/new", url.Values{"year": {"2026"}, "opens_on": {"2027-07-01"}, "closes_on": {"2027-09-15"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("opening 2026: got %d, want 303\n%s", res.StatusCode, res.body)
	}
	if mails, _ := p.store.MailsTo(ctx, p.emails[roleAssociation]); len(mails) != 2 || !strings.Contains(mails[1].Subject+mails[0].Subject, "données 2026") {
		t.Errorf("the association is not invited to the 2026 survey: %v", mails)
	}
	again := p.as(roleSecretariat).postForm("/admin/observatory/new", url.Values{"year": {"2026"}, "opens_on": {"2027-07-01"}, "closes_on": {"2027-09-15"}})
	if again.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(again.body, "Une enquête existe déjà pour les données 2026.") {
		t.Errorf("a second survey of 2026: got %d, want 422 with a message", again.StatusCode)
	}
	if mails, _ := p.store.MailsTo(ctx, p.emails[roleUnion]); len(mails) != 0 {
		t.Errorf("a union is invited to the associations' survey: %v", mails)
	}

	// The plan's observatory measure links to the observatory.
	var measure int64
	if err := p.store.Pool().QueryRow(ctx, `SELECT id FROM measures WHERE observatory`).Scan(&measure); err != nil {
		t.Fatal(err)
	}
	if page := p.as(rolePublic).get("/measures/" + strconv.FormatInt(measure, 10)); !strings.Contains(page.body, `data-testid="observatory-link"`) {
		t.Errorf("the observatory measure does not link to the observatory")
	}
}
